/*
 * rng.h — independent, reproducible random streams (GSL's MT19937).
 *
 * Every model component draws from its own stream, seeded from
 * (scenario seed, replication, component name) through a mixing hash. The
 * component is named, not numbered, so adding a component never shifts the
 * seeds of the others, and a component draws the same numbers whatever
 * other components exist or do (the basis of common random numbers).
 *
 * GSL's MT19937 takes a 32-bit seed; the 64-bit mix is folded to 32 bits,
 * so two distinct (seed, replication, component) triples collide with
 * probability 2^-32 — negligible for the few dozen streams of a run.
 */
#ifndef STAMPEDE_RNG_H
#define STAMPEDE_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* A strong 64-bit mixing function (splitmix64's finaliser). */
uint64_t rng_mix64(uint64_t x);

/* The seed of a component's stream. */
uint64_t rng_stream_seed(uint64_t seed, uint64_t replication,
                         const char *component);

/* A new stream for a component; NULL if memory runs out. Free with
 * gsl_rng_free. */
gsl_rng *rng_stream_create(uint64_t seed, uint64_t replication,
                           const char *component);

/* Uniform on (0, 1]: never 0, so log(u) is finite. With MT19937 it is a
 * multiple of 2^-32, so -log(u) <= 32 ln 2 (per.c relies on it). */
static inline double rng_uniform_pos1(gsl_rng *r)
{
    return 1.0 - gsl_rng_uniform(r);
}

#endif
