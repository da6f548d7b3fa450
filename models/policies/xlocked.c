/*
 * xlocked.c — probabilistic early expiration under a lock (PER + lock, as
 * the XFetch authors' harness and Symfony Cache combine them): XFetch's
 * early-refresh decision (xfetch.h), but the refresher must take the lock
 * (locking.h), trying once and never waiting. The lock's holder re-reads
 * first and lets go of a value another has refreshed meanwhile; so at most
 * one early refresh of a value runs at a time, fleet-wide. A missing
 * value is handled as `lock` handles it (and a stale one too, with
 * serve_stale).
 *
 * Its knobs are per's and lock's under the same names, read by their own
 * parsers. With `sync` the refresher replies after its refresh (`computed`,
 * or `hit` with the value it read if the lock was held or the refresh
 * failed); with `async` it replies at once. Its early refreshes count as
 * recomputes of cause `early`, and in the XFetch metrics only when they
 * start (the lock taken, the value still the one it read).
 */
#include <math.h>
#include <stdlib.h>

#include "locking.h"
#include "policies.h"
#include "xfetch.h"

/* ---- knobs ---- */

struct xlocked_knobs {
    struct xfetch_knobs xfetch;    /* first: XFETCH_CALIBRATION reads it so */
    struct locking_knobs locking;
};

static const char *const KNOBS[] = {XFETCH_KNOB_NAMES, LOCKING_KNOB_NAMES,
                                    NULL};

static void xlocked_parse(const struct cfg_obj *o, void *knobs)
{
    struct xlocked_knobs *k = knobs;
    xfetch_parse(o, &k->xfetch);
    locking_parse(o, &k->locking);
}

static void xlocked_write(const void *knobs, cJSON *o)
{
    const struct xlocked_knobs *k = knobs;
    xfetch_write(&k->xfetch, o);
    locking_write(&k->locking, o);
}

static void xlocked_describe(const void *knobs, char *out, size_t n)
{
    const struct xlocked_knobs *k = knobs;
    char early[128], lock[160];
    xfetch_describe(&k->xfetch, early, sizeof early);
    locking_describe(&k->locking, lock, sizeof lock);
    snprintf(out, n, "%s, under the lock; %s", early, lock);
}

static bool xlocked_serves_stale(const void *knobs)
{
    return ((const struct xlocked_knobs *)knobs)->locking.serve_stale;
}

/* ---- state ---- */

struct xlocked_state {
    struct xfetch *xfetch;
    struct locking *lock;
};

struct xlocked_request {
    struct locking_request lock;
    struct cache_view seen;   /* an early refresher: the value it read */
    double seen_delta;        /* the delta of the value it last read; NAN:
                                 none (what the estimator smooths from) */
    bool deciding;            /* XFetch chose it to refresh early */
    bool early;               /* its early refresh has started */
};

static struct xlocked_request *part(struct request *r)
{
    return REQ_STATE(r, struct xlocked_request);
}

/* The lock's holder starts its refresh: an early one counts now (a
 * stale one, with serve_stale, is the lock's own). */
static void start_refresh(void *ctx, struct request *r)
{
    struct xlocked_state *s = ctx;
    struct xlocked_request *q = part(r);
    if (!q->deciding) {
        req_recompute(r, CAUSE_LOCK);
        return;
    }
    q->early = true;
    xfetch_started(s->xfetch, r, &q->seen);
    req_recompute(r, CAUSE_EARLY);
}

static void xlocked_destroy(void *state)
{
    struct xlocked_state *s = state;
    xfetch_destroy(s->xfetch);
    locking_destroy(s->lock);
    free(s);
}

static void *xlocked_create(const void *knobs, struct world *w)
{
    const struct xlocked_knobs *k = knobs;
    struct xlocked_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->xfetch = xfetch_create(&k->xfetch, w);
    s->lock = locking_create(&k->locking, w);
    if (!s->xfetch || !s->lock) {
        xlocked_destroy(s);
        return NULL;
    }
    locking_on_refresh(s->lock, start_refresh, s);
    return s;
}

static void xlocked_collect(void *state, double *acc)
{
    struct xlocked_state *s = state;
    xfetch_collect(s->xfetch, acc);
    locking_collect(s->lock, acc + XFETCH_N_METRICS);
}

/* ---- decisions ---- */

/* A reader the lock does not have, reading a fresh value: XFetch decides
 * whether it refreshes it, under the lock. Anything else is the lock's. */
static void xlocked_on_read(void *state, struct request *r,
                            const struct cache_view *v)
{
    struct xlocked_state *s = state;
    struct xlocked_request *q = part(r);
    q->seen_delta = v->state == CACHE_MISSING ? NAN : v->delta;
    if (v->state != CACHE_FRESH || locking_engaged(&q->lock)) {
        locking_on_read(s->lock, &q->lock, r, v);
        return;
    }
    if (!xfetch_decide(s->xfetch, r, v)) {
        req_reply(r, OUTCOME_HIT);
        return;
    }
    q->seen = *v;
    q->deciding = true;
    if (xfetch_async(s->xfetch))
        req_reply(r, OUTCOME_HIT);
    locking_refresh(s->lock, &q->lock, r, v);
}

/* Every write is of one of its recomputes: the TTL cycles follow them. */
static void xlocked_on_recomputed(void *state, struct request *r,
                                  enum recompute_result result)
{
    struct xlocked_state *s = state;
    struct xlocked_request *q = part(r);
    if (result == RECOMPUTE_OK)
        xfetch_written(s->xfetch, r, q->early ? q->seen.expires_at : NAN);
    if (q->early && result != RECOMPUTE_OK)
        xfetch_failed(s->xfetch);
    q->early = q->deciding = false;
    locking_on_recomputed(s->lock, &q->lock, r, result);
}

static double xlocked_stored_delta(void *state, struct request *r,
                                   double measured)
{
    struct xlocked_state *s = state;
    return xfetch_stored_delta(xfetch_knobs_of(s->xfetch),
                               part(r)->seen_delta, measured);
}

static bool xlocked_risk(const void *knobs, const struct policy_load *load,
                         struct policy_risk *out)
{
    /* the lock lets one early refresh of a value run at a time */
    return xfetch_risk(&((const struct xlocked_knobs *)knobs)->xfetch, load,
                       true, out);
}

static void xlocked_on_lock(void *state, struct request *r, bool acquired)
{
    struct xlocked_state *s = state;
    locking_on_lock(s->lock, &part(r)->lock, r, acquired);
}

static void xlocked_on_wake(void *state, struct request *r)
{
    struct xlocked_state *s = state;
    locking_on_wake(s->lock, &part(r)->lock, r);
}

static void xlocked_on_unlocked(void *state, struct request *r,
                                bool released)
{
    struct xlocked_state *s = state;
    locking_on_unlocked(s->lock, &part(r)->lock, r, released);
}

const struct policy_ops policy_xlocked = {
    .name = "xlocked",
    .takes_locks = true,
    .summary = "probabilistic early expiration, the refresher taking the "
               "lock (one try, no wait); a miss is handled as lock does",
    .knobs = KNOBS,
    .calibration = &XFETCH_CALIBRATION,
    .knobs_size = sizeof(struct xlocked_knobs),
    .key_bytes = XFETCH_KEY_BYTES,
    .request_bytes = sizeof(struct xlocked_request),
    .parse = xlocked_parse,
    .write = xlocked_write,
    .describe = xlocked_describe,
    .serves_stale = xlocked_serves_stale,
    .risk = xlocked_risk,
    .create = xlocked_create,
    .destroy = xlocked_destroy,
    .on_read = xlocked_on_read,
    .on_recomputed = xlocked_on_recomputed,
    .on_lock = xlocked_on_lock,
    .on_wake = xlocked_on_wake,
    .on_unlocked = xlocked_on_unlocked,
    .stored_delta = xlocked_stored_delta,
    .metrics = {&XFETCH_METRICS, &LOCKING_METRICS},
    .collect = xlocked_collect,
};
