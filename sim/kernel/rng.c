/*
 * rng.c — stream seeding, and Philox4x32-10 as a gsl_rng type. See rng.h.
 */
#include "kernel/rng.h"

#include <Random123/philox.h>
#include <string.h>

/* ---- the generator, as GSL sees it ---- */

void rng_refill(struct rng_state *s)
{
    philox4x32_ctr_t c = {{s->counter[0], s->counter[1], s->counter[2],
                           s->counter[3]}};
    philox4x32_key_t k = {{s->key[0], s->key[1]}};
    philox4x32_ctr_t out = philox4x32(c, k);
    memcpy(s->block, out.v, sizeof s->block);
    s->left = 4;
    /* the block counter is 64 bits; the substream's half never moves */
    if (++s->counter[0] == 0)
        ++s->counter[1];
}

static unsigned long philox_get(void *state)
{
    struct rng_state *s = state;
    if (s->left == 0)
        rng_refill(s);
    return s->block[--s->left];
}

static double philox_get_double(void *state)
{
    return (double)philox_get(state) * 0x1p-32;
}

/* gsl_rng_set: a 32-bit key, substream 0 (rng_stream_create sets all 64
 * bits of the key itself). */
static void philox_set(void *state, unsigned long seed)
{
    struct rng_state *s = state;
    memset(s, 0, sizeof *s);
    s->key[0] = (uint32_t)seed;
}

const gsl_rng_type rng_philox_type = {
    "philox4x32-10",
    0xffffffffUL,                 /* max */
    0,                            /* min */
    sizeof(struct rng_state),
    philox_set,
    philox_get,
    philox_get_double,
};

/* ---- streams ---- */

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
    gsl_rng *r = gsl_rng_alloc(&rng_philox_type);
    if (!r)
        return NULL;
    uint64_t key = rng_stream_seed(seed, replication, component);
    struct rng_state *s = r->state;
    s->key[0] = (uint32_t)key;
    s->key[1] = (uint32_t)(key >> 32);
    return r;
}
