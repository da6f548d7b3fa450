/*
 * test_cli.c — the command line as a user meets it: exit statuses, help,
 * version, `check` and `bench --kernel`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../support.h"

START_TEST(help_version_and_unknown_commands)
{
    const char *help[] = {"--help", NULL};
    struct cmd_result r = run_stampede(help);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "Usage: stampede <command>"));
    cmd_result_free(&r);

    const char *version[] = {"--version", NULL};
    r = run_stampede(version);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "stampede 0."));
    cmd_result_free(&r);

    const char *unknown[] = {"chekc", NULL};
    r = run_stampede(unknown);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "unknown command 'chekc' (did you "
                                        "mean 'check'?)"));
    cmd_result_free(&r);

    const char *none[] = {NULL};
    r = run_stampede(none);
    ck_assert_int_eq(r.status, 2);
    cmd_result_free(&r);

    const char *bad_option[] = {"check", "--frobnicate", "x.json", NULL};
    r = run_stampede(bad_option);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "unknown option '--frobnicate'"));
    cmd_result_free(&r);
}
END_TEST

START_TEST(check_describes_or_explains)
{
    char *dir = make_temp_dir();
    char *good = write_text_file(dir, "good.json",
                                 "{\"workload\": {\"arrivals\": {\"rate\": 200}},"
                                 " \"database\": {\"service\": \"50ms\"}}");
    const char *ok[] = {"check", good, "--set", "database.cores=2", NULL};
    struct cmd_result r = run_stampede(ok);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "processor sharing on 2 cores"));
    /* lambda * (delta + r) + 1 = 200 * 0.0505 + 1 = 11.1 */
    ck_assert_ptr_nonnull(strstr(r.out, "= 11.1 queries per expiry"));
    ck_assert_str_eq(r.err, "");
    cmd_result_free(&r);

    char *bad = write_text_file(dir, "bad.json",
                                "{\n  \"cache\": {\"ttl\": \"5 s\"}\n}\n");
    const char *ko[] = {"check", bad, NULL};
    r = run_stampede(ko);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    char expect[600];
    snprintf(expect, sizeof expect, "%s:2:20: cache.ttl: bad duration \"5 s\": "
             "no space is allowed between the number and its unit\n", bad);
    ck_assert_str_eq(r.err, expect);
    cmd_result_free(&r);

    const char *seed[] = {"check", good, "--seed", "x1", NULL};
    r = run_stampede(seed);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--seed: expected an integer"));
    cmd_result_free(&r);

    remove_tree(dir);
    free(good);
    free(bad);
    free(dir);
}
END_TEST

START_TEST(bench_kernel_json)
{
    const char *args[] = {"bench", "--kernel", "--seconds", "0.05", "--json",
                          NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_int_eq(r.status, 0);
    cJSON *list = cJSON_Parse(r.out);
    ck_assert_ptr_nonnull(list);
    ck_assert_int_eq(cJSON_GetArraySize(list), 3);
    static const double PENDING[] = {10, 1000, 100000};
    for (int i = 0; i < 3; i++) {
        cJSON *b = cJSON_GetArrayItem(list, i);
        ck_assert_double_eq(cJSON_GetObjectItem(b, "pending")->valuedouble,
                            PENDING[i]);
        ck_assert(cJSON_GetObjectItem(b, "events")->valuedouble > 0);
        ck_assert(cJSON_GetObjectItem(b, "events_per_s")->valuedouble > 0);
        ck_assert(cJSON_IsString(cJSON_GetObjectItem(b, "name")));
    }
    cJSON_Delete(list);
    cmd_result_free(&r);
}
END_TEST

TEST_SUITE(cli_suite)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("command line");
    tcase_add_test(tc, help_version_and_unknown_commands);
    tcase_add_test(tc, check_describes_or_explains);
    tcase_add_test(tc, bench_kernel_json);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
