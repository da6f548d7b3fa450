/*
 * refresh_ahead.c — refresh ahead of the expiry (Caffeine's
 * refreshAfterWrite, Guava's LoadingCache.refresh, Oracle Coherence's
 * refresh-ahead factor).
 *
 * A value becomes due for refresh once refresh_after (a fraction of its
 * own TTL, jitter included) has passed since it was written. The first
 * read of a due value on an instance replies with it at once and starts
 * one asynchronous refresh for that instance; the instance's later readers
 * keep getting the current value, and start none while it runs (the
 * flights helper keeps one per instance and key). Instances do not
 * coordinate: each may refresh a due value once. A missing value is
 * coalesced within the instance, as singleflight does.
 *
 * Its refreshes count as recomputes of cause `early`.
 */
#include <stdlib.h>
#include <string.h>

#include "flights.h"
#include "policies.h"

/* ---- knobs ---- */

struct refresh_ahead_knobs {
    double refresh_after;   /* fraction of the TTL, in (0, 1) */
};

static const char *const KNOBS[] = {"refresh_after", NULL};

static void refresh_ahead_parse(const struct cfg_obj *o, void *knobs)
{
    struct refresh_ahead_knobs *k = knobs;
    cfg_number(o, "refresh_after", &k->refresh_after, 0.8,
               (struct cfg_range){0, 1, true, true});
}

static void refresh_ahead_write(const void *knobs, cJSON *o)
{
    const struct refresh_ahead_knobs *k = knobs;
    cJSON_AddNumberToObject(o, "refresh_after", k->refresh_after);
}

static void refresh_ahead_describe(const void *knobs, char *out, size_t n)
{
    const struct refresh_ahead_knobs *k = knobs;
    snprintf(out, n, "a read after %g of the TTL starts one async refresh "
             "per instance", k->refresh_after);
}

/* ---- metrics ---- */

enum {
    M_STARTED,
    M_LANDED,
    M_FAILED,
    N_METRICS,
};

static const struct policy_metric METRIC_LIST[N_METRICS] = {
    [M_STARTED] = {"refreshes_started", FOLD_SUM, 0, 0, "recomputes",
                   "background refreshes",
                   "background refreshes started (one per instance and key "
                   "at a time)", NULL},
    [M_LANDED] = {"refreshes_landed", FOLD_SUM, 0, 0, "recomputes",
                  "background refreshes landed",
                  "background refreshes that wrote the value", NULL},
    [M_FAILED] = {"refreshes_failed", FOLD_SUM, 0, 0, "recomputes",
                  "background refreshes failed",
                  "background refreshes whose query failed", NULL},
};

static const struct policy_metric_table METRICS = {METRIC_LIST, N_METRICS};

/* ---- state ---- */

struct refresh_ahead_state {
    const struct refresh_ahead_knobs *k;
    struct flights *flights;
    double m[N_METRICS];
};

static struct flights_request *flight_of(struct request *r)
{
    return REQ_STATE(r, struct flights_request);
}

static void *refresh_ahead_create(const void *knobs, struct world *w)
{
    struct refresh_ahead_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->k = knobs;
    s->flights = flights_create(w);
    if (!s->flights) {
        free(s);
        return NULL;
    }
    return s;
}

static void refresh_ahead_destroy(void *state)
{
    struct refresh_ahead_state *s = state;
    flights_destroy(s->flights);
    free(s);
}

static void refresh_ahead_collect(void *state, double *acc)
{
    struct refresh_ahead_state *s = state;
    policy_metrics_add(&METRICS, acc, s->m);
    memset(s->m, 0, sizeof s->m);
    flights_collect(s->flights, acc + N_METRICS);
}

/* ---- decisions ---- */

/* Due: refresh_after of the value's own lifetime has passed. */
static bool due(const struct refresh_ahead_state *s, const struct request *r,
                const struct cache_view *v)
{
    double ttl = v->expires_at - v->written_at;
    return req_now(r) >= v->written_at + s->k->refresh_after * ttl;
}

static void refresh_ahead_on_read(void *state, struct request *r,
                                  const struct cache_view *v)
{
    struct refresh_ahead_state *s = state;
    struct flights_request *q = flight_of(r);
    if (v->state != CACHE_FRESH) {
        if (flights_join(s->flights, q, r))
            req_recompute(r, CAUSE_MISS);
        return;
    }
    req_reply(r, OUTCOME_HIT);
    if (due(s, r, v) && flights_refresh(s->flights, q, r)) {
        s->m[M_STARTED]++;
        req_recompute(r, CAUSE_EARLY);
    }
}

static void refresh_ahead_on_recomputed(void *state, struct request *r,
                                        enum recompute_result result)
{
    struct refresh_ahead_state *s = state;
    struct flights_request *q = flight_of(r);
    if (flights_refreshes(q)) {
        s->m[result == RECOMPUTE_OK ? M_LANDED : M_FAILED]++;
        flights_refreshed(s->flights, q, r);
        return;   /* it replied with the value it read */
    }
    flights_land(s->flights, q, r, result);
}

static void refresh_ahead_on_wake(void *state, struct request *r)
{
    struct refresh_ahead_state *s = state;
    flights_on_wake(s->flights, flight_of(r), r);
}

const struct policy_ops policy_refresh_ahead = {
    .name = "refresh_ahead",
    .summary = "a read after refresh_after of the TTL starts one async "
               "refresh per instance; readers keep the current value",
    .knobs = KNOBS,
    .knobs_size = sizeof(struct refresh_ahead_knobs),
    .request_bytes = sizeof(struct flights_request),
    .parse = refresh_ahead_parse,
    .write = refresh_ahead_write,
    .describe = refresh_ahead_describe,
    .create = refresh_ahead_create,
    .destroy = refresh_ahead_destroy,
    .on_read = refresh_ahead_on_read,
    .on_recomputed = refresh_ahead_on_recomputed,
    .on_wake = refresh_ahead_on_wake,
    .metrics = {&METRICS, &FLIGHTS_METRICS},
    .collect = refresh_ahead_collect,
};
