/*
 * proportion.h — confidence intervals for a proportion: k events in n
 * trials (errors of requests, missed cycles of cycles, overlapping
 * recomputes of recomputes), and how many trials would settle whether it
 * lies below a limit.
 *
 * The interval is Clopper–Pearson's ("exact"): each end excludes at most
 * (1 - level) / 2 of the probability whatever the true proportion, where a
 * normal approximation fails — near 0, with few events. Zero events in n
 * trials give [0, 1 - ((1 - level) / 2)^(1/n)]: about 3.7/n at level 0.95
 * (the "rule of three", 3/n, is the one-sided 95 % bound). k and n may be
 * fractional (a rate scaled to another number of trials).
 *
 * The ends are the quantiles of Beta(k, n - k + 1) and Beta(k + 1, n - k),
 * found by bisection on GSL's regularized incomplete beta: GSL's own
 * inverse (gsl_cdf_beta_Pinv) returns NaN for the parameters of a run's
 * requests (n = 10^8). 200 halvings of [0, 1] reach any double; about a
 * millisecond per interval.
 */
#ifndef STAMPEDE_PROPORTION_H
#define STAMPEDE_PROPORTION_H

#include <stdbool.h>

/* The two-sided interval at `level` (0.95) for k of n, 0 <= k <= n, n > 0;
 * [NaN, NaN] otherwise. */
void proportion_interval(double k, double n, double level, double *lo,
                         double *hi);

/* Whether the interval lies at or below `limit` (its upper end <= limit),
 * and whether it lies wholly above it (its lower end > limit): one
 * evaluation of the incomplete beta each, no inversion. */
bool proportion_at_most(double k, double n, double limit, double level);
bool proportion_above(double k, double n, double limit, double level);

/* The trials, at the rate k/n seen so far, after which the interval would
 * lie on one side of `limit`: the least N >= n (to within 0.5 %) with the
 * upper end <= limit if k/n < limit, the lower end > limit if k/n > limit.
 * INFINITY when k/n == limit, when n == 0, or beyond 10^15 trials. */
double proportion_trials_to_decide(double k, double n, double limit,
                                   double level);

#endif
