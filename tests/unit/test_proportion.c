/*
 * test_proportion.c — Clopper–Pearson intervals and the trials that
 * would decide a proportion (sim/experiment/proportion.c).
 *
 * The reference values were computed apart from GSL: by bisection on the
 * binomial distribution function, summed term by term in 30-digit
 * arithmetic (Python's mpmath), solving P(Bin(n, p) <= k) = 0.025 for the
 * upper end and P(Bin(n, p) >= k) = 0.025 for the lower. They agree with
 * R's binom.test (for example binom.test(5, 10)$conf.int = 0.1870860,
 * 0.8129140). k = 0 and k = n also have closed forms:
 * upper(0, n) = 1 - 0.025^(1/n), lower(n, n) = 0.025^(1/n).
 */
#include <math.h>

#include "../support.h"
#include "experiment/proportion.h"

static void check(double k, double n, double lo, double hi)
{
    double l, h;
    proportion_interval(k, n, 0.95, &l, &h);
    ck_assert_msg(fabs(l - lo) <= 1e-9 * fmax(lo, 1e-300) + 1e-15 &&
                      fabs(h - hi) <= 1e-9 * hi,
                  "%g of %g: [%.12g, %.12g], expected [%.12g, %.12g]", k, n,
                  l, h, lo, hi);
}

START_TEST(clopper_pearson_matches_independent_references)
{
    check(0, 30, 0, 0.115703308222);
    check(1, 10, 0.00252857854446, 0.445016117028);
    check(5, 10, 0.187086028447, 0.812913971553);
    check(3, 100, 0.00622997153831, 0.0851760529743);
    check(10, 10, 0.691502892181, 1);
    check(0, 412, 0, 0.00891362687578);
    check(7, 1000, 0.00281885875962, 0.0143691949789);
    /* the closed forms where GSL's own inverse gives NaN (n = 10^8) */
    check(0, 1e8, 0, -expm1(log(0.025) / 1e8));
    check(1e8, 1e8, exp(log(0.025) / 1e8), 1);
    /* no trials, or more events than trials: no interval */
    double l, h;
    proportion_interval(0, 0, 0.95, &l, &h);
    ck_assert(isnan(l) && isnan(h));
    proportion_interval(3, 2, 0.95, &l, &h);
    ck_assert(isnan(l) && isnan(h));
}
END_TEST

/* Large counts (a run's requests, where GSL's own inverse gives NaN):
 * with 5000 events the binomial is close to normal, so the interval is
 * k/n +- 1.96 sqrt(k)/n to within 2 %. */
START_TEST(large_counts_have_their_interval)
{
    double k = 5000, n = 1e8, l, h;
    proportion_interval(k, n, 0.95, &l, &h);
    ck_assert(l < k / n && k / n < h);
    /* normal approximation: k/n +- 1.96 sqrt(k)/n, to within 2 % */
    double half = 1.959964 * sqrt(k) / n;
    ck_assert_double_eq_tol(h - k / n, half, 0.02 * half);
    ck_assert_double_eq_tol(k / n - l, half, 0.02 * half);
}
END_TEST

/* The one-evaluation tests agree with the interval's ends. */
START_TEST(at_most_and_above_agree_with_the_interval)
{
    static const double cases[][2] = {{0, 30}, {1, 10}, {7, 1000}, {3, 100}};
    for (size_t i = 0; i < 4; i++) {
        double k = cases[i][0], n = cases[i][1], l, h;
        proportion_interval(k, n, 0.95, &l, &h);
        ck_assert(proportion_at_most(k, n, h * 1.001, 0.95));
        ck_assert(!proportion_at_most(k, n, h * 0.999, 0.95));
        if (k > 0) {
            ck_assert(proportion_above(k, n, l * 0.999, 0.95));
            ck_assert(!proportion_above(k, n, l * 1.001, 0.95));
        } else {
            ck_assert(!proportion_above(k, n, 0, 0.95));
        }
    }
}
END_TEST

/* 0 events: the upper end 1 - 0.025^(1/N) is at most 1 % from
 * N = ln 0.025 / ln 0.99 = 367.04, so 368 trials; 30 seen. 5 of 1000
 * (0.5 %): some N between; 2 % of 100 against 1 %: above once the lower
 * end clears 1 %. At the limit itself, never. */
START_TEST(trials_to_decide)
{
    double n0 = proportion_trials_to_decide(0, 30, 0.01, 0.95);
    ck_assert_msg(n0 >= 368 && n0 <= 370, "%g", n0);
    ck_assert(proportion_at_most(0, 368, 0.01, 0.95));
    ck_assert(!proportion_at_most(0, 367, 0.01, 0.95));
    double n1 = proportion_trials_to_decide(5, 1000, 0.01, 0.95);
    ck_assert(n1 > 1000);
    ck_assert(proportion_at_most(0.005 * n1, n1, 0.01, 0.95));
    ck_assert(!proportion_at_most(0.005 * n1 / 1.01, n1 / 1.01, 0.01, 0.95));
    double n2 = proportion_trials_to_decide(2, 100, 0.01, 0.95);
    ck_assert(n2 > 100 && proportion_above(0.02 * n2, n2, 0.01, 0.95));
    /* decided already: what it has */
    ck_assert_double_eq(proportion_trials_to_decide(0, 412, 0.01, 0.95), 412);
    ck_assert(isinf(proportion_trials_to_decide(1, 100, 0.01, 0.95)));
    ck_assert(isinf(proportion_trials_to_decide(0, 0, 0.01, 0.95)));
}
END_TEST

TEST_SUITE(proportion_suite)
{
    Suite *s = suite_create("proportion");
    TCase *tc = tcase_create("intervals");
    tcase_add_test(tc, clopper_pearson_matches_independent_references);
    tcase_add_test(tc, large_counts_have_their_interval);
    tcase_add_test(tc, at_most_and_above_agree_with_the_interval);
    tcase_add_test(tc, trials_to_decide);
    suite_add_tcase(s, tc);
    return s;
}
