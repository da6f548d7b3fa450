/*
 * aggregate.h — statistics over replications: for each metric of a run
 * summary, the mean and the half-width of its 95 % confidence interval
 * (Student t, from GSL), and whether the replications split into runs
 * that collapsed and runs that did not (then an interval would mean
 * nothing: the distribution is bimodal, and the share of collapsed runs is
 * the answer). It also keeps each metric's sum over the replications:
 * the pooled counts a share's interval is made of (constraint.h).
 */
#ifndef STAMPEDE_AGGREGATE_H
#define STAMPEDE_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>

#include "experiment/experiment.h"
#include "experiment/summary.h"

struct aggregate {
    size_t n;                     /* replications */
    struct run_summary mean;      /* same paths as one run's summary */
    struct run_summary ci95;      /* half-widths; NaN when n < 2 or bimodal */
    struct run_summary total;     /* sums over the replications (NaN values
                                     left out); meaningful for counts */
    double collapsed_share;       /* replications that collapsed / n */
    bool bimodal;                 /* some collapsed, some did not */
};

/* Mean and 95 % half-width of n values (NaN values are left out; the
 * half-width is NaN with fewer than two). */
void aggregate_values(const double *values, size_t n, double *mean,
                      double *half_width);

/* Over n summaries of the same policy (n >= 1). */
void aggregate_summaries(const struct run_summary *const *runs, size_t n,
                         struct aggregate *out);

/* Over the replications of one policy that ran. false (out zeroed) if
 * none did, or memory ran out. */
bool aggregate_policy_result(const struct policy_result *pr,
                             struct aggregate *out);

#endif
