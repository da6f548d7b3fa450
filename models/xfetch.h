/*
 * xfetch.h — probabilistic early expiration (XFetch: Vattani, Chierichetti
 * and Lowenstein, "Optimal Probabilistic Cache Stampede Prevention",
 * VLDB 2015) for any policy: the decision, its knobs, and the metrics of
 * early refreshes and TTL cycles.
 *
 * A read of a fresh value refreshes early when
 *     now - delta * beta * ln(U) >= expiry,   U ~ Uniform(0, 1],
 * delta being the last recompute's duration (stored with the value) or a
 * fixed one. The closer the expiry and the longer the recompute, the more
 * likely; beta > 1 favours earlier refreshes. With `sync` (the paper's
 * form) the reading request runs the refresh and replies after it; with
 * `async` it replies at once and the refresh runs in the background. What
 * runs the refresh (the reader itself, or whoever gets a lock) is the
 * policy's.
 *
 * It also counts TTL cycles — the lifetime of each written value — and
 * those that missed. A value ends when the next one is written. Its cycle
 * is covered when that write is the value's own early refresh and lands
 * before the value expires; it is missed when the value expired first,
 * whether or not an early refresh had started (one that starts less than
 * a recompute before the expiry lands after it, and the readers of the
 * gap miss). A value replaced while still fresh by a write that is not
 * its own early refresh (the second write of a stampede, or a late
 * refresh of an older value) is not a cycle of its own. Each cycle also
 * says whether an early refresh *started* before the expiry: XFetch's
 * formula is about that event (tests/validation). The policy reports
 * every write of a key (xfetch_written): all of them come from its own
 * recomputes.
 *
 * A policy using it: its knobs hold a struct xfetch_knobs (XFETCH_KNOB_NAMES
 * among its knobs), its state the struct xfetch * of xfetch_create, its
 * metrics list &XFETCH_METRICS (collected by xfetch_collect), and its
 * key_bytes include XFETCH_KEY_BYTES. Its coins after a request's first
 * come from the stream "per.coin", the same for every policy using it.
 */
#ifndef STAMPEDE_XFETCH_H
#define STAMPEDE_XFETCH_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "kernel/config.h"
#include "policy.h"

/* ---- knobs ---- */

enum xfetch_refresh { XFETCH_SYNC, XFETCH_ASYNC };

/* The delta a decision uses is the knob `delta` when it is fixed. When it
 * is measured, it is the one stored with the value, which each recompute
 * writes through an estimator (xfetch_stored_delta), as a library keeps it
 * beside the value: the query's measured duration, smoothed over the key's
 * recomputes (delta_ewma = alpha: d = alpha m + (1 - alpha) d_prev, d_prev
 * the delta of the value the recompute read; a missing value starts it
 * again at m), then clamped to [delta_min, delta_max]. A decision clamps
 * too, so that the values the cache starts with (their deltas drawn from
 * the service time) obey the clamp like any other. Defaults (alpha 1, no
 * bounds) store the measured duration itself: XFetch's own rule. */
struct xfetch_knobs {
    double beta;                  /* > 0 */
    enum xfetch_refresh refresh;
    double delta;                 /* fixed delta in seconds; NAN: the one
                                     stored with the value */
    double delta_min, delta_max;  /* seconds; 0 and INFINITY: unbounded */
    double delta_alpha;           /* delta_ewma, in (0, 1]; 1: none */
};

/* The JSON fields xfetch_parse reads and xfetch_write writes, in order. */
#define XFETCH_KNOB_NAMES \
    "beta", "refresh", "delta", "delta_min", "delta_max", "delta_ewma"

/* Defaults where absent: beta 1, refresh "sync", delta "measured", no
 * bounds, no smoothing; errors go to o->cfg (an estimator beside a fixed
 * delta, which it would never touch, or delta_min above delta_max). */
void xfetch_parse(const struct cfg_obj *o, struct xfetch_knobs *k);
/* The estimator's fields only where they differ from their defaults. */
void xfetch_write(const struct xfetch_knobs *k, cJSON *o);
/* One line for `check`. */
void xfetch_describe(const struct xfetch_knobs *k, char *out, size_t n);

/* The delta a recompute stores with the value it writes: its query's
 * `measured` duration through the estimator; `seen`: the delta of the
 * value the recompute read (NAN: it read none). */
double xfetch_stored_delta(const struct xfetch_knobs *k, double seen,
                           double measured);
/* The delta a decision uses for a value storing `stored`. */
double xfetch_delta(const struct xfetch_knobs *k, double stored);

/* ---- the feedback of a measured delta ---- */

/* How long before the expiry the first early refresh of a value starts,
 * about, with reads at `rate` per second: the lead L at which the expected
 * number of refreshing reads reaches one, rate * beta * delta *
 * exp(-L / (beta delta)) = 1, so L = beta delta ln(rate beta delta) (0
 * when that is negative: a refresh may not start at all). */
double xfetch_lead(double beta, double delta, double rate);

/* Above this share of the TTL, the lead at the recompute's p99 is a risk:
 * one slow recompute stores a delta that makes the next value refresh
 * early in most reads, the database slows, and the next delta is larger
 * still (docs/policies.md, "When PER's delta feeds back"). */
#define XFETCH_RISK_SHARE (1.0 / 3)

/* The risk figure of the knobs (policy.h: struct policy_risk). `alone`:
 * the policy lets one early refresh of a value run at a time (xlocked's
 * lock): the database never sees a storm of them, and a lead past the
 * TTL only keeps that one busy — the limit is the TTL. */
bool xfetch_risk(const struct xfetch_knobs *k, const struct policy_load *load,
                 bool alone, struct policy_risk *out);

/* ---- metrics ---- */

enum {
    XFETCH_EARLY,          /* early refreshes started */
    XFETCH_EARLY_FAILED,
    XFETCH_LEAD_TOTAL,     /* seconds */
    XFETCH_MEAN_LEAD,      /* ratio of the one above and XFETCH_EARLY */
    XFETCH_CYCLES,
    XFETCH_CYCLES_MISSED,
    XFETCH_MISS_SHARE,
    XFETCH_EARLY_PER_CYCLE,
    XFETCH_CYCLES_UNSTARTED,
    XFETCH_UNSTARTED_SHARE,
    XFETCH_STORM_CYCLES,
    XFETCH_STORM_MAX,
    XFETCH_N_METRICS,
};
extern const struct policy_metric_table XFETCH_METRICS;

/* A TTL cycle with more early refreshes than this is a refresh storm: one
 * or two is XFetch's design (its overlap is e^(1/beta) - 1 refreshes
 * during the first one's recompute: 1.7 at beta 1), more than ten means
 * most reads near the expiry refresh. */
#define XFETCH_STORM_EARLY 10

/* What calibrate tunes in a policy deciding with it: beta, bounded by the
 * share of TTL cycles missed, at the least recomputes per second; or
 * delta, delta_min, delta_max or delta_ewma at the same cost. A pilot of
 * a measured delta runs with a fixed one (the service time's p99, its lead
 * at most half the TTL); beta's
 * answer, when its runs storm, is shown beside the answer with the delta
 * clamped to the pilot's recompute p50..p99. Its functions read the
 * policy's knobs as a struct xfetch_knobs: a policy using it puts those
 * first in its own. */
extern const struct policy_calibration XFETCH_CALIBRATION;

/* Bytes of per-key state xfetch_create allocates. */
#define XFETCH_KEY_BYTES 16

/* ---- per run ---- */

struct xfetch;

/* NULL if memory runs out. The knobs are kept by pointer. */
struct xfetch *xfetch_create(const struct xfetch_knobs *k, struct world *w);
void xfetch_destroy(struct xfetch *x);
/* Adds the segment's counts into acc (XFETCH_N_METRICS entries) and starts
 * a new segment. */
void xfetch_collect(struct xfetch *x, double *acc);

/* The knobs it was created with. */
const struct xfetch_knobs *xfetch_knobs_of(const struct xfetch *x);

/* Whether an early refresh is async (its reader replies at once). */
bool xfetch_async(const struct xfetch *x);

/* ---- per read ---- */

/* Whether r's read of the fresh value v refreshes it early (a coin is
 * drawn for every call: the request's own for its first read). */
bool xfetch_decide(struct xfetch *x, struct request *r,
                   const struct cache_view *v);
/* An early refresh of the value v showed starts now; it refreshes the
 * value expiring at v->expires_at (what xfetch_written is told). */
void xfetch_started(struct xfetch *x, struct request *r,
                    const struct cache_view *v);
/* An early refresh's query failed. */
void xfetch_failed(struct xfetch *x);
/* r's recompute wrote the key's value (in on_recomputed, RECOMPUTE_OK).
 * `refreshed`: for an early refresh, the expiry of the value it started
 * on (xfetch_started's v->expires_at); NAN for any other write. */
void xfetch_written(struct xfetch *x, struct request *r, double refreshed);

#endif
