/*
 * xfetch.c — see xfetch.h.
 */
#include "xfetch.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/dist.h"
#include "kernel/keyarray.h"

/* ---- knobs ---- */

static const char *const REFRESH_NAMES[] = {"sync", "async", NULL};

/* An estimator beside a fixed delta would never be used: a mistake. */
static void check_estimator(const struct cfg_obj *o,
                            const struct xfetch_knobs *k)
{
    static const char *const ESTIMATOR[] = {"delta_min", "delta_max",
                                            "delta_ewma"};
    char path[CFG_PATH_MAX], fixed[32];
    for (size_t i = 0; !isnan(k->delta) && i < 3; i++)
        if (cfg_has(o, ESTIMATOR[i])) {
            duration_format(k->delta, fixed, sizeof fixed);
            cfg_path_key(path, o->path, ESTIMATOR[i]);
            cfg_error(o->cfg, path, "%s shapes a measured delta, but delta "
                      "is fixed (%s): remove one of the two", ESTIMATOR[i],
                      fixed);
            return;
        }
    if (k->delta_min > k->delta_max) {
        cfg_path_key(path, o->path, "delta_min");
        cfg_error(o->cfg, path, "delta_min (%gs) must not exceed delta_max "
                  "(%gs)", k->delta_min, k->delta_max);
    }
}

void xfetch_parse(const struct cfg_obj *o, struct xfetch_knobs *k)
{
    cfg_number(o, "beta", &k->beta, 1.0, CFG_POSITIVE);
    int refresh;
    cfg_enum(o, "refresh", REFRESH_NAMES, &refresh, XFETCH_SYNC);
    k->refresh = (enum xfetch_refresh)refresh;
    cfg_duration_or_word(o, "delta", &k->delta, NAN, CFG_POSITIVE,
                         "measured", NAN);
    cfg_duration(o, "delta_min", &k->delta_min, 0, CFG_POSITIVE);
    cfg_duration(o, "delta_max", &k->delta_max, INFINITY, CFG_POSITIVE);
    cfg_number(o, "delta_ewma", &k->delta_alpha, 1,
               (struct cfg_range){0, 1, true, false});
    check_estimator(o, k);
}

void xfetch_write(const struct xfetch_knobs *k, cJSON *o)
{
    cJSON_AddNumberToObject(o, "beta", k->beta);
    cJSON_AddStringToObject(o, "refresh", REFRESH_NAMES[k->refresh]);
    if (isnan(k->delta))
        cJSON_AddStringToObject(o, "delta", "measured");
    else
        cJSON_AddNumberToObject(o, "delta", k->delta);
    if (k->delta_min > 0)
        cJSON_AddNumberToObject(o, "delta_min", k->delta_min);
    if (isfinite(k->delta_max))
        cJSON_AddNumberToObject(o, "delta_max", k->delta_max);
    if (k->delta_alpha < 1)
        cJSON_AddNumberToObject(o, "delta_ewma", k->delta_alpha);
}

/* ", clamped to [300ms, 600ms]", ", at most 600ms", ", EWMA alpha 0.2". */
static void describe_estimator(const struct xfetch_knobs *k, char *out,
                               size_t n)
{
    char lo[32], hi[32];
    size_t len = 0;
    out[0] = '\0';
    duration_format(k->delta_min, lo, sizeof lo);
    duration_format(k->delta_max, hi, sizeof hi);
    if (k->delta_alpha < 1)
        len += (size_t)snprintf(out + len, n - len, ", smoothed (EWMA alpha "
                                "%g)", k->delta_alpha);
    if (len < n && k->delta_min > 0 && isfinite(k->delta_max))
        snprintf(out + len, n - len, ", clamped to [%s, %s]", lo, hi);
    else if (len < n && k->delta_min > 0)
        snprintf(out + len, n - len, ", at least %s", lo);
    else if (len < n && isfinite(k->delta_max))
        snprintf(out + len, n - len, ", at most %s", hi);
}

void xfetch_describe(const struct xfetch_knobs *k, char *out, size_t n)
{
    char delta[32] = "measured", estimator[96];
    if (!isnan(k->delta))
        duration_format(k->delta, delta, sizeof delta);
    describe_estimator(k, estimator, sizeof estimator);
    snprintf(out, n, "beta %g, %s refresh, delta %s%s", k->beta,
             REFRESH_NAMES[k->refresh], delta, estimator);
}

/* ---- the estimator ---- */

/* Comparisons rather than fmin/fmax: without bounds (0, INFINITY) the
 * stored value passes through unchanged, whatever it is. */
static double clamp(const struct xfetch_knobs *k, double d)
{
    if (d < k->delta_min)
        return k->delta_min;
    if (d > k->delta_max)
        return k->delta_max;
    return d;
}

double xfetch_stored_delta(const struct xfetch_knobs *k, double seen,
                           double measured)
{
    double d = measured;
    if (k->delta_alpha < 1 && !isnan(seen))
        d = k->delta_alpha * measured + (1 - k->delta_alpha) * seen;
    return clamp(k, d);
}

double xfetch_delta(const struct xfetch_knobs *k, double stored)
{
    return isnan(k->delta) ? clamp(k, stored) : k->delta;
}

/* ---- the feedback of a measured delta ---- */

double xfetch_lead(double beta, double delta, double rate)
{
    double x = beta * delta;
    return rate * x > 1 ? x * log(rate * x) : 0;
}

/* The largest x = beta * delta whose lead x ln(rate x) is at most
 * `lead` (the lead grows with x past 1 / (e rate)): by bisection, 60
 * halvings of a bracket that starts at [1 / rate, lead + 1 / rate]
 * (x ln(rate x) >= x - 1 / rate). */
static double largest_scale(double lead, double rate)
{
    double lo = 1 / rate, hi = lead + 1 / rate;
    for (int i = 0; i < 60; i++) {
        double mid = (lo + hi) / 2;
        if (mid * log(rate * mid) <= lead)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Past the limit: what happens, and the knobs that bring the lead back
 * under it (the largest beta delta whose lead is the limit). */
static void risk_fix(const struct xfetch_knobs *k, double delta, bool grows,
                     double limit, double rate, struct policy_risk *out)
{
    double x = largest_scale(limit, rate);
    char most[32];
    duration_format(x / k->beta, most, sizeof most);
    if (grows)
        snprintf(out->fix, sizeof out->fix, "one slow recompute can start a "
                 "refresh storm that feeds on itself; clamp the delta "
                 "(delta_max at most %s, delta_min near the recompute's "
                 "median) or lower beta (at most %.3g)", most, x / delta);
    else
        snprintf(out->fix, sizeof out->fix, "a value is likely to be "
                 "refreshed as soon as it is written, by many of its "
                 "readers; lower beta (at most %.3g) or the %s (at most %s)",
                 x / delta, isnan(k->delta) ? "delta_max" : "fixed delta",
                 most);
}

/* The figure: the lead at the recompute's p99, or at the delta the
 * estimator stores for it (its clamp, or the fixed delta). Where the
 * stored delta can grow past that p99 when the database slows (measured,
 * smoothed, or clamped above it), one slow recompute lengthens the next
 * lead, more reads refresh, the database slows further: the limit is a
 * share of the TTL (docs/policies.md shows where the storms begin). Where
 * it cannot (a fixed delta, or delta_max at or below the p99), or where
 * one early refresh runs at a time whatever the delta, the figure
 * is the most lead there can be, and only a lead past the whole TTL
 * refreshes every value from its birth. */
bool xfetch_risk(const struct xfetch_knobs *k, const struct policy_load *load,
                 bool alone, struct policy_risk *out)
{
    if (!(load->rate > 0 && load->ttl > 0 && load->recompute_p99 > 0 &&
          isfinite(load->recompute_p99)))
        return false;
    double p99 = load->recompute_p99;
    double delta = xfetch_delta(k, p99);
    bool grows = !alone && isnan(k->delta) && k->delta_max > delta;
    double lead = xfetch_lead(k->beta, delta, load->rate);
    char a[32], b[32], c[32], used[128];
    out->value = lead;
    out->limit = (grows ? XFETCH_RISK_SHARE : 1) * load->ttl;
    duration_format(lead, a, sizeof a);
    duration_format(delta, b, sizeof b);
    duration_format(p99, c, sizeof c);
    if (!isnan(k->delta))
        snprintf(used, sizeof used, "the fixed delta %s", b);
    else if (delta != p99)
        snprintf(used, sizeof used, "the recompute's p99 (%s) clamped to %s",
                 c, b);
    else
        snprintf(used, sizeof used, "the recompute's p99 (%s) as delta", b);
    snprintf(out->says, sizeof out->says, "early refreshes start about %s "
             "before the expiry with %s, beta %g and %.4g reads/s: %.0f%% of "
             "the TTL (limit %.0f%%)", a, used, k->beta, load->rate,
             100 * lead / load->ttl, 100 * out->limit / load->ttl);
    out->fix[0] = '\0';
    if (lead > out->limit)
        risk_fix(k, delta, grows, out->limit, load->rate, out);
    return true;
}

/* ---- metrics ---- */

static const struct policy_metric METRIC_LIST[XFETCH_N_METRICS] = {
    [XFETCH_EARLY] = {"early_recomputes", FOLD_SUM, 0, 0, "recomputes",
                      "early refreshes", "early refreshes started (a read "
                      "recomputed a fresh value before its expiry)", NULL},
    [XFETCH_EARLY_FAILED] = {"failed_early_recomputes", FOLD_SUM, 0, 0,
                             "recomputes", "failed early refreshes",
                             "early refreshes whose query failed", NULL},
    [XFETCH_LEAD_TOTAL] = {"lead_total_s", FOLD_SUM, 0, 0, "s",
                           "early refresh lead, total (s)",
                           "sum over early refreshes of how long before the "
                           "expiry each started", NULL},
    [XFETCH_MEAN_LEAD] = {"mean_lead_s", FOLD_RATIO, XFETCH_LEAD_TOTAL,
                          XFETCH_EARLY, "s",
                          "mean lead time of an early refresh (s)",
                          "how long before the expiry an early refresh "
                          "starts, on average: lead_total_s / "
                          "early_recomputes", NULL},
    [XFETCH_CYCLES] = {"cycles", FOLD_SUM, 0, 0, "cycles", "TTL cycles",
                       "values that ended: expired before the next write, "
                       "or replaced before their expiry by their own early "
                       "refresh", NULL},
    [XFETCH_CYCLES_MISSED] = {"cycles_missed", FOLD_SUM, 0, 0, "cycles",
                              "TTL cycles missed",
                              "cycles whose value expired before an early "
                              "refresh had written the next", NULL},
    [XFETCH_MISS_SHARE] = {"miss_share", FOLD_SHARE, XFETCH_CYCLES_MISSED,
                           XFETCH_CYCLES, "ratio",
                           "share of TTL cycles not refreshed before expiry",
                           "cycles whose value expired before an early "
                           "refresh had written the next, as a share: "
                           "cycles_missed / cycles", NULL},
    /* a mean count, not a share: it exceeds 1 when a cycle is refreshed
     * early more than once */
    [XFETCH_EARLY_PER_CYCLE] = {"early_per_cycle", FOLD_RATIO, XFETCH_EARLY,
                                XFETCH_CYCLES, "recomputes/cycle",
                                "early recomputes per TTL cycle",
                                "early refreshes per TTL cycle: "
                                "early_recomputes / cycles", NULL},
    [XFETCH_CYCLES_UNSTARTED] = {"cycles_unstarted", FOLD_SUM, 0, 0,
                                 "cycles", "TTL cycles with no early start",
                                 "cycles in which no early refresh started "
                                 "before the expiry (one that started may "
                                 "still land late: cycles_missed counts "
                                 "those too)", NULL},
    [XFETCH_UNSTARTED_SHARE] = {"unstarted_share", FOLD_SHARE,
                                XFETCH_CYCLES_UNSTARTED, XFETCH_CYCLES,
                                "ratio",
                                "share of TTL cycles with no early refresh "
                                "started before expiry",
                                "XFetch's miss: cycles_unstarted / cycles",
                                NULL},
    [XFETCH_STORM_CYCLES] = {"storm_cycles", FOLD_SUM, 0, 0, "cycles",
                             "TTL cycles with a refresh storm",
                             "refresh storms: cycles of the key with more "
                             "than 10 early refreshes (a cycle ends where a "
                             "value is refreshed in time or expires, or at "
                             "the first write a TTL after it began)",
                             "storms"},
    [XFETCH_STORM_MAX] = {"max_early_in_cycle", FOLD_MAX, 0, 0,
                          "recomputes",
                          "most early refreshes in one TTL cycle",
                          "the most early refreshes of the key in one of "
                          "those cycles", NULL},
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
    "policy_metrics.mean_lead_s", "policy_metrics.storm_cycles",
};

/* A delta from a quarter of the recompute's median to four times its
 * p99.9: below, every refresh lands late; above, the lead is longer than
 * any recompute needs. */
static void delta_range(const struct recompute_time *t, double *lo,
                        double *hi)
{
    *lo = t->p50 / 4;
    *hi = 4 * t->p999;
}

/* The smoothing of delta_ewma: from a fiftieth (the last fifty
 * recomputes, about) to none. */
static void alpha_range(const struct recompute_time *t, double *lo,
                        double *hi)
{
    (void)t;
    *lo = 0.02;
    *hi = 1;
}

static const struct calibration_knob OTHERS[] = {
    {"delta", delta_range, "a quarter of the recompute's median to 4 x its "
     "p99.9", true},
    {"delta_min", delta_range, "the same", true},
    {"delta_max", delta_range, "the same", true},
    {"delta_ewma", alpha_range, "0.02 to 1", false},
};

/* Whether the delta is measured and stored as measured: the setting that
 * can feed back. */
static bool plain_measured(const struct xfetch_knobs *k)
{
    return isnan(k->delta) && k->delta_min == 0 && isinf(k->delta_max) &&
           k->delta_alpha == 1;
}

/* A pilot of a measured delta runs with a fixed one, which cannot feed
 * back: the service time's p99 — or, where that would start the early
 * refreshes more than half the TTL before the expiry, the delta whose lead
 * is half the TTL, so that reads do not refresh from the value's birth.
 * Its TTL is not shortened: a shorter one, with that lead, would. (Without
 * a read rate to go by, the p99 as it is.) */
#define PILOT_LEAD_SHARE 0.5

static size_t pilot_sets(const void *knobs, const struct recompute_time *t,
                         const struct policy_load *load,
                         calibration_sets out, double *min_ttl)
{
    const struct xfetch_knobs *k = knobs;
    if (!plain_measured(k))
        return 0;
    double delta = t->p99;
    if (load->rate > 0 && load->ttl > 0) {
        double lead = PILOT_LEAD_SHARE * load->ttl;
        delta = fmin(delta, largest_scale(lead, load->rate) / k->beta);
        *min_ttl = load->ttl;
    }
    snprintf(out[0], sizeof out[0], "delta=%.6g", delta);
    return 1;
}

static size_t clamp_sets(const void *knobs, const struct recompute_time *t,
                         calibration_sets out)
{
    if (!plain_measured(knobs) || !(t->p50 < t->p99))
        return 0;
    snprintf(out[0], sizeof out[0], "delta_min=%.6g", t->p50);
    snprintf(out[1], sizeof out[1], "delta_max=%.6g", t->p99);
    return 2;
}

/* Runs whose TTL periods were mostly refresh storms: the measured delta
 * fed back (docs/policies.md); clamped to the recompute's p50..p99 under
 * the load, it cannot. */
static const struct calibration_compare CLAMPED = {
    .when = "policy_metrics.storm_cycles",
    .per_ttl = 0.5,
    .what = "the delta clamped to the pilot's recompute p50..p99",
    .sets = clamp_sets,
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
    .others = OTHERS,
    .n_others = sizeof OTHERS / sizeof OTHERS[0],
    .pilot_sets = pilot_sets,
    .compare = &CLAMPED,
};

/* ---- state ---- */

/* The value a key holds (as its last write set it), whether an early
 * refresh started on it, and the key's early refreshes since its storm
 * cycle began: XFETCH_KEY_BYTES per key. A storm cycle ends where a TTL
 * cycle does (a value refreshed in time, or expired), or at the first
 * write a TTL after it began: in a storm the value is rewritten by
 * refreshes of older values before it can do either, and its early
 * refreshes would otherwise never be counted. Its start is a float: to a
 * few milliseconds over a day, ample against a TTL. */
struct version {
    double expires_at;   /* -INFINITY: no value (a cold start) */
    float since;         /* seconds: when the storm cycle began */
    uint32_t early : 30; /* early refreshes of the key since then */
    uint32_t started : 1;
    uint32_t known : 1;  /* 0: not used yet, the key's value at t = 0
                            (read when first needed: a catalog's keys are
                            not all read at the start) */
};
_Static_assert(sizeof(struct version) == XFETCH_KEY_BYTES,
               "XFETCH_KEY_BYTES is a key's state");

struct xfetch {
    const struct xfetch_knobs *k;
    const struct world *w;
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
    x->w = w;
    x->coin = world_stream(w, "per.coin");
    x->versions = key_array_alloc((size_t)keys, sizeof *x->versions);
    if (!x->coin || !x->versions) {
        xfetch_destroy(x);
        return NULL;
    }
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

/* The key's version; the values the cache starts with are cycles too:
 * one that expires unrefreshed is a miss like any other. */
static struct version *version_of(struct xfetch *x, long key)
{
    struct version *v = &x->versions[key];
    if (!v->known)
        *v = (struct version){world_value_expiry(x->w, key), 0, 0, 0, 1};
    return v;
}

/* A storm cycle ends: counted, and the next begins now. */
static void end_storm_cycle(struct xfetch *x, struct version *v, double now)
{
    x->m[XFETCH_STORM_CYCLES] += v->early > XFETCH_STORM_EARLY;
    x->m[XFETCH_STORM_MAX] = fmax(x->m[XFETCH_STORM_MAX], v->early);
    v->early = 0;
    v->since = (float)now;
}

void xfetch_written(struct xfetch *x, struct request *r, double refreshed)
{
    struct version *v = version_of(x, req_key(r));
    double now = req_now(r), expiry = req_written_expiry(r);
    bool expired = v->expires_at != -INFINITY && now >= v->expires_at;
    bool cycle = expired || refreshed == v->expires_at;
    if (cycle) {
        x->m[XFETCH_CYCLES]++;
        x->m[XFETCH_CYCLES_MISSED] += expired;
        x->m[XFETCH_CYCLES_UNSTARTED] += !v->started;
    }
    /* a TTL: the life of the value written now */
    if (cycle || now - v->since >= expiry - now)
        end_storm_cycle(x, v, now);
    v->expires_at = expiry;
    v->started = false;
}

/* An early refresh starts on the value a read saw (the key's value of
 * that moment: reads and writes take effect at their completion), or, for
 * a refresher that had to take a lock first, an older one. */
void xfetch_started(struct xfetch *x, struct request *r,
                    const struct cache_view *v)
{
    struct version *ver = version_of(x, req_key(r));
    x->m[XFETCH_EARLY]++;
    x->m[XFETCH_LEAD_TOTAL] += v->expires_at - req_now(r);
    if (ver->early < (1u << 30) - 1)
        ver->early++;
    if (ver->expires_at == v->expires_at)
        ver->started = true;
}

void xfetch_failed(struct xfetch *x) { x->m[XFETCH_EARLY_FAILED]++; }

const struct xfetch_knobs *xfetch_knobs_of(const struct xfetch *x)
{
    return x->k;
}

bool xfetch_async(const struct xfetch *x)
{
    return x->k->refresh == XFETCH_ASYNC;
}

/* ---- the decision ---- */

/* The coin u is a multiple of 2^-32 in (0, 1] (rng_uniform_pos1 on
 * 32-bit words), so -ln(u) is at most 32 ln 2 = 22.18: a value more than 22.19
 * delta*beta before its expiry can never refresh early, and the logarithm —
 * the costliest part of a hit — is skipped for it. The coin is drawn all the
 * same: a first read's comes from the request's own substream, where
 * skipping it would change nothing, but a later read's from the policy's
 * stream, in order. */
#define MAX_NEG_LOG_COIN 22.19

bool xfetch_decide(struct xfetch *x, struct request *r,
                   const struct cache_view *v)
{
    double scale = xfetch_delta(x->k, v->delta) * x->k->beta;
    double u = req_coin(r, x->coin);
    if (v->expires_at - req_now(r) > MAX_NEG_LOG_COIN * scale)
        return false;
    return req_now(r) - scale * log(u) >= v->expires_at;
}
