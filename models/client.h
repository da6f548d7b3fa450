/*
 * client.h — one request's life: cache read, policy, database, reply.
 *
 * The world owns the client and builds it from its own parts (the kernel,
 * the cache, the database, the metrics, the policy and the streams); the
 * client holds its own state (the requests, the counts of what is in
 * flight, the recomputes under way per key) and reaches back to the world
 * only through on_reply. It starts the requests the world hands it and
 * carries out the actions a policy takes (policy.h).
 */
#ifndef STAMPEDE_CLIENT_H
#define STAMPEDE_CLIENT_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#include "cache.h"
#include "database.h"
#include "fleet.h"
#include "kernel/dist.h"
#include "kernel/sim.h"
#include "metrics.h"
#include "policy.h"
#include "workload.h"

struct client_config {
    struct fleet_config fleet;   /* the application instances */
    long pool_size;       /* connections to the database, per instance */
    double pool_timeout;  /* seconds to wait for one; INFINITY: forever */
    double timeout;       /* one query, submission to result; INFINITY: none */
    long retries;         /* a failed request is retried this many times */
    double backoff;       /* first backoff (seconds), doubled per attempt */
    double backoff_max;   /* cap of the backoff */
};

/* What the world hands its client; the client keeps the pointers (they
 * outlive it) and draws from the streams (each the world's own). */
struct client_params {
    struct sim *sim;
    const struct client_config *config;
    const struct dist *service;   /* work per query, seconds on an idle db */
    long keys;
    struct cache *cache;
    const struct dist *cache_latency;   /* one round trip of a command */
    struct db *db;
    struct key_sampler *sampler;
    struct metrics *metrics;
    const struct policy_ops *policy;   /* checked (policy_check) */
    void *policy_state;
    bool serves_stale;            /* reads show the policy stale values */
    gsl_rng *keys_rng, *work_rng, *coin_rng, *latency_rng, *backoff_rng;
    /* More than one instance: who picks a request's, from which stream.
     * NULL with one instance (every request is on instance 0). */
    struct fleet_picker *fleet;
    gsl_rng *instance_rng;
    long max_in_flight;           /* more requests than this: overloaded */
    /* A request started with an owner has replied (closed loop: the
     * worker thinks, then sends the next one). */
    void (*on_reply)(void *owner);
};

struct client;

/* NULL if memory runs out. */
struct client *client_create(const struct client_params *p);
void client_destroy(struct client *c);

/* A request arrives now, for `key` (>= 0; a replayed trace's) or one
 * drawn (-1). `owner` (NULL for open-loop arrivals) is handed to on_reply
 * when it replies. Past max_in_flight, or out of memory, it halts the run
 * instead (client_overloaded, client_out_of_memory). */
void client_start_request_for(struct client *c, void *owner, long key);

/* The same with a drawn key (inline: every arrival goes through it). */
static inline void client_start_request(struct client *c, void *owner)
{
    client_start_request_for(c, owner, -1);
}

bool client_overloaded(const struct client *c);
bool client_out_of_memory(const struct client *c);
/* Requests that arrived, and those not replied yet. */
uint64_t client_arrivals(const struct client *c);
uint64_t client_unreplied(const struct client *c);

/* Bytes of the client's state that grows with the number of keys (its
 * count of recomputes under way per key), for world_memory_estimate. */
double client_bytes(long keys);

#endif
