/*
 * test_calibrate.c — `stampede calibrate` (sim/experiment/calibrate.c):
 * through the command line, the plain answer when nothing works, the same
 * output for any -j and usage errors; and a constraint judged at the top
 * of its confidence interval.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../support.h"
#include "experiment/aggregate.h"
#include "experiment/calibrate.h"
#include "experiment/constraint.h"

/* 20 keys at 20 req/s each, Δ 50 ms: a short per scenario. */
static const char SCENARIO[] =
    "{\"name\": \"cal\", \"duration\": \"60s\", \"window\": \"10s\","
    " \"workload\": {\"arrivals\": {\"rate\": 400}, \"keys\": {\"count\": 20}},"
    " \"cache\": {\"ttl\": \"2s\"},"
    " \"database\": {\"cores\": 16, \"service\": \"50ms\"},"
    " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"per\"},"
    "  {\"policy\": \"lock\"}]}";

static struct cmd_result calibrate(const char *file, const char *out,
                                   const char *jobs, const char *extra)
{
    const char *args[] = {"calibrate", file, "--policy", "per", "--reps", "3",
                          "-j", jobs, "--quiet", "--no-plot", "--out", out,
                          extra, NULL};
    return run_stampede(args);
}

START_TEST(the_same_answer_for_any_number_of_workers)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "c.json", SCENARIO);
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    struct cmd_result ra = calibrate(file, a, "1", NULL);
    struct cmd_result rb = calibrate(file, b, "2", NULL);
    ck_assert_msg(ra.status == 0, "%s", ra.err);
    ck_assert_msg(rb.status == 0, "%s", rb.err);
    ck_assert_str_eq(ra.out, rb.out);
    ck_assert_ptr_nonnull(strstr(ra.out, "Recommended: beta = "));
    for (int f = 0; f < 2; f++) {
        const char *name = f ? "calibrate.csv" : "calibrate.json";
        char pa[700], pb[700];
        snprintf(pa, sizeof pa, "%s/%s", a, name);
        snprintf(pb, sizeof pb, "%s/%s", b, name);
        char *ta = read_text_file(pa, NULL), *tb = read_text_file(pb, NULL);
        ck_assert_ptr_nonnull(ta);
        ck_assert_str_eq(ta, tb);
        free(ta);
        free(tb);
    }
    /* the JSON names the recommendation and the constraints */
    cJSON *j = read_json_in(a, "calibrate.json");
    ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(j, "recommended")));
    ck_assert_str_eq(cJSON_GetObjectItem(j, "knob")->valuestring,
                     "policies[per].beta");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "points")), 14);
    cJSON_Delete(j);
    cmd_result_free(&ra);
    cmd_result_free(&rb);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

START_TEST(an_impossible_constraint_gets_a_plain_answer)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "c.json", SCENARIO);
    char out[600];
    snprintf(out, sizeof out, "%s/x", dir);
    /* a p99 below the cache round trip: no beta can do that */
    struct cmd_result r = calibrate(file, out, "2", "--max-p99-ms=0.1");
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "No value of beta in [0.1, 10] meets "
                                        "the constraints."));
    ck_assert_ptr_nonnull(strstr(r.out, "binding: p99 latency (ms)"));
    ck_assert_ptr_nonnull(strstr(r.out, "this knob cannot fix it"));
    cJSON *j = read_json_in(out, "calibrate.json");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "recommended")));
    cJSON_Delete(j);
    cmd_result_free(&r);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

/* A shorthand is --max of its metric: the same values evaluated, the
 * same verdicts, the same answer. A --min binds from below. */
START_TEST(shorthands_are_max_of_their_metric)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "c.json", SCENARIO);
    char a[600], b[600], c[600];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(c, sizeof c, "%s/c", dir);
    struct cmd_result ra = calibrate(file, a, "2", "--max-p99-ms=60");
    struct cmd_result rb = calibrate(file, b, "2",
                                     "--max=latency_ms.p99=60");
    ck_assert_msg(ra.status == 0 && rb.status == 0, "%s%s", ra.err, rb.err);
    cJSON *ja = read_json_in(a, "calibrate.json");
    cJSON *jb = read_json_in(b, "calibrate.json");
    cJSON *pa = cJSON_GetObjectItem(ja, "points");
    cJSON *pb = cJSON_GetObjectItem(jb, "points");
    ck_assert_int_eq(cJSON_GetArraySize(pa), cJSON_GetArraySize(pb));
    for (int i = 0; i < cJSON_GetArraySize(pa); i++) {
        cJSON *x = cJSON_GetArrayItem(pa, i), *y = cJSON_GetArrayItem(pb, i);
        ck_assert_double_eq(cJSON_GetObjectItem(x, "value")->valuedouble,
                            cJSON_GetObjectItem(y, "value")->valuedouble);
        ck_assert_int_eq(cJSON_IsTrue(cJSON_GetObjectItem(x, "feasible")),
                         cJSON_IsTrue(cJSON_GetObjectItem(y, "feasible")));
    }
    cJSON *ra_rec = cJSON_GetObjectItem(ja, "recommended");
    cJSON *rb_rec = cJSON_GetObjectItem(jb, "recommended");
    ck_assert_int_eq(cJSON_IsNull(ra_rec), cJSON_IsNull(rb_rec));
    if (cJSON_IsNumber(ra_rec))
        ck_assert_double_eq(ra_rec->valuedouble, rb_rec->valuedouble);
    cJSON_Delete(ja);
    cJSON_Delete(jb);
    /* more than every request served from the cache: nothing holds, and
     * the report says the limit is from below */
    struct cmd_result rc = calibrate(file, c, "2", "--min=hit_ratio=1.01");
    ck_assert_msg(rc.status == 0, "%s", rc.err);
    ck_assert_ptr_nonnull(strstr(rc.out, "hit ratio"));
    ck_assert_ptr_nonnull(strstr(rc.out, ">= 1.01   (--min hit_ratio=1.01)"));
    ck_assert_ptr_nonnull(strstr(rc.out, "under the limit 1.01"));
    cJSON *jc = read_json_in(c, "calibrate.json");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(jc, "recommended")));
    /* after the default error rate and miss share */
    cJSON *last = cJSON_GetArrayItem(cJSON_GetObjectItem(jc, "constraints"),
                                     2);
    ck_assert_str_eq(cJSON_GetObjectItem(last, "metric")->valuestring,
                     "hit_ratio");
    ck_assert_str_eq(cJSON_GetObjectItem(last, "bound")->valuestring, "min");
    /* where the miss share holds, the hit ratio binds */
    int by_hit = 0;
    cJSON *pt;
    cJSON_ArrayForEach(pt, cJSON_GetObjectItem(jc, "points"))
        by_hit += strcmp(cJSON_GetObjectItem(pt, "binding")->valuestring,
                         "min hit_ratio") == 0;
    ck_assert_int_gt(by_hit, 0);
    cJSON_Delete(jc);
    cmd_result_free(&ra);
    cmd_result_free(&rb);
    cmd_result_free(&rc);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

START_TEST(usage_errors)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "c.json", SCENARIO);
    static const struct {
        const char *args[6];
        const char *message;
    } cases[] = {
        {{"--policy", "none"}, "the none policy has no knob to calibrate"},
        {{"--policy", "lock", "--max-miss-share", "0.1"},
         "--max-miss-share: the lock policy does not measure the share of TTL "
         "cycles"},
        {{"--policy", "per", "--range", "0:5"},
         "--range: need 0 < LO < HI, got 0:5"},
        {{"--policy", "per", "--knob", "gamma"},
         "--knob gamma: the per policy has no knob \"gamma\""},
        {{"--policy", "nope"}, "the scenario has no policy labelled \"nope\""},
        {{"--policy", "per", "--reps", "1"},
         "--reps: expected an integer from 2 to 10000"},
        {{NULL}, "which policy? give --policy LABEL"},
        {{"--policy", "per", "--max", "worst_window.p99=5"},
         "--max worst_window.p99=5: no metric \"worst_window.p99\" (did you "
         "mean \"worst_window.p99_ms\"?)"},
        {{"--policy", "per", "--max", "p99_ms"},
         "--max p99_ms: expected METRIC=X"},
        {{"--policy", "per", "--min", "slo.recovered=1"},
         "--min slo.recovered=1: the scenario has no slo"},
        {{"--policy", "lock", "--max", "policy_metrics.miss_share=0.1"},
         "--max policy_metrics.miss_share=0.1: the lock policy does not "
         "measure"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[10] = {"calibrate", file};
        size_t n = 2;
        for (size_t k = 0; k < 6 && cases[i].args[k]; k++)
            args[n++] = cases[i].args[k];
        args[n] = NULL;
        struct cmd_result r = run_stampede(args);
        ck_assert_int_eq(r.status, 2);
        ck_assert_msg(strstr(r.err, cases[i].message) != NULL, "%s", r.err);
        cmd_result_free(&r);
    }
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

START_TEST(the_figure_has_a_panel_per_constraint_and_cost)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "c.json", SCENARIO);
    char out[600];
    snprintf(out, sizeof out, "%s/fig", dir);
    const char *args[] = {"calibrate", file, "--policy", "per", "--reps", "2",
                          "--quiet", "--out", out, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cJSON *j = read_json_in(out, "calibrate.json");
    int panels = cJSON_GetArraySize(cJSON_GetObjectItem(j, "constraints")) +
                 3;   /* per's three costs */
    ck_assert_int_eq(panels, 5);   /* max-error-rate and max-miss-share */
    char path[700];
    snprintf(path, sizeof path, "%s/calibrate.png", out);
    uint32_t w, h;
    test_png_size(path, &w, &h);   /* plots/calibrate.gp's default size */
    ck_assert_uint_eq(w, 1000);
    ck_assert_uint_eq(h, 120 + 230 * (uint32_t)panels);
    cJSON_Delete(j);
    cmd_result_free(&r);
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

/* A constraint is judged at the upper end of the metric's 95 % interval,
 * not on its mean: p99 over three replications of 8, 10 and 12 ms has mean
 * 10 and half-width t(0.975, 2) * 2 / sqrt(3) = 4.9676, so a limit of 12
 * ms holds on the mean but not at 14.97. Split replications (some
 * collapsed) have no interval: nothing can be promised. */
static void one_run(struct run_summary *s, double p99, double collapsed)
{
    s->n = 2;
    strcpy(s->values[0].path, "latency_ms.p99");
    s->values[0].value = p99;
    strcpy(s->values[1].path, "collapsed");
    s->values[1].value = collapsed;
}

START_TEST(constraints_are_judged_at_the_upper_end_of_the_interval)
{
    static struct run_summary a, b, c;
    static struct aggregate agg;
    struct constraint max_p99, max_p999, min_p99;
    constraint_shorthand("max-p99-ms", "latency_ms.p99", 12, &max_p99);
    constraint_shorthand("max-p999-ms", "latency_ms.p999", 12, &max_p999);
    min_p99 = max_p99;
    min_p99.lower = true;
    one_run(&a, 8, 0);
    one_run(&b, 10, 0);
    one_run(&c, 12, 0);
    const struct run_summary *runs[] = {&a, &b, &c};
    aggregate_summaries(runs, 3, &agg);
    /* mean 10, sd 2, n 3: half-width t(0.975, 2) * 2 / sqrt(3) */
    double upper = constraint_bound(&agg, &max_p99);
    ck_assert_double_eq_tol(upper, 10 + 4.302652730 * 2 / sqrt(3), 1e-6);
    ck_assert(upper > 12);
    ck_assert(!constraint_holds(&agg, &max_p99));   /* the mean, 10, would */
    ck_assert_double_eq_tol(constraint_bound(&agg, &min_p99),
                            10 - 4.302652730 * 2 / sqrt(3), 1e-6);
    /* one replication: no interval, the mean is all there is */
    aggregate_summaries(runs + 1, 1, &agg);
    ck_assert_double_eq(constraint_bound(&agg, &max_p99), 10);
    /* a metric the runs do not have, and split replications */
    ck_assert(isinf(constraint_bound(&agg, &max_p999)));
    one_run(&c, 12, 1);
    aggregate_summaries(runs, 3, &agg);
    ck_assert(isinf(constraint_bound(&agg, &max_p99)));
}
END_TEST

TEST_SUITE(calibrate_suite)
{
    Suite *s = suite_create("calibrate");
    TCase *tc = tcase_create("calibrate");
    tcase_add_test(tc, the_same_answer_for_any_number_of_workers);
    tcase_add_test(tc, an_impossible_constraint_gets_a_plain_answer);
    tcase_add_test(tc, shorthands_are_max_of_their_metric);
    tcase_add_test(tc, usage_errors);
    tcase_add_test(tc, the_figure_has_a_panel_per_constraint_and_cost);
    tcase_add_test(tc, constraints_are_judged_at_the_upper_end_of_the_interval);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
