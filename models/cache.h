/*
 * cache.h — a Redis-like store: values with TTL, a stale window, locks.
 *
 * A key holds (written_at, expires_at, delta). A write sets
 * expires_at = now + ttl * (1 + jitter * U(-1, 1)). A read at t sees the
 * value fresh if t < expires_at, stale if expires_at <= t < expires_at +
 * stale_for, else missing. A lock is a key of its own with a token and an
 * expiry (SET lock token NX PX ttl; compare-and-delete to release).
 *
 * These functions are the commands' *effects*: the client model charges
 * each command a sampled round trip (config.latency) and calls them when the
 * command completes, so they read and change the state of that moment.
 * Every call counts as one command for the cache's own statistics.
 */
#ifndef STAMPEDE_CACHE_H
#define STAMPEDE_CACHE_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernel/dist.h"

enum warm_mode { WARM_STAGGERED, WARM_SYNCHRONIZED, WARM_COLD };

struct cache_config {
    double ttl;          /* seconds; 0 stores nothing */
    double ttl_jitter;   /* fraction: expiry = ttl * (1 + jitter * U(-1, 1)) */
    double stale_for;    /* seconds a value is retained after expiring */
    struct dist latency; /* one round trip of any cache command */
    enum warm_mode warm; /* the state at t = 0 */
};

enum cache_lookup {
    LOOKUP_FRESH,
    LOOKUP_STALE,     /* expired, still retained */
    LOOKUP_MISSING,
};

/* What a GET returns. */
struct cache_value {
    enum cache_lookup state;
    double expires_at;
    double delta;
    double written_at;
};

/* Commands counted since the last cache_stats_collect. */
struct cache_stats {
    uint64_t gets;
    uint64_t get_hits;     /* GETs that found a value, fresh or stale (Redis
                              counts a keyspace hit for any value present) */
    uint64_t sets;         /* SET, and a replayed trace's DEL */
    uint64_t lock_ops;     /* SET NX and compare-and-delete */
};

struct cache;

/* `keys` keys, in the warm state of the config at t = 0: staggered values
 * get a delta drawn from `recompute` (which must outlive the cache: the
 * database's service time). The stream (one of rng_stream_create's)
 * draws the TTL jitter of writes in order; a key's state at t = 0 comes
 * from its substream key + 1, drawn when the key is first used. The
 * stream stays the caller's. Without `locks`, the lock and lease
 * commands must not be used (they abort: a policy that takes locks
 * declares it, policy.h). NULL if memory runs out. */
struct cache *cache_create(const struct cache_config *config, long keys,
                           const struct dist *recompute, gsl_rng *rng,
                           bool locks);
void cache_destroy(struct cache *c);


struct cache_value cache_get(struct cache *c, long key, double now);
/* A hint: `key` will be read soon (its GET is on its way), so its entry
 * can start coming into the processor's cache. Changes nothing. */
void cache_prefetch(const struct cache *c, long key);
/* The state a GET would see, without being a command (for bookkeeping:
 * not counted, no round trip). */
enum cache_lookup cache_peek(struct cache *c, long key, double now);
/* When the key's stored value expires; -INFINITY when none is stored. */
double cache_expiry(struct cache *c, long key);
/* When the key's value at t = 0 (its warm state) expires, whatever has
 * happened to it since; -INFINITY when it had none. */
double cache_initial_expiry(const struct cache *c, long key);
/* Writes a value computed in `delta` seconds; returns when it expires
 * (-INFINITY when the TTL is 0: nothing is stored). */
double cache_set(struct cache *c, long key, double now, double delta);
/* The same with a TTL of the write's own (a replayed trace's), not
 * jittered; ttl <= 0: the cache's, as cache_set. */
double cache_write(struct cache *c, long key, double now, double delta,
                   double ttl);
/* DEL: drops the key's value (not its lock). Counted as a write. */
void cache_delete(struct cache *c, long key);
/* Puts `key` in the state `mode` gives a key at `now` (a replayed key at
 * its first appearance; the cache must have been created cold), drawing
 * from rng. Not a command. */
void cache_warm_key(struct cache *c, long key, double now, enum warm_mode mode,
                    const struct dist *recompute, gsl_rng *rng);
/* SET NX PX: true if the lock was free (or expired) and is now the
 * token's until now + ttl. */
bool cache_lock(struct cache *c, long key, double now, uint64_t token,
                double ttl);
/* Compare-and-delete: releases the lock only if the token holds it. */
bool cache_unlock(struct cache *c, long key, double now, uint64_t token);

/*
 * Leases (memcache's, Nishtala et al., NSDI 2013): a GET of a value that
 * is not fresh hands the key's lease to its token when the lease is free
 * (none, expired, or already the token's), until now + ttl; a SET with a
 * token writes only while the token holds the lease, and releases it. A
 * key's lease is kept where its lock is: a policy uses one or the other.
 */
/* GET with a lease: the value (a GET, counted as one), and *granted when
 * it is not fresh and the lease is now the token's. */
struct cache_value cache_lease_get(struct cache *c, long key, double now,
                                   uint64_t token, double ttl, bool *granted);
/* SET with a lease token (counted as a SET): as cache_set if the token
 * holds the key's lease, which it releases; else nothing is written.
 * Returns whether it wrote; *expires_at is the new value's expiry
 * (-INFINITY when nothing is stored). */
bool cache_lease_set(struct cache *c, long key, double now, uint64_t token,
                     double delta, double *expires_at);
/* Drops every value and lock (a cache restart). */
void cache_flush(struct cache *c);

/* Adds the counts into *into and restarts them. */
void cache_stats_collect(struct cache *c, struct cache_stats *into);
void cache_stats_add(struct cache_stats *into, const struct cache_stats *s);

/* Bytes a cache of `keys` keys needs (for the memory guard), with a
 * lock per key or without. */
double cache_bytes(long keys, bool locks);

#endif
