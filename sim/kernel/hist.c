/*
 * hist.c — quantiles, merging and reset for hist.h.
 */
#include "kernel/hist.h"

#include <math.h>
#include <stdlib.h>

struct hist *hist_create(void)
{
    struct hist *h = calloc(1, sizeof *h);
    if (h) {
        h->lo = HIST_BUCKETS;
        h->hi = 0;
    }
    return h;
}

void hist_destroy(struct hist *h) { free(h); }

void hist_reset(struct hist *h)
{
    if (h->lo <= h->hi)
        memset(&h->buckets[h->lo], 0, (h->hi - h->lo + 1) * sizeof h->buckets[0]);
    h->count = h->zeros = 0;
    h->sum = h->min = h->max = 0;
    h->lo = HIST_BUCKETS;
    h->hi = 0;
}

/* The midpoint of bucket b, in seconds. */
static double bucket_mid(uint32_t b)
{
    int exp = (int)(b >> HIST_SUB_BITS) + HIST_MIN_EXP;
    double sub = (double)(b & ((1u << HIST_SUB_BITS) - 1));
    double width = 1.0 / (1u << HIST_SUB_BITS);
    return ldexp(1.0 + (sub + 0.5) * width, exp);
}

double hist_quantile(const struct hist *h, double q)
{
    if (h->count == 0)
        return 0;
    if (q <= 0)
        return h->min;
    if (q >= 1)
        return h->max;
    /* rank: the smallest r (1-based) with r >= q * count */
    uint64_t rank = (uint64_t)ceil(q * (double)h->count);
    if (rank < 1)
        rank = 1;
    if (rank <= h->zeros)
        return h->min < 0 ? h->min : 0;
    uint64_t seen = h->zeros;
    for (uint32_t b = h->lo; b <= h->hi; b++) {
        seen += h->buckets[b];
        if (seen >= rank) {
            double v = bucket_mid(b);
            /* the exact extremes are known: never report beyond them */
            if (v < h->min)
                v = h->min;
            if (v > h->max)
                v = h->max;
            return v;
        }
    }
    return h->max;
}

double hist_mean(const struct hist *h)
{
    return h->count ? h->sum / (double)h->count : 0;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
    if (src->count == 0)
        return;
    if (dst->count == 0 || src->min < dst->min)
        dst->min = src->min;
    if (dst->count == 0 || src->max > dst->max)
        dst->max = src->max;
    dst->count += src->count;
    dst->zeros += src->zeros;
    dst->sum += src->sum;
    for (uint32_t b = src->lo; b <= src->hi; b++)
        dst->buckets[b] += src->buckets[b];
    if (src->lo < dst->lo)
        dst->lo = src->lo;
    if (src->hi > dst->hi)
        dst->hi = src->hi;
}
