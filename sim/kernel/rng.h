/*
 * rng.h — independent, reproducible random streams.
 *
 * Every model component draws from its own stream, seeded from
 * (scenario seed, replication, component name) through a mixing hash. The
 * component is named, not numbered, so adding a component never shifts the
 * seeds of the others, and a component draws the same numbers whatever
 * other components exist or do (the basis of common random numbers).
 *
 * The generator is Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel
 * random numbers: as easy as 1, 2, 3", SC 2011; Random123, Debian's
 * librandom123-dev), as a gsl_rng type of this file's own, so every
 * gsl_ran_* sampler draws from it. It is counter based: block c of a
 * stream is the Philox bijection of the 128-bit counter c under the
 * stream's 64-bit key, four 32-bit words at a time. Streams with distinct
 * keys are independent by construction, and any block can be computed
 * directly, without the ones before it.
 *
 * That gives every stream substreams: the counter's high 64 bits name a
 * substream, its low 64 bits count blocks within it. A plain stream is
 * substream 0, drawn in order. rng_substream() moves a stream to the
 * start of substream i, so the numbers drawn next are a function of (seed,
 * replication, component, i) alone, whatever was drawn before: what only
 * some requests need (the query's work, the first coin, the instance) is
 * drawn from the substream of the request's number, only when it is
 * needed, and is the same for every policy that needs it. (The key, which
 * every request needs, is drawn at arrival, in arrival order, from a
 * plain stream.)
 *
 * Chosen by measurement (tools/generators.c, docs/performance.md): of
 * GSL's MT19937 and taus2 and Random123's Philox and Threefry variants,
 * Philox4x32-10 is among the fastest here, passes TestU01's BigCrush
 * (which MT19937 and taus2 do not: linear-complexity and matrix-rank
 * tests), and repositions in O(1).
 */
#ifndef STAMPEDE_RNG_H
#define STAMPEDE_RNG_H

#include <assert.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>

/* A strong 64-bit mixing function (splitmix64's finaliser). */
uint64_t rng_mix64(uint64_t x);

/* The 64-bit key of a component's stream. */
uint64_t rng_stream_seed(uint64_t seed, uint64_t replication,
                         const char *component);

/* A new stream for a component, at the start of substream 0; NULL if
 * memory runs out. Free with gsl_rng_free. */
gsl_rng *rng_stream_create(uint64_t seed, uint64_t replication,
                           const char *component);

/* The generator's state, visible so that the draws below are inline (a
 * draw is a few instructions; a call through gsl_rng's function pointers
 * cost as much again). */
struct rng_state {
    uint32_t counter[4];   /* [0], [1]: the next block; [2], [3]: the
                              substream */
    uint32_t key[2];
    uint32_t block[4];     /* the words of the last block computed */
    uint32_t left;         /* of which block[0 .. left) are not used yet */
};

/* The gsl_rng type of the streams (rng_stream_create's). */
extern const gsl_rng_type rng_philox_type;

/* Computes the block at the counter into s->block and moves the counter
 * on (called once every four words). */
void rng_refill(struct rng_state *s);

/* Moves r to the start of its substream `index`: the next draws are that
 * substream's first, whatever r drew before. O(1). r must be a stream of
 * rng_stream_create. */
static inline void rng_substream(gsl_rng *r, uint64_t index)
{
    /* another generator's state would be overwritten with nonsense */
    assert(r->type == &rng_philox_type);
    struct rng_state *s = r->state;
    s->counter[0] = s->counter[1] = 0;
    s->counter[2] = (uint32_t)index;
    s->counter[3] = (uint32_t)(index >> 32);
    s->left = 0;
}

/* The next 32-bit word: inline for the streams of rng_stream_create,
 * through GSL for any other generator (tests may hand one in). */
static inline uint32_t rng_word(gsl_rng *r)
{
    if (r->type != &rng_philox_type)
        return (uint32_t)gsl_rng_get(r);
    struct rng_state *s = r->state;
    if (s->left == 0)
        rng_refill(s);
    return s->block[--s->left];
}

/* Uniform on (0, 1]: never 0, so log(u) is finite. It is a multiple of
 * 2^-32 (the generator's words are 32 bits), so -log(u) <= 32 ln 2
 * (xfetch.c relies on it). */
static inline double rng_uniform_pos1(gsl_rng *r)
{
    return ((double)rng_word(r) + 1.0) * 0x1p-32;
}

/* Uniform on [0, 1) with 53 random bits (two words): for an inversion
 * whose tail is finer than 2^-32, such as a Zipf key among 10^7, where
 * one word's 2^32 values would give the last keys a few points each. */
static inline double rng_uniform53(gsl_rng *r)
{
    uint64_t hi = rng_word(r) >> 5, lo = rng_word(r) >> 6;   /* 27 + 26 */
    return (double)(hi << 26 | lo) * 0x1p-53;
}

/* Exponential with the given mean, by inversion: -mean ln(u) with u in
 * (0, 1]. gsl_ran_exponential computes -mean log1p(-u) instead, whose
 * log1p costs three times a log here and buys nothing for a u that is
 * never 0. */
static inline double rng_exponential(gsl_rng *r, double mean)
{
    return -mean * log(rng_uniform_pos1(r));
}

#endif
