/*
 * memguard.h — refusing, before anything runs, a scenario whose worlds
 * would not fit in memory (`--max-memory`).
 *
 * A world's state at start grows with the number of keys (44 bytes a
 * key: the cache entry, the miss-episode state, the recompute counter;
 * and the lock table and the policy's own table where it has them; see
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

#include "scenario/scenario.h"

/* The default limit when no physical memory figure is known, and the most
 * it ever is by default. */
#define MEMGUARD_DEFAULT_CAP (4.0 * 1024 * 1024 * 1024)

/* The default limit: 4 GB, or half the memory the process can have (the
 * machine's, its container's, or what `ulimit -v` and `ulimit -d` leave
 * it, whichever is least) when that is smaller. */
double memguard_default_limit(void);

/* What the process's own limits leave it, in bytes: RLIMIT_AS (ulimit
 * -v) less its address space now, RLIMIT_DATA (ulimit -d) less its data
 * now, whichever is less; INFINITY when neither is set. A world is
 * refused when it would not fit there, whatever --max-memory says: the
 * allocations would fail minutes into the run. */
double memguard_process_room(void);

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

/* What a command keeps of its results besides the worlds: a summary per
 * replication and policy (7 KB each) for run, an aggregate per point and
 * policy (21 KB each) for sweep (sweep_results_memory, sweep.h). 10,000
 * replications of 32 policies, or a grid of a million points, would
 * otherwise exhaust memory as they finish. */
struct memguard_results {
    const char *command;   /* "run", "sweep" */
    char what[96];         /* "--reps 10000 with 32 policies" */
    const char *fewer;     /* "run fewer replications" */
    double bytes;
};

void memguard_run_results(unsigned reps, size_t n_policies,
                          struct memguard_results *out);

/* NULL when the results alone fit in `limit`; else the message. */
char *memguard_results_problem(const struct memguard_results *r,
                               double limit);

/* NULL when `parallel` worlds at once, and `results` (may be NULL), fit in
 * `limit`, and one world and the results fit in what the process's limits
 * leave it (memguard_process_room: each worker is a process of its own);
 * otherwise the message (free it): "ORIGIN: PATH: ..." naming the field
 * that makes the worlds large, or "stampede CMD: ..." naming the options
 * that make the results large, whichever is the larger part. */
char *memguard_problem(const struct scenario *s, const size_t *policies,
                       size_t n_policies, unsigned parallel,
                       const struct memguard_results *results, double limit);

/* One line for `check`: the estimate and the limit. */
void memguard_describe(const struct scenario *s, double limit, FILE *out);

#endif
