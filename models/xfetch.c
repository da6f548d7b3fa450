/*
 * xfetch.c — see xfetch.h.
 */
#include "xfetch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/dist.h"

/* ---- knobs ---- */

static const char *const REFRESH_NAMES[] = {"sync", "async", NULL};

void xfetch_parse(const struct cfg_obj *o, struct xfetch_knobs *k)
{
    cfg_number(o, "beta", &k->beta, 1.0, CFG_POSITIVE);
    int refresh;
    cfg_enum(o, "refresh", REFRESH_NAMES, &refresh, XFETCH_SYNC);
    k->refresh = (enum xfetch_refresh)refresh;
    cfg_duration_or_word(o, "delta", &k->delta, NAN, CFG_POSITIVE,
                         "measured", NAN);
}

void xfetch_write(const struct xfetch_knobs *k, cJSON *o)
{
    cJSON_AddNumberToObject(o, "beta", k->beta);
    cJSON_AddStringToObject(o, "refresh", REFRESH_NAMES[k->refresh]);
    if (isnan(k->delta))
        cJSON_AddStringToObject(o, "delta", "measured");
    else
        cJSON_AddNumberToObject(o, "delta", k->delta);
}

void xfetch_describe(const struct xfetch_knobs *k, char *out, size_t n)
{
    char delta[32] = "measured";
    if (!isnan(k->delta))
        duration_format(k->delta, delta, sizeof delta);
    snprintf(out, n, "beta %g, %s refresh, delta %s", k->beta,
             REFRESH_NAMES[k->refresh], delta);
}

/* ---- metrics ---- */

static const struct policy_metric METRIC_LIST[XFETCH_N_METRICS] = {
    [XFETCH_EARLY] = {"early_recomputes", FOLD_SUM, 0, 0, "recomputes",
                      "early refreshes", "early refreshes started (a read "
                      "recomputed a fresh value before its expiry)"},
    [XFETCH_EARLY_FAILED] = {"failed_early_recomputes", FOLD_SUM, 0, 0,
                             "recomputes", "failed early refreshes",
                             "early refreshes whose query failed"},
    [XFETCH_LEAD_TOTAL] = {"lead_total_s", FOLD_SUM, 0, 0, "s",
                           "early refresh lead, total (s)",
                           "sum over early refreshes of how long before the "
                           "expiry each started"},
    [XFETCH_MEAN_LEAD] = {"mean_lead_s", FOLD_RATIO, XFETCH_LEAD_TOTAL,
                          XFETCH_EARLY, "s",
                          "mean lead time of an early refresh (s)",
                          "how long before the expiry an early refresh "
                          "starts, on average: lead_total_s / "
                          "early_recomputes"},
    [XFETCH_CYCLES] = {"cycles", FOLD_SUM, 0, 0, "cycles", "TTL cycles",
                       "values that ended: expired before the next write, "
                       "or replaced before their expiry by their own early "
                       "refresh"},
    [XFETCH_CYCLES_MISSED] = {"cycles_missed", FOLD_SUM, 0, 0, "cycles",
                              "TTL cycles missed",
                              "cycles whose value expired before an early "
                              "refresh had written the next"},
    [XFETCH_MISS_SHARE] = {"miss_share", FOLD_SHARE, XFETCH_CYCLES_MISSED,
                           XFETCH_CYCLES, "ratio",
                           "share of TTL cycles not refreshed before expiry",
                           "cycles whose value expired before an early "
                           "refresh had written the next, as a share: "
                           "cycles_missed / cycles"},
    /* a mean count, not a share: it exceeds 1 when a cycle is refreshed
     * early more than once */
    [XFETCH_EARLY_PER_CYCLE] = {"early_per_cycle", FOLD_RATIO, XFETCH_EARLY,
                                XFETCH_CYCLES, "recomputes/cycle",
                                "early recomputes per TTL cycle",
                                "early refreshes per TTL cycle: "
                                "early_recomputes / cycles"},
    [XFETCH_CYCLES_UNSTARTED] = {"cycles_unstarted", FOLD_SUM, 0, 0,
                                 "cycles", "TTL cycles with no early start",
                                 "cycles in which no early refresh started "
                                 "before the expiry (one that started may "
                                 "still land late: cycles_missed counts "
                                 "those too)"},
    [XFETCH_UNSTARTED_SHARE] = {"unstarted_share", FOLD_SHARE,
                                XFETCH_CYCLES_UNSTARTED, XFETCH_CYCLES,
                                "ratio",
                                "share of TTL cycles with no early refresh "
                                "started before expiry",
                                "XFetch's miss: cycles_unstarted / cycles"},
};

const struct policy_metric_table XFETCH_METRICS = {METRIC_LIST,
                                                   XFETCH_N_METRICS};

/* ---- calibration ---- */

/* beta from a tenth to thirty. What a value costs — the recomputes it
 * makes — has a minimum between: a small beta refreshes so close to the
 * expiry that many readers refresh at once (XFetch's overlap grows like
 * e^(1/beta)) or too late to land in time, a large one refreshes long
 * before the expiry (the lead grows like beta delta ln(lambda beta
 * delta)), shortening every value's life. */
static void beta_range(const struct recompute_time *recompute, double *lo,
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

const struct policy_calibration XFETCH_CALIBRATION = {
    .knob = "beta",
    .default_range = beta_range,
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

/* ---- state ---- */

/* The value a key holds (as its last write set it), and whether an early
 * refresh started while it did: XFETCH_KEY_BYTES per key. */
struct version {
    double expires_at;   /* -INFINITY: no value (a cold start) */
    bool started;
};

_Static_assert(sizeof(struct version) == XFETCH_KEY_BYTES,
               "XFETCH_KEY_BYTES is a key's state");

struct xfetch {
    const struct xfetch_knobs *k;
    gsl_rng *coin;        /* for reads after a request's first */
    struct version *versions;
    double m[XFETCH_N_METRICS];
};

struct xfetch *xfetch_create(const struct xfetch_knobs *k, struct world *w)
{
    struct xfetch *x = calloc(1, sizeof *x);
    long keys = world_keys(w);
    if (!x)
        return NULL;
    x->k = k;
    x->coin = world_stream(w, "per.coin");
    x->versions = malloc((size_t)keys * sizeof *x->versions);
    if (!x->coin || !x->versions) {
        xfetch_destroy(x);
        return NULL;
    }
    /* the values the cache starts with are cycles too: one that expires
     * unrefreshed is a miss like any other */
    for (long i = 0; i < keys; i++)
        x->versions[i] = (struct version){world_value_expiry(w, i), false};
    return x;
}

void xfetch_destroy(struct xfetch *x)
{
    if (!x)
        return;
    free(x->versions);
    free(x);
}

void xfetch_collect(struct xfetch *x, double *acc)
{
    policy_metrics_add(&XFETCH_METRICS, acc, x->m);
    memset(x->m, 0, sizeof x->m);
}

/* ---- cycles ---- */

void xfetch_written(struct xfetch *x, struct request *r, double refreshed)
{
    struct version *v = &x->versions[req_key(r)];
    bool expired = v->expires_at != -INFINITY && req_now(r) >= v->expires_at;
    if (expired || refreshed == v->expires_at) {
        x->m[XFETCH_CYCLES]++;
        x->m[XFETCH_CYCLES_MISSED] += expired;
        x->m[XFETCH_CYCLES_UNSTARTED] += !v->started;
    }
    *v = (struct version){req_written_expiry(r), false};
}

/* An early refresh starts on the value a read saw (the key's value of
 * that moment: reads and writes take effect at their completion). */
void xfetch_started(struct xfetch *x, struct request *r,
                    const struct cache_view *v)
{
    struct version *ver = &x->versions[req_key(r)];
    x->m[XFETCH_EARLY]++;
    x->m[XFETCH_LEAD_TOTAL] += v->expires_at - req_now(r);
    if (ver->expires_at == v->expires_at)
        ver->started = true;
}

void xfetch_failed(struct xfetch *x) { x->m[XFETCH_EARLY_FAILED]++; }

bool xfetch_async(const struct xfetch *x)
{
    return x->k->refresh == XFETCH_ASYNC;
}

/* ---- the decision ---- */

/* The coin u is a multiple of 2^-32 in (0, 1] (rng_uniform_pos1 on
 * MT19937), so -ln(u) is at most 32 ln 2 = 22.18: a value more than 22.19
 * delta*beta before its expiry can never refresh early, and the logarithm —
 * the costliest part of a hit — is skipped for it. The coin is drawn all the
 * same, so the random streams do not change. */
#define MAX_NEG_LOG_COIN 22.19

bool xfetch_decide(struct xfetch *x, struct request *r,
                   const struct cache_view *v)
{
    double delta = isnan(x->k->delta) ? v->delta : x->k->delta;
    double scale = delta * x->k->beta;
    double u = req_coin(r, x->coin);
    if (v->expires_at - req_now(r) > MAX_NEG_LOG_COIN * scale)
        return false;
    return req_now(r) - scale * log(u) >= v->expires_at;
}
