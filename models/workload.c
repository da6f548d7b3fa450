/*
 * workload.c — arrival rates and key popularity. See workload.h.
 */
#include "workload.h"

#include <math.h>
#include <stdlib.h>

double workload_rate_from(const struct workload_config *w, double t,
                          size_t *next)
{
    if (w->n_profile == 0)
        return w->rate;
    const struct rate_point *p = w->profile;
    if (t <= p[0].at)
        return p[0].rate;
    size_t i = *next < 1 ? 1 : *next;
    while (i < w->n_profile && t >= p[i].at)
        i++;
    *next = i;
    if (i == w->n_profile)
        return p[i - 1].rate;
    double f = (t - p[i - 1].at) / (p[i].at - p[i - 1].at);
    return p[i - 1].rate + f * (p[i].rate - p[i - 1].rate);
}

double workload_rate_at(const struct workload_config *w, double t)
{
    size_t next = 1;
    return workload_rate_from(w, t, &next);
}

double workload_peak_rate(const struct workload_config *w)
{
    if (w->replay)
        return (double)w->trace.stats.peak_reads * w->trace.speed;
    if (w->n_profile == 0)
        return w->rate;
    double peak = 0;
    for (size_t i = 0; i < w->n_profile; i++)
        if (w->profile[i].rate > peak)
            peak = w->profile[i].rate;
    return peak;
}

/* H(N, s) = sum_{k=1}^{N} k^-s: exactly up to a million terms, beyond
 * that the tail by its integral (error well below 0.1 %). */
static double zipf_normaliser(long n, double s)
{
    const long exact = n < 1000000 ? n : 1000000;
    double h = 0;
    for (long k = exact; k >= 1; k--)   /* small terms first: less rounding */
        h += pow((double)k, -s);
    if (n > exact) {
        double a = (double)exact + 0.5, b = (double)n + 0.5;
        h += s == 1 ? log(b / a) : (pow(b, 1 - s) - pow(a, 1 - s)) / (1 - s);
    }
    return h;
}

double workload_hottest_share(const struct workload_config *w)
{
    if (w->replay)
        return (double)w->trace.stats.hottest_reads /
               (double)w->trace.stats.reads;
    if (w->popularity == KEYS_ZIPF)
        return 1 / zipf_normaliser(w->keys, w->zipf_s);
    return 1.0 / (double)w->keys;
}

/* Zipf keys are drawn KEY_BATCH at a time: each draw reads a random slot
 * of the alias table (two arrays of `keys` entries, far larger than the
 * caches for a big catalog), and a loop of independent draws lets the
 * processor overlap those misses. The keys come out in the same order from
 * the same stream, so nothing else changes. */
#define KEY_BATCH 256

struct key_sampler {
    long keys;
    gsl_ran_discrete_t *zipf;   /* NULL: uniform */
    long batch[KEY_BATCH];
    size_t next;                /* next unused in batch; KEY_BATCH: empty */
};

static bool uses_alias_table(const struct workload_config *w)
{
    return w->popularity == KEYS_ZIPF && w->keys > 1;
}

struct key_sampler *key_sampler_create(const struct workload_config *w)
{
    struct key_sampler *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->keys = w->keys;
    k->next = KEY_BATCH;
    if (!uses_alias_table(w))
        return k;
    double *weights = malloc((size_t)w->keys * sizeof *weights);
    if (weights) {
        for (long i = 0; i < w->keys; i++)
            weights[i] = pow((double)(i + 1), -w->zipf_s);
        k->zipf = gsl_ran_discrete_preproc((size_t)w->keys, weights);
        free(weights);
    }
    if (!k->zipf) {
        free(k);
        return NULL;
    }
    return k;
}

void key_sampler_destroy(struct key_sampler *k)
{
    if (!k)
        return;
    if (k->zipf)
        gsl_ran_discrete_free(k->zipf);
    free(k);
}

static void refill(struct key_sampler *k, gsl_rng *r)
{
    for (size_t i = 0; i < KEY_BATCH; i++)
        k->batch[i] = (long)gsl_ran_discrete(r, k->zipf);
    k->next = 0;
}

long key_sampler_draw(struct key_sampler *k, gsl_rng *r)
{
    if (k->zipf) {
        if (k->next == KEY_BATCH)
            refill(k, r);
        return k->batch[k->next++];
    }
    if (k->keys == 1)
        return 0;
    return (long)gsl_rng_uniform_int(r, (unsigned long)k->keys);
}

double key_sampler_bytes(const struct workload_config *w)
{
    /* gsl_ran_discrete_t: A (size_t) and F (double) per key */
    return uses_alias_table(w)
               ? (double)w->keys * (sizeof(size_t) + sizeof(double))
               : 0;
}

double key_sampler_peak_bytes(const struct workload_config *w)
{
    /* while gsl_ran_discrete_preproc runs: our weights, A, F, its E, and
     * its two stacks of size_t (Bigs and Smalls) */
    return uses_alias_table(w)
               ? (double)w->keys * (3 * sizeof(double) + 3 * sizeof(size_t))
               : 0;
}
