/*
 * swr.c — stale-while-revalidate (RFC 5861; Varnish grace; nginx
 * proxy_cache_use_stale updating with proxy_cache_background_update).
 *
 * Within cache.stale_for after the expiry a reader gets the stale value at
 * once, and the value is refreshed in the background: one refresh per
 * instance and key at a time (the instance's first stale reader runs it;
 * flights.h), or, with `lock`, one per fleet: each instance's refresher
 * tries the lock once and refreshes only if it gets it (locking.h: the
 * holder re-reads first and lets go of a value another has refreshed).
 * Past the stale window the value is missing, and a miss is coalesced
 * within the instance as singleflight does (the lock coordinates
 * refreshes only, as a background update does).
 *
 * Its refreshes count as recomputes of cause `miss` (the value has
 * expired), or `lock` when a lock holder runs them.
 */
#include <stdlib.h>
#include <string.h>

#include "flights.h"
#include "locking.h"
#include "policies.h"

/* ---- knobs ---- */

struct swr_knobs {
    bool lock;                    /* one refresh per fleet, under the lock */
    struct locking_knobs locking; /* the refresher's: lock_ttl, recheck,
                                     holder_failure */
};

static const char *const KNOBS[] = {"lock", LOCKING_REFRESH_KNOB_NAMES, NULL};

static void swr_parse(const struct cfg_obj *o, void *knobs)
{
    struct swr_knobs *k = knobs;
    cfg_bool(o, "lock", &k->lock, false);
    locking_parse_refresh(o, &k->locking);
}

static void swr_write(const void *knobs, cJSON *o)
{
    const struct swr_knobs *k = knobs;
    cJSON_AddBoolToObject(o, "lock", k->lock);
    locking_write_refresh(&k->locking, o);
}

static void swr_describe(const void *knobs, char *out, size_t n)
{
    const struct swr_knobs *k = knobs;
    char ttl[32];
    duration_format(k->locking.lock_ttl, ttl, sizeof ttl);
    if (k->lock)
        snprintf(out, n, "stale within cache.stale_for, one refresh per "
                 "fleet under a lock (lock_ttl %s%s)", ttl,
                 k->locking.recheck ? "" : ", no recheck");
    else
        snprintf(out, n, "stale within cache.stale_for, one refresh per "
                 "instance");
}

static bool swr_serves_stale(const void *knobs)
{
    (void)knobs;
    return true;
}

/* ---- metrics ---- */

enum {
    M_STALE_SERVED,
    M_STARTED,
    M_LANDED,
    M_FAILED,
    N_METRICS,
};

static const struct policy_metric METRIC_LIST[N_METRICS] = {
    [M_STALE_SERVED] = {"stale_served", FOLD_SUM, 0, 0, "requests",
                        "stale replies",
                        "readers served the stale value at once", NULL},
    [M_STARTED] = {"refreshes_started", FOLD_SUM, 0, 0, "recomputes",
                   "background refreshes",
                   "background refreshes started (one per instance and key "
                   "at a time; with lock, those that got it)", NULL},
    [M_LANDED] = {"refreshes_landed", FOLD_SUM, 0, 0, "recomputes",
                  "background refreshes landed",
                  "background refreshes that wrote the value", NULL},
    [M_FAILED] = {"refreshes_failed", FOLD_SUM, 0, 0, "recomputes",
                  "background refreshes failed",
                  "background refreshes whose query failed", NULL},
};

static const struct policy_metric_table METRICS = {METRIC_LIST, N_METRICS};

/* ---- state ---- */

struct swr_state {
    const struct swr_knobs *k;
    struct flights *flights;
    struct locking *lock;         /* with `lock` only */
    double m[N_METRICS];
};

struct swr_request {
    struct flights_request flight;
    struct locking_request lock;
};

static struct swr_request *part(struct request *r)
{
    return REQ_STATE(r, struct swr_request);
}

/* A lock holder's refresh starts: counted, then recomputed. */
static void start_locked_refresh(void *ctx, struct request *r)
{
    struct swr_state *s = ctx;
    s->m[M_STARTED]++;
    req_recompute(r, CAUSE_LOCK);
}

static void swr_destroy(void *state)
{
    struct swr_state *s = state;
    flights_destroy(s->flights);
    locking_destroy(s->lock);
    free(s);
}

static void *swr_create(const void *knobs, struct world *w)
{
    struct swr_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->k = knobs;
    s->flights = flights_create(w);
    if (s->k->lock) {
        s->lock = locking_create(&s->k->locking, w);
        if (s->lock)
            locking_on_refresh(s->lock, start_locked_refresh, s);
    }
    if (!s->flights || (s->k->lock && !s->lock)) {
        swr_destroy(s);
        return NULL;
    }
    return s;
}

static void swr_collect(void *state, double *acc)
{
    struct swr_state *s = state;
    policy_metrics_add(&METRICS, acc, s->m);
    memset(s->m, 0, sizeof s->m);
    flights_collect(s->flights, acc + N_METRICS);
    if (s->lock)
        locking_collect(s->lock, acc + N_METRICS + FLIGHTS_N_METRICS);
}

/* ---- decisions ---- */

/* With the lock, a refresh is over when the lock's part is (the lock was
 * held, the value refreshed by another, the refresh written or failed,
 * the holder dead): the instance may refresh again. */
static void after_lock(struct swr_state *s, struct request *r)
{
    struct swr_request *q = part(r);
    if (flights_refreshes(&q->flight) && !locking_engaged(&q->lock))
        flights_refreshed(s->flights, &q->flight, r);
}

/* A stale reader replies at once and, if its instance is not refreshing
 * the key, refreshes it. */
static void serve_stale(struct swr_state *s, struct request *r,
                        const struct cache_view *v)
{
    struct swr_request *q = part(r);
    s->m[M_STALE_SERVED]++;
    req_reply(r, OUTCOME_STALE);
    if (!flights_refresh(s->flights, &q->flight, r))
        return;
    if (s->lock) {
        locking_refresh(s->lock, &q->lock, r, v);
        return;
    }
    s->m[M_STARTED]++;
    req_recompute(r, CAUSE_MISS);
}

static void swr_on_read(void *state, struct request *r,
                        const struct cache_view *v)
{
    struct swr_state *s = state;
    struct swr_request *q = part(r);
    if (s->lock && locking_engaged(&q->lock)) {
        locking_on_read(s->lock, &q->lock, r, v);   /* a holder's recheck */
        after_lock(s, r);
    } else if (v->state == CACHE_FRESH) {
        req_reply(r, OUTCOME_HIT);
    } else if (v->state == CACHE_STALE) {
        serve_stale(s, r, v);
    } else if (flights_join(s->flights, &q->flight, r)) {
        req_recompute(r, CAUSE_MISS);
    }
}

static void swr_on_recomputed(void *state, struct request *r,
                              enum recompute_result result)
{
    struct swr_state *s = state;
    struct swr_request *q = part(r);
    if (!flights_refreshes(&q->flight)) {
        /* the instance's miss: its waiters get its result, and so does it */
        flights_land(s->flights, &q->flight, r, result);
        return;
    }
    s->m[result == RECOMPUTE_OK ? M_LANDED : M_FAILED]++;
    if (s->lock)
        locking_on_recomputed(s->lock, &q->lock, r, result);
    flights_refreshed(s->flights, &q->flight, r);
}

static void swr_on_lock(void *state, struct request *r, bool acquired)
{
    struct swr_state *s = state;
    locking_on_lock(s->lock, &part(r)->lock, r, acquired);
    after_lock(s, r);
}

static void swr_on_unlocked(void *state, struct request *r, bool released)
{
    struct swr_state *s = state;
    locking_on_unlocked(s->lock, &part(r)->lock, r, released);
}

static void swr_on_wake(void *state, struct request *r)
{
    struct swr_state *s = state;
    flights_on_wake(s->flights, &part(r)->flight, r);
}

const struct policy_ops policy_swr = {
    .name = "swr",
    .takes_locks = true,
    .summary = "stale-while-revalidate: within the stale window, reply "
               "stale at once and refresh in the background",
    .knobs = KNOBS,
    .knobs_size = sizeof(struct swr_knobs),
    .request_bytes = sizeof(struct swr_request),
    .parse = swr_parse,
    .write = swr_write,
    .describe = swr_describe,
    .serves_stale = swr_serves_stale,
    .create = swr_create,
    .destroy = swr_destroy,
    .on_read = swr_on_read,
    .on_recomputed = swr_on_recomputed,
    .on_lock = swr_on_lock,
    .on_wake = swr_on_wake,
    .on_unlocked = swr_on_unlocked,
    .metrics = {&METRICS, &FLIGHTS_METRICS, &LOCKING_METRICS},
    .collect = swr_collect,
};
