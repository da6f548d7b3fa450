/*
 * test_progress.c — progress on a terminal (sim/cli/progress.c): run,
 * sweep and calibrate under a pseudo-terminal show the percentage to a
 * tenth, where they are, events per second and an ETA; NO_COLOR takes
 * the colour away; not on a terminal there is no such line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pty.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support.h"

/* Runs the binary with args on a pseudo-terminal (its stdout and stderr);
 * everything it wrote there, and its exit status in *status. NO_COLOR is
 * set to `no_colour` (NULL: unset). */
static char *run_on_tty(const char *const *args, const char *no_colour,
                        int *status)
{
    char **argv = stampede_argv(args);
    int master;
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (no_colour)
            setenv("NO_COLOR", no_colour, 1);
        else
            unsetenv("NO_COLOR");
        execv(argv[0], argv);
        _exit(127);
    }
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    char buf[4096];
    for (;;) {
        ssize_t n = read(master, buf, sizeof buf);
        if (n > 0)
            fwrite(buf, 1, (size_t)n, out);
        else if (n < 0 && errno == EINTR)
            continue;
        else
            break;   /* EIO: the child closed the terminal */
    }
    fclose(out);
    close(master);
    waitpid(pid, status, 0);
    free(argv);
    return text;
}

static bool matches(const char *text, const char *pattern)
{
    regex_t re;
    ck_assert_int_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
    bool yes = regexec(&re, text, 0, NULL, 0) == 0;
    regfree(&re);
    return yes;
}

/* Long enough to tick (a world reports every 131072 events). */
static const char SCENARIO[] =
    "{\"duration\": \"20s\", \"cache\": {\"ttl\": \"5s\"},\n"
    " \"workload\": {\"arrivals\": {\"rate\": 20000}},\n"
    " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"per\"}]}\n";

START_TEST(run_shows_progress_on_a_terminal)
{
    char *tmp = make_temp_dir();
    char *file = write_text_file(tmp, "p.json", SCENARIO);
    char *out = path_in(tmp, "out");
    const char *args[] = {"run", file, "--out", out, NULL};
    int status;
    char *text = run_on_tty(args, NULL, &status);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%.2000s", text);
    /* the line: a coloured bar, a percentage to a tenth, the run and its
     * simulated time, events per second, an ETA, rewritten in place */
    ck_assert_msg(matches(text, "\r\033\\[32m\\[[#.]+\\]\033\\[0m +[0-9]+\\.[0-9] % "
                                " (none|per) \\([12]/2\\): t [0-9]+\\.[0-9] s "
                                "of 20 s  [0-9.]+ [Mk] events/s  ETA [0-9]"),
                  "no progress line in:\n%.2000s", text);
    /* and the per-run lines and the table still come */
    ck_assert_ptr_nonnull(strstr(text, "stampede: per: 20 s simulated"));
    ck_assert_ptr_nonnull(strstr(text, "hit %"));
    free(text);
    /* NO_COLOR: the same line, no escape sequence at all */
    text = run_on_tty(args, "1", &status);
    ck_assert_msg(matches(text, "\r\\[[#.]+\\] +[0-9]+\\.[0-9] % "), "%.2000s",
                  text);
    ck_assert_ptr_null(strchr(text, '\033'));
    free(text);
    /* not a terminal: no progress line */
    struct cmd_result r = run_stampede(args);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_null(strchr(r.err, '\r'));
    ck_assert_ptr_null(strstr(r.err, "events/s"));
    cmd_result_free(&r);
    remove_tree(tmp);
    free(out);
    free(file);
    free(tmp);
}
END_TEST

START_TEST(sweep_and_calibrate_count_points)
{
    char *tmp = make_temp_dir();
    char *file = write_text_file(tmp, "p.json", SCENARIO);
    char *out = path_in(tmp, "out");
    const char *sweep[] = {"sweep", file, "--vary", "database.cores=4,8",
                           "--reps", "1", "-j", "1", "--no-plot", "--out",
                           out, "--set", "duration=3s", NULL};
    int status;
    char *text = run_on_tty(sweep, "1", &status);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%.2000s", text);
    ck_assert_msg(matches(text, "\r\\[#+\\] 100\\.0 %  2/2 points  [0-9.]+ "
                                "[Mk] events/s  ETA 0s"),
                  "%.2000s", text);
    ck_assert_msg(matches(text, "\r\\[#*\\.+\\]  50\\.0 %  1/2 points  "),
                  "%.2000s", text);
    free(text);
    const char *calibrate[] = {"calibrate", file, "--policy", "per",
                               "--range", "0.5:4", "--reps", "2", "-j", "2",
                               "--no-plot", "--out", out, "--set",
                               "duration=2s", NULL};
    text = run_on_tty(calibrate, "1", &status);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%.2000s", text);
    /* against its budget of simulated seconds (300 runs of 2 s), which
     * it may stop short of: an ETA that is a ceiling, and "done" at the
     * end where the bar stopped */
    ck_assert_msg(matches(text, "\r\\[[#.]+\\] +[0-9]+\\.[0-9] %  [0-9]+/600 "
                                "simulated s of budget  [0-9.]+ [Mk] events/s  "
                                "ETA at most [0-9]"),
                  "%.2000s", text);
    ck_assert_msg(matches(text, "\r\\[[#.]+\\] +[0-9]+\\.[0-9] %  [0-9]+/600 "
                                "simulated s of budget  [0-9.]+ [Mk] events/s  "
                                "done *\r?\n"),
                  "%.2000s", text);
    free(text);
    remove_tree(tmp);
    free(out);
    free(file);
    free(tmp);
}
END_TEST

/* Not on a terminal, a long command says it is alive: a plain line at
 * least every STAMPEDE_PROGRESS_SECONDS (30 by default; 0.2 here), with
 * where it is; --quiet says nothing. The scenario runs about 1.5 s. */
START_TEST(plain_lines_show_a_long_command_is_alive)
{
    char *tmp = make_temp_dir();
    char *file = write_text_file(tmp, "p.json", SCENARIO);
    char *out = path_in(tmp, "out");
    setenv("STAMPEDE_PROGRESS_SECONDS", "0.2", 1);
    const char *run[] = {"run", file, "--out", out, "--set", "duration=200s",
                         NULL};
    struct cmd_result r = run_stampede(run);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_msg(matches(r.err, "stampede run: none \\(1/2\\): t [0-9.]+ s "
                                 "of 200 s, [0-9.]+ % done, [0-9.]+ [Mk] "
                                 "events/s, [0-9]+s in, ETA [0-9]"),
                  "%s", r.err);
    ck_assert_ptr_null(strchr(r.err, '\r'));
    cmd_result_free(&r);
    /* a sweep's points take a while each: lines come between them */
    const char *sweep[] = {"sweep", file, "--vary", "database.cores=4,8",
                           "--reps", "1", "-j", "2", "--no-plot", "--out",
                           out, "--set", "duration=200s", NULL};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = run_stampede(sweep);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_msg(matches(r.err, "stampede sweep: 0/2 points done \\(0%\\), "
                                 "[0-9]+s in\n"), "%s", r.err);
    /* from the command alone, not from its workers too: at most a line
     * each 0.2 s, and one a tenth done */
    double took = (double)(t1.tv_sec - t0.tv_sec) +
                  1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    int lines = 0;
    for (const char *p = r.err; (p = strstr(p, " points done")); p++)
        lines++;
    ck_assert_msg(lines <= took / 0.2 + 3, "%d lines in %.1f s:\n%s", lines,
                  took, r.err);
    cmd_result_free(&r);
    const char *quiet[] = {"run", file, "--out", out, "--quiet", "--set",
                           "duration=200s", NULL};
    r = run_stampede(quiet);
    unsetenv("STAMPEDE_PROGRESS_SECONDS");
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    cmd_result_free(&r);
    remove_tree(tmp);
    free(out);
    free(file);
    free(tmp);
}
END_TEST

TEST_SUITE(progress_suite)
{
    Suite *s = suite_create("progress");
    TCase *tc = tcase_create("on a terminal");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, run_shows_progress_on_a_terminal);
    tcase_add_test(tc, sweep_and_calibrate_count_points);
    tcase_add_test(tc, plain_lines_show_a_long_command_is_alive);
    suite_add_tcase(s, tc);
    return s;
}
