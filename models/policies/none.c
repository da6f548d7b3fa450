/*
 * none.c — no protection: every miss queries the database and writes the
 * cache. The baseline every other policy is compared with.
 */
#include "policies.h"

static const char *const KNOBS[] = {NULL};

static void none_parse(const struct cfg_obj *o, void *knobs)
{
    (void)o;
    (void)knobs;
}

static void none_write(const void *knobs, cJSON *object)
{
    (void)knobs;
    (void)object;
}

static void none_describe(const void *knobs, char *out, size_t n)
{
    (void)knobs;
    snprintf(out, n, "every miss queries the database");
}

static bool none_serves_stale(const void *knobs)
{
    (void)knobs;
    return false;
}

static void *none_create(const void *knobs, struct world *w)
{
    (void)knobs;
    return w;   /* no state: any non-NULL pointer */
}

static void none_destroy(void *state) { (void)state; }

static void none_on_read(void *state, struct request *r,
                         const struct cache_view *v)
{
    (void)state;
    if (v->state == CACHE_FRESH)
        req_reply(r, OUTCOME_HIT);
    else
        req_recompute(r, CAUSE_MISS);
}

static void none_on_recomputed(void *state, struct request *r,
                               enum recompute_result result)
{
    (void)state;
    if (result == RECOMPUTE_OK)
        req_reply(r, OUTCOME_COMPUTED);
    else
        req_fail(r, recompute_error(result), true);
}

static void none_collect(void *state, double *acc)
{
    (void)state;
    (void)acc;
}

const struct policy_ops policy_none = {
    .name = "none",
    .summary = "no protection: every miss queries the database",
    .knobs = KNOBS,
    .calibration = NULL,
    .knobs_size = 0,
    .parse = none_parse,
    .write = none_write,
    .describe = none_describe,
    .serves_stale = none_serves_stale,
    .create = none_create,
    .destroy = none_destroy,
    .on_read = none_on_read,
    .on_recomputed = none_on_recomputed,
    .on_lock = NULL,
    .on_wake = NULL,
    .on_unlocked = NULL,
    .metrics = NULL,
    .n_metrics = 0,
    .collect = none_collect,
};
