/*
 * test_signals.c — SIGINT and SIGTERM stop a run at the next event, write
 * what it measured (atomically, marked "complete": false with the reason)
 * and exit 130 / 143; a sweep stops its workers and keeps the finished
 * points.
 *
 * Timing is not relied on: each command would take far longer than the
 * test (a run of ten simulated hours), and the signal is sent once the
 * command shows it is under way (its temporary output file exists, or its
 * progress line says a point is done), however long that takes.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../support.h"

extern char **environ;

/* 20,000 req/s for ten hours: about half a minute of work, never done in
 * the time the test waits. */
static const char LONG_RUN[] =
    "{\"duration\": \"10h\", \"window\": \"1s\","
    " \"workload\": {\"arrivals\": {\"rate\": 20000}},"
    " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"lock\"}]}";

/* One point takes about a quarter of a second. */
static const char SWEEP_POINT[] =
    "{\"duration\": \"60s\", \"workload\": {\"arrivals\": {\"rate\": 20000}}}";

static pid_t spawn(const char *const *args, const char *out, const char *err)
{
    char **argv = stampede_argv(args);
    const char *bin = argv[0];
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    pid_t pid;
    ck_assert_int_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    free(argv);
    return pid;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Whether a file in dir has a name starting with prefix. */
static bool has_file(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool found = false;
    for (struct dirent *e; !found && (e = readdir(d));)
        found = strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return found;
}

static bool file_contains(const char *path, const char *text)
{
    char *content = read_text_file(path, NULL);
    bool found = content && strstr(content, text);
    free(content);
    return found;
}

/* Waits (up to 60 s) until ready(ctx) or the child has exited. */
static void wait_until(pid_t pid, bool (*ready)(const void *), const void *ctx)
{
    for (int i = 0; i < 6000 && !ready(ctx); i++) {
        ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), 0);   /* still running */
        sleep_ms(10);
    }
    sleep_ms(300);   /* let it get properly under way */
}

static int finish(pid_t pid)
{
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status), "killed by signal %d (the signal was not "
                  "handled)", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return WEXITSTATUS(status);
}

struct paths {
    char *dir;
    char out_dir[600], stdout_path[600], stderr_path[600];
};

static void paths_init(struct paths *p)
{
    p->dir = make_temp_dir();
    snprintf(p->out_dir, sizeof p->out_dir, "%s/out", p->dir);
    snprintf(p->stdout_path, sizeof p->stdout_path, "%s/stdout", p->dir);
    snprintf(p->stderr_path, sizeof p->stderr_path, "%s/stderr", p->dir);
}

static void paths_free(struct paths *p)
{
    remove_tree(p->dir);
    free(p->dir);
}

/* The results are written into ".out.tmp-XXXXXX" beside out/ (outdir.h),
 * its timeseries.csv as the windows close. */
static bool run_started(const void *ctx)
{
    return has_file(ctx, ".out.tmp-");
}

static void interrupt_run(int sig, const char *name, const char *reps)
{
    struct paths p;
    paths_init(&p);
    char *file = write_text_file(p.dir, "long.json", LONG_RUN);
    const char *args[] = {"run", file, "--out", p.out_dir, "--reps", reps,
                          NULL};
    pid_t pid = spawn(args, p.stdout_path, p.stderr_path);
    wait_until(pid, run_started, p.dir);
    ck_assert_int_eq(kill(pid, sig), 0);
    ck_assert_int_eq(finish(pid), 128 + sig);

    /* every file is there, under its own name: no temporary left, in the
     * folder or beside it (nor the lock) */
    ck_assert(!has_file(p.out_dir, ".timeseries.csv.tmp-"));
    ck_assert(!has_file(p.out_dir, ".summary.json.tmp-"));
    ck_assert(!has_file(p.dir, ".out."));
    cJSON *s = read_json_in(p.out_dir, "summary.json");
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(s, "complete")));
    const char *reason = cJSON_GetStringValue(cJSON_GetObjectItem(s, "reason"));
    char expect[64];
    snprintf(expect, sizeof expect, "interrupted by %s at t = ", name);
    ck_assert_msg(strstr(reason, expect) != NULL, "%s", reason);
    ck_assert_msg(strstr(reason, " of none") != NULL, "%s", reason);
    ck_assert_msg(strstr(reason, "; not run: lock") != NULL, "%s", reason);
    cJSON *none = cJSON_GetArrayItem(cJSON_GetObjectItem(s, "policies"), 0);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(none, "complete")));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(s, "policies")), 1);
    cJSON_Delete(s);

    char path[700];
    snprintf(path, sizeof path, "%s/timeseries.csv", p.out_dir);
    char *text = read_text_file(path, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert(strncmp(text, "label,rep,t_s,", 14) == 0);
    ck_assert_ptr_nonnull(strstr(text, "\nnone,0,0,"));   /* a window */
    /* the file says it is incomplete itself: its last column, complete,
     * is 0 on every row */
    size_t rows = 0;
    for (char *line = strchr(text, '\n'); line && line[1];
         line = strchr(line + 1, '\n'), rows++) {
        char *end = strchr(line + 1, '\n');
        ck_assert_ptr_nonnull(end);
        ck_assert_msg(end - line > 2 && end[-2] == ',' && end[-1] == '0',
                      "row %zu does not end in ,0", rows + 1);
    }
    ck_assert_uint_gt(rows, 0);
    ck_assert(strstr(text, ",complete\n") != NULL);
    free(text);
    snprintf(path, sizeof path, "%s/scenario.json", p.out_dir);
    ck_assert(access(path, R_OK) == 0);

    /* the table of what it measured, and the reason on the last line */
    ck_assert(file_contains(p.stdout_path, "(incomplete)"));
    ck_assert(file_contains(p.stderr_path, "(incomplete: interrupted by"));
    free(file);
    paths_free(&p);
}

START_TEST(sigint_stops_a_run_and_keeps_what_it_measured)
{
    interrupt_run(SIGINT, "SIGINT", "1");
}
END_TEST

START_TEST(sigterm_stops_a_run_with_replications)
{
    interrupt_run(SIGTERM, "SIGTERM", "3");
}
END_TEST

static bool point_done(const void *ctx)
{
    return file_contains(ctx, " points done");
}

/* Whether a process other than this test's still has `marker` in its
 * command line: a worker left behind. */
static bool process_with(const char *marker)
{
    DIR *d = opendir("/proc");
    bool found = false;
    for (struct dirent *e; d && !found && (e = readdir(d));) {
        char path[300], cmd[4096];
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t n = fread(cmd, 1, sizeof cmd - 1, f);
        fclose(f);
        for (size_t i = 0; i < n; i++)
            if (cmd[i] == '\0')
                cmd[i] = ' ';
        cmd[n] = '\0';
        found = strstr(cmd, marker) != NULL;
    }
    if (d)
        closedir(d);
    return found;
}

static void interrupt_sweep(int sig, const char *jobs)
{
    struct paths p;
    paths_init(&p);
    char *file = write_text_file(p.dir, "point.json", SWEEP_POINT);
    const char *args[] = {"sweep", file, "--vary", "seed=1:40:40", "--reps",
                          "1", "-j", jobs, "--out", p.out_dir, "--no-plot",
                          NULL};
    pid_t pid = spawn(args, p.stdout_path, p.stderr_path);
    wait_until(pid, point_done, p.stderr_path);
    ck_assert_int_eq(kill(pid, sig), 0);
    ck_assert_int_eq(finish(pid), 128 + sig);

    char path[700];
    snprintf(path, sizeof path, "%s/sweep.csv", p.out_dir);
    char *text = read_text_file(path, NULL);
    ck_assert_ptr_nonnull(text);
    /* the header and every point: those that finished (at least one)
     * complete, the others there too, not run, so that the file says the
     * grid is not whole */
    ck_assert_uint_eq(count_lines(text), 41);
    ck_assert_ptr_nonnull(strstr(text, ",none,1,1,"));   /* complete */
    ck_assert_ptr_nonnull(strstr(text, ",none,0,0,"));   /* not run */
    free(text);
    ck_assert(file_contains(p.stderr_path, "(interrupted: the points not run "
                                           "are marked complete 0)"));
    ck_assert(!has_file(p.dir, ".out."));   /* no temporary, no lock */
    /* the workers are gone with their parent (give the kernel a moment to
     * reap them) */
    bool left = true;
    for (int i = 0; i < 100 && (left = process_with(p.out_dir)); i++)
        sleep_ms(20);
    ck_assert_msg(!left, "a worker of the sweep is still running");
    free(file);
    paths_free(&p);
}

START_TEST(sigint_stops_a_sweep_and_its_workers)
{
    interrupt_sweep(SIGINT, "2");
}
END_TEST

START_TEST(sigterm_stops_a_sweep_in_process)
{
    interrupt_sweep(SIGTERM, "1");
}
END_TEST

static bool runs_done(const void *ctx)
{
    return file_contains(ctx, " runs done");
}

static char *read_in(const char *dir, const char *name)
{
    char *path = path_in(dir, name);
    char *text = read_text_file(path, NULL);
    free(path);
    ck_assert_msg(text != NULL, "%s/%s", dir, name);
    return text;
}

/* An interrupted slice writes no partial: the one already in its folder
 * (of a finished slice) stays whole, and no temporary file is left. */
START_TEST(an_interrupted_slice_leaves_the_folder_as_it_was)
{
    struct paths p;
    paths_init(&p);
    char *file = write_text_file(p.dir, "point.json", SWEEP_POINT);
    const char *before[] = {"sweep", file, "--vary", "seed=1,2", "--reps", "1",
                            "--set", "duration=1s", "--shard", "1/2",
                            "--out", p.out_dir, "--quiet", NULL};
    struct cmd_result r = run_stampede(before);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    char *manifest = read_in(p.out_dir, "manifest.json");
    char *records = read_in(p.out_dir, "replications.jsonl");

    const char *args[] = {"sweep", file, "--vary", "seed=1:40:40", "--reps",
                          "1", "-j", "2", "--shard", "1/2", "--out",
                          p.out_dir, NULL};
    pid_t pid = spawn(args, p.stdout_path, p.stderr_path);
    wait_until(pid, runs_done, p.stderr_path);
    ck_assert_int_eq(kill(pid, SIGINT), 0);
    ck_assert_int_eq(finish(pid), 130);
    ck_assert(file_contains(p.stderr_path, "interrupted: slice 1/2 not "
                                           "written (run it again)"));
    char *now = read_in(p.out_dir, "manifest.json");
    ck_assert_str_eq(now, manifest);
    free(now);
    now = read_in(p.out_dir, "replications.jsonl");
    ck_assert_str_eq(now, records);
    free(now);
    ck_assert(!has_file(p.out_dir, ".replications.jsonl.tmp-"));
    ck_assert(!has_file(p.out_dir, ".manifest.json.tmp-"));
    free(manifest);
    free(records);
    free(file);
    paths_free(&p);
}
END_TEST

TEST_SUITE(signals_suite)
{
    Suite *s = suite_create("signals");
    TCase *tc = tcase_create("interrupted");
    tcase_add_test(tc, sigint_stops_a_run_and_keeps_what_it_measured);
    tcase_add_test(tc, sigterm_stops_a_run_with_replications);
    tcase_add_test(tc, sigint_stops_a_sweep_and_its_workers);
    tcase_add_test(tc, sigterm_stops_a_sweep_in_process);
    tcase_add_test(tc, an_interrupted_slice_leaves_the_folder_as_it_was);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
