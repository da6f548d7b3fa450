/*
 * test_outdir.c — results directories written whole (sim/output/outdir.c):
 * a rerun replaces everything the earlier one left, a failed one leaves
 * it, and a directory holding what stampede did not write is never
 * touched.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support.h"
#include "output/outdir.h"

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
    ck_assert(exists(dir, "latency.png"));
    /* the rerun writes one file: the figure of the first is gone */
    ck_assert_msg(outdir_begin(&d, dir, err, sizeof err), "%s", err);
    free(write_text_file(d.tmp, "summary.json", "{\"new\": 1}"));
    ck_assert_msg(outdir_commit(&d, err, sizeof err), "%s", err);
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
    ck_assert(outdir_begin(&d, dir, err, sizeof err));
    char *inner = path_in(dir, "keep");
    ck_assert_int_eq(mkdir(inner, 0777), 0);
    ck_assert(!outdir_commit(&d, err, sizeof err));
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
    suite_add_tcase(s, tc);
    return s;
}
