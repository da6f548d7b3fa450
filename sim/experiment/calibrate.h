/*
 * calibrate.h — which value of a policy knob (PER's beta, the lock's TTL)
 * to deploy for *this* scenario's traffic: of the values whose every
 * constraint is proven to hold, the one that costs least.
 *
 * Cost: a field of the registry the knob trades against its constraints,
 * named by the policy's calibration table (the recomputes per second for
 * beta, whose curve has a minimum inside its range; the stall a holder
 * crash causes for lock_ttl, which grows with it), or the knob's value
 * itself for another knob (the smallest value that holds). Smaller is
 * better; a value whose cost is undefined ranks last.
 *
 * Search: a log grid of CALIBRATE_GRID values over the range, then
 * CALIBRATE_REFINE more around the cheapest value not failing — on the
 * side of a cheaper neighbour (which must have failed or be undecided:
 * the cheapest feasible value lies between), or on both sides when it is
 * the cheapest of the three (the minimum of the cost may lie either
 * side) — each with `reps` replications. Replication r of every value
 * uses the same random streams (common random numbers).
 *
 * Evidence: a value holds when every constraint holds on its interval,
 * fails when one fails, and is undecided otherwise (constraint.h). The
 * answer is the best of up to CALIBRATE_MAX_POINTS values, each tested
 * as evidence comes in: a value near its limit that is tried often enough
 * would pass a 95 % interval by luck alone. So the intervals are
 * simultaneous — 95 % for all the values together (Bonferroni: each at
 * CALIBRATE_LEVEL, 1 - 0.05 / 14 = 99.64 %): 0 events in n trials then
 * bound a share by about 6.3/n instead of 3.7/n. Then,
 * cheapest first, an undecided value gets the replications its estimates
 * say would decide it (at most four times what it had, then estimated
 * again), until the cheapest value not failing is proven — the
 * recommendation — or the budget of simulated seconds is spent. A value
 * whose decision would need more than the budget left is passed over
 * (and reported with what it would need), so that the budget goes to
 * values it can decide.
 *
 * Which replications run depends only on results, and results are kept by
 * replication, so any -j gives the same answer.
 */
#ifndef STAMPEDE_CALIBRATE_H
#define STAMPEDE_CALIBRATE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "experiment/aggregate.h"
#include "experiment/constraint.h"
#include "experiment/workers.h"
#include "kernel/config.h"

#define CALIBRATE_GRID 8       /* first pass: values over the range */
#define CALIBRATE_REFINE 6     /* second pass: values near the cheapest */
#define CALIBRATE_MAX_POINTS (CALIBRATE_GRID + CALIBRATE_REFINE)
#define CALIBRATE_MAX_CONSTRAINTS 16
/* The level of each interval: 95 % for all the values at once. */
#define CALIBRATE_LEVEL (1 - 0.05 / CALIBRATE_MAX_POINTS)

struct calibrate_point {
    double value;
    unsigned reps;                 /* replications run */
    struct run_summary *runs;      /* [reps], by replication */
    bool complete;                 /* every one ran to its end */
    struct aggregate agg;          /* over them */
    struct judgement judged[CALIBRATE_MAX_CONSTRAINTS];
    enum verdict verdict;          /* fails: one fails, or a run stopped
                                      early; holds: all hold */
    int binding;                   /* the constraint that fails, or the
                                      first undecided; -1: none */
    double cost, cost_ci95;        /* the cost's mean and half-width */
    double reps_to_decide;         /* undecided: replications in all that
                                      would decide every constraint */
    bool passed_over;              /* undecided: that is beyond the budget */
};

struct calibrate_params {
    const char *file;                  /* the scenario file (messages) */
    const char *text;                  /* its contents */
    size_t len;
    const char *const *sets;           /* --set, before the knob's */
    size_t n_sets;
    const char *label;                 /* the policy */
    char knob_path[CFG_PATH_MAX];      /* policies[LABEL].KNOB */
    double lo, hi;                     /* 0 < lo < hi */
    const struct constraint *constraints;
    size_t n_constraints;              /* <= CALIBRATE_MAX_CONSTRAINTS */
    const char *cost;                  /* the field minimised; NULL: the
                                          knob's value */
    unsigned reps;                     /* replications to start with, >= 2 */
    unsigned jobs;                     /* worker processes */
    long max_in_flight;                /* 0: the world's default */
    const volatile sig_atomic_t *stop;
    double duration;                   /* simulated seconds of one run */
    double budget;                     /* simulated seconds in all */
    double spent;                      /* spent before (the pilot) */
    /* after each run, the simulated seconds spent so far and the events
     * the search's runs simulated */
    void (*progress)(double spent, uint64_t events, void *ctx);
    void *progress_ctx;
    struct workers_beat *beat;   /* a sign of life while runs go; may be
                                    NULL */
};

struct calibration {
    struct calibrate_point points[CALIBRATE_MAX_POINTS];   /* by value */
    size_t n;
    int recommended;         /* index in points; -1: none proven */
    bool stopped;            /* interrupted */
    bool budget_spent;       /* the evidence loop ran out of budget */
    double spent;            /* simulated seconds, the pilot's included */
    uint64_t events;         /* simulated by the search's runs (progress) */
    double reserved;         /* of the budget, held for the refinement */
};

/* The simulated seconds the grid and its refinement take, before any
 * evidence is added: what a budget must at least allow. */
double calibrate_search_cost(const struct calibrate_params *p);

/* The value text of a knob, as --set gets it. */
void calibrate_value_text(double value, char *out, size_t n);

/* Runs the search and the evidence loop. false (message in err) if the
 * workers fail. */
bool calibrate_run(const struct calibrate_params *p, struct calibration *out,
                   char *err, size_t n);
void calibration_free(struct calibration *c);

#endif
