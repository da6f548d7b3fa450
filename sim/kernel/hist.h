/*
 * hist.h — a log-bucketed histogram of positive durations (HDR-style).
 *
 * A value's bucket is read straight from its IEEE-754 bits: the exponent
 * and the top 7 bits of the mantissa. Each power of two is thus split into
 * 128 equal buckets, whose width is at most 1/128 of the value; reporting a
 * bucket's midpoint makes any quantile's relative error at most 1/256
 * (0.4 %). Values are seconds from 2^-30 (~1 ns) to 2^20 (~12 days); smaller
 * ones go to the first bucket, larger ones to the last, and the exact
 * minimum, maximum and sum are kept beside the buckets.
 *
 * Recording is O(1) with no logarithm. Memory is fixed (~52 KiB) whatever
 * the number of samples. Histograms merge by adding counts (replications,
 * windows into a total). Resetting clears only the buckets in use.
 */
#ifndef STAMPEDE_HIST_H
#define STAMPEDE_HIST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define HIST_SUB_BITS 7
#define HIST_MIN_EXP (-30)
#define HIST_MAX_EXP 20
#define HIST_BUCKETS ((HIST_MAX_EXP - HIST_MIN_EXP + 1) << HIST_SUB_BITS)

struct hist {
    uint64_t count;
    uint64_t zeros;     /* values <= 0, kept apart (they have no bucket) */
    double sum;
    double min, max;
    uint32_t lo, hi;    /* buckets [lo, hi] may be non-zero (lo > hi: none) */
    uint64_t buckets[HIST_BUCKETS];
};

/* Returns NULL if memory runs out. */
struct hist *hist_create(void);
void hist_destroy(struct hist *h);
void hist_reset(struct hist *h);

static inline uint32_t hist_bucket_of(double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int64_t exp = (int64_t)((bits >> 52) & 0x7ff) - 1023;
    if (exp < HIST_MIN_EXP)
        return 0;
    if (exp > HIST_MAX_EXP)
        return HIST_BUCKETS - 1;
    uint32_t sub = (uint32_t)(bits >> (52 - HIST_SUB_BITS)) &
                   ((1u << HIST_SUB_BITS) - 1);
    return (uint32_t)(exp - HIST_MIN_EXP) << HIST_SUB_BITS | sub;
}

/* Records one value (seconds). NaN is ignored. */
static inline void hist_record(struct hist *h, double v)
{
    if (v != v)
        return;
    if (h->count == 0 || v < h->min)
        h->min = v;
    if (h->count == 0 || v > h->max)
        h->max = v;
    h->count++;
    h->sum += v;
    if (v <= 0) {
        h->zeros++;
        return;
    }
    uint32_t b = hist_bucket_of(v);
    h->buckets[b]++;
    if (b < h->lo)
        h->lo = b;
    if (b > h->hi)
        h->hi = b;
}

/* The q-quantile (0 <= q <= 1): the smallest recorded value v such that at
 * least q of the values are <= v, to within the bucket resolution. 0 when
 * the histogram is empty. */
double hist_quantile(const struct hist *h, double q);

double hist_mean(const struct hist *h);

/* dst += src. */
void hist_merge(struct hist *dst, const struct hist *src);

#endif
