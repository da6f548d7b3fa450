/*
 * rng.c — stream seeding, and the Philox generator as a gsl_rng type.
 * See rng.h.
 */
#include "kernel/rng.h"

#include <Random123/philox.h>
#include <Random123/conventional/gsl_cbrng.h>

/* Random123's adapter: a gsl_rng type whose state is a Philox4x32-10 key
 * and counter; each call takes the next 32-bit word of the block of the
 * counter, and the counter moves on every fourth call. */
GSL_CBRNG(philox4x32_10, philox4x32);

uint64_t rng_mix64(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* FNV-1a: turns the component's name into a number. */
static uint64_t hash_name(const char *name)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

uint64_t rng_stream_seed(uint64_t seed, uint64_t replication,
                         const char *component)
{
    uint64_t h = rng_mix64(seed);
    h = rng_mix64(h ^ replication);
    return rng_mix64(h ^ hash_name(component));
}

gsl_rng *rng_stream_create(uint64_t seed, uint64_t replication,
                           const char *component)
{
    gsl_rng *r = gsl_rng_alloc(&philox4x32_10_type);
    if (!r)
        return NULL;
    uint64_t key = rng_stream_seed(seed, replication, component);
    /* gsl_rng_set zeroes the counter and takes 32 bits of key; the key
     * has 64, so both of its words are set here. */
    gsl_rng_set(r, 0);
    philox4x32_10_state *s = r->state;
    s->key.v[0] = (uint32_t)key;
    s->key.v[1] = (uint32_t)(key >> 32);
    return r;
}
