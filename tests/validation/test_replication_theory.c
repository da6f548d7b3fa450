/*
 * test_replication_theory.c — confidence intervals over replications mean
 * what they say: the 95 % interval of a known quantity covers it in about
 * 95 % of experiments.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../support.h"
#include "aggregate.h"
#include "experiment.h"
#include "scenario.h"

/* M/M/4 at ρ = 0.8 with S = 1 ms: Erlang C gives E[T] = 1.745541 ms (the
 * formula is checked against the simulator in test_world_theory.c). */
#define ERLANG_C_MEAN_MS 1.7455405897

/*
 * 100 experiments (seeds 1..100), each of 5 replications of 5 s after a
 * 1 s warmup (~16,000 queries each): the Student-t interval of the mean
 * response time must cover Erlang C's value in 95 % of them. The number
 * covered is binomial(100, 0.95): sd 2.18, so 3 sd below is 88.5; above,
 * anything up to 100 is consistent.
 */
START_TEST(intervals_cover_the_erlang_c_mean_at_their_rate)
{
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
        covered += fabs(mean - ERLANG_C_MEAN_MS) <= hw;
        experiment_free(&e);
        scenario_free(s);
    }
    ck_assert_msg(covered >= 89, "the 95 %% interval covered the truth in "
                  "only %d of 100 experiments", covered);
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
