/*
 * test_dist_data.c — distributions from data (sim/kernel/dist_data.c,
 * samples.c): the forms a spec takes, the stated drawing rules against
 * quantiles worked out by hand, and every mistake reported at its place.
 * (That draws reproduce the samples' quantiles statistically is a
 * validation test: test_inputs_theory.c.)
 */
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "kernel/dist.h"
#include "kernel/rng.h"

/* A spec parsed with its own cfg, which must outlive the dist (it keeps
 * the data). */
struct parsed {
    struct cfg cfg;
    struct dist d;
    bool ok;
};

static void parse(struct parsed *p, const char *json)
{
    cJSON *root = cJSON_Parse(json);
    ck_assert_msg(root != NULL, "%s", json);
    cfg_init(&p->cfg);
    struct cfg_obj o;
    cfg_open(&p->cfg, root, "", &o);
    struct dist def = dist_constant(1);
    p->ok = dist_parse(&o, "d", &p->d, &def) && cfg_ok(&p->cfg);
    cJSON_Delete(root);
}

static struct dist must(struct parsed *p, const char *json)
{
    p->d = test_dist(json, &p->cfg);
    p->ok = true;
    return p->d;
}

/* The first error of a spec that must fail: "PATH: MESSAGE", or
 * "FILE:LINE:COL: PATH: MESSAGE" for one inside a data file. */
static char *failure(const char *json)
{
    struct parsed p;
    parse(&p, json);
    ck_assert_msg(!p.ok, "accepted %s", json);
    const struct cfg_error *e = &p.cfg.errors[0];
    char *out = malloc(1024);
    if (e->file) {
        const char *base = strrchr(e->file, '/');
        snprintf(out, 1024, "%s:%ld:%ld: %s: %s", base ? base + 1 : e->file,
                 e->line, e->col, e->path, e->message);
    } else {
        snprintf(out, 1024, "%s: %s", e->path, e->message);
    }
    cfg_free(&p.cfg);
    return out;
}

static void expect_failure(const char *json, const char *message)
{
    char *got = failure(json);
    ck_assert_msg(strstr(got, message) != NULL, "%s\n  gave: %s\n  wanted: %s",
                  json, got, message);
    free(got);
}

/* Samples 1..5 ms given out of order: the p-quantile is the "type 7"
 * sample quantile, 1 ms + 4 ms * p, which is GSL's own. Mean and cv of
 * the piecewise-linear distribution by hand: each gap [a, b] holds a
 * quarter of the mass uniformly, E X = mean of (a + b)/2 = 3 ms, E X^2 =
 * mean of (a^2 + ab + b^2)/3 = 124/12 ms^2. */
START_TEST(empirical_draws_are_the_sample_quantiles)
{
    struct parsed p;
    struct dist d = must(&p, "{\"d\": {\"dist\": \"empirical\", \"samples\": "
                             "[5, 1, 3, \"2ms\", 4], \"unit\": \"ms\"}}");
    double sorted[] = {0.001, 0.002, 0.003, 0.004, 0.005};
    for (double q = 0; q < 1; q += 0.0625) {
        ck_assert_double_eq_tol(dist_quantile(&d, q), 0.001 + 0.004 * q,
                                1e-15);
        ck_assert_double_eq_tol(dist_quantile(&d, q),
                                gsl_stats_quantile_from_sorted_data(sorted, 1,
                                                                    5, q),
                                1e-15);
    }
    ck_assert_double_eq_tol(d.mean, 0.003, 1e-15);
    ck_assert_double_eq_tol(dist_cv(&d), sqrt(124.0 / 12 - 9) / 3, 1e-12);
    /* a draw is the quantile of one uniform number */
    gsl_rng *a = rng_stream_create(5, 0, "x"), *b = rng_stream_create(5, 0, "x");
    for (int i = 0; i < 1000; i++)
        ck_assert_double_eq(dist_sample(&d, a),
                            dist_quantile(&d, gsl_rng_uniform(b)));
    gsl_rng_free(a);
    gsl_rng_free(b);
    /* one sample is a constant */
    struct parsed q;
    struct dist one = must(&q, "{\"d\": {\"dist\": \"empirical\", "
                               "\"samples\": [\"7ms\"]}}");
    ck_assert_double_eq(dist_quantile(&one, 0.99), 0.007);
    ck_assert_double_eq(dist_cv(&one), 0);
    cfg_free(&q.cfg);
    cfg_free(&p.cfg);
}
END_TEST

/* Buckets le 1, 10, 100 ms, +Inf with cumulative counts 20, 70, 95, 100:
 * shares 0.2, 0.5, 0.25, 0.05. The rule: uniform in the first bucket
 * [0, 1 ms]; log-uniform in (lo, hi], so the p-quantile there is
 * lo (hi/lo)^v with v the fraction of the bucket's share below p; the
 * +Inf bucket at the last finite bound, 100 ms. */
START_TEST(buckets_follow_the_stated_rule)
{
    static const char *const SPECS[] = {
        "{\"d\": {\"dist\": \"buckets\", \"le\": [\"1ms\", \"10ms\", "
        "\"100ms\", \"+Inf\"], \"count\": [20, 70, 95, 100]}}",
        /* the same per bucket, and with bare numbers in a unit */
        "{\"d\": {\"dist\": \"buckets\", \"le\": [1, 10, 100, \"+Inf\"], "
        "\"unit\": \"ms\", \"count\": [20, 50, 25, 5], \"cumulative\": "
        "false}}",
    };
    for (size_t k = 0; k < 2; k++) {
        struct parsed p;
        struct dist d = must(&p, SPECS[k]);
        ck_assert_double_eq_tol(dist_quantile(&d, 0.1), 0.0005, 1e-15);
        ck_assert_double_eq_tol(dist_quantile(&d, 0.5),
                                0.001 * pow(10, 0.6), 1e-15);
        ck_assert_double_eq_tol(dist_quantile(&d, 0.9),
                                0.010 * pow(10, 0.8), 1e-14);
        ck_assert_double_eq_tol(dist_quantile(&d, 0.96), 0.100, 1e-15);
        ck_assert_double_eq_tol(dist_quantile(&d, 0.9999), 0.100, 1e-15);
        /* mean: 0.2 * 0.5 ms + 0.5 * 9 ms / ln 10 + 0.25 * 90 ms / ln 10
         * + 0.05 * 100 ms (log-uniform on (a, b]: (b - a) / ln(b/a)) */
        double mean = 0.2 * 0.0005 + 0.5 * 0.009 / log(10) +
                      0.25 * 0.090 / log(10) + 0.05 * 0.100;
        ck_assert_double_eq_tol(d.mean, mean, 1e-15);
        char text[200];
        dist_describe(&d, text, sizeof text);
        ck_assert_str_eq(text, "buckets(4 buckets, n 100, p50 3.981ms, p99 "
                               "100ms, mean 16.83ms; 5% above 100ms, drawn "
                               "at 100ms)");
        cfg_free(&p.cfg);
    }
}
END_TEST

/* The same numbers from a file (plain or gzip) as inline. */
START_TEST(files_and_inline_lists_give_the_same_distribution)
{
    char *dir = make_temp_dir();
    char *samples = write_text_file(dir, "s.txt", "recompute_ms\n5\n\n# a "
                                    "comment\n1\n3\n2ms\n4\n");
    char *gz = write_gzip_file(dir, "s.txt.gz", "5\n1\n3\n2ms\n4\n");
    char *hist = write_text_file(dir, "h.csv", "le,count\n1,20\n10,70\n100,"
                                 "95\n+Inf,100\n");
    char json[1024];
    struct parsed p[5];
    snprintf(json, sizeof json, "{\"d\": {\"dist\": \"empirical\", \"file\": "
             "\"%s\", \"unit\": \"ms\"}}", samples);
    struct dist f = must(&p[0], json);
    snprintf(json, sizeof json, "{\"d\": {\"dist\": \"empirical\", \"file\": "
             "\"%s\", \"unit\": \"ms\"}}", gz);
    struct dist g = must(&p[1], json);
    struct dist i = must(&p[2], "{\"d\": {\"dist\": \"empirical\", "
                                "\"samples\": [1, 2, 3, 4, 5], \"unit\": "
                                "\"ms\"}}");
    snprintf(json, sizeof json, "{\"d\": {\"dist\": \"buckets\", \"file\": "
             "\"%s\", \"unit\": \"ms\"}}", hist);
    struct dist hf = must(&p[3], json);
    struct dist hi = must(&p[4], "{\"d\": {\"dist\": \"buckets\", \"le\": "
                                 "[\"1ms\", \"10ms\", \"100ms\", \"+Inf\"], "
                                 "\"count\": [20, 70, 95, 100]}}");
    for (double q = 0; q < 1; q += 0.01) {
        ck_assert_double_eq(dist_quantile(&f, q), dist_quantile(&i, q));
        ck_assert_double_eq(dist_quantile(&g, q), dist_quantile(&i, q));
        ck_assert_double_eq(dist_quantile(&hf, q), dist_quantile(&hi, q));
    }
    for (int k = 0; k < 5; k++)
        cfg_free(&p[k].cfg);
    free(samples);
    free(gz);
    free(hist);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* scenario.json holds what loads again to the same distribution: the
 * numbers in seconds, or the file by its absolute path with its unit. */
START_TEST(written_back_it_loads_the_same)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.txt", "10\n30\n20\n");
    char json[1024];
    snprintf(json, sizeof json, "{\"d\": {\"dist\": \"empirical\", \"file\": "
             "\"%s\", \"unit\": \"us\"}}", file);
    const char *specs[] = {
        json,
        "{\"d\": {\"dist\": \"empirical\", \"samples\": [0.3, 0.1], \"unit\": "
        "\"ms\"}}",
        "{\"d\": {\"dist\": \"buckets\", \"le\": [\"1ms\", \"+Inf\"], "
        "\"count\": [3, 1], \"cumulative\": false}}",
    };
    const char *written[] = {
        NULL,
        "{\"dist\":\"empirical\",\"samples\":[0.0001,0.0003]}",
        "{\"dist\":\"buckets\",\"le\":[0.001,\"+Inf\"],\"count\":[3,1],"
        "\"cumulative\":false}",
    };
    for (size_t k = 0; k < 3; k++) {
        struct parsed a, b;
        struct dist d = must(&a, specs[k]);
        cJSON *tree = dist_to_json(&d);
        char *text = cJSON_PrintUnformatted(tree);
        if (written[k])
            ck_assert_str_eq(text, written[k]);
        else
            ck_assert(strstr(text, "\"unit\":\"us\"") && strstr(text, "/s.txt"));
        char again[1024];
        snprintf(again, sizeof again, "{\"d\": %s}", text);
        struct dist e = must(&b, again);
        for (double q = 0; q < 1; q += 0.05)
            ck_assert_double_eq(dist_quantile(&d, q), dist_quantile(&e, q));
        free(text);
        cJSON_Delete(tree);
        cfg_free(&a.cfg);
        cfg_free(&b.cfg);
    }
    free(file);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(mistakes_in_specs)
{
    expect_failure("{\"d\": {\"dist\": \"empirical\"}}",
                   "d: an empirical distribution takes \"file\", or "
                   "\"samples\"");
    expect_failure("{\"d\": {\"dist\": \"empirical\", \"samples\": [1], "
                   "\"file\": \"x\"}}", "\"samples\", not both");
    expect_failure("{\"d\": {\"dist\": \"empirical\", \"samples\": [1], "
                   "\"mean\": 1}}", "d.mean: an empirical distribution is "
                   "made from data");
    expect_failure("{\"d\": {\"dist\": \"empirical\", \"samples\": []}}",
                   "d.samples: expected a list of 1 to 10000000 values");
    expect_failure("{\"d\": {\"dist\": \"empirical\", \"samples\": [1, -2]}}",
                   "d.samples[1]: a value cannot be negative");
    expect_failure("{\"d\": {\"dist\": \"empirical\", \"samples\": [1, "
                   "\"fast\"]}}", "d.samples[1]: expected a number or a "
                   "duration, got \"fast\"");
    expect_failure("{\"d\": {\"dist\": \"empirical\", \"samples\": [1], "
                   "\"unit\": \"sec\"}}", "d.unit: expected \"ns\"");
    expect_failure("{\"d\": {\"dist\": \"empirical\", \"samples\": [1], "
                   "\"le\": [1]}}", "d.le: le applies to \"buckets\"");
    expect_failure("{\"d\": {\"dist\": \"lognormal\", \"samples\": [1]}}",
                   "d: a lognormal distribution needs mean and cv");
    expect_failure("{\"d\": {\"dist\": \"lognormal\", \"mean\": 1, \"cv\": 1, "
                   "\"file\": \"x\"}}", "d.file: a lognormal distribution "
                   "takes mean and cv, or p50 and p99, not file");
    expect_failure("{\"d\": {\"dist\": \"buckets\", \"le\": [1, 2]}}",
                   "takes \"file\", or \"le\" and \"count\"");
    expect_failure("{\"d\": {\"dist\": \"buckets\", \"le\": [1, 2], "
                   "\"count\": [1]}}", "d.count: expected 2 counts");
    expect_failure("{\"d\": {\"dist\": \"buckets\", \"le\": [2, 1], "
                   "\"count\": [1, 2]}}", "d.le[1]: each bound must be above "
                   "the one before");
    expect_failure("{\"d\": {\"dist\": \"buckets\", \"le\": [1, \"+Inf\", 3], "
                   "\"count\": [1, 2, 3]}}", "d.le[2]: +Inf must be the last");
    expect_failure("{\"d\": {\"dist\": \"buckets\", \"le\": [1, 2], "
                   "\"count\": [5, 3]}}", "d.count[1]: cumulative counts "
                   "cannot decrease");
    expect_failure("{\"d\": {\"dist\": \"buckets\", \"le\": [1, 2], "
                   "\"count\": [0, 0]}}", "d: every count is 0");
    expect_failure("{\"d\": {\"dist\": \"buckets\", \"le\": [\"+Inf\"], "
                   "\"count\": [4]}}", "needs a finite bound");
    expect_failure("{\"d\": {\"dist\": \"buckets\", \"le\": [1], "
                   "\"count\": [4], \"samples\": [1]}}", "d.samples: samples "
                   "applies to \"empirical\"");
}
END_TEST

/* A mistake in a data file names the file, the line and the column. */
START_TEST(mistakes_in_files_name_their_line)
{
    char *dir = make_temp_dir();
    struct {
        const char *name, *text, *dist, *message;
    } CASES[] = {
        {"a.txt", "ms\n12\n\n1.5x\n", "empirical",
         "a.txt:4:1: d.file: unknown unit"},
        {"b.txt", "12\n-3\n", "empirical",
         "b.txt:2:1: d.file: a value cannot be negative"},
        {"c.txt", "12,13\n", "empirical",
         "c.txt:1:3: d.file: expected one value a line, got 2 fields"},
        {"d.txt", "# nothing\n\n", "empirical", "d.file: "},
        {"e.csv", "le,count\n0.1,5\n0.05,9\n", "buckets",
         "e.csv:3:1: d.file: each bound must be above the one before"},
        {"f.csv", "0.1,5\n0.2,4\n", "buckets",
         "f.csv:2:5: d.file: cumulative counts cannot decrease"},
        {"g.csv", "0.1,5\n0.2,many\n", "buckets",
         "g.csv:2:5: d.file: count: expected a number >= 0, got \"many\""},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        char *path = write_text_file(dir, CASES[i].name, CASES[i].text);
        char json[1024];
        snprintf(json, sizeof json, "{\"d\": {\"dist\": \"%s\", \"file\": "
                 "\"%s\"}}", CASES[i].dist, path);
        expect_failure(json, CASES[i].message);
        free(path);
    }
    expect_failure("{\"d\": {\"dist\": \"empirical\", \"file\": "
                   "\"/nonexistent/x.txt\"}}", "d.file: cannot open "
                   "\"/nonexistent/x.txt\": No such file or directory");
    remove_tree(dir);
    free(dir);
}
END_TEST

TEST_SUITE(dist_data_suite)
{
    Suite *s = suite_create("dist_data");
    TCase *tc = tcase_create("data");
    tcase_add_test(tc, empirical_draws_are_the_sample_quantiles);
    tcase_add_test(tc, buckets_follow_the_stated_rule);
    tcase_add_test(tc, files_and_inline_lists_give_the_same_distribution);
    tcase_add_test(tc, written_back_it_loads_the_same);
    tcase_add_test(tc, mistakes_in_specs);
    tcase_add_test(tc, mistakes_in_files_name_their_line);
    suite_add_tcase(s, tc);
    return s;
}
