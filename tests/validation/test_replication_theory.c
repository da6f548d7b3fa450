/*
 * test_replication_theory.c — confidence intervals over replications mean
 * what they say: the 95 % interval of a known quantity covers it in about
 * 95 % of experiments.
 */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../support.h"
#include "../theory.h"
#include "experiment/aggregate.h"
#include "experiment/experiment.h"
#include "scenario/scenario.h"


/*
 * 100 experiments (seeds 1..100), each of 5 replications of 5 s after a
 * 1 s warmup (~16,000 queries each): the Student-t interval of the mean
 * response time must cover Erlang C's value in 95 % of them. The number
 * covered is binomial(100, 0.95): sd 2.18, so 3 sd below is 88.5; above,
 * anything up to 100 is consistent.
 *
 * Coverage alone would pass intervals far too wide, so their width is
 * checked too. Over the 100 experiments the sd of the 5-replication means
 * estimates σ/√5, and each half-width is t(0.975, 4) s/√5 with
 * E[s] = c4(5) σ, c4(5) = 0.9400: the mean half-width over
 * t(0.975, 4) sd(means) should be 0.94. Its relative error is about 8 %
 * (7 % from sd(means) over 100 values, 3.6 % from the mean of 100
 * half-widths, whose own cv is √(1 − c4²)/c4 = 0.36), so the ratio must
 * lie within 3 of those, 0.94 ± 24 %.
 */
START_TEST(intervals_cover_the_erlang_c_mean_at_their_rate)
{
    const double truth_ms = mmc_mean_response(4, 3200, 0.001) * 1e3;
    double means[100], hw_sum = 0;
    int covered = 0;
    for (int seed = 1; seed <= 100; seed++) {
        char json[1024];
        snprintf(json, sizeof json,
                 "{\"duration\": \"6s\", \"warmup\": \"1s\", \"seed\": %d,"
                 " \"workload\": {\"arrivals\": {\"rate\": 3200}},"
                 " \"cache\": {\"ttl\": 0, \"latency\": \"0.2ms\"},"
                 " \"database\": {\"discipline\": \"fcfs\", \"cores\": 4,"
                 "  \"service\": {\"dist\": \"exponential\", \"mean\": \"1ms\"},"
                 "  \"max_connections\": \"none\"},"
                 " \"client\": {\"pool_size\": 100000, \"timeout\": \"none\","
                 "  \"pool_timeout\": \"none\"}}", seed);
        struct scenario_errors errors = {0};
        struct scenario *s = scenario_load_text("c.json", json, strlen(json),
                                                NULL, 0, &errors);
        ck_assert_ptr_nonnull(s);
        size_t idx = 0;
        struct experiment_params p = {.scenario = s, .policies = &idx,
                                      .n_policies = 1, .replications = 5};
        struct experiment e;
        char err[128];
        ck_assert(experiment_run(&p, &e, err, sizeof err));
        const struct policy_result *pr = &e.results[0];
        const struct run_summary *runs[5];
        for (int k = 0; k < 5; k++)
            runs[k] = &pr->reps[k].summary;
        struct aggregate agg;
        aggregate_summaries(runs, 5, &agg);
        double mean = summary_get(&agg.mean, "db.response_ms.mean");
        double hw = summary_get(&agg.ci95, "db.response_ms.mean");
        covered += fabs(mean - truth_ms) <= hw;
        means[seed - 1] = mean;
        hw_sum += hw;
        experiment_free(&e);
        scenario_free(s);
    }
    ck_assert_msg(covered >= 89, "the 95 %% interval covered the truth in "
                  "only %d of 100 experiments", covered);
    double sum = 0, sum2 = 0;
    for (int k = 0; k < 100; k++)
        sum += means[k];
    for (int k = 0; k < 100; k++)
        sum2 += (means[k] - sum / 100) * (means[k] - sum / 100);
    double sd_means = sqrt(sum2 / 99);
    double ratio = hw_sum / 100 / (gsl_cdf_tdist_Pinv(0.975, 4) * sd_means);
    fprintf(stderr, "  covered %d of 100; mean half-width / (t sd of the "
            "means) %.3f (expected 0.94)\n", covered, ratio);
    ck_assert_msg(fabs(ratio / 0.9400 - 1) <= 0.24, "mean half-width / "
                  "(t sd of the means) = %g, expected 0.94", ratio);
}
END_TEST

TEST_SUITE(replication_theory_suite)
{
    Suite *s = suite_create("replication_theory");
    TCase *tc = tcase_create("confidence intervals");
    tcase_add_test(tc, intervals_cover_the_erlang_c_mean_at_their_rate);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    return s;
}
