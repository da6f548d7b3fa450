/*
 * test_per.c — the per policy (models/policies/per.c): knobs, sync and
 * async refresh, fixed delta, and a failed early refresh.
 */
#include <math.h>
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "experiment/experiment.h"
#include "scenario/scenario.h"

static struct run_summary run(const char *json, const char *const *sets,
                              size_t n_sets)
{
    return test_run_text("p.json", json, sets, n_sets);
}

START_TEST(knobs_defaults_round_trip_and_errors)
{
    struct scenario_errors errors = {0};
    const char *json = "{\"policies\": [{\"policy\": \"per\"}, "
                       "{\"policy\": \"per\", \"label\": \"fixed\", "
                       "\"beta\": 2.5, \"refresh\": \"async\", "
                       "\"delta\": \"150ms\"}]}";
    struct scenario *s = scenario_load_text("p.json", json, strlen(json),
                                            NULL, 0, &errors);
    ck_assert_ptr_nonnull(s);
    cJSON *j = scenario_to_json(s);
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "policies"));
    ck_assert_str_eq(text,
                     "[{\"policy\":\"per\",\"label\":\"per\",\"beta\":1,"
                     "\"refresh\":\"sync\",\"delta\":\"measured\"},"
                     "{\"policy\":\"per\",\"label\":\"fixed\",\"beta\":2.5,"
                     "\"refresh\":\"async\",\"delta\":0.15}]");
    cJSON_free(text);
    cJSON_Delete(j);
    ck_assert_str_eq(s->policies[0].ops->calibration->knob, "beta");
    scenario_free(s);
    const char *bad = "{\"policies\": [{\"policy\": \"per\", \"beta\": 0}]}";
    ck_assert_ptr_null(scenario_load_text("p.json", bad, strlen(bad), NULL, 0,
                                          &errors));
    ck_assert_str_eq(errors.lines[0], "p.json:1:41: policies[0].beta: "
                                      "expected a number > 0, got 0");
    scenario_errors_free(&errors);
    const char *word = "{\"policies\": [{\"policy\": \"per\", \"delta\": "
                       "\"auto\"}]}";
    ck_assert_ptr_null(scenario_load_text("p.json", word, strlen(word), NULL,
                                          0, &errors));
    ck_assert_str_eq(errors.lines[0], "p.json:1:42: policies[0].delta: "
                                      "expected a duration > 0 (seconds, or a "
                                      "string like \"200ms\") or "
                                      "\"measured\", got \"auto\"");
    scenario_errors_free(&errors);
}
END_TEST

/* A hot key at 500 req/s, Δ = 100 ms: λβΔ = 50, so an early refresh is
 * all but certain every cycle and nobody ever misses. */
static const char HOT[] =
    "{\"duration\": \"21s\", \"workload\": {\"arrivals\": {\"rate\": 500}},"
    " \"cache\": {\"ttl\": \"5s\", \"warm\": \"synchronized\"},"
    " \"database\": {\"cores\": 100, \"service\": \"100ms\"},"
    " \"policies\": [{\"policy\": \"per\"}]}";

START_TEST(sync_refresh_makes_its_reader_wait)
{
    struct run_summary r = run(HOT, NULL, 0);
    double early = summary_get(&r, "policy_metrics.early_recomputes");
    ck_assert(early >= 4);
    ck_assert_double_eq(summary_get(&r, "recomputes.early"), early);
    ck_assert_double_eq(summary_get(&r, "recomputes.miss"), 0);
    ck_assert_double_eq(summary_get(&r, "episodes.count"), 0);
    ck_assert_double_eq(summary_get(&r, "outcomes.computed"), early);
    /* the refreshing reader replies after its query */
    ck_assert(summary_get(&r, "latency_ms.max") >= 100);
    /* lead: E[lead] ~ βΔ ln(λβΔ) = 0.1 * ln 50 ~ 0.4 s */
    double lead = summary_get(&r, "policy_metrics.mean_lead_s");
    ck_assert(lead > 0.1 && lead < 1.5);
    /* every value is replaced by its own early refresh before it expires:
     * each is a cycle, none missed, every one with a refresh started (the
     * writes of the refreshes that overlapped the first, on a value
     * already replaced, end no cycle of their own). The values live about
     * 5 s less the lead: four end in 21 s. */
    ck_assert_double_eq(summary_get(&r, "policy_metrics.cycles"), 4);
    ck_assert_double_eq(summary_get(&r, "policy_metrics.cycles_missed"), 0);
    ck_assert_double_eq(summary_get(&r, "policy_metrics.cycles_unstarted"),
                        0);
}
END_TEST

START_TEST(async_refresh_replies_at_once)
{
    const char *sets[] = {"policies[0].refresh=async"};
    struct run_summary r = run(HOT, sets, 1);
    ck_assert(summary_get(&r, "recomputes.early") >= 4);
    ck_assert_double_eq(summary_get(&r, "outcomes.computed"), 0);
    ck_assert(summary_get(&r, "latency_ms.max") < 5);
}
END_TEST

START_TEST(a_larger_fixed_delta_refreshes_earlier)
{
    const char *small[] = {"policies[0].delta=10ms"};
    const char *large[] = {"policies[0].delta=1s"};
    struct run_summary a = run(HOT, small, 1);
    struct run_summary b = run(HOT, large, 1);
    ck_assert(summary_get(&b, "policy_metrics.mean_lead_s") >
              3 * summary_get(&a, "policy_metrics.mean_lead_s"));
}
END_TEST

START_TEST(failed_early_refresh_still_replies_with_the_value)
{
    /* every query times out (Δ 100 ms, timeout 10 ms) */
    const char *sets[] = {"client.timeout=10ms", "duration=8s"};
    struct run_summary r = run(HOT, sets, 2);
    double failed = summary_get(&r, "policy_metrics.failed_early_recomputes");
    ck_assert(failed > 0);
    /* the failed refreshers still got their hit */
    ck_assert(summary_get(&r, "outcomes.hit") > 0);
    /* after the expiry (5 s) every read misses, and every miss fails:
     * those requests are errors of the cause that failed them */
    ck_assert(summary_get(&r, "outcomes.error") > 0);
    ck_assert_double_eq(summary_get(&r, "errors.timeout"),
                        summary_get(&r, "outcomes.error"));
    /* every recompute that ended, ended in a timeout */
    ck_assert_double_eq(summary_get(&r, "db.timeouts"),
                        summary_get(&r, "recomputes.failed"));
    ck_assert_double_eq(summary_get(&r, "policy_metrics.cycles"), 0);
    /* no cycle ended: the shares are undefined, not 0 */
    ck_assert(summary_has(&r, "policy_metrics.miss_share"));
    ck_assert(isnan(summary_get(&r, "policy_metrics.miss_share")));
    ck_assert(summary_has(&r, "policy_metrics.early_per_cycle"));
    ck_assert(isnan(summary_get(&r, "policy_metrics.early_per_cycle")));
}
END_TEST

/* The run ends before the value expires (5 s), so every read finds it
 * fresh, and every early refresh fails (timeout 10 ms < Δ 100 ms). Each
 * refresher replies after its failed query with the value it read: a hit.
 * So every request is a hit, none computed nor failed, and every failure
 * is counted as a failed early refresh. */
START_TEST(a_failed_sync_refresh_is_a_hit_and_counted)
{
    const char *sets[] = {"client.timeout=10ms", "duration=4.9s"};
    struct run_summary r = run(HOT, sets, 2);
    double failed = test_get(&r, "policy_metrics.failed_early_recomputes");
    ck_assert(failed >= 10);
    ck_assert_double_eq(test_get(&r, "outcomes.hit"),
                        test_get(&r, "requests"));
    ck_assert_double_eq(test_get(&r, "outcomes.computed"), 0);
    ck_assert_double_eq(test_get(&r, "outcomes.error"), 0);
    ck_assert_double_eq(test_get(&r, "recomputes.failed"), failed);
    ck_assert_double_eq(test_get(&r, "db.timeouts"), failed);
    /* those still refreshing at the end are the only ones not failed */
    ck_assert(test_get(&r, "recomputes.early") >= failed);
    ck_assert(test_get(&r, "recomputes.early") -
                  test_get(&r, "unfinished") <= failed);
    /* a refresher replies after its query's timeout */
    ck_assert(test_get(&r, "latency_ms.max") >= 10);
}
END_TEST

/* An early refresh starts on a fresh value on purpose: it is never
 * counted redundant (that is for a miss or lock recompute of a value
 * written again since it was read). Two early refreshes of one value
 * show as overlapping instead. */
START_TEST(early_refreshes_are_not_redundant)
{
    const char *sets[] = {"policies[0].beta=3"};
    struct run_summary r = run(HOT, sets, 1);
    ck_assert(test_get(&r, "recomputes.early") >= 4);
    ck_assert(test_get(&r, "recomputes.overlapping") > 0);
    ck_assert_double_eq(test_get(&r, "recomputes.redundant"), 0);
}
END_TEST

START_TEST(the_initial_values_are_cycles_too)
{
    /* beta so small no read refreshes early: each value expires, the next
     * read misses and writes at +100 ms. Writes at 5.1, 10.2, 15.3 and
     * 20.4 s end four cycles, the first that of the value the cache
     * started with. */
    const char *sets[] = {"policies[0].beta=1e-9"};
    struct run_summary r = run(HOT, sets, 1);
    ck_assert_double_eq(summary_get(&r, "recomputes.early"), 0);
    ck_assert_double_eq(summary_get(&r, "policy_metrics.cycles"), 4);
    ck_assert_double_eq(summary_get(&r, "policy_metrics.cycles_missed"), 4);
    ck_assert_double_eq(summary_get(&r, "policy_metrics.miss_share"), 1);
    ck_assert_double_eq(summary_get(&r, "policy_metrics.unstarted_share"), 1);
}
END_TEST

/* A refresh that starts too late to land: delta fixed at 10 ms while the
 * query takes 100 ms, at 5000 req/s. Reads refresh early with probability
 * exp(-lead / 10 ms), so one starts in every cycle (none starts with
 * probability exp(-λβΔ) = exp(-50)) and within about 40 ms of the expiry:
 * one that starts more than 100 ms before it has probability λβΔ e^-10 =
 * 0.2 % a cycle. Each lands after the expiry, so every cycle is missed
 * though every one had its early refresh started; the readers of the gap
 * query, as with none (a pool large enough for all of them keeps each
 * query at 100 ms: the writes end four cycles, near 5.1, 10.2, 15.3 and
 * 20.4 s). */
START_TEST(a_refresh_that_lands_after_the_expiry_misses)
{
    const char *sets[] = {"workload.arrivals.rate=5000",
                          "policies[0].delta=10ms", "client.pool_size=1000"};
    struct run_summary r = run(HOT, sets, 3);
    ck_assert(summary_get(&r, "recomputes.early") >= 4);
    ck_assert(summary_get(&r, "recomputes.miss") > 0);
    ck_assert_double_eq(summary_get(&r, "policy_metrics.cycles"), 4);
    ck_assert_double_eq(summary_get(&r, "policy_metrics.cycles_missed"), 4);
    ck_assert_double_eq(summary_get(&r, "policy_metrics.miss_share"), 1);
    ck_assert_double_eq(summary_get(&r, "policy_metrics.cycles_unstarted"),
                        0);
    ck_assert_double_eq(summary_get(&r, "policy_metrics.unstarted_share"), 0);
}
END_TEST

TEST_SUITE(per_suite)
{
    Suite *s = suite_create("per");
    TCase *tc = tcase_create("per policy");
    tcase_add_test(tc, knobs_defaults_round_trip_and_errors);
    tcase_add_test(tc, sync_refresh_makes_its_reader_wait);
    tcase_add_test(tc, async_refresh_replies_at_once);
    tcase_add_test(tc, a_larger_fixed_delta_refreshes_earlier);
    tcase_add_test(tc, failed_early_refresh_still_replies_with_the_value);
    tcase_add_test(tc, a_failed_sync_refresh_is_a_hit_and_counted);
    tcase_add_test(tc, early_refreshes_are_not_redundant);
    tcase_add_test(tc, the_initial_values_are_cycles_too);
    tcase_add_test(tc, a_refresh_that_lands_after_the_expiry_misses);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
