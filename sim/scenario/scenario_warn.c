/*
 * scenario_warn.c — the warnings about a valid scenario: values that are
 * legal but likely a unit mistake, or that make the run unable to show
 * what it is for. `check` prints them, and run, sweep and calibrate once
 * before they run. Each names the field to look at, where it is.
 */
#include <math.h>
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
}
