/*
 * test_calibrate_compare.c — calibrate on PER's other knobs (delta,
 * delta_min, delta_max, delta_ewma: the policy's cost and constraints, a
 * default range from the pilot), and the comparison beside an answer whose
 * runs had refresh storms (sim/experiment/calibrate_compare.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../support.h"
#include "kernel/strutil.h"
#include "experiment/calibrate_compare.h"
#include "scenario/scenario.h"
#include "xfetch.h"

/* One key at 500 req/s, a 2 s TTL, a 50..150 ms recompute on 4 cores:
 * 20 s runs. */
static const char SMALL[] =
    "{\"name\": \"small\", \"duration\": \"20s\", \"window\": \"5s\","
    " \"workload\": {\"arrivals\": {\"rate\": 500}},"
    " \"cache\": {\"ttl\": \"2s\"},"
    " \"database\": {\"cores\": 4, \"service\": {\"dist\": \"uniform\","
    "   \"min\": \"50ms\", \"max\": \"150ms\"}},"
    " \"policies\": [{\"policy\": \"per\"}]}";

static struct cmd_result calibrate(const char *file, const char *out,
                                   const char *knob, const char *budget)
{
    const char *args[] = {"calibrate", file, "--policy", "per", "--knob",
                          knob, "--reps", "2", "-j", "2", "--quiet",
                          "--no-plot", "--budget", budget, "--out", out,
                          NULL};
    return run_stampede(args);
}

/* delta_max gets a pilot (with the delta fixed: the pilot's own runs do
 * not feed back) and a range from a quarter of its median to four times
 * its p99.9, at the cost beta has. */
START_TEST(delta_max_is_calibrated_from_the_pilot)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "small.json", SMALL);
    char *out = path_in(dir, "out");
    struct cmd_result r = calibrate(file, out, "delta_max", "20000");
    ck_assert_msg(r.status == 0, "%.300s", r.err);
    cJSON *j = read_json_in(out, "calibrate.json");
    ck_assert_str_eq(cJSON_GetObjectItem(j, "knob")->valuestring,
                     "policies[per].delta_max");
    cJSON *cost = cJSON_GetObjectItem(j, "cost");
    ck_assert_str_eq(cJSON_GetObjectItem(cost, "metric")->valuestring,
                     "recomputes.per_s");
    cJSON *pilot = cJSON_GetObjectItem(j, "pilot");
    ck_assert(cJSON_IsObject(pilot));
    double p50 = cJSON_GetObjectItem(pilot, "p50_s")->valuedouble;
    double p999 = cJSON_GetObjectItem(pilot, "p999_s")->valuedouble;
    /* about the service time's median (100 ms) on 4 cores */
    ck_assert(p50 > 0.09 && p50 < 0.2);
    cJSON *range = cJSON_GetObjectItem(j, "range");
    ck_assert_double_eq_tol(cJSON_GetArrayItem(range, 0)->valuedouble,
                            p50 / 4, 1e-6);
    ck_assert_double_eq_tol(cJSON_GetArrayItem(range, 1)->valuedouble,
                            4 * p999, 1e-6);
    /* no storm in this scenario: no comparison */
    ck_assert_ptr_null(strstr(r.out, "== With"));
    cJSON_Delete(j);
    cmd_result_free(&r);
    r = calibrate(file, out, "delta_ewma", "20000");
    ck_assert_msg(r.status == 0, "%.300s", r.err);
    j = read_json_in(out, "calibrate.json");
    range = cJSON_GetObjectItem(j, "range");
    ck_assert_double_eq(cJSON_GetArrayItem(range, 0)->valuedouble, 0.02);
    ck_assert_double_eq(cJSON_GetArrayItem(range, 1)->valuedouble, 1);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "pilot")));
    cJSON_Delete(j);
    cmd_result_free(&r);
    remove_tree(dir);
    free(dir);
    free(file);
    free(out);
}
END_TEST

START_TEST(a_knob_that_is_not_a_number_is_refused)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "small.json", SMALL);
    char *out = path_in(dir, "out");
    struct cmd_result r = calibrate(file, out, "refresh", "20000");
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "policies[per].refresh"));
    cmd_result_free(&r);
    remove_tree(dir);
    free(dir);
    free(file);
    free(out);
}
END_TEST

/* A short-TTL key whose measured delta feeds back at most betas (1000
 * req/s, a 3 s TTL, 200..600 ms on 4 cores: its lead at the p99 at beta
 * 1 is 0.6 ln 600 = 3.8 s, past the TTL): the runs storm, and the
 * comparison with the delta clamped follows, into OUT-compared. */
static const char STORMY[] =
    "{\"name\": \"stormy\", \"duration\": \"30s\", \"window\": \"5s\","
    " \"workload\": {\"arrivals\": {\"rate\": 1000}},"
    " \"cache\": {\"ttl\": \"3s\"},"
    " \"database\": {\"cores\": 4, \"service\": {\"dist\": \"lognormal\","
    "   \"p50\": \"200ms\", \"p99\": \"600ms\"}},"
    " \"client\": {\"timeout\": \"3s\"},"
    " \"policies\": [{\"policy\": \"per\"}]}";

START_TEST(storms_bring_the_clamped_comparison)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "stormy.json", STORMY);
    char *out = path_in(dir, "out");
    struct cmd_result r = calibrate(file, out, "beta", "3000");
    ck_assert_msg(r.status == 0, "%.300s", r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "TTL cycles with a refresh storm: "
                                        "above 0.5 per TTL period"));
    const char *with = strstr(r.out, "== With the delta clamped to the "
                                     "pilot's recompute p50..p99: "
                                     "delta_min=");
    ck_assert_ptr_nonnull(with);
    /* the comparison's own answer follows, with its pilot */
    ck_assert_ptr_nonnull(strstr(with, "Recompute time under load"));
    char *compared = str_printf("%s-compared", out);
    cJSON *j = read_json_in(compared, "calibrate.json");
    cJSON *pilot = cJSON_GetObjectItem(j, "pilot");
    ck_assert(cJSON_IsObject(pilot));
    ck_assert_str_eq(cJSON_GetObjectItem(j, "knob")->valuestring,
                     "policies[per].beta");
    /* the pilot kept the scenario's TTL: shortened, its early refreshes
     * would start from the values' birth */
    ck_assert_double_eq(cJSON_GetObjectItem(pilot, "cache_ttl_s")->valuedouble,
                        3);
    cJSON_Delete(j);
    free(compared);
    cmd_result_free(&r);
    remove_tree(dir);
    free(dir);
    free(file);
    free(out);
}
END_TEST

/* The rule itself, on a calibration made by hand: storm_cycles per TTL
 * period of the measured run, above cmp->per_ttl, in the answer's runs
 * (or, with none, in any value's). */
START_TEST(when_the_comparison_is_due)
{
    static const struct calibration_compare cmp = {
        .when = "policy_metrics.storm_cycles", .per_ttl = 0.5};
    struct calibration *c = calloc(1, sizeof *c);
    c->n = 2;
    c->recommended = -1;
    for (size_t i = 0; i < 2; i++) {
        struct calibrate_point *pt = &c->points[i];
        pt->reps = 1;
        pt->agg.mean.n = 1;
        snprintf(pt->agg.mean.values[0].path,
                 sizeof pt->agg.mean.values[0].path, "%s", cmp.when);
    }
    /* 100 s measured, a 2 s TTL: 50 periods; 25 storms is half */
    c->points[0].agg.mean.values[0].value = 25;
    c->points[1].agg.mean.values[0].value = 26;
    ck_assert(calibrate_compare_due(c, &cmp, 2, 100));
    ck_assert_uint_eq(calibrate_compare_count(c, &cmp, 2, 100), 1);
    c->recommended = 0;
    ck_assert(!calibrate_compare_due(c, &cmp, 2, 100));
    c->recommended = 1;
    ck_assert(calibrate_compare_due(c, &cmp, 2, 100));
    c->stopped = true;
    ck_assert(!calibrate_compare_due(c, &cmp, 2, 100));
    ck_assert(!calibrate_compare_due(c, NULL, 2, 100));
    c->stopped = false;
    c->recommended = -1;
    c->points[1].agg.mean.values[0].value = 25;
    ck_assert(!calibrate_compare_due(c, &cmp, 2, 100));
    free(c);
}
END_TEST

/* What XFetch's pilot runs with, for per-feedback.json's measured delta
 * (beta 0.7, 2000 reads/s, TTL 5 s, service p99 600 ms): at the p99 the
 * lead would be 0.42 ln 840 = 2.8 s, past half the TTL, so the delta is
 * the one whose lead is 2.5 s; the TTL may not be shortened. At 20 reads/s
 * the p99's lead, 0.42 ln 8.4 = 0.9 s, is within: the p99 itself. */
START_TEST(the_pilot_of_a_measured_delta_runs_fixed)
{
    struct scenario_errors errs = {0};
    struct scenario *s = scenario_load("scenarios/per-feedback.json", NULL, 0,
                                       &errs);
    ck_assert_ptr_nonnull(s);
    const struct policy_spec *p = &s->policies[0];
    const struct policy_calibration *cal = p->ops->calibration;
    struct recompute_time nominal = {0.2, 0.6, 0.86, false};
    struct policy_load load = {2000, 0.6, 5};
    calibration_sets sets;
    double min_ttl = 0;
    ck_assert_uint_eq(cal->pilot_sets(p->knobs, &nominal, &load, sets,
                                      &min_ttl), 1);
    double delta = strtod(sets[0] + strlen("delta="), NULL);
    ck_assert_double_eq_tol(0.7 * delta * log(2000 * 0.7 * delta), 2.5,
                            0.01);
    ck_assert_double_eq(min_ttl, 5);
    load.rate = 20;
    ck_assert_uint_eq(cal->pilot_sets(p->knobs, &nominal, &load, sets,
                                      &min_ttl), 1);
    ck_assert_str_eq(sets[0], "delta=0.6");
    /* a delta that is not plainly measured cannot feed back: nothing */
    const struct policy_spec *clamped = &s->policies[1];
    ck_assert_uint_eq(cal->pilot_sets(clamped->knobs, &nominal, &load, sets,
                                      &min_ttl), 0);
    ck_assert_uint_eq(cal->compare->sets(clamped->knobs, &nominal, sets), 0);
    /* nor one with only a floor, or only smoothing: each of the
     * estimator's knobs makes it something else than the raw measure */
    struct xfetch_knobs floor = {.beta = 1, .delta = NAN, .delta_min = 0.1,
                                 .delta_max = INFINITY, .delta_alpha = 1};
    ck_assert_uint_eq(cal->pilot_sets(&floor, &nominal, &load, sets,
                                      &min_ttl), 0);
    struct xfetch_knobs smooth = {.beta = 1, .delta = NAN, .delta_min = 0,
                                  .delta_max = INFINITY, .delta_alpha = 0.5};
    ck_assert_uint_eq(cal->pilot_sets(&smooth, &nominal, &load, sets,
                                      &min_ttl), 0);
    ck_assert_uint_eq(cal->compare->sets(p->knobs, &nominal, sets), 2);
    ck_assert_str_eq(sets[0], "delta_min=0.2");
    ck_assert_str_eq(sets[1], "delta_max=0.6");
    scenario_free(s);
}
END_TEST

TEST_SUITE(calibrate_compare_suite)
{
    Suite *s = suite_create("calibrate_compare");
    TCase *tc = tcase_create("PER's other knobs and the comparison");
    tcase_add_test(tc, delta_max_is_calibrated_from_the_pilot);
    tcase_add_test(tc, a_knob_that_is_not_a_number_is_refused);
    tcase_add_test(tc, storms_bring_the_clamped_comparison);
    tcase_add_test(tc, when_the_comparison_is_due);
    tcase_add_test(tc, the_pilot_of_a_measured_delta_runs_fixed);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
