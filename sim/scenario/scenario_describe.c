/*
 * scenario_describe.c — `stampede check`'s one-screen description of what
 * a scenario will simulate, with the numbers that predict a stampede.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario/scenario.h"

static const char *fmt_duration(double s, char buf[32])
{
    duration_format(s, buf, 32);
    return buf;
}

static void describe_run(const struct scenario *s, FILE *out)
{
    char a[32], b[32], c[32];
    const struct model_config *m = &s->model;
    fprintf(out, "scenario  %s  (%s)\n", s->name, s->path);
    if (s->description[0])
        fprintf(out, "          %s\n", s->description);
    fprintf(out, "run       %s", fmt_duration(m->duration, a));
    if (m->warmup > 0)
        fprintf(out, " including a %s warmup", fmt_duration(m->warmup, b));
    fprintf(out, "; %s windows; seed %llu\n", fmt_duration(m->window, c),
            (unsigned long long)s->seed);
}

/* What the scan of a replayed trace found. */
static void describe_trace(const struct workload_config *w, FILE *out)
{
    const struct trace_config *t = &w->trace;
    const struct trace_stats *s = &t->stats;
    char a[32];
    fprintf(out, "workload  trace replay: %s (%s), ", t->file,
            TRACE_FORMAT_NAMES[t->format]);
    if (t->speed != 1)
        fprintf(out, "at speed %g, ", t->speed);
    fprintf(out, "%s of requests%s\n", fmt_duration(s->span / t->speed, a),
            s->whole_seconds ? " (whole seconds: spread over each)" : "");
    fprintf(out, "          %llu requests: %llu reads, %llu writes, %llu "
            "deletes; %.4g reads/s on average, %.4g in the busiest second\n",
            (unsigned long long)s->rows, (unsigned long long)s->reads,
            (unsigned long long)s->writes, (unsigned long long)s->deletes,
            (double)s->reads / s->span * t->speed, workload_peak_rate(w));
    fprintf(out, "          %ld key%s; the most read has %.3g%% of the "
            "reads\n", w->keys, w->keys == 1 ? "" : "s",
            100 * workload_hottest_share(w));
}

static void describe_workload(const struct workload_config *w, FILE *out)
{
    char a[32], d[160];
    if (w->replay) {
        describe_trace(w, out);
        return;
    }
    fprintf(out, "workload  ");
    if (w->process == ARRIVALS_CLOSED) {
        dist_describe(&w->think, d, sizeof d);
        fprintf(out, "closed loop: %ld workers, think %s\n", w->workers, d);
    } else if (w->n_profile > 0) {
        fprintf(out, "Poisson arrivals following a %zu-point profile, peak "
                "%g req/s (last point at %s)\n", w->n_profile,
                workload_peak_rate(w),
                fmt_duration(w->profile[w->n_profile - 1].at, a));
        if (w->profile_file)
            fprintf(out, "          profile from %s (rates x%g, times / "
                    "%g)\n", w->profile_file, w->profile_scale,
                    w->profile_speed);
    } else {
        fprintf(out, "Poisson arrivals at %g req/s\n", w->rate);
    }
    fprintf(out, "          %ld key%s", w->keys, w->keys == 1 ? "" : "s");
    if (w->keys > 1) {
        if (w->popularity == KEYS_ZIPF)
            fprintf(out, ", Zipf(%g) popularity", w->zipf_s);
        else
            fprintf(out, ", uniform popularity");
    }
    fprintf(out, "\n");
}

static void describe_cache(const struct cache_config *c, FILE *out)
{
    static const char *const WARM[] = {"staggered over one TTL",
                                       "all written at t = 0", "empty"};
    char a[32], b[32], d[160];
    dist_describe(&c->latency, d, sizeof d);
    fprintf(out, "cache     ttl %s", fmt_duration(c->ttl, a));
    if (c->ttl_jitter > 0)
        fprintf(out, " +/- %g%%", c->ttl_jitter * 100);
    if (c->stale_for > 0)
        fprintf(out, ", kept stale %s more", fmt_duration(c->stale_for, b));
    fprintf(out, "; round trip %s; starts %s\n", d, WARM[c->warm]);
}

/* Work-seconds per second the database can do at most. */
static void describe_database(const struct model_config *m, FILE *out)
{
    const struct db_config *db = &m->db;
    char d[160];
    dist_describe(&m->service, d, sizeof d);
    fprintf(out, "database  %s ", db->discipline == DB_PS
                                      ? "processor sharing"
                                      : "FCFS queue");
    if (db->capacity.usl)
        fprintf(out, "on a USL curve (sigma %g, kappa %g; peak %.3g "
                "work-s/s)", db->capacity.sigma, db->capacity.kappa,
                db_capacity_max(&m->db.capacity));
    else
        fprintf(out, "on %d core%s", db->capacity.cores,
                db->capacity.cores == 1 ? "" : "s");
    fprintf(out, "; work per query %s\n", d);
    double qps = db_capacity_qps(&m->db.capacity, m->service.mean);
    fprintf(out, "          capacity about %.4g queries/s", qps);
    if (db->max_connections > 0)
        fprintf(out, "; at most %ld connections", db->max_connections);
    fprintf(out, "; timed-out queries %s\n",
            db->cancel_on_timeout ? "are cancelled" : "keep running");
    if (db->background_rate > 0) {
        double load = db->background_rate * db->background_service.mean;
        fprintf(out, "          background %g queries/s: %.0f%% of capacity "
                "before any miss\n", db->background_rate,
                100 * load / db_capacity_max(&m->db.capacity));
    }
}

/* A fleet's line: how many instances, how requests reach them, and the
 * connections they hold together against the database's limit. */
static void describe_fleet(const struct model_config *m, FILE *out)
{
    const struct fleet_config *f = &m->client.fleet;
    if (f->instances == 1 && !f->weights)
        return;
    double lo = 1, hi = 1, sum = 0;
    for (long i = 0; f->weights && i < f->instances; i++) {
        sum += f->weights[i];
        lo = i ? fmin(lo, f->weights[i]) : f->weights[i];
        hi = i ? fmax(hi, f->weights[i]) : f->weights[i];
    }
    fprintf(out, "fleet     %ld application instances, requests spread ",
            f->instances);
    if (f->weights)
        fprintf(out, "by weight (%.3g%% to %.3g%% each)", 100 * lo / sum,
                100 * hi / sum);
    else
        fprintf(out, "uniformly");
    fprintf(out, "; each its own pool of %ld: %.0f connections in all",
            m->client.pool_size,
            (double)f->instances * (double)m->client.pool_size);
    if (m->db.max_connections > 0)
        fprintf(out, " against the database's %ld", m->db.max_connections);
    fprintf(out, "\n");
}

static void describe_client(const struct client_config *c, FILE *out)
{
    char a[32], b[32], e[32], f[32];
    fprintf(out, "client    %spool of %ld (wait up to %s), query timeout %s",
            c->fleet.instances > 1 ? "per instance, " : "",
            c->pool_size, fmt_duration(c->pool_timeout, a),
            fmt_duration(c->timeout, b));
    if (c->retries > 0)
        fprintf(out, ", %ld retr%s (backoff %s, at most %s)", c->retries,
                c->retries == 1 ? "y" : "ies", fmt_duration(c->backoff, e),
                fmt_duration(c->backoff_max, f));
    else
        fprintf(out, ", no retries");
    fprintf(out, "\n");
}

/* The no-protection stampede size for the hottest key: 1 + λ(Δ + r). */
/* A fleet whose instances each coalesce their own misses: instance j
 * (share w_j of the requests) queries once per expiry if it reads the key
 * while the first query (of the instance that read first, j with
 * probability w_j) and its write are under way, `window` seconds:
 *     1 + sum_j (1 - w_j)(1 - exp(-lambda w_j window)),
 * 1 + (N - 1)(1 - exp(-(lambda / N) window)) for N even shares. */
static void describe_coalesced(const struct model_config *m, double lambda,
                               double window, FILE *out)
{
    const struct fleet_config *f = &m->client.fleet;
    if (f->instances <= 1)
        return;
    double total = 0, expected = 1;
    for (long j = 0; f->weights && j < f->instances; j++)
        total += f->weights[j];
    for (long j = 0; j < f->instances; j++) {
        double w = f->weights ? f->weights[j] / total
                              : 1 / (double)f->instances;
        expected += (1 - w) * (1 - exp(-lambda * w * window));
    }
    fprintf(out, "          with each of the %ld instances coalescing its "
            "own misses: about %.4g queries per expiry\n", f->instances,
            expected);
}

static void describe_stampede(const struct model_config *m, FILE *out)
{
    const struct workload_config *w = &m->workload;
    double share = workload_hottest_share(w);
    double delta = m->service.mean, r = m->cache.latency.mean;
    char a[32], b[32];
    if (w->process == ARRIVALS_CLOSED) {
        fprintf(out, "stampede  closed loop: at most %ld requests in flight, "
                "so at most that many queries per expiry\n", w->workers);
        return;
    }
    double lambda = workload_peak_rate(w) * share;
    double size = 1 + lambda * (delta + r);
    fprintf(out, "stampede  hottest key: %.4g req/s (%.3g%% of traffic); "
            "recompute %s + write %s\n", lambda, share * 100,
            fmt_duration(delta, a), fmt_duration(r, b));
    fprintf(out, "          without protection about 1 + lambda(delta + r) = "
            "%.4g queries per expiry", size);
    double qps = db_capacity_qps(&m->db.capacity, delta);
    if (size > 1)
        fprintf(out, ", %.2g x the database's capacity per second", size / qps);
    fprintf(out, "\n");
    describe_coalesced(m, lambda, delta + r, out);
}

/* Labels and names in columns at least 12 and 6 wide, wider for the
 * longest (refresh_ahead). */
static void describe_policies(const struct scenario *s, FILE *out)
{
    int label_w = 12, name_w = 6;
    for (size_t i = 0; i < s->n_policies; i++) {
        const struct policy_spec *p = &s->policies[i];
        if ((int)strlen(p->label) > label_w)
            label_w = (int)strlen(p->label);
        if ((int)strlen(p->ops->name) > name_w)
            name_w = (int)strlen(p->ops->name);
    }
    for (size_t i = 0; i < s->n_policies; i++) {
        char knobs[320];
        const struct policy_spec *p = &s->policies[i];
        policy_knob_describe(p->ops, p->knobs, knobs, sizeof knobs);
        fprintf(out, "%-9s %-*s %-*s %s\n", i == 0 ? "policies" : "",
                label_w, p->label, name_w, p->ops->name, knobs);
    }
}

/* Each policy's risk figure (PER's early-refresh lead at the recompute's
 * p99 against the TTL): one line each, the label first. */
static void describe_risks(const struct scenario *s, FILE *out)
{
    bool first = true;
    for (size_t i = 0; i < s->n_policies; i++) {
        struct policy_risk r;
        if (!scenario_policy_risk(s, i, &r))
            continue;
        fprintf(out, "%-9s %s: %s%s\n", first ? "feedback" : "",
                s->policies[i].label, r.says,
                r.value > r.limit ? ", past it (see the warning)" : "");
        first = false;
    }
}

static void describe_timeline(const struct timeline *t, double duration,
                              FILE *out)
{
    for (size_t i = 0; i < t->n; i++) {
        char at[32];
        duration_format(t->events[i].at, at, sizeof at);
        fprintf(out, "%-9s at %-8s %s%s\n", i == 0 ? "timeline" : "", at,
                t->events[i].label,
                t->events[i].at >= duration ? " (after the end: never)" : "");
    }
}

/* "slo       p99 <= 250ms, errors <= 0.1%, over 1s windows" */
static void describe_slo(const struct slo_config *c, FILE *out)
{
    if (!c->set)
        return;
    char a[32], b[32];
    const char *sep = "";
    fprintf(out, "slo       ");
    if (!isnan(c->limit[SLO_P99])) {
        fprintf(out, "p99 <= %s", fmt_duration(c->limit[SLO_P99], a));
        sep = ", ";
    }
    if (!isnan(c->limit[SLO_ERROR_RATE])) {
        fprintf(out, "%serrors <= %g%%", sep, 100 * c->limit[SLO_ERROR_RATE]);
        sep = ", ";
    }
    if (!isnan(c->limit[SLO_HIT_RATIO])) {
        fprintf(out, "%shits >= %g%%", sep, 100 * c->limit[SLO_HIT_RATIO]);
        sep = ", ";
    }
    if (!isnan(c->limit[SLO_DB_UTILIZATION]))
        fprintf(out, "%sdatabase utilisation <= %g%%", sep,
                100 * c->limit[SLO_DB_UTILIZATION]);
    fprintf(out, "; judged over %s windows\n", fmt_duration(c->window, b));
}

void scenario_describe(const struct scenario *s, FILE *out)
{
    describe_run(s, out);
    describe_workload(&s->model.workload, out);
    describe_cache(&s->model.cache, out);
    describe_database(&s->model, out);
    describe_client(&s->model.client, out);
    describe_fleet(&s->model, out);
    describe_stampede(&s->model, out);
    describe_policies(s, out);
    describe_risks(s, out);
    describe_timeline(&s->model.timeline, s->model.duration, out);
    describe_slo(&s->model.slo, out);
}
