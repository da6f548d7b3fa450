/*
 * test_aggregate.c — statistics over replications (sim/experiment/aggregate.c).
 */
#include <math.h>
#include <string.h>

#include "../support.h"
#include "experiment/aggregate.h"

START_TEST(mean_and_student_t_half_width)
{
    /* 2, 4, 6, 8: mean 5, sd sqrt(20/3), t(0.975, 3) = 3.182446 */
    const double v[] = {2, 4, 6, 8};
    double mean, hw;
    aggregate_values(v, 4, &mean, &hw);
    ck_assert_double_eq_tol(mean, 5, 1e-12);
    ck_assert_double_eq_tol(hw, 3.182446305 * sqrt(20.0 / 3) / 2, 1e-8);
    /* NaN values are left out; one value has no interval */
    const double w[] = {NAN, 3, NAN};
    aggregate_values(w, 3, &mean, &hw);
    ck_assert_double_eq(mean, 3);
    ck_assert(isnan(hw));
}
END_TEST

static void fill(struct run_summary *s, double hit, double collapsed)
{
    s->n = 2;
    strcpy(s->values[0].path, "hit_ratio");
    s->values[0].value = hit;
    strcpy(s->values[1].path, "collapsed");
    s->values[1].value = collapsed;
}

START_TEST(split_replications_withhold_the_interval)
{
    struct run_summary a, b, c;
    fill(&a, 0.9, 0);
    fill(&b, 0.3, 1);
    fill(&c, 0.92, 0);
    const struct run_summary *runs[] = {&a, &b, &c};
    struct aggregate agg;
    aggregate_summaries(runs, 3, &agg);
    ck_assert(agg.bimodal);
    ck_assert_double_eq_tol(agg.collapsed_share, 1.0 / 3, 1e-12);
    ck_assert_double_eq_tol(summary_get(&agg.mean, "hit_ratio"), 2.12 / 3,
                            1e-12);
    ck_assert(summary_has(&agg.ci95, "hit_ratio"));
    ck_assert(isnan(summary_get(&agg.ci95, "hit_ratio")));
    /* all alike: an interval */
    const struct run_summary *same[] = {&a, &c};
    aggregate_summaries(same, 2, &agg);
    ck_assert(!agg.bimodal);
    ck_assert_double_eq(agg.collapsed_share, 0);
    ck_assert(isfinite(summary_get(&agg.ci95, "hit_ratio")));
    /* the totals pool the replications: the counts a share is made of */
    ck_assert_double_eq_tol(summary_get(&agg.total, "hit_ratio"), 1.82,
                            1e-12);
    ck_assert_double_eq(summary_get(&agg.total, "collapsed"), 0);
}
END_TEST

TEST_SUITE(aggregate_suite)
{
    Suite *s = suite_create("aggregate");
    TCase *tc = tcase_create("replications");
    tcase_add_test(tc, mean_and_student_t_half_width);
    tcase_add_test(tc, split_replications_withhold_the_interval);
    suite_add_tcase(s, tc);
    return s;
}
