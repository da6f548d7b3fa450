/*
 * memguard.h — refusing, before anything runs, a scenario whose worlds
 * would not fit in memory (`--max-memory`).
 *
 * A world's state at start grows with the number of keys (about 100
 * bytes a key: the cache entry, the miss-episode state, the recompute
 * counter, the Zipf alias table, the policy's own table; see
 * world_memory_estimate) and with the closed loop's workers. A scenario
 * of 10^9 keys would otherwise be found out by the kernel's OOM killer,
 * minutes into building its cache. What requests in flight take comes on
 * top and is bounded by the overload guard (--max-in-flight).
 *
 * Sizes are binary: 1K = 1024 bytes, 1M = 1024K, 1G = 1024M.
 */
#ifndef STAMPEDE_MEMGUARD_H
#define STAMPEDE_MEMGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "scenario.h"

/* The default limit when no physical memory figure is known, and the most
 * it ever is by default. */
#define MEMGUARD_DEFAULT_CAP (4.0 * 1024 * 1024 * 1024)

/* The default limit: 4 GB, or half the memory the process can have (the
 * machine's, or its container's if that is less) when that is smaller. */
double memguard_default_limit(void);

/* "4G", "500M", "1.5G", "64K", "1000000" (bytes); a "B" or "iB" after the
 * unit is allowed, and units are case-insensitive. false if the text is
 * not a size > 0. */
bool memguard_parse_size(const char *text, double *bytes);

/* "80 GB", "4.0 GB", "512 MB", "900 KB". */
void memguard_format_size(double bytes, char *out, size_t n);

/* The most one world of the scenario needs at start, over the policies
 * `policies` (indices; NULL: all of them); *policy gets the one that
 * needs the most (may be NULL). */
double memguard_estimate(const struct scenario *s, const size_t *policies,
                         size_t n_policies, size_t *policy);

/* NULL when `parallel` worlds at once fit in `limit`; otherwise the
 * message, as "ORIGIN: PATH: ..." naming the field that makes the
 * scenario large (free it). */
char *memguard_problem(const struct scenario *s, const size_t *policies,
                       size_t n_policies, unsigned parallel, double limit);

/* One line for `check`: the estimate and the limit. */
void memguard_describe(const struct scenario *s, double limit, FILE *out);

#endif
