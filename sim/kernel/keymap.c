/*
 * keymap.c — see keymap.h.
 *
 * slots[] holds id + 1 (0: empty) at the key's hash position or after it;
 * recs[id] says where the key's bytes are in the arena and keeps its hash,
 * so that growing the table never rehashes a key and a probe compares
 * bytes only when the hashes agree.
 */
#include "kernel/keymap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_SLOTS 1024u
#define FIRST_ARENA 4096u

struct key_rec {
    uint64_t offset;   /* in the arena */
    uint32_t len;
    uint32_t hash;
};

struct keymap {
    uint32_t *slots;
    size_t n_slots;         /* a power of two */
    struct key_rec *recs;
    size_t n_keys, cap_keys;
    char *arena;
    size_t arena_used, arena_cap;
};

/* FNV-1a, then a final mix so that the low bits (the slot) depend on
 * every byte. */
static uint32_t hash_of(const char *key, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return (uint32_t)h;
}

struct keymap *keymap_create(void)
{
    struct keymap *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->slots = calloc(FIRST_SLOTS, sizeof *m->slots);
    if (!m->slots) {
        free(m);
        return NULL;
    }
    m->n_slots = FIRST_SLOTS;
    return m;
}

void keymap_destroy(struct keymap *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m->recs);
    free(m->arena);
    free(m);
}

long keymap_count(const struct keymap *m) { return (long)m->n_keys; }

/* Doubles the table and puts every id back at its hash's place. */
static bool grow_slots(struct keymap *m)
{
    size_t n = m->n_slots * 2;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return false;
    for (size_t id = 0; id < m->n_keys; id++) {
        size_t i = m->recs[id].hash & (n - 1);
        while (slots[i])
            i = (i + 1) & (n - 1);
        slots[i] = (uint32_t)id + 1;
    }
    free(m->slots);
    m->slots = slots;
    m->n_slots = n;
    return true;
}

static bool grow(void **p, size_t *cap, size_t need, size_t size,
                 size_t first)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : first;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

/* Adds the key as the next id at slot i. */
static long add(struct keymap *m, size_t i, const char *key, size_t len,
                uint32_t h)
{
    if (m->n_keys >= (size_t)KEYMAP_MAX_KEYS || len > UINT32_MAX ||
        !grow((void **)&m->recs, &m->cap_keys, m->n_keys + 1,
              sizeof *m->recs, 1024) ||
        !grow((void **)&m->arena, &m->arena_cap, m->arena_used + len, 1,
              FIRST_ARENA))
        return -1;
    memcpy(m->arena + m->arena_used, key, len);
    size_t id = m->n_keys++;
    m->recs[id] = (struct key_rec){m->arena_used, (uint32_t)len, h};
    m->arena_used += len;
    m->slots[i] = (uint32_t)id + 1;
    if (2 * m->n_keys > m->n_slots && !grow_slots(m)) {
        /* the key is in, but the table cannot stay half empty */
        m->n_keys--;
        m->arena_used -= len;
        m->slots[i] = 0;
        return -1;
    }
    return (long)id;
}

long keymap_intern(struct keymap *m, const char *key, size_t len,
                   bool *added)
{
    uint32_t h = hash_of(key, len);
    size_t mask = m->n_slots - 1;
    size_t i = h & mask;
    *added = false;
    for (; m->slots[i]; i = (i + 1) & mask) {
        const struct key_rec *r = &m->recs[m->slots[i] - 1];
        if (r->hash == h && r->len == len &&
            memcmp(m->arena + r->offset, key, len) == 0)
            return (long)(m->slots[i] - 1);
    }
    long id = add(m, i, key, len, h);
    *added = id >= 0;
    return id;
}

double keymap_bytes_for(long keys, double key_bytes)
{
    /* at worst just after a doubling: slots 4 bytes at a quarter full,
     * records 16 and arena bytes at half full */
    return (double)keys * (4 * 4 + 2 * sizeof(struct key_rec)) +
           2 * key_bytes + FIRST_SLOTS * 4 + FIRST_ARENA;
}
