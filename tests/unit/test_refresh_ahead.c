/*
 * test_refresh_ahead.c — the refresh_ahead policy
 * (models/policies/refresh_ahead.c): its knob, scripted traces of one
 * instance (the read that starts the refresh, readers that keep the
 * current value, a value not yet due, a failed refresh, a miss), and a
 * fleet in steady traffic that never misses.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../spy.h"
#include "../support.h"

#define C 0.001   /* the scripted cache round trip */

/* Written at 0 with a 2 s TTL: due at 1.6 s with refresh_after 0.8. */
static const char FRESH[] = "\"ttl\": \"2s\", \"warm\": \"synchronized\"";
static const char NO_TIMEOUT[] = "\"timeout\": \"none\"";

START_TEST(knob_default_and_range)
{
    struct scenario *s = test_scenario(
        "r.json", "{\"policies\": [{\"policy\": \"refresh_ahead\"}]}", NULL,
        0);
    cJSON *j = scenario_to_json(s);
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "policies"));
    ck_assert_str_eq(text, "[{\"policy\":\"refresh_ahead\",\"label\":"
                           "\"refresh_ahead\",\"refresh_after\":0.8}]");
    cJSON_free(text);
    cJSON_Delete(j);
    char line[200];
    policy_knob_describe(s->policies[0].ops, s->policies[0].knobs, line,
                         sizeof line);
    ck_assert_str_eq(line, "a read after 0.8 of the TTL starts one async "
                     "refresh per instance");
    scenario_free(s);
    const char *bad[] = {"0", "1"};
    for (size_t i = 0; i < 2; i++) {
        char json[200], expected[200];
        snprintf(json, sizeof json, "{\"policies\": [{\"policy\": "
                 "\"refresh_ahead\", \"refresh_after\": %s}]}", bad[i]);
        snprintf(expected, sizeof expected, "r.json:1:60: "
                 "policies[0].refresh_after: expected a number > 0 and < 1, "
                 "got %s", bad[i]);
        struct scenario_errors errors = {0};
        ck_assert_ptr_null(scenario_load_text("r.json", json, strlen(json),
                                              NULL, 0, &errors));
        ck_assert_str_eq(errors.lines[0], expected);
        scenario_errors_free(&errors);
    }
}
END_TEST

/* refresh_after 0.5: due at 1 s. A reads at 1.001, replies with the value
 * and refreshes it (written at 1.102: a new value, due at 2.102). B
 * (1.021) replies and starts nothing: the instance is refreshing. C (1.2)
 * reads the new value, not due. Every reply is one round trip. */
START_TEST(the_first_read_of_a_due_value_refreshes_it)
{
    const double starts[] = {0.020, 0.2};
    struct scenario *s = spy_scripted(
        starts, 2, FRESH, "100ms", "2s", NO_TIMEOUT,
        "{\"policy\": \"refresh_ahead\", \"refresh_after\": 0.5}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:fresh* recomputed:ok");
    spy_assert_time(tr, 1, 1, 1.1 + 2 * C);
    spy_assert_trace(tr, 2, "read:fresh*");
    spy_assert_trace(tr, 3, "read:fresh*");
    ck_assert_double_eq(test_get(&r, "outcomes.hit"), 3);
    ck_assert_double_eq(test_get(&r, "recomputes.early"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.refreshes_started"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.refreshes_landed"), 1);
    ck_assert_double_eq_tol(test_get(&r, "latency_ms.max"), 1, 1e-9);
    free(tr);
    scenario_free(s);

    /* refresh_after 0.6: due at 1.2 — A (1.001) is too early; C (1.201)
     * is the first to read it due */
    s = spy_scripted(starts, 2, FRESH, "100ms", "2s", NO_TIMEOUT,
                     "{\"policy\": \"refresh_ahead\", \"refresh_after\": "
                     "0.6}");
    tr = spy_trace_new();
    r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:fresh*");
    spy_assert_trace(tr, 3, "read:fresh* recomputed:ok");
    ck_assert_double_eq(test_get(&r, "policy_metrics.refreshes_started"), 1);
    free(tr);
    scenario_free(s);
}
END_TEST

/* A refresh that fails (timeout 50 ms) is counted and lets the next due
 * read refresh again; nobody gets an error. */
START_TEST(a_failed_refresh_lets_the_next_read_refresh)
{
    const double starts[] = {0.1};
    struct scenario *s = spy_scripted(
        starts, 1, FRESH, "100ms", "2s", "\"timeout\": \"50ms\"",
        "{\"policy\": \"refresh_ahead\", \"refresh_after\": 0.5}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:fresh* recomputed:failed");
    spy_assert_trace(tr, 2, "read:fresh* recomputed:failed");
    ck_assert_double_eq(test_get(&r, "policy_metrics.refreshes_failed"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.refreshes_landed"), 0);
    ck_assert_double_eq(test_get(&r, "outcomes.error"), 0);
    free(tr);
    scenario_free(s);
}
END_TEST

/* A missing value is coalesced within the instance: A queries, B waits. */
START_TEST(a_miss_is_coalesced)
{
    const double starts[] = {0.020};
    struct scenario *s = spy_scripted(starts, 1, "\"warm\": \"cold\"",
                                      "100ms", "2s", NO_TIMEOUT,
                                      "{\"policy\": \"refresh_ahead\"}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:missing recomputed:ok*");
    spy_assert_trace(tr, 2, "read:missing wake*");
    ck_assert_double_eq(test_get(&r, "recomputes.miss"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.coalesced"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.refreshes_started"), 0);
    free(tr);
    scenario_free(s);
}
END_TEST

/* Steady traffic on a fleet of 4 (400 req/s, a 50 ms refresh, TTL 1 s,
 * TTL jitter 0.2): a due value is read within milliseconds and refreshed
 * long before it expires, so no read ever misses — none misses a value
 * 150 times over (the same traffic without it: an episode per expiry).
 * The fraction applies to each value's own, jittered, TTL. */
START_TEST(steady_traffic_never_misses)
{
    const char *json =
        "{\"duration\": \"20s\", \"workload\": {\"arrivals\": {\"rate\": "
        "400}}, \"cache\": {\"ttl\": \"1s\", \"ttl_jitter\": 0.2,"
        " \"warm\": \"synchronized\", \"latency\": \"1ms\"},"
        " \"database\": {\"cores\": 100, \"service\": \"50ms\"},"
        " \"client\": {\"instances\": 4, \"timeout\": \"none\"},"
        " \"policies\": [{\"policy\": \"refresh_ahead\"},"
        "  {\"policy\": \"none\"}]}";
    struct scenario *s = test_scenario("r.json", json, NULL, 0);
    struct run_summary r = test_run_policy(s, 0, NULL, NULL);
    struct run_summary none = test_run_policy(s, 1, NULL, NULL);
    ck_assert_double_eq(test_get(&r, "episodes.count"), 0);
    ck_assert_double_eq(test_get(&r, "recomputes.miss"), 0);
    ck_assert_double_eq(test_get(&r, "outcomes.hit"),
                        test_get(&r, "requests"));
    ck_assert_double_gt(test_get(&none, "episodes.count"), 15);
    /* at most one refresh per instance and value: 4 per TTL cycle */
    double started = test_get(&r, "policy_metrics.refreshes_started");
    ck_assert_double_gt(started, 20);
    ck_assert_double_le(started, 4 * 20 / (0.8 * 0.8));
    /* all landed but those still in flight at the end, one per instance
     * at most */
    ck_assert_double_ge(test_get(&r, "policy_metrics.refreshes_landed"),
                        started - 4);
    ck_assert_double_eq(test_get(&r, "policy_metrics.refreshes_failed"), 0);
    scenario_free(s);
}
END_TEST

TEST_SUITE(refresh_ahead_suite)
{
    Suite *s = suite_create("refresh_ahead");
    TCase *tc = tcase_create("refresh_ahead");
    tcase_add_test(tc, knob_default_and_range);
    tcase_add_test(tc, the_first_read_of_a_due_value_refreshes_it);
    tcase_add_test(tc, a_failed_refresh_lets_the_next_read_refresh);
    tcase_add_test(tc, a_miss_is_coalesced);
    tcase_add_test(tc, steady_traffic_never_misses);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
