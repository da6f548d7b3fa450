/*
 * test_hist.c — the log-bucketed histogram (sim/kernel/hist.c).
 */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

#include "../support.h"
#include "kernel/hist.h"
#include "kernel/rng.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The exact q-quantile by the histogram's definition: the smallest value
 * with at least q of the sample at or below it. */
static double exact_quantile(const double *sorted, size_t n, double q)
{
    size_t rank = (size_t)ceil(q * (double)n);
    if (rank < 1)
        rank = 1;
    return sorted[rank - 1];
}

START_TEST(quantiles_within_one_percent_of_exact)
{
    const size_t n = 1000000;
    double *x = malloc(n * sizeof *x);
    gsl_rng *r = rng_stream_create(2024, 0, "hist-test");
    struct hist *h = hist_create();
    /* lognormal latencies around 20 ms with a long tail (sigma 1.2) */
    for (size_t i = 0; i < n; i++) {
        x[i] = gsl_ran_lognormal(r, log(0.02), 1.2);
        hist_record(h, x[i]);
    }
    qsort(x, n, sizeof *x, cmp_double);
    const double qs[] = {0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        double exact = exact_quantile(x, n, qs[i]);
        double got = hist_quantile(h, qs[i]);
        ck_assert_msg(fabs(got - exact) <= 0.01 * exact,
                      "q=%g: histogram %g, exact %g", qs[i], got, exact);
    }
    ck_assert_double_eq(hist_quantile(h, 1), x[n - 1]);
    ck_assert_double_eq(hist_quantile(h, 0), x[0]);
    ck_assert_uint_eq(h->count, n);
    free(x);
    hist_destroy(h);
    gsl_rng_free(r);
}
END_TEST

/* Two histograms merged hold what one that recorded everything holds:
 * every bucket (the top one of each included), the zeros, the extremes. */
START_TEST(merge_equals_recording_everything_in_one)
{
    gsl_rng *r = rng_stream_create(5, 0, "hist-merge");
    struct hist *a = hist_create(), *b = hist_create(), *all = hist_create();
    for (int i = 0; i < 20000; i++) {
        /* zeros, and so the minimum, only in b */
        double v = i % 21 == 0 ? 0
                               : gsl_ran_exponential(r, i % 2 ? 0.001 : 0.5);
        hist_record(i % 3 ? a : b, v);
        hist_record(all, v);
    }
    hist_merge(a, b);
    ck_assert_uint_eq(a->count, all->count);
    ck_assert_double_eq(a->min, all->min);
    ck_assert_double_eq(a->max, all->max);
    ck_assert_uint_eq(a->zeros, all->zeros);
    ck_assert_uint_eq(a->lo, all->lo);
    ck_assert_uint_eq(a->hi, all->hi);
    for (uint32_t k = 0; k < HIST_BUCKETS; k++)
        ck_assert_uint_eq(a->buckets[k], all->buckets[k]);
    ck_assert_double_eq_tol(a->sum, all->sum, 1e-9 * all->sum);
    for (double q = 0.05; q < 1; q += 0.05)
        ck_assert_double_eq(hist_quantile(a, q), hist_quantile(all, q));
    hist_destroy(a);
    hist_destroy(b);
    hist_destroy(all);
    gsl_rng_free(r);
}
END_TEST

START_TEST(reset_empties_and_extremes_are_handled)
{
    struct hist *h = hist_create();
    ck_assert_double_eq(hist_quantile(h, 0.99), 0);
    hist_record(h, 0);
    hist_record(h, 1e-12);      /* below the range: first bucket */
    hist_record(h, 1e9);        /* above the range: last bucket */
    hist_record(h, NAN);        /* ignored */
    ck_assert_uint_eq(h->count, 3);
    ck_assert_double_eq(hist_quantile(h, 0.3), 0);
    ck_assert_double_eq(hist_quantile(h, 1), 1e9);
    /* the sample above the range reads as the last bucket: beyond the
     * range's top, 2^HIST_MAX_EXP, and not beyond the sample itself */
    double q99 = hist_quantile(h, 0.99);
    ck_assert(q99 >= ldexp(1, HIST_MAX_EXP) && q99 <= 1e9);
    hist_reset(h);
    ck_assert_uint_eq(h->count, 0);
    hist_record(h, 0.25);
    /* 0.25 is a power of two: its bucket starts there */
    ck_assert_double_eq_tol(hist_quantile(h, 0.5), 0.25, 0.25 / 256);
    hist_destroy(h);
}
END_TEST

/* Ranks that fall exactly on the end of a bucket (or of the zeros): the
 * q-quantile is the smallest value with at least q of the values at or
 * below it, so of {1 s, 2 s} the median is 1 s — half the values are <= 1
 * s — and only a q above one half reaches 2 s. Each answer is the bucket's
 * midpoint (at most 1/256 above the value), never beyond the maximum. */
static bool within_bucket(double got, double value)
{
    return got >= value && got <= value * (1 + 1.0 / 256);
}

START_TEST(quantile_at_a_bucket_boundary)
{
    struct hist *h = hist_create();
    hist_record(h, 1);
    hist_record(h, 2);
    ck_assert_msg(within_bucket(hist_quantile(h, 0.5), 1), "p50 of {1, 2}: %g",
                  hist_quantile(h, 0.5));
    ck_assert_double_eq(hist_quantile(h, 0.51), 2);
    /* q = 0 and q = 1 are the exact extremes, not their buckets */
    ck_assert_double_eq(hist_quantile(h, 0), 1);
    ck_assert_double_eq(hist_quantile(h, 1), 2);
    /* 1.007 lies above the middle of its bucket [1, 1 + 1/128): the
     * midpoint would be below the smallest value; the minimum is reported */
    hist_reset(h);
    hist_record(h, 1.007);
    hist_record(h, 2);
    ck_assert_double_eq(hist_quantile(h, 0.5), 1.007);
    /* {0, 1}: the zeros come first; the median is the zero */
    hist_reset(h);
    hist_record(h, 0);
    hist_record(h, 1);
    ck_assert_double_eq(hist_quantile(h, 0.5), 0);
    ck_assert(within_bucket(hist_quantile(h, 0.51), 1));
    /* a negative value (a clock step, say) counts with the zeros, and the
     * quantiles among them are the minimum when it is negative */
    hist_reset(h);
    hist_record(h, -1);
    hist_record(h, 2);
    ck_assert_double_eq(hist_quantile(h, 0.5), -1);
    hist_destroy(h);
}
END_TEST

/* A reset forgets every bucket it had, the top one included: after 4 s
 * and a reset, {1 s, 8 s} has no value between them, so its 0.6-quantile
 * (the second value) is 8 s. */
START_TEST(reset_forgets_every_bucket)
{
    struct hist *h = hist_create();
    hist_record(h, 4);
    hist_reset(h);
    hist_record(h, 1);
    hist_record(h, 8);
    ck_assert_double_eq(hist_quantile(h, 0.6), 8);
    hist_record(h, 0.5);
    hist_reset(h);
    hist_record(h, 2);
    ck_assert_uint_eq(h->count, 1);
    ck_assert_double_eq(hist_quantile(h, 0.5), 2);
    for (uint32_t k = 0; k < HIST_BUCKETS; k++)
        ck_assert_uint_eq(h->buckets[k], k == hist_bucket_of(2) ? 1 : 0);
    hist_destroy(h);
}
END_TEST

TEST_SUITE(hist_suite)
{
    Suite *s = suite_create("hist");
    TCase *tc = tcase_create("histogram");
    tcase_add_test(tc, quantiles_within_one_percent_of_exact);
    tcase_add_test(tc, merge_equals_recording_everything_in_one);
    tcase_add_test(tc, reset_empties_and_extremes_are_handled);
    tcase_add_test(tc, quantile_at_a_bucket_boundary);
    tcase_add_test(tc, reset_forgets_every_bucket);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
