/*
 * test_figure_text.c — what a reader sees of a figure's texts: no two
 * labels overprint, and the axes are labelled where values must be read
 * off. The scripts of plots/ draw SVG for an image named *.svg, the same
 * layout as their PNG with every text kept as text (tests/svg.h reads
 * where each went).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support.h"
#include "../svg.h"
#include "output/plot_input.h"

/* ---- the reader itself: a checker that finds nothing checks nothing ---- */

#define G(x, y, anchor, extra, body)                                         \
    "<g transform=\"translate(" x "," y ")\" stroke=\"none\" "               \
    "fill=\"black\" font-family=\"Sans\" font-size=\"10.00\"  text-anchor=\"" \
    anchor "\"" extra ">\n\t\t<text>" body "</text>\n\t</g>\n"

START_TEST(reader_finds_texts_and_overprints)
{
    /* "200" and "1000" centred 15 px apart at 10 pt (13.3 px): about 25
     * and 33 px wide, they overprint; a boxed label drawn twice counts
     * once; a rotated axis label over them is not a row of text */
    const char *svg =
        "<svg>\n"
        G("100.00", "50.00", "middle", "", "200")
        G("115.00", "50.00", "middle", "", "1000")
        G("300.00", "50.00", "start", " style='filter:url(#textbox)'",
          "a &amp; b")
        G("300.00", "50.00", "start", "", "a &amp; b")
        "<g transform=\"translate(100.00,52.00) rotate(270.00)\" "
        "font-size=\"10.00\"  text-anchor=\"middle\">\n<text>axis</text>\n"
        "</g>\n"
        G("500.00", "50.00", "end", "", "<tspan font-size=\"8\">x</tspan>")
        "</svg>\n";
    struct svg_texts t = svg_texts_parse(svg);
    ck_assert_uint_eq(t.n, 5);
    ck_assert_ptr_nonnull(svg_find(&t, "a & b"));
    ck_assert_ptr_nonnull(svg_find(&t, "x"));
    ck_assert(svg_find(&t, "axis")->rotated);
    const struct svg_text *e = svg_find(&t, "x");
    ck_assert(e->right == 500 && e->left < 500);
    char why[256];
    ck_assert(svg_overprint(&t, why, sizeof why));
    ck_assert_msg(strstr(why, "\"200\"") && strstr(why, "\"1000\""), "%s",
                  why);
    svg_texts_free(&t);
    /* 40 px apart they clear each other */
    const char *apart =
        "<svg \n width=\"600\" height=\"400\"\n>\n"
        G("100.00", "50.00", "middle", "", "200")
        G("140.00", "50.00", "middle", "", "1000") "</svg>\n";
    t = svg_texts_parse(apart);
    ck_assert_uint_eq(t.n, 2);
    ck_assert(t.width == 600 && t.height == 400);
    ck_assert(!svg_overprint(&t, NULL, 0));
    ck_assert(!svg_off_canvas(&t, NULL, 0));
    svg_texts_free(&t);
    /* a label ending at x = 5 that starts left of 0 runs off the figure */
    const char *cut =
        "<svg width=\"600\" height=\"400\">\n"
        G("5.00", "50.00", "end", "", "refresh_ahead") "</svg>\n";
    t = svg_texts_parse(cut);
    ck_assert(svg_off_canvas(&t, why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, "refresh_ahead"));
    svg_texts_free(&t);
}
END_TEST

/* ---- the sweep figure (plots/sweep.gp) ---- */

/* A sweep_figures.dat of one metric over `xs` for two labels: a ratio
 * between 0.5 and 0.9 (linear) or values ys[] (log). */
static char *sweep_data(const char *dir, const double *xs, const double *ys,
                        size_t n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    fprintf(out, "# x m_mean m_low m_high\n");
    for (int l = 0; l < 2; l++) {
        fprintf(out, "%s# label %s\n", l ? "\n\n" : "", l ? "lock" : "none");
        for (size_t i = 0; i < n; i++) {
            double y = ys ? ys[i] * (l + 1) : 0.5 + 0.4 * (double)i / (double)n;
            fprintf(out, " %g %g %g %g\n", xs[i], y, y * 0.9, y * 1.1);
        }
    }
    fclose(out);
    char *path = write_text_file(dir, "sweep_figures.dat", text);
    free(text);
    return path;
}

static struct svg_texts sweep_figure(const char *dir, const char *data,
                                     const char *axes)
{
    char *svg = path_in(dir, "sweep.svg");
    const char *args[] = {"-c", "plots/sweep.gp", data, svg,
                          "workload.arrivals.rate", "2", "metric (unit)",
                          "none lock", axes, "a title", NULL};
    struct svg_texts t = svg_render(args);
    free(svg);
    return t;
}

/* No two texts overprint, and none runs off the figure. */
static void assert_no_overprint(const struct svg_texts *t, const char *what)
{
    char why[512];
    ck_assert_msg(!svg_overprint(t, why, sizeof why), "%s: %s", what, why);
    ck_assert_msg(!svg_off_canvas(t, why, sizeof why), "%s: %s", what, why);
}

/* Each varied value gets its tic, labelled: the grid's points are read
 * off the axis, not guessed between gnuplot's own round tics (3 and 7
 * would fall between 2, 4, 6, 8). The values are read before the value
 * axis' range is set, which would otherwise filter them out. */
START_TEST(sweep_labels_each_value_of_the_grid)
{
    char *tmp = make_temp_dir();
    const double xs[] = {1, 3, 7, 10};
    char *data = sweep_data(tmp, xs, NULL, 4);
    struct svg_texts t = sweep_figure(tmp, data, "");
    for (size_t i = 0; i < 4; i++) {
        char label[16];
        snprintf(label, sizeof label, "%g", xs[i]);
        ck_assert_msg(svg_find(&t, label), "no tic label %s", label);
    }
    ck_assert_ptr_null(svg_find(&t, "6"));
    assert_no_overprint(&t, "sweep 1,3,7,10");
    svg_texts_free(&t);
    free(data);
    remove_tree(tmp);
    free(tmp);
}
END_TEST

/* Values chosen by decades on a linear axis crowd its left end: the
 * labels that would run into the last one drawn are left out, the ends
 * kept. On a log axis every one has room. */
START_TEST(sweep_value_labels_never_overprint)
{
    char *tmp = make_temp_dir();
    const double xs[] = {200, 1000, 3000, 10000, 30000};
    char *data = sweep_data(tmp, xs, NULL, 5);
    struct svg_texts t = sweep_figure(tmp, data, "");
    assert_no_overprint(&t, "linear axis");
    ck_assert_ptr_nonnull(svg_find(&t, "200"));
    ck_assert_ptr_nonnull(svg_find(&t, "30000"));
    svg_texts_free(&t);
    t = sweep_figure(tmp, data, "logx");
    assert_no_overprint(&t, "log axis");
    for (size_t i = 0; i < 5; i++) {
        char label[16];
        snprintf(label, sizeof label, "%g", xs[i]);
        ck_assert_msg(svg_find(&t, label), "log axis: no tic label %s",
                      label);
    }
    svg_texts_free(&t);
    free(data);
    remove_tree(tmp);
    free(tmp);
}
END_TEST

/* A log value axis over a decade or two is labelled at 1, 2 and 5 times
 * its powers of ten (a value of 300 can be read); over more, at its
 * decades alone. */
START_TEST(sweep_log_axis_labels_fit_its_span)
{
    char *tmp = make_temp_dir();
    const double xs[] = {1, 2, 3};
    const double narrow[] = {150, 300, 400};    /* x2: 150 .. 800 */
    char *data = sweep_data(tmp, xs, narrow, 3);
    struct svg_texts t = sweep_figure(tmp, data, "logy");
    const char *const labels[] = {"100", "200", "500", "1000"};
    for (size_t i = 0; i < 4; i++)
        ck_assert_msg(svg_find(&t, labels[i]), "no tic label %s", labels[i]);
    svg_texts_free(&t);
    free(data);
    const double wide[] = {1.5, 300, 4000};     /* 1.5 .. 8000 */
    data = sweep_data(tmp, xs, wide, 3);
    t = sweep_figure(tmp, data, "logy");
    ck_assert_ptr_nonnull(svg_find(&t, "1000"));
    ck_assert_ptr_null(svg_find(&t, "200"));
    assert_no_overprint(&t, "log axis over four decades");
    svg_texts_free(&t);
    free(data);
    remove_tree(tmp);
    free(tmp);
}
END_TEST

/* ---- the figures of a run ---- */

static const char *const RUN_FIGURES[] = {"hit_ratio", "db_load", "latency",
                                          "comparison"};

/* Every figure of the run in dir, as `stampede plot` draws it, with
 * `incidents` in place of the scenario's when not NULL. */
static void assert_run_figures_clear(const char *dir, const char *incidents)
{
    struct plot_input in;
    char err[512];
    ck_assert_msg(plot_input_read(dir, "auto", &in, err, sizeof err) ==
                  PLOT_INPUT_OK, "%s", err);
    for (size_t i = 0; i < 4; i++) {
        char script[64], name[64];
        snprintf(script, sizeof script, "plots/%s.gp", RUN_FIGURES[i]);
        snprintf(name, sizeof name, "%s.svg", RUN_FIGURES[i]);
        char *svg = path_in(dir, name);
        const char *args[] = {"-c", script, in.csv, svg, "", in.title,
                              in.labels, in.warmup, in.capacity,
                              incidents ? incidents : in.incidents, in.slo,
                              NULL};
        struct svg_texts t = svg_render(args);
        ck_assert_msg(t.n > 10, "%s: %zu texts", name, t.n);
        char what[600];
        snprintf(what, sizeof what, "%s of %s", name, dir);
        assert_no_overprint(&t, what);
        svg_texts_free(&t);
        free(svg);
    }
    plot_input_free(&in);
}

/* The library's recovery scenario: five incidents, an slo that three
 * policies keep, break and recover from, the reference lines in the
 * margin. Then the same run with incidents a second apart, whose labels
 * must stack in rows. */
START_TEST(run_figures_never_overprint)
{
    char *tmp = make_temp_dir();
    char *out = path_in(tmp, "recovery");
    const char *args[] = {"run", "recovery", "--quiet", "--out", out, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    assert_run_figures_clear(out, NULL);
    assert_run_figures_clear(out, "30 the primary fails over\n"
                                  "31 replica promoted\n32 cache flushed\n"
                                  "33 traffic back\n60 done\n");
    remove_tree(tmp);
    free(out);
    free(tmp);
}
END_TEST

/* ---- every figure of every command, as the binary draws it ---- */

/* Redraws every figure `args` made as SVG: none may overprint; returns
 * how many there were. `texts`, when not NULL, gets the texts of the
 * last. */
static size_t assert_figures_clear(const char *tmp, const char *const *args,
                                   struct svg_texts *texts)
{
    struct cmd_result r;
    struct gnuplot_calls c = svg_record(tmp, args, &r);
    ck_assert_msg(r.status == 0, "stampede %s: exit %d: %s", args[0],
                  r.status, r.err);
    cmd_result_free(&r);
    for (size_t k = 0; k < c.n; k++) {
        char *svg = path_in(tmp, "redrawn.svg");
        struct svg_texts t = svg_redraw(&c, k, svg);
        char what[512];
        snprintf(what, sizeof what, "stampede %s, %s", args[0],
                 c.args[k][1]);
        ck_assert_msg(t.n > 5, "%s: %zu texts", what, t.n);
        assert_no_overprint(&t, what);
        if (texts && k + 1 == c.n)
            *texts = t;
        else
            svg_texts_free(&t);
        free(svg);
    }
    size_t n = c.n;
    gnuplot_calls_free(&c);
    return n;
}

static const char SMALL[] =
    "{\"name\": \"small\", \"duration\": \"4s\", \"warmup\": \"1s\",\n"
    " \"cache\": {\"ttl\": \"1s\"},\n"
    " \"workload\": {\"arrivals\": {\"rate\": 300}},\n"
    " \"database\": {\"service\": \"20ms\"},\n"
    " \"slo\": {\"p99\": \"100ms\"},\n"
    " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"per\"}]}\n";

/* run --plot, a sweep over values chosen by decades, a calibration, a
 * comparison: each figure redrawn with the very arguments stampede gave
 * gnuplot. The calibration's panels are labelled from the registry, not
 * by their CSV columns. */
START_TEST(every_figure_of_every_command_has_clear_text)
{
    char *tmp = make_temp_dir();
    char *file = write_text_file(tmp, "small.json", SMALL);
    char *a = path_in(tmp, "a"), *b = path_in(tmp, "b");
    char *sweep = path_in(tmp, "sweep"), *cal = path_in(tmp, "cal");
    char *cmp = path_in(tmp, "cmp");
    const char *run[] = {"run", "recovery", "--plot", "--quiet", "--out", a,
                         NULL};
    ck_assert_uint_eq(assert_figures_clear(tmp, run, NULL), 4);
    /* nine policies, their labels as the SLO panel's tics */
    char *fleet = path_in(tmp, "fleet");
    const char *many[] = {"run", "fleet", "--plot", "--quiet", "--out", fleet,
                          NULL};
    ck_assert_uint_eq(assert_figures_clear(tmp, many, NULL), 4);
    free(fleet);
    const char *run_b[] = {"run", "recovery", "--quiet", "--out", b, "--set",
                           "database.cores=16", NULL};
    struct cmd_result r = run_stampede(run_b);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    const char *compare[] = {"compare", a, b, "--quiet", "--out", cmp, NULL};
    ck_assert_uint_eq(assert_figures_clear(tmp, compare, NULL), 1);
    const char *sw[] = {"sweep", file, "--vary",
                        "workload.arrivals.rate=100,300,1000,3000", "--reps",
                        "2", "-j", "2", "--quiet", "--out", sweep, NULL};
    ck_assert_uint_ge(assert_figures_clear(tmp, sw, NULL), 10);
    const char *calibrate[] = {"calibrate", file, "--policy", "per",
                               "--range", "0.5:4", "--reps", "2", "-j", "2",
                               "--quiet", "--out", cal, NULL};
    struct svg_texts t = {0};
    ck_assert_uint_eq(assert_figures_clear(tmp, calibrate, &t), 1);
    ck_assert_ptr_nonnull(svg_find(&t, "error rate"));
    ck_assert_ptr_nonnull(svg_find(&t, "recomputes per second"));
    ck_assert_ptr_null(svg_find(&t, "error_rate"));
    svg_texts_free(&t);
    remove_tree(tmp);
    free(cmp);
    free(cal);
    free(sweep);
    free(b);
    free(a);
    free(file);
    free(tmp);
}
END_TEST

TEST_SUITE(figure_text_suite)
{
    Suite *s = suite_create("figure_text");
    TCase *tc = tcase_create("figure text");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, reader_finds_texts_and_overprints);
    tcase_add_test(tc, sweep_labels_each_value_of_the_grid);
    tcase_add_test(tc, sweep_value_labels_never_overprint);
    tcase_add_test(tc, sweep_log_axis_labels_fit_its_span);
    tcase_add_test(tc, run_figures_never_overprint);
    tcase_add_test(tc, every_figure_of_every_command_has_clear_text);
    suite_add_tcase(s, tc);
    return s;
}
