/*
 * cache.c — the store behind cache.h. Two arrays indexed by key, O(1) per
 * command: the values (16 bytes a key) and, for a policy that takes locks,
 * the locks (16 bytes a key, zeroed, so that their memory is touched only
 * by the keys that are locked).
 *
 * A value keeps its expiry in double precision (the clock's: it is
 * compared with the clock and with other expiries), but its delta and its
 * TTL (when it was written: the expiry less the TTL) in single precision,
 * a relative error below 6e-8 on durations: 16 bytes a key instead of 24,
 * what lets a catalog of 10^7 keys fit in well under 64 bytes a key.
 *
 * A key's state at t = 0 (its warm state) is drawn when the key is first
 * used, from the substream key + 1 of the cache's stream: a function of
 * (seed, replication, key) alone, the same whenever it is drawn, so a
 * catalog of 10^7 keys is not warmed key by key before the run starts,
 * and the memory of keys nobody reads is never touched. A bit a key says
 * whether its entry holds its state yet.
 */
#include "cache.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/keyarray.h"

struct entry {
    double expires_at;   /* -INFINITY: no value */
    float delta;         /* seconds */
    float ttl;           /* seconds: it was written at expires_at - ttl;
                            INFINITY with no value */
};
_Static_assert(sizeof(struct entry) == 16, "a value is 16 bytes");

#define NO_VALUE ((struct entry){-INFINITY, 0, INFINITY})

/* Zero is a free lock: simulated time is never negative. */
struct lock {
    double until;        /* the lock is held while now < until */
    uint64_t token;
};

struct cache {
    struct cache_config config;
    long keys;
    struct entry *entries;
    uint64_t *ready;            /* bit k: entries[k] holds key k's state */
    struct lock *locks;
    bool locked;                /* a lock command has run: flush clears */
    const struct dist *recompute;   /* the delta of a warm value */
    gsl_rng *rng;               /* TTL jitter of writes, in order
                                   (substream 0) */
    gsl_rng *first;             /* substream k + 1: key k's warm state */
    struct cache_stats stats;
};

/* A duration in single precision; one past a float's range (a TTL of
 * 10^39 s is accepted) is infinite, as IEEE rounding would make it,
 * without the conversion C leaves undefined. */
static float single(double seconds)
{
    return seconds < FLT_MAX ? (float)seconds : INFINITY;
}

static size_t ready_words(long keys) { return ((size_t)keys + 63) / 64; }

/* Every key without a value, its state set (a flush). */
static void clear_entries(struct cache *c)
{
    for (long k = 0; k < c->keys; k++)
        c->entries[k] = NO_VALUE;
    memset(c->ready, 0xff, ready_words(c->keys) * sizeof *c->ready);
    if (c->locked)
        memset(c->locks, 0, (size_t)c->keys * sizeof *c->locks);
}

/* The lifetime of a value written now: ttl, jittered. */
static double ttl_draw(const struct cache *c, gsl_rng *rng)
{
    double ttl = c->config.ttl;
    if (c->config.ttl_jitter > 0)
        ttl *= 1 + c->config.ttl_jitter * (2 * gsl_rng_uniform(rng) - 1);
    return ttl;
}

/* A key's state as `mode` makes it at `now` (DESIGN.md §4 "Initial
 * state"): staggered, written at a uniformly random moment of the last
 * TTL; synchronized, written now. */
static void warm_entry(const struct cache *c, struct entry *e, double now,
                       enum warm_mode mode, const struct dist *recompute,
                       gsl_rng *rng)
{
    if (mode == WARM_COLD || c->config.ttl <= 0)
        return;
    double ttl = ttl_draw(c, rng);
    if (mode == WARM_STAGGERED)
        e->expires_at = now + ttl * gsl_rng_uniform(rng);
    else
        e->expires_at = now + ttl;
    e->ttl = single(ttl);
    e->delta = single(dist_sample(recompute, rng));
}

/* Key k's state at t = 0, from its own substream. */
static struct entry first_state(const struct cache *c, long key)
{
    struct entry e = NO_VALUE;
    if (c->config.warm == WARM_COLD || c->config.ttl <= 0)
        return e;
    rng_substream(c->first, (uint64_t)key + 1);
    warm_entry(c, &e, 0, c->config.warm, c->recompute, c->first);
    return e;
}

/* The key's first use: its state drawn. Out of line, so that the hit
 * path, which takes it once per key, does not pay for its registers. */
static __attribute__((noinline)) struct entry *first_use(struct cache *c,
                                                         long key)
{
    c->ready[key >> 6] |= UINT64_C(1) << (key & 63);
    c->entries[key] = first_state(c, key);
    return &c->entries[key];
}

/* The key's entry, holding its state: its first use draws it. */
static inline struct entry *entry_of(struct cache *c, long key)
{
    if (__builtin_expect(!(c->ready[key >> 6] >> (key & 63) & 1), 0))
        return first_use(c, key);
    return &c->entries[key];
}

static inline enum cache_lookup state_of(const struct cache *c,
                                         const struct entry *e, double now)
{
    if (now < e->expires_at)
        return LOOKUP_FRESH;
    if (now < e->expires_at + c->config.stale_for)
        return LOOKUP_STALE;
    return LOOKUP_MISSING;
}

void cache_warm_key(struct cache *c, long key, double now, enum warm_mode mode,
                    const struct dist *recompute, gsl_rng *rng)
{
    warm_entry(c, entry_of(c, key), now, mode, recompute, rng);
}

double cache_initial_expiry(const struct cache *c, long key)
{
    return first_state(c, key).expires_at;
}

/* A key: its entry, its bit, and its lock if kept. */
double cache_bytes(long keys, bool locks)
{
    double lock = locks ? (double)sizeof(struct lock) : 0;
    return (double)keys * ((double)sizeof(struct entry) + lock + 1.0 / 8);
}

struct cache *cache_create(const struct cache_config *config, long keys,
                           const struct dist *recompute, gsl_rng *rng,
                           bool locks)
{
    struct cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->config = *config;
    c->keys = keys;
    c->recompute = recompute;
    c->rng = rng;
    /* the same key: substreams 1.. never meet rng's substream 0 */
    c->first = gsl_rng_clone(rng);
    c->entries = key_array_alloc((size_t)keys, sizeof *c->entries);
    c->ready = key_array_alloc(ready_words(keys), sizeof *c->ready);
    if (locks)
        c->locks = key_array_alloc((size_t)keys, sizeof *c->locks);
    if (!c->first || !c->entries || !c->ready || (locks && !c->locks)) {
        cache_destroy(c);
        return NULL;
    }
    return c;
}

void cache_destroy(struct cache *c)
{
    if (!c)
        return;
    free(c->entries);
    free(c->ready);
    free(c->locks);
    if (c->first)
        gsl_rng_free(c->first);
    free(c);
}

enum cache_lookup cache_peek(struct cache *c, long key, double now)
{
    return state_of(c, entry_of(c, key), now);
}

double cache_expiry(struct cache *c, long key)
{
    return entry_of(c, key)->expires_at;
}

void cache_prefetch(const struct cache *c, long key)
{
    __builtin_prefetch(&c->entries[key]);
}

struct cache_value cache_get(struct cache *c, long key, double now)
{
    const struct entry *e = entry_of(c, key);
    struct cache_value v = {state_of(c, e, now), e->expires_at, e->delta,
                            e->expires_at - e->ttl};
    c->stats.gets++;
    if (v.state != LOOKUP_MISSING)
        c->stats.get_hits++;
    return v;
}

double cache_write(struct cache *c, long key, double now, double delta,
                   double ttl)
{
    c->stats.sets++;
    if (ttl <= 0) {
        if (c->config.ttl <= 0)
            return -INFINITY;   /* ttl 0 stores nothing */
        ttl = ttl_draw(c, c->rng);
    }
    /* every field is written: the key's first state need not be drawn */
    c->ready[key >> 6] |= UINT64_C(1) << (key & 63);
    struct entry *e = &c->entries[key];
    e->expires_at = now + ttl;
    e->ttl = single(ttl);
    e->delta = single(delta);
    return e->expires_at;
}

double cache_set(struct cache *c, long key, double now, double delta)
{
    return cache_write(c, key, now, delta, 0);
}

void cache_delete(struct cache *c, long key)
{
    c->stats.sets++;
    entry_of(c, key)->expires_at = -INFINITY;
}

/* The key's lock. A cache made without locks has none: its policy locks
 * without declaring it (takes_locks), a bug that would otherwise write
 * through a null pointer. */
static struct lock *lock_of(struct cache *c, long key)
{
    if (!c->locks) {
        fprintf(stderr, "stampede: a lock or lease command on a cache made "
                "without locks (a policy that takes locks must say so: "
                "takes_locks)\n");
        abort();
    }
    return &c->locks[key];
}

bool cache_lock(struct cache *c, long key, double now, uint64_t token,
                double ttl)
{
    c->stats.lock_ops++;
    c->locked = true;
    struct lock *l = lock_of(c, key);
    if (now < l->until)
        return false;
    l->until = now + ttl;
    l->token = token;
    return true;
}

bool cache_unlock(struct cache *c, long key, double now, uint64_t token)
{
    c->stats.lock_ops++;
    struct lock *l = lock_of(c, key);
    if (now >= l->until || l->token != token)
        return false;
    l->until = -INFINITY;
    return true;
}

struct cache_value cache_lease_get(struct cache *c, long key, double now,
                                   uint64_t token, double ttl, bool *granted)
{
    struct cache_value v = cache_get(c, key, now);
    struct lock *l = lock_of(c, key);
    *granted = false;
    if (v.state == LOOKUP_FRESH)
        return v;
    c->locked = true;
    if (now < l->until && l->token != token)
        return v;   /* a hot miss: another token holds the lease */
    if (!(now < l->until))
        l->until = now + ttl;
    l->token = token;
    *granted = true;
    return v;
}

bool cache_lease_set(struct cache *c, long key, double now, uint64_t token,
                     double delta, double *expires_at)
{
    struct lock *l = lock_of(c, key);
    if (now >= l->until || l->token != token) {
        c->stats.sets++;   /* refused, but a command all the same */
        *expires_at = -INFINITY;
        return false;
    }
    l->until = -INFINITY;
    *expires_at = cache_set(c, key, now, delta);
    return true;
}

void cache_flush(struct cache *c) { clear_entries(c); }

void cache_stats_add(struct cache_stats *into, const struct cache_stats *s)
{
    into->gets += s->gets;
    into->get_hits += s->get_hits;
    into->sets += s->sets;
    into->lock_ops += s->lock_ops;
}

void cache_stats_collect(struct cache *c, struct cache_stats *into)
{
    cache_stats_add(into, &c->stats);
    memset(&c->stats, 0, sizeof c->stats);
}
