/*
 * test_swr.c — the swr policy (models/policies/swr.c): knobs, scripted
 * traces of one instance (stale replies, one background refresh, the
 * stale window's end, a failed refresh), and a fleet with and without the
 * lock.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../spy.h"
#include "../support.h"

#define C 0.001   /* the scripted cache round trip */

/* Written at 0, expired at 1 s, kept 10 s more. */
static const char STALE[] =
    "\"ttl\": \"1s\", \"stale_for\": \"10s\", \"warm\": \"synchronized\"";
static const char NO_TIMEOUT[] = "\"timeout\": \"none\"";

START_TEST(knobs_defaults_round_trip_and_errors)
{
    struct scenario *s = test_scenario(
        "w.json", "{\"policies\": [{\"policy\": \"swr\"}, {\"policy\": \"swr\","
        " \"label\": \"locked\", \"lock\": true, \"lock_ttl\": \"300ms\","
        " \"recheck\": false, \"holder_failure\": 0.5}]}", NULL, 0);
    cJSON *j = scenario_to_json(s);
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "policies"));
    ck_assert_str_eq(text,
                     "[{\"policy\":\"swr\",\"label\":\"swr\",\"lock\":false,"
                     "\"lock_ttl\":2,\"recheck\":true,\"holder_failure\":0},"
                     "{\"policy\":\"swr\",\"label\":\"locked\",\"lock\":true,"
                     "\"lock_ttl\":0.3,\"recheck\":false,"
                     "\"holder_failure\":0.5}]");
    cJSON_free(text);
    cJSON_Delete(j);
    char line[200];
    policy_knob_describe(s->policies[0].ops, s->policies[0].knobs, line,
                         sizeof line);
    ck_assert_str_eq(line, "stale within cache.stale_for, one refresh per "
                     "instance");
    policy_knob_describe(s->policies[1].ops, s->policies[1].knobs, line,
                         sizeof line);
    ck_assert_str_eq(line, "stale within cache.stale_for, one refresh per "
                     "fleet under a lock (lock_ttl 300ms, no recheck)");
    scenario_free(s);
    struct scenario_errors errors = {0};
    const char *bad = "{\"policies\": [{\"policy\": \"swr\", "
                      "\"max_wait\": \"1s\"}]}";
    ck_assert_ptr_null(scenario_load_text("w.json", bad, strlen(bad), NULL, 0,
                                          &errors));
    ck_assert_str_eq(errors.lines[0], "w.json:1:33: policies[0].max_wait: "
                                      "unknown field \"max_wait\"");
    scenario_errors_free(&errors);
}
END_TEST

/* A reads the stale value (1.001) and replies with it at once; its
 * instance is not refreshing, so A refreshes (a 100 ms query: written at
 * 1.102). B (1.021) replies stale too and starts nothing: the instance's
 * refresh is under way. C (1.2) reads the new value. Every reply takes one
 * round trip. */
START_TEST(stale_replies_at_once_and_one_refresh)
{
    const double starts[] = {0.020, 0.2};
    struct scenario *s = spy_scripted(starts, 2, STALE, "100ms", "2s",
                                      NO_TIMEOUT, "{\"policy\": \"swr\"}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:stale* recomputed:ok");
    spy_assert_time(tr, 1, 1, 1.1 + 2 * C);
    spy_assert_trace(tr, 2, "read:stale*");
    spy_assert_trace(tr, 3, "read:fresh*");
    ck_assert_double_eq(test_get(&r, "outcomes.stale"), 2);
    ck_assert_double_eq(test_get(&r, "outcomes.hit"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.miss"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.stale_served"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.refreshes_started"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.refreshes_landed"), 1);
    ck_assert_double_eq_tol(test_get(&r, "latency_ms.max"), 1, 1e-9);
    ck_assert_double_eq(test_get(&r, "episodes.count"), 0);
    free(tr);
    scenario_free(s);
}
END_TEST

/* A failed refresh (timeout 50 ms) lets the instance refresh again: A's
 * fails at 1.051; B (1.1) starts the next one, which fails too. */
START_TEST(a_failed_refresh_lets_the_next_reader_refresh)
{
    const double starts[] = {0.1};
    struct scenario *s = spy_scripted(starts, 1, STALE, "100ms", "2s",
                                      "\"timeout\": \"50ms\"",
                                      "{\"policy\": \"swr\"}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:stale* recomputed:failed");
    spy_assert_trace(tr, 2, "read:stale* recomputed:failed");
    ck_assert_double_eq(test_get(&r, "policy_metrics.refreshes_started"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.refreshes_failed"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.refreshes_landed"), 0);
    ck_assert_double_eq(test_get(&r, "outcomes.error"), 0);
    free(tr);
    scenario_free(s);
}
END_TEST

/* Past the stale window (50 ms after the expiry at 1 s) the value is
 * missing. A (1.001) replied stale and refreshes (written at 1.102); B
 * (1.061) finds the value missing: a miss does not wait for the
 * background refresh, it leads the instance's flight and queries; C
 * (1.081) waits for B's query, as with singleflight, and gets its value
 * (1.162). */
START_TEST(past_the_window_a_miss_is_coalesced)
{
    const double starts[] = {0.06, 0.08};
    const char *cache = "\"ttl\": \"1s\", \"stale_for\": \"50ms\","
                        " \"warm\": \"synchronized\"";
    struct scenario *s = spy_scripted(starts, 2, cache, "100ms", "2s",
                                      NO_TIMEOUT, "{\"policy\": \"swr\"}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:stale* recomputed:ok");
    spy_assert_trace(tr, 2, "read:missing recomputed:ok*");
    spy_assert_trace(tr, 3, "read:missing wake*");
    spy_assert_time(tr, 3, 1, 1.16 + 2 * C);
    ck_assert_double_eq(test_get(&r, "outcomes.stale"), 1);
    ck_assert_double_eq(test_get(&r, "outcomes.waited"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.coalesced"), 1);
    ck_assert_double_eq(test_get(&r, "episodes.count"), 1);
    free(tr);
    scenario_free(s);
}
END_TEST

/* With the lock, one instance: A's refresh takes the lock (1.002),
 * rechecks (1.003: still the stale value it read), recomputes (written at
 * 1.104) and releases. B (1.021), on the same instance, starts nothing
 * while A refreshes: not even a try of the lock. */
START_TEST(with_the_lock_the_refresher_takes_it_once)
{
    const double starts[] = {0.020};
    struct scenario *s = spy_scripted(starts, 1, STALE, "100ms", "2s",
                                      NO_TIMEOUT,
                                      "{\"policy\": \"swr\", \"lock\": true}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:stale* lock:got read:stale recomputed:ok "
                            "unlocked:released");
    spy_assert_trace(tr, 2, "read:stale*");
    ck_assert_double_eq(test_get(&r, "recomputes.lock"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.refreshes_started"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.acquisitions"), 1);
    free(tr);
    scenario_free(s);
}
END_TEST

/* A fleet of 5 at 2000 req/s, a 100 ms refresh, a 10 s stale window:
 * every instance has a stale reader while the value is refreshed, so each
 * expiry costs 5 refreshes — or exactly 1 with the lock, whose other
 * instances find it held. No reader ever waits: every reply is one round
 * trip. */
START_TEST(a_fleet_refreshes_once_per_instance_or_once_with_the_lock)
{
    const char *json =
        "{\"duration\": \"8s\", \"workload\": {\"arrivals\": {\"rate\": "
        "2000}}, \"cache\": {\"ttl\": \"2s\", \"stale_for\": \"10s\","
        " \"warm\": \"synchronized\", \"latency\": \"1ms\"},"
        " \"database\": {\"cores\": 100, \"service\": \"100ms\"},"
        " \"client\": {\"instances\": 5, \"timeout\": \"none\"},"
        " \"policies\": [{\"policy\": \"swr\"},"
        "  {\"policy\": \"swr\", \"label\": \"locked\", \"lock\": true}]}";
    struct scenario *s = test_scenario("w.json", json, NULL, 0);
    struct run_summary per_instance = test_run_policy(s, 0, NULL, NULL);
    struct run_summary locked = test_run_policy(s, 1, NULL, NULL);
    double refreshes = test_get(&locked, "policy_metrics.refreshes_started");
    ck_assert_double_eq(refreshes, 3);   /* expiries at 2, 4.1, 6.2 s */
    ck_assert_double_eq(test_get(&locked, "recomputes.overlapping"), 0);
    ck_assert_double_gt(test_get(&locked, "policy_metrics.contended"), 0);
    ck_assert_double_eq(
        test_get(&per_instance, "policy_metrics.refreshes_started"),
        5 * refreshes);
    ck_assert_double_eq_tol(test_get(&per_instance, "latency_ms.max"), 1,
                            1e-9);
    ck_assert_double_eq_tol(test_get(&locked, "latency_ms.max"), 1, 1e-9);
    ck_assert_double_eq(test_get(&per_instance, "episodes.count"), 0);
    scenario_free(s);
}
END_TEST

TEST_SUITE(swr_suite)
{
    Suite *s = suite_create("swr");
    TCase *tc = tcase_create("swr");
    tcase_add_test(tc, knobs_defaults_round_trip_and_errors);
    tcase_add_test(tc, stale_replies_at_once_and_one_refresh);
    tcase_add_test(tc, a_failed_refresh_lets_the_next_reader_refresh);
    tcase_add_test(tc, past_the_window_a_miss_is_coalesced);
    tcase_add_test(tc, with_the_lock_the_refresher_takes_it_once);
    tcase_add_test(tc, a_fleet_refreshes_once_per_instance_or_once_with_the_lock);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
