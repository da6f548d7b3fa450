/*
 * lock.c — a distributed lock, as with Redis `SET lock token NX PX ttl`.
 *
 * A reader that finds the value missing tries the lock. The holder
 * re-reads the value (recheck: another holder may have written it
 * meanwhile), runs the query, writes the value and releases the lock with
 * compare-and-delete. A reader that does not get the lock waits
 * retry_interval (+/- retry_jitter), re-reads, and tries the lock again
 * while the value is still missing; after max_wait it gives up and either
 * queries anyway or fails. A holder may die right after taking the lock
 * (holder_failure): no query, no write, no release — the lock expires
 * after lock_ttl. A holder whose query outlives lock_ttl loses the lock to
 * the next reader, whose recompute then overlaps.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/dist.h"
#include "policies.h"

/* ---- knobs ---- */

enum give_up { GIVE_UP_QUERY, GIVE_UP_ERROR };

struct lock_knobs {
    double lock_ttl;
    double retry_interval;
    double retry_jitter;      /* the sleep is retry_interval +/- this */
    double max_wait;          /* INFINITY: wait for ever */
    enum give_up on_give_up;
    bool recheck;
    bool serve_stale;
    double holder_failure;    /* probability */
};

static const char *const KNOBS[] = {
    "lock_ttl", "retry_interval", "retry_jitter", "max_wait",
    "on_give_up", "recheck", "serve_stale", "holder_failure", NULL,
};
static const char *const GIVE_UP_NAMES[] = {"query", "error", NULL};

static void lock_parse(const struct cfg_obj *o, void *knobs)
{
    struct lock_knobs *k = knobs;
    cfg_duration(o, "lock_ttl", &k->lock_ttl, 2.0, CFG_POSITIVE);
    cfg_duration(o, "retry_interval", &k->retry_interval, 0.050, CFG_POSITIVE);
    cfg_duration(o, "retry_jitter", &k->retry_jitter, 0.010, CFG_NONNEG);
    cfg_duration_or_none(o, "max_wait", &k->max_wait, 5.0, CFG_NONNEG);
    int give_up;
    cfg_enum(o, "on_give_up", GIVE_UP_NAMES, &give_up, GIVE_UP_QUERY);
    k->on_give_up = (enum give_up)give_up;
    cfg_bool(o, "recheck", &k->recheck, true);
    cfg_bool(o, "serve_stale", &k->serve_stale, false);
    cfg_number(o, "holder_failure", &k->holder_failure, 0, CFG_FRACTION);
    if (k->retry_jitter > k->retry_interval) {
        char path[CFG_PATH_MAX];
        cfg_path_key(path, o->path, "retry_jitter");
        cfg_error(o->cfg, path, "retry_jitter (%gs) must not exceed "
                  "retry_interval (%gs): a sleep cannot be negative",
                  k->retry_jitter, k->retry_interval);
    }
}

static void lock_write(const void *knobs, cJSON *o)
{
    const struct lock_knobs *k = knobs;
    cJSON_AddNumberToObject(o, "lock_ttl", k->lock_ttl);
    cJSON_AddNumberToObject(o, "retry_interval", k->retry_interval);
    cJSON_AddNumberToObject(o, "retry_jitter", k->retry_jitter);
    cfg_add_duration_or_none(o, "max_wait", k->max_wait);
    cJSON_AddStringToObject(o, "on_give_up", GIVE_UP_NAMES[k->on_give_up]);
    cJSON_AddBoolToObject(o, "recheck", k->recheck);
    cJSON_AddBoolToObject(o, "serve_stale", k->serve_stale);
    cJSON_AddNumberToObject(o, "holder_failure", k->holder_failure);
}

static void lock_describe(const void *knobs, char *out, size_t n)
{
    const struct lock_knobs *k = knobs;
    char ttl[32], retry[32], wait[32];
    duration_format(k->lock_ttl, ttl, sizeof ttl);
    duration_format(k->retry_interval, retry, sizeof retry);
    duration_format(k->max_wait, wait, sizeof wait);
    snprintf(out, n, "lock_ttl %s, poll every %s, give up after %s (%s)%s%s",
             ttl, retry, wait, GIVE_UP_NAMES[k->on_give_up],
             k->recheck ? "" : ", no recheck",
             k->serve_stale ? ", serves stale" : "");
}

static bool lock_serves_stale(const void *knobs)
{
    return ((const struct lock_knobs *)knobs)->serve_stale;
}

/* ---- metrics ---- */

enum {
    M_ACQUIRED,
    M_CONTENDED,
    M_POLLS,
    M_GIVE_UPS,
    M_CRASHES,
    M_EXPIRED,
    M_WAITS,
    M_WAIT_TOTAL,
    M_MEAN_WAIT,
    M_MAX_WAIT,
    N_METRICS,
};

static const struct policy_metric METRIC_LIST[N_METRICS] = {
    [M_ACQUIRED] = {"acquisitions", FOLD_SUM, 0, 0, "locks",
                    "lock acquisitions", "try-locks that took the lock"},
    [M_CONTENDED] = {"contended", FOLD_SUM, 0, 0, "locks",
                     "contended try-locks",
                     "try-locks that found the lock held"},
    [M_POLLS] = {"polls", FOLD_SUM, 0, 0, "reads", "waiter polls",
                 "re-reads of the cache by waiters"},
    [M_GIVE_UPS] = {"give_ups", FOLD_SUM, 0, 0, "requests", "give-ups",
                    "waiters that gave up after max_wait"},
    [M_CRASHES] = {"holder_crashes", FOLD_SUM, 0, 0, "requests",
                   "holder crashes",
                   "holders that died right after taking the lock"},
    [M_EXPIRED] = {"expired_while_held", FOLD_SUM, 0, 0, "locks",
                   "locks expired while held",
                   "unlocks that found the lock expired (or another's)"},
    [M_WAITS] = {"waits", FOLD_SUM, 0, 0, "requests", "waits",
                 "requests that waited for another holder"},
    [M_WAIT_TOTAL] = {"wait_total_s", FOLD_SUM, 0, 0, "s",
                      "waiting, total (s)",
                      "sum of the waits, from the first missing read"},
    [M_MEAN_WAIT] = {"mean_wait_s", FOLD_RATIO, M_WAIT_TOTAL, M_WAITS, "s",
                     "mean wait for a holder (s)",
                     "the mean of the waits: wait_total_s / waits"},
    [M_MAX_WAIT] = {"max_wait_s", FOLD_MAX, 0, 0, "s",
                    "longest wait for a holder (s)", "the longest wait"},
};

static const struct policy_metric_table METRICS = {METRIC_LIST, N_METRICS};

/* ---- per run, per request ---- */

struct lock_state {
    const struct lock_knobs *k;
    gsl_rng *holder;    /* draws holder failures */
    gsl_rng *jitter;    /* draws sleep jitter */
    double m[N_METRICS];
};

enum role {
    READER,      /* has not found the value missing yet */
    WAITER,      /* found it missing, did not get the lock */
    RECHECKING,  /* holds the lock, re-reading the value */
    HOLDER,      /* holds the lock, recomputing */
    GAVE_UP,     /* querying after max_wait */
    REFRESHER,   /* served stale, refreshing in the background */
    REFRESHER_RECHECKING,   /* served stale, holds the lock, re-reading */
};

struct lock_request {
    enum role role;
    bool missed;         /* first_miss is set */
    bool contended;      /* it has waited for another holder */
    double first_miss;   /* its first missing read: waits count from it */
};

static struct lock_request *data(struct request *r)
{
    return REQ_STATE(r, struct lock_request);
}

static void *lock_create(const void *knobs, struct world *w)
{
    struct lock_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->k = knobs;
    s->holder = world_stream(w, "lock.holder");
    s->jitter = world_stream(w, "lock.jitter");
    if (!s->holder || !s->jitter) {
        free(s);
        return NULL;
    }
    return s;
}

static void lock_destroy(void *state) { free(state); }

static void lock_collect(void *state, double *acc)
{
    struct lock_state *s = state;
    policy_metrics_add(&METRICS, acc, s->m);
    memset(s->m, 0, sizeof s->m);
}

/* ---- decisions ---- */

/* A waiter's wait ends (served, gave up, or got the lock and crashed):
 * from its first missing read to now. Requests that never met a held
 * lock are not waiters. */
static void end_wait(struct lock_state *s, struct request *r)
{
    struct lock_request *d = data(r);
    if (d->contended) {
        double wait = req_now(r) - d->first_miss;
        s->m[M_WAITS]++;
        s->m[M_WAIT_TOTAL] += wait;
        if (wait > s->m[M_MAX_WAIT])
            s->m[M_MAX_WAIT] = wait;
    }
    d->contended = false;
    d->missed = false;
}

static void give_up(struct lock_state *s, struct request *r)
{
    s->m[M_GIVE_UPS]++;
    end_wait(s, r);
    data(r)->role = GAVE_UP;
    if (s->k->on_give_up == GIVE_UP_QUERY)
        req_recompute(r, CAUSE_MISS);
    else
        req_fail(r, ERR_LOCK_GIVE_UP, true);
}

static void on_missing(struct lock_state *s, struct request *r)
{
    struct lock_request *d = data(r);
    if (d->role == RECHECKING) {
        d->role = HOLDER;
        req_recompute(r, CAUSE_LOCK);
        return;
    }
    if (!d->missed) {
        d->missed = true;
        d->first_miss = req_now(r);
    }
    if (req_now(r) - d->first_miss >= s->k->max_wait) {
        give_up(s, r);
        return;
    }
    req_try_lock(r, s->k->lock_ttl);
}

/* A refresher got the lock; its re-read says whether the refresh is still
 * needed (it replied, stale, already). */
static void recheck_refresh(struct request *r, const struct cache_view *v)
{
    if (v->state == CACHE_FRESH) {
        /* the previous holder wrote it after our stale read: let go */
        req_unlock(r);
        return;
    }
    data(r)->role = REFRESHER;
    req_recompute(r, CAUSE_LOCK);
}

static void lock_on_read(void *state, struct request *r,
                         const struct cache_view *v)
{
    struct lock_state *s = state;
    struct lock_request *d = data(r);
    if (d->role == WAITER)
        s->m[M_POLLS]++;
    if (d->role == REFRESHER_RECHECKING) {
        recheck_refresh(r, v);
        return;
    }
    if (v->state == CACHE_FRESH) {
        enum role role = d->role;
        end_wait(s, r);
        if (role == RECHECKING) {
            /* another holder wrote it meanwhile: use it, let go */
            req_reply(r, OUTCOME_WAITED);
            req_unlock(r);
        } else {
            req_reply(r, role == WAITER ? OUTCOME_WAITED : OUTCOME_HIT);
        }
    } else if (v->state == CACHE_STALE && d->role != RECHECKING) {
        /* served at once; whoever gets the lock refreshes it */
        end_wait(s, r);
        req_reply(r, OUTCOME_STALE);
        d->role = REFRESHER;
        req_try_lock(r, s->k->lock_ttl);
    } else {
        on_missing(s, r);
    }
}

static void lock_on_lock(void *state, struct request *r, bool acquired)
{
    struct lock_state *s = state;
    struct lock_request *d = data(r);
    if (!acquired) {
        s->m[M_CONTENDED]++;
        if (d->role == REFRESHER)
            return;   /* someone else refreshes: nothing more to do */
        d->role = WAITER;
        d->contended = true;
        double jitter = s->k->retry_jitter *
                        (2 * gsl_rng_uniform(s->jitter) - 1);
        req_sleep(r, s->k->retry_interval + jitter);
        return;
    }
    s->m[M_ACQUIRED]++;
    if (s->k->holder_failure > 0 &&
        gsl_rng_uniform(s->holder) < s->k->holder_failure) {
        /* dies holding the lock: no query, no write, no release */
        s->m[M_CRASHES]++;
        end_wait(s, r);
        req_fail(r, ERR_HOLDER_CRASH, false);
        return;
    }
    if (d->role == REFRESHER && s->k->recheck) {
        d->role = REFRESHER_RECHECKING;
        req_read(r);
    } else if (d->role == REFRESHER) {
        req_recompute(r, CAUSE_LOCK);
    } else if (s->k->recheck) {
        d->role = RECHECKING;
        req_read(r);
    } else {
        d->role = HOLDER;
        req_recompute(r, CAUSE_LOCK);
    }
}

static void lock_on_wake(void *state, struct request *r)
{
    (void)state;
    req_read(r);
}

static void lock_on_recomputed(void *state, struct request *r,
                               enum recompute_result result)
{
    struct lock_state *s = state;
    struct lock_request *d = data(r);
    if (d->role == HOLDER || d->role == REFRESHER)
        req_unlock(r);
    if (d->role == REFRESHER)
        return;   /* it replied (stale) already */
    end_wait(s, r);
    if (result == RECOMPUTE_OK) {
        req_reply(r, OUTCOME_COMPUTED);
    } else {
        d->role = READER;
        req_fail(r, recompute_error(result), true);
    }
}

static void lock_on_unlocked(void *state, struct request *r, bool released)
{
    struct lock_state *s = state;
    (void)r;
    if (!released)
        s->m[M_EXPIRED]++;
}

/* ---- calibration ---- */

/* lock_ttl from the median recompute (below it most holders would lose
 * the lock) to a hundred times the 99th percentile. */
static void lock_range(const struct dist *recompute, double *lo, double *hi)
{
    *lo = dist_quantile(recompute, 0.5);
    *hi = 100 * dist_quantile(recompute, 0.99);
    if (!(*lo > 0))
        *lo = 1e-3;
    if (!(*hi > *lo))
        *hi = 1000 * *lo;
}

static const char *const COSTS[] = {
    "db.response_ms.p99", "db.response_ms.max", "policy_metrics.max_wait_s",
};

static const struct policy_calibration CALIBRATION = {
    .knob = "lock_ttl",
    .default_range = lock_range,
    .range_help = "the median recompute time to 100 times its 99th "
                  "percentile",
    .guard_option = "max-overlap",
    .guard_path = "recomputes.overlap_share",
    .guard_default = 0.01,
    .costs = COSTS,
    .n_costs = sizeof COSTS / sizeof COSTS[0],
};

const struct policy_ops policy_lock = {
    .name = "lock",
    .summary = "the first miss takes a lock and recomputes; the others wait "
               "and re-read",
    .knobs = KNOBS,
    .calibration = &CALIBRATION,
    .knobs_size = sizeof(struct lock_knobs),
    .request_bytes = sizeof(struct lock_request),
    .parse = lock_parse,
    .write = lock_write,
    .describe = lock_describe,
    .serves_stale = lock_serves_stale,
    .create = lock_create,
    .destroy = lock_destroy,
    .on_read = lock_on_read,
    .on_recomputed = lock_on_recomputed,
    .on_lock = lock_on_lock,
    .on_wake = lock_on_wake,
    .on_unlocked = lock_on_unlocked,
    .metrics = {&METRICS},
    .collect = lock_collect,
};
