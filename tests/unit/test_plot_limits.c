/*
 * test_plot_limits.c — gnuplot within bounds: a figure is written only
 * whole (its PNG ends with IEND), a gnuplot that hangs is stopped after
 * --plot-timeout, a signal stops it at once, and a figure that could not
 * be written leaves the results folder as it was (sim/output/plot.c,
 * sim/output/subprocess.c).
 *
 * gnuplot is replaced by small shell scripts found first on PATH, each
 * misbehaving in one way; they are called as gnuplot is:
 *     gnuplot -c SCRIPT DATA PNG ...
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../support.h"
#include "output/plot.h"
#include "output/plot_input.h"

extern char **environ;

static const char TINY[] =
    "{\"name\": \"tiny\", \"duration\": \"4s\", \"warmup\": \"1s\",\n"
    " \"workload\": {\"arrivals\": {\"rate\": 100}},\n"
    " \"cache\": {\"ttl\": \"2s\"},\n"
    " \"policies\": [{\"policy\": \"none\"}]}\n";

/* The 8 bytes every PNG starts with, and the 12 of its last chunk. */
static const char SIGNATURE[] = "\x89PNG\r\n\x1a\n";
static const char IEND[] = "\0\0\0\0IEND\xae\x42\x60\x82";

static void write_bytes(const char *path, const char *a, size_t na,
                        const char *b, size_t nb)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(a, 1, na, f), na);
    if (nb)
        ck_assert_uint_eq(fwrite(b, 1, nb, f), nb);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(only_a_png_with_its_end_is_whole)
{
    char *dir = make_temp_dir();
    char *path = path_in(dir, "f.png");
    char body[64];
    memset(body, 'x', sizeof body);
    memcpy(body, SIGNATURE, 8);
    write_bytes(path, body, sizeof body, IEND, 12);
    ck_assert(plot_png_whole(path));
    write_bytes(path, body, sizeof body, IEND, 11);   /* one byte short */
    ck_assert(!plot_png_whole(path));
    write_bytes(path, body, sizeof body, NULL, 0);    /* cut before IEND */
    ck_assert(!plot_png_whole(path));
    write_bytes(path, "GIF89a", 6, IEND, 12);         /* not a PNG */
    ck_assert(!plot_png_whole(path));
    write_bytes(path, "", 0, NULL, 0);
    ck_assert(!plot_png_whole(path));
    ck_assert(!plot_png_whole(dir));                  /* not a file */
    remove_tree(dir);
    free(path);
    free(dir);
}
END_TEST

/* A directory whose `gnuplot` runs `body` (sh), first on PATH; the old
 * PATH is returned to restore. */
static char *fake_gnuplot(const char *dir, const char *body)
{
    char *bin = path_in(dir, "bin");
    mkdir(bin, 0777);
    char *script;
    ck_assert(asprintf(&script, "#!/bin/sh\n%s\n", body) > 0);
    char *path = write_text_file(bin, "gnuplot", script);
    ck_assert_int_eq(chmod(path, 0755), 0);
    char *saved = strdup(getenv("PATH"));
    char *joined;
    ck_assert(asprintf(&joined, "%s:%s", bin, saved) > 0);
    setenv("PATH", joined, 1);
    free(joined);
    free(path);
    free(script);
    free(bin);
    return saved;
}

static void restore_path(char *saved)
{
    setenv("PATH", saved, 1);
    free(saved);
}

/* A run of TINY into dir/name (its timeseries.csv, to tell runs apart). */
static char *tiny_run(const char *dir, const char *name, const char *seed)
{
    char *scenario = write_text_file(dir, "tiny.json", TINY);
    char *out = path_in(dir, name);
    const char *args[] = {"run", scenario, "--quiet", "--seed", seed, "--out",
                          out, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    free(scenario);
    char *csv = path_in(out, "timeseries.csv");
    char *text = read_text_file(csv, NULL);
    ck_assert_ptr_nonnull(text);
    free(csv);
    free(out);
    return text;
}

static bool has_entry(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    bool found = false;
    for (struct dirent *e; d && !found && (e = readdir(d));)
        found = strstr(e->d_name, part) != NULL;
    if (d)
        closedir(d);
    return found;
}

/* Whether the process whose PID the file holds has gone. */
static bool pid_gone(const char *file)
{
    char *text = read_text_file(file, NULL);
    ck_assert_ptr_nonnull(text);
    long pid = strtol(text, NULL, 10);
    free(text);
    ck_assert_int_gt(pid, 0);
    char proc[64], stat[256] = "";
    snprintf(proc, sizeof proc, "/proc/%ld/stat", pid);
    FILE *f = fopen(proc, "r");
    if (!f)
        return true;
    size_t n = fread(stat, 1, sizeof stat - 1, f);
    fclose(f);
    stat[n] = '\0';
    const char *state = strrchr(stat, ')');
    return !state || state[2] == 'Z';
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A gnuplot that never ends is stopped after --plot-timeout: the figure
 * is not written, the command fails (1), and gnuplot is gone. */
START_TEST(a_hanging_gnuplot_is_stopped_after_the_timeout)
{
    char *dir = make_temp_dir();
    free(tiny_run(dir, "run", "1"));
    char *mark = path_in(dir, "gnuplot.pid");
    char *body;
    ck_assert(asprintf(&body, "echo $$ > '%s'; exec sleep 600", mark) > 0);
    char *saved = fake_gnuplot(dir, body);
    char *run = path_in(dir, "run"), *figs = path_in(dir, "figs");
    const char *args[] = {"plot", run, "--out", figs, "--plot-timeout", "0.5",
                          "--quiet", NULL};
    double start = now();
    struct cmd_result r = run_stampede(args);
    double took = now() - start;
    restore_path(saved);
    ck_assert_int_eq(r.status, 1);
    char expect[600];
    snprintf(expect, sizeof expect, "stampede plot: %s/hit_ratio.png: gnuplot "
             "took longer than 0.5 s on ", figs);
    ck_assert_msg(strstr(r.err, expect) != NULL, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.err, "and was stopped (--plot-timeout)"));
    ck_assert_msg(took < 5, "took %.1f s", took);
    ck_assert(!has_entry(figs, ".png"));
    ck_assert(pid_gone(mark));
    cmd_result_free(&r);
    remove_tree(dir);
    free(figs);
    free(run);
    free(body);
    free(mark);
    free(dir);
}
END_TEST

/* A signal while gnuplot draws stops it and the command at once (within
 * a second, far before the 60 s timeout): the data, whole, is written;
 * no figure, no temporary file, no gnuplot is left. */
START_TEST(a_signal_stops_gnuplot_at_once)
{
    char *dir = make_temp_dir();
    char *scenario = write_text_file(dir, "tiny.json", TINY);
    char *mark = path_in(dir, "gnuplot.pid");
    char *body;
    ck_assert(asprintf(&body, "echo $$ > '%s'; exec sleep 600", mark) > 0);
    char *saved = fake_gnuplot(dir, body);
    char *out = path_in(dir, "out");
    const char *args[] = {"run", scenario, "--plot", "--quiet", "--out", out,
                          NULL};
    char **argv = stampede_argv(args);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    ck_assert_int_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    free(argv);
    restore_path(saved);
    for (int i = 0; i < 3000 && access(mark, R_OK) != 0; i++)
        usleep(10000);
    usleep(100000);   /* the pid written */
    ck_assert_int_eq(kill(pid, SIGTERM), 0);
    double start = now();
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0 && now() - start < 10)
        usleep(10000);
    double took = now() - start;
    ck_assert_msg(took < 1.5, "stopped after %.1f s", took);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGTERM);
    ck_assert(pid_gone(mark));
    char *csv = path_in(out, "timeseries.csv");
    ck_assert_int_eq(access(csv, R_OK), 0);
    ck_assert(!has_entry(out, ".png"));
    ck_assert(!has_entry(out, ".tmp-"));
    ck_assert(!has_entry(dir, ".out."));   /* no temporary, no lock */
    remove_tree(dir);
    free(csv);
    free(out);
    free(body);
    free(mark);
    free(scenario);
    free(dir);
}
END_TEST

/* A figure that could not be written whole is a write that failed: the
 * earlier results stay as they were, and the new files are kept aside
 * in DIR.unfinished-PID, which the message names. Three ways: a PNG cut
 * short with exit 0 (gnuplot on a full disk), gnuplot killed by the file
 * size limit, nothing written at all. */
START_TEST(a_figure_not_written_whole_leaves_the_results)
{
    static const struct {
        const char *body, *why;
    } FAULTS[] = {
        {"printf '\\211PNG\\r\\n\\032\\nhalf a figure' > \"$4\"",
         "cannot write: gnuplot left the figure cut short (a full disk?)"},
        {"kill -XFSZ $$", "cannot write: the file size limit (ulimit -f) "
                          "stopped gnuplot"},
        {"exit 0", "cannot write: gnuplot wrote nothing"},
    };
    for (size_t i = 0; i < sizeof FAULTS / sizeof FAULTS[0]; i++) {
        char *dir = make_temp_dir();
        char *old = tiny_run(dir, "out", "1");
        char *scenario = path_in(dir, "tiny.json");
        char *out = path_in(dir, "out");
        char *saved = fake_gnuplot(dir, FAULTS[i].body);
        const char *args[] = {"run", scenario, "--plot", "--quiet", "--seed",
                              "2", "--out", out, NULL};
        struct cmd_result r = run_stampede(args);
        restore_path(saved);
        ck_assert_int_eq(r.status, 1);
        char expect[900];
        snprintf(expect, sizeof expect, "stampede run: %s/hit_ratio.png: %s",
                 out, FAULTS[i].why);
        ck_assert_msg(strstr(r.err, expect) != NULL, "case %zu: %s", i,
                      r.err);
        snprintf(expect, sizeof expect, "; %s is left as it was; what was "
                 "written is in %s.unfinished-", out, out);
        ck_assert_msg(strstr(r.err, expect) != NULL, "case %zu: %s", i,
                      r.err);
        /* the earlier results, whole; the new data aside, no figure */
        char *csv = path_in(out, "timeseries.csv");
        char *now_text = read_text_file(csv, NULL);
        ck_assert_str_eq(now_text, old);
        ck_assert(!has_entry(out, ".png"));
        ck_assert(has_entry(dir, "out.unfinished-"));
        ck_assert(!has_entry(dir, ".out."));
        cmd_result_free(&r);
        remove_tree(dir);
        free(now_text);
        free(csv);
        free(out);
        free(scenario);
        free(old);
        free(dir);
    }
}
END_TEST

/* A figure says what its files say: the title of an incomplete run's
 * figures carries summary.json's reason. */
START_TEST(an_incomplete_run_says_so_in_its_titles)
{
    char *dir = make_temp_dir();
    free(tiny_run(dir, "run", "1"));
    char *run = path_in(dir, "run");
    struct plot_input in;
    char err[512];
    ck_assert_int_eq(plot_input_read(run, "auto", &in, err, sizeof err),
                     PLOT_INPUT_OK);
    ck_assert_str_eq(in.title, "tiny");
    plot_input_free(&in);
    char *summary = path_in(run, "summary.json");
    char *text = read_text_file(summary, NULL);
    char *at = strstr(text, "\"complete\": true");
    ck_assert_ptr_nonnull(at);
    char *edited;
    ck_assert(asprintf(&edited, "%.*s\"complete\": false, \"reason\": "
                       "\"interrupted by SIGINT at t = 2.000 s of none\"%s",
                       (int)(at - text), text,
                       at + strlen("\"complete\": true")) > 0);
    free(write_text_file(run, "summary.json", edited));
    ck_assert_int_eq(plot_input_read(run, "auto", &in, err, sizeof err),
                     PLOT_INPUT_OK);
    ck_assert_str_eq(in.title, "tiny (incomplete: interrupted by SIGINT at "
                               "t = 2.000 s of none)");
    plot_input_free(&in);
    remove_tree(dir);
    free(edited);
    free(text);
    free(summary);
    free(run);
    free(dir);
}
END_TEST

TEST_SUITE(plot_limits_suite)
{
    Suite *s = suite_create("plot_limits");
    TCase *tc = tcase_create("gnuplot within bounds");
    tcase_add_test(tc, only_a_png_with_its_end_is_whole);
    tcase_add_test(tc, a_hanging_gnuplot_is_stopped_after_the_timeout);
    tcase_add_test(tc, a_signal_stops_gnuplot_at_once);
    tcase_add_test(tc, a_figure_not_written_whole_leaves_the_results);
    tcase_add_test(tc, an_incomplete_run_says_so_in_its_titles);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
