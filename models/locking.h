/*
 * locking.h — a distributed lock, as with Redis `SET lock token NX PX
 * ttl`, for any policy: the state machine a request goes through to get a
 * missing value computed once, its knobs and its metrics.
 *
 * A reader that finds the value missing tries the lock. The holder
 * re-reads the value (recheck: another holder may have written it
 * meanwhile), runs the query, writes the value and releases the lock with
 * compare-and-delete (only its own token). A reader that does not get the
 * lock sleeps retry_interval + U(-1, 1) * retry_jitter (on average
 * retry_interval), re-reads, and tries the lock again while the value is
 * still missing; the first poll that finds it missing max_wait after its
 * first missing read gives up, and either queries anyway or fails. A
 * holder may die right after taking the lock (holder_failure): no query,
 * no write, no release — the lock expires after lock_ttl. A holder whose
 * query outlives lock_ttl loses the lock to the next reader, whose
 * recompute then overlaps; its unlock then finds the lock gone or
 * another's and deletes nothing. With serve_stale, a reader that finds
 * the value stale replies with it at once, and whoever gets the lock
 * refreshes it in the background.
 *
 * A refresh (locking_refresh: the stale reader's above, or a policy's
 * early refresh of a value still fresh) tries the lock once and never
 * waits: lock held, nothing more. The refresher that gets it re-reads
 * (with recheck) and lets go if the value is by then a fresh one other
 * than the one it set out to refresh (another holder wrote it);
 * otherwise it recomputes, writes and releases. A refresher that had not
 * replied yet (a sync early refresh) replies when its refresh ends:
 * `computed` if its recompute wrote the value, else `hit` with the fresh
 * value it read (a lock held, a value refreshed by another, a failed
 * query), or `holder_crash` if it died with the lock.
 *
 * A policy using it: its knobs struct holds a struct locking_knobs, its
 * KNOBS list starts with LOCKING_KNOB_NAMES, its per-run state holds the
 * struct locking * of locking_create, its per-request state a struct
 * locking_request, its metrics list &LOCKING_METRICS (collected by
 * locking_collect), and its on_read/on_lock/on_wake/on_recomputed/
 * on_unlocked hand the requests it lets the lock decide to the
 * locking_on_* below. The lock's random streams ("lock.holder",
 * "lock.jitter") are the same for every policy that uses it.
 */
#ifndef STAMPEDE_LOCKING_H
#define STAMPEDE_LOCKING_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "kernel/config.h"
#include "policy.h"

/* ---- knobs ---- */

enum locking_give_up { LOCKING_GIVE_UP_QUERY, LOCKING_GIVE_UP_ERROR };

struct locking_knobs {
    double lock_ttl;          /* seconds, > 0 */
    double retry_interval;    /* a waiter's mean sleep, seconds */
    double retry_jitter;      /* the sleep is retry_interval +/- this */
    double max_wait;          /* seconds; INFINITY: wait for ever */
    enum locking_give_up on_give_up;
    bool recheck;             /* a new holder re-reads before querying */
    bool serve_stale;         /* stale reads reply at once, refresh under
                                 the lock */
    double holder_failure;    /* probability a holder dies with the lock */
};

/* The JSON fields locking_parse reads and locking_write writes, in
 * order: the first entries of a using policy's knobs list. */
#define LOCKING_KNOB_NAMES                                                 \
    "lock_ttl", "retry_interval", "retry_jitter", "max_wait", "on_give_up", \
        "recheck", "serve_stale", "holder_failure"

/* Reads them from the policy's object, defaults where absent (lock_ttl
 * 2s, retry_interval 50ms, retry_jitter 10ms, max_wait 5s, on_give_up
 * "query", recheck true, serve_stale false, holder_failure 0); errors go
 * to o->cfg. */
void locking_parse(const struct cfg_obj *o, struct locking_knobs *k);
/* Adds them, resolved, to the policy's JSON object. */
void locking_write(const struct locking_knobs *k, cJSON *o);

/* A policy whose requests only refresh under the lock (never wait for
 * it) has only the knobs a refresher uses, read and written by these
 * (the others keep their defaults, unused). */
#define LOCKING_REFRESH_KNOB_NAMES "lock_ttl", "recheck", "holder_failure"
void locking_parse_refresh(const struct cfg_obj *o, struct locking_knobs *k);
void locking_write_refresh(const struct locking_knobs *k, cJSON *o);
/* One line for `check`. */
void locking_describe(const struct locking_knobs *k, char *out, size_t n);

/* ---- metrics ---- */

/* The lock's metrics, declared once (locking.c): a using policy lists the
 * table in its ops and locking_collect fills it. */
enum {
    LOCKING_ACQUIRED,      /* try-locks that took the lock */
    LOCKING_CONTENDED,     /* try-locks that found it held */
    LOCKING_POLLS,         /* waiters' re-reads */
    LOCKING_GIVE_UPS,
    LOCKING_CRASHES,       /* holders that died with the lock */
    LOCKING_EXPIRED,       /* unlocks that found it expired or another's */
    LOCKING_WAITS,         /* requests that waited for another holder */
    LOCKING_WAIT_TOTAL,    /* seconds */
    LOCKING_MEAN_WAIT,     /* ratio of the two above */
    LOCKING_MAX_WAIT,      /* seconds */
    LOCKING_CRASH_STALL,   /* seconds a crashed holder blocks its key: a
                              setting (lock_ttl, or max_wait if shorter) */
    LOCKING_N_METRICS,
};
extern const struct policy_metric_table LOCKING_METRICS;

/* ---- per run ---- */

struct locking;

/* The lock's state for one run (knobs kept by pointer: they outlive it);
 * NULL if memory runs out. */
struct locking *locking_create(const struct locking_knobs *k,
                               struct world *w);
void locking_destroy(struct locking *l);
/* Adds the segment's counts into acc (LOCKING_N_METRICS entries: where
 * the policy's ops put LOCKING_METRICS) and starts a new segment. */
void locking_collect(struct locking *l, double *acc);

/* How a refresher that holds the lock (and, with recheck, found the
 * value still to refresh) starts its recompute: start(ctx, r) must call
 * req_recompute, and may count the refresh first. By default (start
 * NULL) req_recompute(r, CAUSE_LOCK). */
typedef void (*locking_start_fn)(void *ctx, struct request *r);
void locking_on_refresh(struct locking *l, locking_start_fn start, void *ctx);

/* ---- per request ---- */

/* The lock's part of a request: in the policy's per-request state, zeroed
 * at arrival (a reader that has not met the lock). Only locking.c reads
 * or writes its fields. */
struct locking_request {
    unsigned char role;
    bool missed;          /* first_miss is set */
    bool contended;       /* it has waited for another holder */
    double first_miss;    /* its first missing read: waits count from it */
    double refreshing;    /* a refresher: the expiry of the value it
                             refreshes (which value it is) */
};

/* Whether the lock's state machine has the request: false for a reader
 * that has not met the lock (or whose lock business is over), whose next
 * read the policy may decide itself. */
bool locking_engaged(const struct locking_request *q);

/* r refreshes the value v showed it (stale or fresh) in the background
 * of its reply, under the lock: one try, no wait (above). The policy
 * hands its later callbacks to the locking_on_* below. */
void locking_refresh(struct locking *l, struct locking_request *q,
                     struct request *r, const struct cache_view *v);

/* The transitions: each is the policy callback of the same name, for a
 * request whose fate the lock decides. `q` is its struct locking_request. */
void locking_on_read(struct locking *l, struct locking_request *q,
                     struct request *r, const struct cache_view *v);
void locking_on_lock(struct locking *l, struct locking_request *q,
                     struct request *r, bool acquired);
void locking_on_wake(struct locking *l, struct locking_request *q,
                     struct request *r);
void locking_on_recomputed(struct locking *l, struct locking_request *q,
                           struct request *r, enum recompute_result result);
void locking_on_unlocked(struct locking *l, struct locking_request *q,
                         struct request *r, bool released);

#endif
