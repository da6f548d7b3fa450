/*
 * scenario_warn.c — the warnings about a valid scenario: values that are
 * legal but likely a unit mistake, or that make the run unable to show
 * what it is for. `check` prints them, and run, sweep and calibrate once
 * before they run. Each names the field to look at, where it is.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "database.h"
#include "kernel/strutil.h"
#include "scenario/scenario.h"

/* The warnings so far, growing. */
struct warnings {
    struct scenario_errors *out;
    size_t cap;
};

/* Appends a line (taken). */
static void append(struct warnings *w, char *line)
{
    if (!line)
        return;
    if (w->out->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 8;
        char **lines = realloc(w->out->lines, cap * sizeof *lines);
        if (!lines) {
            free(line);
            return;
        }
        w->out->lines = lines;
        w->cap = cap;
    }
    w->out->lines[w->out->n++] = line;
}

static void add_copy(struct warnings *w, const char *line)
{
    append(w, str_printf("%s", line));
}

/* "WHERE: PATH: message", placed where the field is written. */
static void add(struct warnings *w, const struct scenario *s,
                const char *path, char *message)
{
    char where[CFG_PATH_MAX + 64];
    scenario_origin(s, path, where, sizeof where);
    append(w, message ? str_printf("%s: %s: %s", where, path, message)
                      : NULL);
    free(message);
}

static const char *fmt(double seconds, char buf[32])
{
    duration_format(seconds, buf, 32);
    return buf;
}

/* A TTL shorter than a typical recompute: most values would expire
 * before the next read, or before their own write completes. */
static void ttl_vs_recompute(struct warnings *w, const struct scenario *s)
{
    const struct model_config *m = &s->model;
    double median = dist_quantile(&m->service, 0.5);
    char a[32], b[32];
    if (m->cache.ttl > 0 && m->cache.ttl < median)
        add(w, s, "cache.ttl",
            str_printf("the TTL (%s) is shorter than the median recompute "
                       "(%s, database.service): values expire about as "
                       "soon as they are written; a unit mistake?",
                       fmt(m->cache.ttl, a), fmt(median, b)));
}

/* The share of d's draws above x: 1 - p for the p whose quantile is x,
 * by bisection on the quantile function (monotone; 60 halvings reach
 * the limits of a double); 1 when even the smallest draw is above x. */
static double share_above(const struct dist *d, double x)
{
    double lo = 1e-12, hi = 1 - 1e-12;
    if (dist_quantile(d, lo) > x)
        return 1;
    if (dist_quantile(d, hi) <= x)
        return 0;
    for (int i = 0; i < 60; i++) {
        double mid = (lo + hi) / 2;
        if (dist_quantile(d, mid) <= x)
            lo = mid;
        else
            hi = mid;
    }
    return 1 - lo;
}

/* A recompute that outlives the client's timeout even on an idle
 * database: its result is discarded and never written to the cache. The
 * warning says how many (at least the 1 % above the p99). */
static void recompute_vs_timeout(struct warnings *w, const struct scenario *s)
{
    const struct model_config *m = &s->model;
    double p99 = dist_quantile(&m->service, 0.99);
    char a[32], b[32], many[48];
    if (!isfinite(m->client.timeout) || !(p99 > m->client.timeout))
        return;
    double share = share_above(&m->service, m->client.timeout);
    if (share > 0.995)
        snprintf(many, sizeof many, "every recompute times out");
    else
        snprintf(many, sizeof many, "about %.2g %% of the recomputes time "
                 "out", 100 * share);
    add(w, s, "client.timeout",
        str_printf("the recompute's p99 (%s, database.service) is above the "
                   "query timeout (%s): even on an idle database %s and "
                   "never write%s the cache", fmt(p99, a),
                   fmt(m->client.timeout, b), many,
                   share > 0.995 ? "s" : ""));
}

/* Background traffic that alone needs the database's whole capacity: it
 * is saturated before any miss. */
static void background_vs_capacity(struct warnings *w,
                                   const struct scenario *s)
{
    const struct db_config *db = &s->model.db;
    double load = db->background_rate * db->background_service.mean;
    double capacity = db_capacity_max(&db->capacity);
    if (db->background_rate > 0 && load >= capacity)
        add(w, s, "database.background.rate",
            str_printf("the background alone needs %.4g work-seconds per "
                       "second, at or above the database's capacity (%.4g): "
                       "it is saturated before any miss",
                       load, capacity));
}

/* A run too short to see the hottest key expire twice: one expiry says
 * nothing about what happens between expiries (recovery, the next
 * stampede). A scenario whose timeline flushes the cache studies the
 * flush, not the TTL: its TTL may well outlast the run. The defaults
 * alone (a 60 s run, a 60 s TTL) are nobody's mistake. */
static void run_vs_ttl(struct warnings *w, const struct scenario *s)
{
    const struct model_config *m = &s->model;
    if (!scenario_field_given(s, "duration") &&
        !scenario_field_given(s, "cache.ttl"))
        return;
    for (size_t i = 0; i < m->timeline.n; i++)
        if (m->timeline.events[i].kind == INCIDENT_CACHE_FLUSH)
            return;
    char a[32], b[32];
    if (m->cache.ttl > 0 && m->duration < 2 * m->cache.ttl)
        add(w, s, "duration",
            str_printf("the run (%s) is shorter than two TTL cycles of the "
                       "hottest key (2 x cache.ttl = %s): it sees at most "
                       "one expiry of it",
                       fmt(m->duration, a), fmt(2 * m->cache.ttl, b)));
}

/* ---- the size of a run ---- */

/* Beyond this many events a run takes the better part of an hour or
 * more: worth a word before it starts. */
#define WARN_EVENTS 1e9
/* What one request costs in events, roughly: its cache round trip, its
 * reply, and for some a query (2.1 to 2.7 measured on hot-key); a
 * background query, its start and its end. */
#define EVENTS_PER_REQUEST 3.0
#define EVENTS_PER_QUERY 2.0
/* What the simulator does on one core, roughly (stampede bench). */
#define EVENTS_PER_SECOND 5e6

/* The traffic factor the timeline sets at time t: an absolute rate
 * (*rate, NAN if none) or a multiplier of the workload's rate. */
static double traffic_at(const struct timeline *tl, double t, double *rate)
{
    double factor = 1;
    *rate = NAN;
    for (size_t i = 0; i < tl->n && tl->events[i].at <= t; i++) {
        const struct incident *in = &tl->events[i];
        if (in->kind != INCIDENT_TRAFFIC || in->workers >= 0)
            continue;
        *rate = in->rate;   /* NAN for a multiplier */
        factor = isnan(in->rate) ? in->rate_multiplier : 1;
    }
    return factor;
}

/* Requests one run of the scenario makes, expected: the open loop's
 * rate (profile and timeline included) integrated over the run, the
 * trace's reads, or the closed loop's workers each at most one request
 * per think time and cache round trip. */
static double expected_requests(const struct model_config *m)
{
    const struct workload_config *w = &m->workload;
    if (w->replay)
        return (double)w->trace.stats.reads;
    if (w->process == ARRIVALS_CLOSED) {
        double cycle = w->think.mean + m->cache.latency.mean;
        return (double)w->workers * m->duration / fmax(cycle, 1e-9);
    }
    enum { STEPS = 4096 };
    double dt = m->duration / STEPS, sum = 0;
    for (int i = 0; i < STEPS; i++) {
        double t = (i + 0.5) * dt, rate;
        double factor = traffic_at(&m->timeline, t, &rate);
        sum += (isnan(rate) ? factor * workload_rate_at(w, t) : rate) * dt;
    }
    return sum;
}

/* "40 min", "2.5 h", "3.1 days". */
static void rough_time(double seconds, char *out, size_t n)
{
    if (seconds < 3600)
        snprintf(out, n, "%.0f min", fmax(1, seconds / 60));
    else if (seconds < 2 * 86400)
        snprintf(out, n, "%.2g h", seconds / 3600);
    else
        snprintf(out, n, "%.2g days", seconds / 86400);
}

/* A run so large that it takes an hour or more, and says nothing
 * meanwhile on a terminal-less stderr but its progress lines. */
static void run_size(struct warnings *w, const struct scenario *s)
{
    const struct model_config *m = &s->model;
    double requests = expected_requests(m);
    double queries = m->db.background_rate * m->duration;
    double per_run = requests * EVENTS_PER_REQUEST + queries * EVENTS_PER_QUERY;
    double events = per_run * (double)s->n_policies;
    if (!(events > WARN_EVENTS))
        return;
    char when[32];
    rough_time(events / EVENTS_PER_SECOND, when, sizeof when);
    const char *path = scenario_field_given(s, "duration") ? "duration"
                       : m->workload.replay ? "workload.trace.file"
                       : m->workload.process == ARRIVALS_CLOSED
                           ? "workload.arrivals.workers"
                           : "workload.arrivals";
    char background[64] = "";
    if (queries > 0)
        snprintf(background, sizeof background, " and %.3g background "
                 "queries", queries);
    add(w, s, path,
        str_printf("a run simulates about %.2g events (%.3g requests%s, "
                   "%zu polic%s): roughly %s at %.0f M events/s",
                   events, requests, background, s->n_policies,
                   s->n_policies == 1 ? "y" : "ies", when,
                   EVENTS_PER_SECOND / 1e6));
}

/* Each policy's risk figure past its limit (scenario_risk.c): PER's
 * early refreshes starting so long before the expiry that its measured
 * delta can feed back. */
static void policy_risks(struct warnings *w, const struct scenario *s)
{
    struct scenario_errors risks;
    scenario_risk_warnings(s, &risks);
    for (size_t i = 0; i < risks.n; i++)
        append(w, risks.lines[i]);
    free(risks.lines);
}

void scenario_warnings(const struct scenario *s,
                       struct scenario_errors *out)
{
    memset(out, 0, sizeof *out);
    struct warnings w = {out, 0};
    for (size_t i = 0; i < s->n_notes; i++)
        add_copy(&w, s->notes[i]);
    ttl_vs_recompute(&w, s);
    recompute_vs_timeout(&w, s);
    background_vs_capacity(&w, s);
    run_vs_ttl(&w, s);
    run_size(&w, s);
    policy_risks(&w, s);
}
