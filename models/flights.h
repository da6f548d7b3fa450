/*
 * flights.h — in-process coalescing within each application instance,
 * for any policy: what Go's singleflight and a loading cache (Guava,
 * Caffeine) do for one process. Instances do not coordinate: each has its
 * own flights.
 *
 * A flight is one recompute of a key that a request (its leader) runs for
 * its instance. A request of that instance that finds the value missing
 * while the flight is under way does not query: it waits in the process
 * (req_wait) and is woken when the flight lands, with its result — the
 * leader's value (`waited`) or the leader's error. A background refresh is
 * the same without waiters: at most one per instance and key at a time,
 * started by a reader that then replies with the value it read.
 *
 * A policy using it keeps the struct flights * of flights_create in its
 * per-run state and a struct flights_request in its per-request state,
 * lists &FLIGHTS_METRICS among its metric tables, collected by
 * flights_collect, hands a leader's recompute result to flights_land and
 * a waiter's wake to flights_on_wake, and says when a refresh it started
 * is over (flights_refreshed). What a refresh does, and what it counts,
 * is the policy's.
 *
 * Memory: a table of the flights under way, keyed by (instance, key),
 * grown as needed (open addressing, at most half full): it holds what is
 * in flight, not every key of every instance. Waiters are linked through
 * their own per-request state: nothing is allocated per waiter.
 */
#ifndef STAMPEDE_FLIGHTS_H
#define STAMPEDE_FLIGHTS_H

#include <stdbool.h>

#include "policy.h"

/* ---- metrics ---- */

enum {
    FLIGHTS_COALESCED,          /* requests that waited for a flight */
    FLIGHTS_COALESCED_FAILED,   /* ... and were handed its error */
    FLIGHTS_WAIT_TOTAL,         /* seconds */
    FLIGHTS_MEAN_WAIT,          /* ratio of the two: total / coalesced */
    FLIGHTS_MAX_WAIT,           /* seconds */
    FLIGHTS_N_METRICS,
};
extern const struct policy_metric_table FLIGHTS_METRICS;

/* ---- per run ---- */

struct flights;

/* NULL if memory runs out. */
struct flights *flights_create(struct world *w);
void flights_destroy(struct flights *f);
/* Adds the segment's counts into acc (FLIGHTS_N_METRICS entries) and
 * starts a new segment. */
void flights_collect(struct flights *f, double *acc);

/* ---- per request ---- */

/* Its part of a request: in the policy's per-request state, zeroed at
 * arrival. Only flights.c reads or writes its fields. */
struct flights_request {
    struct flights_request *next;   /* the next waiter of its flight */
    struct request *r;
    double since;                   /* a waiter: when it began to wait */
    unsigned char role;
    unsigned char result;           /* a waiter: its flight's result */
};

/* r found the value missing. If its instance has no flight of the key,
 * r leads one: true, and the caller starts r's recompute. Otherwise r
 * waits for that flight (req_wait): false. */
bool flights_join(struct flights *f, struct flights_request *q,
                  struct request *r);
/* Whether r leads a flight (its recompute is the flight's). */
bool flights_leads(const struct flights_request *q);
/* r's recompute of a missing value ended (r led a flight, or queried on
 * its own): every waiter is woken with its result, the flight ends, and
 * r replies with the value it computed or fails with the error (a
 * failure the client may retry), as its waiters do. */
void flights_land(struct flights *f, struct flights_request *q,
                  struct request *r, enum recompute_result result);
/* A waiter woke: it replies with the flight's value (`waited`), or fails
 * with its error (a failure the client may retry, from the read). */
void flights_on_wake(struct flights *f, struct flights_request *q,
                     struct request *r);
/* Whether r waits for a flight (its on_wake is flights_on_wake's). */
bool flights_waits(const struct flights_request *q);

/* r would refresh the key in the background: true if its instance has no
 * refresh of the key under way, and r's is now that refresh (the caller
 * starts r's recompute); false if one is. */
bool flights_refresh(struct flights *f, struct flights_request *q,
                     struct request *r);
/* Whether r runs a background refresh. */
bool flights_refreshes(const struct flights_request *q);
/* r's refresh is over (its recompute ended, or it gave up): another may
 * start. */
void flights_refreshed(struct flights *f, struct flights_request *q,
                       struct request *r);

#endif
