/*
 * world_internal.h — the world's and the request's insides, shared by
 * world.c (setup, arrivals, windows), client.c (a request's life) and
 * timeline.c (incidents). Nothing else includes it.
 */
#ifndef STAMPEDE_WORLD_INTERNAL_H
#define STAMPEDE_WORLD_INTERNAL_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernel/sim.h"
#include "world.h"

struct worker;

struct request {
    struct world *w;
    uint64_t id;            /* unique in the run; the lock token */
    long key;
    double arrival;
    double work;            /* the query's work, drawn at arrival */
    double coin;            /* U(0, 1] for the first read, drawn at arrival */
    uint64_t episode;       /* episode of its last missing read; 0: none */
    int attempt;            /* retries so far */
    int pending;            /* actions under way (cache ops, query, sleep) */
    bool replied;
    bool coin_used;
    double op_arg;          /* the lock TTL of a try-lock; the delta of a write */
    double written_expiry;  /* expiry of the value its last recompute wrote */
    struct worker *worker;  /* closed loop: whose request it is */
    struct request *next_free;
    _Alignas(8) unsigned char policy_data[REQUEST_POLICY_DATA];
};

/* A closed-loop worker: sends a request, waits for its reply, thinks. */
struct worker {
    struct world *w;
    long index;
    bool busy;              /* a request or a think of it is under way */
};

/* The payload of a scheduled incident (timeline.c). */
struct incident_event {
    struct world *w;
    const struct incident *incident;
};

/* Named streams a policy asked for (world_stream). */
#define WORLD_MAX_POLICY_STREAMS 8

struct world {
    struct sim *sim;
    struct world_params p;
    const struct model_config *m;
    /* streams: each component its own (rng.h) */
    gsl_rng *arrivals, *keys, *work, *coin, *latency, *cache_state;
    gsl_rng *backoff, *think, *bg_arrivals, *bg_work;
    struct {
        char name[48];
        gsl_rng *rng;
    } policy_streams[WORLD_MAX_POLICY_STREAMS];
    int n_policy_streams;
    struct cache *cache;
    struct db *db;
    struct key_sampler *sampler;
    struct metrics *metrics;
    struct tally *count;        /* the metrics' current segment */
    void *policy_state;
    bool serves_stale;
    uint32_t *active;           /* per key: recomputes that may still write */
    /* requests */
    struct request *free_requests;
    void **blocks;              /* allocations the requests come from */
    size_t n_blocks, cap_blocks;
    uint64_t next_request_id;
    uint64_t unreplied;
    long in_flight;             /* allocated requests (replied or not) */
    long max_in_flight;
    /* arrivals: rate(t) = base(t) * multiplier (traffic incidents) */
    double peak_rate;           /* thinning bound */
    bool base_constant;         /* a traffic incident set a constant rate */
    double base_rate;           /* that rate */
    double rate_multiplier;
    size_t profile_next;        /* workload_rate_from's cursor */
    event_id next_arrival;
    struct worker *workers;
    long n_workers;             /* allocated: the most the run asks for */
    long active_workers;
    struct incident_event incidents[TIMELINE_MAX_INCIDENTS];
    double pending_sum;         /* sim_pending at window boundaries */
    uint64_t pending_samples;
    bool overloaded;
    bool out_of_memory;
};

/* client.c */
void client_start_request(struct world *w, struct worker *worker);
void client_free_requests(struct world *w);

/* world.c: a worker's request replied (it thinks, then goes on). */
void world_worker_replied(struct worker *k);
/* world.c: a traffic incident sets a constant rate, or multiplies the
 * scenario's. */
void world_set_rate(struct world *w, double rate);
void world_scale_rate(struct world *w, double factor);
/* world.c: the number of active workers changed. */
void world_set_workers(struct world *w, long n);

#endif
