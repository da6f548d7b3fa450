/*
 * metrics.h — what one run measures (DESIGN.md §5).
 *
 * Counting goes into the current *segment*. A segment closes at every
 * window boundary and at the end of the warmup; a closed segment is added
 * to its window and, if it began after the warmup, to the run's totals. A
 * window is handed to the caller (and forgotten) as soon as it closes, so
 * memory does not grow with the length of the run.
 */
#ifndef STAMPEDE_METRICS_H
#define STAMPEDE_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "cache.h"
#include "database.h"
#include "kernel/hist.h"
#include "policy.h"

/* Counters of one segment, window or run. */
struct tally {
    double span;                       /* seconds covered */
    uint64_t arrivals;
    uint64_t outcomes[N_OUTCOMES];     /* completions by outcome */
    uint64_t errors[N_ERROR_CAUSES];
    uint64_t recomputes[N_RECOMPUTE_CAUSES];
    uint64_t recompute_failed;         /* recomputes that wrote nothing */
    uint64_t overlapping;
    uint64_t redundant;                /* miss/lock recomputes started while
                                          the value was fresh again */
    uint64_t episodes_started;
    struct cache_stats cache;
    struct db_stats db;                /* db.response: owned histogram */
    struct hist *latency;              /* replies but errors, from arrival
                                          (retries included), seconds */
    double *policy;                    /* the policy's accumulators */
};

/* Recomputes of every cause. */
uint64_t tally_recomputes(const struct tally *t);

/* One row of the time series: a closed window, with its rates derived. */
struct window_row {
    const char *label;
    double t;                  /* start of the window, seconds */
    double span;               /* its width (the last may be shorter) */
    bool warmup;               /* it starts before the warmup ends */
    const struct tally *tally;
    uint64_t completed;
    double hit_ratio;          /* (hit + stale) / completed */
    double cache_hit_ratio;    /* GET hits / GETs */
    double cache_ops_per_s;
    double db_qps;             /* client queries admitted per second */
    double db_inflight_mean;
    double db_util;
    double p50, p90, p99, p999, max;   /* reply latency, seconds */
};

/* The run after the warmup (DESIGN.md §5), for summary.json. */
struct episode_totals {
    uint64_t count;            /* started after the warmup */
    double size_sum, size_max; /* queries per episode (open ones so far) */
    double duration_sum, duration_max;   /* open ones: their age at the end */
    uint64_t open_at_end;      /* still open at the end, started any time */
    double oldest_open;        /* age at the end of the oldest of those, s */
    double oldest_active;      /* the same among those a read still found
                                  missing in the last window */
};

struct run_totals {
    struct window_row all;     /* the measured segments pooled as one
                                  window: the run's counts, ratios, rates
                                  and quantiles */
    double measured;           /* seconds after the warmup that ran */
    uint64_t unfinished;       /* arrived but not replied at the end */
    /* the busiest measured window */
    double peak_cache_ops_per_s, peak_db_qps;
    long peak_inflight;
    struct episode_totals episodes;
    /* A miss episode still open at the end, which reads still found
     * missing in the last window, has lasted more than a quarter of the
     * measured run: healthy episodes last a recompute or a lock wait, and
     * an episode of a key nobody reads since is not an outage. */
    bool collapsed;
};

struct metrics;

/* Receives each window as it closes. */
typedef void (*window_sink)(const struct window_row *row, void *ctx);

struct metrics_params {
    const char *label;
    double warmup, window, duration;
    long keys;
    const struct policy_ops *policy;
    window_sink sink;          /* may be NULL */
    void *sink_ctx;
};

/* NULL if memory runs out. */
struct metrics *metrics_create(const struct metrics_params *p);
void metrics_destroy(struct metrics *m);

/* The segment being counted: the client increments its fields directly.
 * The pointer stays valid for the whole run. */
struct tally *metrics_current(struct metrics *m);

/* Closes the segment at `now`, collecting what the database, the cache and
 * the policy counted; emits the window if `now` ends one (or, when `last`,
 * whatever part of a window there is: the run ends or stops). The world
 * calls it at every window boundary, at the end of the warmup, and once
 * with `last` at the end. */
void metrics_close_segment(struct metrics *m, double now, struct db *db,
                           struct cache *cache, void *policy_state, bool last);

/* ---- miss episodes (DESIGN.md §5) ---- */

/* A read found `key` missing (or stale, for a policy that does not serve
 * stale): opens an episode if none is. Returns the open episode's id. */
uint64_t metrics_episode_miss(struct metrics *m, long key, double now);
/* A query of the request whose missing read was in `episode`. */
void metrics_episode_query(struct metrics *m, long key, uint64_t episode);
/* A write of `key` ends its open episode. */
void metrics_episode_write(struct metrics *m, long key, double now);
/* Computes the run's totals at the end (`now`), with the number of
 * requests still unreplied. The pointer stays valid until destroy. */
const struct run_totals *metrics_finish(struct metrics *m, double now,
                                        uint64_t unfinished);

/* Bytes the per-key state of `keys` keys needs (for the memory guard). */
double metrics_bytes(long keys);

#endif
