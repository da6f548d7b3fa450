/*
 * test_workload.c — rates and key popularity (models/workload.c).
 */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>

#include "../support.h"
#include "kernel/rng.h"
#include "workload.h"

START_TEST(profile_rates_are_piecewise_linear)
{
    struct rate_point pts[] = {{10, 100}, {20, 300}, {20, 50}, {30, 50}};
    struct workload_config w = {.process = ARRIVALS_POISSON, .profile = pts,
                                .n_profile = 4, .keys = 1};
    ck_assert_double_eq(workload_rate_at(&w, 0), 100);
    ck_assert_double_eq(workload_rate_at(&w, 15), 200);
    ck_assert_double_eq(workload_rate_at(&w, 20), 50);   /* a step */
    ck_assert_double_eq(workload_rate_at(&w, 99), 50);
    ck_assert_double_eq(workload_peak_rate(&w), 300);
    /* a cursor over times that never decrease gives the same rates, the
     * step and the times past the end included */
    size_t next = 1;
    for (double t = -1; t <= 35; t += 0.25)
        ck_assert_double_eq(workload_rate_from(&w, t, &next),
                            workload_rate_at(&w, t));
    ck_assert_uint_eq(next, 4);
}
END_TEST

START_TEST(zipf_keys_follow_their_law)
{
    struct workload_config w = {.keys = 1000, .popularity = KEYS_ZIPF,
                                .zipf_s = 0.99};
    double h = 0;
    for (int k = 1; k <= 1000; k++)
        h += pow(k, -0.99);
    ck_assert_double_eq_tol(workload_hottest_share(&w), 1 / h, 1e-12);
    struct key_sampler *ks = key_sampler_create(&w);
    gsl_rng *r = rng_stream_create(5, 0, "keys-test");
    const int n = 200000;
    int counts[3] = {0};
    for (int i = 0; i < n; i++) {
        long key = key_sampler_draw(ks, r);
        ck_assert(key >= 0 && key < 1000);
        if (key < 3)
            counts[key]++;
    }
    for (int k = 0; k < 3; k++) {
        double p = pow(k + 1, -0.99) / h;
        double sd = sqrt(n * p * (1 - p));
        ck_assert_msg(fabs(counts[k] - n * p) <= 3 * sd, "key %d: %d vs %g", k,
                      counts[k], n * p);
    }
    key_sampler_destroy(ks);
    gsl_rng_free(r);
}
END_TEST

/* Pearson's chi-square of n draws against the exact law k^-s / H(N, s)
 * over all N keys (the tail pooled until each cell expects 20 draws),
 * for exponents on both sides of 1 and at 1 (where the sampler's H is a
 * logarithm), and N from 2 up. The bound is the chi-square's 1 - 10^-6
 * quantile: a correct sampler stays under it (for these fixed seeds, and
 * for all but one seed in a million), while a sampler off by one key, or
 * accepting a strip's rejected part, is off by thousands. */
static double zipf_chi_square(long keys, double s, int n, int *df)
{
    struct workload_config w = {.keys = keys, .popularity = KEYS_ZIPF,
                                .zipf_s = s};
    struct key_sampler *ks = key_sampler_create(&w);
    gsl_rng *r = rng_stream_create(11, 0, "zipf-chi-square");
    long *counts = calloc((size_t)keys, sizeof *counts);
    for (int i = 0; i < n; i++) {
        long key = key_sampler_draw(ks, r);
        ck_assert(key >= 0 && key < keys);
        counts[key]++;
    }
    double h = 0;
    for (long k = keys; k >= 1; k--)
        h += pow((double)k, -s);
    double chi = 0, expect = 0, seen = 0;
    *df = -1;
    for (long k = 0; k < keys; k++) {
        expect += n * pow((double)(k + 1), -s) / h;
        seen += (double)counts[k];
        if (expect >= 20 || k == keys - 1) {
            chi += (seen - expect) * (seen - expect) / expect;
            (*df)++;
            expect = seen = 0;
        }
    }
    free(counts);
    gsl_rng_free(r);
    key_sampler_destroy(ks);
    return chi;
}

START_TEST(zipf_keys_fit_their_law_by_chi_square)
{
    static const double S[] = {0.3, 0.99, 1.0, 1.01, 1.7, 3.0};
    static const long KEYS[] = {2, 7, 1000};
    for (size_t i = 0; i < sizeof S / sizeof S[0]; i++)
        for (size_t j = 0; j < sizeof KEYS / sizeof KEYS[0]; j++) {
            int df;
            double chi = zipf_chi_square(KEYS[j], S[i], 200000, &df);
            double bound = df > 0 ? gsl_cdf_chisq_Qinv(1e-6, df) : 0;
            ck_assert_msg(df > 0 ? chi <= bound : chi == 0,
                          "s %g, %ld keys: chi-square %g on %d df (bound %g)",
                          S[i], KEYS[j], chi, df, bound);
        }
}
END_TEST

/* In a catalog of 10^7 keys the tail holds most of the mass for s < 1:
 * the share of draws in the upper half of the keys is what the law
 * says, within 4 sd. */
START_TEST(zipf_tail_of_a_large_catalog)
{
    const long keys = 10000000;
    const double s = 0.99;
    struct workload_config w = {.keys = keys, .popularity = KEYS_ZIPF,
                                .zipf_s = s};
    struct key_sampler *ks = key_sampler_create(&w);
    gsl_rng *r = rng_stream_create(12, 0, "zipf-tail");
    double h = 0, upper = 0;
    for (long k = keys; k >= 1; k--) {
        double p = pow((double)k, -s);
        h += p;
        if (k > keys / 2)
            upper += p;
    }
    double p = upper / h;
    const int n = 400000;
    int hits = 0;
    for (int i = 0; i < n; i++)
        hits += key_sampler_draw(ks, r) >= keys / 2;
    double sd = sqrt(n * p * (1 - p));
    ck_assert_msg(fabs(hits - n * p) <= 4 * sd, "%d in the upper half, "
                  "expected %g (sd %g)", hits, n * p, sd);
    gsl_rng_free(r);
    key_sampler_destroy(ks);
}
END_TEST

START_TEST(uniform_and_single_keys)
{
    struct workload_config w = {.keys = 4, .popularity = KEYS_UNIFORM};
    ck_assert_double_eq(workload_hottest_share(&w), 0.25);
    struct key_sampler *ks = key_sampler_create(&w);
    gsl_rng *r = rng_stream_create(6, 0, "keys-test");
    int counts[4] = {0};
    for (int i = 0; i < 40000; i++)
        counts[key_sampler_draw(ks, r)]++;
    for (int k = 0; k < 4; k++)   /* binomial sd 86.6 */
        ck_assert_int_le(abs(counts[k] - 10000), 260);
    key_sampler_destroy(ks);
    struct workload_config one = {.keys = 1, .popularity = KEYS_SINGLE};
    ks = key_sampler_create(&one);
    ck_assert_int_eq(key_sampler_draw(ks, r), 0);
    ck_assert_double_eq(workload_hottest_share(&one), 1);
    key_sampler_destroy(ks);
    gsl_rng_free(r);
}
END_TEST

START_TEST(large_zipf_normaliser_is_accurate)
{
    /* beyond a million keys the tail is integrated: compare with the
     * direct sum for 3 million keys */
    struct workload_config w = {.keys = 3000000, .popularity = KEYS_ZIPF,
                                .zipf_s = 0.99};
    double h = 0;
    for (long k = 3000000; k >= 1; k--)
        h += pow((double)k, -0.99);
    ck_assert_double_eq_tol(workload_hottest_share(&w), 1 / h, 1e-6 / h);
}
END_TEST

TEST_SUITE(workload_suite)
{
    Suite *s = suite_create("workload");
    TCase *tc = tcase_create("workload");
    tcase_add_test(tc, profile_rates_are_piecewise_linear);
    tcase_add_test(tc, zipf_keys_follow_their_law);
    tcase_add_test(tc, zipf_keys_fit_their_law_by_chi_square);
    tcase_add_test(tc, zipf_tail_of_a_large_catalog);
    tcase_add_test(tc, uniform_and_single_keys);
    tcase_add_test(tc, large_zipf_normaliser_is_accurate);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
