/*
 * dist_data.h — distributions made from measurements rather than
 * parameters (dist.h's "empirical" and "buckets").
 *
 *   {"dist": "empirical", "file": "recompute_ms.txt", "unit": "ms"}
 *   {"dist": "empirical", "samples": [12, 15, 31], "unit": "ms"}
 *   {"dist": "buckets", "le": ["5ms", "10ms", "+Inf"], "count": [3, 9, 10]}
 *   {"dist": "buckets", "file": "db_latency.csv", "cumulative": true}
 *
 * Both are drawn by inverting a piecewise cumulative distribution with
 * one uniform number, so a quantile is the same formula as a draw:
 *
 * - empirical: the n sorted samples x(1) <= ... <= x(n), linear between
 *   consecutive ones: the p-quantile is x(1 + h) interpolated at
 *   h = p (n - 1) (the "type 7" sample quantile of R and GSL), so the
 *   draws reproduce the samples' quantiles, between min and max.
 * - buckets (a Prometheus histogram: upper bounds `le`, counts cumulative
 *   or per bucket): a bucket is drawn with its share of the counts; within
 *   (lo, hi] a value is log-uniform (uniform in log: its median is
 *   sqrt(lo hi)), as latencies spread over exponentially growing buckets;
 *   within the first bucket [0, hi], uniform. The +Inf bucket says only
 *   that its values exceed the last finite bound: they are drawn AT that
 *   bound (a lower bound of the truth; `check` shows their share).
 *
 * The data are built once, never change, and are kept by the cfg that
 * parsed them (cfg_keep), so that struct dist stays a value to copy.
 */
#ifndef STAMPEDE_DIST_DATA_H
#define STAMPEDE_DIST_DATA_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "kernel/config.h"

/* At most this many samples (80 MB) or buckets. */
#define DIST_MAX_SAMPLES 10000000u
#define DIST_MAX_BUCKETS 10000u

enum dist_data_kind { DATA_EMPIRICAL, DATA_BUCKETS };

struct dist_data;

/* Reads the spec object o (its keys already checked) of the given kind:
 * its numbers inline or its file (relative to o->cfg->base_dir). NULL
 * with the problems recorded in o->cfg. */
const struct dist_data *dist_data_parse(const struct cfg_obj *o,
                                        enum dist_data_kind kind);

/* The p-quantile, 0 <= p < 1 (a draw is the quantile of a uniform). */
double dist_data_quantile(const struct dist_data *d, double p);
double dist_data_mean(const struct dist_data *d);
double dist_data_cv(const struct dist_data *d);

/* The spec as scenario.json holds it: the file (absolute) with its unit,
 * or the numbers in seconds. */
cJSON *dist_data_to_json(const struct dist_data *d);
/* What a description says of the data (dist_describe). */
struct dist_data_summary {
    enum dist_data_kind kind;
    double n;            /* samples, or the histogram's total count */
    size_t buckets;      /* buckets: how many bounds */
    double beyond;       /* buckets: share of the counts above the last
                            finite bound (drawn at it) */
    double last_bound;   /* buckets: that bound, seconds */
};
void dist_data_summarize(const struct dist_data *d,
                         struct dist_data_summary *out);

#endif
