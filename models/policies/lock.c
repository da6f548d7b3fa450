/*
 * lock.c — a distributed lock, as with Redis `SET lock token NX PX ttl`:
 * the lock helper (locking.h) as a policy. Every read goes to the lock's
 * state machine; this file adds the calibration of lock_ttl.
 */
#include "kernel/dist.h"
#include "locking.h"
#include "policies.h"

static const char *const KNOBS[] = {LOCKING_KNOB_NAMES, NULL};

static void lock_parse(const struct cfg_obj *o, void *knobs)
{
    locking_parse(o, knobs);
}

static void lock_write(const void *knobs, cJSON *o)
{
    locking_write(knobs, o);
}

static void lock_describe(const void *knobs, char *out, size_t n)
{
    locking_describe(knobs, out, n);
}

static bool lock_serves_stale(const void *knobs)
{
    return ((const struct locking_knobs *)knobs)->serve_stale;
}

/* The per-run state is the helper's; the per-request state, its part. */
static void *lock_create(const void *knobs, struct world *w)
{
    return locking_create(knobs, w);
}

static void lock_destroy(void *state) { locking_destroy(state); }

static void lock_collect(void *state, double *acc)
{
    locking_collect(state, acc);
}

static struct locking_request *lock_of(struct request *r)
{
    return REQ_STATE(r, struct locking_request);
}

static void lock_on_read(void *state, struct request *r,
                         const struct cache_view *v)
{
    locking_on_read(state, lock_of(r), r, v);
}

static void lock_on_lock(void *state, struct request *r, bool acquired)
{
    locking_on_lock(state, lock_of(r), r, acquired);
}

static void lock_on_wake(void *state, struct request *r)
{
    locking_on_wake(state, lock_of(r), r);
}

static void lock_on_recomputed(void *state, struct request *r,
                               enum recompute_result result)
{
    locking_on_recomputed(state, lock_of(r), r, result);
}

static void lock_on_unlocked(void *state, struct request *r, bool released)
{
    locking_on_unlocked(state, lock_of(r), r, released);
}

/* ---- calibration ---- */

/* lock_ttl from the median recompute time under load (below it most
 * holders would lose the lock) to ten times its 99.9th percentile. */
static void lock_range(const struct recompute_time *recompute, double *lo,
                       double *hi)
{
    *lo = recompute->p50;
    *hi = 10 * recompute->p999;
    if (!(*lo > 0))
        *lo = 1e-3;
    if (!(*hi > *lo))
        *hi = 1000 * *lo;
}

static const char *const EXPLAINS[] = {
    "db.response_ms.p99", "policy_metrics.max_wait_s",
};

static const struct policy_calibration CALIBRATION = {
    .knob = "lock_ttl",
    .default_range = lock_range,
    .range_help = "the median recompute time under the scenario's load "
                  "(measured by a pilot run) to 10 times its 99.9th "
                  "percentile",
    .pilot = true,
    .guard_option = "max-overlap",
    .guard_path = "recomputes.overlap_share",
    .guard_default = 0.01,
    .cost = "policy_metrics.crash_stall_s",
    .cost_help = "the stall a holder crash causes, which grows with "
                 "lock_ttl: the smallest value that holds wins",
    .explains = EXPLAINS,
    .n_explains = sizeof EXPLAINS / sizeof EXPLAINS[0],
};

const struct policy_ops policy_lock = {
    .name = "lock",
    .takes_locks = true,
    .summary = "the first miss takes a lock and recomputes; the others wait "
               "and re-read",
    .knobs = KNOBS,
    .calibration = &CALIBRATION,
    .knobs_size = sizeof(struct locking_knobs),
    .request_bytes = sizeof(struct locking_request),
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
    .metrics = {&LOCKING_METRICS},
    .collect = lock_collect,
};
