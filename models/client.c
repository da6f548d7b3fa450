/*
 * client.c — one request's life: cache read -> policy -> database ->
 * reply, as a small state machine driven by events (no coroutines).
 *
 * Each action a policy takes (read, recompute, lock, unlock, sleep) is one
 * cache round trip, one query, or one timer; `pending` counts those under
 * way. A request is done when it has replied and nothing is pending: it
 * may keep working after its reply (a background refresh, an unlock).
 * Requests come from a free list, so steady state allocates nothing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/rng.h"
#include "world_internal.h"

#define REQUESTS_PER_BLOCK 1024

/* ---- allocation ---- */

static bool add_block(struct world *w)
{
    if (w->n_blocks == w->cap_blocks) {
        size_t cap = w->cap_blocks ? w->cap_blocks * 2 : 16;
        void **b = realloc(w->blocks, cap * sizeof *b);
        if (!b)
            return false;
        w->blocks = b;
        w->cap_blocks = cap;
    }
    struct request *block = malloc(REQUESTS_PER_BLOCK * sizeof *block);
    if (!block)
        return false;
    w->blocks[w->n_blocks++] = block;
    for (int i = 0; i < REQUESTS_PER_BLOCK; i++) {
        block[i].next_free = w->free_requests;
        w->free_requests = &block[i];
    }
    return true;
}

static struct request *request_alloc(struct world *w)
{
    if (!w->free_requests && !add_block(w))
        return NULL;
    struct request *r = w->free_requests;
    w->free_requests = r->next_free;
    return r;
}

void client_free_requests(struct world *w)
{
    for (size_t i = 0; i < w->n_blocks; i++)
        free(w->blocks[i]);
    free(w->blocks);
    w->blocks = NULL;
    w->n_blocks = w->cap_blocks = 0;
    w->free_requests = NULL;
}

/* Frees the request if it has replied and nothing is under way. Every
 * event handler of a request ends with it. */
static void settle(struct request *r)
{
    if (!r->replied || r->pending > 0)
        return;
    struct world *w = r->w;
    w->in_flight--;
    r->next_free = w->free_requests;
    w->free_requests = r;
}

static const struct policy_ops *ops(const struct request *r)
{
    return r->w->p.policy;
}

/* ---- arrival ---- */

void client_start_request(struct world *w, struct worker *worker)
{
    if (w->in_flight >= w->max_in_flight) {
        w->overloaded = true;
        sim_halt(w->sim);
        return;
    }
    struct request *r = request_alloc(w);
    if (!r) {
        w->out_of_memory = true;
        sim_halt(w->sim);
        return;
    }
    memset(r, 0, offsetof(struct request, policy_data));
    memset(r->policy_data, 0, sizeof r->policy_data);
    r->w = w;
    r->id = ++w->next_request_id;
    r->arrival = sim_now(w->sim);
    r->worker = worker;
    /* what belongs to the request, in arrival order (common random numbers) */
    r->key = key_sampler_draw(w->sampler, w->keys);
    /* in a large catalog the key's entry is out of the processor's cache:
     * start loading it now, a round trip before the GET reads it */
    cache_prefetch(w->cache, r->key);
    r->work = dist_sample(&w->m->service, w->work);
    r->coin = rng_uniform_pos1(w->coin);
    w->count->arrivals++;
    w->unreplied++;
    w->in_flight++;
    req_read(r);
}

/* ---- what a policy reads ---- */

void *req_policy_data(struct request *r) { return r->policy_data; }
long req_key(const struct request *r) { return r->key; }
double req_now(const struct request *r) { return sim_now(r->w->sim); }
double req_arrival(const struct request *r) { return r->arrival; }
uint64_t req_id(const struct request *r) { return r->id; }
bool req_replied(const struct request *r) { return r->replied; }
double req_written_expiry(const struct request *r) { return r->written_expiry; }

double req_coin(struct request *r, gsl_rng *own)
{
    if (!r->coin_used) {
        r->coin_used = true;
        return r->coin;
    }
    return rng_uniform_pos1(own);
}

/* ---- read ---- */

static void on_get_done(struct sim *sim, void *payload)
{
    struct request *r = payload;
    struct world *w = r->w;
    r->pending--;
    double now = sim_now(sim);
    struct cache_value v = cache_get(w->cache, r->key, now);
    struct cache_view view = {CACHE_MISSING, v.expires_at, v.delta};
    if (v.state == LOOKUP_FRESH)
        view.state = CACHE_FRESH;
    else if (v.state == LOOKUP_STALE && w->serves_stale)
        view.state = CACHE_STALE;
    else
        r->episode = metrics_episode_miss(w->metrics, r->key, now);
    ops(r)->on_read(w->policy_state, r, &view);
    settle(r);
}

void req_read(struct request *r)
{
    struct world *w = r->w;
    r->pending++;
    sim_after(w->sim, cache_latency(w->cache, w->latency), on_get_done, r);
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
    r->w->active[r->key]--;
}

static void on_set_done(struct sim *sim, void *payload)
{
    struct request *r = payload;
    struct world *w = r->w;
    r->pending--;
    double now = sim_now(sim);
    r->written_expiry = cache_set(w->cache, r->key, now, r->op_arg);
    metrics_episode_write(w->metrics, r->key, now);
    end_recompute(r);
    ops(r)->on_recomputed(w->policy_state, r, RECOMPUTE_OK);
    settle(r);
}

static void on_query_result(void *owner, enum db_result result,
                            double response_time)
{
    struct request *r = owner;
    struct world *w = r->w;
    r->pending--;
    if (result == DB_OK) {
        /* the value is written with the query's duration as its delta,
         * as the client would time it (DESIGN.md §4) */
        r->op_arg = response_time;
        r->pending++;
        sim_after(w->sim, cache_latency(w->cache, w->latency), on_set_done, r);
        return;
    }
    end_recompute(r);
    w->count->recompute_failed++;
    ops(r)->on_recomputed(w->policy_state, r, recompute_result_of(result));
    settle(r);
}

void req_recompute(struct request *r, enum recompute_cause cause)
{
    struct world *w = r->w;
    w->count->recomputes[cause]++;
    if (w->active[r->key] > 0)
        w->count->overlapping++;
    /* A recompute for a missing value that another request has written
     * since this one read it (the race a lock without recheck loses). */
    if (cause != CAUSE_EARLY &&
        cache_peek(w->cache, r->key, sim_now(w->sim)) == LOOKUP_FRESH)
        w->count->redundant++;
    w->active[r->key]++;
    if (cause != CAUSE_EARLY)
        metrics_episode_query(w->metrics, r->key, r->episode);
    r->pending++;
    if (db_submit(w->db, r->work, on_query_result, r) == 0) {
        if (!db_over_limit(w->db))
            w->out_of_memory = true;
        sim_halt(w->sim);
    }
}

/* ---- locks ---- */

static void on_lock_done(struct sim *sim, void *payload)
{
    struct request *r = payload;
    struct world *w = r->w;
    r->pending--;
    bool acquired = cache_lock(w->cache, r->key, sim_now(sim), r->id, r->op_arg);
    ops(r)->on_lock(w->policy_state, r, acquired);
    settle(r);
}

void req_try_lock(struct request *r, double ttl)
{
    struct world *w = r->w;
    r->op_arg = ttl;
    r->pending++;
    sim_after(w->sim, cache_latency(w->cache, w->latency), on_lock_done, r);
}

static void on_unlock_done(struct sim *sim, void *payload)
{
    struct request *r = payload;
    struct world *w = r->w;
    r->pending--;
    bool released = cache_unlock(w->cache, r->key, sim_now(sim), r->id);
    if (ops(r)->on_unlocked)
        ops(r)->on_unlocked(w->policy_state, r, released);
    settle(r);
}

void req_unlock(struct request *r)
{
    struct world *w = r->w;
    r->pending++;
    sim_after(w->sim, cache_latency(w->cache, w->latency), on_unlock_done, r);
}

/* ---- timers ---- */

static void on_wake(struct sim *sim, void *payload)
{
    (void)sim;
    struct request *r = payload;
    r->pending--;
    ops(r)->on_wake(r->w->policy_state, r);
    settle(r);
}

void req_sleep(struct request *r, double seconds)
{
    r->pending++;
    sim_after(r->w->sim, seconds, on_wake, r);
}

/* ---- the end of a request ---- */

void req_reply(struct request *r, enum outcome outcome)
{
    if (r->replied)
        return;   /* a policy bug would double count; the first reply wins */
    struct world *w = r->w;
    double now = sim_now(w->sim);
    r->replied = true;
    w->unreplied--;
    w->count->outcomes[outcome]++;
    /* errors are counted apart, not in the latency of replies (§5) */
    if (outcome != OUTCOME_ERROR)
        hist_record(w->count->latency, now - r->arrival);
    if (r->worker)
        world_worker_replied(r->worker);
}

static void on_retry(struct sim *sim, void *payload)
{
    (void)sim;
    struct request *r = payload;
    r->pending--;
    req_read(r);
}

void req_fail(struct request *r, enum error_cause cause, bool retryable)
{
    struct world *w = r->w;
    const struct client_config *c = &w->m->client;
    if (r->replied)
        return;
    if (retryable && r->attempt < c->retries) {
        /* capped exponential backoff with full jitter */
        double cap = fmin(c->backoff_max, c->backoff * ldexp(1, r->attempt));
        r->attempt++;
        r->pending++;
        sim_after(w->sim, cap * gsl_rng_uniform(w->backoff), on_retry, r);
        return;
    }
    w->count->errors[cause]++;
    req_reply(r, OUTCOME_ERROR);
}

/* ---- the world, as a policy sees it ---- */

long world_keys(const struct world *w) { return w->m->workload.keys; }

double world_value_expiry(const struct world *w, long key)
{
    return cache_expiry(w->cache, key);
}
