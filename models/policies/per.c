/*
 * per.c — probabilistic early expiration (XFetch: Vattani, Chierichetti
 * and Lowenstein, "Optimal Probabilistic Cache Stampede Prevention",
 * VLDB 2015): the XFetch helper (xfetch.h) as a policy.
 *
 * A read of a fresh value refreshes early when the helper's coin says so.
 * With `sync` (the paper's form) the reading request runs the query and
 * replies after it — with the value it read if the query fails; with
 * `async` it replies at once and the query runs in the background. A
 * missing value is handled as `none`. Every write of a key comes from a
 * recompute of this policy, so on_recomputed reports them all to the
 * helper's count of TTL cycles.
 */
#include <math.h>

#include "policies.h"
#include "xfetch.h"

static const char *const KNOBS[] = {XFETCH_KNOB_NAMES, NULL};

static void per_parse(const struct cfg_obj *o, void *knobs)
{
    xfetch_parse(o, knobs);
}

static void per_write(const void *knobs, cJSON *o) { xfetch_write(knobs, o); }

static void per_describe(const void *knobs, char *out, size_t n)
{
    xfetch_describe(knobs, out, n);
}

/* The per-run state is the helper's. */
static void *per_create(const void *knobs, struct world *w)
{
    return xfetch_create(knobs, w);
}

static void per_destroy(void *state) { xfetch_destroy(state); }

static void per_collect(void *state, double *acc)
{
    xfetch_collect(state, acc);
}

struct per_request {
    bool early;           /* its recompute is an early one */
    double refreshes;     /* early: the expiry of the value it refreshes */
    double seen_delta;    /* the delta of the value it last read; NAN:
                             none (what the estimator smooths from) */
};

static struct per_request *data(struct request *r)
{
    return REQ_STATE(r, struct per_request);
}

static void per_on_read(void *state, struct request *r,
                        const struct cache_view *v)
{
    struct xfetch *x = state;
    data(r)->seen_delta = v->state == CACHE_MISSING ? NAN : v->delta;
    if (v->state != CACHE_FRESH) {
        req_recompute(r, CAUSE_MISS);
        return;
    }
    if (!xfetch_decide(x, r, v)) {
        req_reply(r, OUTCOME_HIT);
        return;
    }
    xfetch_started(x, r, v);
    data(r)->early = true;
    data(r)->refreshes = v->expires_at;
    if (xfetch_async(x))
        req_reply(r, OUTCOME_HIT);
    req_recompute(r, CAUSE_EARLY);
}

static void per_on_recomputed(void *state, struct request *r,
                              enum recompute_result result)
{
    struct xfetch *x = state;
    if (result == RECOMPUTE_OK)
        xfetch_written(x, r, data(r)->early ? data(r)->refreshes : NAN);
    if (data(r)->early) {
        data(r)->early = false;
        if (result != RECOMPUTE_OK)
            xfetch_failed(x);
        /* sync: it read a fresh value, so it replies with it even if the
         * refresh failed (the failure is counted); async replied already */
        req_reply(r, result == RECOMPUTE_OK ? OUTCOME_COMPUTED : OUTCOME_HIT);
        return;
    }
    if (result == RECOMPUTE_OK)
        req_reply(r, OUTCOME_COMPUTED);
    else
        req_fail(r, recompute_error(result), true);
}

static double per_stored_delta(void *state, struct request *r,
                               double measured)
{
    return xfetch_stored_delta(xfetch_knobs_of(state), data(r)->seen_delta,
                               measured);
}

static bool per_risk(const void *knobs, const struct policy_load *load,
                     struct policy_risk *out)
{
    return xfetch_risk(knobs, load, false, out);
}

const struct policy_ops policy_per = {
    .name = "per",
    .summary = "probabilistic early expiration (XFetch): reads refresh "
               "before the expiry, more likely as it nears",
    .knobs = KNOBS,
    .calibration = &XFETCH_CALIBRATION,
    .knobs_size = sizeof(struct xfetch_knobs),
    .key_bytes = XFETCH_KEY_BYTES,
    .request_bytes = sizeof(struct per_request),
    .parse = per_parse,
    .write = per_write,
    .describe = per_describe,
    .risk = per_risk,
    .create = per_create,
    .destroy = per_destroy,
    .on_read = per_on_read,
    .on_recomputed = per_on_recomputed,
    .stored_delta = per_stored_delta,
    .metrics = {&XFETCH_METRICS},
    .collect = per_collect,
};
