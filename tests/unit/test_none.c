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

TEST_SUITE(none_suite)
{
    Suite *s = suite_create("none");
    TCase *tc = tcase_create("none policy");
    tcase_add_test(tc, every_miss_queries_and_computes);
    tcase_add_test(tc, fresh_values_are_hits);
    tcase_add_test(tc, failed_queries_fail_the_request);
    suite_add_tcase(s, tc);
    return s;
}
