/*
 * keyarray.h — the arrays that hold one record per key, for catalogs of
 * up to 10^7 keys and more.
 *
 * A large catalog's per-key arrays run to hundreds of megabytes, read at
 * random keys: with 4 KB pages nearly every read of a key's record is a
 * TLB miss as well as a cache miss, and the first touch of every page a
 * page fault. The whole 2 MB stretches of an array of 2 MB or more are
 * asked to be backed by huge pages (Linux's MADV_HUGEPAGE, where
 * transparent huge pages are enabled for madvise), which removes most of
 * both. The array comes from calloc all the same, so it is zeroed, freed
 * with free() and counted by malloc's statistics.
 */
#ifndef STAMPEDE_KEYARRAY_H
#define STAMPEDE_KEYARRAY_H

#include <stddef.h>

/* n records of `size` bytes, zeroed; NULL if memory runs out. */
void *key_array_alloc(size_t n, size_t size);

#endif
