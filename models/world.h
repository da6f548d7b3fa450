/*
 * world.h — one simulated world: workload, cache, database, clients and one
 * policy, run on the kernel for one replication.
 *
 * Random streams are seeded from (seed, replication, component), so two
 * worlds of the same experiment that differ only in their policy see the
 * same open-loop arrivals, keys, query work and first-read coins (common
 * random numbers).
 */
#ifndef STAMPEDE_WORLD_H
#define STAMPEDE_WORLD_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "client.h"
#include "database.h"
#include "kernel/dist.h"
#include "metrics.h"
#include "policy.h"
#include "slo.h"
#include "timeline.h"
#include "workload.h"

/* Everything a run needs but the policy. */
struct model_config {
    double duration;     /* seconds, warmup included */
    double warmup;       /* seconds */
    double window;       /* seconds per output window */
    struct workload_config workload;
    struct cache_config cache;
    struct db_config db;         /* pool fields are the client's */
    struct dist service;         /* work per query, seconds on an idle db */
    struct client_config client;
    struct timeline timeline;    /* incidents */
    struct slo_config slo;       /* slo.set false: none */
};

/* Requests in flight beyond which a run stops as overloaded, by default. */
#define WORLD_MAX_IN_FLIGHT 1000000

struct world_params {
    const struct model_config *model;
    const struct policy_ops *policy;
    const void *knobs;
    const char *label;
    uint64_t seed;
    uint64_t replication;
    const volatile sig_atomic_t *stop;   /* signals; may be NULL */
    window_sink sink;                    /* each window as it closes */
    void *sink_ctx;
    long max_in_flight;                  /* 0: WORLD_MAX_IN_FLIGHT */
    sim_tick_fn ticker;                  /* progress, every WORLD_TICK
                                            events; may be NULL */
    void *ticker_ctx;
};

/* Events between two calls of a world's ticker: at 5-10 M events/s, a
 * few dozen calls a second. */
#define WORLD_TICK 131072

enum world_end {
    WORLD_COMPLETE,
    WORLD_INTERRUPTED,      /* the stop flag was set */
    WORLD_OVERLOADED,       /* too many requests in flight */
    WORLD_OUT_OF_MEMORY,
    WORLD_INPUT_FAILED,     /* a replayed trace could not be read on */
};

struct world_result {
    enum world_end end;
    double ended_at;                     /* simulated seconds reached */
    uint64_t events;                     /* handlers dispatched */
    uint64_t arrivals;                   /* requests over the whole run */
    double mean_pending;                 /* events queued, sampled at each
                                            window boundary (benchmarks) */
    const struct run_totals *totals;     /* valid until world_destroy */
    char reason[200];                    /* why the run is incomplete */
};

struct world;

/* NULL with a message in err if memory runs out, or if the policy's ops
 * table lacks what policy_check requires. */
struct world *world_create(const struct world_params *p, char *err, size_t n);
void world_run(struct world *w, struct world_result *out);
void world_destroy(struct world *w);

/* Memory a world of `policy` needs at start, in bytes: the per-key state
 * (cache entry, miss episode, recompute counter, the lock table if the
 * policy takes locks, the policy's own table), allocated at once though
 * touched only as keys are first used, the closed
 * loop's workers, the windows an slo holds, and a fixed part (streams,
 * histograms, first blocks).
 * What requests in flight take comes on top, bounded by the overload
 * guard. A replayed trace adds its reader (its key map). *keys_part (may
 * be NULL) gets the share that grows with keys. */
double world_memory_estimate(const struct model_config *m,
                             const struct policy_ops *policy,
                             double *keys_part);

#endif
