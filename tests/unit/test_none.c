/*
 * test_none.c — the none policy (models/policies/none.c): hits are hits,
 * every miss queries, failures fail.
 */
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "experiment/experiment.h"
#include "scenario/scenario.h"

static struct run_summary run(const char *json)
{
    return test_run_text("n.json", json, NULL, 0);
}

START_TEST(every_miss_queries_and_computes)
{
    /* ttl 0: every request misses, queries, and replies computed */
    struct run_summary r = run(
        "{\"duration\": \"5s\", \"workload\": {\"arrivals\": {\"rate\": 100}},"
        " \"cache\": {\"ttl\": 0}, \"database\": {\"cores\": 100}}");
    double n = summary_get(&r, "requests");
    ck_assert(n > 300);
    ck_assert_double_eq(summary_get(&r, "outcomes.computed"), n);
    ck_assert(summary_get(&r, "recomputes.miss") >= n);
    ck_assert_double_eq(summary_get(&r, "hit_ratio"), 0);
    ck_assert_double_eq(summary_get(&r, "recomputes.redundant"), 0);
}
END_TEST

START_TEST(fresh_values_are_hits)
{
    struct run_summary r = run(
        "{\"duration\": \"5s\", \"workload\": {\"arrivals\": {\"rate\": 100}},"
        " \"cache\": {\"ttl\": \"1h\", \"warm\": \"synchronized\"}}");
    ck_assert_double_eq(summary_get(&r, "hit_ratio"), 1);
    ck_assert_double_eq(summary_get(&r, "recomputes.total"), 0);
    ck_assert_double_eq(summary_get(&r, "db.queries"), 0);
}
END_TEST

START_TEST(failed_queries_fail_the_request)
{
    struct run_summary r = run(
        "{\"duration\": \"5s\", \"workload\": {\"arrivals\": {\"rate\": 100}},"
        " \"cache\": {\"ttl\": 0}, \"client\": {\"timeout\": \"1ms\"}}");
    ck_assert_double_eq(summary_get(&r, "error_rate"), 1);
    ck_assert_double_eq(summary_get(&r, "errors.timeout"),
                        summary_get(&r, "requests"));
}
END_TEST

/* A request fails with the cause of its query's failure: no connection
 * within pool_timeout (a pool of 1 held 100 ms at a time) is a
 * `pool_timeout`; a database at max_connections refuses: a
 * `too_many_connections`. */
START_TEST(errors_carry_the_cause_of_the_failed_query)
{
    struct run_summary r = run(
        "{\"duration\": \"5s\", \"workload\": {\"arrivals\": {\"rate\": 100}},"
        " \"cache\": {\"ttl\": 0},"
        " \"database\": {\"cores\": 100, \"service\": \"100ms\"},"
        " \"client\": {\"pool_size\": 1, \"pool_timeout\": \"1ms\","
        "              \"timeout\": \"none\"}}");
    double pool = summary_get(&r, "errors.pool_timeout");
    ck_assert(pool > 100);
    ck_assert_double_eq(summary_get(&r, "db.pool_timeouts"), pool);
    ck_assert_double_eq(summary_get(&r, "outcomes.error"), pool);
    ck_assert_double_eq(summary_get(&r, "errors.timeout"), 0);

    r = run(
        "{\"duration\": \"5s\", \"workload\": {\"arrivals\": {\"rate\": 100}},"
        " \"cache\": {\"ttl\": 0},"
        " \"database\": {\"cores\": 100, \"service\": \"100ms\","
        "                \"max_connections\": 1},"
        " \"client\": {\"timeout\": \"none\"}}");
    double refused = summary_get(&r, "errors.too_many_connections");
    ck_assert(refused > 100);
    ck_assert_double_eq(summary_get(&r, "db.refused"), refused);
    ck_assert_double_eq(summary_get(&r, "outcomes.error"), refused);
    ck_assert_double_eq(summary_get(&r, "errors.timeout"), 0);
}
END_TEST

/* Every query of a miss belongs to the episode its read opened or joined:
 * the episodes' sizes add up to the miss recomputes (two expiries of a hot
 * key, every episode closed by its write before the end). */
START_TEST(every_miss_query_counts_in_its_episode)
{
    struct run_summary r = run(
        "{\"duration\": \"12s\", \"workload\": {\"arrivals\": {\"rate\": 500}},"
        " \"cache\": {\"ttl\": \"5s\", \"warm\": \"synchronized\"},"
        " \"database\": {\"cores\": 100, \"service\": \"100ms\"}}");
    double n = summary_get(&r, "episodes.count");
    ck_assert_double_eq(n, 2);
    ck_assert_double_eq(summary_get(&r, "episodes.open_at_end"), 0);
    double misses = summary_get(&r, "recomputes.miss");
    ck_assert(misses > 50);
    ck_assert_double_eq_tol(summary_get(&r, "episodes.mean_size") * n, misses,
                            1e-9 * misses);
}
END_TEST

TEST_SUITE(none_suite)
{
    Suite *s = suite_create("none");
    TCase *tc = tcase_create("none policy");
    tcase_add_test(tc, every_miss_queries_and_computes);
    tcase_add_test(tc, fresh_values_are_hits);
    tcase_add_test(tc, failed_queries_fail_the_request);
    tcase_add_test(tc, errors_carry_the_cause_of_the_failed_query);
    tcase_add_test(tc, every_miss_query_counts_in_its_episode);
    suite_add_tcase(s, tc);
    return s;
}
