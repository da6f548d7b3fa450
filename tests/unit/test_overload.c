/*
 * test_overload.c — the overload guard end to end: a run whose backlog
 * grows without bound stops cleanly at --max-in-flight, exits 0 (an
 * overloaded system is a result, not an error), and writes what it
 * measured, marked "complete": false with the reason. Three backlogs that
 * can grow without end: requests waiting for a connection, queries the
 * clients abandoned but the database keeps running, and background
 * traffic above the database's capacity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../support.h"

/* 2000 req/s, every one a miss, on a database that does 100 queries/s;
 * nobody ever gives up: the pool's queue grows by ~1900 a second. */
static const char WAITING[] =
    "{\"duration\": \"1h\", \"workload\": {\"arrivals\": {\"rate\": 2000}},"
    " \"cache\": {\"ttl\": 0},"
    " \"database\": {\"cores\": 1, \"service\": \"10ms\"},"
    " \"client\": {\"pool_size\": 10, \"timeout\": \"none\","
    " \"pool_timeout\": \"none\"}}";

/* Every query times out after 5 ms and keeps running: no connection limit,
 * no cancel. The database holds ever more abandoned queries. */
static const char ABANDONED[] =
    "{\"duration\": \"1h\", \"workload\": {\"arrivals\": {\"rate\": 5000}},"
    " \"cache\": {\"ttl\": 0},"
    " \"database\": {\"cores\": 8, \"service\": \"50ms\","
    " \"max_connections\": \"none\", \"cancel_on_timeout\": false},"
    " \"client\": {\"pool_size\": 1000, \"timeout\": \"5ms\"}}";

/* Background traffic alone at twice what 8 cores can do. */
static const char BACKGROUND[] =
    "{\"duration\": \"1h\", \"workload\": {\"arrivals\": {\"rate\": 10}},"
    " \"database\": {\"cores\": 8, \"service\": \"10ms\","
    " \"background\": {\"rate\": 1600}}}";

/* Runs `scenario` with --max-in-flight 2000 and checks the outcome; the
 * reason must contain `why`. */
static void expect_overloaded(const char *scenario, const char *why)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", scenario);
    char out[600];
    snprintf(out, sizeof out, "%s/out", dir);
    const char *args[] = {"run", file, "--max-in-flight", "2000", "--out", out,
                          NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "(incomplete)"));
    ck_assert_msg(strstr(r.err, why) != NULL, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.err, "stampede: results in "));

    cJSON *summary = read_json_in(out, "summary.json");
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(summary, "complete")));
    const char *reason =
        cJSON_GetStringValue(cJSON_GetObjectItem(summary, "reason"));
    ck_assert_ptr_nonnull(reason);
    ck_assert_msg(strstr(reason, why) != NULL, "%s", reason);
    ck_assert_ptr_nonnull(strstr(reason, "raise the limit with "
                                         "--max-in-flight"));
    cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(summary, "policies"), 0);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(p, "complete")));
    ck_assert_ptr_nonnull(strstr(
        cJSON_GetStringValue(cJSON_GetObjectItem(p, "reason")), why));
    /* it stopped long before the hour it was asked for, having measured */
    ck_assert_double_gt(cJSON_GetObjectItem(p, "arrivals")->valuedouble, 0);
    cJSON_Delete(summary);

    /* the time series is there, header and windows up to the stop */
    char csv[700];
    snprintf(csv, sizeof csv, "%s/timeseries.csv", out);
    char *text = read_text_file(csv, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert(strncmp(text, "label,rep,t_s,", 14) == 0);
    size_t rows = count_lines(text);
    ck_assert_uint_ge(rows, 2);
    ck_assert_uint_lt(rows, 60);
    free(text);
    cJSON *scen = read_json_in(out, "scenario.json");
    cJSON_Delete(scen);

    cmd_result_free(&r);
    remove_tree(dir);
    free(file);
    free(dir);
}

START_TEST(requests_waiting_for_a_connection)
{
    expect_overloaded(WAITING, "more than 2000 requests in flight");
}
END_TEST

START_TEST(abandoned_queries_at_the_database)
{
    expect_overloaded(ABANDONED, "more than 2000 queries at the database, "
                                 "abandoned or background ones included");
}
END_TEST

START_TEST(background_above_capacity)
{
    expect_overloaded(BACKGROUND, "more than 2000 queries at the database");
}
END_TEST

/* In a sweep, an overloaded point is a result too: complete 0. */
START_TEST(sweep_marks_overloaded_points)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", WAITING);
    char out[600], csv[700];
    snprintf(out, sizeof out, "%s/sweep", dir);
    snprintf(csv, sizeof csv, "%s/sweep.csv", out);
    const char *args[] = {"sweep", file, "--vary", "database.cores=1,2",
                          "--reps", "2", "-j", "2", "--max-in-flight", "500",
                          "--quiet", "--no-plot", "--out", out, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    char *text = read_text_file(csv, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "\n1,none,2,0,"));
    ck_assert_ptr_nonnull(strstr(text, "\n2,none,2,0,"));
    free(text);
    cmd_result_free(&r);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

TEST_SUITE(overload_suite)
{
    Suite *s = suite_create("overload");
    TCase *tc = tcase_create("guard");
    tcase_add_test(tc, requests_waiting_for_a_connection);
    tcase_add_test(tc, abandoned_queries_at_the_database);
    tcase_add_test(tc, background_above_capacity);
    tcase_add_test(tc, sweep_marks_overloaded_points);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
