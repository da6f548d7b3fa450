/*
 * test_outdir.c — results directories written whole (sim/output/outdir.c):
 * a rerun replaces everything the earlier one left, a failed one leaves
 * it, and a directory holding what stampede did not write is never
 * touched.
 */
#define _GNU_SOURCE   /* asprintf */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support.h"
#include "output/outdir.h"

extern char **environ;

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static bool exists(const char *dir, const char *name)
{
    char *path = path_in(dir, name);
    struct stat st;
    bool yes = stat(path, &st) == 0;
    free(path);
    return yes;
}

/* Whether the run writing DIR/out has measured something: a window's
 * row has reached the timeseries it streams (".timeseries.csv.tmp-..."),
 * in the folder it fills beside out (".out.tmp-..."). A signal before
 * that leaves out as it was. */
static bool series_started(const char *folder)
{
    DIR *d = opendir(folder);
    if (!d)
        return false;
    bool yes = false;
    for (struct dirent *e; !yes && (e = readdir(d));) {
        if (!strstr(e->d_name, "timeseries.csv"))
            continue;
        char *csv = path_in(folder, e->d_name);
        struct stat st;
        yes = stat(csv, &st) == 0 && st.st_size > 0;
        free(csv);
    }
    closedir(d);
    return yes;
}

static bool run_under_way(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    bool yes = false;
    for (struct dirent *e; !yes && (e = readdir(d));) {
        if (strncmp(e->d_name, ".out.tmp-", 9) != 0)
            continue;
        char *tmp = path_in(dir, e->d_name);
        yes = series_started(tmp);
        free(tmp);
    }
    closedir(d);
    return yes;
}

START_TEST(commit_replaces_every_earlier_file)
{
    char *tmp = make_temp_dir();
    char *dir = path_in(tmp, "results");
    char err[512];
    struct outdir d;
    /* a first run: two files */
    ck_assert_msg(outdir_begin(&d, dir, err, sizeof err), "%s", err);
    free(write_text_file(d.tmp, "summary.json", "{}"));
    free(write_text_file(d.tmp, "latency.png", "old figure"));
    ck_assert(!exists(dir, "summary.json"));   /* nothing until commit */
    ck_assert_msg(outdir_commit(&d, err, sizeof err), "%s", err);
    outdir_abort(&d);
    ck_assert(exists(dir, "latency.png"));
    /* the rerun writes one file: the figure of the first is gone */
    ck_assert_msg(outdir_begin(&d, dir, err, sizeof err), "%s", err);
    free(write_text_file(d.tmp, "summary.json", "{\"new\": 1}"));
    ck_assert_msg(outdir_commit(&d, err, sizeof err), "%s", err);
    outdir_abort(&d);
    ck_assert_int_eq(count_entries(dir), 1);
    char *summary = path_in(dir, "summary.json");
    char *text = read_text_file(summary, NULL);
    ck_assert_str_eq(text, "{\"new\": 1}");
    /* and no temporary directory is left beside it */
    ck_assert_int_eq(count_entries(tmp), 1);
    free(text);
    free(summary);
    remove_tree(tmp);
    free(dir);
    free(tmp);
}
END_TEST

START_TEST(abort_leaves_the_earlier_results)
{
    char *tmp = make_temp_dir();
    char *dir = path_in(tmp, "results");
    char err[512];
    struct outdir d;
    ck_assert(outdir_begin(&d, dir, err, sizeof err));
    free(write_text_file(d.tmp, "sweep.csv", "a\n"));
    ck_assert(outdir_commit(&d, err, sizeof err));
    outdir_abort(&d);
    ck_assert(outdir_begin(&d, dir, err, sizeof err));
    free(write_text_file(d.tmp, "sweep.csv", "b\n"));
    outdir_abort(&d);
    char *csv = path_in(dir, "sweep.csv");
    char *text = read_text_file(csv, NULL);
    ck_assert_str_eq(text, "a\n");
    ck_assert_int_eq(count_entries(tmp), 1);
    free(text);
    free(csv);
    remove_tree(tmp);
    free(dir);
    free(tmp);
}
END_TEST

/* A directory holding a file stampede does not write, or a
 * subdirectory, is refused before and at the commit: nothing of it is
 * removed. */
START_TEST(foreign_files_are_never_removed)
{
    char *tmp = make_temp_dir();
    char err[512];
    ck_assert(outdir_check(tmp, err, sizeof err));   /* empty */
    free(write_text_file(tmp, "timeseries.csv", "x"));
    free(write_text_file(tmp, ".summary.json.tmp-ab12cd", "x"));
    /* a slice's partial result (run --shard) is stampede's too */
    free(write_text_file(tmp, "manifest.json", "x"));
    free(write_text_file(tmp, "replications.jsonl", "x"));
    ck_assert(outdir_check(tmp, err, sizeof err));   /* all ours */
    free(write_text_file(tmp, "notes.txt", "mine"));
    ck_assert(!outdir_check(tmp, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "notes.txt"));
    struct outdir d;
    ck_assert(!outdir_begin(&d, tmp, err, sizeof err));

    /* appears between begin and commit: the commit refuses */
    char *dir = path_in(tmp, "sub");
    ck_assert(outdir_begin(&d, dir, err, sizeof err));
    ck_assert(outdir_commit(&d, err, sizeof err));   /* sub/ created empty */
    outdir_abort(&d);
    ck_assert(outdir_begin(&d, dir, err, sizeof err));
    char *inner = path_in(dir, "keep");
    ck_assert_int_eq(mkdir(inner, 0777), 0);
    ck_assert(!outdir_commit(&d, err, sizeof err));
    outdir_abort(&d);
    ck_assert(exists(dir, "keep"));
    ck_assert(!outdir_check(dir, err, sizeof err));
    free(inner);
    free(dir);
    ck_assert(exists(tmp, "notes.txt"));
    remove_tree(tmp);
    free(tmp);
}
END_TEST

static const char SMALL[] =
    "{\"duration\": \"3s\", \"cache\": {\"ttl\": \"1s\"},\n"
    " \"workload\": {\"arrivals\": {\"rate\": 100}},\n"
    " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"lock\"}]}\n";

/* Through the binary: a sweep with its figures, then a run into the same
 * folder: only the run's files remain. */
START_TEST(rerun_into_a_folder_leaves_no_stale_file)
{
    char *tmp = make_temp_dir();
    char *file = write_text_file(tmp, "small.json", SMALL);
    char *out = path_in(tmp, "out");
    const char *sweep[] = {"sweep", file, "--vary", "database.cores=1,2",
                           "--reps", "1", "-j", "1", "--quiet", "--out", out,
                           NULL};
    struct cmd_result r = run_stampede(sweep);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    ck_assert(exists(out, "sweep.csv"));
    ck_assert(exists(out, "sweep_hit_ratio.png"));
    const char *run[] = {"run", file, "--quiet", "--out", out, NULL};
    r = run_stampede(run);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    ck_assert_int_eq(count_entries(out), 3);
    ck_assert(exists(out, "timeseries.csv"));
    ck_assert(exists(out, "summary.json"));
    ck_assert(exists(out, "scenario.json"));
    /* a run with figures, then one without: no figure remains */
    const char *plot[] = {"run", file, "--quiet", "--plot", "--out", out,
                          NULL};
    r = run_stampede(plot);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    ck_assert(exists(out, "comparison.png"));
    r = run_stampede(run);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    ck_assert_int_eq(count_entries(out), 3);
    ck_assert_int_eq(count_entries(tmp), 2);   /* small.json, out */
    remove_tree(tmp);
    free(out);
    free(file);
    free(tmp);
}
END_TEST

START_TEST(out_refuses_a_stream_and_foreign_folders)
{
    char *tmp = make_temp_dir();
    char *file = write_text_file(tmp, "small.json", SMALL);
    const char *dash[] = {"run", file, "--out", "-", NULL};
    struct cmd_result r = run_stampede(dash);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "stampede run: --out -: the results "
                                        "are files in a directory"));
    ck_assert_str_eq(r.out, "");
    cmd_result_free(&r);
    ck_assert_int_eq(count_entries(tmp), 1);   /* no folder named "-" */
    /* the folder holding the scenario itself is not ours to replace */
    const char *here[] = {"run", file, "--out", tmp, NULL};
    r = run_stampede(here);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "small.json\", which stampede did "
                                        "not write"));
    cmd_result_free(&r);
    ck_assert_int_eq(count_entries(tmp), 1);
    remove_tree(tmp);
    free(file);
    free(tmp);
}
END_TEST

/* One writer per folder: while a command holds DIR, another is refused
 * at once, told the holder's PID; once it is done, the next one may. */
START_TEST(one_writer_at_a_time)
{
    char *tmp = make_temp_dir();
    char *dir = path_in(tmp, "results");
    char err[512], expect[512];
    struct outdir a, b;
    ck_assert_msg(outdir_begin(&a, dir, err, sizeof err), "%s", err);
    ck_assert(exists(tmp, ".results.lock"));
    ck_assert(!outdir_begin(&b, dir, err, sizeof err));
    snprintf(expect, sizeof expect, "%s: another stampede (PID %ld) is "
             "writing these results; wait for it to finish, or give another "
             "--out", dir, (long)getpid());
    ck_assert_str_eq(err, expect);
    /* an in-place writer (plot, report) too */
    struct dirlock l;
    ck_assert(!outdir_lock_in_place(&l, dir, err, sizeof err));
    ck_assert_str_eq(err, expect);
    ck_assert_msg(outdir_commit(&a, err, sizeof err), "%s", err);
    ck_assert_str_eq(a.path, dir);   /* kept for messages */
    outdir_abort(&a);
    ck_assert_msg(outdir_begin(&b, dir, err, sizeof err), "%s", err);
    outdir_abort(&b);
    /* nothing of the writers is left beside the results */
    ck_assert_int_eq(count_entries(tmp), 1);
    remove_tree(tmp);
    free(dir);
    free(tmp);
}
END_TEST

/* What a writer killed by SIGKILL left (its temporary folder, its lock
 * file with a PID that is no more) the next writer on that folder
 * removes; what belongs to another folder it leaves. */
START_TEST(the_next_writer_removes_what_a_kill_left)
{
    char *tmp = make_temp_dir();
    char *dir = path_in(tmp, "results");
    char *killed = path_in(tmp, ".results.tmp-AbC123");
    ck_assert_int_eq(mkdir(killed, 0777), 0);
    free(write_text_file(killed, "timeseries.csv", "half"));
    free(write_text_file(killed, ".summary.json.tmp-xYz789", "half"));
    free(write_text_file(tmp, ".results.lock", "999999999\n"));
    free(write_text_file(tmp, ".results2.tmp-AbC123", "another folder's"));
    free(write_text_file(tmp, ".results.tmp-too-long", "not a temporary"));
    char err[512];
    struct outdir d;
    ck_assert_msg(outdir_begin(&d, dir, err, sizeof err), "%s", err);
    ck_assert(!exists(tmp, ".results.tmp-AbC123"));
    ck_assert(exists(tmp, ".results2.tmp-AbC123"));
    ck_assert(exists(tmp, ".results.tmp-too-long"));
    ck_assert_msg(outdir_commit(&d, err, sizeof err), "%s", err);
    outdir_abort(&d);
    ck_assert(!exists(tmp, ".results.lock"));
    /* in place: an output file's temporaries inside the folder go, the
     * folder's files stay */
    free(write_text_file(dir, "summary.json", "{}"));
    free(write_text_file(dir, ".hit_ratio.png.tmp-q1w2e3", "half"));
    struct dirlock l;
    ck_assert_msg(outdir_lock_in_place(&l, dir, err, sizeof err), "%s", err);
    dirlock_release(&l);
    ck_assert(!exists(dir, ".hit_ratio.png.tmp-q1w2e3"));
    ck_assert(exists(dir, "summary.json"));
    ck_assert_int_eq(count_entries(tmp), 3);
    remove_tree(tmp);
    free(killed);
    free(dir);
    free(tmp);
}
END_TEST

/* A write that fails leaves DIR as it was and keeps the new files aside,
 * in DIR.unfinished-PID; the message names the file where the user looks
 * for it (in DIR, not in the temporary folder) and where the new files
 * went. Nothing written: nothing kept. */
START_TEST(a_failed_write_keeps_the_new_results_aside)
{
    char *tmp = make_temp_dir();
    char *dir = path_in(tmp, "results");
    char err[1024], why[512], expect[1024];
    struct outdir d;
    /* the folder did not exist: it is not created */
    ck_assert(outdir_begin(&d, dir, err, sizeof err));
    snprintf(why, sizeof why, "%s/summary.json: cannot write: File too large",
             d.tmp);
    outdir_fail(&d, why, err, sizeof err);
    snprintf(expect, sizeof expect, "%s/summary.json: cannot write: File too "
             "large; %s is not created", dir, dir);
    ck_assert_str_eq(err, expect);
    ck_assert_ptr_null(d.tmp);
    outdir_abort(&d);
    ck_assert_int_eq(count_entries(tmp), 0);
    /* earlier results, and new files written before the failure */
    ck_assert(outdir_begin(&d, dir, err, sizeof err));
    free(write_text_file(d.tmp, "summary.json", "old"));
    ck_assert(outdir_commit(&d, err, sizeof err));
    outdir_abort(&d);
    ck_assert(outdir_begin(&d, dir, err, sizeof err));
    free(write_text_file(d.tmp, "timeseries.csv", "new"));
    snprintf(why, sizeof why, "%s/summary.json: cannot write: No space left "
             "on device", d.tmp);
    outdir_fail(&d, why, err, sizeof err);
    outdir_abort(&d);
    char *kept;
    ck_assert(asprintf(&kept, "%s.unfinished-%ld", dir, (long)getpid()) > 0);
    snprintf(expect, sizeof expect, "%s/summary.json: cannot write: No space "
             "left on device; %s is left as it was; what was written is in %s",
             dir, dir, kept);
    ck_assert_str_eq(err, expect);
    char *old = path_in(dir, "summary.json");
    char *text = read_text_file(old, NULL);
    ck_assert_str_eq(text, "old");
    ck_assert_int_eq(count_entries(dir), 1);
    ck_assert(exists(kept, "timeseries.csv"));
    /* results, kept folder; no temporary, no lock */
    ck_assert_int_eq(count_entries(tmp), 2);
    /* a second failure never writes over the first one's */
    ck_assert(outdir_begin(&d, dir, err, sizeof err));
    free(write_text_file(d.tmp, "timeseries.csv", "newer"));
    outdir_fail(&d, "full", err, sizeof err);
    outdir_abort(&d);
    ck_assert_ptr_nonnull(strstr(err, "unfinished-"));
    ck_assert_int_eq(count_entries(tmp), 3);
    free(text);
    free(old);
    free(kept);
    remove_tree(tmp);
    free(dir);
    free(tmp);
}
END_TEST

/* Through the binary: a second command into a folder a long run is
 * writing is refused at once (exit 1, the PID), and the first finishes
 * as if nothing happened. */
START_TEST(a_second_command_is_refused_at_once)
{
    char *tmp = make_temp_dir();
    char *file = write_text_file(tmp, "long.json",
                                 "{\"duration\": \"10h\", \"workload\": "
                                 "{\"arrivals\": {\"rate\": 20000}}}");
    char *out = path_in(tmp, "out");
    const char *first[] = {"run", file, "--quiet", "--out", out, NULL};
    char **argv = stampede_argv(first);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    ck_assert_int_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    free(argv);
    int waited = 0;
    while (waited < 3000 && !run_under_way(tmp)) {
        usleep(10000);
        waited++;
    }
    ck_assert_msg(waited < 3000, "the first run measured nothing in 30 s");
    ck_assert(exists(tmp, ".out.lock"));
    const char *second[] = {"run", file, "--quiet", "--out", out, NULL};
    struct cmd_result r = run_stampede(second);
    char expect[600];
    snprintf(expect, sizeof expect, "stampede run: %s: another stampede (PID "
             "%ld) is writing these results", out, (long)pid);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, expect) != NULL, "%s", r.err);
    cmd_result_free(&r);
    const char *sweep[] = {"sweep", file, "--vary", "seed=1,2", "--quiet",
                           "--out", out, NULL};
    r = run_stampede(sweep);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "is writing these results"));
    cmd_result_free(&r);
    ck_assert_int_eq(kill(pid, SIGTERM), 0);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGTERM);
    ck_assert(exists(out, "summary.json"));
    ck_assert_int_eq(count_entries(tmp), 2);   /* long.json, out */
    remove_tree(tmp);
    free(out);
    free(file);
    free(tmp);
}
END_TEST

/* --out that cannot be written is found before any work, for every
 * command that writes results (sysfs refuses even root). */
START_TEST(an_unwritable_out_is_refused_before_any_work)
{
    char *tmp = make_temp_dir();
    char *file = write_text_file(tmp, "small.json", SMALL);
    const char *out = "/sys/kernel/stampede-test-out";
    const char *cmds[][14] = {
        {"run", file, "--out", out, NULL},
        {"sweep", file, "--vary", "database.cores=1,2", "--reps", "1", "--out",
         out, NULL},
        {"calibrate", file, "--policy", "lock", "--range", "1s:2s", "--out",
         out, NULL},
        {"compare", tmp, tmp, "--out", out, NULL},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        struct cmd_result r = run_stampede(cmds[i]);
        ck_assert_msg(r.status == 1, "%s: exit %d: %s", cmds[i][0], r.status,
                      r.err);
        ck_assert_msg(strstr(r.err, "cannot write beside it") != NULL,
                      "%s: %s", cmds[i][0], r.err);
        /* nothing ran: no progress, no table */
        ck_assert_msg(!strstr(r.err, "simulated") && !strstr(r.err, "done"),
                      "%s: %s", cmds[i][0], r.err);
        ck_assert_str_eq(r.out, "");
        cmd_result_free(&r);
    }
    remove_tree(tmp);
    free(file);
    free(tmp);
}
END_TEST

/* Runs the binary with `args`, stdout into `out_path`, stderr into
 * `err_path`, under a file size limit of `fsize` bytes (0: none); its
 * exit status (128 + a signal that killed it). */
static int run_limited(const char *const *args, const char *out_path,
                       const char *err_path, rlim_t fsize)
{
    char **argv = stampede_argv(args);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(126);
        struct rlimit r = {fsize, fsize};
        if (fsize > 0 && setrlimit(RLIMIT_FSIZE, &r) != 0)
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    free(argv);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ulimit -f: the write that crosses it fails (SIGXFSZ does not kill the
 * command): a message naming the file as the user knows it, exit 1, the
 * earlier results as they were, no temporary file left. */
START_TEST(a_file_size_limit_names_the_file)
{
    char *tmp = make_temp_dir();
    char *file = write_text_file(tmp, "small.json", SMALL);
    char *out = path_in(tmp, "out");
    char *so = path_in(tmp, "stdout"), *se = path_in(tmp, "stderr");
    const char *first[] = {"run", file, "--quiet", "--out", out, NULL};
    ck_assert_int_eq(run_limited(first, so, se, 0), 0);
    char *csv = path_in(out, "timeseries.csv");
    char *old = read_text_file(csv, NULL);
    ck_assert_uint_gt(strlen(old), 1024);
    const char *again[] = {"run", file, "--quiet", "--seed", "2", "--out", out,
                           NULL};
    ck_assert_int_eq(run_limited(again, so, se, 1024), 1);
    char *err = read_text_file(se, NULL);
    char expect[600];
    snprintf(expect, sizeof expect, "stampede run: %s/timeseries.csv: cannot "
             "write: File too large; %s is left as it was\n", out, out);
    ck_assert_str_eq(err, expect);
    char *now = read_text_file(csv, NULL);
    ck_assert_str_eq(now, old);
    ck_assert_int_eq(count_entries(tmp), 4);   /* small.json, out, stdout,
                                                  stderr */
    free(now);
    free(err);
    free(old);
    free(csv);
    remove_tree(tmp);
    free(so);
    free(se);
    free(out);
    free(file);
    free(tmp);
}
END_TEST

/* What stdout gets is checked too: a table that could not be written (a
 * full disk) fails the command, saying why. */
START_TEST(a_stdout_that_cannot_be_written_fails)
{
    char *tmp = make_temp_dir();
    char *file = write_text_file(tmp, "small.json", SMALL);
    char *se = path_in(tmp, "stderr");
    const char *args[] = {"check", file, NULL};
    ck_assert_int_eq(run_limited(args, "/dev/full", se, 0), 1);
    char *err = read_text_file(se, NULL);
    ck_assert_str_eq(err, "stampede check: cannot write to standard output: "
                          "No space left on device\n");
    free(err);
    remove_tree(tmp);
    free(se);
    free(file);
    free(tmp);
}
END_TEST

TEST_SUITE(outdir_suite)
{
    Suite *s = suite_create("outdir");
    TCase *tc = tcase_create("results directories");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, commit_replaces_every_earlier_file);
    tcase_add_test(tc, abort_leaves_the_earlier_results);
    tcase_add_test(tc, foreign_files_are_never_removed);
    tcase_add_test(tc, rerun_into_a_folder_leaves_no_stale_file);
    tcase_add_test(tc, out_refuses_a_stream_and_foreign_folders);
    tcase_add_test(tc, one_writer_at_a_time);
    tcase_add_test(tc, the_next_writer_removes_what_a_kill_left);
    tcase_add_test(tc, a_failed_write_keeps_the_new_results_aside);
    tcase_add_test(tc, a_second_command_is_refused_at_once);
    tcase_add_test(tc, an_unwritable_out_is_refused_before_any_work);
    tcase_add_test(tc, a_file_size_limit_names_the_file);
    tcase_add_test(tc, a_stdout_that_cannot_be_written_fails);
    suite_add_tcase(s, tc);
    return s;
}
