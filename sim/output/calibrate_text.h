/*
 * calibrate_text.h — how calibrate's outputs word and format what they
 * share: the knob's name, the cost, a constraint's judgement (the
 * estimate, its interval, and for a share the counts it rests on), and
 * large counts.
 */
#ifndef STAMPEDE_CALIBRATE_TEXT_H
#define STAMPEDE_CALIBRATE_TEXT_H

#include <stddef.h>

#include "experiment/calibrate.h"

/* The knob's name: the last component of its path ("beta"). */
const char *calibrate_knob_name(const struct calibrate_params *p);

/* "recomputes per second (recomputes.per_s)", or "the value of beta
 * itself (the smallest that holds wins)". */
void calibrate_cost_label(const struct calibrate_params *p, char *out,
                          size_t n);

/* "0.02274 ±0.0011" (the 95 % half-width), or the bare value. */
void calibrate_cost_cell(const struct calibrate_point *pt, char *out,
                         size_t n);

/* A table cell: "0/412 <=0.0089" (a share: events of trials, and the end
 * of the interval that decides it), "12.3 [8.1, 16.5]" (another metric),
 * "(split)" or "-". */
void calibrate_judgement_cell(const struct judgement *j,
                              const struct aggregate *a, char *out,
                              size_t n);

/* A sentence: "miss-share: 0 of 412 cycles, upper 0.89 % <= 1 %" or
 * "p99-ms: 12.3, upper 16.5 > 15". */
void calibrate_judgement_text(const struct constraint *c,
                              const struct judgement *j, char *out, size_t n);

/* The runner-up on one side (step -1: smaller values, +1: larger) of
 * point `rec`: the cheapest there that does not fail, else the nearest
 * (which fails); -1 when there is no value on that side. */
int calibrate_runner_up(const struct calibration *c, int rec, int step);

/* 412, 97.2k, 6.43M: a count in at most 6 characters. */
void calibrate_count(double v, char *out, size_t n);

#endif
