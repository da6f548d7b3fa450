/*
 * sweep.h — a grid of scenario variants, each run with replications, in
 * parallel worker processes; the machinery behind `stampede sweep` and
 * `stampede calibrate`.
 *
 * A variant ("point") is the scenario with one value set for each varied
 * path, exactly as `--set PATH=VALUE` would. Every point uses the same seed,
 * so replication r of every point sees the same random streams: points
 * differ by their parameters, not by their luck (common random numbers).
 */
#ifndef STAMPEDE_SWEEP_H
#define STAMPEDE_SWEEP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "experiment/aggregate.h"
#include "experiment/constraint.h"
#include "experiment/experiment.h"
#include "kernel/config.h"
#include "experiment/workers.h"
#include "scenario/scenario.h"

/* One --vary: a path and its values (as --set text). */
struct vary {
    char path[CFG_PATH_MAX];
    char **values;
    size_t n;
    bool range;           /* given as lo:hi:n (a grid), not as a list */
    bool log;             /* a log grid: plot with a log axis */
    bool durations;       /* given as durations: the values are seconds */
};

/* Parses "PATH=SPEC": SPEC is "a,b,c", "lo:hi:n" (linear) or "lo:hi:n:log";
 * lo and hi may be durations ("100ms:2s:5"). false with a message. */
bool vary_parse(const char *arg, struct vary *v, char *err, size_t n);
/* The i-th of n >= 2 values evenly spaced from lo to hi, on a log scale
 * if `log` (lo, hi > 0); the last is hi exactly, whatever the rounding. */
double grid_value(double lo, double hi, size_t i, size_t n, bool log);
void vary_free(struct vary *v);

/* What a point gives for one policy. */
struct point_policy {
    struct aggregate agg;
    bool complete;        /* every replication ran to its end */
    bool meets;           /* complete, and every constraint holds */
    uint64_t events;      /* its replications simulated (progress) */
    int binding;          /* the first constraint it breaks; -1: none */
};

/* What a point an interrupted sweep never finished holds for each
 * label (and a policy whose world could not be built): no replication,
 * every value undefined, complete false. Its rows are written all the
 * same, so that a file of an interrupted sweep says so itself (complete
 * 0, "not run"). */
const struct point_policy *sweep_not_run(void);

struct sweep_point {
    bool done;
    size_t n_policies;
    struct point_policy *policies;   /* in the order of sweep.labels */
};

struct sweep_params {
    const char *file;                /* the scenario file (for messages) */
    const char *text;                /* its contents */
    size_t len;
    const char *const *sets;         /* --set, applied before the varies */
    size_t n_sets;
    const struct vary *varies;
    size_t n_varies;
    const char *const *labels;       /* policies to run; NULL: all */
    size_t n_labels;
    unsigned reps;
    unsigned jobs;                   /* worker processes */
    long max_in_flight;              /* 0: the world's default */
    double max_memory;               /* bytes for all workers' worlds at
                                        start (memguard.h); 0: no limit */
    const struct constraint *constraints;   /* --max, --min: each point
                                               is judged on them */
    size_t n_constraints;
    const volatile sig_atomic_t *stop;
    struct workers_beat *beat;       /* a sign of life while points run
                                        (progress); may be NULL */
    /* called after each finished point (progress), with the events its
     * worlds and all the points before simulated */
    void (*progress)(size_t done, size_t total, uint64_t events, void *ctx);
    void *progress_ctx;
};

struct sweep {
    size_t n_points;
    struct sweep_point *points;
    char **labels;                   /* the policies run, in order */
    size_t n_labels;
    bool slo;                        /* the scenario has an slo */
    bool stopped;                    /* interrupted: some points missing */
    uint64_t events;                 /* simulated by the points done */
};

/* The value of vary `v` at point `p` (points enumerate the cross product,
 * the last vary changing fastest). */
const char *sweep_value(const struct sweep_params *p, size_t point, size_t v);
size_t sweep_point_count(const struct sweep_params *p);
/* The scenario of a point: the base --set, then the point's values. NULL
 * with the problems in *errors. */
struct scenario *sweep_load_point(const struct sweep_params *p, size_t point,
                                  struct scenario_errors *errors);

/* The policies to run: those asked for, or all of the base scenario's
 * (out->labels, n_labels), and whether it has an slo (out->slo). false if
 * the first point does not load or memory runs out. */
bool sweep_pick_labels(const struct sweep_params *p, struct sweep *out);

/* A point's results per policy (res[i] for e->results[i]) from the
 * experiment that ran its `reps` replications: each policy's aggregate,
 * complete when all of them ran to their end (every policy's: one
 * overloaded run makes the whole point incomplete). false if a policy has
 * no replication or memory runs out. */
bool sweep_point_aggregate(const struct experiment *e, unsigned reps,
                           struct point_policy *res);
/* Judges a finished point on p's constraints: binding and meets. */
void sweep_point_judge(const struct sweep_params *p, struct sweep_point *pt);

struct memguard_results;
/* What a sweep keeps of its results, for the memory guard (memguard.h):
 * the parent keeps every point, each of `parallel` workers its point's
 * replications. */
void sweep_results_memory(size_t points, unsigned reps, size_t n_policies,
                          unsigned parallel, struct memguard_results *out);

/* Loads every point's scenario and checks that `jobs` of its worlds at
 * once fit in max_memory: the first problem found is printed (with the
 * point's values) and false returned. */
bool sweep_validate(const struct sweep_params *p, FILE *errors);

/* Runs every point. Returns false (message in err) if the workers fail;
 * an interrupted sweep returns true with out->stopped set. */
bool sweep_run(const struct sweep_params *p, struct sweep *out, char *err,
               size_t n);
void sweep_free(struct sweep *s);

#endif
