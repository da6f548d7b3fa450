/*
 * calibrate_report.c — see calibrate_report.h. The terminal's report;
 * the files are written by calibrate_files.c.
 */
#include "output/calibrate_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/dist.h"
#include "metric_registry.h"
#include "output/calibrate_text.h"

/* ---- the pilot ---- */

static void print_pilot(const struct calibrate_report *r, FILE *out)
{
    const struct pilot *pl = r->pilot;
    if (!pl)
        return;
    char ttl[32], sttl[32];
    duration_format(pl->ttl, ttl, sizeof ttl);
    duration_format(pl->scenario_ttl, sttl, sizeof sttl);
    fprintf(out, "Recompute time under load, from a pilot of %u run%s (%.0f "
            "simulated s)", pl->runs, pl->runs == 1 ? "" : "s", pl->spent);
    if (pl->ttl != pl->scenario_ttl)
        fprintf(out, " with cache.ttl %s instead of %s, so that values are "
                "recomputed often enough (database utilisation %.1f %%; "
                "%.1f %% in the scenario)", ttl, sttl, 100 * pl->util,
                100 * pl->scenario_util);
    char p999[32] = "-";
    if (pl->measured)
        snprintf(p999, sizeof p999, "%.1f ms", 1e3 * pl->p999);
    fprintf(out, ":\n  n %llu, p50 %.1f ms, p99 %.1f ms, p99.9 %s, max %.1f "
            "ms\n", (unsigned long long)pl->n, 1e3 * pl->p50, 1e3 * pl->p99,
            p999, 1e3 * pl->max);
    if (r->pilot_use) {
        fprintf(out, "  %s\n", r->pilot_use);
        return;
    }
    if (pl->measured) {
        fprintf(out, "  (%d samples or more: their maximum reaches the p99.9 "
                "with 95 %% confidence); the range starts at its p50.\n",
                PILOT_SAMPLES);
        return;
    }
    fprintf(out, "  The pilot could not estimate the p99.9: %s. The range "
            "comes from database.service instead (p50 %.1f ms, p99.9 %.1f "
            "ms).\n", pl->why,
            1e3 * dist_quantile(&r->scenario->model.service, 0.5),
            1e3 * dist_quantile(&r->scenario->model.service, 0.999));
}

/* ---- the table ---- */

/* A constraint's column: its short name, at least 24 wide. */
static int column_width(const struct constraint *c)
{
    char name[96];
    constraint_name(c, name, sizeof name);
    int len = (int)strlen(name);
    return len > 24 ? len : 24;
}

static void print_header(const struct calibrate_report *r, FILE *out)
{
    const struct calibrate_params *p = r->params;
    char cost[160];
    calibrate_cost_label(r->params, cost, sizeof cost);
    fprintf(out, "\nCalibrating %s of policy %s on %s (seed %llu): the value "
            "of least cost among those proven to meet every constraint.\n",
            calibrate_knob_name(p), p->label, r->scenario->name,
            (unsigned long long)r->scenario->seed);
    fprintf(out, "Cost: %s.\n", cost);
    fprintf(out, "Constraints, proven at the far end of intervals that hold "
            "together at 95 %% over the values (each %.2f %%; a share: "
            "Clopper-Pearson on the counts pooled over the replications):\n",
            100 * CALIBRATE_LEVEL);
    for (size_t i = 0; i < p->n_constraints; i++) {
        const struct constraint *k = &p->constraints[i];
        char flag[128];
        constraint_flag(k, flag, sizeof flag);
        fprintf(out, "  %-56s %s %g   (%s)\n", k->what, k->lower ? ">=" : "<=",
                k->limit, flag);
    }
    fprintf(out, "Evidence: %u replications of %g s per value to start; "
            "budget %.0f simulated s, %.0f spent.\n\n", p->reps, p->duration,
            p->budget, r->result->spent);
    fprintf(out, "%12s %24s", calibrate_knob_name(p), "cost");
    for (size_t i = 0; i < p->n_constraints; i++) {
        char name[96];
        constraint_name(&p->constraints[i], name, sizeof name);
        fprintf(out, " %*s", column_width(&p->constraints[i]), name);
    }
    fprintf(out, " %5s %9s %9s  %s\n", "reps", "requests", "recomp.",
            "verdict");
}

static void print_verdict(const struct calibrate_report *r, size_t k,
                          FILE *out)
{
    const struct calibrate_point *pt = &r->result->points[k];
    char name[96] = "";
    if (pt->binding >= 0)
        constraint_name(&r->params->constraints[pt->binding], name,
                        sizeof name);
    switch (pt->verdict) {
    case VERDICT_HOLDS:
        fprintf(out, "holds%s\n", (int)k == r->result->recommended
                                      ? "  <- recommended" : "");
        return;
    case VERDICT_FAILS:
        fprintf(out, "fails: %s\n", pt->binding >= 0 ? name
                                    : "a run stopped early (overloaded)");
        return;
    case VERDICT_UNDECIDED:
        break;
    }
    if (isinf(pt->reps_to_decide))
        fprintf(out, "undecided: %s (no amount decides it)\n", name);
    else
        fprintf(out, "undecided: %s (~%.0f reps would decide%s)\n", name,
                pt->reps_to_decide, pt->passed_over ? "; beyond the budget"
                                                     : "");
}

static void print_points(const struct calibrate_report *r, FILE *out)
{
    const struct calibrate_params *p = r->params;
    for (size_t k = 0; k < r->result->n; k++) {
        const struct calibrate_point *pt = &r->result->points[k];
        char cell[96], a[24], b[24];
        fprintf(out, "%12.6g", pt->value);
        calibrate_cost_cell(pt, cell, sizeof cell);
        fprintf(out, " %24s", cell);
        for (size_t i = 0; i < p->n_constraints; i++) {
            calibrate_judgement_cell(&pt->judged[i], &pt->agg, cell,
                                     sizeof cell);
            fprintf(out, " %*s", column_width(&p->constraints[i]), cell);
        }
        calibrate_count(summary_get(&pt->agg.total, "requests"), a, sizeof a);
        calibrate_count(summary_get(&pt->agg.total, "recomputes.total"), b,
                        sizeof b);
        fprintf(out, " %5u %9s %9s  ", pt->reps, a, b);
        print_verdict(r, k, out);
    }
}

/* The last component of a field: "overlap_share". */
static const char *short_field(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot ? dot + 1 : path;
}

/* What makes the cost, value by value (the policy's `explains`): short
 * headers, then their meaning. */
static void print_explains(const struct calibrate_report *r, FILE *out)
{
    if (!r->cal || r->cal->n_explains == 0 || !r->params->cost)
        return;
    const char *const *e = r->cal->explains;
    size_t n = r->cal->n_explains;
    fprintf(out, "\nWhat makes the cost:\n%12s", calibrate_knob_name(r->params));
    for (size_t i = 0; i < n; i++)
        fprintf(out, " %16s", short_field(e[i]));
    fputc('\n', out);
    for (size_t k = 0; k < r->result->n; k++) {
        const struct calibrate_point *pt = &r->result->points[k];
        fprintf(out, "%12.6g", pt->value);
        for (size_t i = 0; i < n; i++)
            fprintf(out, " %16.4g", summary_get(&pt->agg.mean, e[i]));
        fputc('\n', out);
    }
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%s: %s", i ? "; " : "  (", short_field(e[i]),
                metric_label(e[i]));
    fprintf(out, ")\n");
}

/* ---- the answer ---- */

/* "error-rate: 0 of 97.2M requests, upper 3.8e-08 <= 0.001" */
static void print_proof(const struct calibrate_report *r,
                        const struct calibrate_point *pt, FILE *out)
{
    const struct calibrate_params *p = r->params;
    for (size_t i = 0; i < p->n_constraints; i++) {
        char text[256];
        calibrate_judgement_text(&p->constraints[i], &pt->judged[i], text,
                                 sizeof text);
        fprintf(out, "  %s %s\n", i ? "       " : "proven:", text);
    }
}

static void print_runner_up(const struct calibrate_report *r, int k,
                            const char *side, FILE *out)
{
    const struct calibration *c = r->result;
    if (k < 0) {
        fprintf(out, "  runner-up %s: none evaluated (--range can go %s)\n",
                side, strcmp(side, "below") == 0 ? "lower" : "higher");
        return;
    }
    const struct calibrate_point *pt = &c->points[k];
    const struct calibrate_point *rec = &c->points[c->recommended];
    char why[256] = "";
    if (pt->binding >= 0)
        calibrate_judgement_text(&r->params->constraints[pt->binding],
                                 &pt->judged[pt->binding], why, sizeof why);
    fprintf(out, "  runner-up %s: %s = %.6g %s, cost %.4g (%+.0f %%)%s%s%s\n",
            side, calibrate_knob_name(r->params), pt->value,
            VERDICT_NAMES[pt->verdict], pt->cost,
            100 * (pt->cost / rec->cost - 1), why[0] ? " — " : "", why,
            pt->verdict == VERDICT_FAILS && pt->binding < 0
                ? " — a run stopped early" : "");
}

static void print_recommendation(const struct calibrate_report *r, FILE *out)
{
    const struct calibration *c = r->result;
    const struct calibrate_point *pt = &c->points[c->recommended];
    char cell[96];
    calibrate_cost_cell(pt, cell, sizeof cell);
    fprintf(out, "\nRecommended: %s = %.6g\n", calibrate_knob_name(r->params),
            pt->value);
    fprintf(out, "  cost:   %s (%u replications, %.0f simulated s)\n", cell,
            pt->reps, pt->reps * r->params->duration);
    print_proof(r, pt, out);
    print_runner_up(r, calibrate_runner_up(c, c->recommended, -1), "below", out);
    print_runner_up(r, calibrate_runner_up(c, c->recommended, +1), "above", out);
    if (c->recommended == 0 || (size_t)c->recommended + 1 == c->n)
        fprintf(out, "  note:   it is at the %s end of the range: --range "
                "can look further\n", c->recommended == 0 ? "low" : "high");
}

/* Values left undecided, cheaper than the answer (or all, without one),
 * and what would decide them. */
static void print_undecided(const struct calibrate_report *r, FILE *out)
{
    const struct calibration *c = r->result;
    const struct calibrate_params *p = r->params;
    double cap = c->recommended >= 0 ? c->points[c->recommended].cost
                                     : INFINITY;
    bool first = true;
    for (size_t k = 0; k < c->n; k++) {
        const struct calibrate_point *pt = &c->points[k];
        if (pt->verdict != VERDICT_UNDECIDED || !(pt->cost < cap || isnan(cap)
                                                  || isinf(cap)))
            continue;
        if (first)
            fprintf(out, "%s:\n", c->recommended >= 0
                                      ? "  cheaper, but undecided"
                                      : "Undecided");
        first = false;
        char text[256];
        calibrate_judgement_text(&p->constraints[pt->binding],
                                 &pt->judged[pt->binding], text, sizeof text);
        fprintf(out, "    %s = %.6g (cost %.4g): %s", calibrate_knob_name(p),
                pt->value, pt->cost, text);
        if (isinf(pt->reps_to_decide))
            fprintf(out, "; no amount of evidence decides it\n");
        else
            fprintf(out, "; ~%.0f replications more (%.0f simulated s) would "
                    "decide it\n", pt->reps_to_decide - pt->reps,
                    (pt->reps_to_decide - pt->reps) * p->duration);
    }
}

/* No value holds: which constraint binds at the top of the range, and
 * whether a larger knob or something else would help. */
static void print_infeasible(const struct calibrate_report *r, FILE *out)
{
    const struct calibrate_params *p = r->params;
    const struct calibration *c = r->result;
    const struct calibrate_point *lo = &c->points[0], *hi = &c->points[c->n - 1];
    fprintf(out, "\nNo value of %s in [%g, %g] meets the constraints "
            "(recommended: none).\n", calibrate_knob_name(p), p->lo, p->hi);
    if (hi->binding < 0) {
        fprintf(out, "  the runs did not complete (see --max-in-flight)\n");
        return;
    }
    const struct constraint *k = &p->constraints[hi->binding];
    double at_hi = constraint_bound(&hi->agg, k);
    double at_lo = constraint_bound(&lo->agg, k);
    fprintf(out, "  binding: %s: %.4g at %s = %g, %s the limit %g%s\n",
            k->what, at_hi, calibrate_knob_name(p), hi->value,
            k->lower ? "under" : "over", k->limit,
            hi->agg.bimodal ? " (some replications collapsed)" : "");
    double util = summary_get(&hi->agg.mean, "db.utilization");
    double sign = k->lower ? -1 : 1;
    double drop = sign * (at_lo - at_hi), gap = sign * (at_hi - k->limit);
    if (!hi->agg.bimodal && drop >= gap) {
        fprintf(out, "  it %s as %s grows (%.4g at %g): a wider --range "
                "may reach it.\n", k->lower ? "rises" : "falls",
                calibrate_knob_name(p), at_lo, lo->value);
        return;
    }
    fprintf(out, "  %s hardly moves it (%.4g at %g): this knob cannot fix it.\n",
            calibrate_knob_name(p), at_lo, lo->value);
    fprintf(out, "  The database runs at %.0f %% of its capacity: %s\n",
            100 * util, util > 0.8
                ? "more capacity (database.cores), a longer cache.ttl or less "
                  "traffic would."
                : "the limit is set by something else (the cache round trip, "
                  "the client timeout, the traffic); loosen the constraint or "
                  "change the scenario.");
}

static void print_unproven(const struct calibrate_report *r, FILE *out)
{
    const struct calibration *c = r->result;
    fprintf(out, "\nUnproven: no value of %s was proven to meet the "
            "constraints%s (recommended: none).\n",
            calibrate_knob_name(r->params),
            c->budget_spent ? " before the budget was spent" : "");
    print_undecided(r, out);
}

void calibrate_print(const struct calibrate_report *r, FILE *out)
{
    const struct calibration *c = r->result;
    print_pilot(r, out);
    print_header(r, out);
    print_points(r, out);
    print_explains(r, out);
    bool undecided = false;
    for (size_t k = 0; k < c->n; k++)
        undecided |= c->points[k].verdict == VERDICT_UNDECIDED;
    if (c->stopped) {
        fprintf(out, "\nInterrupted: no recommendation.\n");
    } else if (c->recommended >= 0) {
        print_recommendation(r, out);
        print_undecided(r, out);
    } else if (undecided) {
        print_unproven(r, out);
    } else if (c->n > 0) {
        print_infeasible(r, out);
    }
}
