/*
 * calibrate.c — see calibrate.h.
 */
#include "experiment/calibrate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/strutil.h"

void calibrate_value_text(double value, char *out, size_t n)
{
    snprintf(out, n, "%.6g", value);
}

static void judge(const struct calibrate_params *p, struct calibrate_point *pt)
{
    pt->binding = constraint_first_broken(&pt->agg, p->constraints,
                                          p->n_constraints);
    pt->feasible = pt->complete && pt->binding < 0;
}

/* `count` values log-spaced from lo to hi, ends included. */
static void log_grid(double lo, double hi, size_t count, double *out)
{
    for (size_t i = 0; i < count; i++)
        out[i] = grid_value(lo, hi, i, count, true);
}

/* Progress across both passes: a pass's count, plus the points before. */
struct pass_progress {
    const struct calibrate_params *p;
    size_t before;
};

static void pass_progressed(size_t done, size_t total, void *ctx)
{
    struct pass_progress *pp = ctx;
    (void)total;
    if (pp->p->progress)
        pp->p->progress(pp->before + done, pp->p->progress_ctx);
}

/* Evaluates `values` (one sweep over the knob) into out->points. */
static bool evaluate(struct calibrate_params *p, const double *values,
                     size_t count, struct calibration *out, char *err,
                     size_t n)
{
    struct vary v = {0};
    snprintf(v.path, sizeof v.path, "%s", p->knob_path);
    v.values = calloc(count, sizeof *v.values);
    for (size_t i = 0; v.values && i < count; i++) {
        char text[64];
        calibrate_value_text(values[i], text, sizeof text);
        v.values[v.n++] = str_printf("%s", text);
    }
    p->sweep.varies = &v;
    p->sweep.n_varies = 1;
    p->sweep.labels = &p->label;
    p->sweep.n_labels = 1;
    struct pass_progress pp = {p, out->n};
    p->sweep.progress = pass_progressed;
    p->sweep.progress_ctx = &pp;
    struct sweep s;
    bool ok = v.values && sweep_run(&p->sweep, &s, err, n);
    for (size_t i = 0; ok && i < count; i++) {
        if (!s.points[i].done)
            continue;
        struct calibrate_point *pt = &out->points[out->n++];
        pt->value = strtod(v.values[i], NULL);
        pt->agg = s.points[i].policies[0].agg;
        pt->complete = s.points[i].policies[0].complete;
        judge(p, pt);
    }
    if (ok)
        out->stopped |= s.stopped;
    if (v.values)
        sweep_free(&s);
    vary_free(&v);
    p->sweep.varies = NULL;
    p->sweep.n_varies = 0;
    return ok;
}

static int by_value(const void *a, const void *b)
{
    double x = ((const struct calibrate_point *)a)->value;
    double y = ((const struct calibrate_point *)b)->value;
    return (x > y) - (x < y);
}

/* The smallest value that holds; -1 if none does. */
static int first_feasible(const struct calibration *c)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->points[i].feasible)
            return (int)i;
    return -1;
}

bool calibrate_run(struct calibrate_params *p, struct calibration *out,
                   char *err, size_t n)
{
    memset(out, 0, sizeof *out);
    out->recommended = -1;
    double grid[CALIBRATE_GRID];
    log_grid(p->lo, p->hi, CALIBRATE_GRID, grid);
    if (!evaluate(p, grid, CALIBRATE_GRID, out, err, n))
        return false;
    int tail = first_feasible(out);
    if (tail > 0 && !out->stopped) {
        /* refine between the last value that fails and the first that
         * holds, ends excluded (they are evaluated already) */
        double fine[CALIBRATE_REFINE + 2];
        log_grid(out->points[tail - 1].value, out->points[tail].value,
                 CALIBRATE_REFINE + 2, fine);
        if (!evaluate(p, fine + 1, CALIBRATE_REFINE, out, err, n))
            return false;
        qsort(out->points, out->n, sizeof out->points[0], by_value);
        tail = first_feasible(out);
    }
    out->recommended = tail;
    return true;
}
