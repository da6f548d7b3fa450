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
 * random numbers: as easy as 1, 2, 3", SC 2011), from Random123 (Debian's
 * librandom123-dev), behind GSL's gsl_rng interface through Random123's
 * own adapter, so every gsl_ran_* sampler draws from it. It is counter
 * based: output block n of a stream is the Philox bijection of the counter
 * n under the stream's 64-bit key, so streams with distinct keys are
 * independent by construction (no seeding of a shared recurrence), and
 * any block can be computed directly. It passes TestU01's BigCrush, which
 * MT19937 does not (two linear-complexity tests), and on this project's
 * machine it draws a uniform in half MT19937's time (docs/performance.md
 * has the comparison).
 */
#ifndef STAMPEDE_RNG_H
#define STAMPEDE_RNG_H

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>

/* A strong 64-bit mixing function (splitmix64's finaliser). */
uint64_t rng_mix64(uint64_t x);

/* The 64-bit key of a component's stream. */
uint64_t rng_stream_seed(uint64_t seed, uint64_t replication,
                         const char *component);

/* A new stream for a component; NULL if memory runs out. Free with
 * gsl_rng_free. */
gsl_rng *rng_stream_create(uint64_t seed, uint64_t replication,
                           const char *component);

/* Uniform on (0, 1]: never 0, so log(u) is finite. It is a multiple of
 * 2^-32 (the generator's words are 32 bits), so -log(u) <= 32 ln 2
 * (per.c relies on it). */
static inline double rng_uniform_pos1(gsl_rng *r)
{
    return 1.0 - gsl_rng_uniform(r);
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
