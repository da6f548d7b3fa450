/*
 * sweep_plot.h — the figures of a sweep with one varied number: each
 * metric of sweep.csv against it, one line per policy label in its 95 %
 * band (plots/sweep.gp).
 *
 * gnuplot draws from sweep_figures.dat, not from sweep.csv, whose rows go
 * point by point with the labels interleaved: read per label, every other
 * row would be undefined and a line would break into dots. The data file
 * has one block per label (gnuplot's `index`), its rows in the order of
 * the varied value, and each metric's band already clipped at the
 * metric's bounds (>= 0; <= 1 for a ratio), so that no band shows a
 * value the metric cannot take.
 */
#ifndef STAMPEDE_SWEEP_PLOT_H
#define STAMPEDE_SWEEP_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "experiment/sweep.h"
#include "metric_registry.h"
#include "output/plot.h"

/* Writes sweep_figures.dat for vary 0 of p: a comment line naming the
 * columns, then per label a block "# label LABEL" and one row per point
 * done, by increasing value: the value, then for each metric of
 * sweep_csv_metrics() its mean, the band's low and its high (NaN when
 * undefined). Blocks are separated by two blank lines. */
void sweep_plot_data(FILE *out, const struct sweep_params *p,
                     const struct sweep *s);

/* The data column (1-based) of metric k's mean; its band's low and high
 * are the next two. */
int sweep_plot_column(size_t k);

/* Whether metric m's figure gets a log axis under `scale`: AXIS_AUTO
 * when every defined mean is > 0 and the largest is at least 30 times
 * the smallest. */
bool sweep_plot_log_y(const struct sweep *s, const struct metric_info *m,
                      enum axis_scale scale);

/* Whether the varied value's axis is logarithmic under `scale`:
 * AXIS_AUTO when the grid was given on a log scale (lo:hi:n:log), or as
 * a list of values all > 0 whose largest is at least 30 times the
 * smallest (200,1000,3000,10000: chosen by decades); a linear grid
 * (lo:hi:n) keeps a linear axis. AXIS_LOG only when every value is > 0
 * (a 0 has no place on a log axis). */
bool sweep_plot_log_x(const struct sweep_params *p, enum axis_scale scale);

struct sweep_plot_request {
    const struct sweep_params *params;
    const struct sweep *sweep;
    const char *dir;       /* where the files are written */
    const char *shown;     /* the directory as messages name it */
    const char *name;      /* the scenario's name, for the titles */
    enum axis_scale log_x;  /* the varied value's axis */
    enum axis_scale log_y;  /* each metric's axis */
    bool quiet;            /* no line per figure on stderr */
    struct plot_limits limits;
};

/* Writes sweep_figures.dat and sweep_METRIC.png for every metric, each
 * figure's path on stderr unless quiet; stops at the first that could
 * not be made, the reason in *err (plot_error_free it). */
enum plot_status sweep_plot_render(const struct sweep_plot_request *r,
                                   struct plot_error *err);

#endif
