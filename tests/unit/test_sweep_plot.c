/*
 * test_sweep_plot.c — the data the sweep figures are drawn from
 * (sim/output/sweep_plot.c): one block per label, its rows by increasing
 * value, bands clipped at the metric's bounds, and the log axis decision.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support.h"
#include "output/sweep_csv.h"
#include "output/sweep_plot.h"

static void set_value(struct run_summary *s, const char *path, double v)
{
    snprintf(s->values[s->n].path, sizeof s->values[s->n].path, "%s", path);
    s->values[s->n++].value = v;
}

/* One label's figures at a point: hit ratio and error rate, means and
 * half-widths. */
static void set_point(struct point_policy *pp, double hit, double hit_hw,
                      double err, double err_hw)
{
    memset(pp, 0, sizeof *pp);
    pp->agg.n = 3;
    set_value(&pp->agg.mean, "hit_ratio", hit);
    set_value(&pp->agg.ci95, "hit_ratio", hit_hw);
    set_value(&pp->agg.mean, "error_rate", err);
    set_value(&pp->agg.ci95, "error_rate", err_hw);
}

/* A sweep of database.cores over 3, 1, 2 (given out of order), two
 * labels; the point 1 has no hit ratio for "lock" (undefined). */
struct fixture {
    char *values[3];
    struct vary vary;
    struct sweep_params params;
    struct sweep_point points[3];
    struct point_policy pp[3][2];
    char *labels[2];
    struct sweep sweep;
};

static void make_fixture(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    f->values[0] = "3";
    f->values[1] = "1";
    f->values[2] = "2";
    snprintf(f->vary.path, sizeof f->vary.path, "database.cores");
    f->vary.values = f->values;
    f->vary.n = 3;
    f->params.varies = &f->vary;
    f->params.n_varies = 1;
    /* cores 3 */
    set_point(&f->pp[0][0], 0.98, 0.05, 0.01, 0.03);   /* clipped both */
    set_point(&f->pp[0][1], 0.97, 0.01, 0.00, 0.00);
    /* cores 1 */
    set_point(&f->pp[1][0], 0.50, 0.10, 0.20, 0.05);
    set_point(&f->pp[1][1], NAN, NAN, 0.10, NAN);      /* one replication */
    /* cores 2 */
    set_point(&f->pp[2][0], 0.80, 0.02, 0.05, 0.01);
    set_point(&f->pp[2][1], 0.90, 0.02, 0.02, 0.01);
    for (int k = 0; k < 3; k++)
        f->points[k] = (struct sweep_point){true, 2, f->pp[k]};
    f->labels[0] = "none";
    f->labels[1] = "lock";
    f->sweep = (struct sweep){3, f->points, f->labels, 2, false, false, 0};
}

/* The rows of the block of label `label`: each row's numbers. */
struct block {
    int n_rows;
    double rows[8][64];
    int n_cols;
};

static void read_block(const char *text, const char *label, struct block *b)
{
    char head[64];
    snprintf(head, sizeof head, "# label %s\n", label);
    const char *p = strstr(text, head);
    ck_assert_msg(p != NULL, "no block for %s in:\n%s", label, text);
    p += strlen(head);
    memset(b, 0, sizeof *b);
    while (*p && *p != '\n' && *p != '#') {
        const char *nl = strchr(p, '\n');
        ck_assert_ptr_nonnull(nl);
        char line[4096];
        snprintf(line, sizeof line, "%.*s", (int)(nl - p), p);
        char *q = line, *end;
        int c = 0;
        for (double v; (v = strtod(q, &end)), end != q; q = end)
            b->rows[b->n_rows][c++] = v;
        b->n_cols = c;
        b->n_rows++;
        p = nl + 1;
    }
}

START_TEST(one_block_per_label_in_value_order)
{
    struct fixture f;
    make_fixture(&f);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    sweep_plot_data(out, &f.params, &f.sweep);
    fclose(out);
    /* two blocks, separated by two blank lines (gnuplot's index) */
    ck_assert_ptr_nonnull(strstr(text, "\n\n\n# label lock\n"));
    ck_assert_ptr_eq(strstr(text, "# label none"),
                     strstr(text, "# label"));   /* none first */
    struct metric_info m[SWEEP_CSV_MAX_METRICS];
    size_t n_metrics = sweep_csv_metrics(m, SWEEP_CSV_MAX_METRICS, false);
    ck_assert_str_eq(m[0].field, "hit_ratio");
    ck_assert_str_eq(m[2].field, "error_rate");
    int hit = sweep_plot_column(0) - 1, err = sweep_plot_column(2) - 1;
    struct block none, lock;
    read_block(text, "none", &none);
    read_block(text, "lock", &lock);
    ck_assert_int_eq(none.n_rows, 3);
    ck_assert_int_eq(lock.n_rows, 3);
    ck_assert_int_eq(none.n_cols, 1 + 3 * (int)n_metrics);
    /* rows by increasing cores: 1, 2, 3 — each row of its own label */
    for (int r = 0; r < 3; r++) {
        ck_assert_double_eq(none.rows[r][0], r + 1);
        ck_assert_double_eq(lock.rows[r][0], r + 1);
    }
    ck_assert_double_eq_tol(none.rows[0][hit], 0.50, 1e-12);
    ck_assert_double_eq_tol(none.rows[1][hit], 0.80, 1e-12);
    ck_assert_double_eq_tol(lock.rows[1][hit], 0.90, 1e-12);
    /* the band: mean -+ half-width ... */
    ck_assert_double_eq_tol(none.rows[0][hit + 1], 0.40, 1e-12);
    ck_assert_double_eq_tol(none.rows[0][hit + 2], 0.60, 1e-12);
    /* ... clipped at 1 for a ratio, at 0 for every metric */
    ck_assert_double_eq_tol(none.rows[2][hit + 1], 0.93, 1e-12);
    ck_assert_double_eq(none.rows[2][hit + 2], 1);
    ck_assert_double_eq(none.rows[2][err + 1], 0);
    ck_assert_double_eq_tol(none.rows[2][err + 2], 0.04, 1e-12);
    /* one replication: the band is the mean */
    ck_assert_double_eq_tol(lock.rows[0][err + 1], 0.10, 1e-12);
    ck_assert_double_eq_tol(lock.rows[0][err + 2], 0.10, 1e-12);
    /* an undefined mean is lock's own gap at cores 1, nobody else's */
    ck_assert(isnan(lock.rows[0][hit]));
    for (int r = 0; r < 3; r++)
        ck_assert(!isnan(none.rows[r][hit]));
    ck_assert(!isnan(lock.rows[1][hit]) && !isnan(lock.rows[2][hit]));
    free(text);
}
END_TEST

START_TEST(log_axis_where_a_metric_spans_decades)
{
    struct fixture f;
    make_fixture(&f);
    struct metric_info hit, err;
    ck_assert(metric_find("hit_ratio", &hit));
    ck_assert(metric_find("error_rate", &err));
    /* hit ratio 0.5 .. 0.98: a factor 2, linear */
    ck_assert(!sweep_plot_log_y(&f.sweep, &hit, AXIS_AUTO));
    ck_assert(sweep_plot_log_y(&f.sweep, &hit, AXIS_LOG));
    /* error rate has a 0: no log axis for it unless asked */
    ck_assert(!sweep_plot_log_y(&f.sweep, &err, AXIS_AUTO));
    /* without the 0, 0.01 .. 0.2 is a factor 20: still linear; at 0.006
     * the smallest is 1/33 of the largest: log */
    set_point(&f.pp[0][1], 0.97, 0.01, 0.01, 0.0);
    ck_assert(!sweep_plot_log_y(&f.sweep, &err, AXIS_AUTO));
    set_point(&f.pp[0][1], 0.97, 0.01, 0.006, 0.0);
    ck_assert(sweep_plot_log_y(&f.sweep, &err, AXIS_AUTO));
    ck_assert(!sweep_plot_log_y(&f.sweep, &err, AXIS_LINEAR));
}
END_TEST

/* The varied value's axis: log for a log grid, or for a list of values
 * chosen by decades; linear for a linear grid whatever its span, and
 * for a value of 0. */
START_TEST(log_value_axis_for_grids_by_decades)
{
    struct fixture f;
    make_fixture(&f);
    /* cores 1, 2, 3: a factor 3 */
    ck_assert(!sweep_plot_log_x(&f.params, AXIS_AUTO));
    ck_assert(sweep_plot_log_x(&f.params, AXIS_LOG));
    /* 1, 2, 30: 30 times, given as a list */
    f.values[0] = "30";
    ck_assert(sweep_plot_log_x(&f.params, AXIS_AUTO));
    ck_assert(!sweep_plot_log_x(&f.params, AXIS_LINEAR));
    /* 1, 2, 29: not quite */
    f.values[0] = "29";
    ck_assert(!sweep_plot_log_x(&f.params, AXIS_AUTO));
    /* durations count by their seconds: 100ms .. 3s */
    f.values[0] = "100ms";
    f.values[1] = "1s";
    f.values[2] = "3s";
    ck_assert(sweep_plot_log_x(&f.params, AXIS_AUTO));
    /* the same span as a linear grid (lo:hi:n): the user spaced it so */
    struct vary v;
    char err[256];
    ck_assert(vary_parse("database.cores=1:100:5", &v, err, sizeof err));
    f.params.varies = &v;
    ck_assert(!sweep_plot_log_x(&f.params, AXIS_AUTO));
    ck_assert(sweep_plot_log_x(&f.params, AXIS_LOG));
    vary_free(&v);
    ck_assert(vary_parse("database.cores=1:4:3:log", &v, err, sizeof err));
    ck_assert(sweep_plot_log_x(&f.params, AXIS_AUTO));
    vary_free(&v);
    /* a 0 has no place on a log axis, even when asked */
    ck_assert(vary_parse("database.cores=0,10,100", &v, err, sizeof err));
    ck_assert(!sweep_plot_log_x(&f.params, AXIS_AUTO));
    ck_assert(!sweep_plot_log_x(&f.params, AXIS_LOG));
    vary_free(&v);
}
END_TEST

/* An axis' label: the registry's, its unit of time or rate added where
 * the label does not say it; a count's or a ratio's unit never. */
START_TEST(axis_labels_say_their_unit_once)
{
    static const struct {
        const char *unit, *label, *want;
    } CASES[] = {
        {"s", "stall", "stall (s)"},
        {"s", "stall (s)", "stall (s)"},
        {"ms", "p99 latency (ms)", "p99 latency (ms)"},
        {"ms", "wait", "wait (ms)"},
        {"1/s", "recomputes per second", "recomputes per second"},
        {"1/s", "cache commands/s", "cache commands/s"},
        {"1/s", "refreshes", "refreshes (per second)"},
        {"queries", "database queries", "database queries"},
        {"locks", "lock acquisitions", "lock acquisitions"},
        {"ratio", "hit ratio", "hit ratio"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        struct metric_info m = {.unit = CASES[i].unit,
                                .label = CASES[i].label};
        char out[128];
        plot_axis_label(&m, out, sizeof out);
        ck_assert_str_eq(out, CASES[i].want);
    }
    /* and from the registry itself */
    struct metric_info m;
    char out[128];
    ck_assert(metric_find("latency_ms.p99", &m));
    plot_axis_label(&m, out, sizeof out);
    ck_assert_str_eq(out, "p99 latency (ms)");
}
END_TEST

/* Through the binary: a sweep of two policies over an unsorted grid. */
static const char SCENARIO[] =
    "{\"duration\": \"4s\", \"cache\": {\"ttl\": \"1s\"},\n"
    " \"workload\": {\"arrivals\": {\"rate\": 300}},\n"
    " \"database\": {\"service\": \"20ms\"},\n"
    " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"lock\"}]}\n";

START_TEST(a_sweeps_figure_data_has_no_interleaved_rows)
{
    char *tmp = make_temp_dir();
    char *file = write_text_file(tmp, "s.json", SCENARIO);
    char *out = path_in(tmp, "out");
    const char *args[] = {"sweep", file, "--vary", "database.cores=4,1,2",
                          "--reps", "2", "-j", "2", "--quiet", "--out", out,
                          NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    char *data = path_in(out, "sweep_figures.dat");
    char *text = read_text_file(data, NULL);
    ck_assert_ptr_nonnull(text);
    int hit = sweep_plot_column(0) - 1;
    const char *labels[] = {"none", "lock"};
    for (int l = 0; l < 2; l++) {
        struct block b;
        read_block(text, labels[l], &b);
        ck_assert_int_eq(b.n_rows, 3);
        double cores[] = {1, 2, 4};
        for (int k = 0; k < 3; k++) {
            ck_assert_double_eq(b.rows[k][0], cores[k]);
            ck_assert_msg(!isnan(b.rows[k][hit]), "%s: no hit ratio at %g",
                          labels[l], cores[k]);
            ck_assert(b.rows[k][hit + 1] <= b.rows[k][hit] &&
                      b.rows[k][hit] <= b.rows[k][hit + 2]);
            ck_assert(b.rows[k][hit + 1] >= 0 && b.rows[k][hit + 2] <= 1);
        }
    }
    /* the figures are there, drawn from it */
    char *png = path_in(out, "sweep_hit_ratio.png");
    uint32_t w, h;
    test_png_size(png, &w, &h);
    free(png);
    free(text);
    free(data);
    remove_tree(tmp);
    free(out);
    free(file);
    free(tmp);
}
END_TEST

TEST_SUITE(sweep_plot_suite)
{
    Suite *s = suite_create("sweep_plot");
    TCase *tc = tcase_create("figure data");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, one_block_per_label_in_value_order);
    tcase_add_test(tc, log_axis_where_a_metric_spans_decades);
    tcase_add_test(tc, log_value_axis_for_grids_by_decades);
    tcase_add_test(tc, axis_labels_say_their_unit_once);
    tcase_add_test(tc, a_sweeps_figure_data_has_no_interleaved_rows);
    suite_add_tcase(s, tc);
    return s;
}
