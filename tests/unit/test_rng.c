/*
 * test_rng.c — random streams (sim/kernel/rng.c).
 */
#include "../support.h"
#include "kernel/rng.h"

static void draw(gsl_rng *r, unsigned long *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = gsl_rng_get(r);
}

START_TEST(streams_are_reproducible)
{
    unsigned long a[100], b[100];
    gsl_rng *x = rng_stream_create(42, 0, "arrivals");
    gsl_rng *y = rng_stream_create(42, 0, "arrivals");
    draw(x, a, 100);
    draw(y, b, 100);
    for (int i = 0; i < 100; i++)
        ck_assert_uint_eq(a[i], b[i]);
    gsl_rng_free(x);
    gsl_rng_free(y);
}
END_TEST

START_TEST(seed_replication_and_component_all_matter)
{
    uint64_t base = rng_stream_seed(42, 0, "arrivals");
    ck_assert_uint_ne(base, rng_stream_seed(43, 0, "arrivals"));
    ck_assert_uint_ne(base, rng_stream_seed(42, 1, "arrivals"));
    ck_assert_uint_ne(base, rng_stream_seed(42, 0, "keys"));
    /* nearby inputs give unrelated seeds (no shared low bits pattern) */
    ck_assert_uint_ne(rng_stream_seed(0, 1, "a"), rng_stream_seed(1, 0, "a"));
}
END_TEST

START_TEST(adding_a_component_changes_no_other_stream)
{
    unsigned long alone[50], beside[50];
    gsl_rng *a = rng_stream_create(7, 3, "database");
    draw(a, alone, 50);
    gsl_rng_free(a);

    /* Another component created first and drawn from heavily. */
    gsl_rng *other = rng_stream_create(7, 3, "a-new-component");
    unsigned long junk[1000];
    draw(other, junk, 1000);
    gsl_rng *b = rng_stream_create(7, 3, "database");
    draw(b, beside, 50);
    for (int i = 0; i < 50; i++)
        ck_assert_uint_eq(alone[i], beside[i]);
    gsl_rng_free(other);
    gsl_rng_free(b);
}
END_TEST

START_TEST(uniform_pos1_is_in_zero_one_closed_above)
{
    gsl_rng *r = rng_stream_create(1, 0, "coin");
    double sum = 0;
    for (int i = 0; i < 100000; i++) {
        double u = rng_uniform_pos1(r);
        ck_assert(u > 0 && u <= 1);
        sum += u;
    }
    /* mean 1/2, sd of the mean sqrt(1/12/1e5) = 0.00091; 4 sd = 0.0037 */
    ck_assert_double_eq_tol(sum / 100000, 0.5, 0.0037);
    gsl_rng_free(r);
}
END_TEST

TEST_SUITE(rng_suite)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("streams");
    tcase_add_test(tc, streams_are_reproducible);
    tcase_add_test(tc, seed_replication_and_component_all_matter);
    tcase_add_test(tc, adding_a_component_changes_no_other_stream);
    tcase_add_test(tc, uniform_pos1_is_in_zero_one_closed_above);
    suite_add_tcase(s, tc);
    return s;
}
