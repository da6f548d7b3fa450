/*
 * calibrate_text.c — see calibrate_text.h.
 */
#include "output/calibrate_text.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metric_registry.h"

const char *calibrate_knob_name(const struct calibrate_params *p)
{
    const char *dot = strrchr(p->knob_path, '.');
    return dot ? dot + 1 : p->knob_path;
}

void calibrate_cost_label(const struct calibrate_params *p, char *out,
                          size_t n)
{
    if (p->cost)
        snprintf(out, n, "%s (%s)", metric_label(p->cost), p->cost);
    else
        snprintf(out, n, "the value of %s itself (the smallest that holds "
                 "wins)", calibrate_knob_name(p));
}

void calibrate_cost_cell(const struct calibrate_point *pt, char *out,
                         size_t n)
{
    if (isnan(pt->cost))
        snprintf(out, n, "-");
    else if (isfinite(pt->cost_ci95) &&
             pt->cost_ci95 > 1e-9 * fabs(pt->cost))   /* not rounding */
        snprintf(out, n, "%.4g ±%.2g", pt->cost, pt->cost_ci95);
    else
        snprintf(out, n, "%.4g", pt->cost);
}

int calibrate_runner_up(const struct calibration *c, int rec, int step)
{
    int best = -1;
    for (int k = rec + step; k >= 0 && k < (int)c->n; k += step) {
        const struct calibrate_point *pt = &c->points[k];
        if (pt->verdict == VERDICT_FAILS)
            continue;
        if (best < 0 || pt->cost < c->points[best].cost)
            best = k;
    }
    if (best < 0 && rec + step >= 0 && rec + step < (int)c->n)
        best = rec + step;
    return best;
}

void calibrate_count(double v, char *out, size_t n)
{
    if (!isfinite(v))
        snprintf(out, n, "-");
    else if (v < 1e4)
        snprintf(out, n, "%.0f", v);
    else if (v < 1e6)
        snprintf(out, n, "%.1fk", v / 1e3);
    else if (v < 1e9)
        snprintf(out, n, "%.2fM", v / 1e6);
    else
        snprintf(out, n, "%.2fG", v / 1e9);
}

void calibrate_judgement_cell(const struct judgement *j,
                              const struct aggregate *a, char *out, size_t n)
{
    char k[16], t[16];
    if (a->bimodal) {
        snprintf(out, n, "(split)");
        return;
    }
    if (!isnan(j->trials)) {
        calibrate_count(j->events, k, sizeof k);
        calibrate_count(j->trials, t, sizeof t);
        if (isnan(j->lo))
            snprintf(out, n, "%s/%s", k, t);
        else
            snprintf(out, n, "%s/%s [%.2g, %.2g]", k, t, j->lo, j->hi);
        return;
    }
    if (isnan(j->estimate))
        snprintf(out, n, "-");
    else if (j->lo == j->hi)
        snprintf(out, n, "%.4g", j->estimate);
    else
        snprintf(out, n, "%.4g [%.3g, %.3g]", j->estimate, j->lo, j->hi);
}

/* The interval's end that decides (or would decide) c, and how it
 * compares with the limit. */
static void deciding_end(const struct constraint *c,
                         const struct judgement *j, const char **end,
                         double *at, const char **cmp)
{
    bool upper = c->lower ? j->verdict == VERDICT_FAILS
                          : j->verdict != VERDICT_FAILS;
    *end = upper ? "upper" : "lower";
    *at = upper ? j->hi : j->lo;
    bool within = c->lower ? *at >= c->limit : *at <= c->limit;
    *cmp = within ? (c->lower ? ">=" : "<=") : (upper ? ">" : "<");
}

void calibrate_judgement_text(const struct constraint *c,
                              const struct judgement *j, char *out, size_t n)
{
    char name[96], k[16], t[16];
    constraint_name(c, name, sizeof name);
    if (!isnan(j->trials) && !(j->trials > 0)) {
        snprintf(out, n, "%s: no %s counted", name,
                 c->trials_unit ? c->trials_unit : "trials");
        return;
    }
    if (isnan(j->lo)) {
        snprintf(out, n, "%s: undefined, or the replications split", name);
        return;
    }
    const char *end, *cmp;
    double at;
    deciding_end(c, j, &end, &at, &cmp);
    if (!isnan(j->trials)) {
        calibrate_count(j->events, k, sizeof k);
        calibrate_count(j->trials, t, sizeof t);
        snprintf(out, n, "%s: %s of %s %s, %s %.3g %s %g", name, k, t,
                 c->trials_unit ? c->trials_unit : "trials", end, at, cmp,
                 c->limit);
    } else {
        snprintf(out, n, "%s: %.4g, %s %.4g %s %g", name, j->estimate, end,
                 at, cmp, c->limit);
    }
}
