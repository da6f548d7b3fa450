/*
 * calibrate_files.c — calibrate.json, calibrate.csv and the figure (see
 * calibrate_report.h).
 */
#include "output/calibrate_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/strutil.h"
#include "metric_registry.h"
#include "output/calibrate_text.h"
#include "output/json_out.h"
#include "output/outfile.h"
#include "output/plot.h"

/* "latency_ms.p99" -> "latency_ms_p99", for CSV columns. */
static void column_of(const char *path, char *out, size_t n)
{
    snprintf(out, n, "%s", path);
    for (char *c = out; *c; c++)
        if (*c == '.')
            *c = '_';
}

static size_t n_explains(const struct calibrate_report *r)
{
    return r->cal && r->params->cost ? r->cal->n_explains : 0;
}

/* 1 holds, 0 undecided, -1 fails: the figure's colours. */
static int verdict_code(enum verdict v)
{
    return v == VERDICT_HOLDS ? 1 : v == VERDICT_UNDECIDED ? 0 : -1;
}

static void binding_text(const struct calibrate_report *r,
                         const struct calibrate_point *pt, char *out, size_t n)
{
    const struct constraint *c = pt->binding >= 0
                                     ? &r->params->constraints[pt->binding]
                                     : NULL;
    if (!c)
        snprintf(out, n, "%s", pt->complete ? "" : "incomplete");
    else if (strcmp(c->option, "max") == 0 || strcmp(c->option, "min") == 0)
        constraint_name(c, out, n);
    else
        snprintf(out, n, "%s", c->option);
}

/* ---- calibrate.csv ---- */

static void csv_header(FILE *fp, const struct calibrate_report *r)
{
    const struct calibrate_params *p = r->params;
    char col[96];
    fprintf(fp, "%s,verdict,verdict_code,binding,replications,simulated_s,"
            "requests,recomputes,cost_mean,cost_lower,cost_upper",
            calibrate_knob_name(p));
    for (size_t i = 0; i < p->n_constraints; i++) {
        column_of(p->constraints[i].path, col, sizeof col);
        fprintf(fp, ",%s_mean,%s_lower,%s_upper,%s_events,%s_trials", col, col,
                col, col, col);
    }
    for (size_t i = 0; i < n_explains(r); i++) {
        column_of(r->cal->explains[i], col, sizeof col);
        fprintf(fp, ",%s_mean,%s_lower,%s_upper", col, col, col);
    }
    fputs(",complete\n", fp);
}

static void csv_row(FILE *fp, const struct calibrate_report *r,
                    const struct calibrate_point *pt)
{
    const struct calibrate_params *p = r->params;
    char num[64], binding[128];
    json_format_exact(pt->value, num, sizeof num);
    binding_text(r, pt, binding, sizeof binding);
    fprintf(fp, "%s,%s,%d,%s,%u", num, VERDICT_NAMES[pt->verdict],
            verdict_code(pt->verdict), binding, pt->reps);
    json_csv_cell(fp, pt->reps * p->duration);
    json_csv_cell(fp, summary_get(&pt->agg.total, "requests"));
    json_csv_cell(fp, summary_get(&pt->agg.total, "recomputes.total"));
    double hw = isfinite(pt->cost_ci95) ? pt->cost_ci95 : 0;
    json_csv_cell(fp, pt->cost);
    json_csv_cell(fp, pt->cost - hw);
    json_csv_cell(fp, pt->cost + hw);
    for (size_t i = 0; i < p->n_constraints; i++) {
        const struct judgement *j = &pt->judged[i];
        json_csv_cell(fp, j->estimate);
        json_csv_cell(fp, j->lo);
        json_csv_cell(fp, j->hi);
        json_csv_cell(fp, j->events);
        json_csv_cell(fp, j->trials);
    }
    for (size_t i = 0; i < n_explains(r); i++) {
        const char *path = r->cal->explains[i];
        double m = summary_get(&pt->agg.mean, path);
        double h = summary_get(&pt->agg.ci95, path);
        json_csv_cell(fp, m);
        json_csv_cell(fp, m - (isfinite(h) ? h : 0));
        json_csv_cell(fp, m + (isfinite(h) ? h : 0));
    }
    /* the calibration's, on every row: 0 when it was interrupted (the
     * values evaluated so far; no recommendation) */
    fprintf(fp, ",%d\n", r->result->stopped ? 0 : 1);
}

static void write_csv(FILE *fp, const struct calibrate_report *r)
{
    csv_header(fp, r);
    for (size_t k = 0; k < r->result->n; k++)
        csv_row(fp, r, &r->result->points[k]);
}

/* ---- calibrate.json ---- */

static void json_number_key(struct json_out *j, const char *key, double v)
{
    json_out_key(j, key);
    json_out_number(j, v);
}

static void json_judgement(struct json_out *j, const struct constraint *c,
                           const struct judgement *g)
{
    json_out_begin_object(j);
    json_out_key(j, "metric");
    json_out_string(j, c->path);
    json_out_key(j, "verdict");
    json_out_string(j, VERDICT_NAMES[g->verdict]);
    json_number_key(j, "estimate", g->estimate);
    json_number_key(j, "lower", g->lo);
    json_number_key(j, "upper", g->hi);
    if (c->den[0]) {
        json_number_key(j, "events", g->events);
        json_number_key(j, "trials", g->trials);
        json_out_key(j, "trials_unit");
        json_out_string(j, c->trials_unit ? c->trials_unit : "trials");
    }
    json_out_end_object(j);
}

static void json_mean(struct json_out *j, const struct calibrate_point *pt,
                      const char *path)
{
    json_out_key(j, path);
    json_out_begin_object(j);
    json_number_key(j, "mean", summary_get(&pt->agg.mean, path));
    json_number_key(j, "ci95", summary_get(&pt->agg.ci95, path));
    json_out_end_object(j);
}

static void json_point(struct json_out *j, const struct calibrate_report *r,
                       const struct calibrate_point *pt)
{
    const struct calibrate_params *p = r->params;
    char binding[128];
    json_out_begin_object(j);
    json_number_key(j, "value", pt->value);
    json_out_key(j, "verdict");
    json_out_string(j, VERDICT_NAMES[pt->verdict]);
    json_out_key(j, "feasible");
    json_out_bool(j, pt->verdict == VERDICT_HOLDS);
    json_out_key(j, "binding");
    binding_text(r, pt, binding, sizeof binding);
    if (binding[0])
        json_out_string(j, binding);
    else
        json_out_null(j);
    json_number_key(j, "replications", pt->reps);
    json_number_key(j, "simulated_s", pt->reps * p->duration);
    json_out_key(j, "complete");
    json_out_bool(j, pt->complete);
    json_number_key(j, "collapsed_share", pt->agg.collapsed_share);
    json_out_key(j, "cost");
    json_out_begin_object(j);
    json_number_key(j, "mean", pt->cost);
    json_number_key(j, "ci95", pt->cost_ci95);
    json_out_end_object(j);
    json_number_key(j, "requests", summary_get(&pt->agg.total, "requests"));
    json_number_key(j, "recomputes",
                    summary_get(&pt->agg.total, "recomputes.total"));
    json_out_key(j, "replications_to_decide");
    if (pt->verdict == VERDICT_UNDECIDED)
        json_out_number(j, pt->reps_to_decide);   /* null: never */
    else
        json_out_null(j);
    json_out_key(j, "passed_over");
    json_out_bool(j, pt->passed_over);
    json_out_key(j, "constraints");
    json_out_begin_array(j);
    for (size_t i = 0; i < p->n_constraints; i++)
        json_judgement(j, &p->constraints[i], &pt->judged[i]);
    json_out_end_array(j);
    json_out_key(j, "metrics");
    json_out_begin_object(j);
    for (size_t i = 0; i < n_explains(r); i++)
        json_mean(j, pt, r->cal->explains[i]);
    json_out_end_object(j);
    json_out_end_object(j);
}

static void json_pilot(struct json_out *j, const struct pilot *pl)
{
    json_out_key(j, "pilot");
    if (!pl) {
        json_out_null(j);
        return;
    }
    json_out_begin_object(j);
    json_out_key(j, "measured");
    json_out_bool(j, pl->measured);
    json_number_key(j, "samples", (double)pl->n);
    json_number_key(j, "samples_needed", PILOT_SAMPLES);
    json_number_key(j, "p50_s", pl->p50);
    json_number_key(j, "p99_s", pl->p99);
    json_number_key(j, "p999_s", pl->measured ? pl->p999 : NAN);
    json_number_key(j, "max_s", pl->max);
    json_number_key(j, "runs", pl->runs);
    json_number_key(j, "simulated_s", pl->spent);
    json_number_key(j, "cache_ttl_s", pl->ttl);
    json_number_key(j, "scenario_cache_ttl_s", pl->scenario_ttl);
    json_number_key(j, "db_utilization", pl->util);
    json_number_key(j, "scenario_db_utilization", pl->scenario_util);
    json_out_key(j, "why");
    if (pl->measured)
        json_out_null(j);
    else
        json_out_string(j, pl->why);
    json_out_end_object(j);
}

static void json_constraints(struct json_out *j,
                             const struct calibrate_params *p)
{
    json_out_key(j, "constraints");
    json_out_begin_array(j);
    for (size_t i = 0; i < p->n_constraints; i++) {
        const struct constraint *c = &p->constraints[i];
        json_out_begin_object(j);
        json_out_key(j, "option");
        json_out_string(j, c->option);
        json_out_key(j, "metric");
        json_out_string(j, c->path);
        json_out_key(j, "bound");
        json_out_string(j, c->lower ? "min" : "max");
        json_number_key(j, "limit", c->limit);
        json_out_key(j, "interval");
        json_out_string(j, c->den[0] ? "clopper-pearson" : "student-t");
        json_out_end_object(j);
    }
    json_out_end_array(j);
}

static void json_cost(struct json_out *j, const struct calibrate_report *r)
{
    char label[160];
    calibrate_cost_label(r->params, label, sizeof label);
    json_out_key(j, "cost");
    json_out_begin_object(j);
    json_out_key(j, "metric");
    if (r->params->cost)
        json_out_string(j, r->params->cost);
    else
        json_out_null(j);
    json_out_key(j, "label");
    json_out_string(j, label);
    json_out_end_object(j);
}

static void json_value_or_null(struct json_out *j, const char *key,
                               const struct calibration *c, int k)
{
    json_out_key(j, key);
    if (k >= 0)
        json_out_number(j, c->points[k].value);
    else
        json_out_null(j);
}

/* The runner-up on each side of the recommendation (as stdout names
 * them). */
static void json_runners_up(struct json_out *j, const struct calibration *c)
{
    int rec = c->recommended;
    json_value_or_null(j, "below", c,
                       rec >= 0 ? calibrate_runner_up(c, rec, -1) : -1);
    json_value_or_null(j, "above", c,
                       rec >= 0 ? calibrate_runner_up(c, rec, +1) : -1);
}

static void write_json(FILE *fp, const struct calibrate_report *r)
{
    const struct calibrate_params *p = r->params;
    const struct calibration *c = r->result;
    struct json_out j;
    json_out_init(&j, fp);
    json_out_begin_object(&j);
    json_out_provenance(&j, r->scenario->name, r->scenario->seed);
    json_out_key(&j, "policy");
    json_out_string(&j, p->label);
    json_out_key(&j, "knob");
    json_out_string(&j, p->knob_path);
    json_out_key(&j, "range");
    json_out_begin_array(&j);
    json_out_number(&j, p->lo);
    json_out_number(&j, p->hi);
    json_out_end_array(&j);
    json_cost(&j, r);
    json_number_key(&j, "replications", p->reps);
    json_number_key(&j, "run_s", p->duration);
    json_number_key(&j, "budget_s", p->budget);
    json_number_key(&j, "spent_s", c->spent);
    json_out_key(&j, "budget_spent");
    json_out_bool(&j, c->budget_spent);
    json_out_key(&j, "complete");
    json_out_bool(&j, !c->stopped);
    json_pilot(&j, r->pilot);
    json_constraints(&j, p);
    json_value_or_null(&j, "recommended", c, c->stopped ? -1 : c->recommended);
    json_out_key(&j, "runners_up");
    json_out_begin_object(&j);
    json_runners_up(&j, c);
    json_out_end_object(&j);
    json_out_key(&j, "points");
    json_out_begin_array(&j);
    for (size_t k = 0; k < c->n; k++)
        json_point(&j, r, &c->points[k]);
    json_out_end_array(&j);
    json_out_end_object(&j);
}

/* ---- the figure ---- */

/* Appends "word" to a space-separated list. */
static void append(char *list, size_t n, const char *word)
{
    size_t len = strlen(list);
    snprintf(list + len, n - len, "%s%s", len ? " " : "", word);
}

/* A panel's line of the figure's PANELS argument: "TOP LABEL", TOP the
 * largest value the field can take ("1" for a ratio or a yes/no, "-"
 * for none), LABEL its axis label from the registry (the path itself if
 * the registry has no such field). */
static void panel_line(char *panels, size_t n, const char *field)
{
    struct metric_info m;
    char label[160];
    bool known = field && metric_find(field, &m);
    if (known)
        plot_axis_label(&m, label, sizeof label);
    else
        snprintf(label, sizeof label, "%s", field ? field : "");
    bool bounded = known && (strcmp(m.unit, "ratio") == 0 || m.boolean);
    size_t len = strlen(panels);
    snprintf(panels + len, n - len, "%s%s %s", len ? "\n" : "",
             bounded ? "1" : "-", label);
}

/* The panels: the cost, each constraint (with its limit), then what
 * explains the cost (plots/calibrate.gp). */
static enum plot_status write_figure(const struct calibrate_report *r,
                                     const char *csv, bool quiet, char *err,
                                     size_t n)
{
    const struct calibrate_params *p = r->params;
    char metrics[1024] = "cost", limits[512] = "-", col[96], lim[32];
    char panels[2048] = "";
    panel_line(panels, sizeof panels,
               p->cost ? p->cost : calibrate_knob_name(p));
    for (size_t i = 0; i < p->n_constraints; i++) {
        column_of(p->constraints[i].path, col, sizeof col);
        append(metrics, sizeof metrics, col);
        snprintf(lim, sizeof lim, "%.10g", p->constraints[i].limit);
        append(limits, sizeof limits, lim);
        panel_line(panels, sizeof panels, p->constraints[i].path);
    }
    for (size_t i = 0; i < n_explains(r); i++) {
        column_of(r->cal->explains[i], col, sizeof col);
        append(metrics, sizeof metrics, col);
        append(limits, sizeof limits, "-");
        panel_line(panels, sizeof panels, r->cal->explains[i]);
    }
    char rec[32] = "";
    if (r->result->recommended >= 0)
        snprintf(rec, sizeof rec, "%.10g",
                 r->result->points[r->result->recommended].value);
    const char *shown_dir = r->shown ? r->shown : r->dir;
    char *png = str_printf("%s/calibrate.png", r->dir);
    char *shown = str_printf("%s/calibrate.png", shown_dir);
    /* an interrupted calibration says so in its title, as in its files */
    char *title = r->result->stopped
                      ? str_printf("%s (interrupted: the values evaluated so "
                                   "far)", r->scenario->name)
                      : str_printf("%s", r->scenario->name);
    const char *extra[] = {calibrate_knob_name(p), metrics, limits, rec, "",
                           title, panels};
    if (!png || !shown || !title) {
        snprintf(err, n, "out of memory");
        free(png);
        free(shown);
        free(title);
        return PLOT_FAILED;
    }
    struct plot_error perr;
    struct plot_job job = {"calibrate", csv, png, shown, shown_dir, extra, 7,
                           r->limits};
    enum plot_status st = plot_script(&job, &perr);
    if (st == PLOT_OK && !quiet)
        fprintf(stderr, "stampede: %s\n", shown);
    else if (st != PLOT_OK)
        snprintf(err, n, "%s%s%s", perr.message, perr.detail ? "\n" : "",
                 perr.detail ? perr.detail : "");
    plot_error_free(&perr);
    free(png);
    free(shown);
    free(title);
    return st;
}

bool calibrate_write_data(const struct calibrate_report *r, char *err,
                          size_t n)
{
    char *json = str_printf("%s/calibrate.json", r->dir);
    char *csv = str_printf("%s/calibrate.csv", r->dir);
    struct outfile f;
    bool ok = json && csv && outfile_open(&f, json, err, n);
    if (ok) {
        write_json(f.fp, r);
        ok = outfile_commit(&f, err, n);
    }
    if (ok && (ok = outfile_open(&f, csv, err, n))) {
        write_csv(f.fp, r);
        ok = outfile_commit(&f, err, n);
    }
    if (!json || !csv)
        snprintf(err, n, "out of memory");
    free(json);
    free(csv);
    return ok;
}

enum plot_status calibrate_write_figure(const struct calibrate_report *r,
                                        bool quiet, char *err, size_t n)
{
    if (r->result->n < 2)
        return PLOT_OK;   /* one value: nothing to draw a line through */
    char *csv = str_printf("%s/calibrate.csv", r->dir);
    if (!csv) {
        snprintf(err, n, "out of memory");
        return PLOT_FAILED;
    }
    enum plot_status st = write_figure(r, csv, quiet, err, n);
    free(csv);
    return st;
}
