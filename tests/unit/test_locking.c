/*
 * test_locking.c — the lock helper (models/locking.c) on its own, without
 * the lock policy: its knobs, and each transition of its state machine.
 *
 * A harness policy defined here hands every request to the helper (but
 * one, at most, which it runs as `none` does: a writer that takes no
 * lock) and records what each request was told, in order: its reads
 * (missing, stale, fresh), its try-locks (got, held), its wakes, its
 * recomputes and its unlocks (released, or gone: expired or another's),
 * each with its time and whether the request had replied by then. What
 * follows a callback shows what the helper did in it (a try-lock is
 * followed by a lock result, a sleep by a wake, ...).
 *
 * Every scenario is scripted: closed-loop workers whose think time is a
 * constant 1 s, so worker k sends its one request at 1 s after the
 * traffic incident that starts it; a constant cache round trip c = 1 ms;
 * queries of a constant 100 ms on a database that runs them side by side
 * at full speed; no timeout. So each transition happens at a time known in
 * advance, and the traces are compared with it exactly.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "locking.h"

#define C 0.001   /* the cache round trip */
#define EPS 1e-9  /* sums of milliseconds in binary floating point */

/* ---- the record ---- */

#define MAX_EVENTS 100000

struct event {
    double t;
    uint64_t id;
    char what[24];
    bool replied;   /* the request had replied when the callback returned */
    bool engaged;   /* ... and the lock still had it (locking_engaged) */
};

struct trace {
    struct event ev[MAX_EVENTS];
    size_t n;
};

static void record(struct trace *tr, struct request *r, const char *what)
{
    ck_assert_uint_lt(tr->n, MAX_EVENTS);
    struct event *e = &tr->ev[tr->n++];
    e->t = req_now(r);
    e->id = req_id(r);
    snprintf(e->what, sizeof e->what, "%s", what);
    e->replied = false;
}

/* Marks the last event if its callback replied, and whether the lock
 * still has the request. */
static void mark_reply(struct trace *tr, struct request *r)
{
    tr->ev[tr->n - 1].replied = req_replied(r);
    tr->ev[tr->n - 1].engaged =
        locking_engaged(REQ_STATE(r, struct locking_request));
}

/* Whether the lock still had request `id` after its k-th event. */
static bool engaged_after(const struct trace *tr, uint64_t id, size_t k)
{
    for (size_t i = 0; i < tr->n; i++)
        if (tr->ev[i].id == id && k-- == 0)
            return tr->ev[i].engaged;
    ck_abort_msg("request %llu has no event %zu", (unsigned long long)id, k);
    return false;
}

/* The events of request `id`, "what" each, a '*' after the callback in
 * which it replied. */
static void trace_of(const struct trace *tr, uint64_t id, char *out, size_t n)
{
    out[0] = '\0';
    bool replied = false;
    for (size_t i = 0; i < tr->n; i++) {
        if (tr->ev[i].id != id)
            continue;
        size_t len = strlen(out);
        bool now = tr->ev[i].replied && !replied;
        snprintf(out + len, n - len, "%s%s%s", len ? " " : "", tr->ev[i].what,
                 now ? "*" : "");
        replied |= tr->ev[i].replied;
    }
}

/* The time of the k-th event (from 0) of request `id`. */
static double time_of(const struct trace *tr, uint64_t id, size_t k)
{
    for (size_t i = 0; i < tr->n; i++)
        if (tr->ev[i].id == id && k-- == 0)
            return tr->ev[i].t;
    ck_abort_msg("request %llu has no event %zu", (unsigned long long)id, k);
    return NAN;
}

static void assert_trace(const struct trace *tr, uint64_t id,
                         const char *expected)
{
    char got[1024];
    trace_of(tr, id, got, sizeof got);
    ck_assert_msg(strcmp(got, expected) == 0,
                  "request %llu:\n  got      %s\n  expected %s",
                  (unsigned long long)id, got, expected);
}

static void assert_time(const struct trace *tr, uint64_t id, size_t k,
                        double expected)
{
    double t = time_of(tr, id, k);
    ck_assert_msg(fabs(t - expected) < EPS,
                  "request %llu, event %zu at %.9f s, expected %.9f s",
                  (unsigned long long)id, k, t, expected);
}

/* ---- the harness policy ---- */

struct harness_knobs {
    struct locking_knobs lock;
    struct trace *trace;
    uint64_t bypass;    /* a request that takes no lock (0: none) */
    bool early;         /* a fresh read refreshes under the lock (sync) */
    bool hook;          /* refreshers start through harness_start */
};

struct harness {
    const struct harness_knobs *k;
    struct locking *lock;
};

/* A policy's own start of a refresher's recompute: recorded, then an
 * early recompute. */
static void harness_start(void *ctx, struct request *r)
{
    struct harness *h = ctx;
    record(h->k->trace, r, "start");
    req_recompute(r, CAUSE_EARLY);
}

static void *harness_create(const void *knobs, struct world *w)
{
    struct harness *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->k = knobs;
    h->lock = locking_create(&h->k->lock, w);
    if (!h->lock) {
        free(h);
        return NULL;
    }
    if (h->k->hook)
        locking_on_refresh(h->lock, harness_start, h);
    return h;
}

static void harness_destroy(void *state)
{
    struct harness *h = state;
    locking_destroy(h->lock);
    free(h);
}

static bool harness_serves_stale(const void *knobs)
{
    return ((const struct harness_knobs *)knobs)->lock.serve_stale;
}

static struct locking_request *part(struct request *r)
{
    return REQ_STATE(r, struct locking_request);
}

static const char *const VIEW[] = {"read:fresh", "read:stale",
                                   "read:missing"};

static void harness_on_read(void *state, struct request *r,
                            const struct cache_view *v)
{
    struct harness *h = state;
    record(h->k->trace, r, VIEW[v->state]);
    if (req_id(r) != h->k->bypass && h->k->early &&
        v->state == CACHE_FRESH && !locking_engaged(part(r)))
        locking_refresh(h->lock, part(r), r, v);
    else if (req_id(r) != h->k->bypass)
        locking_on_read(h->lock, part(r), r, v);
    else if (v->state == CACHE_FRESH)
        req_reply(r, OUTCOME_HIT);
    else
        req_recompute(r, CAUSE_MISS);
    mark_reply(h->k->trace, r);
}

static void harness_on_lock(void *state, struct request *r, bool acquired)
{
    struct harness *h = state;
    record(h->k->trace, r, acquired ? "lock:got" : "lock:held");
    locking_on_lock(h->lock, part(r), r, acquired);
    mark_reply(h->k->trace, r);
}

static void harness_on_wake(void *state, struct request *r)
{
    struct harness *h = state;
    record(h->k->trace, r, "wake");
    locking_on_wake(h->lock, part(r), r);
    mark_reply(h->k->trace, r);
}

static void harness_on_recomputed(void *state, struct request *r,
                                  enum recompute_result result)
{
    struct harness *h = state;
    record(h->k->trace, r,
           result == RECOMPUTE_OK ? "recomputed:ok" : "recomputed:failed");
    if (req_id(r) != h->k->bypass)
        locking_on_recomputed(h->lock, part(r), r, result);
    else
        req_reply(r, OUTCOME_COMPUTED);
    mark_reply(h->k->trace, r);
}

static void harness_on_unlocked(void *state, struct request *r, bool released)
{
    struct harness *h = state;
    record(h->k->trace, r, released ? "unlocked:released" : "unlocked:gone");
    locking_on_unlocked(h->lock, part(r), r, released);
    mark_reply(h->k->trace, r);
}

static void harness_collect(void *state, double *acc)
{
    locking_collect(((struct harness *)state)->lock, acc);
}

static const struct policy_ops HARNESS = {
    .name = "harness",
    .takes_locks = true,
    .request_bytes = sizeof(struct locking_request),
    .serves_stale = harness_serves_stale,
    .create = harness_create,
    .destroy = harness_destroy,
    .on_read = harness_on_read,
    .on_lock = harness_on_lock,
    .on_wake = harness_on_wake,
    .on_recomputed = harness_on_recomputed,
    .on_unlocked = harness_on_unlocked,
    .metrics = {&LOCKING_METRICS},
    .collect = harness_collect,
};

/* ---- running it ---- */

/* The knobs of `json` (a policy object), read by the helper. */
static struct locking_knobs knobs_of(const char *json)
{
    cJSON *node = cJSON_Parse(json);
    ck_assert_ptr_nonnull(node);
    struct cfg cfg;
    cfg_init(&cfg);
    struct cfg_obj o;
    ck_assert(cfg_open(&cfg, node, "p", &o));
    struct locking_knobs k;
    memset(&k, 0, sizeof k);
    locking_parse(&o, &k);
    ck_assert_msg(cfg_ok(&cfg), "%s", cfg.n_errors ? cfg.errors[0].message
                                                   : "?");
    cfg_free(&cfg);
    cJSON_Delete(node);
    return k;
}

/* The first error reading `json` gives, "" if none. */
static void knob_error(const char *json, char *out, size_t n)
{
    cJSON *node = cJSON_Parse(json);
    ck_assert_ptr_nonnull(node);
    struct cfg cfg;
    cfg_init(&cfg);
    struct cfg_obj o;
    ck_assert(cfg_open(&cfg, node, "p", &o));
    struct locking_knobs k;
    locking_parse(&o, &k);
    snprintf(out, n, "%s%s%s", cfg.n_errors ? cfg.errors[0].path : "",
             cfg.n_errors ? ": " : "",
             cfg.n_errors ? cfg.errors[0].message : "");
    cfg_free(&cfg);
    cJSON_Delete(node);
}

/* No timeout; a failed request is not retried. */
static const char NO_TIMEOUT[] = "\"timeout\": \"none\"";
/* No timeout; one retry, at once (no backoff). */
static const char ONE_RETRY[] =
    "\"timeout\": \"none\", \"retries\": 1, \"backoff\": 0";

/* No stale window, the cache empty at the start. */
static const char COLD[] = "\"warm\": \"cold\"";
/* The value written at 0 expired at 1 s, and is kept 10 s more. */
static const char STALE[] =
    "\"ttl\": \"1s\", \"stale_for\": \"10s\", \"warm\": \"synchronized\"";
/* Polls every 50 ms exactly. */
static const char NO_JITTER[] = "{\"retry_jitter\": 0}";

/* A scenario of one key and workers that each send one request: the
 * first at 1 s, one more 1 s after each of `starts` (seconds), given as
 * traffic incidents. `cache` holds the cache's fields but its latency,
 * `service` the query's duration, `client` the client's fields. */
static struct scenario *scripted_with(const double *starts, size_t n_starts,
                                      const char *cache, const char *service,
                                      const char *duration,
                                      const char *client)
{
    char timeline[1024] = "";
    for (size_t i = 0; i < n_starts; i++) {
        size_t len = strlen(timeline);
        snprintf(timeline + len, sizeof timeline - len,
                 "%s{\"at\": %.9g, \"event\": \"traffic\", \"workers\": %zu}",
                 i ? ", " : "", starts[i], i + 2);
    }
    char json[2048];
    snprintf(json, sizeof json,
             "{\"duration\": \"%s\","
             " \"workload\": {\"arrivals\": {\"process\": \"closed\","
             "   \"workers\": 1, \"think\": \"1s\"}},"
             " \"cache\": {\"latency\": \"1ms\", %s},"
             " \"database\": {\"cores\": 100, \"service\": \"%s\"},"
             " \"client\": {%s},"
             " \"timeline\": [%s]}",
             duration, cache, service, client, timeline);
    return test_scenario("locking.json", json, NULL, 0);
}

static struct scenario *scripted(const double *starts, size_t n_starts,
                                 const char *cache, const char *service,
                                 const char *duration)
{
    return scripted_with(starts, n_starts, cache, service, duration,
                         NO_TIMEOUT);
}

/* Runs the harness over s with these lock knobs; the trace in *tr. */
static struct run_summary run_harness(const struct scenario *s,
                                      const char *knobs_json,
                                      uint64_t bypass, struct trace *tr)
{
    memset(tr, 0, sizeof *tr);
    struct harness_knobs k = {knobs_of(knobs_json), tr, bypass, false,
                              false};
    return test_run_ops(s, &HARNESS, &k);
}

/* The same, every fresh read of a request the lock does not have
 * refreshing the value under it, sync; through harness_start if hook. */
static struct run_summary run_early(const struct scenario *s,
                                    const char *knobs_json, bool hook,
                                    struct trace *tr)
{
    memset(tr, 0, sizeof *tr);
    struct harness_knobs k = {knobs_of(knobs_json), tr, 0, true, hook};
    return test_run_ops(s, &HARNESS, &k);
}

static struct trace *new_trace(void)
{
    struct trace *tr = malloc(sizeof *tr);
    ck_assert_ptr_nonnull(tr);
    return tr;
}


/* ---- knobs ---- */

/* The defaults, and the names: locking_write writes exactly the fields of
 * LOCKING_KNOB_NAMES, in their order, and reads them back the same. */
START_TEST(knobs_have_their_defaults_and_names)
{
    struct locking_knobs k = knobs_of("{}");
    ck_assert_double_eq(k.lock_ttl, 2.0);
    ck_assert_double_eq(k.retry_interval, 0.050);
    ck_assert_double_eq(k.retry_jitter, 0.010);
    ck_assert_double_eq(k.max_wait, 5.0);
    ck_assert_int_eq(k.on_give_up, LOCKING_GIVE_UP_QUERY);
    ck_assert(k.recheck);
    ck_assert(!k.serve_stale);
    ck_assert_double_eq(k.holder_failure, 0);

    static const char *const NAMES[] = {LOCKING_KNOB_NAMES, NULL};
    struct locking_knobs set = knobs_of(
        "{\"lock_ttl\": \"300ms\", \"retry_interval\": \"20ms\","
        " \"retry_jitter\": \"5ms\", \"max_wait\": \"none\","
        " \"on_give_up\": \"error\", \"recheck\": false,"
        " \"serve_stale\": true, \"holder_failure\": 0.25}");
    cJSON *o = cJSON_CreateObject();
    locking_write(&set, o);
    size_t i = 0;
    for (const cJSON *f = o->child; f; f = f->next, i++) {
        ck_assert_ptr_nonnull(NAMES[i]);
        ck_assert_str_eq(f->string, NAMES[i]);
    }
    ck_assert_ptr_null(NAMES[i]);
    char *text = cJSON_PrintUnformatted(o);
    struct locking_knobs again = knobs_of(text);
    cJSON_free(text);
    cJSON_Delete(o);
    ck_assert_double_eq(again.lock_ttl, 0.3);
    ck_assert_double_eq(again.retry_interval, 0.02);
    ck_assert_double_eq(again.retry_jitter, 0.005);
    ck_assert(isinf(again.max_wait));
    ck_assert_int_eq(again.on_give_up, LOCKING_GIVE_UP_ERROR);
    ck_assert(!again.recheck && again.serve_stale);
    ck_assert_double_eq(again.holder_failure, 0.25);

    char line[256];
    locking_describe(&set, line, sizeof line);
    ck_assert_str_eq(line, "lock_ttl 300ms, poll every 20ms, give up after "
                     "none (error), no recheck, serves stale");

    /* a sleep may be 0, not negative */
    knob_error("{\"retry_interval\": \"10ms\", \"retry_jitter\": \"10ms\"}",
               line, sizeof line);
    ck_assert_str_eq(line, "");
    knob_error("{\"retry_interval\": \"10ms\", \"retry_jitter\": \"11ms\"}",
               line, sizeof line);
    ck_assert_str_eq(line, "p.retry_jitter: retry_jitter (0.011s) must not "
                     "exceed retry_interval (0.01s): a sleep cannot be "
                     "negative");
}
END_TEST

/* ---- transitions ---- */

/* Acquired: the only reader finds the value missing (1.001), takes the
 * lock (1.002), rechecks (1.003), runs its 100 ms query and writes
 * (1.104: the reply), and releases the lock (1.105). */
START_TEST(acquired_rechecks_recomputes_and_releases)
{
    struct scenario *s = scripted(NULL, 0, COLD, "100ms", "2s");
    struct trace *tr = new_trace();
    struct run_summary r = run_harness(s, NO_JITTER, 0, tr);
    assert_trace(tr, 1, "read:missing lock:got read:missing recomputed:ok* "
                        "unlocked:released");
    const double at[] = {1 + C, 1 + 2 * C, 1 + 3 * C, 1.1 + 4 * C,
                         1.1 + 5 * C};
    for (size_t i = 0; i < 5; i++)
        assert_time(tr, 1, i, at[i]);
    ck_assert_double_eq(test_get(&r, "outcomes.computed"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.lock"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.acquisitions"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.contended"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.waits"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.expired_while_held"), 0);

    /* without recheck the holder queries as soon as it has the lock */
    r = run_harness(s, "{\"recheck\": false}", 0, tr);
    assert_trace(tr, 1, "read:missing lock:got recomputed:ok* "
                        "unlocked:released");
    assert_time(tr, 1, 2, 1.1 + 3 * C);
    ck_assert_double_eq(test_get(&r, "recomputes.lock"), 1);
    free(tr);
    scenario_free(s);
}
END_TEST

/* Contended: B arrives 20 ms after A, finds the lock held (1.022), sleeps
 * 50 ms, polls (1.073: still missing), finds it held again, sleeps, and
 * reads the value A wrote at 1.104 (1.125): it waited 1.125 - 1.021. */
START_TEST(contended_waiter_polls_until_the_value_is_there)
{
    const double starts[] = {0.020};
    struct scenario *s = scripted(starts, 1, COLD, "100ms", "2s");
    struct trace *tr = new_trace();
    struct run_summary r = run_harness(s, NO_JITTER, 0, tr);
    assert_trace(tr, 1, "read:missing lock:got read:missing recomputed:ok* "
                        "unlocked:released");
    assert_trace(tr, 2, "read:missing lock:held wake read:missing lock:held "
                        "wake read:fresh*");
    const double at[] = {1.020 + C, 1.020 + 2 * C, 1.070 + 2 * C,
                         1.070 + 3 * C, 1.070 + 4 * C, 1.120 + 4 * C,
                         1.120 + 5 * C};
    for (size_t i = 0; i < 7; i++)
        assert_time(tr, 2, i, at[i]);
    ck_assert_double_eq(test_get(&r, "outcomes.waited"), 1);
    ck_assert_double_eq(test_get(&r, "outcomes.computed"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.contended"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.polls"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.waits"), 1);
    ck_assert_double_eq_tol(test_get(&r, "policy_metrics.wait_total_s"),
                            0.1 + 4 * C, EPS);
    ck_assert_double_eq_tol(test_get(&r, "policy_metrics.max_wait_s"),
                            0.1 + 4 * C, EPS);
    free(tr);
    scenario_free(s);
}
END_TEST

/* The sleep between a held lock and the next poll is retry_interval +
 * U(-1, 1) * retry_jitter: within interval +/- jitter, on both sides,
 * with mean interval. 20 waiters poll for 10 s behind one holder: about
 * 3,800 sleeps, independent draws; their sd is jitter / sqrt(3) = 11.5
 * ms, so the mean is within 4 standard errors (0.75 ms) of 50 ms, and
 * the share below 50 ms within 4 * 0.5 / sqrt(n) (3.3 %) of a half. A
 * one-sided jitter would move the mean by 10 ms and the share to 0 or 1. */
START_TEST(polls_sleep_retry_interval_with_symmetric_jitter)
{
    char json[1024];
    snprintf(json, sizeof json,
             "{\"duration\": \"11.5s\","
             " \"workload\": {\"arrivals\": {\"process\": \"closed\","
             "   \"workers\": 21, \"think\": \"1s\"}},"
             " \"cache\": {\"latency\": \"1ms\", %s},"
             " \"database\": {\"cores\": 100, \"service\": \"10s\"},"
             " \"client\": {\"timeout\": \"none\"}}", COLD);
    struct scenario *s = test_scenario("locking.json", json, NULL, 0);
    struct trace *tr = new_trace();
    run_harness(s, "{\"retry_jitter\": \"20ms\", \"max_wait\": \"none\"}",
                0, tr);
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    size_t n = 0, below = 0;
    double held_at[64] = {0};
    for (size_t i = 0; i < tr->n; i++) {
        const struct event *e = &tr->ev[i];
        ck_assert_uint_lt(e->id, 64);
        if (strcmp(e->what, "lock:held") == 0) {
            held_at[e->id] = e->t;
        } else if (strcmp(e->what, "wake") == 0) {
            double sleep = e->t - held_at[e->id];
            sum += sleep;
            lo = fmin(lo, sleep);
            hi = fmax(hi, sleep);
            below += sleep < 0.050;
            n++;
        }
    }
    ck_assert_uint_gt(n, 3000);
    double mean = sum / (double)n, se = 0.020 / sqrt(3) / sqrt((double)n);
    ck_assert_msg(fabs(mean - 0.050) <= 4 * se, "mean sleep %g s over %zu",
                  mean, n);
    double share = (double)below / (double)n;
    ck_assert_msg(fabs(share - 0.5) <= 4 * 0.5 / sqrt((double)n),
                  "%g of the sleeps below the interval", share);
    ck_assert(lo >= 0.030 - EPS && lo < 0.031);
    ck_assert(hi <= 0.070 + EPS && hi > 0.069);
    free(tr);
    scenario_free(s);
}
END_TEST

/* Recheck finds fresh: A takes no lock and writes at 1.102; B, arriving at
 * 1.1005, read the value missing (1.1015) but gets the lock after the
 * write (1.1025), so its recheck (1.1035) finds it: B replies with it
 * (waited), releases the lock and runs no query. */
START_TEST(recheck_that_finds_the_value_fresh_lets_go)
{
    const double starts[] = {0.1005};
    struct scenario *s = scripted(starts, 1, COLD, "100ms", "2s");
    struct trace *tr = new_trace();
    struct run_summary r = run_harness(s, NO_JITTER, 1, tr);
    assert_trace(tr, 1, "read:missing recomputed:ok*");
    assert_time(tr, 1, 1, 1.1 + 2 * C);
    assert_trace(tr, 2, "read:missing lock:got read:fresh* "
                        "unlocked:released");
    assert_time(tr, 2, 2, 1.1005 + 3 * C);
    ck_assert_double_eq(test_get(&r, "outcomes.waited"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.lock"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.acquisitions"), 1);
    /* it never met a held lock: not a waiter */
    ck_assert_double_eq(test_get(&r, "policy_metrics.waits"), 0);
    free(tr);
    scenario_free(s);
}
END_TEST

/* Holder crash (holder_failure 1, lock_ttl 200 ms): A dies as it takes
 * the lock (1.002) — an error, no query, no write, no unlock, and no
 * retry although the client allows one. Its lock stays until 1.202: B's
 * try-locks fail until then, and its first one after (1.230) gets it —
 * and B dies too, its wait ending there. */
START_TEST(crashed_holder_keeps_the_lock_until_its_ttl)
{
    const double starts[] = {0.020};
    struct scenario *s =
        scripted_with(starts, 1, COLD, "100ms", "2s", ONE_RETRY);
    struct trace *tr = new_trace();
    struct run_summary r = run_harness(
        s, "{\"retry_jitter\": 0, \"holder_failure\": 1,"
           " \"lock_ttl\": \"200ms\", \"max_wait\": \"none\"}", 0, tr);
    assert_trace(tr, 1, "read:missing lock:got*");
    assert_trace(tr, 2, "read:missing lock:held wake read:missing lock:held "
                        "wake read:missing lock:held wake read:missing "
                        "lock:held wake read:missing lock:got*");
    assert_time(tr, 2, 10, 1.170 + 8 * C);   /* the last held: < 1.202 */
    /* a dead holder's lock business is over (so is its process's) */
    ck_assert(!engaged_after(tr, 1, 1));
    ck_assert(engaged_after(tr, 2, 1));   /* a waiter */
    assert_time(tr, 2, 13, 1.220 + 10 * C);  /* the first after */
    ck_assert_double_eq(test_get(&r, "errors.holder_crash"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.holder_crashes"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.acquisitions"), 2);
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.waits"), 1);
    ck_assert_double_eq_tol(test_get(&r, "policy_metrics.wait_total_s"),
                            1.220 + 10 * C - (1.020 + C), EPS);
    free(tr);
    scenario_free(s);
}
END_TEST

/* Expiry while held (lock_ttl 50 ms < the 100 ms query; TTL 0, so the
 * value is never stored and every read misses). A's lock expires at
 * 1.052; B takes a lock of its own at 1.062 and recomputes alongside A.
 * A's compare-and-delete (1.105) finds B's token and deletes nothing: C,
 * trying at 1.1065, finds B's lock held. B's own unlock (1.165) finds its
 * lock expired (1.112); C takes one after it (1.1585). */
START_TEST(expired_lock_is_taken_and_its_unlock_deletes_nothing)
{
    const double starts[] = {0.060, 0.1045};
    struct scenario *s = scripted(starts, 2, "\"ttl\": 0", "100ms", "1.5s");
    struct trace *tr = new_trace();
    struct run_summary r = run_harness(
        s, "{\"retry_jitter\": 0, \"lock_ttl\": \"50ms\"}", 0, tr);
    assert_trace(tr, 1, "read:missing lock:got read:missing recomputed:ok* "
                        "unlocked:gone");
    assert_trace(tr, 2, "read:missing lock:got read:missing recomputed:ok* "
                        "unlocked:gone");
    assert_time(tr, 1, 4, 1.1 + 5 * C);
    assert_time(tr, 2, 1, 1.060 + 2 * C);
    assert_trace(tr, 3, "read:missing lock:held wake read:missing lock:got "
                        "read:missing recomputed:ok* unlocked:gone");
    assert_time(tr, 3, 1, 1.1045 + 2 * C);
    assert_time(tr, 3, 4, 1.1545 + 4 * C);
    /* C's lock (1.1585) expires before its write (1.2605) too */
    ck_assert_double_eq(test_get(&r, "policy_metrics.expired_while_held"), 3);
    ck_assert_double_eq(test_get(&r, "recomputes.overlapping"), 2);
    free(tr);
    scenario_free(s);
}
END_TEST

/* Give-up after max_wait (100 ms) behind a 1 s query: B's poll at 1.125
 * finds the value missing 104 ms after its first missing read (1.021),
 * and B gives up: it queries anyway (on_give_up "query", overlapping A's
 * recompute) or fails with lock_give_up ("error"). That failure may be
 * retried: with one retry, B reads again at once, waits afresh from that
 * read (1.126) and gives up again 104 ms later. */
START_TEST(waiter_gives_up_after_max_wait)
{
    const double starts[] = {0.020};
    struct scenario *s = scripted(starts, 1, COLD, "1s", "3s");
    struct trace *tr = new_trace();
    struct run_summary r = run_harness(
        s, "{\"retry_jitter\": 0, \"max_wait\": \"100ms\"}", 0, tr);
    assert_trace(tr, 2, "read:missing lock:held wake read:missing lock:held "
                        "wake read:missing recomputed:ok*");
    assert_time(tr, 2, 6, 1.120 + 5 * C);
    ck_assert_double_eq(test_get(&r, "policy_metrics.give_ups"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.miss"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.lock"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.overlapping"), 1);
    ck_assert_double_eq(test_get(&r, "outcomes.computed"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.waits"), 1);
    ck_assert_double_eq_tol(test_get(&r, "policy_metrics.wait_total_s"),
                            0.1 + 4 * C, EPS);

    r = run_harness(s, "{\"retry_jitter\": 0, \"max_wait\": \"100ms\","
                       " \"on_give_up\": \"error\"}", 0, tr);
    assert_trace(tr, 2, "read:missing lock:held wake read:missing lock:held "
                        "wake read:missing*");
    ck_assert_double_eq(test_get(&r, "errors.lock_give_up"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 1);

    struct scenario *retried =
        scripted_with(starts, 1, COLD, "1s", "3s", ONE_RETRY);
    r = run_harness(retried, "{\"retry_jitter\": 0, \"max_wait\": \"100ms\","
                             " \"on_give_up\": \"error\"}", 0, tr);
    assert_trace(tr, 2, "read:missing lock:held wake read:missing lock:held "
                        "wake read:missing read:missing lock:held wake "
                        "read:missing lock:held wake read:missing*");
    assert_time(tr, 2, 7, 1.120 + 6 * C);
    assert_time(tr, 2, 13, 1.220 + 10 * C);
    ck_assert_double_eq(test_get(&r, "policy_metrics.give_ups"), 2);
    ck_assert_double_eq(test_get(&r, "errors.lock_give_up"), 1);
    scenario_free(retried);

    /* max_wait 0: the first missing read gives up, with no try-lock */
    r = run_harness(s, "{\"max_wait\": 0}", 0, tr);
    assert_trace(tr, 1, "read:missing recomputed:ok*");
    ck_assert_double_eq(test_get(&r, "policy_metrics.give_ups"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.acquisitions"), 0);
    free(tr);
    scenario_free(s);
}
END_TEST

/* Serving stale (the value written at 0 expired at 1 s and is kept 10 s
 * more): A replies stale at once (1.001) and refreshes under the lock,
 * rechecking first; B, replied stale too, finds the lock held and does
 * nothing more — no sleep, no poll. */
START_TEST(stale_readers_reply_and_one_refreshes)
{
    const double starts[] = {0.020};
    struct scenario *s = scripted(starts, 1, STALE, "100ms", "2s");
    struct trace *tr = new_trace();
    struct run_summary r = run_harness(
        s, "{\"retry_jitter\": 0, \"serve_stale\": true}", 0, tr);
    assert_trace(tr, 1, "read:stale* lock:got read:stale recomputed:ok "
                        "unlocked:released");
    assert_trace(tr, 2, "read:stale* lock:held");
    ck_assert_double_eq(test_get(&r, "outcomes.stale"), 2);
    ck_assert_double_eq(test_get(&r, "recomputes.lock"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.polls"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.waits"), 0);
    free(tr);
    scenario_free(s);
}
END_TEST

/* A refresher's lock has the lock's TTL (60 ms here, less than its
 * 100 ms query): it expires at 1.062, so B, replying stale at 1.071, takes
 * it (1.072) and refreshes too; each unlock finds its lock expired. */
START_TEST(refresher_lock_expires_under_a_slow_refresh)
{
    const double starts[] = {0.070};
    struct scenario *s = scripted(starts, 1, STALE, "100ms", "2s");
    struct trace *tr = new_trace();
    struct run_summary r = run_harness(
        s, "{\"retry_jitter\": 0, \"serve_stale\": true,"
           " \"lock_ttl\": \"60ms\"}", 0, tr);
    assert_trace(tr, 1, "read:stale* lock:got read:stale recomputed:ok "
                        "unlocked:gone");
    assert_trace(tr, 2, "read:stale* lock:got read:stale recomputed:ok "
                        "unlocked:gone");
    assert_time(tr, 2, 1, 1.070 + 2 * C);
    ck_assert_double_eq(test_get(&r, "policy_metrics.expired_while_held"), 2);
    ck_assert_double_eq(test_get(&r, "recomputes.overlapping"), 1);
    free(tr);
    scenario_free(s);
}
END_TEST

/* A refresher whose recheck finds the value fresh (written by A, which
 * takes no lock, at 1.102) lets the lock go without a query. */
START_TEST(refresher_recheck_that_finds_the_value_fresh_lets_go)
{
    const double starts[] = {0.1005};
    struct scenario *s = scripted(starts, 1, STALE, "100ms", "2s");
    struct trace *tr = new_trace();
    struct run_summary r = run_harness(
        s, "{\"retry_jitter\": 0, \"serve_stale\": true}", 1, tr);
    assert_trace(tr, 2, "read:stale* lock:got read:fresh unlocked:released");
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 1);
    ck_assert_double_eq(test_get(&r, "outcomes.stale"), 1);
    free(tr);
    scenario_free(s);
}
END_TEST

/* A holder whose query fails (timeout 50 ms < the 100 ms query, at
 * 1.053) releases the lock and fails. Its retry (at once) starts a wait of
 * its own: max_wait (50 ms) counts from the retry's missing read (1.054),
 * not from the first attempt's (1.001), so it takes the lock again rather
 * than give up; its query fails too, and the request ends in the query's
 * error. */
START_TEST(failed_recompute_releases_and_fails)
{
    struct scenario *s =
        scripted_with(NULL, 0, COLD, "100ms", "2s",
                      "\"timeout\": \"50ms\", \"retries\": 1, \"backoff\": 0");
    struct trace *tr = new_trace();
    struct run_summary r = run_harness(
        s, "{\"retry_jitter\": 0, \"max_wait\": \"50ms\"}", 0, tr);
    assert_trace(tr, 1, "read:missing lock:got read:missing "
                        "recomputed:failed unlocked:released read:missing "
                        "lock:got read:missing recomputed:failed* "
                        "unlocked:released");
    assert_time(tr, 1, 3, 1.050 + 3 * C);
    assert_time(tr, 1, 5, 1.050 + 4 * C);
    /* a failed holder is a reader again: its retry's read is its policy's
     * to decide (while it holds the lock, the lock has it) */
    ck_assert(engaged_after(tr, 1, 2));
    ck_assert(!engaged_after(tr, 1, 3));
    ck_assert_double_eq(test_get(&r, "errors.timeout"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.lock"), 2);
    ck_assert_double_eq(test_get(&r, "policy_metrics.give_ups"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.waits"), 0);
    free(tr);
    scenario_free(s);
}
END_TEST

/* A value fresh until 2 s (written at 0, TTL 2 s). */
static const char FRESH[] = "\"ttl\": \"2s\", \"warm\": \"synchronized\"";

/* An early refresh of a fresh value, sync: A reads it fresh (1.001),
 * takes the lock (1.002), and its recheck (1.003) finds the same value
 * still fresh — the one it set out to refresh — so it recomputes (a
 * stale-era recheck would have let go here), writes (1.104: its reply,
 * computed) and releases (1.105). B, reading at 1.021, finds the lock
 * held and replies with the fresh value it read (1.022): one try, no
 * wait, no poll. Through a policy's own start, the recompute is that
 * policy's (an early one here). */
START_TEST(early_refresh_recomputes_a_value_still_fresh)
{
    const double starts[] = {0.020};
    struct scenario *s = scripted(starts, 1, FRESH, "100ms", "2s");
    struct trace *tr = new_trace();
    struct run_summary r = run_early(s, NO_JITTER, false, tr);
    assert_trace(tr, 1, "read:fresh lock:got read:fresh recomputed:ok* "
                        "unlocked:released");
    assert_time(tr, 1, 3, 1.1 + 4 * C);
    assert_trace(tr, 2, "read:fresh lock:held*");
    assert_time(tr, 2, 1, 1.020 + 2 * C);
    ck_assert_double_eq(test_get(&r, "outcomes.computed"), 1);
    ck_assert_double_eq(test_get(&r, "outcomes.hit"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.lock"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.contended"), 1);
    ck_assert_double_eq(test_get(&r, "policy_metrics.polls"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.waits"), 0);

    r = run_early(s, NO_JITTER, true, tr);
    assert_trace(tr, 1, "read:fresh lock:got read:fresh start "
                        "recomputed:ok* unlocked:released");
    ck_assert_double_eq(test_get(&r, "recomputes.early"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.lock"), 0);
    /* without recheck: straight from the lock to the recompute */
    r = run_early(s, "{\"recheck\": false}", true, tr);
    assert_trace(tr, 1, "read:fresh lock:got start recomputed:ok* "
                        "unlocked:released");
    free(tr);
    scenario_free(s);
}
END_TEST

/* An early refresher whose recheck shows a fresh value other than the
 * one it read lets go: A's lock (lock_ttl 50 ms) expires at 1.052 while
 * its query runs; C reads the old value at 1.1035, just before A's write
 * (1.104), takes the lock at 1.1045, and its recheck (1.1055) shows A's
 * value: C releases the lock, runs no query and replies with the value it
 * read (hit). A's unlock (1.105) finds C's lock: gone. */
START_TEST(early_refresher_lets_go_of_a_value_refreshed_by_another)
{
    const double starts[] = {0.1025};
    struct scenario *s = scripted(starts, 1, FRESH, "100ms", "2s");
    struct trace *tr = new_trace();
    struct run_summary r = run_early(
        s, "{\"retry_jitter\": 0, \"lock_ttl\": \"50ms\"}", false, tr);
    assert_trace(tr, 1, "read:fresh lock:got read:fresh recomputed:ok* "
                        "unlocked:gone");
    assert_trace(tr, 2, "read:fresh lock:got read:fresh* unlocked:released");
    assert_time(tr, 2, 2, 1.1025 + 3 * C);
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 1);
    ck_assert_double_eq(test_get(&r, "outcomes.hit"), 1);
    ck_assert_double_eq(test_get(&r, "outcomes.computed"), 1);
    free(tr);
    scenario_free(s);
}
END_TEST

/* A sync early refresher whose query fails (timeout 50 ms) releases the
 * lock and replies with the fresh value it read (hit, no error, no
 * retry); one that dies with the lock ends in holder_crash. */
START_TEST(early_refresher_that_fails_replies_with_the_value_it_read)
{
    struct scenario *s = scripted_with(NULL, 0, FRESH, "100ms", "2s",
                                       "\"timeout\": \"50ms\", "
                                       "\"retries\": 1, \"backoff\": 0");
    struct trace *tr = new_trace();
    struct run_summary r = run_early(s, NO_JITTER, false, tr);
    assert_trace(tr, 1, "read:fresh lock:got read:fresh recomputed:failed* "
                        "unlocked:released");
    ck_assert_double_eq(test_get(&r, "outcomes.hit"), 1);
    ck_assert_double_eq(test_get(&r, "outcomes.error"), 0);
    ck_assert_double_eq(test_get(&r, "recomputes.failed"), 1);

    r = run_early(s, "{\"holder_failure\": 1}", false, tr);
    assert_trace(tr, 1, "read:fresh lock:got*");
    ck_assert(!engaged_after(tr, 1, 1));   /* its refresh died with it */
    ck_assert_double_eq(test_get(&r, "errors.holder_crash"), 1);
    ck_assert_double_eq(test_get(&r, "recomputes.total"), 0);
    free(tr);
    scenario_free(s);
}
END_TEST

/* The refresher's knobs alone: lock_ttl, recheck and holder_failure are
 * read and written, in that order; the waiters' keep their defaults. */
START_TEST(refresh_knobs_are_the_refreshers_own)
{
    cJSON *node = cJSON_Parse("{\"lock_ttl\": \"300ms\", \"recheck\": false,"
                              " \"holder_failure\": 0.5}");
    struct cfg cfg;
    cfg_init(&cfg);
    struct cfg_obj o;
    ck_assert(cfg_open(&cfg, node, "p", &o));
    struct locking_knobs k;
    memset(&k, 0xff, sizeof k);
    locking_parse_refresh(&o, &k);
    ck_assert(cfg_ok(&cfg));
    ck_assert_double_eq(k.lock_ttl, 0.3);
    ck_assert(!k.recheck);
    ck_assert_double_eq(k.holder_failure, 0.5);
    ck_assert_double_eq(k.retry_interval, 0.050);
    ck_assert_double_eq(k.retry_jitter, 0.010);
    ck_assert_double_eq(k.max_wait, 5.0);
    ck_assert(!k.serve_stale);
    static const char *const NAMES[] = {LOCKING_REFRESH_KNOB_NAMES, NULL};
    cJSON *out = cJSON_CreateObject();
    locking_write_refresh(&k, out);
    size_t i = 0;
    for (const cJSON *f = out->child; f; f = f->next, i++)
        ck_assert_str_eq(f->string, NAMES[i]);
    ck_assert_ptr_null(NAMES[i]);
    ck_assert_double_eq(cJSON_GetObjectItem(out, "lock_ttl")->valuedouble,
                        0.3);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(out, "recheck")));
    cJSON_Delete(out);
    cfg_free(&cfg);
    cJSON_Delete(node);
}
END_TEST

TEST_SUITE(locking_suite)
{
    Suite *s = suite_create("locking");
    TCase *tc = tcase_create("lock helper");
    tcase_add_test(tc, knobs_have_their_defaults_and_names);
    tcase_add_test(tc, acquired_rechecks_recomputes_and_releases);
    tcase_add_test(tc, contended_waiter_polls_until_the_value_is_there);
    tcase_add_test(tc, polls_sleep_retry_interval_with_symmetric_jitter);
    tcase_add_test(tc, recheck_that_finds_the_value_fresh_lets_go);
    tcase_add_test(tc, crashed_holder_keeps_the_lock_until_its_ttl);
    tcase_add_test(tc, expired_lock_is_taken_and_its_unlock_deletes_nothing);
    tcase_add_test(tc, waiter_gives_up_after_max_wait);
    tcase_add_test(tc, stale_readers_reply_and_one_refreshes);
    tcase_add_test(tc, refresher_lock_expires_under_a_slow_refresh);
    tcase_add_test(tc, refresher_recheck_that_finds_the_value_fresh_lets_go);
    tcase_add_test(tc, failed_recompute_releases_and_fails);
    tcase_add_test(tc, early_refresh_recomputes_a_value_still_fresh);
    tcase_add_test(tc, early_refresher_lets_go_of_a_value_refreshed_by_another);
    tcase_add_test(tc, early_refresher_that_fails_replies_with_the_value_it_read);
    tcase_add_test(tc, refresh_knobs_are_the_refreshers_own);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
