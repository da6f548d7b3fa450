/*
 * test_warnings.c — what `check` (and run, sweep, calibrate, once) says
 * about a valid scenario that is probably not what was meant: exit 0,
 * stderr, "warning: FILE:LINE:COL: PATH: message".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support.h"

/* Occurrences of `needle` in text. */
static int count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static struct cmd_result check(const char *dir, const char *text,
                               const char *set)
{
    char *file = write_text_file(dir, "w.json", text);
    const char *args[] = {"check", file, set ? "--set" : NULL, set, NULL};
    struct cmd_result r = run_stampede(args);
    free(file);
    return r;
}

/* A scenario with nothing to warn about: a 200 ms recompute, a 20 s TTL,
 * a 60 s run, a 1 s timeout, a little background. */
static const char CLEAN[] =
    "{\"duration\": \"60s\",\n"
    " \"cache\": {\"ttl\": \"20s\"},\n"
    " \"database\": {\"cores\": 8, \"service\": \"200ms\",\n"
    "              \"background\": {\"rate\": 10}},\n"
    " \"client\": {\"timeout\": \"1s\"}}\n";

START_TEST(a_clean_scenario_has_no_warning)
{
    char *dir = make_temp_dir();
    struct cmd_result r = check(dir, CLEAN, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.err, "warning") == NULL, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "scenario "));
    cmd_result_free(&r);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* Each warning alone, from a scenario that is CLEAN but for one value:
 * the text, the field's place and path. */
START_TEST(each_warning_names_its_field)
{
    static const struct {
        const char *scenario;
        const char *set;      /* or a --set */
        const char *expect;
    } CASES[] = {
        /* 60000 meant as milliseconds: 16.7 hours */
        {"{\"duration\": \"34h\",\n \"cache\": {\"ttl\": 60000}}\n", NULL,
         "warning: %s:2:19: cache.ttl: 60000 is a bare number, read as "
         "seconds: 16.7 hours; give the unit (\"60000s\" if seconds are "
         "meant, \"60000ms\" for milliseconds)"},
        /* the same from the command line */
        {"{\"duration\": \"4h\"}", "cache.ttl=7200",
         "warning: --set cache.ttl=7200: cache.ttl: 7200 is a bare number, "
         "read as seconds: 2 hours"},
        /* in a distribution too */
        {"{\"database\": {\"service\": {\"dist\": \"uniform\", \"min\": 0.1, "
         "\"max\": 5000}}, \"client\": {\"timeout\": \"none\"},\n"
         " \"cache\": {\"ttl\": \"1h\"}, \"duration\": \"2h\"}\n", NULL,
         "database.service.max: 5000 is a bare number"},
        {"{\"duration\": \"60s\", \"cache\": {\"ttl\": \"100ms\"},\n"
         " \"database\": {\"service\": \"200ms\"}}\n", NULL,
         "warning: %s:1:38: cache.ttl: the TTL (100ms) is shorter than the "
         "median recompute (200ms, database.service)"},
        {"{\"duration\": \"60s\", \"cache\": {\"ttl\": \"20s\"},\n"
         " \"database\": {\"service\": {\"dist\": \"lognormal\", \"p50\": "
         "\"300ms\", \"p99\": \"2s\"}},\n"
         " \"client\": {\"timeout\": \"1s\"}}\n", NULL,
         "warning: %s:3:24: client.timeout: the recompute's p99 (2s, "
         "database.service) is above the query timeout (1s): even on an "
         "idle database about 7 %% of the recomputes time out"},
        /* the share above the timeout, from the distribution: for an
         * exponential of mean 100 ms, exp(-300/100) = 5.0 % above 300 ms;
         * a constant 2 s, every one */
        {"{\"duration\": \"60s\", \"cache\": {\"ttl\": \"20s\"},\n"
         " \"database\": {\"service\": {\"dist\": \"exponential\", "
         "\"mean\": \"100ms\"}},\n \"client\": {\"timeout\": \"300ms\"}}\n",
         NULL, "is above the query timeout (300ms): even on an idle database "
         "about 5 %% of the recomputes time out and never write the cache"},
        {"{\"duration\": \"60s\", \"cache\": {\"ttl\": \"20s\"},\n"
         " \"database\": {\"service\": \"2s\"},\n"
         " \"client\": {\"timeout\": \"1s\"}}\n", NULL,
         "even on an idle database every recompute times out and never "
         "writes the cache"},
        {"{\"duration\": \"60s\", \"cache\": {\"ttl\": \"20s\"},\n"
         " \"database\": {\"cores\": 2, \"service\": \"10ms\",\n"
         "  \"background\": {\"rate\": 200}}}\n", NULL,
         "warning: %s:3:26: database.background.rate: the background alone "
         "needs 2 work-seconds per second, at or above the database's "
         "capacity (2)"},
        {"{\"duration\": \"30s\", \"cache\": {\"ttl\": \"20s\"}}\n", NULL,
         "warning: %s:1:14: duration: the run (30s) is shorter than two TTL "
         "cycles of the hottest key (2 x cache.ttl = 40s)"},
        /* 10^8 requests a second for 10 s, 3 events each, two policies;
         * at 5 M events/s, 20 minutes */
        {"{\"duration\": \"10s\", \"cache\": {\"ttl\": \"5s\"},\n"
         " \"workload\": {\"arrivals\": {\"rate\": 1e8}},\n"
         " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"lock\"}]}\n",
         NULL,
         "warning: %s:1:14: duration: a run simulates about 6e+09 events "
         "(1e+09 requests, 2 policies): roughly 20 min at 5 M events/s"},
        /* the rate as the timeline sets it, and background queries: 10^4
         * a second, then 10^7 from 10 s on, for 60 s; 2 events a query */
        {"{\"cache\": {\"ttl\": \"30s\"}, \"workload\": {\"arrivals\": "
         "{\"rate\": 1e4}},\n \"database\": {\"cores\": 64, \"background\": "
         "{\"rate\": 1e6, \"service\": \"1us\"}},\n"
         " \"timeline\": [{\"at\": \"10s\", \"event\": \"traffic\", "
         "\"rate\": 1e7}]}\n", NULL,
         "workload.arrivals: a run simulates about 1.6e+09 events (5e+08 "
         "requests and 6e+07 background queries, 1 policy): roughly 5 min"},
    };
    char *dir = make_temp_dir();
    char *file = path_in(dir, "w.json");
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        struct cmd_result r = check(dir, CASES[i].scenario, CASES[i].set);
        char expect[512];
        snprintf(expect, sizeof expect, CASES[i].expect, file);
        ck_assert_msg(r.status == 0, "case %zu: exit %d: %s", i, r.status,
                      r.err);
        ck_assert_msg(strstr(r.err, expect) != NULL,
                      "case %zu: expected\n  %s\nin\n  %s", i, expect, r.err);
        ck_assert_msg(count(r.err, "warning: ") == 1, "case %zu: %s", i,
                      r.err);
        /* stdout is the description, as without the warning */
        ck_assert_ptr_nonnull(strstr(r.out, "scenario "));
        ck_assert_ptr_null(strstr(r.out, "warning"));
        cmd_result_free(&r);
    }
    free(file);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* The limits are where they say: an hour is no warning, a TTL equal to
 * the recompute is none, a run of exactly two TTLs is none, a cache
 * flush in the timeline makes a long TTL the scenario's point, and the
 * defaults alone (a 60 s run, a 60 s TTL) are nobody's mistake. */
START_TEST(warnings_start_past_their_limits)
{
    static const char *const QUIET[] = {
        "{}",
        "{\"duration\": \"2h\", \"cache\": {\"ttl\": 3600}}",
        "{\"duration\": \"60s\", \"cache\": {\"ttl\": \"200ms\"}, "
        "\"database\": {\"service\": \"200ms\"}}",
        "{\"duration\": \"40s\", \"cache\": {\"ttl\": \"20s\"}}",
        "{\"duration\": \"60s\", \"cache\": {\"ttl\": \"10m\"}, "
        "\"timeline\": [{\"at\": \"30s\", \"event\": \"cache_flush\"}]}",
        "{\"duration\": \"60s\", \"cache\": {\"ttl\": \"20s\"}, "
        "\"database\": {\"cores\": 2, \"service\": \"10ms\", "
        "\"background\": {\"rate\": 199}}}",
        /* 3.3e8 requests, 3 events each: 9.9e8 events, under 10^9 */
        "{\"duration\": \"33s\", \"cache\": {\"ttl\": \"10s\"}, "
        "\"workload\": {\"arrivals\": {\"rate\": 1e7}}}",
    };
    char *dir = make_temp_dir();
    for (size_t i = 0; i < sizeof QUIET / sizeof QUIET[0]; i++) {
        struct cmd_result r = check(dir, QUIET[i], NULL);
        ck_assert_msg(r.status == 0 && !strstr(r.err, "warning"),
                      "case %zu: %s", i, r.err);
        cmd_result_free(&r);
    }
    remove_tree(dir);
    free(dir);
}
END_TEST

static const char WARNED[] =
    "{\"duration\": \"3s\", \"cache\": {\"ttl\": \"2s\"},\n"
    " \"workload\": {\"arrivals\": {\"rate\": 200}},\n"
    " \"policies\": [{\"policy\": \"per\"}]}\n";

/* run, sweep and calibrate say it once, before they run, however many
 * points or replications follow; --format json still parses. */
START_TEST(run_sweep_and_calibrate_warn_once)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "w.json", WARNED);
    char *out = path_in(dir, "out");
    const char *run[] = {"run", file, "--reps", "2", "--quiet", "--out", out,
                         NULL};
    const char *sweep[] = {"sweep", file, "--vary", "database.cores=2,4",
                           "--reps", "2", "-j", "2", "--quiet", "--no-plot",
                           "--out", out, NULL};
    const char *calibrate[] = {"calibrate", file, "--policy", "per",
                               "--range", "0.5:2", "--reps", "2", "-j", "2",
                               "--quiet", "--no-plot", "--out", out, NULL};
    const char *const *commands[] = {run, sweep, calibrate};
    for (size_t i = 0; i < 3; i++) {
        struct cmd_result r = run_stampede(commands[i]);
        ck_assert_msg(r.status == 0, "%s: %s", commands[i][0], r.err);
        ck_assert_msg(count(r.err, "warning: ") == 1 &&
                          strstr(r.err, ": duration: the run (3s) is shorter "
                                        "than two TTL cycles"),
                      "%s: %s", commands[i][0], r.err);
        cmd_result_free(&r);
    }
    free(out);
    free(file);
    remove_tree(dir);
    free(dir);
}
END_TEST

TEST_SUITE(warnings_suite)
{
    Suite *s = suite_create("warnings");
    TCase *tc = tcase_create("check's warnings");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, a_clean_scenario_has_no_warning);
    tcase_add_test(tc, each_warning_names_its_field);
    tcase_add_test(tc, warnings_start_past_their_limits);
    tcase_add_test(tc, run_sweep_and_calibrate_warn_once);
    suite_add_tcase(s, tc);
    return s;
}
