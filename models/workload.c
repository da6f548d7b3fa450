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

/* Zipf keys by rejection-inversion (W. Hörmann and G. Derflinger,
 * "Rejection-inversion to generate variates from monotone discrete
 * distributions", ACM TOMACS 6(3), 1996): O(1) memory and O(1) expected
 * time, where an alias table takes 16 bytes a key and a cache miss a
 * draw in a large catalog. Key k (1-based) has weight h(k) = k^-s. With
 * H an antiderivative of h, a uniform u on (H(1.5) - 1, H(N + 0.5)] is
 * inverted to x = H^-1(u) and rounded to k; k is accepted when u falls
 * in the part of k's strip of area h(k) that lies under the curve —
 * always when x is within `squeeze` of k — so that each k is drawn with
 * probability h(k) / sum h, exactly. Fewer than 1.1 tries a draw for any
 * s. */
struct key_sampler {
    long keys;
    bool zipf;
    double s;          /* the exponent */
    double h_first;    /* H(1.5) - h(1): the lower end of u */
    double h_last;     /* H(N + 0.5): the upper end */
    double squeeze;    /* k - x below this accepts at once */
};

/* log1p(t) / t and expm1(t) / t, to 1 at t = 0 (s = 1), without the
 * cancellation of the quotients near it (their Taylor series there). */
static double log1p_over(double t)
{
    return fabs(t) > 1e-8 ? log1p(t) / t : 1 - t / 2;
}

static double expm1_over(double t)
{
    return fabs(t) > 1e-8 ? expm1(t) / t : 1 + t / 2;
}

/* h(x) = x^-s */
static double zipf_h(double s, double x) { return exp(-s * log(x)); }

/* H(x) = (x^(1-s) - 1) / (1 - s), or ln x for s = 1 */
static double zipf_big_h(double s, double x)
{
    double lx = log(x);
    return expm1_over((1 - s) * lx) * lx;
}

/* H^-1(y); H's range is above -1 / (1 - s) when s > 1, and rounding
 * must not leave it */
static double zipf_big_h_inv(double s, double y)
{
    double t = y * (1 - s);
    if (t < -1)
        t = -1;
    return exp(log1p_over(t) * y);
}

static bool uses_rejection(const struct workload_config *w)
{
    return w->popularity == KEYS_ZIPF && w->keys > 1;
}

struct key_sampler *key_sampler_create(const struct workload_config *w)
{
    struct key_sampler *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->keys = w->keys;
    if (!uses_rejection(w))
        return k;
    double s = w->zipf_s;
    k->zipf = true;
    k->s = s;
    k->h_first = zipf_big_h(s, 1.5) - 1;
    k->h_last = zipf_big_h(s, (double)w->keys + 0.5);
    k->squeeze = 2 - zipf_big_h_inv(s, zipf_big_h(s, 2.5) - zipf_h(s, 2));
    return k;
}

void key_sampler_destroy(struct key_sampler *k) { free(k); }

static long draw_zipf(const struct key_sampler *k, gsl_rng *r)
{
    for (;;) {
        /* 53 bits: with 32, the keys of a 10^7 catalog's tail would each
         * get a handful of the uniform's values, some none */
        double u = k->h_last + rng_uniform53(r) * (k->h_first - k->h_last);
        double x = zipf_big_h_inv(k->s, u);
        double key = floor(x + 0.5);
        if (key < 1)
            key = 1;
        else if (key > (double)k->keys)
            key = (double)k->keys;
        if (key - x <= k->squeeze ||
            u >= zipf_big_h(k->s, key + 0.5) - zipf_h(k->s, key))
            return (long)key - 1;
    }
}

long key_sampler_draw(struct key_sampler *k, gsl_rng *r)
{
    if (k->zipf)
        return draw_zipf(k, r);
    if (k->keys == 1)
        return 0;
    return (long)gsl_rng_uniform_int(r, (unsigned long)k->keys);
}
