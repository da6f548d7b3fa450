/*
 * keymap.h — strings to dense ids: 0, 1, 2, ... in the order the strings
 * first appear. A replayed trace names its keys by strings; the simulator
 * indexes its per-key arrays by number.
 *
 * Open addressing with linear probing over a table of 32-bit ids (at most
 * half full), and the keys' bytes in one arena: about 30 bytes a key plus
 * the key itself, O(1) expected per lookup, and no allocation per key.
 * Out of memory is an error returned, never an abort, so that a trace with
 * more keys than the machine can hold ends with a message.
 */
#ifndef STAMPEDE_KEYMAP_H
#define STAMPEDE_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

/* Ids are 32-bit: at most this many keys. */
#define KEYMAP_MAX_KEYS 4000000000L

struct keymap;

/* NULL if memory runs out. */
struct keymap *keymap_create(void);
void keymap_destroy(struct keymap *m);

/* The id of the `len` bytes at key: the one it has, or the next one, with
 * *added set. -1 if memory runs out (or KEYMAP_MAX_KEYS are taken). */
long keymap_intern(struct keymap *m, const char *key, size_t len,
                   bool *added);

/* Keys so far. */
long keymap_count(const struct keymap *m);

/* Bytes a map of `keys` keys holding `key_bytes` bytes of keys in all
 * takes at most (every array at the end of its growth), for memory
 * estimates. */
double keymap_bytes_for(long keys, double key_bytes);

#endif
