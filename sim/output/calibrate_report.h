/*
 * calibrate_report.h — what `stampede calibrate` says and writes: the
 * pilot's recompute time (lock_ttl), the table of evaluated values (cost,
 * each constraint's interval with the counts it rests on, the evidence,
 * the verdict), the recommendation with its runners-up on each side, the
 * values left undecided and what would decide them (or, when every value
 * fails, which constraint binds and what would help), calibrate.json,
 * calibrate.csv and the figure.
 */
#ifndef STAMPEDE_CALIBRATE_REPORT_H
#define STAMPEDE_CALIBRATE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "experiment/calibrate.h"
#include "experiment/pilot.h"
#include "scenario/scenario.h"

struct calibrate_report {
    const struct scenario *scenario;
    const struct calibrate_params *params;
    const struct policy_calibration *cal;   /* may be NULL (--knob) */
    const struct calibration *result;
    const struct pilot *pilot;              /* NULL: none ran */
    const char *dir;
};

void calibrate_print(const struct calibrate_report *r, FILE *out);

/* calibrate.json, calibrate.csv and (when `figure`) calibrate.png. */
bool calibrate_write(const struct calibrate_report *r, bool figure,
                     bool quiet, char *err, size_t n);

#endif
