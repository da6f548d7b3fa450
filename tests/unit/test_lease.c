/*
 * test_lease.c — the lease policy (models/policies/lease.c) and the
 * cache's leases (models/cache.c): knobs, and scripted traces — a lease
 * and its hot misses, a lease that expires under a slow query and a write
 * refused, a holder that dies, stale values for hot misses.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../spy.h"
#include "../support.h"

#define C 0.001   /* the scripted cache round trip */

static const char COLD[] = "\"warm\": \"cold\"";
static const char NO_TIMEOUT[] = "\"timeout\": \"none\"";

START_TEST(knobs_defaults_round_trip_and_errors)
{
    struct scenario *s = test_scenario(
        "l.json", "{\"policies\": [{\"policy\": \"lease\"}]}", NULL, 0);
    cJSON *j = scenario_to_json(s);
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "policies"));
    ck_assert_str_eq(text,
                     "[{\"policy\":\"lease\",\"label\":\"lease\","
                     "\"lease_ttl\":10,\"retry_interval\":0.01,\"stale\":true,"
                     "\"holder_failure\":0}]");
    cJSON_free(text);
    cJSON_Delete(j);
    char line[200];
    policy_knob_describe(s->policies[0].ops, s->policies[0].knobs, line,
                         sizeof line);
    ck_assert_str_eq(line, "lease_ttl 10s, a hot miss takes a stale value or "
                     "retries every 10ms");
    scenario_free(s);
    static const struct {
        const char *json, *line;
    } bad[] = {
        {"{\"policies\": [{\"policy\": \"lease\", \"lease_ttl\": 0}]}",
         "l.json:1:48: policies[0].lease_ttl: expected a duration > 0, got "
         "0"},
        {"{\"policies\": [{\"policy\": \"lease\", \"holder_failure\": 1.5}]}",
         "l.json:1:53: policies[0].holder_failure: expected a number between "
         "0 and 1, got 1.5"},
    };
    struct scenario_errors errors = {0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_ptr_null(scenario_load_text("l.json", bad[i].json,
                                              strlen(bad[i].json), NULL, 0,
                                              &errors));
        ck_assert_str_eq(errors.lines[0], bad[i].line);
        scenario_errors_free(&errors);
    }
}
END_TEST

/* A's lease-get (1.001) finds the key missing and gets its lease; it
 * queries (100 ms) and writes with its token (1.102: accepted, the lease
 * released). B's lease-get (1.021) is a hot miss: it sleeps 10 ms and
 * reads again, until its read at 1.111 finds A's value: it waited. */
START_TEST(one_lease_and_hot_misses_that_retry)
{
    const double starts[] = {0.020};
    struct scenario *s = spy_scripted(starts, 1, COLD, "100ms", "2s",
                                      NO_TIMEOUT, "{\"policy\": \"lease\"}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:missing+lease recomputed:ok*");
    spy_assert_time(tr, 1, 1, 1.1 + 2 * C);
    /* misses at 1.021, 1.032, ... 1.098; fresh at 1.109 */
    char expected[512] = "";
    for (int i = 0; i < 8; i++)
        strcat(expected, "read:missing wake ");
    strcat(expected, "read:fresh*");
    spy_assert_trace(tr, 2, expected);
    spy_assert_time(tr, 2, 16, 1.02 + C + 8 * (0.01 + C));
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 1);
    ck_assert_double_eq(test_get(&r, "outcomes.computed"), 1);
    ck_assert_double_eq(test_get(&r, "outcomes.waited"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.leases"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.hot_misses"), 8);
    ck_assert_double_eq(test_get(&r, "policy_metrics.lease_rejections"), 0);
    /* lease-gets are GETs, the write a SET: 1 + 9 GETs, 1 SET */
    free(tr);
    scenario_free(s);
}
END_TEST

/* lease_ttl 50 ms, a 100 ms query: A's lease (1.001) is gone at 1.051.
 * B's hot misses retry until its read at 1.054 gets a lease of its own.
 * A's write (1.102) is refused — A replies with the value it computed —
 * and so is B's (1.155), its lease gone at 1.104: a lease shorter than
 * the recompute never lets a value in, and the key stays missing. */
START_TEST(a_lease_that_expires_under_a_slow_query_loses_its_write)
{
    const double starts[] = {0.020};
    struct scenario *s = spy_scripted(starts, 1, COLD, "100ms", "2s",
                                      NO_TIMEOUT,
                                      "{\"policy\": \"lease\","
                                      " \"lease_ttl\": \"50ms\"}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:missing+lease recomputed:rejected*");
    spy_assert_trace(tr, 2, "read:missing wake read:missing wake "
                            "read:missing wake read:missing+lease "
                            "recomputed:rejected*");
    spy_assert_time(tr, 2, 6, 1.02 + 3 * (0.01 + C) + C);
    ck_assert_double_eq(test_get(&r, "policy_metrics.lease_rejections"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.leases"), 2);
    ck_assert_double_eq(test_get(&r, "outcomes.computed"), 2);
    ck_assert_double_eq(test_get(&r, "recomputes.overlapping"), 1);
    /* refused writes end no miss episode */
    ck_assert_double_eq(test_get(&r, "episodes.open_at_end"), 1);
    free(tr);
    scenario_free(s);
}
END_TEST

/* holder_failure 1, lease_ttl 100 ms: A dies with the lease (1.001, an
 * error, not retried); B's hot misses go on until the lease has expired
 * (1.101), and B, getting it, dies too. */
START_TEST(a_dead_holder_frees_the_key_after_lease_ttl)
{
    const double starts[] = {0.020};
    struct scenario *s = spy_scripted(
        starts, 1, COLD, "100ms", "2s",
        "\"timeout\": \"none\", \"retries\": 2, \"backoff\": 0",
        "{\"policy\": \"lease\", \"lease_ttl\": \"100ms\","
        " \"holder_failure\": 1}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:missing+lease*");
    char expected[512] = "";
    for (int i = 0; i < 8; i++)
        strcat(expected, "read:missing wake ");
    strcat(expected, "read:missing+lease*");
    spy_assert_trace(tr, 2, expected);
    spy_assert_time(tr, 2, 16, 1.02 + 8 * (0.01 + C) + C);
    ck_assert_double_eq(test_get(&r, "errors.holder_crash"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.holder_crashes"), 2);
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 0);
    free(tr);
    scenario_free(s);
}
END_TEST

/* A stale value (expired at 1 s, kept 10 s more): A's lease-get gets the
 * lease and A refreshes; B's hot miss takes the stale value at once. With
 * stale false, B retries until the new value is there. */
START_TEST(a_hot_miss_takes_the_stale_value)
{
    const double starts[] = {0.020};
    const char *cache = "\"ttl\": \"1s\", \"stale_for\": \"10s\","
                        " \"warm\": \"synchronized\"";
    struct scenario *s = spy_scripted(starts, 1, cache, "100ms", "2s",
                                      NO_TIMEOUT, "{\"policy\": \"lease\"}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:stale+lease recomputed:ok*");
    spy_assert_trace(tr, 2, "read:stale*");
    ck_assert_double_eq(test_get(&r, "policy_metrics.stale_served"), 1);
    ck_assert_double_eq(test_get(&r, "outcomes.stale"), 1);
    ck_assert_double_eq(test_get(&r, "episodes.count"), 0);
    scenario_free(s);

    s = spy_scripted(starts, 1, cache, "100ms", "2s", NO_TIMEOUT,
                     "{\"policy\": \"lease\", \"stale\": false}");
    r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:missing+lease recomputed:ok*");
    ck_assert_double_eq(test_get(&r, "outcomes.stale"), 0);
    ck_assert_double_eq(test_get(&r, "outcomes.waited"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.stale_served"), 0);
    free(tr);
    scenario_free(s);
}
END_TEST

/* A holder whose query fails keeps the lease until it expires, and its
 * retry (its own token) gets it again at once. */
START_TEST(a_failed_holder_retries_with_its_lease)
{
    struct scenario *s = spy_scripted(
        NULL, 0, COLD, "100ms", "2s",
        "\"timeout\": \"50ms\", \"retries\": 1, \"backoff\": 0",
        "{\"policy\": \"lease\"}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    spy_assert_trace(tr, 1, "read:missing+lease recomputed:failed "
                            "read:missing+lease recomputed:failed*");
    ck_assert_double_eq(test_get(&r, "errors.timeout"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.leases"), 2);
    free(tr);
    scenario_free(s);
}
END_TEST

TEST_SUITE(lease_suite)
{
    Suite *s = suite_create("lease");
    TCase *tc = tcase_create("lease");
    tcase_add_test(tc, knobs_defaults_round_trip_and_errors);
    tcase_add_test(tc, one_lease_and_hot_misses_that_retry);
    tcase_add_test(tc, a_lease_that_expires_under_a_slow_query_loses_its_write);
    tcase_add_test(tc, a_dead_holder_frees_the_key_after_lease_ttl);
    tcase_add_test(tc, a_hot_miss_takes_the_stale_value);
    tcase_add_test(tc, a_failed_holder_retries_with_its_lease);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
