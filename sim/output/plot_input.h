/*
 * plot_input.h — what the figures need to know about a run, read from its
 * directory, as the text arguments of the scripts in plots/ (common.gp
 * documents each form).
 *
 *   title       the scenario's name (scenario.json), and when the run
 *               is incomplete "(incomplete: REASON)" (summary.json)
 *   labels      the policy labels, in order (summary.json's policies[])
 *   warmup      seconds (scenario.json)
 *   capacity    the database's reference lines (scenario.json):
 *               "cores=C" or "peak=N*" (USL), "qps=Q", "conns=M", and
 *               "scale=auto|log|linear" (the database panels' value
 *               axis), then a line "AT cores=C qps=Q" (or peak=) for
 *               each incident that changed the capacity
 *   incidents   the scenario's timeline: one "AT LABEL" line per event
 *   slo         the scenario's slo and how each policy fared (empty
 *               without one): "slo p99_ms=P" (or "slo"), then a line per
 *               label: "LABEL recovered AT RECOVERY_S", "LABEL never"
 *               or "LABEL held" (replication 0, from summary.json); then
 *               "=mark LABEL COLUMN TITLE" for each of a policy's own
 *               counts shown in the run table (PER's refresh storms) that
 *               replication 0 counted: db_load.gp marks its windows (the
 *               scripts take nine arguments; no label starts with "=")
 *
 * Everything comes from scenario.json loaded by the scenario loader, so it
 * is exactly what was simulated.
 */
#ifndef STAMPEDE_PLOT_INPUT_H
#define STAMPEDE_PLOT_INPUT_H

#include <stddef.h>

struct plot_input {
    char *csv;           /* DIR/timeseries.csv */
    char *title;
    char *labels;
    char *warmup;
    char *capacity;
    char *incidents;
    char *slo;
};

enum plot_input_status {
    PLOT_INPUT_OK,
    PLOT_INPUT_BAD,         /* a file is missing or does not make sense */
    PLOT_INPUT_NO_MEMORY,
};

/* Reads the run directory `dir`; `scale` goes into the capacity's words
 * as it is. Unless PLOT_INPUT_OK, err says why, naming the file
 * concerned. */
enum plot_input_status plot_input_read(const char *dir, const char *scale,
                                       struct plot_input *in, char *err,
                                       size_t n);

void plot_input_free(struct plot_input *in);

#endif
