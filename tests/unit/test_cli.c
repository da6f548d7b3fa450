/*
 * test_cli.c — the command line as a user meets it: exit statuses, help,
 * version, `check` and `bench --kernel`.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* init writes a starter that checks without a warning and runs; it
 * never overwrites without --force. */
START_TEST(init_writes_a_starter_that_runs)
{
    char *dir = make_temp_dir();
    char *name = path_in(dir, "my service");
    char *file = path_in(dir, "my service.json");
    const char *init[] = {"init", name, NULL};
    struct cmd_result r = run_stampede(init);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    char *text = read_text_file(file, NULL);
    ck_assert_ptr_nonnull(text);
    /* commented: a _comment at the top and in the parts */
    ck_assert_ptr_nonnull(strstr(text, "\"_comment\": [\n"));
    ck_assert_ptr_nonnull(strstr(text, "\"name\": \"my-service\""));
    free(text);
    const char *check[] = {"check", file, NULL};
    r = run_stampede(check);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_str_eq(r.err, "");   /* no warning */
    ck_assert_ptr_nonnull(strstr(r.out, "scenario  my-service  ("));
    cmd_result_free(&r);
    char *out = path_in(dir, "out");
    const char *run[] = {"run", file, "--set", "duration=2s", "--set",
                         "warmup=0s", "--quiet", "--out", out, NULL};
    r = run_stampede(run);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "\nper "));
    cmd_result_free(&r);
    r = run_stampede(init);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "exists (--force replaces it)"));
    cmd_result_free(&r);
    const char *force[] = {"init", file, "--force", NULL};
    r = run_stampede(force);
    ck_assert_int_eq(r.status, 0);
    cmd_result_free(&r);
    remove_tree(dir);
    free(out);
    free(file);
    free(name);
    free(dir);
}
END_TEST

/* "_comment" is text in any object, and nothing else. */
START_TEST(comments_are_text_anywhere)
{
    char *dir = make_temp_dir();
    char *ok = write_text_file(
        dir, "ok.json",
        "{\"_comment\": [\"a\", \"b\"], \"cache\": {\"_comment\": \"c\"},\n"
        " \"database\": {\"service\": {\"_comment\": \"d\", \"dist\": "
        "\"exponential\", \"mean\": \"10ms\"}},\n"
        " \"policies\": [{\"_comment\": \"e\", \"policy\": \"per\"}]}");
    const char *a[] = {"check", ok, NULL};
    struct cmd_result r = run_stampede(a);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    char *bad = write_text_file(dir, "bad.json",
                                "{\"cache\": {\"_comment\": [\"a\", 2]}}");
    const char *b[] = {"check", bad, NULL};
    r = run_stampede(b);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "bad.json:1:24: cache._comment: a "
                                        "comment is a string or a list of "
                                        "strings, got [\"a\",2]"));
    cmd_result_free(&r);
    remove_tree(dir);
    free(ok);
    free(bad);
    free(dir);
}
END_TEST

/* A scenario of the library by name, from anywhere. */
START_TEST(library_scenarios_by_name)
{
    const char *args[] = {"check", "hot-key", NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "scenarios/hot-key.json)"));
    cmd_result_free(&r);
    const char *json[] = {"check", "hot-key.json", NULL};
    r = run_stampede(json);
    ck_assert_int_eq(r.status, 0);
    cmd_result_free(&r);
    const char *none[] = {"check", "no-such-scenario", NULL};
    r = run_stampede(none);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "no-such-scenario: cannot open"));
    cmd_result_free(&r);
}
END_TEST

/* --format json of every command that prints a table parses, and holds
 * what its text says. */
START_TEST(format_json_parses)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(
        dir, "s.json",
        "{\"duration\": \"4s\", \"cache\": {\"ttl\": \"2s\"},\n"
        " \"workload\": {\"arrivals\": {\"rate\": 200}},\n"
        " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"per\"}]}");
    char *out = path_in(dir, "out");
    const char *run[] = {"run", file, "--reps", "2", "--format", "json",
                         "--quiet", "--out", out, NULL};
    const char *sweep[] = {"sweep", file, "--vary", "database.cores=1,2",
                           "--reps", "2", "--format", "json", "--quiet",
                           "--no-plot", "--out", out, "--max",
                           "error_rate=0.5", NULL};
    const char *calibrate[] = {"calibrate", file, "--policy", "per",
                               "--range", "0.5:2", "--reps", "2",
                               "--format", "json", "--quiet", "--no-plot",
                               "--out", out, NULL};
    const char *check[] = {"check", file, "--format", "json", NULL};
    const char *const *commands[] = {run, sweep, calibrate, check};
    const char *has[] = {"rows", "rows", "points", "sections"};
    for (size_t i = 0; i < 4; i++) {
        struct cmd_result r = run_stampede(commands[i]);
        ck_assert_msg(r.status == 0, "%s: %s", commands[i][0], r.err);
        cJSON *root = cJSON_Parse(r.out);
        ck_assert_msg(cJSON_IsObject(root), "%s: not JSON:\n%s",
                      commands[i][0], r.out);
        ck_assert_msg(cJSON_GetArraySize(cJSON_GetObjectItem(root, has[i])) >=
                          2, "%s: no %s", commands[i][0], has[i]);
        if (i == 0) {
            /* the run table: label, the fields with their intervals */
            cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "rows"),
                                            1);
            ck_assert_str_eq(cJSON_GetObjectItem(row, "label")->valuestring,
                             "per");
            cJSON *hit = cJSON_GetObjectItem(row, "hit_ratio");
            ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(hit, "mean")));
            ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(hit, "ci95")));
        }
        if (i == 1) {
            /* the varied value as a number, the verdict of each row */
            cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "rows"),
                                            3);
            ck_assert_double_eq(
                cJSON_GetObjectItem(row, "database.cores")->valuedouble, 2);
            ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(row, "meets")));
        }
        cJSON_Delete(root);
        cmd_result_free(&r);
    }
    /* csv: the header names the fields; markdown: a table */
    const char *csv[] = {"run", file, "--format", "csv", "--quiet", "--out",
                         out, NULL};
    struct cmd_result r = run_stampede(csv);
    ck_assert_int_eq(strncmp(r.out, "label,hit_ratio,hit_ratio_ci95,", 31), 0);
    ck_assert_uint_eq(count_lines(r.out), 3);
    cmd_result_free(&r);
    const char *md[] = {"check", file, "--format", "markdown", NULL};
    r = run_stampede(md);
    ck_assert_ptr_nonnull(strstr(r.out, "| **run** | 4s; 1s windows"));
    cmd_result_free(&r);
    /* the run table's pair, split in two, each header whole; joined in the
     * text table */
    const char *run_md[] = {"run", file, "--format", "markdown", "--quiet",
                            "--out", out, NULL};
    r = run_stampede(run_md);
    ck_assert_ptr_nonnull(strstr(r.out, "| stampede mean | stampede max |"));
    cmd_result_free(&r);
    const char *run_text[] = {"run", file, "--quiet", "--out", out, NULL};
    r = run_stampede(run_text);
    ck_assert_ptr_nonnull(strstr(r.out, " stampede mean/max "));
    cmd_result_free(&r);
    const char *bad[] = {"run", file, "--format", "yaml", NULL};
    r = run_stampede(bad);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--format: expected text, json, csv "
                                        "or markdown, got 'yaml'"));
    cmd_result_free(&r);
    remove_tree(dir);
    free(out);
    free(file);
    free(dir);
}
END_TEST

/* check --schema lists the words the loader takes: each is accepted as
 * the value of its field, and a word it does not list is refused. */
START_TEST(schema_words_are_the_loaders)
{
    const char *args[] = {"check", "--schema", "--format", "json", NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_int_eq(r.status, 0);
    cJSON *root = cJSON_Parse(r.out);
    ck_assert_ptr_nonnull(root);
    cmd_result_free(&r);
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", "{}");
    static const char *const FIELDS[] = {
        "workload.arrivals.process", "workload.keys.popularity",
        "cache.warm", "database.discipline",
    };
    cJSON *words = cJSON_GetObjectItem(root, "words");
    for (size_t i = 0; i < sizeof FIELDS / sizeof FIELDS[0]; i++) {
        cJSON *list = cJSON_GetObjectItem(words, FIELDS[i]);
        ck_assert_int_ge(cJSON_GetArraySize(list), 2);
        cJSON *w;
        cJSON_ArrayForEach(w, list) {
            char set[128];
            snprintf(set, sizeof set, "%s=%s", FIELDS[i], w->valuestring);
            const char *check[] = {"check", file, "--set", set, NULL};
            r = run_stampede(check);
            ck_assert_msg(r.status == 0, "%s: %s", set, r.err);
            cmd_result_free(&r);
        }
        char set[128];
        snprintf(set, sizeof set, "%s=nonsense", FIELDS[i]);
        const char *check[] = {"check", file, "--set", set, NULL};
        r = run_stampede(check);
        ck_assert_int_eq(r.status, 2);
        cmd_result_free(&r);
    }
    cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(words, "policies[i].policy")) {
        char set[128];
        snprintf(set, sizeof set, "policies=[{\"policy\": \"%s\"}]",
                 p->valuestring);
        const char *check[] = {"check", file, "--set", set, NULL};
        r = run_stampede(check);
        ck_assert_msg(r.status == 0, "%s: %s", set, r.err);
        cmd_result_free(&r);
    }
    cJSON_Delete(root);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

/* The binary with `args`, its stdin from `in_path`; stdout and stderr
 * into files under dir, read back into *out and *err. Its exit status. */
static int run_with_stdin(const char *dir, const char *const *args,
                          const char *in_path, char **out, char **err)
{
    char *out_path = path_in(dir, "stdout"), *err_path = path_in(dir, "stderr");
    char **argv = stampede_argv(args);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int in = open(in_path, O_RDONLY);
        int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 ||
            dup2(e, 2) < 0)
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    *out = read_text_file(out_path, NULL);
    *err = read_text_file(err_path, NULL);
    free(argv);
    free(out_path);
    free(err_path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* "-" is standard input, for check, run and sweep alike: its problems
 * are placed in "<stdin>", its name is "stdin" unless it has one. */
START_TEST(a_scenario_from_standard_input)
{
    char *dir = make_temp_dir();
    char *good = write_text_file(dir, "good.json",
                                 "{\"duration\": \"4s\", \"cache\": {\"ttl\": "
                                 "\"2s\"}, \"database\": {\"cores\": 3}}");
    char *bad = write_text_file(dir, "bad.json",
                                "{\"duration\": \"4s\",\n \"cache\": {\"ttl\": "
                                "\"x\"}}\n");
    char *out, *err;
    const char *check[] = {"check", "-", NULL};
    ck_assert_int_eq(run_with_stdin(dir, check, good, &out, &err), 0);
    ck_assert_ptr_nonnull(strstr(out, "scenario  stdin  (<stdin>)"));
    ck_assert_ptr_nonnull(strstr(out, "processor sharing on 3 cores"));
    free(out);
    free(err);
    ck_assert_int_eq(run_with_stdin(dir, check, bad, &out, &err), 2);
    ck_assert_str_eq(err, "<stdin>:2:19: cache.ttl: bad duration \"x\": a "
                          "duration is a number followed by a unit, like "
                          "\"200ms\"\n");
    ck_assert_str_eq(out, "");
    free(out);
    free(err);
    char *results = path_in(dir, "r");
    const char *run[] = {"run", "-", "--quiet", "--out", results, NULL};
    ck_assert_int_eq(run_with_stdin(dir, run, good, &out, &err), 0);
    cJSON *summary = read_json_in(results, "summary.json");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(summary,
                                                              "scenario")),
                     "stdin");
    cJSON_Delete(summary);
    free(out);
    free(err);
    /* a sweep reads it once, and its workers have it */
    const char *sweep[] = {"sweep", "-", "--vary", "seed=1,2", "-j", "2",
                           "--reps", "1", "--quiet", "--no-plot", "--out",
                           results, NULL};
    ck_assert_int_eq(run_with_stdin(dir, sweep, good, &out, &err), 0);
    char *csv = path_in(results, "sweep.csv");
    char *text = read_text_file(csv, NULL);
    ck_assert_uint_eq(count_lines(text), 3);
    free(text);
    free(csv);
    free(out);
    free(err);
    remove_tree(dir);
    free(results);
    free(good);
    free(bad);
    free(dir);
}
END_TEST

TEST_SUITE(cli_suite)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("command line");
    tcase_add_test(tc, help_version_and_unknown_commands);
    tcase_add_test(tc, check_describes_or_explains);
    tcase_add_test(tc, a_scenario_from_standard_input);
    tcase_add_test(tc, bench_kernel_json);
    tcase_add_test(tc, init_writes_a_starter_that_runs);
    tcase_add_test(tc, comments_are_text_anywhere);
    tcase_add_test(tc, library_scenarios_by_name);
    tcase_add_test(tc, format_json_parses);
    tcase_add_test(tc, schema_words_are_the_loaders);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
