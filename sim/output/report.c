/*
 * report.c — see report.h. docs/outputs.md documents every column and field
 * written here; change both together.
 */
#include "output/report.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "experiment/aggregate.h"
#include "metric_registry.h"
#include "output/json_out.h"
#include "output/summary_json.h"

/* ---- timeseries.csv ---- */

/* The layout of timeseries.csv: the dimensions (label, rep, t_s, warmup,
 * span_s), these columns of the metric registry in this order, then the
 * own columns of each policy in the run. */
static const char *const COLUMNS[] = {
    "arrivals", "completed",
    "hit", "stale", "waited", "computed", "error",
    "err_timeout", "err_pool_timeout", "err_too_many_connections",
    "err_lock_give_up", "err_holder_crash",
    "hit_ratio", "cache_hit_ratio", "cache_ops_per_s",
    "db_qps", "db_inflight_mean", "db_inflight_max", "db_queued_max",
    "db_util", "db_timeouts", "db_refused", "wasted_work_s",
    "recomputes", "recomputes_early", "overlapping", "episodes_started",
    "p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms",
    "error_rate", "slo_ok", "slo_p99_ok", "slo_error_rate_ok",
    "slo_hit_ratio_ok", "slo_db_utilization_ok",
};

#define N_COLUMNS (sizeof COLUMNS / sizeof COLUMNS[0])

const char *const TIMESERIES_COMPLETE = "complete";

const char *const TIMESERIES_DIMENSIONS[] = {
    "label", "rep", "t_s", "warmup", "span_s", NULL,
};

size_t timeseries_layout(const char *const **columns)
{
    *columns = COLUMNS;
    return N_COLUMNS;
}

/* Adds the metrics of the layout, then those of each policy type, to
 * ts->metrics; false if the registry lacks one of the layout (a bug). */
static bool resolve_columns(struct timeseries *ts, char *err, size_t n)
{
    for (size_t i = 0; i < N_COLUMNS; i++)
        if (!metric_find(COLUMNS[i], &ts->metrics[ts->n_metrics++])) {
            snprintf(err, n, "timeseries.csv: no metric %s in the registry",
                     COLUMNS[i]);
            return false;
        }
    for (size_t k = 0; k < ts->n_types; k++)
        for (size_t i = 0; i < policy_metric_count(ts->types[k]); i++) {
            if (ts->n_metrics == TIMESERIES_MAX_COLUMNS) {
                snprintf(err, n, "timeseries.csv: more than %d columns",
                         TIMESERIES_MAX_COLUMNS);
                return false;
            }
            metric_policy_info(ts->types[k], i, &ts->metrics[ts->n_metrics++]);
        }
    return true;
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
    if (!resolve_columns(ts, err, n) || !outfile_open(&ts->file, path, err, n))
        return false;
    for (size_t i = 0; TIMESERIES_DIMENSIONS[i]; i++)
        fprintf(ts->file.fp, "%s%s", i ? "," : "", TIMESERIES_DIMENSIONS[i]);
    for (size_t i = 0; i < ts->n_metrics; i++)
        fprintf(ts->file.fp, ",%s", ts->metrics[i].column);
    fprintf(ts->file.fp, ",%s\n", TIMESERIES_COMPLETE);
    return true;
}

void timeseries_row(const struct window_row *row, unsigned rep,
                    const struct policy_ops *ops, void *ctx)
{
    struct timeseries *ts = ctx;
    FILE *fp = ts->file.fp;
    fprintf(fp, "%s,%u", row->label, rep);
    json_csv_cell(fp, row->t);
    fprintf(fp, ",%d", row->warmup ? 1 : 0);
    json_csv_cell(fp, row->span);
    for (size_t i = 0; i < ts->n_metrics; i++)
        json_csv_cell(fp, metric_window_value(&ts->metrics[i], row, ops));
    /* the command's completeness, known only at its end: 1 until
     * timeseries_commit learns otherwise (mark_incomplete) */
    fputs(",1\n", fp);
}

/* Turns the last cell of every row after the header, a "1", into "0",
 * in place: one read and one write of the file, only for a run that
 * stopped early. */
static bool mark_incomplete(const char *path)
{
    int fd = open(path, O_RDWR);
    if (fd < 0)
        return false;
    char buf[1 << 16];
    off_t pos = 0;
    bool header = true, ok = true;
    ssize_t got;
    while (ok && (got = pread(fd, buf, sizeof buf, pos)) > 0) {
        for (ssize_t i = 0; ok && i < got; i++) {
            if (buf[i] != '\n')
                continue;
            if (header) {
                header = false;
                continue;
            }
            if (i > 0)
                buf[i - 1] = '0';
            else   /* the cell ended the previous block */
                ok = pwrite(fd, "0", 1, pos - 1) == 1;
        }
        ok = ok && pwrite(fd, buf, (size_t)got, pos) == got;
        pos += got;
    }
    int saved = errno;
    ok = close(fd) == 0 && ok;
    errno = saved;
    return ok;
}

bool timeseries_mark_incomplete(struct outfile *f, char *err, size_t n)
{
    if (fflush(f->fp) == 0 && mark_incomplete(f->tmp_path))
        return true;
    snprintf(err, n, "%s: cannot write: %s", f->path, strerror(errno));
    return false;
}

bool timeseries_commit(struct timeseries *ts, bool complete, char *err,
                       size_t n)
{
    if (!complete && !timeseries_mark_incomplete(&ts->file, err, n)) {
        outfile_abort(&ts->file);
        return false;
    }
    return outfile_commit(&ts->file, err, n);
}

void timeseries_abort(struct timeseries *ts) { outfile_abort(&ts->file); }

/* ---- summary.json ---- */

const struct report_field REPORT_SUMMARY_FIELDS[] = {
    {"tool", "the program and its version that wrote the file"},
    {"schema_version", "the version of this layout"},
    {"scenario", "the scenario's name"},
    {"seed", "the random seed"},
    {"duration_s", "simulated seconds, warmup included"},
    {"warmup_s", "seconds left out of the figures at the start"},
    {"replications", "replications per policy (top level and per policy)"},
    {"complete", "false if the run (or a policy's) stopped before its end"},
    {"reason", "why it stopped early (only when complete is false)"},
    {"policies", "one object per policy label"},
    {"label", "the policy's label"},
    {"policy", "the policy's name"},
    {"collapsed_share", "share of the replications that collapsed"},
    {"bimodal", "true when some replications collapsed and some did not "
                "(every ci95 is then null)"},
    {"policy_metrics", "the policy's own metrics (policy_metrics.*)"},
    {"mean", "over replications: the mean of the values"},
    {"ci95", "over replications: the 95 % Student-t half-width (null "
             "with one replication, or bimodal)"},
    {"values", "over replications: each replication's value"},
    {NULL, NULL},
};

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
        summary_json_value(j, &r->pr->reps[k].summary.values[index]);
    json_out_end_array(j);
    json_out_end_object(j);
}

static bool all_complete(const struct policy_result *pr)
{
    for (unsigned k = 0; k < pr->n_done; k++)
        if (pr->reps[k].end != WORLD_COMPLETE)
            return false;
    return pr->not_built[0] == '\0';
}

static const char *first_reason(const struct policy_result *pr)
{
    for (unsigned k = 0; k < pr->n_done; k++)
        if (pr->reps[k].end != WORLD_COMPLETE)
            return pr->reps[k].reason;
    return pr->not_built;
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
        summary_json_write_members(j, &pr->reps[0].summary);
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
        summary_json_write_nested(j, &pr->reps[0].summary, write_reps_leaf,
                                  &leaf);
    }
    if (policy_metric_count(pr->spec->ops) == 0) {
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

char *report_scenario_text(const struct scenario *s, size_t *len)
{
    cJSON *tree = scenario_to_json(s);
    char *text = NULL;
    FILE *fp = tree ? open_memstream(&text, len) : NULL;
    if (fp) {
        struct json_out j;
        json_out_init(&j, fp);
        json_out_tree(&j, tree);
        if (fclose(fp) != 0) {
            free(text);
            text = NULL;
        }
    }
    cJSON_Delete(tree);
    return text;
}

bool report_write_scenario(const char *path, const struct scenario *s,
                           char *err, size_t n)
{
    size_t len;
    char *text = report_scenario_text(s, &len);
    if (!text) {
        snprintf(err, n, "%s: out of memory", path);
        return false;
    }
    bool ok = outfile_write_all(path, text, len, err, n);
    free(text);
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

/* "12.3" or, over replications, "12.3 ±0.4"; `undefined` when there is
 * no value. */
static void cell_with_ci(char *out, size_t n, const struct aggregate *a,
                         const char *path, double scale, int decimals,
                         const char *undefined)
{
    double mean = summary_get(&a->mean, path) * scale;
    double hw = summary_get(&a->ci95, path) * scale;
    if (!isfinite(mean))
        snprintf(out, n, "%s", undefined);
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

/* The layout of the run table: which fields, scaled how; the headers
 * come from the registry. A column with a `pair` shows two counts, "a / b"
 * (their headers joined the same way). The SLO's columns show only when
 * the scenario has an slo. */
struct run_column {
    const char *field;
    const char *pair;
    double scale;
    int decimals;
    int width;
    const char *undefined;   /* the cell of an undefined value */
};

static const struct run_column TABLE[] = {
    {"hit_ratio", NULL, 100, 2, 13, "-"},
    {"latency_ms.p99", NULL, 1, 1, 15, "-"},
    {"worst_window.p99_ms", NULL, 1, 1, 15, "-"},
    {"error_rate", NULL, 100, 2, 13, "-"},
    {"worst_window.error_rate", NULL, 100, 2, 13, "-"},
    {"db.peak_inflight", NULL, 1, 0, 9, "-"},
    {"db.peak_qps", NULL, 1, 0, 9, "-"},
    {"recomputes.total", NULL, 1, 0, 11, "-"},
    {"episodes.mean_size", "episodes.max_size", 1, 0, 17, "-"},
    {"episodes.open_at_end", NULL, 1, 0, 6, "-"},
    {"slo.out_of_slo_s", NULL, 1, 0, 13, "-"},
    /* undefined: the run ended out of SLO (in every replication) */
    {"slo.recovery_s", NULL, 1, 0, 11, "never"},
};

#define N_TABLE (sizeof TABLE / sizeof TABLE[0])

/* Whether a column shows: the SLO's only with an slo. */
static bool shown(const struct run_column *c, bool slo)
{
    struct metric_info m;
    return slo || !metric_find(c->field, &m) || !m.slo;
}

static void table_cell(char *out, size_t n, const struct aggregate *a,
                       const struct run_column *c)
{
    if (!c->pair) {
        cell_with_ci(out, n, a, c->field, c->scale, c->decimals,
                     c->undefined);
        return;
    }
    char first[16], second[16];
    format_count(summary_get(&a->mean, c->field), first, sizeof first);
    format_count(summary_get(&a->mean, c->pair), second, sizeof second);
    snprintf(out, n, "%s / %s", first, second);
}

/* The policies' own columns: the metrics with a header of the policies
 * in the run, each field once, in the registry's order. */
#define MAX_POLICY_COLUMNS 8
#define POLICY_COLUMN_WIDTH 11

struct policy_columns {
    struct metric_info m[MAX_POLICY_COLUMNS];
    size_t n;
};

static void add_policy_columns(struct policy_columns *c,
                               const struct policy_ops *ops)
{
    for (size_t i = 0; i < policy_metric_count(ops); i++) {
        struct metric_info m;
        metric_policy_info(ops, i, &m);
        bool seen = false;
        for (size_t k = 0; k < c->n; k++)
            seen |= strcmp(c->m[k].field, m.field) == 0;
        if (m.table && !seen && c->n < MAX_POLICY_COLUMNS)
            c->m[c->n++] = m;
    }
}

static void policy_columns_of(const struct experiment *e,
                              struct policy_columns *c)
{
    c->n = 0;
    for (size_t i = 0; i < e->n; i++)
        if (e->results[i].n_done > 0)
            add_policy_columns(c, e->results[i].spec->ops);
}

static void print_row(FILE *out, const struct policy_result *pr, bool slo,
                      const struct policy_columns *own)
{
    struct aggregate a;
    aggregate_policy_result(pr, &a);
    fprintf(out, "%-14s", pr->spec->label);
    for (size_t i = 0; i < N_TABLE; i++) {
        char cell[64];
        if (!shown(&TABLE[i], slo))
            continue;
        table_cell(cell, sizeof cell, &a, &TABLE[i]);
        print_right(out, cell, TABLE[i].width);
    }
    for (size_t i = 0; i < own->n; i++) {
        char cell[64];
        cell_with_ci(cell, sizeof cell, &a, own->m[i].field, 1, 0, "-");
        print_right(out, cell, POLICY_COLUMN_WIDTH);
    }
    if (a.bimodal)
        fprintf(out, "  bimodal: %.0f of %zu collapsed",
                a.collapsed_share * (double)a.n, a.n);
    else if (a.n > 1 && a.collapsed_share == 1)
        fprintf(out, "  all %zu collapsed", a.n);
    /* the recovery time is the mean of the replications that recovered */
    double recovered = summary_get(&a.mean, "slo.recovered");
    if (slo && a.n > 1 && recovered > 0 && recovered < 1)
        fprintf(out, "  recovered in %.0f of %zu", recovered * (double)a.n,
                a.n);
    if (!all_complete(pr))
        fprintf(out, "  (incomplete)");
    fputc('\n', out);
}

/* The registry's header of a field ("?" if it has none: a layout bug the
 * tests catch). */
static const char *header_of(const char *field)
{
    struct metric_info m;
    return metric_find(field, &m) && m.table ? m.table : "?";
}

/* A pair's header: "stampede mean" and "stampede max" make "stampede
 * mean/max" (the words they start with, once). */
static void pair_header(const char *first, const char *second, char *out,
                        size_t n)
{
    size_t common = 0;
    for (size_t i = 0; first[i] && first[i] == second[i]; i++)
        if (first[i] == ' ')
            common = i + 1;
    snprintf(out, n, "%s/%s", first, second + common);
}

static void print_header(FILE *out, bool slo, const struct policy_columns *own)
{
    fprintf(out, "%-14s", "label");
    for (size_t i = 0; i < N_TABLE; i++) {
        char head[64];
        if (!shown(&TABLE[i], slo))
            continue;
        if (TABLE[i].pair)
            pair_header(header_of(TABLE[i].field), header_of(TABLE[i].pair),
                        head, sizeof head);
        else
            snprintf(head, sizeof head, "%s", header_of(TABLE[i].field));
        print_right(out, head, TABLE[i].width);
    }
    for (size_t i = 0; i < own->n; i++)
        print_right(out, own->m[i].table, POLICY_COLUMN_WIDTH);
    fputc('\n', out);
}

bool report_has_slo(const struct experiment *e)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->results[i].n_done > 0)
            return summary_has(&e->results[i].reps[0].summary,
                               "slo.recovered");
    return false;
}

bool report_slo_broken(const struct policy_result *pr)
{
    for (unsigned k = 0; k < pr->n_done; k++)
        if (summary_get(&pr->reps[k].summary, "slo.violations") > 0)
            return true;
    return false;
}

void report_print_table(FILE *out, const struct experiment *e)
{
    bool slo = report_has_slo(e);
    struct policy_columns own;
    policy_columns_of(e, &own);
    print_header(out, slo, &own);
    for (size_t i = 0; i < e->n; i++)
        if (e->results[i].n_done > 0)
            print_row(out, &e->results[i], slo, &own);
}

/* ---- risks ---- */

/* The load a policy's runs met, from their means: the hottest key's reads
 * per measured second, the recompute p99 (what the world's figure used,
 * replication by replication). */
static struct policy_load load_of(const struct scenario *s,
                                  const struct aggregate *a)
{
    const struct model_config *m = &s->model;
    double measured = m->duration - m->warmup;
    return (struct policy_load){
        .rate = summary_get(&a->mean, "arrivals") / measured *
                workload_hottest_share(&m->workload),
        .recompute_p99 = summary_get(&a->mean, "db.response_ms.p99") / 1e3,
        .ttl = m->cache.ttl};
}

size_t report_print_risks(FILE *out, const struct scenario *s,
                          const struct experiment *e)
{
    size_t n = 0;
    for (size_t i = 0; i < e->n; i++) {
        const struct policy_result *pr = &e->results[i];
        if (pr->n_done == 0 || !summary_has(&pr->reps[0].summary,
                                            "risk.feedback_lead_s"))
            continue;
        struct aggregate a;
        aggregate_policy_result(pr, &a);
        struct policy_load load = load_of(s, &a);
        struct policy_risk r;
        if (!policy_knob_risk(pr->spec->ops, pr->spec->knobs, &load, &r) ||
            !(r.value > r.limit))
            continue;
        /* the fix's numbers would come from this run's p99, which a storm
         * inflates: check's come from the scenario */
        fprintf(out, "warning: %s: in this run, %s, past the limit (`stampede "
                "check` names the fix)\n", pr->spec->label, r.says);
        n++;
    }
    return n;
}

/* ---- the table for tools (--format) ---- */

/* The columns of the run table, a pair split in two, the SLO's only with
 * an slo, the policies' own (`own`, whose names the columns point into);
 * then the share of collapsed replications and completeness. Returns how
 * many (at most max). */
static size_t format_columns(const struct policy_columns *own, bool slo,
                             struct table_column *out, size_t max)
{
    size_t n = 0;
    out[n++] = (struct table_column){"label", "label", COLUMN_TEXT, 1, 0};
    for (size_t i = 0; i < N_TABLE && n + 2 < max; i++) {
        if (!shown(&TABLE[i], slo))
            continue;
        const char *fields[2] = {TABLE[i].field, TABLE[i].pair};
        for (int k = 0; k < 2 && fields[k]; k++)
            out[n++] = (struct table_column){fields[k], header_of(fields[k]),
                                             COLUMN_METRIC, TABLE[i].scale,
                                             TABLE[i].decimals};
    }
    for (size_t i = 0; i < own->n && n + 2 < max; i++)
        out[n++] = (struct table_column){own->m[i].field, own->m[i].table,
                                         COLUMN_METRIC, 1, 0};
    out[n++] = (struct table_column){"collapsed_share", "collapsed",
                                     COLUMN_NUMBER, 1, -1};
    out[n++] = (struct table_column){"complete", "complete", COLUMN_NUMBER, 1,
                                     0};
    return n;
}

static void format_row(const struct policy_result *pr,
                       const struct table_column *cols, size_t n,
                       struct table_cell *row)
{
    struct aggregate a;
    aggregate_policy_result(pr, &a);
    row[0] = (struct table_cell){NAN, NAN, pr->spec->label};
    for (size_t c = 1; c + 2 < n; c++)
        row[c] = (struct table_cell){summary_get(&a.mean, cols[c].key),
                                     a.n > 1 ? summary_get(&a.ci95,
                                                           cols[c].key)
                                             : NAN,
                                     NULL};
    row[n - 2] = (struct table_cell){a.collapsed_share, NAN, NULL};
    row[n - 1] = (struct table_cell){all_complete(pr) ? 1 : 0, NAN, NULL};
}

void report_write_table(FILE *out, const struct experiment *e,
                        enum out_format f)
{
    /* the columns' names point into `own`: it lives as long as they do */
    struct policy_columns own;
    policy_columns_of(e, &own);
    struct table_column cols[2 * N_TABLE + MAX_POLICY_COLUMNS + 3];
    size_t n = format_columns(&own, report_has_slo(e), cols,
                              sizeof cols / sizeof cols[0]);
    struct table_cell *cells = calloc(e->n * n + 1, sizeof *cells);
    size_t rows = 0;
    for (size_t i = 0; cells && i < e->n; i++)
        if (e->results[i].n_done > 0)
            format_row(&e->results[i], cols, n, &cells[n * rows++]);
    struct table t = {"run", cols, n, cells, rows};
    if (cells)
        table_write(out, &t, f);
    free(cells);
}
