/*
 * plot_input.h — what the figures need to know about a run, read from its
 * directory, as the text arguments of the scripts in plots/ (common.gp
 * documents each form).
 *
 *   title       the scenario's name (scenario.json)
 *   labels      the policy labels, in order (summary.json's policies[])
 *   warmup      seconds (scenario.json)
 *   capacity    the database's reference lines (scenario.json):
 *               "cores=C" or "peak=N*" (USL), "qps=Q", "conns=M"
 *   incidents   the scenario's timeline: one "AT LABEL" line per event
 *
 * Everything comes from scenario.json loaded by the scenario loader, so it
 * is exactly what was simulated.
 */
#ifndef STAMPEDE_PLOT_INPUT_H
#define STAMPEDE_PLOT_INPUT_H

#include <stddef.h>

#include "output/plot.h"

struct plot_input {
    char *csv;           /* DIR/timeseries.csv */
    char *title;
    char *labels;
    char *warmup;
    char *capacity;
    char *incidents;
};

/* Reads the run directory `dir`. PLOT_BAD_INPUT with a message naming the
 * file if one is missing or does not make sense; PLOT_FAILED if memory
 * runs out. */
enum plot_status plot_input_read(const char *dir, struct plot_input *in,
                                 char *err, size_t n);

void plot_input_free(struct plot_input *in);

#endif
