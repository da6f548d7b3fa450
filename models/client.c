/*
 * client.c — one request's life: cache read -> policy -> database ->
 * reply, as a small state machine driven by events (no coroutines).
 *
 * Each action a policy takes (read, recompute, lock, unlock, sleep) is one
 * cache round trip, one query, or one timer; `pending` counts those under
 * way. A request is done when it has replied and nothing is pending: it
 * may keep working after its reply (a background refresh, an unlock).
 * Requests come from a free list, so steady state allocates nothing; each
 * ends with the running policy's per-request state (request_bytes), so a
 * request is as large as that policy needs and no larger.
 */
#include "client.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/keyarray.h"
#include "kernel/rng.h"

#define REQUESTS_PER_BLOCK 1024
/* Catalogs larger than this are prefetched: below, their entries stay in
 * the processor's cache (a few hundred KB) and the hint is a wasted call. */
#define PREFETCH_KEYS 16384

struct request {
    struct client *c;
    uint64_t id;            /* the arrival's number, from 1: unique in the
                               run, the lock token, and the substream of
                               every draw that belongs to the request */
    long key;
    double arrival;
    double work;            /* the query's work, once work_drawn */
    uint64_t episode;       /* episode of its last missing read; 0: none */
    int attempt;            /* retries so far */
    int pending;            /* actions under way (cache ops, query, sleep) */
    bool replied;
    bool work_drawn;
    bool coin_used;         /* its first coin has been drawn */
    bool leased;            /* its read got the key's lease: its write
                               carries its token */
    bool waiting;           /* in req_wait: nothing under way but the wait */
    double lock_ttl;        /* the TTL of its try-lock (or lease) under way */
    double write_delta;     /* the delta its write stores: its query's
                               response time, as the policy stores it */
    double written_expiry;  /* expiry of the value its last recompute wrote */
    void *owner;            /* closed loop: the worker whose request it is */
    struct request *next_free;
    /* the policy's own (req_state): request_bytes, zeroed at arrival */
    _Alignas(max_align_t) unsigned char policy_state[];
};

struct client {
    struct client_params p;     /* what the world handed it */
    struct policy_ops policy;   /* p.policy, defaults filled in: what a
                                   request calls */
    bool own_attempt;           /* the policy has an on_attempt of its own */
    struct tally *count;        /* the metrics' current segment */
    uint32_t *active;           /* per key: recomputes that may still write */
    /* requests */
    size_t state_bytes;         /* the policy's request_bytes */
    size_t stride;              /* bytes between two requests of a block */
    struct request *free_requests;
    void **blocks;              /* allocations the requests come from */
    size_t n_blocks, cap_blocks;
    uint64_t next_request_id;
    uint64_t unreplied;
    long in_flight;             /* allocated requests (replied or not) */
    bool overloaded;
    bool out_of_memory;
};

struct client *client_create(const struct client_params *p)
{
    struct client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->p = *p;
    policy_complete(p->policy, &c->policy);
    c->own_attempt = p->policy->on_attempt != NULL;
    c->state_bytes = p->policy->request_bytes;
    /* rounded up so that every request of a block is aligned as the first */
    size_t align = _Alignof(struct request);
    c->stride = (offsetof(struct request, policy_state) + c->state_bytes +
                 align - 1) / align * align;
    c->count = metrics_current(p->metrics);
    c->active = key_array_alloc((size_t)p->keys, sizeof *c->active);
    if (!c->active) {
        free(c);
        return NULL;
    }
    return c;
}

double client_bytes(long keys) { return (double)keys * sizeof(uint32_t); }

bool client_overloaded(const struct client *c) { return c->overloaded; }
bool client_out_of_memory(const struct client *c) { return c->out_of_memory; }
uint64_t client_arrivals(const struct client *c) { return c->next_request_id; }
uint64_t client_unreplied(const struct client *c) { return c->unreplied; }

/* ---- allocation ---- */

static bool add_block(struct client *c)
{
    if (c->n_blocks == c->cap_blocks) {
        size_t cap = c->cap_blocks ? c->cap_blocks * 2 : 16;
        void **b = realloc(c->blocks, cap * sizeof *b);
        if (!b)
            return false;
        c->blocks = b;
        c->cap_blocks = cap;
    }
    unsigned char *block = malloc(REQUESTS_PER_BLOCK * c->stride);
    if (!block)
        return false;
    c->blocks[c->n_blocks++] = block;
    for (size_t i = 0; i < REQUESTS_PER_BLOCK; i++) {
        struct request *r = (struct request *)(block + i * c->stride);
        r->next_free = c->free_requests;
        c->free_requests = r;
    }
    return true;
}

static struct request *request_alloc(struct client *c)
{
    if (!c->free_requests && !add_block(c))
        return NULL;
    struct request *r = c->free_requests;
    c->free_requests = r->next_free;
    return r;
}

void client_destroy(struct client *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_blocks; i++)
        free(c->blocks[i]);
    free(c->blocks);
    free(c->active);
    free(c);
}

/* Frees the request if it has replied and nothing is under way. Every
 * event handler of a request ends with it. */
static void settle(struct request *r)
{
    if (!r->replied || r->pending > 0)
        return;
    struct client *c = r->c;
    c->in_flight--;
    r->next_free = c->free_requests;
    c->free_requests = r;
}

static const struct policy_ops *ops(const struct request *r)
{
    return &r->c->policy;
}

/* ---- arrival ---- */

void client_start_request_for(struct client *c, void *owner, long key)
{
    if (c->in_flight >= c->p.max_in_flight) {
        c->overloaded = true;
        sim_halt(c->p.sim);
        return;
    }
    struct request *r = request_alloc(c);
    if (!r) {
        c->out_of_memory = true;
        sim_halt(c->p.sim);
        return;
    }
    /* The fields read before they are written; the others (work,
     * lock_ttl, write_delta, written_expiry) are set before each use. */
    r->c = c;
    r->id = ++c->next_request_id;
    r->arrival = sim_now(c->p.sim);
    r->owner = owner;
    r->key = 0;
    r->episode = 0;
    r->attempt = r->pending = 0;
    r->replied = r->work_drawn = r->coin_used = r->leased = r->waiting =
        false;
    if (c->state_bytes)
        memset(r->policy_state, 0, c->state_bytes);
    /* The key is drawn for every request, in arrival order: the key of
     * request n is the same for every policy. What only some requests
     * need (the query's work, the instance, the first coin) is drawn
     * when needed, from the request's own substream (request_work,
     * req_instance, req_coin). */
    if (key >= 0)
        r->key = key;
    else if (c->p.keys > 1)   /* one key: nothing to draw */
        r->key = key_sampler_draw(c->p.sampler, c->p.keys_rng);
    /* in a large catalog the key's entry is out of the processor's cache:
     * start loading it now, a round trip before the GET reads it */
    if (c->p.keys > PREFETCH_KEYS)
        cache_prefetch(c->p.cache, r->key);
    c->count->arrivals++;
    c->unreplied++;
    c->in_flight++;
    /* a policy without an attempt of its own reads first: called
     * directly, the hit path saves a call through the table */
    if (c->own_attempt)
        ops(r)->on_attempt(c->p.policy_state, r);
    else
        req_read(r);
    settle(r);
}

/* ---- what a policy reads ---- */

void *req_state(struct request *r, size_t bytes)
{
    if (bytes > r->c->state_bytes) {
        /* a policy reading past its slot would write into the next
         * request: stop before it does */
        fprintf(stderr, "stampede: policy \"%s\" reads %zu bytes of "
                "per-request state but declares request_bytes %zu\n",
                r->c->p.policy->name, bytes, r->c->state_bytes);
        abort();
    }
    return r->policy_state;
}
long req_key(const struct request *r) { return r->key; }

/* A function of (seed, replication, request number) alone, drawn from
 * the request's substream at each call (only misses and recomputes ask):
 * nothing is kept, and with one instance nothing is drawn. */
long req_instance(const struct request *r)
{
    const struct client *c = r->c;
    if (!c->p.fleet)
        return 0;
    rng_substream(c->p.instance_rng, r->id);
    return fleet_pick(c->p.fleet, c->p.instance_rng);
}
double req_now(const struct request *r) { return sim_now(r->c->p.sim); }
double req_arrival(const struct request *r) { return r->arrival; }
uint64_t req_id(const struct request *r) { return r->id; }
bool req_replied(const struct request *r) { return r->replied; }
double req_written_expiry(const struct request *r) { return r->written_expiry; }

double req_coin(struct request *r, gsl_rng *own)
{
    if (!r->coin_used) {
        r->coin_used = true;
        rng_substream(r->c->p.coin_rng, r->id);
        return rng_uniform_pos1(r->c->p.coin_rng);
    }
    return rng_uniform_pos1(own);
}

/* The work its query needs, drawn at the first recompute from the
 * request's substream: the same for every policy that recomputes it. */
static double request_work(struct request *r)
{
    if (!r->work_drawn) {
        r->work_drawn = true;
        rng_substream(r->c->p.work_rng, r->id);
        r->work = dist_sample(r->c->p.service, r->c->p.work_rng);
    }
    return r->work;
}

/* ---- cache commands: one round trip, then `done` ---- */

static void cache_round_trip(struct request *r, event_fn done)
{
    struct client *c = r->c;
    r->pending++;
    sim_after(c->p.sim, dist_sample(c->p.cache_latency, c->p.latency_rng),
              done, r);
}

/* ---- read ---- */

/* What the policy is shown of a GET's result; a missing read (or a stale
 * one the policy does not serve) is part of the key's miss episode. */
static struct cache_view view_of(struct request *r, struct cache_value v,
                                 double now)
{
    struct client *c = r->c;
    struct cache_view view = {CACHE_MISSING, v.expires_at, v.delta,
                              v.written_at, false};
    if (v.state == LOOKUP_FRESH)
        view.state = CACHE_FRESH;
    else if (v.state == LOOKUP_STALE && c->p.serves_stale)
        view.state = CACHE_STALE;
    else
        r->episode = metrics_episode_miss(c->p.metrics, r->key, now);
    return view;
}

static void on_get_done(struct sim *sim, void *payload)
{
    struct request *r = payload;
    struct client *c = r->c;
    r->pending--;
    double now = sim_now(sim);
    struct cache_view view =
        view_of(r, cache_get(c->p.cache, r->key, now), now);
    ops(r)->on_read(c->p.policy_state, r, &view);
    settle(r);
}

void req_read(struct request *r) { cache_round_trip(r, on_get_done); }

static void on_lease_get_done(struct sim *sim, void *payload)
{
    struct request *r = payload;
    struct client *c = r->c;
    r->pending--;
    double now = sim_now(sim);
    bool granted;
    struct cache_value v = cache_lease_get(c->p.cache, r->key, now, r->id,
                                           r->lock_ttl, &granted);
    struct cache_view view = view_of(r, v, now);
    view.lease_granted = granted;
    r->leased = granted;
    ops(r)->on_read(c->p.policy_state, r, &view);
    settle(r);
}

void req_lease_read(struct request *r, double lease_ttl)
{
    r->lock_ttl = lease_ttl;
    cache_round_trip(r, on_lease_get_done);
}

/* ---- recompute: query, then write ---- */

static enum recompute_result recompute_result_of(enum db_result result)
{
    switch (result) {
    case DB_OK: return RECOMPUTE_OK;
    case DB_TIMEOUT: return RECOMPUTE_TIMEOUT;
    case DB_POOL_TIMEOUT: return RECOMPUTE_POOL_TIMEOUT;
    case DB_REFUSED: return RECOMPUTE_REFUSED;
    }
    return RECOMPUTE_TIMEOUT;
}

static void end_recompute(struct request *r)
{
    r->c->active[r->key]--;
}

/* The write: a lease holder's carries its token, and is refused when
 * the token no longer holds the lease. */
static void on_set_done(struct sim *sim, void *payload)
{
    struct request *r = payload;
    struct client *c = r->c;
    r->pending--;
    double now = sim_now(sim);
    bool written = true;
    if (r->leased) {
        r->leased = false;
        written = cache_lease_set(c->p.cache, r->key, now, r->id,
                                  r->write_delta, &r->written_expiry);
    } else {
        r->written_expiry = cache_set(c->p.cache, r->key, now, r->write_delta);
    }
    if (written)
        metrics_episode_write(c->p.metrics, r->key, now);
    end_recompute(r);
    ops(r)->on_recomputed(c->p.policy_state, r,
                          written ? RECOMPUTE_OK : RECOMPUTE_REJECTED);
    settle(r);
}

static void on_query_result(void *owner, enum db_result result,
                            double response_time)
{
    struct request *r = owner;
    struct client *c = r->c;
    r->pending--;
    if (result == DB_OK) {
        /* the value is written with the query's duration as its delta,
         * as the client would time it (DESIGN.md §4), through the
         * policy's estimator */
        r->write_delta = ops(r)->stored_delta(c->p.policy_state, r,
                                              response_time);
        cache_round_trip(r, on_set_done);
        return;
    }
    end_recompute(r);
    c->count->recompute_failed++;
    ops(r)->on_recomputed(c->p.policy_state, r,
                          recompute_result_of(result));
    settle(r);
}

void req_recompute(struct request *r, enum recompute_cause cause)
{
    struct client *c = r->c;
    c->count->recomputes[cause]++;
    if (c->active[r->key] > 0)
        c->count->overlapping++;
    /* A recompute for a missing value that another request has written
     * since this one read it (the race a lock without recheck loses). */
    if (cause != CAUSE_EARLY &&
        cache_peek(c->p.cache, r->key, sim_now(c->p.sim)) == LOOKUP_FRESH)
        c->count->redundant++;
    c->active[r->key]++;
    if (cause != CAUSE_EARLY)
        metrics_episode_query(c->p.metrics, r->key, r->episode);
    r->pending++;
    if (db_submit(c->p.db, req_instance(r), request_work(r), on_query_result,
                  r) == 0) {
        if (!db_over_limit(c->p.db))
            c->out_of_memory = true;
        sim_halt(c->p.sim);
    }
}

/* ---- locks ---- */

static void on_lock_done(struct sim *sim, void *payload)
{
    struct request *r = payload;
    struct client *c = r->c;
    r->pending--;
    bool acquired =
        cache_lock(c->p.cache, r->key, sim_now(sim), r->id, r->lock_ttl);
    ops(r)->on_lock(c->p.policy_state, r, acquired);
    settle(r);
}

void req_try_lock(struct request *r, double ttl)
{
    r->lock_ttl = ttl;
    cache_round_trip(r, on_lock_done);
}

static void on_unlock_done(struct sim *sim, void *payload)
{
    struct request *r = payload;
    struct client *c = r->c;
    r->pending--;
    bool released = cache_unlock(c->p.cache, r->key, sim_now(sim), r->id);
    ops(r)->on_unlocked(c->p.policy_state, r, released);
    settle(r);
}

void req_unlock(struct request *r) { cache_round_trip(r, on_unlock_done); }

/* ---- timers ---- */

static void on_wake(struct sim *sim, void *payload)
{
    (void)sim;
    struct request *r = payload;
    r->pending--;
    ops(r)->on_wake(r->c->p.policy_state, r);
    settle(r);
}

void req_sleep(struct request *r, double seconds)
{
    r->pending++;
    sim_after(r->c->p.sim, seconds, on_wake, r);
}

/* The wait is pending from req_wait to the on_wake that ends it. */
void req_wait(struct request *r)
{
    r->pending++;
    r->waiting = true;
}

void req_wake(struct request *r)
{
    if (!r->waiting)
        return;
    r->waiting = false;
    sim_after(r->c->p.sim, 0, on_wake, r);
}

/* ---- the end of a request ---- */

void req_reply(struct request *r, enum outcome outcome)
{
    if (r->replied)
        return;   /* a policy bug would double count; the first reply wins */
    struct client *c = r->c;
    double now = sim_now(c->p.sim);
    r->replied = true;
    c->unreplied--;
    c->count->outcomes[outcome]++;
    /* errors are counted apart, not in the latency of replies (§5) */
    if (outcome != OUTCOME_ERROR)
        hist_record(c->count->latency, now - r->arrival);
    if (r->owner)
        c->p.on_reply(r->owner);
}

static void on_retry(struct sim *sim, void *payload)
{
    (void)sim;
    struct request *r = payload;
    r->pending--;
    ops(r)->on_attempt(r->c->p.policy_state, r);
    settle(r);
}

void req_fail(struct request *r, enum error_cause cause, bool retryable)
{
    struct client *c = r->c;
    const struct client_config *cfg = c->p.config;
    if (r->replied)
        return;
    if (retryable && r->attempt < cfg->retries) {
        /* capped exponential backoff with full jitter */
        double cap = fmin(cfg->backoff_max,
                          cfg->backoff * ldexp(1, r->attempt));
        r->attempt++;
        r->pending++;
        sim_after(c->p.sim, cap * gsl_rng_uniform(c->p.backoff_rng), on_retry,
                  r);
        return;
    }
    c->count->errors[cause]++;
    req_reply(r, OUTCOME_ERROR);
}
