/*
 * singleflight.c — coalescing of concurrent misses within each
 * application instance (Go's golang.org/x/sync/singleflight; the one load
 * per key of a Guava or Caffeine loading cache): the flights helper
 * (flights.h) as a policy.
 *
 * The first request of an instance that finds the value missing queries
 * and writes it; later ones of the same instance that find it missing
 * while that query runs wait in the process and get its result — its
 * value, or its error. Instances do not coordinate: a fleet of N
 * instances sends up to N queries per expiry, one per instance that sees
 * a request while the value is being recomputed. No knobs.
 */
#include "flights.h"
#include "policies.h"

static void singleflight_describe(const void *knobs, char *out, size_t n)
{
    (void)knobs;
    snprintf(out, n, "one query per instance and missing key; the "
             "instance's other misses wait for it");
}

static void *singleflight_create(const void *knobs, struct world *w)
{
    (void)knobs;
    return flights_create(w);
}

static void singleflight_destroy(void *state) { flights_destroy(state); }

static void singleflight_collect(void *state, double *acc)
{
    flights_collect(state, acc);
}

static struct flights_request *flight_of(struct request *r)
{
    return REQ_STATE(r, struct flights_request);
}

/* A fresh value is the reply; a missing one joins the instance's flight
 * (its leader recomputes; the others wait). */
static void singleflight_on_read(void *state, struct request *r,
                                 const struct cache_view *v)
{
    if (v->state == CACHE_FRESH)
        req_reply(r, OUTCOME_HIT);
    else if (flights_join(state, flight_of(r), r))
        req_recompute(r, CAUSE_MISS);
}

/* The leader's recompute: its waiters get its result, and so does it. */
static void singleflight_on_recomputed(void *state, struct request *r,
                                       enum recompute_result result)
{
    flights_land(state, flight_of(r), r, result);
}

static void singleflight_on_wake(void *state, struct request *r)
{
    flights_on_wake(state, flight_of(r), r);
}

const struct policy_ops policy_singleflight = {
    .name = "singleflight",
    .summary = "per-instance coalescing: the first miss of an instance "
               "queries, its other misses wait for that query",
    .describe = singleflight_describe,
    .request_bytes = sizeof(struct flights_request),
    .create = singleflight_create,
    .destroy = singleflight_destroy,
    .on_read = singleflight_on_read,
    .on_recomputed = singleflight_on_recomputed,
    .on_wake = singleflight_on_wake,
    .metrics = {&FLIGHTS_METRICS},
    .collect = singleflight_collect,
};
