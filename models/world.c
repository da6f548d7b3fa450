/*
 * world.c — builds a world, generates its arrivals and window boundaries,
 * runs it, and reports how it ended. A request's life is in client.c,
 * incidents in timeline.c: the world owns both and hands each what it
 * needs (client_params, timeline_ops).
 */
#include "world.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/rng.h"
#include "kernel/sim.h"

/* A closed-loop worker: sends a request, waits for its reply, thinks. */
struct worker {
    struct world *w;
    long index;
    bool busy;              /* a request or a think of it is under way */
};

/* Named streams a policy asked for (world_stream). */
#define WORLD_MAX_POLICY_STREAMS 8

struct world {
    struct sim *sim;
    struct world_params p;
    const struct model_config *m;
    /* streams: each component its own (rng.h) */
    gsl_rng *arrivals, *keys, *work, *coin, *latency, *cache_state;
    gsl_rng *backoff, *think, *bg_arrivals, *bg_work;
    gsl_rng *instance;          /* more than one instance only */
    struct fleet_picker *fleet; /* more than one instance only */
    struct {
        char name[48];
        gsl_rng *rng;
    } policy_streams[WORLD_MAX_POLICY_STREAMS];
    int n_policy_streams;
    struct cache *cache;
    struct db *db;
    struct key_sampler *sampler;
    struct metrics *metrics;
    struct policy_ops policy;   /* p.policy, defaults filled in: its
                                   create, destroy and serves_stale */
    void *policy_state;
    struct client *client;
    long max_in_flight;
    /* arrivals: rate(t) = base(t) * multiplier (traffic incidents) */
    double peak_rate;           /* thinning bound */
    double mean_gap;            /* 1 / peak_rate: the mean candidate gap */
    bool thinning;              /* candidates thinned to a profile */
    bool base_constant;         /* a traffic incident set a constant rate */
    double base_rate;           /* that rate */
    double rate_multiplier;
    size_t profile_next;        /* workload_rate_from's cursor */
    /* a replayed trace: its reader, the record due next, the stream its
     * keys' first states and its writes' deltas are drawn from */
    struct trace_reader *trace;
    struct trace_record record;
    gsl_rng *replay_rng;
    char trace_failure[200];    /* why the replay stopped early */
    struct worker *workers;
    long n_workers;             /* allocated: the most the run asks for */
    long active_workers;
    struct timeline_run incidents;
    double pending_sum;         /* sim_pending at window boundaries */
    uint64_t pending_samples;
    bool out_of_memory;         /* the workers could not be allocated */
};

/* ---- streams ---- */

static gsl_rng *stream(const struct world *w, const char *name)
{
    return rng_stream_create(w->p.seed, w->p.replication, name);
}

gsl_rng *world_stream(struct world *w, const char *name)
{
    for (int i = 0; i < w->n_policy_streams; i++)
        if (strcmp(w->policy_streams[i].name, name) == 0)
            return w->policy_streams[i].rng;
    if (w->n_policy_streams == WORLD_MAX_POLICY_STREAMS)
        return NULL;
    char full[64];
    snprintf(full, sizeof full, "policy.%s", name);
    gsl_rng *r = stream(w, full);
    if (!r)
        return NULL;
    int i = w->n_policy_streams++;
    snprintf(w->policy_streams[i].name, sizeof w->policy_streams[i].name, "%s",
             name);
    w->policy_streams[i].rng = r;
    return r;
}

static bool create_streams(struct world *w)
{
    gsl_rng **slots[] = {&w->arrivals, &w->keys,    &w->work,
                         &w->coin,     &w->latency, &w->cache_state,
                         &w->backoff,  &w->think,   &w->bg_arrivals,
                         &w->bg_work};
    static const char *const NAMES[] = {
        "arrivals", "keys",   "work",  "coin", "cache.latency", "cache.state",
        "backoff",  "think",  "database.background.arrivals",
        "database.background.work",
    };
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
        if (!(*slots[i] = stream(w, NAMES[i])))
            return false;
    return true;
}

static void free_streams(struct world *w)
{
    gsl_rng *all[] = {w->arrivals, w->keys,    w->work,    w->coin,
                      w->latency,  w->cache_state, w->backoff, w->think,
                      w->bg_arrivals, w->bg_work};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i])
            gsl_rng_free(all[i]);
    for (int i = 0; i < w->n_policy_streams; i++)
        gsl_rng_free(w->policy_streams[i].rng);
    if (w->replay_rng)
        gsl_rng_free(w->replay_rng);
    if (w->instance)
        gsl_rng_free(w->instance);
}

/* ---- building ---- */

/* What a world holds whatever its size, measured (RSS of a one-key run
 * less that of the process before it): streams, histograms, the first
 * blocks of requests, queries and events. */
#define WORLD_FIXED_BYTES (4.0 * (1 << 20))

/* What an instance adds: its pool, its peak in each tally, the few
 * in-flight records a policy keeps per instance (one instance is in the
 * fixed part). */
#define WORLD_INSTANCE_BYTES 128.0

static double fleet_bytes(const struct fleet_config *f)
{
    if (f->instances <= 1)
        return 0;
    return fleet_picker_bytes(f) + (double)f->instances * WORLD_INSTANCE_BYTES;
}

double world_memory_estimate(const struct model_config *m,
                             const struct policy_ops *policy,
                             double *keys_part)
{
    const struct workload_config *wl = &m->workload;
    double keys = (double)wl->keys;
    double per_key = cache_bytes(1, policy->takes_locks) + metrics_bytes(1) +
                     client_bytes(1) +
                     (double)policy->key_bytes;
    double by_keys = keys * per_key;
    if (wl->replay)
        by_keys += trace_reader_bytes(&wl->trace.stats);
    double workers = 0;
    if (wl->process == ARRIVALS_CLOSED)
        workers = (double)timeline_max_workers(&m->timeline, wl->workers) *
                  sizeof(struct worker);
    if (keys_part)
        *keys_part = by_keys;
    return by_keys + workers + fleet_bytes(&m->client.fleet) +
           metrics_slo_bytes(&m->slo, m->window) + WORLD_FIXED_BYTES;
}

static void worker_replied(void *worker);

static struct client *create_client(struct world *w)
{
    const struct model_config *m = w->m;
    struct client_params cp = {
        .sim = w->sim,
        .config = &m->client,
        .service = &m->service,
        .keys = m->workload.keys,
        .cache = w->cache,
        .cache_latency = &m->cache.latency,
        .db = w->db,
        .sampler = w->sampler,
        .metrics = w->metrics,
        .policy = w->p.policy,
        .policy_state = w->policy_state,
        .serves_stale = w->policy.serves_stale(w->p.knobs),
        .keys_rng = w->keys,
        .work_rng = w->work,
        .coin_rng = w->coin,
        .latency_rng = w->latency,
        .backoff_rng = w->backoff,
        .fleet = w->fleet,
        .instance_rng = w->instance,
        .max_in_flight = w->max_in_flight,
        .on_reply = worker_replied,
    };
    return client_create(&cp);
}

/* More than one instance: the picker and its stream (a stream of its
 * own, so that no other stream moves and one instance draws nothing). */
static bool create_fleet(struct world *w)
{
    const struct fleet_config *f = &w->m->client.fleet;
    if (f->instances <= 1)
        return true;
    w->fleet = fleet_picker_create(f);
    w->instance = stream(w, "instances");
    return w->fleet && w->instance;
}

static bool create_parts(struct world *w)
{
    const struct model_config *m = w->m;
    struct metrics_params mp = {
        .label = w->p.label,
        .warmup = m->warmup,
        .window = m->window,
        .duration = m->duration,
        .keys = m->workload.keys,
        .instances = m->client.fleet.instances,
        .pool_size = m->client.pool_size,
        .policy = w->p.policy,
        .sink = w->p.sink,
        .sink_ctx = w->p.sink_ctx,
        .slo = &m->slo,
        .slo_reference = timeline_last_at(&m->timeline, m->duration),
    };
    w->sim = sim_create();
    if (!w->sim || !create_streams(w))
        return false;
    sim_set_stop_flag(w->sim, w->p.stop);
    sim_set_ticker(w->sim, WORLD_TICK, w->p.ticker, w->p.ticker_ctx);
    /* a replayed key takes its warm state when it first appears */
    struct cache_config cache = m->cache;
    if (m->workload.replay)
        cache.warm = WARM_COLD;
    w->cache = cache_create(&cache, m->workload.keys, &m->service,
                            w->cache_state, w->p.policy->takes_locks);
    w->db = db_create(w->sim, &m->db, w->bg_arrivals, w->bg_work);
    if (w->db)
        db_set_limit(w->db, w->max_in_flight);
    w->sampler = key_sampler_create(&m->workload);
    w->metrics = metrics_create(&mp);
    if (!w->cache || !w->db || !w->sampler || !w->metrics ||
        !create_fleet(w))
        return false;
    w->policy_state = w->policy.create(w->p.knobs, w);
    /* without a create of its own, the state is its knobs (maybe NULL) */
    if (!w->policy_state && w->p.policy->create)
        return false;
    w->client = create_client(w);
    return w->client != NULL;
}

/* The replay's reader and stream; false with the problem in err. */
static bool open_trace(struct world *w, char *err, size_t n)
{
    const struct trace_config *t = &w->m->workload.trace;
    struct data_error e;
    w->replay_rng = stream(w, "trace");
    if (!w->replay_rng) {
        snprintf(err, n, "out of memory");
        return false;
    }
    w->trace = trace_reader_open(t, &e);
    if (!w->trace) {
        snprintf(err, n, "cannot replay %s:%ld: %s", t->file, e.line,
                 e.message);
        return false;
    }
    return true;
}

struct world *world_create(const struct world_params *p, char *err, size_t n)
{
    struct world *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, n, "out of memory");
        return NULL;
    }
    if (!policy_check(p->policy, err, n)) {
        free(w);
        return NULL;
    }
    w->p = *p;
    policy_complete(p->policy, &w->policy);
    w->m = p->model;
    w->max_in_flight = p->max_in_flight > 0 ? p->max_in_flight
                                            : WORLD_MAX_IN_FLIGHT;
    if (w->m->workload.replay && !open_trace(w, err, n)) {
        world_destroy(w);
        return NULL;
    }
    if (!create_parts(w)) {
        snprintf(err, n, "out of memory while building the world (about "
                 "%.0f MB at start)",
                 world_memory_estimate(w->m, w->p.policy, NULL) / (1 << 20));
        world_destroy(w);
        return NULL;
    }
    return w;
}

void world_destroy(struct world *w)
{
    if (!w)
        return;
    if (w->policy_state)
        w->policy.destroy(w->policy_state);
    trace_reader_close(w->trace);
    db_destroy(w->db);
    cache_destroy(w->cache);
    key_sampler_destroy(w->sampler);
    fleet_picker_destroy(w->fleet);
    metrics_destroy(w->metrics);
    free(w->workers);
    client_destroy(w->client);
    free_streams(w);
    sim_destroy(w->sim);
    free(w);
}

/* ---- arrivals ---- */

/* The arrival rate at t: the scenario's (constant or profile), or the
 * constant a traffic incident set, times the incidents' multiplier. */
static double arrival_rate(struct world *w, double t)
{
    const struct workload_config *wl = &w->m->workload;
    double base = w->base_constant ? w->base_rate
                                   : workload_rate_from(wl, t, &w->profile_next);
    return base * w->rate_multiplier;
}

/* Set with every rate: whether candidates are thinned to a profile. */
static bool needs_thinning(const struct world *w)
{
    return !w->base_constant && w->m->workload.n_profile > 0;
}

static void on_arrival(struct sim *sim, void *payload);

/* The next candidate arrival: the run's source (sim_source_set), since
 * each arrival schedules the next. */
static void schedule_arrival(struct world *w)
{
    if (w->peak_rate > 0)
        sim_source_set(w->sim,
                       sim_now(w->sim) +
                           rng_exponential(w->arrivals, w->mean_gap),
                       on_arrival, w);
}

/* Open loop: a Poisson process at the peak rate, thinned to the rate of
 * the moment (Lewis-Shedler): a candidate at t is kept with probability
 * rate(t) / peak. Both draws come from the arrival stream, so arrivals do
 * not depend on anything else in the world. */
static void on_arrival(struct sim *sim, void *payload)
{
    struct world *w = payload;
    double now = sim_now(sim);
    schedule_arrival(w);
    if (w->thinning &&
        gsl_rng_uniform(w->arrivals) * w->peak_rate >= arrival_rate(w, now))
        return;
    client_start_request(w->client, NULL);
}

/* A rate change: the pending candidate is drawn again at the new bound
 * (the process is memoryless, so nothing is lost by redrawing). */
static void restart_arrivals(struct world *w)
{
    const struct workload_config *wl = &w->m->workload;
    double base = w->base_constant ? w->base_rate : workload_peak_rate(wl);
    w->peak_rate = base * w->rate_multiplier;
    /* a division per arrival was on the path of every request */
    w->mean_gap = 1 / w->peak_rate;
    w->thinning = needs_thinning(w);
    sim_source_clear(w->sim);
    schedule_arrival(w);
}

static void set_rate(void *world, double rate)
{
    struct world *w = world;
    w->base_constant = true;
    w->base_rate = rate;
    w->rate_multiplier = 1;
    restart_arrivals(w);
}

static void scale_rate(void *world, double factor)
{
    struct world *w = world;
    w->rate_multiplier = factor;
    restart_arrivals(w);
}

/* ---- a replayed trace ---- */

/* What one row of the trace does: a read is a request, through the
 * policy; a write or a delete changes the cache at once (another client's
 * command, not one of the simulated requests). A key takes its warm state
 * when it first appears. */
static void replay(struct world *w, const struct trace_record *rec,
                   double now)
{
    const struct model_config *m = w->m;
    if (rec->first)
        cache_warm_key(w->cache, rec->key, now, m->cache.warm, &m->service,
                       w->replay_rng);
    switch (rec->op) {
    case TRACE_READ:
        client_start_request_for(w->client, NULL, rec->key);
        break;
    case TRACE_WRITE:
        cache_write(w->cache, rec->key, now,
                    dist_sample(&m->service, w->replay_rng), rec->ttl);
        metrics_episode_write(w->metrics, rec->key, now);
        break;
    case TRACE_DELETE:
        cache_delete(w->cache, rec->key);
        break;
    }
}

static void on_record(struct sim *sim, void *payload);

/* Reads the next row and schedules it; a row that cannot be read stops
 * the run (the file changed since the scenario was loaded). */
static void next_record(struct world *w)
{
    struct data_error e;
    int got = trace_reader_next(w->trace, &w->record, &e);
    if (got > 0 && sim_schedule(w->sim, w->record.at, on_record, w))
        return;
    if (got < 0)
        snprintf(w->trace_failure, sizeof w->trace_failure, "%.60s:%ld: "
                 "%.100s", w->m->workload.trace.file, e.line, e.message);
    if (got != 0)
        sim_halt(w->sim);
}

static void on_record(struct sim *sim, void *payload)
{
    struct world *w = payload;
    replay(w, &w->record, sim_now(sim));
    next_record(w);
}

/* ---- closed loop ---- */

static void worker_next(struct sim *sim, void *payload)
{
    struct worker *k = payload;
    (void)sim;
    if (k->index >= k->w->active_workers) {
        k->busy = false;   /* retired by a traffic incident */
        return;
    }
    client_start_request(k->w->client, k);
}

static void worker_think(struct worker *k)
{
    struct world *w = k->w;
    k->busy = true;
    sim_after(w->sim, dist_sample(&w->m->workload.think, w->think),
              worker_next, k);
}

/* The client's on_reply: the worker's request replied. */
static void worker_replied(void *worker) { worker_think(worker); }

/* More workers start after a think; fewer finish what they are doing. */
static void set_workers(void *world, long n)
{
    struct world *w = world;
    if (n > w->n_workers)
        n = w->n_workers;
    long before = w->active_workers;
    w->active_workers = n;
    for (long i = before; i < n; i++)
        if (!w->workers[i].busy)
            worker_think(&w->workers[i]);
}

static bool start_arrivals(struct world *w)
{
    const struct workload_config *wl = &w->m->workload;
    w->rate_multiplier = 1;
    if (wl->replay) {
        next_record(w);
        return true;
    }
    if (wl->process == ARRIVALS_POISSON) {
        restart_arrivals(w);
        return true;
    }
    w->n_workers = timeline_max_workers(&w->m->timeline, wl->workers);
    w->workers = calloc((size_t)w->n_workers, sizeof *w->workers);
    if (!w->workers)
        return false;
    for (long i = 0; i < w->n_workers; i++)
        w->workers[i] = (struct worker){w, i, false};
    /* Each worker starts after one think time, so they do not all send
     * their first request at t = 0. */
    set_workers(w, wl->workers);
    return true;
}

/* ---- incidents: what the timeline may do to the world ---- */

static void flush_cache(void *world)
{
    struct world *w = world;
    cache_flush(w->cache);
}

static void set_capacity(void *world, struct db_capacity capacity)
{
    struct world *w = world;
    db_set_capacity(w->db, capacity);
}

static void set_service_multiplier(void *world, double multiplier)
{
    struct world *w = world;
    db_set_service_multiplier(w->db, multiplier);
}

static const struct timeline_ops INCIDENT_OPS = {
    .flush_cache = flush_cache,
    .set_capacity = set_capacity,
    .set_service_multiplier = set_service_multiplier,
    .set_rate = set_rate,
    .scale_rate = scale_rate,
    .set_workers = set_workers,
};

/* ---- windows ---- */

static void close_segment(struct world *w, bool last)
{
    metrics_close_segment(w->metrics, sim_now(w->sim), w->db, w->cache,
                          w->policy_state, last);
}

static void on_boundary(struct sim *sim, void *payload);

/* The next window end strictly inside the run (the last one is closed by
 * world_run itself). */
static void schedule_boundary(struct world *w, double after)
{
    double k = floor(after / w->m->window + 1e-9) + 1;
    double next = k * w->m->window;
    if (next < w->m->duration)
        sim_schedule(w->sim, next, on_boundary, w);
}

static void on_boundary(struct sim *sim, void *payload)
{
    struct world *w = payload;
    w->pending_sum += (double)sim_pending(sim);
    w->pending_samples++;
    close_segment(w, false);
    schedule_boundary(w, sim_now(sim));
}

static void on_warmup_end(struct sim *sim, void *payload)
{
    (void)sim;
    close_segment(payload, false);
}

/* ---- running ---- */

static void describe_end(struct world *w, enum sim_status status,
                         struct world_result *out)
{
    out->end = WORLD_COMPLETE;
    out->reason[0] = '\0';
    if (status == SIM_INTERRUPTED) {
        out->end = WORLD_INTERRUPTED;
        snprintf(out->reason, sizeof out->reason,
                 "interrupted at t = %.3f s", out->ended_at);
    } else if (client_overloaded(w->client)) {
        out->end = WORLD_OVERLOADED;
        snprintf(out->reason, sizeof out->reason,
                 "stopped at t = %.3f s: more than %ld requests in flight "
                 "(the system cannot keep up; raise the limit with "
                 "--max-in-flight)", out->ended_at, w->max_in_flight);
    } else if (db_over_limit(w->db)) {
        out->end = WORLD_OVERLOADED;
        snprintf(out->reason, sizeof out->reason,
                 "stopped at t = %.3f s: more than %ld queries at the "
                 "database, abandoned or background ones included (it cannot "
                 "keep up; raise the limit with --max-in-flight)",
                 out->ended_at, w->max_in_flight);
    } else if (w->trace_failure[0]) {
        out->end = WORLD_INPUT_FAILED;
        snprintf(out->reason, sizeof out->reason, "stopped at t = %.3f s: "
                 "the trace could not be read: %.130s", out->ended_at,
                 w->trace_failure);
    } else if (w->out_of_memory || client_out_of_memory(w->client) ||
               db_out_of_memory(w->db) || status == SIM_OUT_OF_MEMORY) {
        out->end = WORLD_OUT_OF_MEMORY;
        snprintf(out->reason, sizeof out->reason,
                 "stopped at t = %.3f s: out of memory", out->ended_at);
    }
}

/* The policy's risk figure under the run's own load: the hottest key's
 * reads per measured second, the recompute p99 of the measured run. */
static void note_risk(struct world *w, const struct run_totals *t)
{
    const struct hist *response = t->all.tally->db.response;
    double arrivals = (double)t->all.tally->arrivals;
    struct policy_load load = {
        .rate = t->measured > 0 ? arrivals / t->measured *
                                      workload_hottest_share(&w->m->workload)
                                : NAN,
        .recompute_p99 = response->count ? hist_quantile(response, 0.99)
                                         : NAN,
        .ttl = w->m->cache.ttl};
    struct policy_risk risk;
    if (policy_knob_risk(&w->policy, w->p.knobs, &load, &risk))
        metrics_set_risk(w->metrics, risk.value, risk.limit);
}

void world_run(struct world *w, struct world_result *out)
{
    memset(out, 0, sizeof *out);
    const struct model_config *m = w->m;
    enum sim_status status = SIM_OUT_OF_MEMORY;
    if (start_arrivals(w)) {
        timeline_schedule(&w->incidents, w->sim, &m->timeline,
                          &INCIDENT_OPS, w);
        schedule_boundary(w, 0);
        if (m->warmup > 0 && m->warmup < m->duration)
            sim_schedule(w->sim, m->warmup, on_warmup_end, w);
        status = sim_run(w->sim, m->duration);
    } else {
        w->out_of_memory = true;
    }
    out->ended_at = sim_now(w->sim);
    close_segment(w, true);
    out->events = sim_events(w->sim);
    out->arrivals = client_arrivals(w->client);
    out->mean_pending = w->pending_samples
                            ? w->pending_sum / (double)w->pending_samples
                            : (double)sim_pending(w->sim);
    describe_end(w, status, out);
    out->totals = metrics_finish(w->metrics, out->ended_at,
                                 client_unreplied(w->client));
    note_risk(w, out->totals);
}

/* ---- the world, as a policy sees it ---- */

long world_keys(const struct world *w) { return w->m->workload.keys; }

long world_instances(const struct world *w)
{
    return w->m->client.fleet.instances;
}

double world_value_expiry(const struct world *w, long key)
{
    return cache_initial_expiry(w->cache, key);
}
