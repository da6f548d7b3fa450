/*
 * test_fleet_theory.c — the policies of a fleet against what is known of
 * them without the simulator: how many queries singleflight, swr and
 * refresh_ahead send per expiry when each instance coalesces on its own,
 * that leases and xlocked recompute each value exactly once, and that
 * xlocked keeps XFetch's odds of refreshing before the expiry.
 *
 * The per-instance count. One hot key read at λ per second (Poisson),
 * spread uniformly over N instances: each instance sees its own Poisson
 * stream of rate λ/N, independent of the others. Cache commands take a
 * constant c, queries a constant Δ on a database that never makes them
 * wait. When the value needs recomputing (it expired; or, for
 * refresh_ahead, it is due), the first read of any instance starts that
 * instance's recompute, which writes the value Δ + c later (the query,
 * then the SET). Each of the other N - 1 instances starts one of its own
 * if one of its reads completes in that window — probability
 *     p = 1 - exp(-(λ/N)(Δ + c))
 * — and no read after the write needs one. So per expiry
 *     E[recomputes] = 1 + (N - 1) p,   Var = (N - 1) p (1 - p),
 * the expiries independent (each starts afresh from a write, and Poisson
 * arrivals have no memory). Over K expiries the mean's standard error is
 * sqrt((N - 1) p (1 - p) / K); the tolerance is 3 of them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../spy.h"
#include "../support.h"
#include "experiment/experiment.h"
#include "scenario/scenario.h"

#define C 0.001     /* cache round trip */
#define DELTA 0.050 /* the query */

/* A hot key, TTL 1 s, written at 0; N instances sharing λ req/s; an
 * uncontended database; `policy` (a JSON object) and the cache's
 * `extra` fields. */
static struct scenario *fleet(long n, double lambda, const char *extra,
                              const char *policy, const char *duration)
{
    char json[2048];
    snprintf(json, sizeof json,
             "{\"duration\": \"%s\", \"warmup\": \"2s\", \"seed\": 21,"
             " \"workload\": {\"arrivals\": {\"rate\": %g}},"
             " \"cache\": {\"ttl\": \"1s\", \"warm\": \"synchronized\","
             "  \"latency\": \"1ms\"%s},"
             " \"database\": {\"cores\": 10000, \"service\": \"50ms\","
             "  \"max_connections\": \"none\"},"
             " \"client\": {\"instances\": %ld, \"pool_size\": 100000,"
             "  \"timeout\": \"none\"},"
             " \"policies\": [%s]}",
             duration, lambda, extra, n, policy);
    return test_scenario("fleet.json", json, NULL, 0);
}

struct per_instance {
    double mean, se;
};

static struct per_instance per_expiry(long n, double lambda, double k)
{
    double p = 1 - exp(-(lambda / (double)n) * (DELTA + C));
    double var = (double)(n - 1) * p * (1 - p);
    return (struct per_instance){1 + (double)(n - 1) * p, sqrt(var / k)};
}

static void check_count(const char *what, double measured, double expiries,
                        long n, double lambda)
{
    struct per_instance want = per_expiry(n, lambda, expiries);
    ck_assert_msg(expiries >= 150, "%s: only %g expiries", what, expiries);
    ck_assert_msg(fabs(measured - want.mean) <= 3 * want.se,
                  "%s, %ld instances at %g req/s: %g per expiry, predicted "
                  "%g (se %g over %g expiries)", what, n, lambda, measured,
                  want.mean, want.se, expiries);
}

/* singleflight: a miss episode per expiry, and its queries are the
 * instances' leaders. 20 instances at 200 req/s (p = 0.40, E = 8.59) and
 * 8 at 50 req/s (p = 0.27, E = 2.91). */
START_TEST(singleflight_queries_once_per_instance_that_misses)
{
    const struct {
        long n;
        double lambda;
    } points[] = {{20, 200}, {8, 50}};
    for (size_t i = 0; i < 2; i++) {
        struct scenario *s = fleet(points[i].n, points[i].lambda, "",
                                   "{\"policy\": \"singleflight\"}", "1000s");
        struct run_summary r = test_run_policy(s, 0, NULL, NULL);
        check_count("singleflight", test_get(&r, "episodes.mean_size"),
                    test_get(&r, "episodes.count"), points[i].n,
                    points[i].lambda);
        scenario_free(s);
    }
}
END_TEST

/* The distinct values (by expiry) that reads after the warmup (2 s) found
 * in a state (`what`, and `due` if given): the values the policy had to
 * refresh while it was measured. */
static size_t distinct_expiries(const struct spy_trace *tr, const char *what,
                                bool (*due)(const struct spy_event *))
{
    double seen[4096];
    size_t n = 0;
    for (size_t i = 0; i < tr->n; i++) {
        const struct spy_event *e = &tr->ev[i];
        if (e->t < 2 || strcmp(e->what, what) != 0 || (due && !due(e)))
            continue;
        bool known = false;
        for (size_t k = 0; k < n && !known; k++)
            known = seen[k] == e->expires_at;
        if (!known && n < 4096)
            seen[n++] = e->expires_at;
    }
    return n;
}

/* swr, stale window 500 ms: an expiry's refreshes are the instances' first
 * stale readers during the refresh, the same count; no reader waits: every
 * reply is one round trip, the first stale one included. Stale replies are
 * exactly the reads within 500 ms of an expiry (the trace's own times). */
START_TEST(swr_refreshes_once_per_instance_and_never_waits)
{
    struct scenario *s = fleet(20, 200, ", \"stale_for\": \"500ms\"",
                               "{\"policy\": \"swr\"}", "400s");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    double expiries = (double)distinct_expiries(tr, "read:stale", NULL);
    check_count("swr", test_get(&r, "policy_metrics.refreshes_started") /
                           expiries, expiries, 20, 200);
    ck_assert_double_eq_tol(test_get(&r, "latency_ms.max"), 1, 1e-9);
    ck_assert_double_eq_tol(test_get(&r, "latency_ms.p99"), 1, 0.01);
    ck_assert_double_eq(test_get(&r, "episodes.count"), 0);
    size_t within = 0, stale = 0;
    for (size_t i = 0; i < tr->n; i++) {
        const struct spy_event *e = &tr->ev[i];
        if (strncmp(e->what, "read:", 5) != 0)
            continue;
        bool in_window = e->t >= e->expires_at && e->t < e->expires_at + 0.5;
        within += in_window && e->t >= 2;   /* measured after the warmup */
        stale += strcmp(e->what, "read:stale") == 0 && e->t >= 2;
        ck_assert(in_window == (strcmp(e->what, "read:stale") == 0));
    }
    ck_assert_uint_gt(stale, 1000);
    ck_assert_uint_eq(within, stale);
    free(tr);
    scenario_free(s);
}
END_TEST

static bool due_at_0_8(const struct spy_event *e)
{
    return e->t >= e->written_at + 0.8 * (e->expires_at - e->written_at);
}

/* refresh_ahead at 0.8 of the TTL: a value's refreshes are the instances'
 * first due readers during the refresh; with traffic steady enough that
 * a due value is read long before it expires, no read ever misses. */
START_TEST(refresh_ahead_refreshes_once_per_instance_and_never_misses)
{
    struct scenario *s = fleet(20, 200, "", "{\"policy\": \"refresh_ahead\"}",
                               "400s");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    double values = (double)distinct_expiries(tr, "read:fresh", due_at_0_8);
    check_count("refresh_ahead",
                test_get(&r, "policy_metrics.refreshes_started") / values,
                values, 20, 200);
    ck_assert_double_eq(test_get(&r, "episodes.count"), 0);
    ck_assert_double_eq(test_get(&r, "recomputes.miss"), 0);
    free(tr);
    scenario_free(s);
}
END_TEST

/* Not statistical: a lease admits one writer per expiry, so each miss
 * episode costs exactly one query, none overlapping, on a fleet as on one
 * instance; and its hot misses are served by that one write. */
START_TEST(lease_recomputes_once_per_expiry)
{
    struct scenario *s = fleet(20, 1000, "", "{\"policy\": \"lease\"}",
                               "200s");
    struct run_summary r = test_run_policy(s, 0, NULL, NULL);
    double episodes = test_get(&r, "episodes.count");
    ck_assert_double_gt(episodes, 150);
    ck_assert_double_eq(test_get(&r, "recomputes.total"), episodes);
    ck_assert_double_eq(test_get(&r, "recomputes.overlapping"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.lease_rejections"), 0);
    ck_assert_double_gt(test_get(&r, "policy_metrics.hot_misses"), episodes);
    ck_assert_double_eq(test_get(&r, "error_rate"), 0);
    scenario_free(s);
}
END_TEST

/* Not statistical: xlocked recomputes each value once — every write
 * replaces a value whose refresh (early, under the lock) or recompute
 * (a miss, under the lock) was the only one — none overlapping, whether
 * the traffic refreshes early every time (1000 req/s) or only some of the
 * time (20 req/s: λβΔ = 1, so XFetch leaves a cycle unrefreshed with
 * probability e^-1). The recomputes counted and the cycles ended differ
 * only by the ones in flight at the warmup's end and the run's. */
START_TEST(xlocked_recomputes_once_per_cycle)
{
    const double rates[] = {1000, 20};
    for (size_t i = 0; i < 2; i++) {
        struct scenario *s = fleet(20, rates[i], "",
                                   "{\"policy\": \"xlocked\"}", "200s");
        struct run_summary r = test_run_policy(s, 0, NULL, NULL);
        double cycles = test_get(&r, "policy_metrics.cycles");
        double total = test_get(&r, "recomputes.total");
        ck_assert_double_gt(cycles, 150);
        ck_assert_msg(fabs(total - cycles) <= 2, "%g recomputes, %g cycles",
                      total, cycles);
        ck_assert_double_eq(test_get(&r, "recomputes.overlapping"), 0);
        ck_assert_double_eq(test_get(&r, "recomputes.redundant"), 0);
        if (i == 1) {
            ck_assert_double_gt(test_get(&r, "recomputes.early"), 20);
            ck_assert_double_gt(test_get(&r, "recomputes.lock"), 20);
        }
        scenario_free(s);
    }
}
END_TEST

/* xlocked decides as per does (the same coins): a cycle passes without an
 * early refresh with XFetch's probability exp(-λβΔ(1 - e^(-T/(βΔ)))),
 * the lock notwithstanding (a refresher that finds it held is one whose
 * cycle another early refresh has already taken); like per, it counts
 * that event as cycles_unstarted (unstarted_share: miss_share also counts
 * refreshes that start but land after the expiry). 100 keys at 10 req/s
 * each, β = 1, Δ = 100 ms, T = 1 s: P = 0.368; over n ≥ 20 000 cycles
 * the share's standard error is sqrt(P(1-P)/n) ≤ 0.0034, and the
 * tolerance 3 of them (as per's test in test_policy_theory.c). */
START_TEST(xlocked_keeps_the_xfetch_probability)
{
    double predicted = exp(-10 * 0.1 * (1 - exp(-1 / 0.1)));
    const char *json =
        "{\"duration\": \"400s\", \"seed\": 5,"
        " \"workload\": {\"arrivals\": {\"rate\": 1000},"
        "  \"keys\": {\"count\": 100}},"
        " \"cache\": {\"ttl\": \"1s\", \"latency\": \"0.2ms\"},"
        " \"database\": {\"cores\": 10000, \"service\": \"100ms\","
        "  \"max_connections\": \"none\"},"
        " \"client\": {\"instances\": 10, \"pool_size\": 100000,"
        "  \"timeout\": \"none\"},"
        " \"policies\": [{\"policy\": \"xlocked\"}]}";
    struct scenario *s = test_scenario("x.json", json, NULL, 0);
    struct run_summary r = test_run_policy(s, 0, NULL, NULL);
    double cycles = test_get(&r, "policy_metrics.cycles");
    double share = test_get(&r, "policy_metrics.unstarted_share");
    double se = sqrt(predicted * (1 - predicted) / cycles);
    ck_assert_msg(cycles >= 20000, "only %g cycles", cycles);
    ck_assert_msg(fabs(share - predicted) <= 3 * se,
                  "share %g, predicted %g (se %g, %g cycles)", share,
                  predicted, se, cycles);
    ck_assert_double_eq(test_get(&r, "recomputes.overlapping"), 0);
    scenario_free(s);
}
END_TEST

TEST_SUITE(fleet_theory_suite)
{
    Suite *s = suite_create("fleet_theory");
    TCase *tc = tcase_create("fleet policies against theory");
    tcase_add_test(tc, singleflight_queries_once_per_instance_that_misses);
    tcase_add_test(tc, swr_refreshes_once_per_instance_and_never_waits);
    tcase_add_test(tc, refresh_ahead_refreshes_once_per_instance_and_never_misses);
    tcase_add_test(tc, lease_recomputes_once_per_expiry);
    tcase_add_test(tc, xlocked_recomputes_once_per_cycle);
    tcase_add_test(tc, xlocked_keeps_the_xfetch_probability);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    return s;
}
