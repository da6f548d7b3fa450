/*
 * per.c — probabilistic early expiration (XFetch: Vattani, Chierichetti
 * and Lowenstein, "Optimal Probabilistic Cache Stampede Prevention",
 * VLDB 2015).
 *
 * A read of a fresh value recomputes early when
 *     now - delta * beta * ln(U) >= expiry,   U ~ Uniform(0, 1],
 * delta being the last recompute's duration (stored with the value) or a
 * fixed one. The closer the expiry and the longer the recompute, the more
 * likely; beta > 1 favours earlier refreshes. With `sync` (the paper's
 * form) the reading request runs the query and replies after it — with
 * the value it read if the query fails; with `async` it replies at once and
 * the query runs in the background. A missing value is handled as `none`.
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
 * formula is about that event (tests/validation). Every write of a key
 * comes from a recompute of this policy, so on_recomputed sees them all.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/dist.h"
#include "policies.h"

/* ---- knobs ---- */

enum refresh { REFRESH_SYNC, REFRESH_ASYNC };

struct per_knobs {
    double beta;
    enum refresh refresh;
    double delta;     /* fixed delta in seconds; NAN: the one stored */
};

static const char *const KNOBS[] = {"beta", "refresh", "delta", NULL};
static const char *const REFRESH_NAMES[] = {"sync", "async", NULL};

static void per_parse(const struct cfg_obj *o, void *knobs)
{
    struct per_knobs *k = knobs;
    cfg_number(o, "beta", &k->beta, 1.0, CFG_POSITIVE);
    int refresh;
    cfg_enum(o, "refresh", REFRESH_NAMES, &refresh, REFRESH_SYNC);
    k->refresh = (enum refresh)refresh;
    cfg_duration_or_word(o, "delta", &k->delta, NAN, CFG_POSITIVE,
                         "measured", NAN);
}

static void per_write(const void *knobs, cJSON *o)
{
    const struct per_knobs *k = knobs;
    cJSON_AddNumberToObject(o, "beta", k->beta);
    cJSON_AddStringToObject(o, "refresh", REFRESH_NAMES[k->refresh]);
    if (isnan(k->delta))
        cJSON_AddStringToObject(o, "delta", "measured");
    else
        cJSON_AddNumberToObject(o, "delta", k->delta);
}

static void per_describe(const void *knobs, char *out, size_t n)
{
    const struct per_knobs *k = knobs;
    char delta[32] = "measured";
    if (!isnan(k->delta))
        duration_format(k->delta, delta, sizeof delta);
    snprintf(out, n, "beta %g, %s refresh, delta %s", k->beta,
             REFRESH_NAMES[k->refresh], delta);
}

/* ---- metrics ---- */

enum {
    M_EARLY,
    M_EARLY_FAILED,
    M_LEAD_TOTAL,
    M_MEAN_LEAD,
    M_CYCLES,
    M_CYCLES_MISSED,
    M_MISS_SHARE,
    M_EARLY_PER_CYCLE,
    M_CYCLES_UNSTARTED,
    M_UNSTARTED_SHARE,
    N_METRICS,
};

static const struct policy_metric METRIC_LIST[N_METRICS] = {
    [M_EARLY] = {"early_recomputes", FOLD_SUM, 0, 0, "recomputes",
                 "early refreshes", "early refreshes started (a read "
                 "recomputed a fresh value before its expiry)"},
    [M_EARLY_FAILED] = {"failed_early_recomputes", FOLD_SUM, 0, 0,
                        "recomputes", "failed early refreshes",
                        "early refreshes whose query failed"},
    [M_LEAD_TOTAL] = {"lead_total_s", FOLD_SUM, 0, 0, "s",
                      "early refresh lead, total (s)",
                      "sum over early refreshes of how long before the "
                      "expiry each started"},
    [M_MEAN_LEAD] = {"mean_lead_s", FOLD_RATIO, M_LEAD_TOTAL, M_EARLY, "s",
                     "mean lead time of an early refresh (s)",
                     "how long before the expiry an early refresh starts, "
                     "on average: lead_total_s / early_recomputes"},
    [M_CYCLES] = {"cycles", FOLD_SUM, 0, 0, "cycles", "TTL cycles",
                  "values that ended: expired before the next write, or "
                  "replaced before their expiry by their own early refresh"},
    [M_CYCLES_MISSED] = {"cycles_missed", FOLD_SUM, 0, 0, "cycles",
                         "TTL cycles missed",
                         "cycles whose value expired before an early "
                         "refresh had written the next"},
    [M_MISS_SHARE] = {"miss_share", FOLD_SHARE, M_CYCLES_MISSED, M_CYCLES,
                      "ratio",
                      "share of TTL cycles not refreshed before expiry",
                      "cycles whose value expired before an early refresh "
                      "had written the next, as a share: cycles_missed / "
                      "cycles"},
    [M_EARLY_PER_CYCLE] = {"early_per_cycle", FOLD_RATIO, M_EARLY, M_CYCLES,
                           "ratio", "early recomputes per TTL cycle",
                           "early refreshes per TTL cycle: early_recomputes "
                           "/ cycles"},
    [M_CYCLES_UNSTARTED] = {"cycles_unstarted", FOLD_SUM, 0, 0, "cycles",
                            "TTL cycles with no early start",
                            "cycles in which no early refresh started before "
                            "the expiry (one that started may still land "
                            "late: cycles_missed counts those too)"},
    [M_UNSTARTED_SHARE] = {"unstarted_share", FOLD_SHARE, M_CYCLES_UNSTARTED,
                           M_CYCLES, "ratio",
                           "share of TTL cycles with no early refresh "
                           "started before expiry",
                           "XFetch's miss: cycles_unstarted / cycles"},
};

static const struct policy_metric_table METRICS = {METRIC_LIST, N_METRICS};

/* ---- state ---- */

/* The value a key holds (as its last write set it), and whether an early
 * recompute started while it did. 16 bytes per key. */
struct version {
    double expires_at;   /* -INFINITY: no value (a cold start) */
    bool started;
};

struct per_state {
    const struct per_knobs *k;
    gsl_rng *coin;        /* for reads after a request's first */
    struct version *versions;
    double m[N_METRICS];
};

struct per_request {
    bool early;           /* its recompute is an early one */
    double refreshes;     /* early: the expiry of the value it refreshes */
};

static struct per_request *data(struct request *r)
{
    return REQ_STATE(r, struct per_request);
}

static void *per_create(const void *knobs, struct world *w)
{
    struct per_state *s = calloc(1, sizeof *s);
    long keys = world_keys(w);
    if (!s)
        return NULL;
    s->k = knobs;
    s->coin = world_stream(w, "per.coin");
    s->versions = malloc((size_t)keys * sizeof *s->versions);
    if (!s->coin || !s->versions) {
        free(s->versions);
        free(s);
        return NULL;
    }
    /* the values the cache starts with are cycles too: one that expires
     * unrefreshed is a miss like any other */
    for (long i = 0; i < keys; i++)
        s->versions[i] = (struct version){world_value_expiry(w, i), false};
    return s;
}

static void per_destroy(void *state)
{
    struct per_state *s = state;
    free(s->versions);
    free(s);
}

static void per_collect(void *state, double *acc)
{
    struct per_state *s = state;
    policy_metrics_add(&METRICS, acc, s->m);
    memset(s->m, 0, sizeof s->m);
}

/* ---- cycles ---- */

/* A write at `now` replaces the key's value: count the cycle that ends.
 * `refreshed` is the expiry of the value the write's early refresh
 * started on (NAN: not an early refresh): the same as the value's own,
 * it is that value's refresh. */
static void end_cycle(struct per_state *s, long key, double now,
                      double new_expiry, double refreshed)
{
    struct version *v = &s->versions[key];
    bool expired = v->expires_at != -INFINITY && now >= v->expires_at;
    if (expired || refreshed == v->expires_at) {
        s->m[M_CYCLES]++;
        s->m[M_CYCLES_MISSED] += expired;
        s->m[M_CYCLES_UNSTARTED] += !v->started;
    }
    *v = (struct version){new_expiry, false};
}

/* An early recompute starts on the value a read saw (the key's value of
 * that moment: reads and writes take effect at their completion). */
static void mark_started(struct per_state *s, long key, double expires_at)
{
    struct version *v = &s->versions[key];
    if (v->expires_at == expires_at)
        v->started = true;
}

/* ---- decisions ---- */

/* The coin u is a multiple of 2^-32 in (0, 1] (rng_uniform_pos1 on
 * MT19937), so -ln(u) is at most 32 ln 2 = 22.18: a value more than 22.19
 * delta*beta before its expiry can never refresh early, and the logarithm —
 * the costliest part of a hit — is skipped for it. The coin is drawn all the
 * same, so the random streams do not change. */
#define MAX_NEG_LOG_COIN 22.19

static bool refresh_early(struct per_state *s, struct request *r,
                          const struct cache_view *v)
{
    double delta = isnan(s->k->delta) ? v->delta : s->k->delta;
    double scale = delta * s->k->beta;
    double u = req_coin(r, s->coin);
    if (v->expires_at - req_now(r) > MAX_NEG_LOG_COIN * scale)
        return false;
    return req_now(r) - scale * log(u) >= v->expires_at;
}

static void per_on_read(void *state, struct request *r,
                        const struct cache_view *v)
{
    struct per_state *s = state;
    if (v->state != CACHE_FRESH) {
        req_recompute(r, CAUSE_MISS);
        return;
    }
    if (!refresh_early(s, r, v)) {
        req_reply(r, OUTCOME_HIT);
        return;
    }
    s->m[M_EARLY]++;
    s->m[M_LEAD_TOTAL] += v->expires_at - req_now(r);
    mark_started(s, req_key(r), v->expires_at);
    data(r)->early = true;
    data(r)->refreshes = v->expires_at;
    if (s->k->refresh == REFRESH_ASYNC)
        req_reply(r, OUTCOME_HIT);
    req_recompute(r, CAUSE_EARLY);
}

static void per_on_recomputed(void *state, struct request *r,
                              enum recompute_result result)
{
    struct per_state *s = state;
    if (result == RECOMPUTE_OK)
        end_cycle(s, req_key(r), req_now(r), req_written_expiry(r),
                  data(r)->early ? data(r)->refreshes : NAN);
    if (data(r)->early) {
        data(r)->early = false;
        if (result != RECOMPUTE_OK)
            s->m[M_EARLY_FAILED]++;
        /* sync: it read a fresh value, so it replies with it even if the
         * refresh failed (the failure is counted); async replied already */
        req_reply(r, result == RECOMPUTE_OK ? OUTCOME_COMPUTED : OUTCOME_HIT);
        return;
    }
    if (result == RECOMPUTE_OK)
        req_reply(r, OUTCOME_COMPUTED);
    else
        req_fail(r, recompute_error(result), true);
}

/* ---- calibration ---- */

/* beta from a tenth to thirty. What a value costs — the recomputes it
 * makes — has a minimum between: a small beta refreshes so close to the
 * expiry that many readers refresh at once (XFetch's overlap grows like
 * e^(1/beta)) or too late to land in time, a large one refreshes long
 * before the expiry (the lead grows like beta delta ln(lambda beta
 * delta)), shortening every value's life. */
static void per_range(const struct recompute_time *recompute, double *lo,
                      double *hi)
{
    (void)recompute;
    *lo = 0.1;
    *hi = 30;
}

static const char *const EXPLAINS[] = {
    "recomputes.overlap_share", "policy_metrics.early_per_cycle",
    "policy_metrics.mean_lead_s",
};

static const struct policy_calibration CALIBRATION = {
    .knob = "beta",
    .default_range = per_range,
    .range_help = "0.1 to 30",
    .guard_option = "max-miss-share",
    .guard_path = "policy_metrics.miss_share",
    .guard_default = 0.01,
    .cost = "recomputes.per_s",
    .cost_help = "the database queries the policy makes (misses, early "
                 "refreshes and their duplicates) per second: too small a "
                 "beta refreshes many times at once, too large a beta long "
                 "before the expiry",
    .explains = EXPLAINS,
    .n_explains = sizeof EXPLAINS / sizeof EXPLAINS[0],
};

const struct policy_ops policy_per = {
    .name = "per",
    .summary = "probabilistic early expiration (XFetch): reads refresh "
               "before the expiry, more likely as it nears",
    .knobs = KNOBS,
    .calibration = &CALIBRATION,
    .knobs_size = sizeof(struct per_knobs),
    .key_bytes = sizeof(struct version),
    .request_bytes = sizeof(struct per_request),
    .parse = per_parse,
    .write = per_write,
    .describe = per_describe,

    .create = per_create,
    .destroy = per_destroy,
    .on_read = per_on_read,
    .on_recomputed = per_on_recomputed,
    .metrics = {&METRICS},
    .collect = per_collect,
};
