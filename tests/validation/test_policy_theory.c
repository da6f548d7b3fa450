/*
 * test_policy_theory.c — the lock and per policies against what is known
 * of them independently of the simulator: a healthy lock recomputes once
 * per expiry, a crashed holder stalls its waiters for lock_ttl, and XFetch
 * leaves a TTL cycle without an early refresh with the probability of
 * Vattani et al.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "experiment/experiment.h"
#include "scenario/scenario.h"

static struct scenario *scenario_of(const char *json, const char *const *sets,
                                    size_t n_sets)
{
    return test_scenario("p.json", json, sets, n_sets);
}

static struct run_summary run_policy(const struct scenario *s, size_t index)
{
    return test_run_policy(s, index, NULL, NULL);
}

/* A hot key at 1000 req/s, Δ = 50 ms on an uncontended database, cache
 * round trips exponential (mean 0.5 ms), TTL 1 s, lock_ttl 1 s (20 Δ). */
static const char LOCK_SCENARIO[] =
    "{\"duration\": \"200s\", \"seed\": 11,"
    " \"workload\": {\"arrivals\": {\"rate\": 1000}},"
    " \"cache\": {\"ttl\": \"1s\", \"warm\": \"synchronized\","
    "  \"latency\": {\"dist\": \"exponential\", \"mean\": \"0.5ms\"}},"
    " \"database\": {\"cores\": 1000, \"service\": \"50ms\","
    "  \"max_connections\": \"none\"},"
    " \"client\": {\"pool_size\": 100000, \"timeout\": \"none\"},"
    " \"policies\": [{\"policy\": \"lock\", \"lock_ttl\": \"1s\","
    "  \"retry_interval\": \"5ms\", \"retry_jitter\": \"2ms\"}]}";

/* Not statistical: with recheck, every expiry costs exactly one query (a
 * waiter that gets the lock after the write re-reads and finds the value),
 * and no two recomputes of the key ever overlap. */
START_TEST(healthy_lock_recomputes_once_per_expiry)
{
    struct scenario *s = scenario_of(LOCK_SCENARIO, NULL, 0);
    struct run_summary r = run_policy(s, 0);
    double episodes = test_get(&r, "episodes.count");
    ck_assert(episodes > 150);
    ck_assert_double_eq(test_get(&r, "recomputes.total"), episodes);
    ck_assert_double_eq(test_get(&r, "recomputes.lock"), episodes);
    ck_assert_double_eq(test_get(&r, "recomputes.overlapping"), 0);
    ck_assert_double_eq(test_get(&r, "recomputes.redundant"), 0);
    ck_assert_double_eq(test_get(&r, "error_rate"), 0);
    /* waiters waited, polling the cache, and were served the value */
    ck_assert(test_get(&r, "policy_metrics.contended") > 0);
    ck_assert(test_get(&r, "policy_metrics.polls") > 0);
    ck_assert(test_get(&r, "outcomes.waited") > 0);
    /* ... for up to about Δ: a recompute (50 ms) plus round trips and a
     * poll interval (at most 7 ms) */
    ck_assert(test_get(&r, "policy_metrics.max_wait_s") < 0.050 + 0.007 + 0.010);
    scenario_free(s);
}
END_TEST

/* Without recheck, a waiter whose read came before the holder's write and
 * whose try-lock came after the release recomputes again: the double
 * recompute race. Every extra recompute is one of those, and is counted
 * as redundant (it started while the value was fresh). */
START_TEST(lock_without_recheck_shows_the_double_recompute_race)
{
    const char *sets[] = {"policies[0].recheck=false"};
    struct scenario *s = scenario_of(LOCK_SCENARIO, sets, 1);
    struct run_summary r = run_policy(s, 0);
    double episodes = test_get(&r, "episodes.count");
    double total = test_get(&r, "recomputes.total");
    double redundant = test_get(&r, "recomputes.redundant");
    ck_assert_msg(redundant > 0.1 * episodes, "only %g races in %g expiries",
                  redundant, episodes);
    ck_assert_double_eq(total, episodes + redundant);
    ck_assert_double_eq(test_get(&r, "recomputes.overlapping"), 0);
    scenario_free(s);
}
END_TEST

/* Serving stale, the refresher that gets the lock re-reads too: a stale
 * reader whose try-lock lands just after the previous refresher's release
 * finds the new value and lets go. Every refresh starts on an expired
 * value (none is redundant) and none overlaps another; without recheck the
 * same race costs extra refreshes. */
START_TEST(stale_serving_lock_refreshes_once_per_expiry)
{
    const char *sets[] = {"policies[0].serve_stale=true",
                          "cache.stale_for=10s", "policies[0].recheck=true"};
    struct scenario *s = scenario_of(LOCK_SCENARIO, sets, 3);
    struct run_summary r = run_policy(s, 0);
    ck_assert(test_get(&r, "outcomes.stale") > 150);
    ck_assert_double_eq(test_get(&r, "episodes.count"), 0);
    /* one refresh per TTL plus a recompute: about 200 s / 1.05 s */
    ck_assert(test_get(&r, "recomputes.lock") > 150);
    ck_assert_double_eq(test_get(&r, "recomputes.redundant"), 0);
    ck_assert_double_eq(test_get(&r, "recomputes.overlapping"), 0);
    scenario_free(s);

    sets[2] = "policies[0].recheck=false";
    s = scenario_of(LOCK_SCENARIO, sets, 3);
    r = run_policy(s, 0);
    ck_assert(test_get(&r, "recomputes.redundant") > 0);
    scenario_free(s);
}
END_TEST

/* ---- a crashed holder: a spy around the lock policy ---- */

#define MAX_REQ 400000
#define MAX_EVENTS 4096

struct spy {
    const struct policy_ops *lock;
    void *inner;
    double first_miss[MAX_REQ];     /* 0: none (times are > 0) */
    double served[MAX_REQ];
    double crash[MAX_EVENTS];
    double acquire[MAX_EVENTS];     /* acquisitions that did not crash */
    double write[MAX_EVENTS];       /* holders' writes */
    size_t n_crash, n_acquire, n_write;
};

static struct spy *the_spy;

static void *spy_create(const void *knobs, struct world *w)
{
    the_spy->inner = the_spy->lock->create(knobs, w);
    return the_spy;
}

static void spy_destroy(void *state)
{
    struct spy *s = state;
    s->lock->destroy(s->inner);
}

static void spy_on_read(void *state, struct request *r,
                        const struct cache_view *v)
{
    struct spy *s = state;
    uint64_t id = req_id(r);
    if (id < MAX_REQ && v->state == CACHE_MISSING && s->first_miss[id] == 0)
        s->first_miss[id] = req_now(r);
    s->lock->on_read(s->inner, r, v);
    if (id < MAX_REQ && v->state == CACHE_FRESH && req_replied(r) &&
        s->served[id] == 0)
        s->served[id] = req_now(r);
}

static void spy_on_lock(void *state, struct request *r, bool acquired)
{
    struct spy *s = state;
    bool before = req_replied(r);
    s->lock->on_lock(s->inner, r, acquired);
    if (!acquired)
        return;
    if (!before && req_replied(r)) {   /* it died holding the lock */
        if (s->n_crash < MAX_EVENTS)
            s->crash[s->n_crash++] = req_now(r);
    } else if (s->n_acquire < MAX_EVENTS) {
        s->acquire[s->n_acquire++] = req_now(r);
    }
}

static void spy_on_recomputed(void *state, struct request *r,
                              enum recompute_result res)
{
    struct spy *s = state;
    if (res == RECOMPUTE_OK && s->n_write < MAX_EVENTS)
        s->write[s->n_write++] = req_now(r);
    s->lock->on_recomputed(s->inner, r, res);
}

/* Whether a holder's write within the cache TTL before t left the value
 * fresh at t: then a crash at t holds up nobody. */
static bool fresh_at(const struct spy *s, double t, double cache_ttl)
{
    for (size_t i = 0; i < s->n_write; i++)
        if (s->write[i] <= t && s->write[i] > t - cache_ttl)
            return true;
    return false;
}

static void spy_on_wake(void *state, struct request *r)
{
    struct spy *s = state;
    s->lock->on_wake(s->inner, r);
}

static void spy_on_unlocked(void *state, struct request *r, bool released)
{
    struct spy *s = state;
    s->lock->on_unlocked(s->inner, r, released);
}

static void spy_collect(void *state, double *acc)
{
    struct spy *s = state;
    s->lock->collect(s->inner, acc);
}

/* holder_failure 0.5, lock_ttl 1 s: at every crash (its lock taken at t)
 * while the value is missing, each request that was already waiting gets
 * the value only at t + 1 s or later, and the first holder after the crash
 * takes the lock then. Exact, not statistical (lock_ttl is 20 Δ, so no
 * earlier holder can still be writing). A holder may also die after an
 * earlier holder's write landed (it would have found the value on its
 * recheck); then the waiters read that value and nobody waits on the lock:
 * those crashes are not checked. */
START_TEST(crashed_holder_stalls_its_waiters_for_lock_ttl)
{
    /* waiters never give up: only lock holders write */
    const char *sets[] = {"policies[0].holder_failure=0.5", "duration=100s",
                          "policies[0].max_wait=none"};
    struct scenario *sc = scenario_of(LOCK_SCENARIO, sets, 3);
    static struct spy spy;
    memset(&spy, 0, sizeof spy);
    spy.lock = policy_find("lock");
    the_spy = &spy;
    struct policy_ops ops = *spy.lock;
    ops.create = spy_create;
    ops.destroy = spy_destroy;
    ops.on_read = spy_on_read;
    ops.on_lock = spy_on_lock;
    ops.on_recomputed = spy_on_recomputed;
    ops.on_wake = spy_on_wake;
    ops.on_unlocked = spy_on_unlocked;
    ops.collect = spy_collect;
    struct policy_spec spec = sc->policies[0];
    spec.ops = &ops;
    sc->policies[0] = spec;
    struct run_summary r = run_policy(sc, 0);
    double ttl = 1.0;
    ck_assert_uint_gt(spy.n_crash, 20);
    ck_assert_double_eq(test_get(&r, "errors.holder_crash"),
                        test_get(&r, "policy_metrics.holder_crashes"));
    size_t checked = 0;
    size_t blocking = 0;
    for (size_t c = 0; c < spy.n_crash; c++) {
        double t = spy.crash[c];
        if (fresh_at(&spy, t, 1.0))
            continue;
        blocking++;
        for (uint64_t id = 1; id < MAX_REQ; id++) {
            if (spy.first_miss[id] == 0 || spy.first_miss[id] > t)
                continue;
            if (spy.served[id] != 0 && spy.served[id] <= t)
                continue;   /* served before the crash */
            if (spy.served[id] != 0) {
                ck_assert_msg(spy.served[id] >= t + ttl,
                              "request %llu served at %g, crash at %g",
                              (unsigned long long)id, spy.served[id], t);
                checked++;
            }
        }
        /* the next acquisition of any kind comes when the lock expires;
         * if that holder lives, it recomputes: the next write is its */
        double next = INFINITY, next_write = INFINITY;
        bool next_lives = false;
        for (size_t a = 0; a < spy.n_acquire; a++)
            if (spy.acquire[a] > t && spy.acquire[a] < next) {
                next = spy.acquire[a];
                next_lives = true;
            }
        for (size_t k = 0; k < spy.n_crash; k++)
            if (spy.crash[k] > t && spy.crash[k] < next) {
                next = spy.crash[k];
                next_lives = false;
            }
        for (size_t k = 0; k < spy.n_write; k++)
            if (spy.write[k] > t && spy.write[k] < next_write)
                next_write = spy.write[k];
        if (!isfinite(next))
            continue;   /* the run ended first */
        ck_assert_msg(next >= t + ttl, "lock taken at %g, %g after a crash",
                      next, next - t);
        ck_assert(next_write >= next);
        if (next_lives && isfinite(next_write))
            ck_assert_msg(next_write <= next + 0.050 + 0.010,
                          "holder at %g wrote at %g", next, next_write);
    }
    ck_assert_uint_gt(blocking, 20);
    ck_assert_uint_gt(checked, 1000);
    scenario_free(sc);
}
END_TEST

/* ---- per: the XFetch probability ---- */

/*
 * 100 keys, each read at λ per second (Poisson, uniform keys), constant
 * recompute Δ = 100 ms on an uncontended database, TTL T = 1 s. In a TTL
 * cycle a read at t before the expiry refreshes early with probability
 * exp(-(T - t)/(βΔ)), so no early refresh starts before the expiry with
 * probability
 *     P = exp(-λβΔ (1 - exp(-T/(βΔ)))).
 * per counts that event as cycles_unstarted (unstarted_share). Cycles
 * are independent (each starts afresh with a write); over n cycles the
 * share has standard error sqrt(P(1-P)/n): about 0.0034 at P = 0.37 and
 * n = 20 000, and the tolerance is three of them.
 *
 * Δ here is the delta per uses: the measured query duration stored with
 * the value, which on an idle database is the work (100 ms) exactly.
 */
static void check_xfetch(double lambda, double beta)
{
    double delta = 0.1, ttl = 1.0;
    double predicted = exp(-lambda * beta * delta *
                           (1 - exp(-ttl / (beta * delta))));
    ck_assert(predicted > 0.05 && predicted < 0.9);
    char json[1024];
    snprintf(json, sizeof json,
             "{\"duration\": \"400s\", \"seed\": 5,"
             " \"workload\": {\"arrivals\": {\"rate\": %g},"
             "  \"keys\": {\"count\": 100}},"
             " \"cache\": {\"ttl\": \"1s\", \"latency\": \"0.2ms\"},"
             " \"database\": {\"cores\": 10000, \"service\": \"100ms\","
             "  \"max_connections\": \"none\"},"
             " \"client\": {\"pool_size\": 100000, \"timeout\": \"none\"},"
             " \"policies\": [{\"policy\": \"per\", \"beta\": %g}]}",
             lambda * 100, beta);
    struct scenario *s = scenario_of(json, NULL, 0);
    struct run_summary r = run_policy(s, 0);
    double cycles = test_get(&r, "policy_metrics.cycles");
    double share = test_get(&r, "policy_metrics.unstarted_share");
    double se = sqrt(predicted * (1 - predicted) / cycles);
    ck_assert_msg(cycles >= 20000, "only %g cycles", cycles);
    ck_assert_msg(fabs(share - predicted) <= 3 * se,
                  "lambda %g beta %g: share %g, predicted %g (se %g, %g "
                  "cycles)", lambda, beta, share, predicted, se, cycles);
    scenario_free(s);
}

START_TEST(per_no_early_refresh_probability_matches_xfetch)
{
    check_xfetch(2, 1);     /* P = 0.819 */
    check_xfetch(10, 1);    /* P = 0.368 */
    check_xfetch(10, 2);    /* P = 0.137 */
}
END_TEST

/*
 * A cycle is covered only when an early refresh has *written* the next
 * value before the expiry. With a fixed delta Δ = 100 ms (the knob, so
 * βΔ is known exactly), a constant query of Δ on an uncontended database
 * and a constant cache round trip r = 0.2 ms, a refresh decided by a read
 * that completes at lead L (seconds before the expiry) writes at lead
 * L - D, D = Δ + r: the query, then the SET, which takes effect when it
 * completes. It lands in time only if L > D. Reads at lead L refresh
 * with probability exp(-L/(βΔ)), independently (each has its own coin),
 * so the refreshes decided at leads in [D, T] are a Poisson count of mean
 *     m = λ ∫_D^T exp(-L/(βΔ)) dL = λβΔ (exp(-D/(βΔ)) - exp(-T/(βΔ))),
 * and the cycle is missed with probability exp(-m) — above the XFetch
 * probability that none *starts*, exp(-λβΔ(1 - exp(-T/(βΔ)))), by the
 * refreshes that start less than D before the expiry. A warmup of 2 s
 * leaves out the values the cache started with (staggered: they live
 * less than a TTL). Tolerance: three binomial standard errors, as above.
 */
static void check_written(double lambda, double beta)
{
    double delta = 0.1, ttl = 1.0, d = delta + 0.0002, scale = beta * delta;
    double predicted = exp(-lambda * scale * (exp(-d / scale) -
                                              exp(-ttl / scale)));
    double started = exp(-lambda * scale * (1 - exp(-ttl / scale)));
    char json[1024];
    snprintf(json, sizeof json,
             "{\"duration\": \"402s\", \"warmup\": \"2s\", \"seed\": 7,"
             " \"workload\": {\"arrivals\": {\"rate\": %g},"
             "  \"keys\": {\"count\": 100}},"
             " \"cache\": {\"ttl\": \"1s\", \"latency\": \"0.2ms\"},"
             " \"database\": {\"cores\": 10000, \"service\": \"100ms\","
             "  \"max_connections\": \"none\"},"
             " \"client\": {\"pool_size\": 100000, \"timeout\": \"none\"},"
             " \"policies\": [{\"policy\": \"per\", \"beta\": %g,"
             "  \"delta\": \"100ms\"}]}",
             lambda * 100, beta);
    struct scenario *s = scenario_of(json, NULL, 0);
    struct run_summary r = run_policy(s, 0);
    double cycles = test_get(&r, "policy_metrics.cycles");
    double missed = test_get(&r, "policy_metrics.miss_share");
    double unstarted = test_get(&r, "policy_metrics.unstarted_share");
    ck_assert_msg(cycles >= 20000, "only %g cycles", cycles);
    double se = sqrt(predicted * (1 - predicted) / cycles);
    ck_assert_msg(fabs(missed - predicted) <= 3 * se,
                  "lambda %g beta %g: missed %g, predicted %g (se %g, %g "
                  "cycles)", lambda, beta, missed, predicted, se, cycles);
    se = sqrt(started * (1 - started) / cycles);
    ck_assert_msg(fabs(unstarted - started) <= 3 * se,
                  "lambda %g beta %g: unstarted %g, predicted %g (se %g)",
                  lambda, beta, unstarted, started, se);
    scenario_free(s);
}

START_TEST(per_refresh_written_before_expiry_matches_its_closed_form)
{
    check_written(10, 1);     /* written 0.693, started 0.368 */
    check_written(10, 2);     /* written 0.302, started 0.137 */
    check_written(20, 0.5);   /* written 0.874, started 0.368 */
}
END_TEST

/* With a vanishing beta no read refreshes early, and per is none: on
 * common random numbers (per draws its coins from a stream of its own,
 * which moves no other) the two runs are the same run, so the recomputes
 * and what the requests saw agree exactly, not only within the noise of
 * a Poisson count. */
START_TEST(per_with_tiny_beta_recomputes_like_none)
{
    const char *json =
        "{\"duration\": \"60s\", \"seed\": 9,"
        " \"workload\": {\"arrivals\": {\"rate\": 2000},"
        "  \"keys\": {\"count\": 200, \"popularity\": \"zipf\"}},"
        " \"cache\": {\"ttl\": \"2s\", \"ttl_jitter\": 0.3},"
        " \"database\": {\"cores\": 4, \"service\": {\"dist\": \"gamma\","
        "  \"mean\": \"20ms\", \"cv\": 0.5}},"
        " \"policies\": [{\"policy\": \"none\"},"
        "  {\"policy\": \"per\", \"beta\": 1e-9}]}";
    struct scenario *s = scenario_of(json, NULL, 0);
    struct run_summary none = run_policy(s, 0);
    struct run_summary per = run_policy(s, 1);
    double a = test_get(&none, "recomputes.total");
    double b = test_get(&per, "recomputes.total");
    ck_assert(a > 1000);
    ck_assert_msg(a == b, "none %g, per %g", a, b);
    ck_assert_double_eq(test_get(&per, "recomputes.early"), 0);
    ck_assert_double_eq(test_get(&per, "db.queries"), test_get(&none, "db.queries"));
    ck_assert_double_eq(test_get(&per, "hit_ratio"), test_get(&none, "hit_ratio"));
    ck_assert_double_eq(test_get(&per, "latency_ms.p99"),
                        test_get(&none, "latency_ms.p99"));
    scenario_free(s);
}
END_TEST

TEST_SUITE(policy_theory_suite)
{
    Suite *s = suite_create("policy_theory");
    TCase *tc = tcase_create("policies against theory");
    tcase_add_test(tc, healthy_lock_recomputes_once_per_expiry);
    tcase_add_test(tc, lock_without_recheck_shows_the_double_recompute_race);
    tcase_add_test(tc, stale_serving_lock_refreshes_once_per_expiry);
    tcase_add_test(tc, crashed_holder_stalls_its_waiters_for_lock_ttl);
    tcase_add_test(tc, per_no_early_refresh_probability_matches_xfetch);
    tcase_add_test(tc, per_refresh_written_before_expiry_matches_its_closed_form);
    tcase_add_test(tc, per_with_tiny_beta_recomputes_like_none);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    return s;
}
