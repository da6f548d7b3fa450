/*
 * test_merge.c — `run --shard`, `sweep --shard` and `stampede merge`
 * through the command line (sim/cli/cmd_merge.c, sharded.c,
 * sim/output/merge.c): the slices of a sweep or of a run with
 * replications, merged, are the unsharded command's files byte for byte,
 * for N = 1, 3 and 7; partials that do not make one whole are refused,
 * with exit status 2, a message naming the folder and what differs, and
 * nothing written.
 *
 * The truth here is the unsharded command itself: the claim under test
 * is that sharding changes nothing, not what the numbers are (the
 * validation tests check those against theory).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support.h"

/* Three policies on one database core: with a low --max-in-flight some
 * replications of some points (of none, in the run) stop overloaded, so
 * the merge must also carry incomplete runs and their reasons. */
static const char SCENARIO[] =
    "{\"name\": \"sh\", \"duration\": \"2s\", \"window\": \"500ms\","
    " \"workload\": {\"arrivals\": {\"rate\": 400},"
    "  \"keys\": {\"count\": 5, \"popularity\": \"zipf\"}},"
    " \"cache\": {\"ttl\": \"1s\", \"ttl_jitter\": 0.5},"
    " \"database\": {\"cores\": 1, \"service\": {\"dist\": \"exponential\","
    "  \"mean\": \"20ms\"}},"
    " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"lock\"},"
    "  {\"policy\": \"per\"}]}";

#define MAX_ARGS 40

struct cmd {
    const char *args[MAX_ARGS];
    size_t n;
};

static void add(struct cmd *c, const char *arg)
{
    ck_assert_uint_lt(c->n + 1, MAX_ARGS);
    c->args[c->n++] = arg;
    c->args[c->n] = NULL;
}

/* Runs it; fails the test unless it exits 0. Returns its stdout. */
static char *run_ok(const struct cmd *c)
{
    struct cmd_result r = run_stampede(c->args);
    ck_assert_msg(r.status == 0, "%s %s: status %d: %s", c->args[0],
                  c->args[1], r.status, r.err);
    char *out = r.out;
    r.out = NULL;
    cmd_result_free(&r);
    return out;
}

/* Runs it; fails the test unless it exits 2 saying `says`. */
static void refused(const struct cmd *c, const char *says)
{
    struct cmd_result r = run_stampede(c->args);
    ck_assert_msg(r.status == 2, "status %d, not 2: %s", r.status, r.err);
    ck_assert_msg(strstr(r.err, says) != NULL, "'%s' not in: %s", says,
                  r.err);
    cmd_result_free(&r);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir, sorted (free each, then the array). */
static char **list(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "%s: no such folder", dir);
    char **names = NULL;
    *n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (*n + 1) * sizeof *names);
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, *n, sizeof *names, by_name);
    return names;
}

/* The same files, with the same bytes, in both folders. */
static void same_folders(const char *a, const char *b)
{
    size_t na, nb;
    char **fa = list(a, &na), **fb = list(b, &nb);
    ck_assert_msg(na == nb, "%s has %zu files, %s %zu", a, na, b, nb);
    for (size_t i = 0; i < na; i++) {
        ck_assert_str_eq(fa[i], fb[i]);
        char *pa = path_in(a, fa[i]), *pb = path_in(b, fb[i]);
        size_t la, lb;
        char *ta = read_text_file(pa, &la), *tb = read_text_file(pb, &lb);
        ck_assert_msg(ta && tb && la == lb && memcmp(ta, tb, la) == 0,
                      "%s and %s differ", pa, pb);
        free(ta);
        free(tb);
        free(pa);
        free(pb);
        free(fa[i]);
        free(fb[i]);
    }
    free(fa);
    free(fb);
}

/* `base` (the command and its options) with --shard I/N --out
 * dir/N/I for each I, then merge of the N into dir/merged-N; returns
 * merge's stdout. */
static char *shard_and_merge(const struct cmd *base, const char *dir,
                             unsigned n, const char *jobs)
{
    char slice[MAX_ARGS][32], outs[MAX_ARGS][600], merged[600];
    struct cmd merge = {{"merge"}, 1};
    ck_assert_uint_lt(n, MAX_ARGS - 8);
    for (unsigned i = 1; i <= n; i++) {
        struct cmd c = *base;
        snprintf(slice[i], sizeof slice[i], "%u/%u", i, n);
        snprintf(outs[i], sizeof outs[i], "%s/%u/%u", dir, n, i);
        add(&c, "--shard");
        add(&c, slice[i]);
        add(&c, "--out");
        add(&c, outs[i]);
        if (jobs) {
            add(&c, "-j");
            add(&c, jobs);
        }
        free(run_ok(&c));
    }
    /* in any order: the manifests say which slice each is */
    for (unsigned i = n; i >= 1; i--)
        add(&merge, outs[i]);
    snprintf(merged, sizeof merged, "%s/merged-%u", dir, n);
    add(&merge, "--out");
    add(&merge, merged);
    add(&merge, "--quiet");
    return run_ok(&merge);
}

/* Points of sweep.csv whose replications (the `reps` column) are `reps`
 * and whose `complete` column is `complete`, whatever their policy. */
static int points_with(const struct csv_table *csv, int reps, int complete)
{
    int n = 0;
    for (size_t row = 1; row < csv->rows; row++)
        n += csv_num(csv, row, "reps") == reps &&
             csv_num(csv, row, "complete") == complete;
    return n;
}

static void sweep_base(struct cmd *c, const char *file)
{
    *c = (struct cmd){{"sweep", file, "--vary", "database.cores=1,2,4",
                       "--vary", "policies[per].beta=0.5,2", "--reps", "3",
                       "--max", "worst_window.p99_ms=200", "--max-in-flight",
                       "12", "--no-plot", "--quiet"},
                      14};
}

START_TEST(sweep_slices_merge_to_the_whole_sweep)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", SCENARIO);
    struct cmd whole;
    sweep_base(&whole, file);
    char *whole_dir = path_in(dir, "whole");
    add(&whole, "--out");
    add(&whole, whole_dir);
    char *want = run_ok(&whole);
    /* the verdicts, and both complete and incomplete points to carry */
    char *csv_path = path_in(whole_dir, "sweep.csv");
    struct csv_table csv;
    csv_table_read(csv_path, &csv);
    /* which policy's points stop overloaded is the draws' doing: some
     * do, and the others run to their end (18 points: 3 cores x 2 betas
     * x 3 policies, 3 replications each) */
    int incomplete = points_with(&csv, 3, 0);
    int complete = points_with(&csv, 3, 1);
    ck_assert_int_ge(incomplete, 1);
    ck_assert_int_ge(complete, 1);
    ck_assert_int_eq(incomplete + complete, 18);
    ck_assert_ptr_nonnull(strstr(want, "database.cores=1"));
    static const unsigned N[] = {1, 3, 7};
    for (size_t k = 0; k < 3; k++) {
        struct cmd base;
        sweep_base(&base, file);
        char *got = shard_and_merge(&base, dir, N[k], k == 1 ? "2" : "1");
        char merged[600];
        snprintf(merged, sizeof merged, "%s/merged-%u", dir, N[k]);
        same_folders(whole_dir, merged);
        ck_assert_str_eq(got, want);
        free(got);
    }
    csv_table_free(&csv);
    free(csv_path);
    free(want);
    free(whole_dir);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

/* A single --vary of numbers: the sweep draws its figures, and so does
 * the merge, the same images. */
START_TEST(a_merged_sweep_draws_the_same_figures)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", SCENARIO);
    struct cmd base = {{"sweep", file, "--vary", "database.cores=1:3:3",
                        "--reps", "2", "--policy", "lock", "--quiet"},
                       9};
    struct cmd whole = base;
    char *whole_dir = path_in(dir, "whole");
    add(&whole, "--out");
    add(&whole, whole_dir);
    free(run_ok(&whole));
    char *png = path_in(whole_dir, "sweep_p99_ms.png");
    ck_assert(access(png, R_OK) == 0);
    free(shard_and_merge(&base, dir, 3, NULL));
    char *merged = path_in(dir, "merged-3");
    same_folders(whole_dir, merged);
    free(merged);
    free(png);
    free(whole_dir);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

/* The first point costs 40 times the others: with three workers the
 * later items finish first, and the slice still lists them in item
 * order, as with one. */
START_TEST(a_slice_is_the_same_for_any_workers)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", SCENARIO);
    char *one = path_in(dir, "one"), *three = path_in(dir, "three");
    struct cmd c = {{"sweep", file, "--vary",
                     "workload.arrivals.rate=8000,200,200,200,200,200",
                     "--reps", "1", "--policy", "lock", "--shard", "1/1",
                     "--quiet", "-j", "1", "--out", one},
                    15};
    free(run_ok(&c));
    c.args[12] = "3";
    c.args[14] = three;
    free(run_ok(&c));
    char *a = path_in(one, "replications.jsonl");
    char *b = path_in(three, "replications.jsonl");
    char *ta = read_text_file(a, NULL), *tb = read_text_file(b, NULL);
    ck_assert_ptr_nonnull(ta);
    ck_assert_ptr_nonnull(tb);
    ck_assert_str_eq(ta, tb);
    ck_assert_uint_eq(count_lines(ta), 6);
    ck_assert(strncmp(ta, "{\"item\":0,", 10) == 0);
    free(ta);
    free(tb);
    free(a);
    free(b);
    free(one);
    free(three);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

/* Queries of 200 ms at 400 req/s: the requests of a key's expiry pass
 * the limit of 8 in flight whatever the draws, so some runs stop
 * overloaded (with 20 ms ones that was a matter of the draws). */
static void run_base(struct cmd *c, const char *file)
{
    *c = (struct cmd){{"run", file, "--reps", "2", "--max-in-flight", "8",
                       "--set", "database.service.mean=200ms", "--quiet"},
                      9};
}

/* 3 policies x 2 replications: 6 items, so the seventh slice of 7 holds
 * none. */
START_TEST(run_slices_merge_to_the_whole_run)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", SCENARIO);
    struct cmd whole;
    run_base(&whole, file);
    char *whole_dir = path_in(dir, "whole");
    add(&whole, "--out");
    add(&whole, whole_dir);
    char *want = run_ok(&whole);
    ck_assert_ptr_nonnull(strstr(want, "(incomplete)"));
    static const unsigned N[] = {1, 3, 7};
    for (size_t k = 0; k < 3; k++) {
        struct cmd base;
        run_base(&base, file);
        char *got = shard_and_merge(&base, dir, N[k], NULL);
        char merged[600];
        snprintf(merged, sizeof merged, "%s/merged-%u", dir, N[k]);
        same_folders(whole_dir, merged);
        ck_assert_str_eq(got, want);
        free(got);
    }
    char *empty = path_in(dir, "7/7/replications.jsonl");
    char *text = read_text_file(empty, NULL);
    ck_assert_str_eq(text, "");
    free(text);
    free(empty);
    free(want);
    free(whole_dir);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

/* A merge writes its folder whole, as run and sweep do: a file of the
 * folder's earlier results does not outlive it, and a folder holding
 * someone else's file is refused before anything is written. */
START_TEST(merge_replaces_its_folder_whole)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", SCENARIO);
    struct cmd base;
    run_base(&base, file);
    free(shard_and_merge(&base, dir, 1, NULL));
    char *merged = path_in(dir, "merged-1");
    /* an earlier run's figure, which this merge does not draw */
    free(write_text_file(merged, "latency.png", "an old figure"));
    free(shard_and_merge(&base, dir, 1, NULL));
    char *stale = path_in(merged, "latency.png");
    ck_assert_msg(access(stale, F_OK) != 0, "%s outlived the merge", stale);
    char *mine = write_text_file(merged, "notes.txt", "mine");
    struct cmd again = {{"merge"}, 1};
    char *slice = path_in(dir, "1/1");
    add(&again, slice);
    add(&again, "--out");
    add(&again, merged);
    refused(&again, "holds \"notes.txt\", which stampede did not write");
    ck_assert_int_eq(access(mine, F_OK), 0);
    free(slice);
    free(mine);
    free(stale);
    free(merged);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

/* ---- refusals ---- */

static void copy_file(const char *from_dir, const char *to_dir,
                      const char *name)
{
    char *from = path_in(from_dir, name);
    size_t len;
    char *text = read_text_file(from, &len);
    ck_assert_ptr_nonnull(text);
    char *to = path_in(to_dir, name);
    FILE *fp = fopen(to, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
    fclose(fp);
    free(to);
    free(text);
    free(from);
}

/* A copy of a slice's folder, its file `name` (if any) replaced by
 * `text`. */
static char *copy_slice(const char *dir, const char *from, const char *to,
                        const char *name, const char *text)
{
    char *src = path_in(dir, from), *dst = path_in(dir, to);
    ck_assert_int_eq(mkdir(dst, 0777), 0);
    static const char *const FILES[] = {"manifest.json", "scenario.json",
                                        "replications.jsonl"};
    for (size_t i = 0; i < 3; i++)
        copy_file(src, dst, FILES[i]);
    if (name)
        free(write_text_file(dst, name, text));
    free(src);
    return dst;
}

/* The file with `from` replaced by `to` (the first time it appears). */
static char *edited(const char *dir, const char *slice, const char *name,
                    const char *from, const char *to)
{
    char *path = path_in(dir, slice);
    char *file = path_in(path, name);
    char *text = read_text_file(file, NULL);
    char *at = strstr(text, from);
    ck_assert_msg(at != NULL, "'%s' not in %s", from, file);
    char *out = malloc(strlen(text) + strlen(to) + 1);
    sprintf(out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    free(text);
    free(file);
    free(path);
    return out;
}

/* Slice `slice` of `n` of the small sweep, into dir/name, with extra
 * options. */
static void slice_into(const char *dir, const char *file, const char *name,
                       const char *slice, const char *const *extra)
{
    char *out = path_in(dir, name);
    struct cmd c = {{"sweep", file, "--vary", "database.cores=1,2,4", "--reps",
                     "2", "--policy", "lock", "--quiet", "--shard", slice,
                     "--out", out},
                    13};
    for (size_t i = 0; extra && extra[i]; i++)
        add(&c, extra[i]);
    free(run_ok(&c));
    free(out);
}

struct merge_case {
    const char *parts[5];
    const char *says;
};

START_TEST(merge_refuses_slices_that_are_not_one_whole)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", SCENARIO);
    slice_into(dir, file, "a1", "1/3", NULL);
    slice_into(dir, file, "a2", "2/3", NULL);
    slice_into(dir, file, "a3", "3/3", NULL);
    slice_into(dir, file, "seed", "2/3", (const char *[]){"--seed", "9", NULL});
    slice_into(dir, file, "reps", "2/3", (const char *[]){"--reps", "3", NULL});
    slice_into(dir, file, "grid", "2/3",
               (const char *[]){"--vary", "cache.ttl=1s,2s", NULL});
    slice_into(dir, file, "set", "2/3",
               (const char *[]){"--set", "duration=3s", NULL});
    slice_into(dir, file, "max", "2/3",
               (const char *[]){"--max", "error_rate=0.01", NULL});
    slice_into(dir, file, "of2", "2/2", NULL);
    slice_into(dir, file, "pol", "2/3",
               (const char *[]){"--policy", "none", NULL});
    slice_into(dir, file, "mif", "2/3",
               (const char *[]){"--max-in-flight", "50", NULL});
    char *run_out = path_in(dir, "run");
    struct cmd run = {{"run", file, "--reps", "2", "--shard", "2/3", "--out",
                       run_out, "--quiet"},
                      9};
    free(run_ok(&run));
    char *text = edited(dir, "a2", "manifest.json", "stampede 0.", "stampede 9.");
    free(copy_slice(dir, "a2", "version", "manifest.json", text));
    free(text);
    text = edited(dir, "a2", "manifest.json", "\"reps\": 2", "\"reps\": \"2\"");
    free(copy_slice(dir, "a2", "typo", "manifest.json", text));
    free(text);
    text = edited(dir, "a2", "scenario.json", "\"duration\": 2",
                  "\"duration\": 5");
    free(copy_slice(dir, "a2", "changed", "scenario.json", text));
    free(text);
    char *records = path_in(dir, "a2/replications.jsonl");
    text = read_text_file(records, NULL);
    *strchr(text, '\n') = '\0';   /* the first of its two lines only */
    strcat(text, "\n");
    free(copy_slice(dir, "a2", "short", "replications.jsonl", text));
    free(text);
    free(records);
    text = edited(dir, "a2", "replications.jsonl", "\"requests\":\"0x",
                  "\"requests\":\"0y");
    free(copy_slice(dir, "a2", "value", "replications.jsonl", text));
    free(text);
    text = edited(dir, "a2", "manifest.json", "\"held\": [\n      1,",
                  "\"held\": [\n      2,");
    free(copy_slice(dir, "a2", "held", "manifest.json", text));
    free(text);
    text = edited(dir, "a2", "manifest.json", "\"total\": 6",
                  "\"total\": 7");
    free(copy_slice(dir, "a2", "total", "manifest.json", text));
    free(text);
    records = path_in(dir, "a3/replications.jsonl");
    text = read_text_file(records, NULL);   /* slice 3's items in slice 2 */
    free(copy_slice(dir, "a2", "wrong", "replications.jsonl", text));
    free(text);
    free(records);
    text = edited(dir, "a2", "replications.jsonl", "{\"item\":1,",
                  "{\"item\":3,");
    free(copy_slice(dir, "a2", "item", "replications.jsonl", text));
    free(text);
    free(copy_slice(dir, "a2", "dup", NULL, NULL));
    char *empty = path_in(dir, "empty");
    ck_assert_int_eq(mkdir(empty, 0777), 0);

    const struct merge_case CASES[] = {
        {{"a1", "a3"}, "missing slice 2/3 of sh's sweep (run it with --shard "
                       "2/3, then merge all 3)"},
        {{"a2", "a3"}, "missing slice 1/3 of sh's sweep (run it with "
                       "--shard 1/3, then merge all 3)"},
        {{"a2"}, "missing slices 1/3, 3/3 of sh's sweep (run them with "
                 "--shard I/N, then merge all 3)"},
        {{"a1", "a2", "dup", "a3"}, "/a2 and "},
        {{"a1", "a2", "dup", "a3"}, "/dup are both slice 2/3"},
        {{"a1", "seed", "a3"}, "/seed: seed 9, but "},
        {{"a1", "reps", "a3"}, "/reps: 3 replications, but "},
        {{"a1", "grid", "a3"}, "/grid: grid --vary database.cores=1,2,4 --vary "
                               "cache.ttl=1s,2s, but "},
        {{"a1", "set", "a3"}, "/set: another scenario.json (sha256 "},
        {{"a1", "max", "a3"}, "/max: constraints --max error_rate=0.01, but "},
        {{"a1", "of2", "a3"}, "/of2 is a slice of 2, "},
        {{"a1", "pol", "a3"}, "/pol: policies lock, none, but "},
        {{"a1", "mif", "a3"}, "/mif: --max-in-flight 50, but "},
        {{"a1", "held", "a3"}, "/held/manifest.json: items.held: not the "
                               "items of slice 2/3"},
        {{"a1", "total", "a3"}, "/total/manifest.json: items.total: 7, but "
                                "its policies, grid and replications make 6"},
        {{"a1", "wrong", "a3"}, "/wrong/replications.jsonl:1: item 2 (lock, "
                                "replication 0) where item 1 (lock, "
                                "replication 1) belongs"},
        {{"a1", "item", "a3"}, "/item/replications.jsonl:1: item 3 (lock, "
                               "replication 1) where item 1 (lock, "
                               "replication 1) belongs"},
        {{"a1", "run", "a3"}, "/run is a slice of a run, "},
        {{"a1", "version", "a3"}, "/version: written by stampede 9."},
        {{"a1", "typo", "a3"}, "/typo/manifest.json:9:11: reps: expected an "
                               "integer between 1 and 10000, got \"2\""},
        {{"a1", "changed", "a3"}, "/changed/scenario.json: its sha256 is not "
                                  "the manifest's"},
        {{"a1", "short", "a3"}, "/short/replications.jsonl: ends before item "},
        {{"a1", "value", "a3"}, "/value/replications.jsonl:1: "
                                "summary.requests: expected a hex float"},
        {{"a1", "empty", "a3"}, "/empty: not a partial result (no "
                                "manifest.json"},
        {{"a1", "nowhere", "a3"}, "/nowhere: not a folder"},
    };
    char *out = path_in(dir, "out");
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        struct cmd c = {{"merge"}, 1};
        char *paths[5] = {0};
        for (size_t k = 0; k < 5 && CASES[i].parts[k]; k++) {
            paths[k] = path_in(dir, CASES[i].parts[k]);
            add(&c, paths[k]);
        }
        add(&c, "--out");
        add(&c, out);
        refused(&c, CASES[i].says);
        ck_assert_msg(access(out, F_OK) != 0, "case %zu wrote %s", i, out);
        for (size_t k = 0; k < 5; k++)
            free(paths[k]);
    }
    /* and the three right ones merge */
    struct cmd ok = {{"merge", NULL, NULL, NULL, "--out", out, "--quiet",
                      "--no-plot"},
                     8};
    char *a[3] = {path_in(dir, "a1"), path_in(dir, "a2"), path_in(dir, "a3")};
    for (size_t k = 0; k < 3; k++)
        ok.args[1 + k] = a[k];
    free(run_ok(&ok));
    for (size_t k = 0; k < 3; k++)
        free(a[k]);
    free(out);
    free(empty);
    free(run_out);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

/* A run's slice whose timeseries.csv lost a row, or has another header. */
START_TEST(merge_checks_a_runs_rows)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", SCENARIO);
    char *outs[2] = {path_in(dir, "r1"), path_in(dir, "r2")};
    const char *slices[2] = {"1/2", "2/2"};
    for (int i = 0; i < 2; i++) {
        struct cmd c = {{"run", file, "--reps", "2", "--policy", "lock",
                         "--shard", slices[i], "--out", outs[i], "--quiet"},
                        11};
        free(run_ok(&c));
    }
    char *csv = path_in(outs[1], "timeseries.csv");
    size_t len;
    char *text = read_text_file(csv, &len);
    char *last = text + len - 1;
    while (last > text && last[-1] != '\n')
        last--;
    *last = '\0';   /* without its last row */
    free(write_text_file(outs[1], "timeseries.csv", text));
    char *out = path_in(dir, "out");
    struct cmd c = {{"merge", outs[0], outs[1], "--out", out}, 5};
    refused(&c, "/r2/timeseries.csv:");
    refused(&c, ": expected row 4 of 4 of lock replication 1");
    ck_assert(access(out, F_OK) != 0);
    text[0] = 'L';   /* another header */
    free(write_text_file(outs[1], "timeseries.csv", text));
    refused(&c, "/r2/timeseries.csv:1: another header than ");
    free(text);
    free(csv);
    free(out);
    free(outs[0]);
    free(outs[1]);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

START_TEST(shard_options_are_checked)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", SCENARIO);
    static const struct {
        const char *args[8];
        const char *says;
    } CASES[] = {
        {{"run", "FILE", "--shard", "0/3"}, "stampede run: --shard: expected "
                                            "I/N, two whole numbers from 1 "
                                            "to 100000"},
        {{"run", "FILE", "--shard", "4/3"}, "the slice 4 of 3 does not exist"},
        {{"sweep", "FILE", "--vary", "database.cores=1,2", "--shard", "3"},
         "stampede sweep: --shard: expected I/N"},
        {{"run", "FILE", "--shard", "1/2", "--plot"},
         "--plot: a slice writes a partial result; give it to 'stampede "
         "merge'"},
        {{"run", "FILE", "--shard", "1/2", "--fail-on-slo"},
         "--fail-on-slo: a slice writes a partial result"},
        {{"merge"}, "which partial results?"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        struct cmd c = {{0}, 0};
        for (size_t k = 0; CASES[i].args[k]; k++)
            add(&c, strcmp(CASES[i].args[k], "FILE") ? CASES[i].args[k]
                                                     : file);
        refused(&c, CASES[i].says);
    }
    /* --fail-on-slo is a run's option */
    char *part = path_in(dir, "p");
    struct cmd s = {{"sweep", file, "--vary", "database.cores=1,2", "--reps",
                     "2", "--shard", "1/1", "--out", part, "--quiet"},
                    11};
    free(run_ok(&s));
    struct cmd m = {{"merge", part, "--fail-on-slo"}, 3};
    refused(&m, "--fail-on-slo: the partials are a sweep's");
    free(part);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

TEST_SUITE(merge_suite)
{
    Suite *s = suite_create("merge");
    TCase *tc = tcase_create("merge");
    tcase_add_test(tc, sweep_slices_merge_to_the_whole_sweep);
    tcase_add_test(tc, a_merged_sweep_draws_the_same_figures);
    tcase_add_test(tc, a_slice_is_the_same_for_any_workers);
    tcase_add_test(tc, run_slices_merge_to_the_whole_run);
    tcase_add_test(tc, merge_replaces_its_folder_whole);
    tcase_add_test(tc, merge_refuses_slices_that_are_not_one_whole);
    tcase_add_test(tc, merge_checks_a_runs_rows);
    tcase_add_test(tc, shard_options_are_checked);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
