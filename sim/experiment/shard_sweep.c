/*
 * shard_sweep.c — see shard.h: a sweep's items, through the workers.
 *
 * Workers finish items in any order; the results wait in a reorder
 * buffer, indexed by their place in the slice, and are delivered as soon
 * as every item before them has been. A slow item holds back the
 * delivery of those after it, not their running.
 */
#include "experiment/shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/workers.h"

struct sweep_slice {
    const struct sweep_params *p;
    const struct shard *sh;
    const char *const *labels;
    size_t n_labels;
    shard_deliver deliver;
    void *ctx;
    struct rep_result **waiting;   /* by place in the slice; NULL: not yet */
    size_t next;                   /* the first place not yet delivered */
    size_t size;                   /* places in the slice */
    bool failed;                   /* a delivery failed */
    uint64_t events;               /* simulated so far (progress) */
};

/* A worker's job: place j of the slice, every policy at its replication. */
static void *run_item(size_t j, size_t *size, void *ctx)
{
    struct sweep_slice *sl = ctx;
    const struct sweep_params *p = sl->p;
    size_t item = shard_item(sl->sh, j);
    struct scenario_errors errors = {0};
    struct scenario *s = sweep_load_point(p, item / p->reps, &errors);
    scenario_errors_free(&errors);
    size_t *idx = calloc(sl->n_labels, sizeof *idx);
    struct rep_result *out = calloc(sl->n_labels, sizeof *out);
    struct experiment e = {0};
    char err[256];
    bool ok = s && idx && out &&
              scenario_policy_indices(s, sl->labels, sl->n_labels, idx, err,
                                      sizeof err);
    struct experiment_params ep = {
        .scenario = s, .policies = idx, .n_policies = sl->n_labels,
        .replications = 1, .first_replication = (unsigned)(item % p->reps),
        .stop = p->stop, .max_in_flight = p->max_in_flight,
        .ticker = p->beat ? experiment_beat : NULL, .ticker_ctx = p->beat};
    ok = ok && experiment_run(&ep, &e, err, sizeof err) && !e.interrupted;
    for (size_t i = 0; ok && i < sl->n_labels; i++)
        out[i] = e.results[i].reps[0];
    experiment_free(&e);
    scenario_free(s);
    free(idx);
    if (!ok) {
        free(out);
        return NULL;
    }
    *size = sl->n_labels * sizeof *out;
    return out;
}

static void take_item(size_t j, void *result, size_t size, size_t done,
                      void *ctx)
{
    struct sweep_slice *sl = ctx;
    if (size != sl->n_labels * sizeof(struct rep_result) || sl->waiting[j]) {
        free(result);
        sl->failed = true;
        return;
    }
    sl->waiting[j] = result;
    for (size_t k = 0; k < sl->n_labels; k++)
        sl->events += ((const struct rep_result *)result)[k].events;
    while (sl->next < sl->size && sl->waiting[sl->next]) {
        struct rep_result *r = sl->waiting[sl->next];
        size_t item = shard_item(sl->sh, sl->next);
        if (!sl->failed)
            sl->failed = !sl->deliver(item, r, sl->n_labels, sl->ctx);
        free(r);
        sl->waiting[sl->next++] = NULL;
    }
    if (sl->p->progress)
        sl->p->progress(done, sl->size, sl->events, sl->p->progress_ctx);
}

bool shard_run_sweep(const struct sweep_params *p, const struct shard *sh,
                     const char *const *labels, size_t n_labels,
                     shard_deliver deliver, void *ctx, bool *stopped,
                     char *err, size_t n)
{
    size_t total = sweep_point_count(p) * p->reps;
    struct sweep_slice sl = {p, sh, labels, n_labels, deliver, ctx, NULL, 0,
                             shard_size(sh, total), false, 0};
    *stopped = false;
    sl.waiting = calloc(sl.size ? sl.size : 1, sizeof *sl.waiting);
    if (!sl.waiting) {
        snprintf(err, n, "out of memory");
        return false;
    }
    enum workers_status st = workers_run(sl.size, p->jobs, run_item,
                                         take_item, &sl, p->stop, p->beat);
    for (size_t j = 0; j < sl.size; j++)
        free(sl.waiting[j]);
    free(sl.waiting);
    *stopped = st == WORKERS_STOPPED;
    if (st == WORKERS_FAILED)
        snprintf(err, n, "a worker failed (out of memory, or killed)");
    else if (sl.failed && !*stopped)
        snprintf(err, n, "could not keep the results of the items");
    return st != WORKERS_FAILED && (!sl.failed || *stopped);
}
