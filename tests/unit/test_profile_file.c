/*
 * test_profile_file.c — a rate profile read from a file
 * (sim/scenario/scenario_inputs.c): its rows become the same points as
 * the inline list, scaled and sped up as asked, and every mistake names
 * its row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "kernel/strutil.h"

static char *tmp;

static void setup(void) { tmp = make_temp_dir(); }
static void teardown(void)
{
    remove_tree(tmp);
    free(tmp);
}

static struct scenario *load_profile(const char *profile_json)
{
    char json[512];
    snprintf(json, sizeof json, "{\"workload\": {\"arrivals\": {\"profile\": "
             "%s}}}", profile_json);
    char *file = write_text_file(tmp, "p.json", json);
    struct scenario *s = test_scenario(file, json, NULL, 0);
    free(file);
    return s;
}

static void expect_points(const struct scenario *s, const double *at,
                          const double *rate, size_t n)
{
    const struct workload_config *w = &s->model.workload;
    ck_assert_uint_eq(w->n_profile, n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_double_eq_tol(w->profile[i].at, at[i], 1e-12);
        ck_assert_double_eq_tol(w->profile[i].rate, rate[i], 1e-12);
    }
}

/* RFC 3339 rows count from the first; seconds are from the start of the
 * run; a header and comments are skipped; speed divides the times and
 * scale multiplies the rates. */
START_TEST(rows_become_profile_points)
{
    free(write_text_file(tmp, "dates.csv",
                         "\"time\",\"rate\"\n"
                         "2024-05-01T12:00:00Z,100\n"
                         "# a gap in the export\n"
                         "2024-05-01T12:00:30Z,150.5\n"
                         "2024-05-01T13:00:30+01:00,90\n"));
    struct scenario *s = load_profile("{\"file\": \"dates.csv\"}");
    expect_points(s, (double[]){0, 30, 30}, (double[]){100, 150.5, 90}, 3);
    scenario_free(s);
    s = load_profile("{\"file\": \"dates.csv\", \"scale\": 2, \"speed\": 10}");
    expect_points(s, (double[]){0, 3, 3}, (double[]){200, 301, 180}, 3);
    scenario_free(s);
    free(write_text_file(tmp, "secs.csv", "5,10\n20,0\n"));
    s = load_profile("{\"file\": \"secs.csv\"}");
    expect_points(s, (double[]){5, 20}, (double[]){10, 0}, 2);
    scenario_free(s);
}
END_TEST

/* The file and the inline list of the same points give the same run, byte
 * for byte; and scenario.json keeps the file form, which loads again. */
START_TEST(a_file_profile_runs_as_the_inline_one)
{
    free(write_text_file(tmp, "r.csv", "t,rate\n0,200\n5,2000\n10,500\n"));
    const char *with_file = "{\"name\": \"p\", \"duration\": \"12s\", "
        "\"workload\": {\"arrivals\": {\"profile\": {\"file\": \"r.csv\"}}, "
        "\"keys\": {\"count\": 50}}}";
    const char *inline_list = "{\"name\": \"p\", \"duration\": \"12s\", "
        "\"workload\": {\"arrivals\": {\"profile\": [{\"at\": 0, \"rate\": "
        "200}, {\"at\": 5, \"rate\": 2000}, {\"at\": 10, \"rate\": 500}]}, "
        "\"keys\": {\"count\": 50}}}";
    const char *texts[] = {with_file, inline_list};
    char *out[2];
    for (int i = 0; i < 2; i++) {
        char name[32];
        snprintf(name, sizeof name, "s%d.json", i);
        char *file = write_text_file(tmp, name, texts[i]);
        snprintf(name, sizeof name, "out%d", i);
        out[i] = path_in(tmp, name);
        const char *args[] = {"run", file, "--quiet", "--out", out[i], NULL};
        struct cmd_result r = run_stampede(args);
        ck_assert_msg(r.status == 0, "%s", r.err);
        cmd_result_free(&r);
        free(file);
    }
    const char *same[] = {"timeseries.csv", "summary.json"};
    for (int k = 0; k < 2; k++) {
        char *a = path_in(out[0], same[k]), *b = path_in(out[1], same[k]);
        char *x = read_text_file(a, NULL), *y = read_text_file(b, NULL);
        ck_assert_msg(x && y && strcmp(x, y) == 0, "%s differs", same[k]);
        free(x);
        free(y);
        free(a);
        free(b);
    }
    cJSON *sc = read_json_in(out[0], "scenario.json");
    cJSON *p = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(
        sc, "workload"), "arrivals"), "profile");
    ck_assert(cJSON_IsObject(p));
    ck_assert_str_eq(strrchr(cJSON_GetObjectItem(p, "file")->valuestring,
                             '/'), "/r.csv");
    ck_assert_double_eq(cJSON_GetObjectItem(p, "scale")->valuedouble, 1);
    cJSON_Delete(sc);
    char *again = path_in(out[0], "scenario.json");
    const char *args[] = {"check", again, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert(strstr(r.out, "3-point profile, peak 2000 req/s"));
    cmd_result_free(&r);
    free(again);
    free(out[0]);
    free(out[1]);
}
END_TEST

static void expect_refused(const char *rows, const char *profile_json,
                           const char *message)
{
    if (rows)
        free(write_text_file(tmp, "bad.csv", rows));
    char json[512];
    snprintf(json, sizeof json, "{\"workload\": {\"arrivals\": {\"profile\": "
             "%s}}}", profile_json);
    char *file = write_text_file(tmp, "bad.json", json);
    const char *args[] = {"check", file, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_int_eq(r.status, 2);
    char *want = str_printf(message, tmp);
    ck_assert_msg(strstr(r.err, want), "%s\n  wanted: %s", r.err, want);
    free(want);
    cmd_result_free(&r);
    free(file);
}

START_TEST(bad_rows_name_their_place)
{
    const char *f = "{\"file\": \"bad.csv\"}";
    expect_refused("t,rate\n0,10\nlater,5\n", f, "%s/bad.csv:3:1: "
                   "workload.arrivals.profile.file: t: expected seconds or a "
                   "date");
    expect_refused("0,10\n5,-1\n", f, "%s/bad.csv:2:3: "
                   "workload.arrivals.profile.file: rate: expected "
                   "requests/s >= 0, got \"-1\"");
    expect_refused("0,10\n5,1,2\n", f, "%s/bad.csv:2:4: "
                   "workload.arrivals.profile.file: expected two values a "
                   "row (t,rate), got 3");
    expect_refused("5,10\n1,1\n", f, "%s/bad.csv:2:1: "
                   "workload.arrivals.profile.file: t: times must not "
                   "decrease");
    expect_refused("0,10\n2024-05-01T00:00:00Z,1\n", f, "%s/bad.csv:2:1: "
                   "workload.arrivals.profile.file: t: seconds and dates "
                   "mixed");
    expect_refused("t,rate\n", f, "workload.arrivals.profile.file: "
                   "%s/bad.csv: no row in the file");
    expect_refused("0,0\n9,0\n", f, "workload.arrivals.profile: every rate "
                   "in %s/bad.csv is 0");
    expect_refused(NULL, "{\"file\": \"bad.csv\", \"scale\": 0}",
                   "workload.arrivals.profile.scale: expected a number > 0");
    expect_refused(NULL, "{\"file\": \"bad.csv\", \"sped\": 2}",
                   "unknown field \"sped\" (did you mean \"speed\"?)");
    expect_refused(NULL, "{\"scale\": 2}",
                   "workload.arrivals.profile: missing \"file\"");
}
END_TEST

TEST_SUITE(profile_file_suite)
{
    Suite *s = suite_create("profile_file");
    TCase *tc = tcase_create("profile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, rows_become_profile_points);
    tcase_add_test(tc, a_file_profile_runs_as_the_inline_one);
    tcase_add_test(tc, bad_rows_name_their_place);
    suite_add_tcase(s, tc);
    return s;
}
