/*
 * experiment.h — runs the policies of a scenario (and, later, their
 * replications) on common random numbers, one world at a time.
 */
#ifndef STAMPEDE_EXPERIMENT_H
#define STAMPEDE_EXPERIMENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario/scenario.h"
#include "experiment/summary.h"
#include "world.h"

/* Receives every window of every run, as it closes; `rep` is the
 * replication's index (first_replication + k), as is the observer's. */
typedef void (*row_sink)(const struct window_row *row, unsigned rep,
                         const struct policy_ops *ops, void *ctx);

/* Told when each run starts and ends (progress display). */
typedef void (*run_observer)(const struct policy_spec *spec, unsigned rep,
                             const struct world_result *result, double wall_s,
                             void *ctx);

/* Told, while a run goes, how far it is (simulated seconds) and the
 * events it dispatched so far (progress display). */
typedef void (*run_ticker)(const struct policy_spec *spec, unsigned rep,
                           double now, uint64_t events, void *ctx);

/* A run_ticker whose ctx is a struct workers_beat: the command's sign of
 * life from a run going in its own process (workers.h). */
void experiment_beat(const struct policy_spec *spec, unsigned rep, double now,
                     uint64_t events, void *beat);

struct experiment_params {
    const struct scenario *scenario;
    const size_t *policies;       /* indices into scenario->policies */
    size_t n_policies;
    unsigned replications;        /* >= 1 */
    unsigned first_replication;   /* the first one's index (its random
                                     streams): replications first,
                                     first + 1, ... run */
    const volatile sig_atomic_t *stop;
    long max_in_flight;           /* 0: the world's default */
    row_sink sink;
    void *sink_ctx;
    run_observer observer;        /* may be NULL: after each run */
    void *observer_ctx;
    run_ticker ticker;            /* may be NULL: while each run goes */
    void *ticker_ctx;
};

struct rep_result {
    struct run_summary summary;
    enum world_end end;
    double ended_at;
    uint64_t events;
    double wall_s;
    char reason[200];
};

struct policy_result {
    const struct policy_spec *spec;
    struct rep_result *reps;      /* replications run (n_done of them) */
    unsigned n_done;
    char not_built[200];          /* why its next world could not be built
                                     (out of memory): "" if none failed */
};

struct experiment {
    struct policy_result *results;    /* one per selected policy */
    size_t n;
    unsigned replications;            /* asked for */
    bool complete;                    /* every run ran to its end */
    bool interrupted;
    char reason[240];                 /* the first reason it is not */
};

/* Runs everything; stops early only when interrupted. A policy whose
 * world cannot be built (out of memory) does not run, and the experiment
 * is incomplete, naming it; the others still run. Returns false (with a
 * message) if nothing could run at all. */
bool experiment_run(const struct experiment_params *p, struct experiment *out,
                    char *err, size_t n);
/* For results put together elsewhere (the slices of a sharded run joined
 * by `stampede merge`): sets complete, interrupted and reason from the
 * replications in results, as experiment_run would have after running
 * them in that order (policies, then replications). */
void experiment_conclude(struct experiment *e);
void experiment_free(struct experiment *e);

#endif
