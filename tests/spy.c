/*
 * spy.c — see spy.h.
 */
#include "spy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runs.h"
#include "support.h"
#include "world.h"

/* What the spy's own callbacks are handed as knobs: the policy it wraps
 * and where to record. */
struct spy_knobs {
    struct policy_ops inner;   /* defaults filled in */
    const void *knobs;
    struct spy_trace *trace;
};

struct spy_state {
    const struct spy_knobs *k;
    void *inner;
};

static void record(struct spy_state *s, struct request *r, const char *what)
{
    struct spy_trace *tr = s->k->trace;
    ck_assert_uint_lt(tr->n, SPY_MAX_EVENTS);
    struct spy_event *e = &tr->ev[tr->n++];
    e->t = req_now(r);
    e->id = req_id(r);
    e->key = req_key(r);
    e->instance = req_instance(r);
    snprintf(e->what, sizeof e->what, "%s", what);
    e->replied = false;
    e->expires_at = e->written_at = e->delta = e->measured = NAN;
}

/* Marks the last event of r if its callback replied. */
static void mark(struct spy_state *s, struct request *r)
{
    struct spy_trace *tr = s->k->trace;
    for (size_t i = tr->n; i-- > 0;)
        if (tr->ev[i].id == req_id(r)) {
            tr->ev[i].replied = req_replied(r);
            return;
        }
}

static void *spy_create(const void *knobs, struct world *w)
{
    const struct spy_knobs *k = knobs;
    struct spy_state *s = calloc(1, sizeof *s);
    ck_assert_ptr_nonnull(s);
    s->k = k;
    s->inner = k->inner.create(k->knobs, w);
    ck_assert_ptr_nonnull(s->inner);
    return s;
}

static void spy_destroy(void *state)
{
    struct spy_state *s = state;
    s->k->inner.destroy(s->inner);
    free(s);
}

static bool spy_serves_stale(const void *knobs)
{
    const struct spy_knobs *k = knobs;
    return k->inner.serves_stale(k->knobs);
}

static const char *const VIEW[] = {"read:fresh", "read:stale",
                                   "read:missing"};

static void spy_on_read(void *state, struct request *r,
                        const struct cache_view *v)
{
    struct spy_state *s = state;
    char what[32];
    snprintf(what, sizeof what, "%s%s", VIEW[v->state],
             v->lease_granted ? "+lease" : "");
    record(s, r, what);
    s->k->trace->ev[s->k->trace->n - 1].expires_at = v->expires_at;
    s->k->trace->ev[s->k->trace->n - 1].written_at = v->written_at;
    s->k->trace->ev[s->k->trace->n - 1].delta = v->delta;
    s->k->inner.on_read(s->inner, r, v);
    mark(s, r);
}

static void spy_on_recomputed(void *state, struct request *r,
                              enum recompute_result result)
{
    struct spy_state *s = state;
    record(s, r, result == RECOMPUTE_OK         ? "recomputed:ok"
                 : result == RECOMPUTE_REJECTED ? "recomputed:rejected"
                                                : "recomputed:failed");
    s->k->inner.on_recomputed(s->inner, r, result);
    mark(s, r);
}

static void spy_on_lock(void *state, struct request *r, bool acquired)
{
    struct spy_state *s = state;
    record(s, r, acquired ? "lock:got" : "lock:held");
    s->k->inner.on_lock(s->inner, r, acquired);
    mark(s, r);
}

static void spy_on_wake(void *state, struct request *r)
{
    struct spy_state *s = state;
    record(s, r, "wake");
    s->k->inner.on_wake(s->inner, r);
    mark(s, r);
}

static void spy_on_unlocked(void *state, struct request *r, bool released)
{
    struct spy_state *s = state;
    record(s, r, released ? "unlocked:released" : "unlocked:gone");
    s->k->inner.on_unlocked(s->inner, r, released);
    mark(s, r);
}

static double spy_stored_delta(void *state, struct request *r,
                               double measured)
{
    struct spy_state *s = state;
    double delta = s->k->inner.stored_delta(s->inner, r, measured);
    record(s, r, "stored");
    s->k->trace->ev[s->k->trace->n - 1].delta = delta;
    s->k->trace->ev[s->k->trace->n - 1].measured = measured;
    return delta;
}

static void spy_on_attempt(void *state, struct request *r)
{
    struct spy_state *s = state;
    s->k->inner.on_attempt(s->inner, r);
}

static void spy_collect(void *state, double *acc)
{
    struct spy_state *s = state;
    s->k->inner.collect(s->inner, acc);
}

struct spy_trace *spy_trace_new(void)
{
    struct spy_trace *tr = malloc(sizeof *tr);
    ck_assert_ptr_nonnull(tr);
    tr->n = 0;
    return tr;
}

struct run_summary spy_run(const struct scenario *s, size_t index,
                           struct spy_trace *tr)
{
    static struct spy_knobs k;   /* the run's, for as long as it lasts */
    const struct policy_spec *spec = &s->policies[index];
    policy_complete(spec->ops, &k.inner);
    k.knobs = spec->knobs;
    k.trace = tr;
    tr->n = 0;
    struct policy_ops ops = k.inner;
    ops.create = spy_create;
    ops.destroy = spy_destroy;
    ops.serves_stale = spy_serves_stale;
    ops.on_attempt = spy_on_attempt;
    ops.on_read = spy_on_read;
    ops.on_recomputed = spy_on_recomputed;
    ops.on_lock = spy_on_lock;
    ops.on_wake = spy_on_wake;
    ops.on_unlocked = spy_on_unlocked;
    ops.stored_delta = spy_stored_delta;
    ops.collect = spy_collect;
    return test_run_ops(s, &ops, &k);
}

/* The estimator's calls are recorded beside the trace, not in it. */
static bool is_stored(const struct spy_event *e)
{
    return strcmp(e->what, "stored") == 0;
}

static void trace_of(const struct spy_trace *tr, uint64_t id, char *out,
                     size_t n)
{
    out[0] = '\0';
    bool replied = false;
    for (size_t i = 0; i < tr->n; i++) {
        if (tr->ev[i].id != id || is_stored(&tr->ev[i]))
            continue;
        size_t len = strlen(out);
        bool now = tr->ev[i].replied && !replied;
        snprintf(out + len, n - len, "%s%s%s", len ? " " : "", tr->ev[i].what,
                 now ? "*" : "");
        replied |= tr->ev[i].replied;
    }
}

void spy_assert_trace(const struct spy_trace *tr, uint64_t id,
                      const char *expected)
{
    char got[2048];
    trace_of(tr, id, got, sizeof got);
    ck_assert_msg(strcmp(got, expected) == 0,
                  "request %llu:\n  got      %s\n  expected %s",
                  (unsigned long long)id, got, expected);
}

void spy_assert_time(const struct spy_trace *tr, uint64_t id, size_t k,
                     double expected)
{
    size_t left = k;
    for (size_t i = 0; i < tr->n; i++)
        if (tr->ev[i].id == id && !is_stored(&tr->ev[i]) && left-- == 0) {
            ck_assert_msg(fabs(tr->ev[i].t - expected) < 1e-9,
                          "request %llu, event %zu at %.9f s, expected "
                          "%.9f s", (unsigned long long)id, k, tr->ev[i].t,
                          expected);
            return;
        }
    ck_abort_msg("request %llu has no event %zu", (unsigned long long)id, k);
}

struct scenario *spy_scripted(const double *starts, size_t n_starts,
                              const char *cache, const char *service,
                              const char *duration, const char *client,
                              const char *policy)
{
    char timeline[1024] = "";
    for (size_t i = 0; i < n_starts; i++) {
        size_t len = strlen(timeline);
        snprintf(timeline + len, sizeof timeline - len,
                 "%s{\"at\": %.9g, \"event\": \"traffic\", \"workers\": %zu}",
                 i ? ", " : "", starts[i], i + 2);
    }
    char json[4096];
    snprintf(json, sizeof json,
             "{\"duration\": \"%s\","
             " \"workload\": {\"arrivals\": {\"process\": \"closed\","
             "   \"workers\": 1, \"think\": \"1s\"}},"
             " \"cache\": {\"latency\": \"1ms\", %s},"
             " \"database\": {\"cores\": 100, \"service\": \"%s\"},"
             " \"client\": {%s},"
             " \"timeline\": [%s],"
             " \"policies\": [%s]}",
             duration, cache, service, client, timeline, policy);
    return test_scenario("scripted.json", json, NULL, 0);
}
