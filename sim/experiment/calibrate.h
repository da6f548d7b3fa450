/*
 * calibrate.h — which value of a policy knob (PER's beta, the lock's TTL)
 * keeps given constraints for *this* scenario's traffic.
 *
 * The knob's cost grows with it (earlier refreshes; longer stalls when a
 * holder dies), so the answer is the smallest evaluated value that meets
 * every constraint at the far end of its 95 % confidence interval
 * (constraint.h) — not merely on average, so that a re-run agrees. The
 * knob is evaluated on a log grid over its range, then on a finer grid
 * between the first value that holds and the one below it; every value
 * runs the same replications (common random numbers). Constraints need
 * not improve monotonically with the knob (a huge beta refreshes so early
 * that it loads the database; a lock_ttl beyond max_wait lets waiters
 * give up together), so larger values are reported, not assumed to hold.
 */
#ifndef STAMPEDE_CALIBRATE_H
#define STAMPEDE_CALIBRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "experiment/constraint.h"
#include "experiment/sweep.h"

#define CALIBRATE_GRID 8     /* first pass: values over the range */
#define CALIBRATE_REFINE 6   /* second pass: values inside one step */
#define CALIBRATE_MAX_POINTS (CALIBRATE_GRID + CALIBRATE_REFINE)

struct calibrate_point {
    double value;
    struct aggregate agg;
    bool complete;
    bool feasible;
    int binding;             /* the first constraint it breaks; -1: none */
};

struct calibrate_params {
    struct sweep_params sweep;      /* scenario, sets, reps, jobs, stop,
                                       progress; its varies are set here */
    const char *label;              /* the policy */
    char knob_path[CFG_PATH_MAX];   /* policies[LABEL].KNOB */
    double lo, hi;                  /* 0 < lo < hi */
    const struct constraint *constraints;
    size_t n_constraints;
    /* values evaluated so far, of at most CALIBRATE_MAX_POINTS */
    void (*progress)(size_t done, void *ctx);
    void *progress_ctx;
};

struct calibration {
    struct calibrate_point points[CALIBRATE_MAX_POINTS];   /* by value */
    size_t n;
    int recommended;         /* index in points; -1: none holds */
    bool stopped;            /* interrupted */
};

/* The value text of a knob, as --set gets it. */
void calibrate_value_text(double value, char *out, size_t n);

/* Runs both passes. false (message in err) if the workers fail. */
bool calibrate_run(struct calibrate_params *p, struct calibration *out,
                   char *err, size_t n);


#endif
