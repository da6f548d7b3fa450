/*
 * compare_plot.h — the overlay figure of a comparison: the timelines of
 * every folder's policies on one time axis (plots/compare.gp): hit ratio,
 * queries at the database, p99 latency and errors; a colour per policy
 * label, a dash pattern per folder.
 *
 * gnuplot draws from compare_figure.dat: a block per folder and label
 * (gnuplot's `index`), read from each folder's timeseries.csv
 * (replication 0), one row per window: its middle in seconds, the hit
 * ratio in %, the queries at the database (time average), the p99 in ms
 * and the errors in % of the completions (NaN where undefined).
 */
#ifndef STAMPEDE_COMPARE_PLOT_H
#define STAMPEDE_COMPARE_PLOT_H

#include <stdbool.h>
#include <stdio.h>

#include "output/comparison.h"
#include "output/plot.h"

/* Writes the data file; false with a message naming the timeseries.csv
 * that could not be read. */
bool compare_plot_data(FILE *out, const struct comparison *c, char *err,
                       size_t n);

/* compare_figure.dat and compare.png into dir (`shown` names dir in
 * messages; the figure's path on stderr unless quiet); the reason in
 * *err unless PLOT_OK (plot_error_free it). */
enum plot_status compare_plot_render(const struct comparison *c,
                                     const char *dir, const char *shown,
                                     const char *title, bool quiet,
                                     const struct plot_limits *limits,
                                     struct plot_error *err);

#endif
