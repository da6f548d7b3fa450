/*
 * report.c — see report.h. The README documents every column and field
 * written here; change both together.
 */
#include "output/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/aggregate.h"
#include "output/json_out.h"

/* ---- timeseries.csv ---- */

/* The columns timeseries_row writes, in its order; the outcome and error
 * columns come from their name tables, so they follow the enums. */
static void write_header(FILE *fp)
{
    fputs("label,rep,t_s,warmup,span_s,arrivals,completed", fp);
    for (int i = 0; i < N_OUTCOMES; i++)
        fprintf(fp, ",%s", OUTCOME_NAMES[i]);
    for (int i = 0; i < N_ERROR_CAUSES; i++)
        fprintf(fp, ",err_%s", ERROR_CAUSE_NAMES[i]);
    fputs(",hit_ratio,cache_hit_ratio,cache_ops_per_s,db_qps,"
          "db_inflight_mean,db_inflight_max,db_queued_max,db_util,"
          "db_timeouts,db_refused,wasted_work_s,recomputes,recomputes_early,"
          "overlapping,episodes_started,p50_ms,p90_ms,p99_ms,p999_ms,max_ms",
          fp);
}

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
    write_header(ts->file.fp);
    for (size_t k = 0; k < ts->n_types; k++)
        for (size_t m = 0; m < ts->types[k]->n_metrics; m++)
            fprintf(ts->file.fp, ",%s_%s", ts->types[k]->name,
                    ts->types[k]->metrics[m].name);
    fputc('\n', ts->file.fp);
    return true;
}

void timeseries_row(const struct window_row *row, unsigned rep,
                    const struct policy_ops *ops, void *ctx)
{
    struct timeseries *ts = ctx;
    FILE *fp = ts->file.fp;
    const struct tally *t = row->tally;
    fprintf(fp, "%s,%u", row->label, rep);
    json_csv_cell(fp, row->t);
    fprintf(fp, ",%d", row->warmup ? 1 : 0);
    json_csv_cell(fp, row->span);
    json_csv_cell(fp, (double)t->arrivals);
    json_csv_cell(fp, (double)row->completed);
    for (int i = 0; i < N_OUTCOMES; i++)
        json_csv_cell(fp, (double)t->outcomes[i]);
    for (int i = 0; i < N_ERROR_CAUSES; i++)
        json_csv_cell(fp, (double)t->errors[i]);
    json_csv_cell(fp, row->hit_ratio);
    json_csv_cell(fp, row->cache_hit_ratio);
    json_csv_cell(fp, row->cache_ops_per_s);
    json_csv_cell(fp, row->db_qps);
    json_csv_cell(fp, row->db_inflight_mean);
    json_csv_cell(fp, (double)t->db.inflight_max);
    json_csv_cell(fp, (double)t->db.pool_waiting_max);
    json_csv_cell(fp, row->db_util);
    json_csv_cell(fp, (double)t->db.timeouts);
    json_csv_cell(fp, (double)t->db.refused);
    json_csv_cell(fp, t->db.wasted_work);
    json_csv_cell(fp, (double)tally_recomputes(t));
    json_csv_cell(fp, (double)t->recomputes[CAUSE_EARLY]);
    json_csv_cell(fp, (double)t->overlapping);
    json_csv_cell(fp, (double)t->episodes_started);
    json_csv_cell(fp, row->p50 * 1e3);
    json_csv_cell(fp, row->p90 * 1e3);
    json_csv_cell(fp, row->p99 * 1e3);
    json_csv_cell(fp, row->p999 * 1e3);
    json_csv_cell(fp, row->max * 1e3);
    for (size_t k = 0; k < ts->n_types; k++)
        for (size_t m = 0; m < ts->types[k]->n_metrics; m++)
            if (ts->types[k] == ops)
                json_csv_cell(fp, t->policy[m]);
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

/* A leaf over replications: {"mean", "ci95", "values"}. */
struct reps_leaf {
    const struct policy_result *pr;
    const struct aggregate *agg;
};

static void write_reps_leaf(struct json_out *j, size_t index, void *ctx)
{
    const struct reps_leaf *r = ctx;
    json_out_begin_object(j);
    json_out_key(j, "mean");
    json_out_number(j, r->agg->mean.values[index].value);
    json_out_key(j, "ci95");
    json_out_number(j, r->agg->ci95.values[index].value);
    json_out_key(j, "values");
    json_out_begin_array(j);
    for (unsigned k = 0; k < r->pr->n_done; k++)
        json_out_number(j, r->pr->reps[k].summary.values[index].value);
    json_out_end_array(j);
    json_out_end_object(j);
}

static bool all_complete(const struct policy_result *pr)
{
    for (unsigned k = 0; k < pr->n_done; k++)
        if (pr->reps[k].end != WORLD_COMPLETE)
            return false;
    return true;
}

static const char *first_reason(const struct policy_result *pr)
{
    for (unsigned k = 0; k < pr->n_done; k++)
        if (pr->reps[k].end != WORLD_COMPLETE)
            return pr->reps[k].reason;
    return "";
}

static void write_policy(struct json_out *j, const struct policy_result *pr)
{
    json_out_begin_object(j);
    json_out_key(j, "label");
    json_out_string(j, pr->spec->label);
    json_out_key(j, "policy");
    json_out_string(j, pr->spec->ops->name);
    json_out_key(j, "complete");
    json_out_bool(j, all_complete(pr));
    if (!all_complete(pr)) {
        json_out_key(j, "reason");
        json_out_string(j, first_reason(pr));
    }
    if (pr->n_done == 1) {
        summary_write_members(j, &pr->reps[0].summary);
    } else {
        struct aggregate agg;
        aggregate_policy_result(pr, &agg);
        json_out_key(j, "replications");
        json_out_number(j, (double)pr->n_done);
        json_out_key(j, "collapsed_share");
        json_out_number(j, agg.collapsed_share);
        json_out_key(j, "bimodal");
        json_out_bool(j, agg.bimodal);
        struct reps_leaf leaf = {pr, &agg};
        summary_write_nested(j, &pr->reps[0].summary, write_reps_leaf, &leaf);
    }
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
    json_out_provenance(&j, s->name, s->seed);
    json_out_key(&j, "duration_s");
    json_out_number(&j, s->model.duration);
    json_out_key(&j, "warmup_s");
    json_out_number(&j, s->model.warmup);
    json_out_key(&j, "replications");
    json_out_number(&j, e->replications);
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

/* "12.3" or, over replications, "12.3 ±0.4". */
static void cell_with_ci(char *out, size_t n, const struct aggregate *a,
                         const char *path, double scale, int decimals)
{
    double mean = summary_get(&a->mean, path) * scale;
    double hw = summary_get(&a->ci95, path) * scale;
    if (!isfinite(mean))
        snprintf(out, n, "-");
    else if (a->n > 1 && isfinite(hw))
        snprintf(out, n, "%.*f ±%.*f", decimals, mean, decimals, hw);
    else
        snprintf(out, n, "%.*f", decimals, mean);
}

/* Right-aligned in `width` characters (UTF-8 aware: "±" is one). */
static void print_right(FILE *out, const char *text, int width)
{
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        chars += (*p & 0xc0) != 0x80;
    fprintf(out, " %*s%s", width > chars ? width - chars : 0, "", text);
}

static void print_row(FILE *out, const struct policy_result *pr)
{
    struct aggregate a;
    aggregate_policy_result(pr, &a);
    char hit[32], p99[32], err[32], peak[32], qps[32], rec[32], size[40],
        mean[16], max[16], open[32];
    cell_with_ci(hit, sizeof hit, &a, "hit_ratio", 100, 2);
    cell_with_ci(p99, sizeof p99, &a, "latency_ms.p99", 1, 1);
    cell_with_ci(err, sizeof err, &a, "error_rate", 100, 2);
    cell_with_ci(peak, sizeof peak, &a, "db.peak_inflight", 1, 0);
    cell_with_ci(qps, sizeof qps, &a, "db.peak_qps", 1, 0);
    cell_with_ci(rec, sizeof rec, &a, "recomputes.total", 1, 0);
    format_count(summary_get(&a.mean, "episodes.mean_size"), mean, sizeof mean);
    format_count(summary_get(&a.mean, "episodes.max_size"), max, sizeof max);
    snprintf(size, sizeof size, "%s / %s", mean, max);
    cell_with_ci(open, sizeof open, &a, "episodes.open_at_end", 1, 0);
    fprintf(out, "%-14s", pr->spec->label);
    const char *cells[] = {hit, p99, err, peak, qps, rec, size, open};
    static const int WIDTHS[] = {13, 15, 13, 9, 9, 11, 17, 6};
    for (int i = 0; i < 8; i++)
        print_right(out, cells[i], WIDTHS[i]);
    if (a.bimodal)
        fprintf(out, "  bimodal: %.0f of %zu collapsed",
                a.collapsed_share * (double)a.n, a.n);
    else if (a.n > 1 && a.collapsed_share == 1)
        fprintf(out, "  all %zu collapsed", a.n);
    if (!all_complete(pr))
        fprintf(out, "  (incomplete)");
    fputc('\n', out);
}

void report_print_table(FILE *out, const struct experiment *e)
{
    fprintf(out, "%-14s %13s %15s %13s %9s %9s %11s %17s %6s\n", "label",
            "hit %", "p99 ms", "errors %", "db peak", "peak qps",
            "recomputes", "stampede mean/max", "open");
    for (size_t i = 0; i < e->n; i++)
        if (e->results[i].n_done > 0)
            print_row(out, &e->results[i]);
}
