/*
 * test_workload.c — rates and key popularity (models/workload.c).
 */
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
    tcase_add_test(tc, uniform_and_single_keys);
    tcase_add_test(tc, large_zipf_normaliser_is_accurate);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
