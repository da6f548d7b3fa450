/*
 * database.h — the database and the client's connection pool.
 *
 * A query carries `work`: seconds of service it would need on an idle
 * database (the caller draws it, so that every policy of an experiment sees
 * the same work for the same request). Queries go through their
 * application instance's pool (pool_size connections each, FIFO wait up to
 * pool_timeout; one pool per instance, none lending to another), then to
 * the database, which admits at most max_connections client queries at
 * once, from every pool (abandoned ones included; the next is refused at
 * once).
 *
 * Capacity (DESIGN.md §4):
 *   ps   — the n queries in execution share W(n) work-seconds per second,
 *          each progressing at W(n)/n, with W(n) = min(n, cores) or the
 *          Universal Scalability Law n / (1 + σ(n−1) + κ n(n−1)).
 *          Implemented with a virtual-time clock: one pending completion
 *          event, finish tags in a heap, O(log n) per arrival or departure.
 *   fcfs — `cores` servers and one FIFO queue (M/M/c with exponential work).
 *
 * Timeouts: `timeout` bounds a query from its submission to the pool until
 * its result. A timed-out query is abandoned: the caller gets DB_TIMEOUT,
 * its pool connection is free again, its result is discarded; the database
 * keeps executing it (wasted work) unless cancel_on_timeout.
 *
 * Ties: a deadline at t has expired at t. A query still waiting for a
 * connection when its deadline comes fails with DB_POOL_TIMEOUT if its pool
 * deadline is that instant — with pool_timeout equal to timeout the pool is
 * charged, as what kept the query from the database — else DB_TIMEOUT. A
 * connection freed at that same instant (another query timing out, say)
 * goes to the next waiter, not to one whose deadline is now. So with equal
 * timeouts a query that never reached the database is a pool timeout, one
 * that did is a timeout.
 *
 * Background traffic: a Poisson stream of queries with its own service
 * distribution that shares the database's capacity but not the client's
 * pool, is never refused and never times out.
 *
 * The database knows nothing of caches or policies. Results are delivered
 * through the completion callback, always from an event handler and never
 * from inside db_submit (so callers are not re-entered). When a callback
 * runs, the database's state is already settled: it may submit, cancel or
 * collect stats.
 *
 * Memory: query records come from a free list that grows in chunks and is
 * never shrunk, so a steady state allocates nothing per query.
 */
#ifndef STAMPEDE_DATABASE_H
#define STAMPEDE_DATABASE_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernel/dist.h"
#include "kernel/hist.h"
#include "kernel/sim.h"

enum db_discipline { DB_PS, DB_FCFS };

/* Capacity: `cores`, or the USL curve (ps only). */
struct db_capacity {
    bool usl;           /* false: cores */
    int cores;          /* >= 1 when !usl */
    double sigma;       /* USL contention, 0 <= sigma <= 1 */
    double kappa;       /* USL coherency, >= 0 (sigma or kappa > 0) */
};

struct db_config {
    enum db_discipline discipline;
    struct db_capacity capacity;
    long max_connections;       /* client queries at the database; 0: no limit */
    bool cancel_on_timeout;
    double background_rate;     /* queries per second; 0: none */
    struct dist background_service;
    /* the client's side of the connection: `pools` pools (one per
     * application instance) of pool_size connections each */
    long pools;                 /* >= 1 */
    long pool_size;             /* >= 1 */
    double pool_timeout;        /* seconds >= 0; INFINITY: wait forever */
    double timeout;             /* seconds >= 0; INFINITY: no timeout */
};

/* Why a configuration is invalid (a short English sentence naming the
 * field), or NULL if it is valid. db_create refuses what this rejects. */
const char *db_config_error(const struct db_config *config);

enum db_result {
    DB_OK,                   /* the result arrived */
    DB_TIMEOUT,              /* client.timeout expired first (possibly
                                while still waiting for a connection) */
    DB_POOL_TIMEOUT,         /* no pool connection within pool_timeout
                                (a tie with timeout counts as a pool
                                timeout: see Ties above) */
    DB_REFUSED,              /* the database was at max_connections when
                                the query got its connection */
};

/* Called once per submitted query, at the time of its result.
 * response_time: seconds from submission to this moment. */
typedef void (*db_done_fn)(void *owner, enum db_result result,
                           double response_time);

/* Identifies a submitted query until its callback has run; 0 is none. */
typedef uint64_t db_query_id;

/*
 * What the database did during one measurement segment (a window, or the
 * part of one before or after the warmup ends). db_stats_collect adds the
 * current segment into a caller's struct and starts a new segment, so the
 * caller can sum segments into windows and windows into totals.
 */
struct db_stats {
    double span;               /* seconds covered */
    double inflight_area;      /* ∫ queries at the database dt (client and
                                  background; abandoned included; for fcfs
                                  in service + queued) */
    long inflight_max;         /* maxima include the state at the start */
    double util_area;          /* ∫ W(n) / max W dt (fcfs: busy / cores,
                                  at most 1 while surplus servers of a
                                  lowered core count finish) */
    long pool_waiting_max;     /* client queries waiting for a connection
                                  (all pools) */
    uint64_t submitted;        /* client queries submitted to the pool */
    uint64_t started;          /* client queries admitted by the database */
    uint64_t completed;        /* client queries whose result was delivered */
    uint64_t timeouts;         /* DB_TIMEOUT results */
    uint64_t pool_timeouts;    /* DB_POOL_TIMEOUT results */
    uint64_t refused;
    uint64_t background_started;
    double work_done;          /* work-seconds executed, all queries (ps:
                                  ∫ W(n) dt; fcfs: ∫ busy dt) */
    double wasted_work;        /* work-seconds executed on abandoned client
                                  queries: what a query did before it was
                                  abandoned counts in the segment where it
                                  is abandoned, the rest as it is done */
    struct hist *response;     /* submission -> result of completed client
                                  queries; owned by the struct's owner */
    /* Each pool's most connections in use at once (including the state
     * at the segment's start), for the first n_pools pools: an array of
     * the struct's owner, or NULL not to collect them. */
    long *pool_peak;
    long n_pools;
};

struct db;

/* Returns NULL if memory runs out, if the config is invalid
 * (db_config_error) or if background_rate > 0 without both streams. The
 * streams stay the caller's; both may be NULL when background_rate is 0.
 * Background arrivals start at now: each draws its gap from
 * background_arrivals and its work from background_work. */
struct db *db_create(struct sim *sim, const struct db_config *config,
                     gsl_rng *background_arrivals, gsl_rng *background_work);
/* Cancels the database's pending events; destroy it before its sim. No
 * callback comes for queries still held. */
void db_destroy(struct db *db);

/* Submits a client query from pool `pool` (0 <= pool < config.pools: its
 * application instance's) needing `work` seconds on an idle database
 * (scaled by the current service multiplier; negative or NaN work counts
 * as 0). Returns its id; 0 if memory ran out or the limit of db_set_limit
 * is reached (the run is then stopped through sim_halt). O(log n). */
db_query_id db_submit(struct db *db, long pool, double work, db_done_fn done,
                      void *owner);

/* The caller gives up on a query: no callback will come. It is abandoned
 * like a timed-out query (its work goes on unless cancel_on_timeout), but
 * not counted as a timeout. A stale or 0 id is ignored. */
void db_cancel(struct db *db, db_query_id id);

/* Changes capacity at once (queries in execution included). For fcfs with
 * fewer cores, busy servers above the new count finish their query and
 * take no new one. Returns false (nothing changed) if the capacity is
 * invalid for the discipline. */
bool db_set_capacity(struct db *db, struct db_capacity capacity);

/* Multiplies the work of queries submitted from now on (client and
 * background). 1 at the start. Returns false (nothing changed) unless
 * factor is finite and > 0. */
bool db_set_service_multiplier(struct db *db, double factor);

/* Adds the current segment into *into and starts a new one at now. */
void db_stats_collect(struct db *db, struct db_stats *into);

/* Adds the counts and areas of `s` to `into`, keeping the larger maxima;
 * merges the response histograms when `into` has one. */
void db_stats_add(struct db_stats *into, const struct db_stats *s);

/* Queries the database model holds right now (waiting for a connection,
 * at the database — background and abandoned included — or about to be
 * told they were refused). O(1). */
long db_queries_held(const struct db *db);

/* Bounds what the database may hold at once: `max_queries` records, client
 * and background, waiting, executing, abandoned, or cancelled but not yet
 * dropped (0: no limit, the default). Abandoned queries (with
 * max_connections "none" and no cancel_on_timeout) and background traffic
 * above capacity would otherwise pile up without end. Past the limit a
 * submission or background arrival is refused, the run is stopped through
 * sim_halt (db_submit returns 0), and db_over_limit turns true. */
void db_set_limit(struct db *db, long max_queries);
bool db_over_limit(const struct db *db);
/* A client query or a background arrival found no memory for its record
 * (the run was stopped through sim_halt). */
bool db_out_of_memory(const struct db *db);

/* W(n) and its maximum over integer n >= 1, in work-seconds per second
 * (W(n) / mean work = queries per second). USL with κ = 0: the maximum is
 * the asymptote 1/σ, never reached. */
double db_capacity_at(const struct db_capacity *c, long n);
double db_capacity_max(const struct db_capacity *c);
/* Where W peaks: the cores, or the USL's n* = sqrt((1 - sigma) / kappa);
 * INFINITY when it never does (USL with kappa = 0). */
double db_capacity_peak_n(const struct db_capacity *c);
/* The most queries per second: max W / mean work. */
double db_capacity_qps(const struct db_capacity *c, double mean_work);

#endif
