/*
 * shard.c — see shard.h: the slicing, and a run's items.
 */
#include "experiment/shard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A whole decimal number from 1 to SHARD_MAX; false otherwise. */
static bool parse_count(const char *text, size_t len, unsigned *out)
{
    if (len == 0 || len > 6)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        v = v * 10 + (unsigned)(text[i] - '0');
    }
    if (v < 1 || v > SHARD_MAX)
        return false;
    *out = v;
    return true;
}

bool shard_parse(const char *text, struct shard *out, char *err, size_t n)
{
    const char *slash = strchr(text, '/');
    struct shard s;
    if (!slash || !parse_count(text, (size_t)(slash - text), &s.index) ||
        !parse_count(slash + 1, strlen(slash + 1), &s.count)) {
        snprintf(err, n, "expected I/N, two whole numbers from 1 to %d "
                 "(the I-th of N slices: 3/8), got '%s'", SHARD_MAX, text);
        return false;
    }
    if (s.index > s.count) {
        snprintf(err, n, "the slice %u of %u does not exist: I runs from 1 "
                 "to N", s.index, s.count);
        return false;
    }
    *out = s;
    return true;
}

unsigned shard_of(size_t item, unsigned count)
{
    return (unsigned)(item % count) + 1;
}

size_t shard_size(const struct shard *s, size_t total)
{
    size_t first = s->index - 1;
    return total > first ? (total - first + s->count - 1) / s->count : 0;
}

size_t shard_item(const struct shard *s, size_t j)
{
    return (s->index - 1) + j * (size_t)s->count;
}

bool shard_run_experiment(const struct experiment_params *base,
                          const struct shard *sh, shard_deliver deliver,
                          void *ctx, bool *stopped, char *err, size_t n)
{
    size_t total = base->n_policies * base->replications;
    *stopped = false;
    for (size_t j = 0; j < shard_size(sh, total); j++) {
        size_t item = shard_item(sh, j);
        struct experiment_params p = *base;
        p.policies = &base->policies[item / base->replications];
        p.n_policies = 1;
        p.replications = 1;
        p.first_replication = base->first_replication +
                              (unsigned)(item % base->replications);
        struct experiment e;
        if (!experiment_run(&p, &e, err, n)) {
            experiment_free(&e);
            return false;
        }
        *stopped = e.interrupted;
        bool ok = *stopped || deliver(item, e.results[0].reps, 1, ctx);
        experiment_free(&e);
        if (!ok) {
            snprintf(err, n, "could not keep the results of item %zu", item);
            return false;
        }
        if (*stopped)
            return true;
    }
    return true;
}
