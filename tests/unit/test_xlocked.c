/*
 * test_xlocked.c — the xlocked policy (models/policies/xlocked.c): per's
 * and lock's knobs under their names, and scripted traces — an early
 * refresh under the lock (sync and async), a refresher that finds the
 * lock held, a miss handled as lock does, and the XFetch counts.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../spy.h"
#include "../support.h"

#define C 0.001   /* the scripted cache round trip */

/* Written at 0, fresh until 2 s. */
static const char FRESH[] = "\"ttl\": \"2s\", \"warm\": \"synchronized\"";
static const char NO_TIMEOUT[] = "\"timeout\": \"none\"";
/* Every read of a fresh value decides to refresh it early: beta * delta is
 * a million seconds, so the XFetch test holds unless the coin is within
 * 1e-6 of 1. */
static const char ALWAYS[] =
    "{\"policy\": \"xlocked\", \"beta\": 1e6, \"delta\": \"1s\","
    " \"retry_jitter\": 0}";

START_TEST(knobs_are_pers_and_locks)
{
    struct scenario *s = test_scenario(
        "x.json", "{\"policies\": [{\"policy\": \"xlocked\"}]}", NULL, 0);
    cJSON *j = scenario_to_json(s);
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "policies"));
    ck_assert_str_eq(text,
                     "[{\"policy\":\"xlocked\",\"label\":\"xlocked\",\"beta\":1,"
                     "\"refresh\":\"sync\",\"delta\":\"measured\","
                     "\"lock_ttl\":2,\"retry_interval\":0.05,"
                     "\"retry_jitter\":0.01,\"max_wait\":5,"
                     "\"on_give_up\":\"query\",\"recheck\":true,"
                     "\"serve_stale\":false,\"holder_failure\":0}]");
    cJSON_free(text);
    cJSON_Delete(j);
    ck_assert_str_eq(s->policies[0].ops->calibration->knob, "beta");
    char line[300];
    policy_knob_describe(s->policies[0].ops, s->policies[0].knobs, line,
                         sizeof line);
    ck_assert_str_eq(line, "beta 1, sync refresh, delta measured, under the "
                     "lock; lock_ttl 2s, poll every 50ms, give up after 5s "
                     "(query)");
    scenario_free(s);
    static const struct {
        const char *json, *line;
    } bad[] = {
        {"{\"policies\": [{\"policy\": \"xlocked\", \"beta\": 0}]}",
         "x.json:1:45: policies[0].beta: expected a number > 0, got 0"},
        {"{\"policies\": [{\"policy\": \"xlocked\", \"retry_interval\": "
         "\"10ms\", \"retry_jitter\": \"20ms\"}]}",
         "x.json:1:79: policies[0].retry_jitter: retry_jitter (0.02s) must "
         "not exceed retry_interval (0.01s): a sleep cannot be negative"},
    };
    struct scenario_errors errors = {0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_ptr_null(scenario_load_text("x.json", bad[i].json,
                                              strlen(bad[i].json), NULL, 0,
                                              &errors));
        ck_assert_str_eq(errors.lines[0], bad[i].line);
        scenario_errors_free(&errors);
    }
}
END_TEST

/* A reads the fresh value (1.001), XFetch says refresh: A takes the lock
 * (1.002), rechecks (1.003: the same value), refreshes early (written at
 * 1.104: its reply, sync) and releases. B (1.021) decides to refresh too,
 * finds the lock held and replies with the value it read. C (1.2) reads
 * A's value and refreshes it in turn: nothing else holds the lock. */
START_TEST(an_early_refresh_takes_the_lock_once)
{
    const double starts[] = {0.020, 0.2};
    struct scenario *s = spy_scripted(starts, 2, FRESH, "100ms", "2s",
                                      NO_TIMEOUT, ALWAYS);
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:fresh lock:got read:fresh recomputed:ok* "
                            "unlocked:released");
    spy_assert_time(tr, 1, 3, 1.1 + 4 * C);
    spy_assert_trace(tr, 2, "read:fresh lock:held*");
    spy_assert_trace(tr, 3, "read:fresh lock:got read:fresh recomputed:ok* "
                            "unlocked:released");
    ck_assert_double_eq(test_get(&r, "recomputes.early"), 2);
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 2);
    ck_assert_double_eq(test_get(&r, "recomputes.overlapping"), 0);
    ck_assert_double_eq(test_get(&r, "outcomes.computed"), 2);
    ck_assert_double_eq(test_get(&r, "outcomes.hit"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.early_recomputes"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.acquisitions"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.contended"), 1);
    /* each started 2 s - 1.003 and 3.104 - 1.203 before its expiry */
    ck_assert_double_eq_tol(test_get(&r, "policy_metrics.lead_total_s"),
                            (2 - 1.003) + (3.104 - 1.203), 1e-9);
    ck_assert_double_eq(test_get(&r, "policy_metrics.cycles"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.cycles_missed"), 0);
    free(tr);
    scenario_free(s);
}
END_TEST

/* async: A replies with the value it read at once (1.001) and refreshes
 * in the background; its failure (timeout 50 ms) is counted, no error. */
START_TEST(an_async_refresh_replies_at_once)
{
    struct scenario *s = spy_scripted(
        NULL, 0, FRESH, "100ms", "2s", "\"timeout\": \"50ms\"",
        "{\"policy\": \"xlocked\", \"beta\": 1e6, \"delta\": \"1s\","
        " \"refresh\": \"async\"}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:fresh* lock:got read:fresh "
                            "recomputed:failed unlocked:released");
    ck_assert_double_eq(test_get(&r, "outcomes.hit"), 1);
    ck_assert_double_eq(test_get(&r, "outcomes.error"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.early_recomputes"), 1);
    ck_assert_double_eq(
        test_get(&r, "policy_metrics.failed_early_recomputes"), 1);
    free(tr);
    scenario_free(s);
}
END_TEST

/* A miss is lock's: A takes the lock and recomputes (cause lock); B
 * waits, polls and is served (waited). No early refresh is counted. With
 * a tiny beta, a fresh read is a plain hit. */
START_TEST(a_miss_is_handled_as_lock_does)
{
    const double starts[] = {0.020, 0.2};
    struct scenario *s = spy_scripted(starts, 2, "\"warm\": \"cold\"",
                                      "100ms", "2s", NO_TIMEOUT,
                                      "{\"policy\": \"xlocked\", \"beta\": "
                                      "1e-9, \"retry_jitter\": 0}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:missing lock:got read:missing "
                            "recomputed:ok* unlocked:released");
    spy_assert_trace(tr, 2, "read:missing lock:held wake read:missing "
                            "lock:held wake read:fresh*");
    spy_assert_trace(tr, 3, "read:fresh*");
    ck_assert_double_eq(test_get(&r, "recomputes.lock"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.early"), 0);
    ck_assert_double_eq(test_get(&r, "outcomes.waited"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.early_recomputes"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.waits"), 1);
    free(tr);
    scenario_free(s);

    /* the lock holder's query fails: a failed recompute, not a failed
     * early refresh */
    s = spy_scripted(NULL, 0, "\"warm\": \"cold\"", "100ms", "2s",
                     "\"timeout\": \"50ms\"",
                     "{\"policy\": \"xlocked\", \"beta\": 1e-9}");
    r = test_run_policy(s, 0, NULL, NULL);
    ck_assert_double_eq(test_get(&r, "recomputes.failed"), 1);
    ck_assert_double_eq(
        test_get(&r, "policy_metrics.failed_early_recomputes"), 0);
    scenario_free(s);
}
END_TEST

/* serve_stale: a stale read is lock's too — the reply at once, and a
 * refresh under the lock that is not an early one (cause lock). */
START_TEST(a_stale_read_is_the_locks_refresh)
{
    struct scenario *s = spy_scripted(
        NULL, 0, "\"ttl\": \"1s\", \"stale_for\": \"10s\", \"warm\": "
        "\"synchronized\"", "100ms", "2s", NO_TIMEOUT,
        "{\"policy\": \"xlocked\", \"serve_stale\": true}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:stale* lock:got read:stale recomputed:ok "
                            "unlocked:released");
    ck_assert_double_eq(test_get(&r, "recomputes.lock"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.early_recomputes"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.cycles"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.cycles_missed"), 1);
    free(tr);
    scenario_free(s);
}
END_TEST

TEST_SUITE(xlocked_suite)
{
    Suite *s = suite_create("xlocked");
    TCase *tc = tcase_create("xlocked");
    tcase_add_test(tc, knobs_are_pers_and_locks);
    tcase_add_test(tc, an_early_refresh_takes_the_lock_once);
    tcase_add_test(tc, an_async_refresh_replies_at_once);
    tcase_add_test(tc, a_miss_is_handled_as_lock_does);
    tcase_add_test(tc, a_stale_read_is_the_locks_refresh);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
