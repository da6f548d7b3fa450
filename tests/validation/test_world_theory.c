/*
 * test_world_theory.c — the whole world (workload, cache, client, database,
 * policy) against results known independently of the simulator.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "../theory.h"
#include "experiment/experiment.h"
#include "scenario/scenario.h"

/* Per-window means of the database response time, for batch means. */
struct batches {
    double mean[4096];
    double count[4096];
    size_t n;
};

static void collect_batches(const struct window_row *row, unsigned rep,
                            const struct policy_ops *ops, void *ctx)
{
    (void)rep;
    (void)ops;
    struct batches *b = ctx;
    if (row->warmup || b->n == 4096 || row->tally->db.response->count == 0)
        return;
    b->mean[b->n] = hist_mean(row->tally->db.response);
    b->count[b->n] = (double)row->tally->db.response->count;
    b->n++;
}

/* Runs every policy of a scenario given as JSON text, once. */
static struct experiment run_text(const char *json, struct batches *b,
                                  struct scenario **out)
{
    struct scenario *s = test_scenario("v.json", json, NULL, 0);
    size_t idx[SCENARIO_MAX_POLICIES];
    for (size_t i = 0; i < s->n_policies; i++)
        idx[i] = i;
    struct experiment_params p = {
        .scenario = s, .policies = idx, .n_policies = s->n_policies,
        .replications = 1, .sink = b ? collect_batches : NULL, .sink_ctx = b,
    };
    struct experiment e;
    char err[256];
    ck_assert_msg(experiment_run(&p, &e, err, sizeof err), "%s", err);
    ck_assert(e.complete);
    *out = s;
    return e;
}

/*
 * No protection, one hot key, constant recompute time Δ, constant cache
 * round trip r, an uncontended database (1000 cores for ~50 queries): the
 * first request to find the key missing starts an episode; every request
 * whose read completes before that request's write lands also queries. Its
 * read lands r after it arrived and its write r + Δ + r after, so the
 * others are the arrivals of an interval of length Δ + r: the size is
 * 1 + Poisson(λ(Δ + r)), mean 1 + λ(Δ + r), variance λ(Δ + r).
 *
 * λ = 1000/s, Δ = 50 ms, r = 0.5 ms: mean 51.5, sd 7.1. A TTL of 100 ms
 * gives one episode per ~200 ms (the stampede's last write, about Δ after
 * the first, restarts the TTL); 400 s give ~2000 episodes, so the
 * standard error of the mean size is 7.1/sqrt(2000) = 0.16 and three of
 * them (0.48, 0.9 %) sit inside the required 2 % (1.03). Episodes are
 * independent (disjoint arrival intervals), so the plain SE holds.
 */
START_TEST(stampede_size_is_one_plus_lambda_delta_plus_r)
{
    const char *json =
        "{\"duration\": \"400s\", \"window\": \"10s\", \"seed\": 7,"
        " \"workload\": {\"arrivals\": {\"rate\": 1000}},"
        " \"cache\": {\"ttl\": \"100ms\", \"latency\": \"0.5ms\","
        "             \"warm\": \"synchronized\"},"
        " \"database\": {\"cores\": 1000, \"service\": \"50ms\","
        "                \"max_connections\": \"none\"},"
        " \"client\": {\"pool_size\": 100000, \"timeout\": \"none\","
        "              \"pool_timeout\": \"none\"}}";
    struct scenario *s;
    struct experiment e = run_text(json, NULL, &s);
    const struct run_summary *r = &e.results[0].reps[0].summary;
    double m = 1000 * (0.050 + 0.0005);
    double expected = 1 + m;
    double n = summary_get(r, "episodes.count");
    double got = summary_get(r, "episodes.mean_size");
    double se = sqrt(m / n);
    ck_assert_msg(n > 1500, "only %g episodes", n);
    ck_assert_msg(fabs(got - expected) <= fmax(3 * se, 0) &&
                      fabs(got - expected) <= 0.02 * expected,
                  "mean size %g, expected %g (se %g, %g episodes)", got,
                  expected, se, n);
    /* the run may end during the last episode, never in a collapse */
    ck_assert(summary_get(r, "episodes.open_at_end") <= 1);
    ck_assert_double_eq(summary_get(r, "errors.timeout"), 0);
    experiment_free(&e);
    scenario_free(s);
}
END_TEST

/*
 * ttl 0: every request misses and queries. With fcfs on c = 4 servers,
 * exponential work of mean S = 1 ms and λ = 3200/s (ρ = 0.8), the
 * database response time (pool wait included, here none) is M/M/4's:
 * E[T] = S + C(c, a) S / (c (1 - ρ)), a = λS.
 *
 * 600 s give ~1.9 x 10^6 queries. Successive response times are
 * correlated, so the standard error comes from batch means over the 10 s
 * windows (60 batches, each much longer than the queue's relaxation time
 * of a few ms): about 0.009 ms, so three of them (1.5 %) lie within the
 * required 2 %.
 */
START_TEST(fcfs_response_through_the_world_is_erlang_c)
{
    const char *json =
        "{\"duration\": \"600s\", \"window\": \"10s\", \"seed\": 1,"
        " \"workload\": {\"arrivals\": {\"rate\": 3200}},"
        " \"cache\": {\"ttl\": 0, \"latency\": \"0.2ms\"},"
        " \"database\": {\"discipline\": \"fcfs\", \"cores\": 4,"
        "                \"service\": {\"dist\": \"exponential\", \"mean\": \"1ms\"},"
        "                \"max_connections\": \"none\"},"
        " \"client\": {\"pool_size\": 100000, \"timeout\": \"none\","
        "              \"pool_timeout\": \"none\"}}";
    static struct batches b;
    memset(&b, 0, sizeof b);
    struct scenario *s;
    struct experiment e = run_text(json, &b, &s);
    const struct run_summary *r = &e.results[0].reps[0].summary;
    double expected = mmc_mean_response(4, 3200, 0.001);
    double got = summary_get(r, "db.response_ms.mean") / 1e3;
    /* batch means: sd of the window means / sqrt(number of windows) */
    double sum = 0, sum2 = 0;
    for (size_t i = 0; i < b.n; i++) {
        sum += b.mean[i];
        sum2 += b.mean[i] * b.mean[i];
    }
    double mean = sum / b.n;
    double sd = sqrt((sum2 - b.n * mean * mean) / (b.n - 1));
    double se = sd / sqrt((double)b.n);
    ck_assert_msg(3 * se <= 0.02 * expected, "run too short: se %g", se);
    ck_assert_msg(fabs(got - expected) <= 0.02 * expected &&
                      fabs(got - expected) <= 3 * se + 1e-12,
                  "E[T] %g ms, Erlang C %g ms (se %g ms)", got * 1e3,
                  expected * 1e3, se * 1e3);
    ck_assert(summary_get(r, "db.queries") > 1e6);
    experiment_free(&e);
    scenario_free(s);
}
END_TEST

TEST_SUITE(world_theory_suite)
{
    Suite *s = suite_create("world_theory");
    TCase *tc = tcase_create("world against theory");
    tcase_add_test(tc, stampede_size_is_one_plus_lambda_delta_plus_r);
    tcase_add_test(tc, fcfs_response_through_the_world_is_erlang_c);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    return s;
}
