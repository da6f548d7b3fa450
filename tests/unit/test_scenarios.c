/*
 * test_scenarios.c — the scenario library: every file in scenarios/ and
 * scenarios/bench/ passes `check` and runs (shortened to 3 simulated
 * seconds) to a complete result for each of its policies, with every
 * figure drawn.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "../support.h"

static bool is_scenario(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/* Checks and runs every scenario of `dir`, with outputs under tmp; the
 * number of scenarios seen. */
static int check_and_run_all(const char *dir, const char *tmp)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "%s: run the tests from the repository's root",
                  dir);
    int seen = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!is_scenario(e->d_name))
            continue;
        seen++;
        char file[512], out[600];
        snprintf(file, sizeof file, "%s/%s", dir, e->d_name);
        snprintf(out, sizeof out, "%s/%d-%s", tmp, seen, e->d_name);
        const char *check[] = {"check", file, NULL};
        struct cmd_result r = run_stampede(check);
        ck_assert_msg(r.status == 0, "%s: %s", file, r.err);
        ck_assert_msg(strstr(r.out, "scenario ") != NULL, "%s", file);
        cmd_result_free(&r);

        const char *run[] = {"run", file, "--set", "duration=3s", "--set",
                             "warmup=0s", "--set", "window=1s", "--quiet",
                             "--plot", "--out", out, NULL};
        r = run_stampede(run);
        ck_assert_msg(r.status == 0, "%s: %s", file, r.err);
        cmd_result_free(&r);
        cJSON *summary = read_json_in(out, "summary.json");
        ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(summary, "complete")));
        ck_assert_int_ge(cJSON_GetArraySize(cJSON_GetObjectItem(summary,
                                                                "policies")), 1);
        cJSON_Delete(summary);
        /* every figure, a PNG of its script's size */
        static const char *const FIGURES[] = {"hit_ratio.png", "db_load.png",
                                              "latency.png",
                                              "comparison.png"};
        for (size_t i = 0; i < 4; i++) {
            char *png = path_in(out, FIGURES[i]);
            uint32_t w, h;
            test_png_size(png, &w, &h);
            ck_assert_msg(w == 1200 && h >= 600, "%s: %ux%u", png, w, h);
            /* drawn: axes, labels and curves are tens of kilobytes; an
             * empty canvas of that size compresses to a few */
            struct stat st;
            ck_assert_int_eq(stat(png, &st), 0);
            ck_assert_msg(st.st_size > 12000, "%s: %lld bytes", png,
                          (long long)st.st_size);
            free(png);
        }
    }
    closedir(d);
    return seen;
}

START_TEST(every_scenario_checks_and_runs)
{
    char *tmp = make_temp_dir();
    ck_assert_int_ge(check_and_run_all("scenarios", tmp), 10);
    remove_tree(tmp);
    free(tmp);
}
END_TEST

START_TEST(every_benchmark_scenario_checks_and_runs)
{
    char *tmp = make_temp_dir();
    ck_assert_int_eq(check_and_run_all("scenarios/bench", tmp), 3);
    remove_tree(tmp);
    free(tmp);
}
END_TEST

TEST_SUITE(scenarios_suite)
{
    Suite *s = suite_create("scenarios");
    TCase *tc = tcase_create("library");
    tcase_add_test(tc, every_scenario_checks_and_runs);
    tcase_add_test(tc, every_benchmark_scenario_checks_and_runs);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
