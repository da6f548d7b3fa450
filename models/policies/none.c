/*
 * none.c — no protection: every miss queries the database and writes the
 * cache. The baseline every other policy is compared with, and the
 * smallest policy: no knobs, no state, no metrics, so it sets only what
 * every policy must (a name and its two decisions) and says what it does
 * for `check`. Every callback it leaves out has its default (policy.h).
 */
#include "policies.h"

static void none_describe(const void *knobs, char *out, size_t n)
{
    (void)knobs;
    snprintf(out, n, "every miss queries the database");
}

/* After a read: a fresh value is the reply; anything else is recomputed. */
static void none_on_read(void *state, struct request *r,
                         const struct cache_view *v)
{
    (void)state;
    if (v->state == CACHE_FRESH)
        req_reply(r, OUTCOME_HIT);
    else
        req_recompute(r, CAUSE_MISS);
}

/* After the recompute: its value is the reply; a failure may be retried. */
static void none_on_recomputed(void *state, struct request *r,
                               enum recompute_result result)
{
    (void)state;
    if (result == RECOMPUTE_OK)
        req_reply(r, OUTCOME_COMPUTED);
    else
        req_fail(r, recompute_error(result), true);
}

const struct policy_ops policy_none = {
    .name = "none",
    .summary = "no protection: every miss queries the database",
    .describe = none_describe,
    .on_read = none_on_read,
    .on_recomputed = none_on_recomputed,
};
