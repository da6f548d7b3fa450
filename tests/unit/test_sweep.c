/*
 * test_sweep.c — sweeps (sim/experiment/sweep.c, sim/output/sweep_csv.c, sim/cli/cmd_sweep.c)
 * and replications through the command line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../support.h"
#include "experiment/sweep.h"
#include "output/sweep_csv.h"

static void expect_values(const char *arg, const char *const *want, size_t n)
{
    struct vary v;
    char err[256];
    ck_assert_msg(vary_parse(arg, &v, err, sizeof err), "%s: %s", arg, err);
    ck_assert_uint_eq(v.n, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(v.values[i], want[i]);
    vary_free(&v);
}

START_TEST(vary_specs)
{
    const char *list[] = {"1", "2ms", "fcfs"};
    expect_values("database.cores=1,2ms,fcfs", list, 3);
    const char *lin[] = {"0", "0.25", "0.5", "0.75", "1"};
    expect_values("cache.ttl_jitter=0:1:5", lin, 5);
    const char *log_[] = {"0.5", "1", "2", "4"};
    expect_values("policies[per].beta=0.5:4:4:log", log_, 4);
    const char *dur[] = {"0.1", "1.05", "2"};
    expect_values("cache.ttl=100ms:2s:3", dur, 3);
    struct vary v;
    ck_assert(vary_parse("policies[per].beta=0.5:4:4:log", &v, (char[64]){0},
                         64));
    ck_assert(v.log);
    ck_assert_str_eq(v.path, "policies[per].beta");
    vary_free(&v);

    static const struct {
        const char *arg, *err;
    } bad[] = {
        {"beta", "expected PATH=SPEC (for example "
                 "policies[per].beta=0.5:4:8:log)"},
        {"a..b=1", "bad path \"a..b\": expected a field name at \".b\""},
        {"x=1:2", "expected a,b,c or lo:hi:n or lo:hi:n:log, got \"1:2\""},
        {"x=1:2:1", "the number of values must be an integer from 2 to "
                    "10000, got \"1\""},
        {"x=0:2:3:log", "a log grid needs lo and hi > 0"},
        {"x=1:2:3:lin", "the fourth part can only be \"log\", got \"lin\""},
        {"x=1,,2", "an empty value in \"1,,2\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[256];
        ck_assert_msg(!vary_parse(bad[i].arg, &v, err, sizeof err), "%s",
                      bad[i].arg);
        ck_assert_str_eq(err, bad[i].err);
    }
}
END_TEST

START_TEST(csv_values)
{
    char out[64];
    sweep_csv_value("250ms", out, sizeof out);
    ck_assert_str_eq(out, "0.25");
    sweep_csv_value("3", out, sizeof out);
    ck_assert_str_eq(out, "3");
    sweep_csv_value("fcfs", out, sizeof out);
    ck_assert_str_eq(out, "fcfs");
    sweep_csv_value("a,\"b\"", out, sizeof out);
    ck_assert_str_eq(out, "\"a,\"\"b\"\"\"");
}
END_TEST

static const char SCENARIO[] =
    "{\"name\": \"sw\", \"duration\": \"4s\","
    " \"workload\": {\"arrivals\": {\"rate\": 500},"
    "  \"keys\": {\"count\": 20, \"popularity\": \"zipf\"}},"
    " \"cache\": {\"ttl\": \"500ms\"},"
    " \"database\": {\"cores\": 2, \"service\": {\"dist\": \"exponential\","
    "  \"mean\": \"5ms\"}},"
    " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"per\"}]}";

static char *sweep_to(const char *dir, const char *file, const char *jobs,
                      const char *name)
{
    char out[600];
    snprintf(out, sizeof out, "%s/%s", dir, name);
    const char *args[] = {"sweep", file, "--vary", "policies[per].beta=0.5:2:3",
                          "--vary", "database.cores=1,4", "--reps", "3", "-j",
                          jobs, "--quiet", "--out", out, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    char path[700];
    snprintf(path, sizeof path, "%s/sweep.csv", out);
    char *text = read_text_file(path, NULL);
    ck_assert_ptr_nonnull(text);
    return text;
}

START_TEST(sweep_output_does_not_depend_on_the_workers)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", SCENARIO);
    char *one = sweep_to(dir, file, "1", "one");
    char *two = sweep_to(dir, file, "2", "two");
    char *three = sweep_to(dir, file, "3", "three");
    ck_assert_str_eq(one, two);
    ck_assert_str_eq(one, three);
    /* header, then 3 x 2 points x 2 policies, in point order */
    const char *header = "policies[per].beta,database.cores,label,reps,"
                         "complete,hit_ratio_mean,hit_ratio_ci95,p99_ms_mean";
    ck_assert_int_eq(strncmp(one, header, strlen(header)), 0);
    ck_assert_uint_eq(count_lines(one), 1 + 3 * 2 * 2);
    ck_assert_ptr_nonnull(strstr(one, "\n0.5,1,none,3,1,"));
    ck_assert_ptr_nonnull(strstr(one, "\n2,4,per,3,1,"));
    /* a single numeric --vary draws figures */
    char out[600];
    snprintf(out, sizeof out, "%s/fig", dir);
    const char *args[] = {"sweep", file, "--vary", "database.cores=1:3:3",
                          "--reps", "2", "--quiet", "--out", out, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    char png[700];
    snprintf(png, sizeof png, "%s/sweep_hit_ratio.png", out);
    uint32_t w, h;
    test_png_size(png, &w, &h);   /* plots/sweep.gp's default size */
    ck_assert_uint_eq(w, 1200);
    ck_assert_uint_eq(h, 720);
    free(one);
    free(two);
    free(three);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

START_TEST(sweep_errors_are_usage_errors)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", SCENARIO);
    static const struct {
        const char *vary, *message;
    } cases[] = {
        {"database.corez=1,2", "--vary database.corez=1: database.corez: "
                               "unknown field \"corez\" (did you mean "
                               "\"cores\"?)\nstampede sweep: at the point "
                               "database.corez=1\n"},
        {"database.cores=2,0", "--vary database.cores=0: database.cores: "
                               "expected an integer between 1 and 100000, "
                               "got \"0\"\nstampede sweep: at the point "
                               "database.cores=0\n"},
        {"beta", "stampede sweep: --vary beta: expected PATH=SPEC"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[] = {"sweep", file, "--vary", cases[i].vary,
                              "--quiet", NULL};
        struct cmd_result r = run_stampede(args);
        ck_assert_int_eq(r.status, 2);
        ck_assert_msg(strstr(r.err, cases[i].message) != NULL, "%s", r.err);
        cmd_result_free(&r);
    }
    const char *none[] = {"sweep", file, NULL};
    struct cmd_result r = run_stampede(none);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "nothing to vary"));
    cmd_result_free(&r);
    /* a policy's metric needs a policy that measures it: the lock's polls
     * are xlocked's too (found as lock's, measured by either) */
    const char *unmeasured[] = {"sweep", file, "--vary", "database.cores=1,2",
                                "--max", "policy_metrics.polls=1", "--quiet",
                                NULL};
    r = run_stampede(unmeasured);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "--max policy_metrics.polls=1: no policy of "
                         "the sweep measures it (a lock policy does)") != NULL,
                  "%s", r.err);
    cmd_result_free(&r);
    char *shared = write_text_file(
        dir, "x.json", "{\"duration\": \"2s\", \"policies\": "
        "[{\"policy\": \"xlocked\"}]}");
    char out[600];
    snprintf(out, sizeof out, "%s/x", dir);
    const char *measured[] = {"sweep", shared, "--vary", "database.cores=1,2",
                              "--max", "policy_metrics.polls=1000000",
                              "--quiet", "--no-plot", "--out", out, NULL};
    r = run_stampede(measured);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    free(shared);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

/* --max and --min: each row of sweep.csv says whether its point meets
 * them and which binds, as recomputed here from the row's own mean and
 * half-width columns (the upper end for a max, the lower for a min); a
 * policy's own metric binds that policy's rows only. */
START_TEST(constraints_mark_each_point)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", SCENARIO);
    char out[600];
    snprintf(out, sizeof out, "%s/c", dir);
    const char *args[] = {"sweep", file, "--vary", "database.cores=1,4",
                          "--vary", "policies[per].beta=0.5,2", "--reps", "3",
                          "--max", "worst_window.p99_ms=20",
                          "--min", "hit_ratio=0.7",
                          "--max", "policy_metrics.miss_share=0.5",
                          "--quiet", "--no-plot", "--out", out, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    char path[700];
    snprintf(path, sizeof path, "%s/sweep.csv", out);
    struct csv_table csv;
    csv_table_read(path, &csv);
    /* binding follows meets */
    ck_assert_ptr_eq(csv_cell(&csv, 0, "binding"),
                     csv_cell(&csv, 0, "meets") + strlen("meets") + 1);
    int met = 0, rows = 0;
    for (size_t row = 1; row < csv.rows; row++, rows++) {
        const char *label = csv_cell(&csv, row, "label");
        const char *bind = csv_cell(&csv, row, "binding");
        double p99_upper = csv_num(&csv, row, "worst_window_p99_ms_mean") +
                           csv_num(&csv, row, "worst_window_p99_ms_ci95");
        double hit_lower = csv_num(&csv, row, "hit_ratio_mean") -
                           csv_num(&csv, row, "hit_ratio_ci95");
        const char *want = !(p99_upper <= 20) ? "max worst_window.p99_ms"
                           : !(hit_lower >= 0.7) ? "min hit_ratio" : NULL;
        if (want)
            ck_assert_str_eq(bind, want);
        if (strcmp(label, "none") == 0)   /* per's metric is not none's */
            ck_assert_str_eq(bind, want ? want : "");
        ck_assert_double_eq(csv_num(&csv, row, "meets"), bind[0] == '\0');
        met += bind[0] == '\0';
    }
    ck_assert_int_eq(rows, 8);
    ck_assert_int_gt(met, 0);
    ck_assert_int_lt(met, rows);
    /* the verdicts on stdout: a line per row */
    ck_assert_ptr_nonnull(strstr(r.out, "(--max worst_window.p99_ms=20)"));
    /* points padded to the widest ("...beta=0.5"), labels to 5 */
    ck_assert_ptr_nonnull(strstr(r.out, "\ndatabase.cores=4, "
                                        "policies[per].beta=2    none   "
                                        "meets\n"));
    csv_table_free(&csv);
    cmd_result_free(&r);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

/* run --reps: each metric becomes {"mean", "ci95", "values"}. */
START_TEST(replications_in_summary_json)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", SCENARIO);
    char out[600];
    snprintf(out, sizeof out, "%s/reps", dir);
    const char *args[] = {"run", file, "--reps", "4", "--quiet", "--out", out,
                          NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "±"));
    cmd_result_free(&r);
    cJSON *s = read_json_in(out, "summary.json");
    ck_assert_double_eq(cJSON_GetObjectItem(s, "replications")->valuedouble, 4);
    cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(s, "policies"), 0);
    ck_assert_double_eq(cJSON_GetObjectItem(p, "replications")->valuedouble, 4);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(p, "bimodal")));
    cJSON *hit = cJSON_GetObjectItem(p, "hit_ratio");
    cJSON *values = cJSON_GetObjectItem(hit, "values");
    ck_assert_int_eq(cJSON_GetArraySize(values), 4);
    double sum = 0;
    for (int i = 0; i < 4; i++)
        sum += cJSON_GetArrayItem(values, i)->valuedouble;
    ck_assert_double_eq_tol(cJSON_GetObjectItem(hit, "mean")->valuedouble,
                            sum / 4, 1e-9);
    /* Student t: t(0.975, 3) sd / sqrt(4), t(0.975, 3) = 3.182446 */
    double mean = sum / 4, ss = 0;
    for (int i = 0; i < 4; i++) {
        double dev = cJSON_GetArrayItem(values, i)->valuedouble - mean;
        ss += dev * dev;
    }
    double half = 3.182446305 * sqrt(ss / 3) / 2;
    ck_assert(half > 0);
    ck_assert_double_eq_tol(cJSON_GetObjectItem(hit, "ci95")->valuedouble,
                            half, 1e-6 * half + 1e-12);
    /* nested paths keep their nesting */
    cJSON *p99 = cJSON_GetObjectItem(cJSON_GetObjectItem(p, "latency_ms"), "p99");
    ck_assert(cJSON_IsObject(p99));
    cJSON_Delete(s);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

/* A point's completeness is each policy's own: a policy stopped early
 * (here none, overloaded past --max-in-flight) leaves the other's row
 * complete. */
START_TEST(each_policy_is_complete_or_not_on_its_own)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "o.json",
        "{\"duration\": \"20s\", \"workload\": {\"arrivals\": {\"rate\": "
        "2000}}, \"cache\": {\"ttl\": \"2s\", \"warm\": \"synchronized\"},"
        " \"database\": {\"cores\": 1, \"service\": \"100ms\","
        " \"max_connections\": \"none\"},"
        " \"client\": {\"pool_size\": 1000, \"timeout\": \"none\","
        " \"pool_timeout\": \"none\"},"
        " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"lock\"}]}");
    char out[600];
    snprintf(out, sizeof out, "%s/out", dir);
    const char *args[] = {"sweep", file, "--vary", "seed=1,2", "--reps", "1",
                          "--max-in-flight", "500", "--no-plot", "--quiet",
                          "--out", out, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    char path[700];
    snprintf(path, sizeof path, "%s/sweep.csv", out);
    char *text = read_text_file(path, NULL);
    ck_assert_ptr_nonnull(strstr(text, "\n1,none,1,0,"));
    ck_assert_ptr_nonnull(strstr(text, "\n1,lock,1,1,"));
    ck_assert_ptr_nonnull(strstr(text, "\n2,none,1,0,"));
    ck_assert_ptr_nonnull(strstr(text, "\n2,lock,1,1,"));
    free(text);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

TEST_SUITE(sweep_suite)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("sweeps");
    tcase_add_test(tc, vary_specs);
    tcase_add_test(tc, csv_values);
    tcase_add_test(tc, sweep_output_does_not_depend_on_the_workers);
    tcase_add_test(tc, sweep_errors_are_usage_errors);
    tcase_add_test(tc, replications_in_summary_json);
    tcase_add_test(tc, constraints_mark_each_point);
    tcase_add_test(tc, each_policy_is_complete_or_not_on_its_own);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
