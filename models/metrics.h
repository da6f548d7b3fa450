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
#include "slo.h"

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
    /* the SLO's verdict on the SLO window this window belongs to (NaN:
     * no slo, or a warmup window, which is not measured) */
    struct slo_verdict slo;
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

/* The worst measured window of the run, figure by figure (each may be
 * another window); NaN: no measured window had the figure. */
struct worst_window {
    double p99;                /* seconds: the highest p99 (windows with a
                                  successful reply) */
    double t;                  /* start of the window with that p99 */
    double error_rate;         /* the highest errors / completed (0 for a
                                  window in which nothing completed) */
    double hit_ratio;          /* the lowest (windows with completions) */
    double db_inflight_max;    /* the most queries at the database */
    double db_utilization;     /* the highest time-average utilisation */
};

/* The policy's risk figure (policy.h: struct policy_risk) under the run's
 * own load: the hottest key's measured read rate, the run's recompute
 * p99. */
struct risk_totals {
    bool set;                  /* false: the policy has none */
    double value, limit;       /* seconds */
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
    struct worst_window worst;
    struct slo_totals slo;     /* slo.set false: the run had no slo */
    /* the application instances, and each one's pool: with more than
     * one, all.tally->db.pool_peak holds each pool's peak of the
     * measured run */
    long instances;
    long pool_size;
    struct risk_totals risk;
};

struct metrics;

/* Receives each window as it closes. */
typedef void (*window_sink)(const struct window_row *row, void *ctx);

struct metrics_params {
    const char *label;
    double warmup, window, duration;
    long keys;
    long instances;            /* application instances (>= 1): each
                                  pool's peak is kept when above 1 */
    long pool_size;            /* connections of each one's pool */
    const struct policy_ops *policy;   /* its collect is called (or the
                                          default, if it has none) */
    window_sink sink;          /* may be NULL */
    void *sink_ctx;
    const struct slo_config *slo;   /* NULL or !set: none */
    double slo_reference;      /* recovery is measured from it (the last
                                  incident); NaN: from the first violation */
};

/* NULL if memory runs out. */
struct metrics *metrics_create(const struct metrics_params *p);
void metrics_destroy(struct metrics *m);

/* The segment being counted: the client increments its fields directly.
 * The pointer stays valid for the whole run. */
struct tally *metrics_current(struct metrics *m);

/* Closes the segment at `now`, collecting what the database, the cache and
 * the policy counted; closes the window if `now` ends one (or, when `last`,
 * whatever part of a window there is: the run ends or stops). The world
 * calls it at every window boundary, at the end of the warmup, and once
 * with `last` at the end. A closed window goes to the sink when the SLO
 * window it belongs to closes (at once without an slo, or with an SLO
 * window of one window), carrying the SLO's verdict. */
void metrics_close_segment(struct metrics *m, double now, struct db *db,
                           struct cache *cache, void *policy_state, bool last);

/* ---- miss episodes (DESIGN.md §5) ---- */

/* A read found `key` missing (or stale, for a policy that does not serve
 * stale): opens an episode if none is. Returns the open episode's number
 * (per key, from 1: the request keeps it, its key says whose). */
uint64_t metrics_episode_miss(struct metrics *m, long key, double now);
/* A query of the request whose missing read was in `episode`. */
void metrics_episode_query(struct metrics *m, long key, uint64_t episode);
/* A write of `key` ends its open episode. */
void metrics_episode_write(struct metrics *m, long key, double now);
/* Computes the run's totals at the end (`now`), with the number of
 * requests still unreplied. The pointer stays valid until destroy. */
const struct run_totals *metrics_finish(struct metrics *m, double now,
                                        uint64_t unfinished);

/* The run's risk figure, known once its totals are (metrics_finish). */
void metrics_set_risk(struct metrics *m, double value, double limit);

/* Bytes the per-key state of `keys` keys needs (for the memory guard). */
double metrics_bytes(long keys);
/* The output windows an SLO window spans, with output windows of
 * `window` seconds (1 without an slo: each window goes out as it closes). */
long metrics_slo_windows(const struct slo_config *slo, double window);
/* Bytes an slo adds to a run: the SLO window's pooled tally and the
 * windows held until it closes (for the memory guard). */
double metrics_slo_bytes(const struct slo_config *slo, double window);

#endif
