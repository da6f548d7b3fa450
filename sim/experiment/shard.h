/*
 * shard.h — one deterministic slice of the work of a run with
 * replications or of a sweep (`--shard I/N`), so that N machines can each
 * run one and `stampede merge` join their partial results into the files
 * the whole command writes.
 *
 * The work items, numbered in the order the whole command runs them:
 *   run    (policy, replication): item = policy * reps + rep, the
 *          policies in the order selected;
 *   sweep  (point, replication):  item = point * reps + rep, every policy
 *          of the point in one item (they share its scenario).
 * An item runs replication `rep` with the streams of that index, seeded
 * from (seed, rep, component): exactly what it gets in the whole command,
 * whichever shard runs it.
 *
 * Slicing is round-robin: item k belongs to shard (k mod N) + 1. The cost
 * of an item varies along the grid (a collapsing point can cost a hundred
 * times a healthy one, and neighbouring points cost alike), so contiguous
 * blocks would give one shard all of the slow points; dealt round-robin,
 * every stretch of the grid is spread over all shards, and each holds
 * floor(T/N) or ceil(T/N) of the T items.
 */
#ifndef STAMPEDE_SHARD_H
#define STAMPEDE_SHARD_H

#include <stdbool.h>
#include <stddef.h>

#include "experiment/experiment.h"
#include "experiment/sweep.h"

/* At most this many shards. */
#define SHARD_MAX 100000

struct shard {
    unsigned index;   /* I, from 1 */
    unsigned count;   /* N; 0: not sharded (the whole) */
};

/* "I/N", 1 <= I <= N <= SHARD_MAX. false with the reason in err. */
bool shard_parse(const char *text, struct shard *out, char *err, size_t n);

/* The shard (from 1) of `count` that holds item k. */
unsigned shard_of(size_t item, unsigned count);
/* How many of `total` items shard s holds. */
size_t shard_size(const struct shard *s, size_t total);
/* The j-th item s holds (j < shard_size). */
size_t shard_item(const struct shard *s, size_t j);

/* Receives one item's results, in item order: a replication of each
 * policy (n of them: a run's item has one, a sweep's one per label).
 * Returns false to stop (a write failed). */
typedef bool (*shard_deliver)(size_t item, const struct rep_result *reps,
                              size_t n, void *ctx);

/* The whole experiment's items that `sh` holds: base names all the
 * policies and replications; each held (policy, rep) runs alone, in item
 * order, its rows to base->sink with rep as their replication. false with
 * a message in err if a world cannot be built or a delivery fails; true
 * with *stopped set when interrupted (then not everything was
 * delivered). */
bool shard_run_experiment(const struct experiment_params *base,
                          const struct shard *sh, shard_deliver deliver,
                          void *ctx, bool *stopped, char *err, size_t n);

/* The sweep's items that `sh` holds, through p->jobs worker processes,
 * each with every policy of `labels`; delivered in item order whatever
 * order they finish in. `progress` (may be NULL) counts items. Same
 * returns as shard_run_experiment. */
bool shard_run_sweep(const struct sweep_params *p, const struct shard *sh,
                     const char *const *labels, size_t n_labels,
                     shard_deliver deliver, void *ctx, bool *stopped,
                     char *err, size_t n);

#endif
