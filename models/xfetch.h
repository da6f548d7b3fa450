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

struct xfetch_knobs {
    double beta;                  /* > 0 */
    enum xfetch_refresh refresh;
    double delta;                 /* fixed delta in seconds; NAN: the one
                                     stored with the value */
};

/* The JSON fields xfetch_parse reads and xfetch_write writes, in order. */
#define XFETCH_KNOB_NAMES "beta", "refresh", "delta"

/* Defaults where absent: beta 1, refresh "sync", delta "measured"; errors
 * go to o->cfg. */
void xfetch_parse(const struct cfg_obj *o, struct xfetch_knobs *k);
void xfetch_write(const struct xfetch_knobs *k, cJSON *o);
/* One line for `check`. */
void xfetch_describe(const struct xfetch_knobs *k, char *out, size_t n);

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
    XFETCH_N_METRICS,
};
extern const struct policy_metric_table XFETCH_METRICS;

/* What calibrate tunes in a policy deciding with it: beta, bounded by the
 * share of TTL cycles missed, at the least recomputes per second. */
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
