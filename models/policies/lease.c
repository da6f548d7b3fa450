/*
 * lease.c — memcache leases (Nishtala et al., "Scaling Memcache at
 * Facebook", NSDI 2013).
 *
 * Every read is a lease-get (one round trip, as any cache command). A
 * value that is not fresh comes with the key's lease if it is free: the
 * reader holds it for lease_ttl, queries, and writes with its token — a
 * write the cache accepts only while the token still holds the lease (a
 * holder slower than lease_ttl has lost it: its write is refused, and it
 * replies with the value it computed). Other readers get a hot miss: with
 * `stale` they take the value the cache still retains (cache.stale_for)
 * at once; otherwise they sleep retry_interval and read again. A holder
 * that dies (holder_failure) writes nothing: the key's lease frees itself
 * after lease_ttl, and the next reader gets it.
 */
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

#include "policies.h"

/* ---- knobs ---- */

struct lease_knobs {
    double lease_ttl;        /* seconds a lease holds */
    double retry_interval;   /* a hot miss's sleep before it reads again */
    bool stale;              /* a hot miss takes a retained stale value */
    double holder_failure;   /* probability a holder dies with the lease */
};

static const char *const KNOBS[] = {"lease_ttl", "retry_interval", "stale",
                                    "holder_failure", NULL};

static void lease_parse(const struct cfg_obj *o, void *knobs)
{
    struct lease_knobs *k = knobs;
    cfg_duration(o, "lease_ttl", &k->lease_ttl, 10.0, CFG_POSITIVE);
    cfg_duration(o, "retry_interval", &k->retry_interval, 0.010,
                 CFG_POSITIVE);
    cfg_bool(o, "stale", &k->stale, true);
    cfg_number(o, "holder_failure", &k->holder_failure, 0, CFG_FRACTION);
}

static void lease_write(const void *knobs, cJSON *o)
{
    const struct lease_knobs *k = knobs;
    cJSON_AddNumberToObject(o, "lease_ttl", k->lease_ttl);
    cJSON_AddNumberToObject(o, "retry_interval", k->retry_interval);
    cJSON_AddBoolToObject(o, "stale", k->stale);
    cJSON_AddNumberToObject(o, "holder_failure", k->holder_failure);
}

static void lease_describe(const void *knobs, char *out, size_t n)
{
    const struct lease_knobs *k = knobs;
    char ttl[32], retry[32];
    duration_format(k->lease_ttl, ttl, sizeof ttl);
    duration_format(k->retry_interval, retry, sizeof retry);
    snprintf(out, n, "lease_ttl %s, a hot miss %sretries every %s", ttl,
             k->stale ? "takes a stale value or " : "", retry);
}

static bool lease_serves_stale(const void *knobs)
{
    return ((const struct lease_knobs *)knobs)->stale;
}

/* ---- metrics ---- */

enum {
    M_LEASES,
    M_HOT_MISSES,
    M_STALE_SERVED,
    M_REJECTED,
    M_CRASHES,
    N_METRICS,
};

static const struct policy_metric METRIC_LIST[N_METRICS] = {
    [M_LEASES] = {"leases", FOLD_SUM, 0, 0, "leases", "leases granted",
                  "reads that got the key's lease (and recomputed)", NULL},
    [M_HOT_MISSES] = {"hot_misses", FOLD_SUM, 0, 0, "reads", "hot misses",
                      "reads of a value not fresh while another held the "
                      "lease", NULL},
    [M_STALE_SERVED] = {"stale_served", FOLD_SUM, 0, 0, "requests",
                        "stale replies",
                        "hot misses that took the stale value", NULL},
    [M_REJECTED] = {"lease_rejections", FOLD_SUM, 0, 0, "writes",
                    "lease rejections",
                    "writes refused because their lease had expired (or "
                    "another held it)", NULL},
    [M_CRASHES] = {"holder_crashes", FOLD_SUM, 0, 0, "requests",
                   "holder crashes",
                   "lease holders that died right after getting it", NULL},
};

static const struct policy_metric_table METRICS = {METRIC_LIST, N_METRICS};

/* ---- state ---- */

struct lease_state {
    const struct lease_knobs *k;
    gsl_rng *holder;       /* draws holder failures */
    double m[N_METRICS];
};

static void *lease_create(const void *knobs, struct world *w)
{
    struct lease_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->k = knobs;
    s->holder = world_stream(w, "lease.holder");
    if (!s->holder) {
        free(s);
        return NULL;
    }
    return s;
}

static void lease_destroy(void *state) { free(state); }

struct lease_request {
    bool hot;     /* it had a hot miss: a value it reads later is another's */
};

static struct lease_request *part(struct request *r)
{
    return REQ_STATE(r, struct lease_request);
}

static void lease_collect(void *state, double *acc)
{
    struct lease_state *s = state;
    policy_metrics_add(&METRICS, acc, s->m);
    memset(s->m, 0, sizeof s->m);
}

/* ---- decisions ---- */

/* Got the lease: it dies there (holding it), or recomputes. */
static void hold(struct lease_state *s, struct request *r)
{
    s->m[M_LEASES]++;
    if (s->k->holder_failure > 0 &&
        gsl_rng_uniform(s->holder) < s->k->holder_failure) {
        s->m[M_CRASHES]++;
        req_fail(r, ERR_HOLDER_CRASH, false);
        return;
    }
    req_recompute(r, CAUSE_MISS);
}

static void lease_on_read(void *state, struct request *r,
                          const struct cache_view *v)
{
    struct lease_state *s = state;
    if (v->state == CACHE_FRESH) {
        req_reply(r, part(r)->hot ? OUTCOME_WAITED : OUTCOME_HIT);
    } else if (v->lease_granted) {
        hold(s, r);
    } else if (v->state == CACHE_STALE) {
        s->m[M_HOT_MISSES]++;
        s->m[M_STALE_SERVED]++;
        req_reply(r, OUTCOME_STALE);
    } else {
        s->m[M_HOT_MISSES]++;
        part(r)->hot = true;
        req_sleep(r, s->k->retry_interval);
    }
}

/* Its own value is the reply, written or refused. */
static void lease_on_recomputed(void *state, struct request *r,
                                enum recompute_result result)
{
    struct lease_state *s = state;
    if (result == RECOMPUTE_REJECTED)
        s->m[M_REJECTED]++;
    if (result == RECOMPUTE_OK || result == RECOMPUTE_REJECTED)
        req_reply(r, OUTCOME_COMPUTED);
    else
        req_fail(r, recompute_error(result), true);
}

/* Every read is a lease-get: an attempt's first, and a hot miss's after
 * its sleep. */
static void lease_read(void *state, struct request *r)
{
    struct lease_state *s = state;
    req_lease_read(r, s->k->lease_ttl);
}

const struct policy_ops policy_lease = {
    .name = "lease",
    .takes_locks = true,
    .summary = "memcache leases: a miss gets the key's lease and "
               "recomputes; other misses get a hot miss and retry (or take "
               "the stale value)",
    .knobs = KNOBS,
    .knobs_size = sizeof(struct lease_knobs),
    .request_bytes = sizeof(struct lease_request),
    .parse = lease_parse,
    .write = lease_write,
    .describe = lease_describe,
    .serves_stale = lease_serves_stale,
    .create = lease_create,
    .destroy = lease_destroy,
    .on_attempt = lease_read,
    .on_read = lease_on_read,
    .on_recomputed = lease_on_recomputed,
    .on_wake = lease_read,
    .metrics = {&METRICS},
    .collect = lease_collect,
};
