/*
 * test_compare.c — `stampede compare` and the comparison underneath it
 * (sim/output/comparison.c): values read from summary.json, differences,
 * and the verdict on the 95 % intervals.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../support.h"
#include "output/comparison.h"

/* An entry over a policy object given as JSON text. */
struct fake {
    cJSON *policy;
    struct comparison_entry e;
};

static void fake(struct fake *f, const char *json)
{
    f->policy = cJSON_Parse(json);
    ck_assert_ptr_nonnull(f->policy);
    f->e = (struct comparison_entry){0, "x", "x", f->policy,
                                     cJSON_IsTrue(cJSON_GetObjectItem(
                                         f->policy, "bimodal"))};
}

START_TEST(values_are_read_from_summary_json)
{
    struct fake one, reps;
    fake(&one, "{\"hit_ratio\": 0.25, \"latency_ms\": {\"p99\": 12.5},"
               " \"db\": {\"response_ms\": {\"p99\": null}},"
               " \"slo\": {\"recovered\": true}}");
    fake(&reps, "{\"hit_ratio\": {\"mean\": 0.5, \"ci95\": 0.125, "
                "\"values\": [0.4, 0.6]}}");
    double mean, ci;
    ck_assert(comparison_value(&one.e, "hit_ratio", &mean, &ci));
    ck_assert_double_eq(mean, 0.25);
    ck_assert(isnan(ci));   /* one run: no interval */
    ck_assert(comparison_value(&one.e, "latency_ms.p99", &mean, &ci));
    ck_assert_double_eq(mean, 12.5);
    ck_assert(comparison_value(&one.e, "slo.recovered", &mean, &ci));
    ck_assert_double_eq(mean, 1);
    ck_assert(!comparison_value(&one.e, "db.response_ms.p99", &mean, &ci));
    ck_assert(!comparison_value(&one.e, "no.such", &mean, &ci));
    ck_assert(comparison_value(&reps.e, "hit_ratio", &mean, &ci));
    ck_assert_double_eq(mean, 0.5);
    ck_assert_double_eq(ci, 0.125);
    cJSON_Delete(one.policy);
    cJSON_Delete(reps.policy);
}
END_TEST

/* Intervals [m - h, m + h]: 10 ±1 and 12.5 ±1 are apart (gap 2.5 > 2),
 * 10 ±1 and 11.9 ±1 overlap; without an interval on either side, or when
 * the replications split, nothing can be said; equal values are the
 * same whatever the intervals. */
START_TEST(verdicts_follow_the_intervals)
{
    struct fake base, apart, close, below, single, split, equal;
    fake(&base, "{\"m\": {\"mean\": 10, \"ci95\": 1}}");
    fake(&apart, "{\"m\": {\"mean\": 12.5, \"ci95\": 1}}");
    fake(&close, "{\"m\": {\"mean\": 11.9, \"ci95\": 1}}");
    fake(&below, "{\"m\": {\"mean\": 7.9, \"ci95\": 0.5}}");
    fake(&single, "{\"m\": 30}");
    fake(&split, "{\"bimodal\": true, \"m\": {\"mean\": 30, \"ci95\": 1}}");
    fake(&equal, "{\"m\": {\"mean\": 10, \"ci95\": 5}}");
    double d;
    ck_assert_int_eq(comparison_diff(&base.e, &apart.e, "m", &d),
                     VERDICT_SEPARATE);
    ck_assert_double_eq_tol(d, 2.5, 1e-12);
    ck_assert_int_eq(comparison_diff(&base.e, &close.e, "m", &d),
                     VERDICT_OVERLAP);
    ck_assert_int_eq(comparison_diff(&base.e, &below.e, "m", &d),
                     VERDICT_SEPARATE);
    ck_assert_double_eq_tol(d, -2.1, 1e-12);
    ck_assert_int_eq(comparison_diff(&base.e, &single.e, "m", &d),
                     VERDICT_CANNOT_TELL);
    ck_assert_double_eq(d, 20);
    ck_assert_int_eq(comparison_diff(&base.e, &split.e, "m", &d),
                     VERDICT_CANNOT_TELL);
    ck_assert_int_eq(comparison_diff(&base.e, &equal.e, "m", &d),
                     VERDICT_SAME);
    ck_assert_double_eq(d, 0);
    ck_assert_int_eq(comparison_diff(&base.e, &single.e, "none", &d),
                     VERDICT_UNDEFINED);
    ck_assert(isnan(d));
    struct fake *all[] = {&base, &apart, &close, &below, &single, &split,
                          &equal};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        cJSON_Delete(all[i]->policy);
}
END_TEST

static const char SCENARIO[] =
    "{\"duration\": \"6s\", \"cache\": {\"ttl\": \"2s\"},\n"
    " \"workload\": {\"arrivals\": {\"rate\": 300}},\n"
    " \"database\": {\"service\": \"20ms\"},\n"
    " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"lock\"}]}\n";

struct runs {
    char *tmp, *file, *a, *b, *out;
};

static void make_runs(struct runs *r, const char *reps)
{
    r->tmp = make_temp_dir();
    r->file = write_text_file(r->tmp, "s.json", SCENARIO);
    r->a = path_in(r->tmp, "a");
    r->b = path_in(r->tmp, "b");
    r->out = path_in(r->tmp, "cmp");
    const char *ra[] = {"run", r->file, "--reps", reps, "--quiet", "--out",
                        r->a, NULL};
    /* a TTL ten times longer: far fewer recomputes */
    const char *rb[] = {"run", r->file, "--reps", reps, "--quiet", "--out",
                        r->b, "--set", "cache.ttl=20s", NULL};
    struct cmd_result x = run_stampede(ra);
    ck_assert_msg(x.status == 0, "%s", x.err);
    cmd_result_free(&x);
    x = run_stampede(rb);
    ck_assert_msg(x.status == 0, "%s", x.err);
    cmd_result_free(&x);
}

static void free_runs(struct runs *r)
{
    remove_tree(r->tmp);
    free(r->tmp);
    free(r->file);
    free(r->a);
    free(r->b);
    free(r->out);
}

/* The metric `field` of group `label` in compare's JSON. */
static const cJSON *metric_of(const cJSON *root, const char *label,
                              const char *field)
{
    const cJSON *g, *m;
    cJSON_ArrayForEach(g, cJSON_GetObjectItem(root, "groups")) {
        if (strcmp(cJSON_GetObjectItem(g, "title")->valuestring, label))
            continue;
        cJSON_ArrayForEach(m, cJSON_GetObjectItem(g, "metrics"))
            if (!strcmp(cJSON_GetObjectItem(m, "field")->valuestring, field))
                return m;
    }
    return NULL;
}

/* A run compared with itself: every difference 0, every verdict "same",
 * in every metric of every label. */
START_TEST(compare_of_a_run_with_itself_shows_no_difference)
{
    struct runs r;
    make_runs(&r, "2");
    const char *args[] = {"compare", r.a, r.a, "--format", "json", "--quiet",
                          "--out", r.out, NULL};
    struct cmd_result x = run_stampede(args);
    ck_assert_msg(x.status == 0, "%s", x.err);
    cJSON *root = cJSON_Parse(x.out);
    ck_assert_msg(root != NULL, "not JSON:\n%s", x.out);
    int rows = 0;
    const cJSON *g, *m;
    cJSON_ArrayForEach(g, cJSON_GetObjectItem(root, "groups")) {
        cJSON_ArrayForEach(m, cJSON_GetObjectItem(g, "metrics")) {
            const cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItem(m,
                                                                    "values"),
                                                1);
            const cJSON *d = cJSON_GetObjectItem(b, "difference");
            const cJSON *mean = cJSON_GetObjectItem(b, "mean");
            if (cJSON_IsNull(mean))
                continue;   /* undefined in both */
            ck_assert_msg(cJSON_IsNumber(d) && d->valuedouble == 0,
                          "%s: difference %s",
                          cJSON_GetObjectItem(m, "field")->valuestring,
                          cJSON_Print(d));
            ck_assert_str_eq(cJSON_GetObjectItem(b, "intervals")->valuestring,
                             "same");
            rows++;
        }
    }
    ck_assert_int_ge(rows, 2 * 40);   /* two labels, the registry's fields */
    /* and the scenario is the same */
    const cJSON *fb = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "folders"),
                                         1);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(fb,
                                                            "differences")),
                     0);
    ck_assert_double_eq(
        cJSON_GetObjectItem(fb, "differences_total")->valuedouble, 0);
    cJSON_Delete(root);
    cmd_result_free(&x);
    free_runs(&r);
}
END_TEST

/* Two settings, with replications: what differs by much separates, what
 * the common random numbers keep equal is the same; each label is
 * compared with itself; files and the figure are written. */
START_TEST(compare_two_settings)
{
    struct runs r;
    make_runs(&r, "3");
    const char *args[] = {"compare", r.a, r.b, "--format", "json", "--quiet",
                          "--out", r.out, NULL};
    struct cmd_result x = run_stampede(args);
    ck_assert_msg(x.status == 0, "%s", x.err);
    cJSON *root = cJSON_Parse(x.out);
    ck_assert_ptr_nonnull(root);
    const cJSON *rec = metric_of(root, "none", "recomputes.total");
    ck_assert_ptr_nonnull(rec);
    const cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItem(rec, "values"), 1);
    ck_assert_str_eq(cJSON_GetObjectItem(b, "name")->valuestring, "B");
    /* the folders' scenarios: B's one difference, its values as JSON */
    const cJSON *fb = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "folders"),
                                         1);
    const cJSON *diff = cJSON_GetArrayItem(cJSON_GetObjectItem(fb,
                                                               "differences"),
                                           0);
    ck_assert_str_eq(cJSON_GetObjectItem(diff, "path")->valuestring,
                     "cache.ttl");
    ck_assert_double_eq(cJSON_GetObjectItem(diff, "baseline")->valuedouble, 2);
    ck_assert_double_eq(cJSON_GetObjectItem(diff, "value")->valuedouble, 20);
    ck_assert_double_eq(
        cJSON_GetObjectItem(fb, "differences_total")->valuedouble, 1);
    ck_assert_str_eq(cJSON_GetObjectItem(b, "intervals")->valuestring,
                     "separate");
    ck_assert(cJSON_GetObjectItem(b, "difference")->valuedouble < 0);
    /* the same arrivals in both (common random numbers) */
    const cJSON *arr = metric_of(root, "lock", "arrivals");
    b = cJSON_GetArrayItem(cJSON_GetObjectItem(arr, "values"), 1);
    ck_assert_str_eq(cJSON_GetObjectItem(b, "intervals")->valuestring,
                     "same");
    cJSON_Delete(root);
    cmd_result_free(&x);
    /* compare.json holds the same, and the overlay was drawn */
    cJSON *file = read_json_in(r.out, "compare.json");
    ck_assert_ptr_nonnull(metric_of(file, "lock", "hit_ratio"));
    cJSON_Delete(file);
    char *png = path_in(r.out, "compare.png");
    uint32_t w, h;
    test_png_size(png, &w, &h);
    ck_assert_uint_eq(w, 1200);
    free(png);
    /* text: one block per label, B - A, and the csv and markdown forms */
    const char *text[] = {"compare", r.a, r.b, "--no-plot", "--quiet",
                          "--out", r.out, NULL};
    x = run_stampede(text);
    ck_assert_ptr_nonnull(strstr(x.out, "== none\n"));
    ck_assert_ptr_nonnull(strstr(x.out, "== lock\n"));
    ck_assert_ptr_nonnull(strstr(x.out, "B - A"));
    ck_assert_ptr_nonnull(strstr(x.out, "separate"));
    /* what separates the folders: B's TTL, as --set gave it */
    ck_assert_ptr_nonnull(strstr(x.out, "\n   differs from A: cache.ttl 2 -> "
                                        "20\n"));
    /* every label whole, however long, its values after it */
    ck_assert_ptr_nonnull(strstr(x.out, "\nshare of recomputes that "
                                        "overlapped another  "));
    ck_assert_ptr_nonnull(strstr(x.out, "\nqueries of the largest miss "
                                        "episode  "));
    cmd_result_free(&x);
    const char *csv[] = {"compare", r.a, r.b, "--no-plot", "--quiet",
                         "--format", "csv", "--out", r.out, NULL};
    x = run_stampede(csv);
    ck_assert_int_eq(strncmp(x.out, "group,field,name,mean,ci95,difference,"
                                    "intervals\nnone,requests,A,", 53), 0);
    cmd_result_free(&x);
    free_runs(&r);
}
END_TEST

/* One replication: the verdict says it cannot tell. */
START_TEST(one_replication_cannot_tell)
{
    struct runs r;
    make_runs(&r, "1");
    const char *args[] = {"compare", r.a, r.b, "--format", "json", "--quiet",
                          "--no-plot", "--out", r.out, NULL};
    struct cmd_result x = run_stampede(args);
    cJSON *root = cJSON_Parse(x.out);
    ck_assert_ptr_nonnull(root);
    const cJSON *rec = metric_of(root, "none", "recomputes.total");
    const cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItem(rec, "values"), 1);
    ck_assert_str_eq(cJSON_GetObjectItem(b, "intervals")->valuestring,
                     "cannot_tell");
    cJSON_Delete(root);
    cmd_result_free(&x);
    free_runs(&r);
}
END_TEST

START_TEST(compare_usage_errors)
{
    char *tmp = make_temp_dir();
    const char *one[] = {"compare", tmp, NULL};
    struct cmd_result x = run_stampede(one);
    ck_assert_int_eq(x.status, 2);
    ck_assert_ptr_nonnull(strstr(x.err, "give two or more result folders"));
    cmd_result_free(&x);
    char *out = path_in(tmp, "out");
    const char *empty[] = {"compare", tmp, tmp, "--out", out, NULL};
    x = run_stampede(empty);
    ck_assert_int_eq(x.status, 2);
    ck_assert_ptr_nonnull(strstr(x.err, "/summary.json: cannot read"));
    cmd_result_free(&x);
    remove_tree(tmp);
    free(out);
    free(tmp);
}
END_TEST

TEST_SUITE(compare_suite)
{
    Suite *s = suite_create("compare");
    TCase *tc = tcase_create("comparison");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, values_are_read_from_summary_json);
    tcase_add_test(tc, verdicts_follow_the_intervals);
    tcase_add_test(tc, compare_of_a_run_with_itself_shows_no_difference);
    tcase_add_test(tc, compare_two_settings);
    tcase_add_test(tc, one_replication_cannot_tell);
    tcase_add_test(tc, compare_usage_errors);
    suite_add_tcase(s, tc);
    return s;
}
