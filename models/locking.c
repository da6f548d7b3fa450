/*
 * locking.c — see locking.h.
 */
#include "locking.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/dist.h"

/* ---- knobs ---- */

static const char *const GIVE_UP_NAMES[] = {"query", "error", NULL};

/* The knobs a refresher uses, read by both parsers. */
static void parse_lock_ttl(const struct cfg_obj *o, struct locking_knobs *k)
{
    cfg_duration(o, "lock_ttl", &k->lock_ttl, 2.0, CFG_POSITIVE);
}

static void parse_recheck(const struct cfg_obj *o, struct locking_knobs *k)
{
    cfg_bool(o, "recheck", &k->recheck, true);
}

static void parse_holder_failure(const struct cfg_obj *o,
                                 struct locking_knobs *k)
{
    cfg_number(o, "holder_failure", &k->holder_failure, 0, CFG_FRACTION);
}

void locking_parse(const struct cfg_obj *o, struct locking_knobs *k)
{
    parse_lock_ttl(o, k);
    cfg_duration(o, "retry_interval", &k->retry_interval, 0.050, CFG_POSITIVE);
    cfg_duration(o, "retry_jitter", &k->retry_jitter, 0.010, CFG_NONNEG);
    cfg_duration_or_none(o, "max_wait", &k->max_wait, 5.0, CFG_NONNEG);
    int give_up;
    cfg_enum(o, "on_give_up", GIVE_UP_NAMES, &give_up, LOCKING_GIVE_UP_QUERY);
    k->on_give_up = (enum locking_give_up)give_up;
    parse_recheck(o, k);
    cfg_bool(o, "serve_stale", &k->serve_stale, false);
    parse_holder_failure(o, k);
    if (k->retry_jitter > k->retry_interval) {
        char path[CFG_PATH_MAX];
        cfg_path_key(path, o->path, "retry_jitter");
        cfg_error(o->cfg, path, "retry_jitter (%gs) must not exceed "
                  "retry_interval (%gs): a sleep cannot be negative",
                  k->retry_jitter, k->retry_interval);
    }
}

void locking_parse_refresh(const struct cfg_obj *o, struct locking_knobs *k)
{
    /* a refresher never waits: the waiters' knobs keep their defaults */
    *k = (struct locking_knobs){.retry_interval = 0.050,
                                .retry_jitter = 0.010, .max_wait = 5.0};
    parse_lock_ttl(o, k);
    parse_recheck(o, k);
    parse_holder_failure(o, k);
}

void locking_write_refresh(const struct locking_knobs *k, cJSON *o)
{
    cJSON_AddNumberToObject(o, "lock_ttl", k->lock_ttl);
    cJSON_AddBoolToObject(o, "recheck", k->recheck);
    cJSON_AddNumberToObject(o, "holder_failure", k->holder_failure);
}

void locking_write(const struct locking_knobs *k, cJSON *o)
{
    cJSON_AddNumberToObject(o, "lock_ttl", k->lock_ttl);
    cJSON_AddNumberToObject(o, "retry_interval", k->retry_interval);
    cJSON_AddNumberToObject(o, "retry_jitter", k->retry_jitter);
    cfg_add_duration_or_none(o, "max_wait", k->max_wait);
    cJSON_AddStringToObject(o, "on_give_up", GIVE_UP_NAMES[k->on_give_up]);
    cJSON_AddBoolToObject(o, "recheck", k->recheck);
    cJSON_AddBoolToObject(o, "serve_stale", k->serve_stale);
    cJSON_AddNumberToObject(o, "holder_failure", k->holder_failure);
}

void locking_describe(const struct locking_knobs *k, char *out, size_t n)
{
    char ttl[32], retry[32], wait[32];
    duration_format(k->lock_ttl, ttl, sizeof ttl);
    duration_format(k->retry_interval, retry, sizeof retry);
    duration_format(k->max_wait, wait, sizeof wait);
    snprintf(out, n, "lock_ttl %s, poll every %s, give up after %s (%s)%s%s",
             ttl, retry, wait, GIVE_UP_NAMES[k->on_give_up],
             k->recheck ? "" : ", no recheck",
             k->serve_stale ? ", serves stale" : "");
}

/* ---- metrics ---- */

static const struct policy_metric METRICS[LOCKING_N_METRICS] = {
    [LOCKING_ACQUIRED] = {"acquisitions", FOLD_SUM, 0, 0, "locks",
                          "lock acquisitions",
                          "try-locks that took the lock", NULL},
    [LOCKING_CONTENDED] = {"contended", FOLD_SUM, 0, 0, "locks",
                           "contended try-locks",
                           "try-locks that found the lock held", NULL},
    [LOCKING_POLLS] = {"polls", FOLD_SUM, 0, 0, "reads", "waiter polls",
                       "re-reads of the cache by waiters", NULL},
    [LOCKING_GIVE_UPS] = {"give_ups", FOLD_SUM, 0, 0, "requests", "give-ups",
                          "waiters that gave up after max_wait", NULL},
    [LOCKING_CRASHES] = {"holder_crashes", FOLD_SUM, 0, 0, "requests",
                         "holder crashes",
                         "holders that died right after taking the lock", NULL},
    [LOCKING_EXPIRED] = {"expired_while_held", FOLD_SUM, 0, 0, "locks",
                         "locks expired while held",
                         "unlocks that found the lock expired (or "
                         "another's)", NULL},
    [LOCKING_WAITS] = {"waits", FOLD_SUM, 0, 0, "requests", "waits",
                       "requests that waited for another holder", NULL},
    [LOCKING_WAIT_TOTAL] = {"wait_total_s", FOLD_SUM, 0, 0, "s",
                            "waiting, total (s)",
                            "sum of the waits, from the first missing read",
                            NULL},
    [LOCKING_MEAN_WAIT] = {"mean_wait_s", FOLD_RATIO, LOCKING_WAIT_TOTAL,
                           LOCKING_WAITS, "s", "mean wait for a holder (s)",
                           "the mean of the waits: wait_total_s / waits", NULL},
    [LOCKING_MAX_WAIT] = {"max_wait_s", FOLD_MAX, 0, 0, "s",
                          "longest wait for a holder (s)",
                          "the longest wait", NULL},
    [LOCKING_CRASH_STALL] = {"crash_stall_s", FOLD_MAX, 0, 0, "s",
                             "stall after a holder crash (s)",
                             "how long a holder that dies with the lock keeps "
                             "its waiters from the value: lock_ttl, or "
                             "max_wait if shorter (they give up and query); "
                             "a setting, not a count: the cost calibrate "
                             "weighs lock_ttl by", NULL},
};

const struct policy_metric_table LOCKING_METRICS = {
    METRICS, LOCKING_N_METRICS,
};

/* ---- per run ---- */

struct locking {
    const struct locking_knobs *k;
    gsl_rng *holder;    /* draws holder failures */
    gsl_rng *jitter;    /* draws sleep jitter */
    locking_start_fn start;   /* a refresher's recompute */
    void *start_ctx;
    double m[LOCKING_N_METRICS];
};

/* The stall a crash would cause, in every segment. */
static void set_crash_stall(struct locking *l)
{
    l->m[LOCKING_CRASH_STALL] = fmin(l->k->lock_ttl, l->k->max_wait);
}

static void start_lock_recompute(void *ctx, struct request *r)
{
    (void)ctx;
    req_recompute(r, CAUSE_LOCK);
}

struct locking *locking_create(const struct locking_knobs *k,
                               struct world *w)
{
    struct locking *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->k = k;
    l->start = start_lock_recompute;
    l->holder = world_stream(w, "lock.holder");
    l->jitter = world_stream(w, "lock.jitter");
    if (!l->holder || !l->jitter) {
        free(l);
        return NULL;
    }
    set_crash_stall(l);
    return l;
}

void locking_destroy(struct locking *l) { free(l); }

void locking_on_refresh(struct locking *l, locking_start_fn start, void *ctx)
{
    l->start = start ? start : start_lock_recompute;
    l->start_ctx = ctx;
}

void locking_collect(struct locking *l, double *acc)
{
    policy_metrics_add(&LOCKING_METRICS, acc, l->m);
    memset(l->m, 0, sizeof l->m);
    set_crash_stall(l);
}

/* ---- per request ---- */

enum role {
    READER,      /* has not found the value missing yet (zero: arrival) */
    WAITER,      /* found it missing, did not get the lock */
    RECHECKING,  /* holds the lock, re-reading the value */
    HOLDER,      /* holds the lock, recomputing */
    GAVE_UP,     /* querying after max_wait */
    REFRESHER,   /* refreshing a value it read (stale, or fresh before its
                    expiry): trying the lock once, or recomputing */
    REFRESHER_RECHECKING,   /* a refresher holding the lock, re-reading */
};

/* A waiter's wait ends (served, gave up, or got the lock and crashed):
 * from its first missing read to now. Requests that never met a held
 * lock are not waiters. */
static void end_wait(struct locking *l, struct locking_request *q,
                     struct request *r)
{
    if (q->contended) {
        double wait = req_now(r) - q->first_miss;
        l->m[LOCKING_WAITS]++;
        l->m[LOCKING_WAIT_TOTAL] += wait;
        if (wait > l->m[LOCKING_MAX_WAIT])
            l->m[LOCKING_MAX_WAIT] = wait;
    }
    q->contended = false;
    q->missed = false;
}

static void give_up(struct locking *l, struct locking_request *q,
                    struct request *r)
{
    l->m[LOCKING_GIVE_UPS]++;
    end_wait(l, q, r);
    q->role = GAVE_UP;
    if (l->k->on_give_up == LOCKING_GIVE_UP_QUERY)
        req_recompute(r, CAUSE_MISS);
    else
        req_fail(r, ERR_LOCK_GIVE_UP, true);
}

static void on_missing(struct locking *l, struct locking_request *q,
                       struct request *r)
{
    if (q->role == RECHECKING) {
        q->role = HOLDER;
        req_recompute(r, CAUSE_LOCK);
        return;
    }
    if (!q->missed) {
        q->missed = true;
        q->first_miss = req_now(r);
    }
    if (req_now(r) - q->first_miss >= l->k->max_wait) {
        give_up(l, q, r);
        return;
    }
    req_try_lock(r, l->k->lock_ttl);
}

bool locking_engaged(const struct locking_request *q)
{
    return q->role != READER;
}

/* A refresh ends without the refresher's own value: a request that has
 * not replied yet (a sync early refresher) replies with the fresh value
 * it read. One that served the stale value has replied already. */
static void end_refresh(struct locking_request *q, struct request *r)
{
    q->role = READER;
    if (!req_replied(r))
        req_reply(r, OUTCOME_HIT);
}

/* A refresher got the lock; its re-read says whether the refresh is still
 * needed: not if it shows a fresh value other than the one it set out to
 * refresh (another holder wrote it meanwhile). A stale value never becomes
 * fresh again, so for a stale read any fresh value is another's; for an
 * early refresh the value it read may still be fresh, and is refreshed. */
static void recheck_refresh(struct locking *l, struct locking_request *q,
                            struct request *r, const struct cache_view *v)
{
    if (v->state == CACHE_FRESH && v->expires_at != q->refreshing) {
        req_unlock(r);
        end_refresh(q, r);
        return;
    }
    q->role = REFRESHER;
    l->start(l->start_ctx, r);
}

void locking_refresh(struct locking *l, struct locking_request *q,
                     struct request *r, const struct cache_view *v)
{
    q->role = REFRESHER;
    q->refreshing = v->expires_at;
    req_try_lock(r, l->k->lock_ttl);
}

void locking_on_read(struct locking *l, struct locking_request *q,
                     struct request *r, const struct cache_view *v)
{
    if (q->role == WAITER)
        l->m[LOCKING_POLLS]++;
    if (q->role == REFRESHER_RECHECKING) {
        recheck_refresh(l, q, r, v);
        return;
    }
    if (v->state == CACHE_FRESH) {
        enum role role = q->role;
        end_wait(l, q, r);
        if (role == RECHECKING) {
            /* another holder wrote it meanwhile: use it, let go */
            req_reply(r, OUTCOME_WAITED);
            req_unlock(r);
        } else {
            req_reply(r, role == WAITER ? OUTCOME_WAITED : OUTCOME_HIT);
        }
    } else if (v->state == CACHE_STALE && q->role != RECHECKING) {
        /* served at once; whoever gets the lock refreshes it */
        end_wait(l, q, r);
        req_reply(r, OUTCOME_STALE);
        locking_refresh(l, q, r, v);
    } else {
        on_missing(l, q, r);
    }
}

/* Got the lock: it dies there, or (re-reads and) recomputes. */
static void on_acquired(struct locking *l, struct locking_request *q,
                        struct request *r)
{
    l->m[LOCKING_ACQUIRED]++;
    if (l->k->holder_failure > 0 &&
        gsl_rng_uniform(l->holder) < l->k->holder_failure) {
        /* dies holding the lock: no query, no write, no release; and
         * with it what its process was doing (its lock business is over) */
        l->m[LOCKING_CRASHES]++;
        end_wait(l, q, r);
        q->role = READER;
        req_fail(r, ERR_HOLDER_CRASH, false);
        return;
    }
    if (q->role == REFRESHER && l->k->recheck) {
        q->role = REFRESHER_RECHECKING;
        req_read(r);
    } else if (q->role == REFRESHER) {
        l->start(l->start_ctx, r);
    } else if (l->k->recheck) {
        q->role = RECHECKING;
        req_read(r);
    } else {
        q->role = HOLDER;
        req_recompute(r, CAUSE_LOCK);
    }
}

void locking_on_lock(struct locking *l, struct locking_request *q,
                     struct request *r, bool acquired)
{
    if (acquired) {
        on_acquired(l, q, r);
        return;
    }
    l->m[LOCKING_CONTENDED]++;
    if (q->role == REFRESHER) {
        end_refresh(q, r);
        return;   /* someone else refreshes: nothing more to do */
    }
    q->role = WAITER;
    q->contended = true;
    /* symmetric: the mean sleep is retry_interval */
    double jitter = l->k->retry_jitter * (2 * gsl_rng_uniform(l->jitter) - 1);
    req_sleep(r, l->k->retry_interval + jitter);
}

void locking_on_wake(struct locking *l, struct locking_request *q,
                     struct request *r)
{
    (void)l;
    (void)q;
    req_read(r);
}

void locking_on_recomputed(struct locking *l, struct locking_request *q,
                           struct request *r, enum recompute_result result)
{
    if (q->role == HOLDER || q->role == REFRESHER)
        req_unlock(r);
    if (q->role == REFRESHER) {
        /* a failed refresh leaves the value it read: a sync refresher
         * replies with it (a stale one has replied already) */
        if (result == RECOMPUTE_OK && !req_replied(r))
            req_reply(r, OUTCOME_COMPUTED);
        end_refresh(q, r);
        return;   /* it has replied: what follows is a holder's */
    }
    end_wait(l, q, r);
    if (result == RECOMPUTE_OK) {
        req_reply(r, OUTCOME_COMPUTED);
    } else {
        q->role = READER;
        req_fail(r, recompute_error(result), true);
    }
}

void locking_on_unlocked(struct locking *l, struct locking_request *q,
                         struct request *r, bool released)
{
    (void)q;
    (void)r;
    if (!released)
        l->m[LOCKING_EXPIRED]++;
}
