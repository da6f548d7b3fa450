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
#include "output/plot.h"
#include "scenario/scenario.h"

struct calibrate_report {
    const struct scenario *scenario;
    const struct calibrate_params *params;
    const struct policy_calibration *cal;   /* may be NULL (--knob) */
    const struct calibration *result;
    const struct pilot *pilot;              /* NULL: none ran */
    const char *dir;                        /* where the files go */
    const char *shown;                      /* dir as messages name it
                                               (NULL: dir) */
    struct plot_limits limits;              /* for gnuplot */
    /* What the pilot was for, in words, when not the knob's range (the
     * comparison's clamp); NULL: the range. */
    const char *pilot_use;
};

void calibrate_print(const struct calibrate_report *r, FILE *out);

/* calibrate.json and calibrate.csv into r->dir; false with the reason. */
bool calibrate_write_data(const struct calibrate_report *r, char *err,
                          size_t n);

/* calibrate.png (from calibrate.csv, written first) when more than one
 * value was evaluated; the reason in err unless PLOT_OK. */
enum plot_status calibrate_write_figure(const struct calibrate_report *r,
                                        bool quiet, char *err, size_t n);

#endif
