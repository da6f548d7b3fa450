/*
 * calibrate_report.c — see calibrate_report.h.
 */
#include "metric_registry.h"
#include "output/calibrate_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output/json_out.h"
#include "kernel/strutil.h"
#include "output/outfile.h"
#include "output/plot.h"

/* The knob's name: the last component of its path. */
static const char *knob_name(const struct calibrate_params *p)
{
    const char *dot = strrchr(p->knob_path, '.');
    return dot ? dot + 1 : p->knob_path;
}

static double mean_of(const struct calibrate_point *pt, const char *path)
{
    return summary_get(&pt->agg.mean, path);
}

/* The metrics reported at each value: the constraints, then the costs. */
static size_t n_metrics(const struct calibrate_report *r)
{
    return r->params->n_constraints + (r->cal ? r->cal->n_costs : 0);
}

static const char *metric_path(const struct calibrate_report *r, size_t i)
{
    const struct calibrate_params *p = r->params;
    return i < p->n_constraints ? p->constraints[i].path
                                : r->cal->costs[i - p->n_constraints];
}

/* A constraint's short name (constraint_name), for tables and messages. */
struct name_buf {
    char text[96];
};

static struct name_buf short_name(const struct constraint *c)
{
    struct name_buf b;
    constraint_name(c, b.text, sizeof b.text);
    return b;
}

/* The binding constraint as calibrate.json names it: the shorthand's
 * option ("max-p99-ms"), or "max worst_window.p99_ms". */
static void binding_text(const struct constraint *c, char *out, size_t n)
{
    if (strcmp(c->option, "max") == 0 || strcmp(c->option, "min") == 0)
        constraint_name(c, out, n);
    else
        snprintf(out, n, "%s", c->option);
}

/* ---- the terminal ---- */

/* A constraint's column: 22 characters, or its name's length. */
static int column_width(const struct constraint *c)
{
    int len = (int)strlen(short_name(c).text);
    return len > 22 ? len : 22;
}

static void print_header(const struct calibrate_report *r, FILE *out)
{
    const struct calibrate_params *p = r->params;
    fprintf(out, "Calibrating %s of policy %s on %s: %u replications per "
            "value, seed %llu.\n", knob_name(p), p->label, r->scenario->name,
            p->sweep.reps, (unsigned long long)r->scenario->seed);
    bool lower = false;
    for (size_t i = 0; i < p->n_constraints; i++)
        lower |= p->constraints[i].lower;
    fprintf(out, "Constraints, at the %s of the 95 %% interval%s:\n",
            lower ? "far end" : "upper end",
            lower ? " (the upper for --max, the lower for --min)" : "");
    for (size_t i = 0; i < p->n_constraints; i++) {
        const struct constraint *k = &p->constraints[i];
        char flag[128];
        constraint_flag(k, flag, sizeof flag);
        fprintf(out, "  %-58s %s %g   (%s)\n", k->what, k->lower ? ">=" : "<=",
                k->limit, flag);
    }
    fprintf(out, "\n%12s", knob_name(p));
    for (size_t i = 0; i < p->n_constraints; i++)
        fprintf(out, " %*s", column_width(&p->constraints[i]),
                short_name(&p->constraints[i]).text);
    fprintf(out, "\n");
}

static void print_points(const struct calibrate_report *r, FILE *out)
{
    const struct calibrate_params *p = r->params;
    const struct calibration *c = r->result;
    for (size_t k = 0; k < c->n; k++) {
        const struct calibrate_point *pt = &c->points[k];
        fprintf(out, "%12.6g", pt->value);
        for (size_t i = 0; i < p->n_constraints; i++) {
            const char *path = p->constraints[i].path;
            char cell[64];
            double hw = summary_get(&pt->agg.ci95, path);
            if (pt->agg.bimodal)
                snprintf(cell, sizeof cell, "%.4g (split)", mean_of(pt, path));
            else
                snprintf(cell, sizeof cell, "%.4g ±%.2g", mean_of(pt, path),
                         isfinite(hw) ? hw : 0);
            fprintf(out, " %*s", column_width(&p->constraints[i]), cell);
        }
        if (pt->feasible)
            fprintf(out, "   holds%s\n", (int)k == c->recommended
                                             ? "  <- recommended" : "");
        else if (!pt->complete)
            fprintf(out, "   incomplete\n");
        else
            fprintf(out, "   fails: %s\n",
                    short_name(&p->constraints[pt->binding]).text);
    }
}

static void print_recommendation(const struct calibrate_report *r, FILE *out)
{
    const struct calibrate_params *p = r->params;
    const struct calibration *c = r->result;
    const struct calibrate_point *pt = &c->points[c->recommended];
    fprintf(out, "\nRecommended: %s = %.6g\n", knob_name(p), pt->value);
    fprintf(out, "  margins:");
    for (size_t i = 0; i < p->n_constraints; i++) {
        const struct constraint *k = &p->constraints[i];
        double b = constraint_bound(&pt->agg, k), lim = k->limit;
        if (k->lower)
            fprintf(out, "%s %s %.4g above %g (lower %.4g)", i ? ";" : "",
                    short_name(k).text, b - lim, lim, b);
        else
            fprintf(out, "%s %s %.4g below %g (upper %.4g)", i ? ";" : "",
                    short_name(k).text, lim - b, lim, b);
    }
    fprintf(out, "\n");
    if (r->cal && r->cal->n_costs > 0) {
        fprintf(out, "  costs:  ");
        for (size_t i = 0; i < r->cal->n_costs; i++)
            fprintf(out, "%s %s %.4g", i ? ";" : "",
                    metric_label(r->cal->costs[i]),
                    mean_of(pt, r->cal->costs[i]));
        fprintf(out, "\n");
    }
    if (c->recommended > 0) {
        const struct calibrate_point *below = &c->points[c->recommended - 1];
        const struct constraint *k = &p->constraints[below->binding];
        fprintf(out, "  below:   %.6g fails (%s: %s %.4g %s %g)\n",
                below->value, short_name(k).text, k->lower ? "lower" : "upper",
                constraint_bound(&below->agg, k), k->lower ? "<" : ">",
                k->limit);
    } else {
        fprintf(out, "  below:   nothing evaluated: it is the low end of the "
                "range (--range can go lower)\n");
    }
    if ((size_t)c->recommended + 1 < c->n) {
        const struct calibrate_point *above = &c->points[c->recommended + 1];
        if (above->feasible)
            fprintf(out, "  above:   %.6g holds too\n", above->value);
        else
            fprintf(out, "  above:   %.6g fails (%s): larger is not safer "
                    "here\n", above->value,
                    above->binding >= 0
                        ? short_name(&p->constraints[above->binding]).text
                        : "incomplete");
    }
    size_t failing_above = 0;
    for (size_t k = (size_t)c->recommended + 1; k < c->n; k++)
        failing_above += !c->points[k].feasible;
    if (failing_above > 0)
        fprintf(out, "  note:    %zu larger value%s fail%s: see the table\n",
                failing_above, failing_above == 1 ? "" : "s",
                failing_above == 1 ? "s" : "");
}

/* No value holds: which constraint binds at the top of the range, and
 * whether a larger knob or something else would help. */
static void print_infeasible(const struct calibrate_report *r, FILE *out)
{
    const struct calibrate_params *p = r->params;
    const struct calibration *c = r->result;
    const struct calibrate_point *lo = &c->points[0], *hi = &c->points[c->n - 1];
    fprintf(out, "\nNo value of %s in [%g, %g] meets the constraints.\n",
            knob_name(p), p->lo, p->hi);
    if (hi->binding < 0) {
        fprintf(out, "  the runs did not complete (see --max-in-flight)\n");
        return;
    }
    const struct constraint *k = &p->constraints[hi->binding];
    double at_hi = constraint_bound(&hi->agg, k);
    double at_lo = constraint_bound(&lo->agg, k);
    fprintf(out, "  binding: %s: %.4g at %s = %g, %s the limit %g%s\n",
            k->what, at_hi, knob_name(p), hi->value,
            k->lower ? "under" : "over", k->limit,
            hi->agg.bimodal ? " (some replications collapsed)" : "");
    double util = mean_of(hi, "db.utilization");
    /* how far the knob moved it towards the limit, and how far is left */
    double sign = k->lower ? -1 : 1;
    double drop = sign * (at_lo - at_hi), gap = sign * (at_hi - k->limit);
    if (!hi->agg.bimodal && drop >= gap) {
        fprintf(out, "  it %s as %s grows (%.4g at %g): a wider --range "
                "may reach it.\n", k->lower ? "rises" : "falls",
                knob_name(p), at_lo, lo->value);
        return;
    }
    fprintf(out, "  %s hardly moves it (%.4g at %g): this knob cannot fix it.\n",
            knob_name(p), at_lo, lo->value);
    if (util > 0.8)
        fprintf(out, "  The database runs at %.0f %% of its capacity: more "
                "capacity (database.cores), a longer cache.ttl or less "
                "traffic would.\n", 100 * util);
    else
        fprintf(out, "  The database runs at %.0f %% of its capacity: the "
                "limit is set by something else (the cache round trip, the "
                "client timeout, the traffic); loosen the constraint or "
                "change the scenario.\n", 100 * util);
}

void calibrate_print(const struct calibrate_report *r, FILE *out)
{
    print_header(r, out);
    print_points(r, out);
    if (r->result->stopped)
        fprintf(out, "\nInterrupted: no recommendation.\n");
    else if (r->result->recommended >= 0)
        print_recommendation(r, out);
    else if (r->result->n > 0)
        print_infeasible(r, out);
}

/* ---- files ---- */

/* "latency_ms.p99" -> "latency_ms_p99", for CSV columns. */
static void column_of(const char *path, char *out, size_t n)
{
    snprintf(out, n, "%s", path);
    for (char *c = out; *c; c++)
        if (*c == '.')
            *c = '_';
}

static void write_csv(FILE *fp, const struct calibrate_report *r)
{
    const struct calibrate_params *p = r->params;
    char col[80];
    fprintf(fp, "%s,feasible,binding", knob_name(p));
    for (size_t i = 0; i < n_metrics(r); i++) {
        column_of(metric_path(r, i), col, sizeof col);
        fprintf(fp, ",%s_mean,%s_ci95", col, col);
    }
    fputc('\n', fp);
    for (size_t k = 0; k < r->result->n; k++) {
        const struct calibrate_point *pt = &r->result->points[k];
        char num[64];
        json_format_exact(pt->value, num, sizeof num);
        fprintf(fp, "%s,%d,%s", num, pt->feasible ? 1 : 0,
                pt->binding >= 0 ? short_name(&p->constraints[pt->binding]).text
                                 : "");
        for (size_t i = 0; i < n_metrics(r); i++) {
            const char *path = metric_path(r, i);
            json_csv_cell(fp, mean_of(pt, path));
            json_csv_cell(fp, summary_get(&pt->agg.ci95, path));
        }
        fputc('\n', fp);
    }
}

static void write_point(struct json_out *j, const struct calibrate_report *r,
                        const struct calibrate_point *pt)
{
    const struct calibrate_params *p = r->params;
    json_out_begin_object(j);
    json_out_key(j, "value");
    json_out_number(j, pt->value);
    json_out_key(j, "feasible");
    json_out_bool(j, pt->feasible);
    json_out_key(j, "binding");
    char binding[128];
    if (pt->binding >= 0) {
        binding_text(&p->constraints[pt->binding], binding, sizeof binding);
        json_out_string(j, binding);
    } else {
        json_out_null(j);
    }
    json_out_key(j, "collapsed_share");
    json_out_number(j, pt->agg.collapsed_share);
    json_out_key(j, "metrics");
    json_out_begin_object(j);
    for (size_t i = 0; i < n_metrics(r); i++) {
        const char *path = metric_path(r, i);
        json_out_key(j, path);
        json_out_begin_object(j);
        json_out_key(j, "mean");
        json_out_number(j, mean_of(pt, path));
        json_out_key(j, "ci95");
        json_out_number(j, summary_get(&pt->agg.ci95, path));
        json_out_end_object(j);
    }
    json_out_end_object(j);
    json_out_end_object(j);
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
    json_out_key(&j, "replications");
    json_out_number(&j, p->sweep.reps);
    json_out_key(&j, "complete");
    json_out_bool(&j, !c->stopped);
    json_out_key(&j, "constraints");
    json_out_begin_array(&j);
    for (size_t i = 0; i < p->n_constraints; i++) {
        json_out_begin_object(&j);
        json_out_key(&j, "option");
        json_out_string(&j, p->constraints[i].option);
        json_out_key(&j, "metric");
        json_out_string(&j, p->constraints[i].path);
        json_out_key(&j, "bound");
        json_out_string(&j, p->constraints[i].lower ? "min" : "max");
        json_out_key(&j, "limit");
        json_out_number(&j, p->constraints[i].limit);
        json_out_end_object(&j);
    }
    json_out_end_array(&j);
    json_out_key(&j, "recommended");
    if (c->recommended >= 0 && !c->stopped)
        json_out_number(&j, c->points[c->recommended].value);
    else
        json_out_null(&j);
    json_out_key(&j, "points");
    json_out_begin_array(&j);
    for (size_t k = 0; k < c->n; k++)
        write_point(&j, r, &c->points[k]);
    json_out_end_array(&j);
    json_out_end_object(&j);
}

/* The trade-off figure: each constrained metric and cost against the knob,
 * with the limits and the recommendation (plots/calibrate.gp). */
static bool write_figure(const struct calibrate_report *r, const char *csv,
                         bool quiet, char *err, size_t n)
{
    const struct calibrate_params *p = r->params;
    char metrics[512] = "", limits[512] = "";
    for (size_t i = 0; i < n_metrics(r); i++) {
        char col[80], lim[32];
        column_of(metric_path(r, i), col, sizeof col);
        if (i < p->n_constraints)
            snprintf(lim, sizeof lim, "%.10g", p->constraints[i].limit);
        else
            snprintf(lim, sizeof lim, "-");
        size_t lm = strlen(metrics), ll = strlen(limits);
        snprintf(metrics + lm, sizeof metrics - lm, "%s%s", i ? " " : "", col);
        snprintf(limits + ll, sizeof limits - ll, "%s%s", i ? " " : "", lim);
    }
    char rec[32] = "";
    if (r->result->recommended >= 0)
        snprintf(rec, sizeof rec, "%.10g",
                 r->result->points[r->result->recommended].value);
    char *png = str_printf("%s/calibrate.png", r->dir);
    const char *extra[] = {knob_name(p), metrics, limits, rec, "",
                           r->scenario->name};
    if (!png) {
        snprintf(err, n, "out of memory");
        return false;
    }
    struct plot_error perr;
    enum plot_status st = plot_script("calibrate", csv, png, extra, 6, r->dir,
                                      &perr);
    if (st == PLOT_OK && !quiet)
        fprintf(stderr, "stampede: %s\n", png);
    else if (st != PLOT_OK)
        snprintf(err, n, "%s%s%s", perr.message, perr.detail ? "\n" : "",
                 perr.detail ? perr.detail : "");
    plot_error_free(&perr);
    free(png);
    return st == PLOT_OK;
}

bool calibrate_write(const struct calibrate_report *r, bool figure,
                     bool quiet, char *err, size_t n)
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
    if (ok && !quiet)
        fprintf(stderr, "stampede: %s, %s\n", json, csv);
    if (ok && figure && r->result->n > 1)
        ok = write_figure(r, csv, quiet, err, n);
    if (!json || !csv)
        snprintf(err, n, "out of memory");
    free(json);
    free(csv);
    return ok;
}
