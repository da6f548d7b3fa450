/*
 * test_singleflight.c — the singleflight policy
 * (models/policies/singleflight.c) and the flights helper behind it
 * (models/flights.c): scripted traces of one instance, then a fleet.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../spy.h"
#include "../support.h"

#define C 0.001   /* the scripted cache round trip */

static const char POLICY[] = "{\"policy\": \"singleflight\"}";
static const char COLD[] = "\"warm\": \"cold\"";

/* It has no knobs: a field is refused, and check says what it does. */
START_TEST(no_knobs)
{
    struct scenario_errors errors = {0};
    const char *json = "{\"policies\": [{\"policy\": \"singleflight\","
                       " \"size\": 1}]}";
    ck_assert_ptr_null(scenario_load_text("s.json", json, strlen(json), NULL,
                                          0, &errors));
    ck_assert_str_eq(errors.lines[0], "s.json:1:42: policies[0].size: "
                                      "unknown field \"size\"");
    scenario_errors_free(&errors);
    const struct policy_ops *ops = policy_find("singleflight");
    char line[200];
    policy_knob_describe(ops, NULL, line, sizeof line);
    ck_assert_str_eq(line, "one query per instance and missing key; the "
                     "instance's other misses wait for it");
}
END_TEST

/* One instance: A misses (1.001) and queries (100 ms: written at 1.102,
 * its reply); B misses at 1.021 and waits in the process, without a
 * query, until A's recompute lands: woken at 1.102 with A's value
 * (waited, 81 ms after its miss). C, at 1.2, reads the value. */
START_TEST(the_instances_misses_wait_for_its_one_query)
{
    const double starts[] = {0.020, 0.2};
    struct scenario *s = spy_scripted(starts, 2, COLD, "100ms", "2s",
                                      "\"timeout\": \"none\"", POLICY);
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:missing recomputed:ok*");
    spy_assert_time(tr, 1, 1, 1.1 + 2 * C);
    spy_assert_trace(tr, 2, "read:missing wake*");
    spy_assert_time(tr, 2, 1, 1.1 + 2 * C);
    spy_assert_trace(tr, 3, "read:fresh*");
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 1);
    ck_assert_double_eq(test_get(&r, "outcomes.computed"), 1);
    ck_assert_double_eq(test_get(&r, "outcomes.waited"), 1);
    ck_assert_double_eq(test_get(&r, "outcomes.hit"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.coalesced"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.coalesced_failed"), 0);
    ck_assert_double_eq_tol(
        test_get(&r, "policy_metrics.coalesced_wait_total_s"), 0.081, 1e-9);
    ck_assert_double_eq_tol(
        test_get(&r, "policy_metrics.coalesced_max_wait_s"), 0.081, 1e-9);
    ck_assert_double_eq_tol(
        test_get(&r, "policy_metrics.coalesced_mean_wait_s"), 0.081, 1e-9);
    ck_assert_double_eq(test_get(&r, "episodes.max_size"), 1);
    free(tr);
    scenario_free(s);
}
END_TEST

/* The query times out (50 ms < 100 ms): A fails, and B, waiting for it,
 * is handed the same error at the same moment (Go's singleflight shares
 * the error too). With a retry, each tries again from its read; B's
 * second wait (for A's second query) ends the same way. */
START_TEST(a_failed_query_fails_its_waiters_too)
{
    const double starts[] = {0.020};
    struct scenario *s = spy_scripted(starts, 1, COLD, "100ms", "2s",
                                      "\"timeout\": \"50ms\"", POLICY);
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:missing recomputed:failed*");
    spy_assert_trace(tr, 2, "read:missing wake*");
    spy_assert_time(tr, 2, 1, 1.05 + C);
    ck_assert_double_eq(test_get(&r, "errors.timeout"), 2);
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.coalesced_failed"), 1);
    free(tr);
    scenario_free(s);

    s = spy_scripted(starts, 1, COLD, "100ms", "2s",
                     "\"timeout\": \"50ms\", \"retries\": 1, \"backoff\": 0",
                     POLICY);
    tr = spy_trace_new();
    r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:missing recomputed:failed read:missing "
                            "recomputed:failed*");
    spy_assert_trace(tr, 2, "read:missing wake read:missing wake*");
    ck_assert_double_eq(test_get(&r, "errors.timeout"), 2);
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.coalesced"), 2);
    free(tr);
    scenario_free(s);
}
END_TEST

/* A fleet of 4 at 2000 req/s with a 100 ms recompute: every instance sees
 * a miss during the recompute (each gets 500 req/s: the chance one sees
 * none in 101 ms is e^-50), so every expiry costs exactly 4 queries, one
 * per instance — not 1 (a lock), not 200 (none). */
START_TEST(a_fleet_queries_once_per_instance)
{
    const char *json =
        "{\"duration\": \"10s\", \"workload\": {\"arrivals\": {\"rate\": "
        "2000}}, \"cache\": {\"ttl\": \"2s\", \"warm\": \"synchronized\","
        " \"latency\": \"1ms\"},"
        " \"database\": {\"cores\": 100, \"service\": \"100ms\"},"
        " \"client\": {\"instances\": 4, \"timeout\": \"none\"},"
        " \"policies\": [{\"policy\": \"singleflight\"}]}";
    struct run_summary r = test_run_text("s.json", json, NULL, 0);
    double episodes = test_get(&r, "episodes.count");
    ck_assert_double_ge(episodes, 4);
    ck_assert_double_eq(test_get(&r, "episodes.mean_size"), 4);
    ck_assert_double_eq(test_get(&r, "episodes.max_size"), 4);
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 4 * episodes);
    ck_assert_double_eq(test_get(&r, "policy_metrics.coalesced") +
                            test_get(&r, "recomputes.total"),
                        test_get(&r, "outcomes.waited") +
                            test_get(&r, "outcomes.computed"));
}
END_TEST

/* The flights of many keys on many instances come and go (7 instances,
 * 300 keys, short TTLs): the table of flights grows and empties over and
 * over. No flight is ever lost or doubled: each episode of a key costs at
 * most one query per instance, every waiter is woken (nothing is left
 * waiting at the end but what is in flight), and no miss goes without a
 * query or a wait. */
START_TEST(many_flights_come_and_go)
{
    struct spy_trace *tr = spy_trace_new();
    const char *json =
        "{\"duration\": \"3s\", \"workload\": {\"arrivals\": {\"rate\": "
        "4000}, \"keys\": {\"count\": 300}},"
        " \"cache\": {\"ttl\": \"200ms\", \"ttl_jitter\": 0.5,"
        " \"latency\": {\"dist\": \"exponential\", \"mean\": \"1ms\"}},"
        " \"database\": {\"cores\": 1000, \"service\": {\"dist\": "
        "\"exponential\", \"mean\": \"30ms\"}, \"max_connections\": \"none\"},"
        " \"client\": {\"instances\": 7, \"pool_size\": 1000,"
        " \"timeout\": \"none\"},"
        " \"policies\": [{\"policy\": \"singleflight\"}]}";
    struct scenario *s = test_scenario("s.json", json, NULL, 0);
    struct run_summary r = spy_run(s, 0, tr);
    scenario_free(s);
    ck_assert_double_gt(test_get(&r, "policy_metrics.coalesced"), 100);
    /* every waiter is woken as a recompute of its own key on its own
     * instance ends, at that instant */
    size_t wakes = 0;
    for (size_t i = 0; i < tr->n; i++) {
        const struct spy_event *w = &tr->ev[i];
        if (strcmp(w->what, "wake") != 0)
            continue;
        bool found = false;
        for (size_t j = i; j-- > 0 && tr->ev[j].t == w->t && !found;)
            found = strncmp(tr->ev[j].what, "recomputed:", 11) == 0 &&
                    tr->ev[j].key == w->key &&
                    tr->ev[j].instance == w->instance;
        ck_assert_msg(found, "request %llu (key %ld, instance %ld) woken at "
                      "%.9f by no recompute of its own",
                      (unsigned long long)w->id, w->key, w->instance, w->t);
        wakes++;
    }
    ck_assert_uint_gt(wakes, 100);
    free(tr);
    ck_assert_double_gt(test_get(&r, "episodes.count"), 1000);
    ck_assert_double_le(test_get(&r, "episodes.max_size"), 7);
    ck_assert_double_lt(test_get(&r, "unfinished"), 100);
    ck_assert_double_eq(test_get(&r, "outcomes.error"), 0);
}
END_TEST

TEST_SUITE(singleflight_suite)
{
    Suite *s = suite_create("singleflight");
    TCase *tc = tcase_create("singleflight");
    tcase_add_test(tc, no_knobs);
    tcase_add_test(tc, the_instances_misses_wait_for_its_one_query);
    tcase_add_test(tc, a_failed_query_fails_its_waiters_too);
    tcase_add_test(tc, a_fleet_queries_once_per_instance);
    tcase_add_test(tc, many_flights_come_and_go);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
