/*
 * report.c — see report.h. The README documents every column and field
 * written here; change both together.
 */
#include "report.h"

#include <math.h>
#include <string.h>

#include "json_out.h"
#include "version.h"

/* ---- timeseries.csv ---- */

static const char *const BASE_COLUMNS =
    "label,rep,t_s,warmup,span_s,arrivals,completed,hit,stale,waited,"
    "computed,error,err_timeout,err_pool_timeout,err_too_many_connections,"
    "err_lock_give_up,err_holder_crash,hit_ratio,cache_hit_ratio,"
    "cache_ops_per_s,db_qps,db_inflight_mean,db_inflight_max,db_queued_max,"
    "db_util,db_timeouts,db_refused,wasted_work_s,recomputes,"
    "recomputes_early,overlapping,episodes_started,p50_ms,p90_ms,p99_ms,"
    "p999_ms,max_ms";

bool timeseries_open(struct timeseries *ts, const char *path,
                     const struct scenario *s, const size_t *policies,
                     size_t n_policies, char *err, size_t n)
{
    memset(ts, 0, sizeof *ts);
    for (size_t i = 0; i < n_policies; i++) {
        const struct policy_ops *ops = s->policies[policies[i]].ops;
        bool seen = false;
        for (size_t k = 0; k < ts->n_types; k++)
            seen |= ts->types[k] == ops;
        if (!seen && ts->n_types < 16)
            ts->types[ts->n_types++] = ops;
    }
    if (!outfile_open(&ts->file, path, err, n))
        return false;
    fputs(BASE_COLUMNS, ts->file.fp);
    for (size_t k = 0; k < ts->n_types; k++)
        for (size_t m = 0; m < ts->types[k]->n_metrics; m++)
            fprintf(ts->file.fp, ",%s_%s", ts->types[k]->name,
                    ts->types[k]->metrics[m].name);
    fputc('\n', ts->file.fp);
    return true;
}

/* A number cell: empty when undefined. */
static void cell(FILE *fp, double v)
{
    char buf[64];
    fputc(',', fp);
    if (isfinite(v)) {
        json_format_number(v, buf, sizeof buf);
        fputs(buf, fp);
    }
}

void timeseries_row(const struct window_row *row, unsigned rep,
                    const struct policy_ops *ops, void *ctx)
{
    struct timeseries *ts = ctx;
    FILE *fp = ts->file.fp;
    const struct tally *t = row->tally;
    fprintf(fp, "%s,%u", row->label, rep);
    cell(fp, row->t);
    fprintf(fp, ",%d", row->warmup ? 1 : 0);
    cell(fp, row->span);
    cell(fp, (double)t->arrivals);
    cell(fp, (double)row->completed);
    for (int i = 0; i < N_OUTCOMES; i++)
        cell(fp, (double)t->outcomes[i]);
    for (int i = 0; i < N_ERROR_CAUSES; i++)
        cell(fp, (double)t->errors[i]);
    cell(fp, row->hit_ratio);
    cell(fp, row->cache_hit_ratio);
    cell(fp, row->cache_ops_per_s);
    cell(fp, row->db_qps);
    cell(fp, row->db_inflight_mean);
    cell(fp, (double)t->db.inflight_max);
    cell(fp, (double)t->db.pool_waiting_max);
    cell(fp, row->db_util);
    cell(fp, (double)t->db.timeouts);
    cell(fp, (double)t->db.refused);
    cell(fp, t->db.wasted_work);
    cell(fp, (double)(t->recomputes[CAUSE_MISS] + t->recomputes[CAUSE_EARLY] +
                      t->recomputes[CAUSE_LOCK]));
    cell(fp, (double)t->recomputes[CAUSE_EARLY]);
    cell(fp, (double)t->overlapping);
    cell(fp, (double)t->episodes_started);
    cell(fp, row->p50 * 1e3);
    cell(fp, row->p90 * 1e3);
    cell(fp, row->p99 * 1e3);
    cell(fp, row->p999 * 1e3);
    cell(fp, row->max * 1e3);
    for (size_t k = 0; k < ts->n_types; k++)
        for (size_t m = 0; m < ts->types[k]->n_metrics; m++)
            if (ts->types[k] == ops)
                cell(fp, t->policy[m]);
            else
                fputc(',', fp);
    fputc('\n', fp);
}

bool timeseries_commit(struct timeseries *ts, char *err, size_t n)
{
    return outfile_commit(&ts->file, err, n);
}

void timeseries_abort(struct timeseries *ts) { outfile_abort(&ts->file); }

/* ---- summary.json ---- */

static void write_policy(struct json_out *j, const struct policy_result *pr)
{
    const struct rep_result *r = &pr->reps[0];
    json_out_begin_object(j);
    json_out_key(j, "label");
    json_out_string(j, pr->spec->label);
    json_out_key(j, "policy");
    json_out_string(j, pr->spec->ops->name);
    json_out_key(j, "complete");
    json_out_bool(j, r->end == WORLD_COMPLETE);
    if (r->end != WORLD_COMPLETE) {
        json_out_key(j, "reason");
        json_out_string(j, r->reason);
    }
    summary_write_members(j, &r->summary);
    if (pr->spec->ops->n_metrics == 0) {
        json_out_key(j, "policy_metrics");
        json_out_begin_object(j);
        json_out_end_object(j);
    }
    json_out_end_object(j);
}

static void write_summary(FILE *fp, const struct scenario *s,
                          const struct experiment *e)
{
    struct json_out j;
    json_out_init(&j, fp);
    json_out_begin_object(&j);
    json_out_key(&j, "tool");
    json_out_string(&j, "stampede " STAMPEDE_VERSION);
    json_out_key(&j, "schema_version");
    json_out_number(&j, STAMPEDE_SCHEMA_VERSION);
    json_out_key(&j, "scenario");
    json_out_string(&j, s->name);
    json_out_key(&j, "seed");
    json_out_number(&j, (double)s->seed);
    json_out_key(&j, "duration_s");
    json_out_number(&j, s->model.duration);
    json_out_key(&j, "warmup_s");
    json_out_number(&j, s->model.warmup);
    json_out_key(&j, "complete");
    json_out_bool(&j, e->complete);
    if (!e->complete) {
        json_out_key(&j, "reason");
        json_out_string(&j, e->reason);
    }
    json_out_key(&j, "policies");
    json_out_begin_array(&j);
    for (size_t i = 0; i < e->n; i++)
        if (e->results[i].n_done > 0)
            write_policy(&j, &e->results[i]);
    json_out_end_array(&j);
    json_out_end_object(&j);
}

bool report_write_summary(const char *path, const struct scenario *s,
                          const struct experiment *e, char *err, size_t n)
{
    struct outfile f;
    if (!outfile_open(&f, path, err, n))
        return false;
    write_summary(f.fp, s, e);
    return outfile_commit(&f, err, n);
}

bool report_write_scenario(const char *path, const struct scenario *s,
                           char *err, size_t n)
{
    cJSON *tree = scenario_to_json(s);
    if (!tree) {
        snprintf(err, n, "%s: out of memory", path);
        return false;
    }
    struct outfile f;
    bool ok = outfile_open(&f, path, err, n);
    if (ok) {
        struct json_out j;
        json_out_init(&j, f.fp);
        json_out_tree(&j, tree);
        ok = outfile_commit(&f, err, n);
    }
    cJSON_Delete(tree);
    return ok;
}

/* ---- the table ---- */

/* 3 significant digits below 1000, whole numbers above; "-" for none. */
static void format_count(double v, char *out, size_t n)
{
    if (!isfinite(v))
        snprintf(out, n, "-");
    else if (v < 1000)
        snprintf(out, n, "%.3g", v);
    else
        snprintf(out, n, "%.0f", v);
}

void report_print_table(FILE *out, const struct experiment *e)
{
    fprintf(out, "%-14s %7s %10s %8s %8s %9s %10s %17s %5s\n", "label",
            "hit %", "p99 ms", "errors", "db peak", "peak qps", "recomputes",
            "stampede mean/max", "open");
    for (size_t i = 0; i < e->n; i++) {
        const struct policy_result *pr = &e->results[i];
        if (pr->n_done == 0)
            continue;
        const struct run_summary *s = &pr->reps[0].summary;
        char size[40], mean[16], max[16];
        format_count(summary_get(s, "episodes.mean_size"), mean, sizeof mean);
        format_count(summary_get(s, "episodes.max_size"), max, sizeof max);
        snprintf(size, sizeof size, "%s / %s", mean, max);
        fprintf(out, "%-14s %7.2f %10.1f %7.2f%% %8.0f %9.0f %10.0f %17s %5.0f%s\n",
                pr->spec->label, 100 * summary_get(s, "hit_ratio"),
                summary_get(s, "latency_ms.p99"),
                100 * summary_get(s, "error_rate"),
                summary_get(s, "db.peak_inflight"),
                summary_get(s, "db.peak_qps"),
                summary_get(s, "recomputes.total"), size,
                summary_get(s, "episodes.open_at_end"),
                pr->reps[0].end == WORLD_COMPLETE ? "" : "  (incomplete)");
    }
}
