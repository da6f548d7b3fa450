/*
 * rng.c — stream seeding. See rng.h.
 */
#include "kernel/rng.h"

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
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r)
        return NULL;
    uint64_t s = rng_stream_seed(seed, replication, component);
    /* Fold to the 32 bits MT19937 uses; 0 would select GSL's default seed. */
    unsigned long s32 = (unsigned long)((s ^ (s >> 32)) & 0xffffffffu);
    gsl_rng_set(r, s32 ? s32 : 1);
    return r;
}
