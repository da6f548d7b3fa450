/*
 * test_fleet.c — the application instances (models/fleet.c) and what a
 * run does with them: requests spread uniformly or by weight, the same
 * assignment for every policy, each instance's pool reported in the
 * summary, and nothing of a fleet when there is one instance.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "experiment/summary.h"
#include "fleet.h"
#include "kernel/rng.h"
#include "output/summary_json.h"

/* n draws over k instances: each count is Binomial(n, p_i); all must be
 * within 4 standard deviations of n p_i (a wrong table or an off-by-one
 * range moves some by far more). */
static void check_shares(const struct fleet_config *c, const double *p,
                         long n)
{
    struct fleet_picker *f = fleet_picker_create(c);
    ck_assert_ptr_nonnull(f);
    gsl_rng *r = rng_stream_create(3, 0, "fleet-test");
    long counts[8] = {0};
    for (long i = 0; i < n; i++) {
        long k = fleet_pick(f, r);
        ck_assert(k >= 0 && k < c->instances);
        counts[k]++;
    }
    for (long k = 0; k < c->instances; k++) {
        double mean = (double)n * p[k];
        double sd = sqrt(mean * (1 - p[k]));
        ck_assert_msg(fabs((double)counts[k] - mean) <= 4 * sd,
                      "instance %ld: %ld of %ld, expected %g", k, counts[k],
                      n, mean);
    }
    gsl_rng_free(r);
    fleet_picker_destroy(f);
}

START_TEST(requests_spread_uniformly_or_by_weight)
{
    const double even[] = {0.25, 0.25, 0.25, 0.25};
    check_shares(&(struct fleet_config){4, NULL}, even, 40000);
    double weights[] = {3, 1, 0, 4};   /* a weight of 0 gets nothing */
    weights[2] = 1e-300;
    const double shares[] = {0.375, 0.125, 0, 0.5};
    check_shares(&(struct fleet_config){4, weights}, shares, 40000);
    ck_assert_double_gt(fleet_picker_bytes(&(struct fleet_config){4, weights}),
                        fleet_picker_bytes(&(struct fleet_config){4, NULL}));
}
END_TEST

/* ---- through a run ---- */

#define MAX_IDS 20000

struct seen {
    long instance[MAX_IDS];   /* by request id; -1: not seen */
};

static void record_read(void *state, struct request *r,
                        const struct cache_view *v)
{
    struct seen *s = state;
    if (req_id(r) < MAX_IDS)
        s->instance[req_id(r)] = req_instance(r);
    if (v->state == CACHE_FRESH)
        req_reply(r, OUTCOME_HIT);
    else
        req_recompute(r, CAUSE_MISS);
}

/* Recomputes every read: another policy, with other decisions; it asks
 * for the instance of odd-numbered requests only, twice. */
static void recompute_read(void *state, struct request *r,
                           const struct cache_view *v)
{
    (void)v;
    struct seen *s = state;
    if (req_id(r) < MAX_IDS && req_id(r) % 2 == 1) {
        s->instance[req_id(r)] = req_instance(r);
        ck_assert_int_eq(req_instance(r), s->instance[req_id(r)]);
    }
    req_recompute(r, CAUSE_MISS);
}

static void reply_computed(void *state, struct request *r,
                           enum recompute_result result)
{
    (void)state;
    if (result == RECOMPUTE_OK)
        req_reply(r, OUTCOME_COMPUTED);
    else
        req_fail(r, recompute_error(result), true);
}

static void *seen_state(const void *knobs, struct world *w)
{
    (void)w;
    return (void *)knobs;
}

static const struct policy_ops READER = {
    .name = "reader", .create = seen_state, .on_read = record_read,
    .on_recomputed = reply_computed,
};
static const struct policy_ops RECOMPUTER = {
    .name = "recomputer", .create = seen_state, .on_read = recompute_read,
    .on_recomputed = reply_computed,
};

static const char FLEET[] =
    "{\"duration\": \"4s\", \"workload\": {\"arrivals\": {\"rate\": 2000}},"
    " \"cache\": {\"ttl\": \"1s\"},"
    " \"database\": {\"cores\": 100, \"service\": \"20ms\"},"
    " \"client\": {\"instances\": 5, \"pool_size\": 3}}";

/* Every policy sees the same instance for the same request (common
 * random numbers), whichever requests it asks about; every instance gets
 * requests; with one instance every request is on instance 0. */
START_TEST(instances_are_common_to_every_policy)
{
    static struct seen a, b;
    for (long i = 0; i < MAX_IDS; i++)
        a.instance[i] = b.instance[i] = -1;
    struct scenario *s = test_scenario("f.json", FLEET, NULL, 0);
    test_run_ops(s, &READER, &a);
    test_run_ops(s, &RECOMPUTER, &b);
    long per[5] = {0}, compared = 0;
    for (long i = 1; i < MAX_IDS; i++) {
        if (a.instance[i] < 0 || b.instance[i] < 0)
            continue;
        ck_assert_int_eq(a.instance[i], b.instance[i]);
        ck_assert(a.instance[i] >= 0 && a.instance[i] < 5);
        per[a.instance[i]]++;
        compared++;
    }
    ck_assert_int_gt(compared, 3500);
    for (int k = 0; k < 5; k++)
        ck_assert_int_gt(per[k], compared / 10);
    scenario_free(s);

    const char *one[] = {"client.instances=1"};
    s = test_scenario("f.json", FLEET, one, 1);
    for (long i = 0; i < MAX_IDS; i++)
        a.instance[i] = -1;
    test_run_ops(s, &READER, &a);
    for (long i = 1; i < 1000; i++)
        ck_assert_int_eq(a.instance[i], 0);
    scenario_free(s);
}
END_TEST

/* Each of 5 instances has a pool of 3; a policy that queries on every
 * read at 2000 req/s, 20 ms each, keeps about 8 queries per instance
 * wanted: every pool is full at some moment. The summary lists each
 * instance's peak (3, never more), the busiest, and how many ran out;
 * with one instance it has none of these fields. */
START_TEST(each_instances_pool_is_reported)
{
    struct scenario *s = test_scenario("f.json", FLEET, NULL, 0);
    static struct seen b;
    struct run_summary r = test_run_ops(s, &RECOMPUTER, &b);
    for (int k = 0; k < 5; k++) {
        char path[64];
        snprintf(path, sizeof path, "pool.peak_in_use[%d]", k);
        ck_assert_double_eq(test_get(&r, path), 3);
    }
    ck_assert(!summary_has(&r, "pool.peak_in_use[5]"));
    ck_assert_double_eq(test_get(&r, "pool.peak_in_use_max"), 3);
    ck_assert_double_eq(test_get(&r, "pool.saturated_instances"), 5);
    scenario_free(s);

    /* a light load (one query per instance per second): no pool fills */
    const char *light[] = {"workload.arrivals.rate=5"};
    s = test_scenario("f.json", FLEET, light, 1);
    r = test_run_ops(s, &RECOMPUTER, &b);
    double most = test_get(&r, "pool.peak_in_use_max"), largest = 0;
    ck_assert(most >= 1 && most < 3);
    for (int k = 0; k < 5; k++) {
        char path[64];
        snprintf(path, sizeof path, "pool.peak_in_use[%d]", k);
        largest = fmax(largest, test_get(&r, path));
    }
    ck_assert_double_eq(most, largest);
    ck_assert_double_eq(test_get(&r, "pool.saturated_instances"), 0);
    scenario_free(s);

    const char *one[] = {"client.instances=1"};
    s = test_scenario("f.json", FLEET, one, 1);
    r = test_run_ops(s, &RECOMPUTER, &b);
    ck_assert(!summary_has(&r, "pool.peak_in_use_max"));
    ck_assert(!summary_has(&r, "pool.peak_in_use[0]"));
    scenario_free(s);

    /* the busiest instance need not be the last: the last gets next to
     * nothing (weight 1e-9) and uses no connection, the others fill */
    const char *uneven[] = {"client.weights=[1, 1, 1, 1, 1e-9]"};
    s = test_scenario("f.json", FLEET, uneven, 1);
    r = test_run_ops(s, &RECOMPUTER, &b);
    ck_assert_double_eq(test_get(&r, "pool.peak_in_use[4]"), 0);
    ck_assert_double_eq(test_get(&r, "pool.peak_in_use_max"), 3);
    ck_assert_double_eq(test_get(&r, "pool.saturated_instances"), 4);
    scenario_free(s);

    /* pools that fill only during the warmup (a cold cache's first
     * misses; then every read hits) report no use: the peaks are the
     * measured run's */
    const char *warm_after[] = {"cache.warm=cold", "cache.ttl=100s",
                                "warmup=1s"};
    s = test_scenario("f.json", FLEET, warm_after, 3);
    r = test_run_ops(s, &READER, &b);
    ck_assert_double_eq(test_get(&r, "pool.peak_in_use_max"), 0);
    ck_assert_double_eq(test_get(&r, "pool.saturated_instances"), 0);
    scenario_free(s);
    s = test_scenario("f.json", FLEET, warm_after, 2);
    r = test_run_ops(s, &READER, &b);
    ck_assert_double_eq(test_get(&r, "pool.peak_in_use_max"), 3);
    scenario_free(s);

    /* as many as a summary lists one by one, then one more: the two
     * others alone */
    const char *most_listed[] = {"client.instances=64"};
    s = test_scenario("f.json", FLEET, most_listed, 1);
    r = test_run_ops(s, &RECOMPUTER, &b);
    ck_assert_double_ge(test_get(&r, "pool.peak_in_use[63]"), 1);
    scenario_free(s);
    const char *many[] = {"client.instances=65"};
    s = test_scenario("f.json", FLEET, many, 1);
    r = test_run_ops(s, &RECOMPUTER, &b);
    ck_assert(!summary_has(&r, "pool.peak_in_use[0]"));
    ck_assert_double_eq(test_get(&r, "pool.peak_in_use_max"), 3);
    scenario_free(s);
}
END_TEST

/* summary.json: the elements FIELD[i] of a list, adjacent in the flat
 * summary, make one JSON array in their object; a list that ends an
 * object, or is followed by another list or a plain field, closes. */
START_TEST(lists_are_written_as_json_arrays)
{
    struct run_summary r = {.n = 0};
    const char *paths[] = {"a", "pool.peak[0]", "pool.peak[1]", "pool.max",
                           "pool.other[0]", "pool.list[0]", "pool.list[1]",
                           "z.x"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        snprintf(r.values[r.n].path, SUMMARY_PATH_MAX, "%s", paths[i]);
        r.values[r.n++].value = (double)i;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    struct json_out j;
    json_out_init(&j, fp);
    json_out_begin_object(&j);
    summary_json_write_members(&j, &r);
    json_out_end_object(&j);
    fclose(fp);
    cJSON *parsed = cJSON_Parse(text);
    ck_assert_msg(parsed != NULL, "not JSON: %s", text);
    char *flat = cJSON_PrintUnformatted(parsed);
    ck_assert_str_eq(flat, "{\"a\":0,\"pool\":{\"peak\":[1,2],\"max\":3,"
                           "\"other\":[4],\"list\":[5,6]},\"z\":{\"x\":7}}");
    cJSON_free(flat);
    cJSON_Delete(parsed);
    free(text);
}
END_TEST

/* check describes a fleet: its instances, how requests reach them, the
 * connections they hold against the database's limit, and the queries per
 * expiry when each coalesces its misses — for weights 3:1 at 400 req/s
 * and a 100 ms + 1 ms recompute window, 1 + 0.25(1 - e^-30.3) +
 * 0.75(1 - e^-10.1) = 1.99996. Nothing of it for one instance. */
START_TEST(check_describes_the_fleet)
{
    const char *json =
        "{\"workload\": {\"arrivals\": {\"rate\": 400}},"
        " \"cache\": {\"latency\": \"1ms\"},"
        " \"database\": {\"service\": \"100ms\", \"max_connections\": 30},"
        " \"client\": {\"weights\": [3, 1], \"pool_size\": 20}}";
    struct scenario *s = test_scenario("f.json", json, NULL, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    scenario_describe(s, fp);
    fclose(fp);
    ck_assert_msg(strstr(text, "fleet     2 application instances, requests "
                         "spread by weight (25% to 75% each); each its own "
                         "pool of 20: 40 connections in all against the "
                         "database's 30\n") != NULL, "%s", text);
    double want = 1 + 0.25 * (1 - exp(-400 * 0.75 * 0.101)) +
                  0.75 * (1 - exp(-400 * 0.25 * 0.101));
    char line[200];
    snprintf(line, sizeof line, "with each of the 2 instances coalescing its "
             "own misses: about %.4g queries per expiry", want);
    ck_assert_msg(strstr(text, line) != NULL, "%s\nwanted %s", text, line);
    ck_assert_ptr_nonnull(strstr(text, "client    per instance, pool of 20"));
    free(text);
    scenario_free(s);

    s = test_scenario("f.json", "{}", NULL, 0);
    fp = open_memstream(&text, &len);
    scenario_describe(s, fp);
    fclose(fp);
    ck_assert_ptr_null(strstr(text, "fleet"));
    ck_assert_ptr_null(strstr(text, "instances"));
    ck_assert_ptr_null(strstr(text, "per instance"));
    free(text);
    scenario_free(s);
}
END_TEST

TEST_SUITE(fleet_suite)
{
    Suite *s = suite_create("fleet");
    TCase *tc = tcase_create("instances");
    tcase_add_test(tc, requests_spread_uniformly_or_by_weight);
    tcase_add_test(tc, instances_are_common_to_every_policy);
    tcase_add_test(tc, each_instances_pool_is_reported);
    tcase_add_test(tc, lists_are_written_as_json_arrays);
    tcase_add_test(tc, check_describes_the_fleet);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
