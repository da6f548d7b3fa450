/*
 * metric.h — how a metric folds: the vocabulary the metric registry
 * (metric_registry.h) and the policies' own metrics (policy.h) share.
 *
 * A run's figure is made from its windows, and a window's from the
 * segments it holds; the fold says how parts make a whole. Over
 * replications every metric is summarised the same way (the mean of the
 * replications' values and its 95 % Student-t half-width); a share is
 * also a proportion of the pooled counts, which constraints judge with a
 * binomial interval (experiment/constraint.h).
 */
#ifndef STAMPEDE_METRIC_H
#define STAMPEDE_METRIC_H

enum metric_fold {
    FOLD_NONE,       /* a dimension (label, window start): not folded */
    FOLD_SUM,        /* counts and totals: the parts add up */
    FOLD_MAX,        /* the largest part */
    FOLD_MIN,        /* the smallest part */
    FOLD_RATIO,      /* a ratio of two sums, made again from the pooled
                        parts (undefined when the denominator is 0) */
    FOLD_SHARE,      /* a ratio whose numerator counts some of the events
                        its denominator counts (errors of requests, missed
                        cycles of cycles): folded as a ratio, and over
                        replications a proportion, with a binomial
                        interval on the pooled counts */
    FOLD_RATE,       /* per second: the pooled count / the pooled seconds */
    FOLD_TIME_MEAN,  /* a time average: the parts weighted by their span */
    FOLD_HISTOGRAM,  /* a quantile or mean of the merged histogram */
    FOLD_RUN,        /* of the whole run only (miss episodes, collapse) */
    N_METRIC_FOLDS,
};

/* "sum", "max", ... for the outputs; and a sentence for `stampede
 * metrics` ("the parts add up"). */
extern const char *const METRIC_FOLD_NAMES[N_METRIC_FOLDS];
extern const char *const METRIC_FOLD_MEANINGS[N_METRIC_FOLDS];

#endif
