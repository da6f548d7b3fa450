/*
 * pilot.h — the recompute time under the scenario's load, measured before
 * calibrating a knob that has to cover it (the lock's TTL): the response
 * times of the policy's client queries (submission to result, what a lock
 * holder waits for), from the measured windows of replications of the
 * scenario, pooled until there are PILOT_SAMPLES of them.
 *
 * Why 3000: the largest of n samples lies above the p99.9 with probability
 * 1 - 0.999^n, which reaches 95 % at n = 2995. With fewer, the sample has
 * likely not reached the p99.9 at all, and its "p99.9" is the maximum of
 * too few; with 3000, about three samples lie beyond it.
 *
 * Where recomputes are rare (one hot key recomputed once a TTL), the
 * scenario's own runs would need far more simulated time than the pilot
 * may spend. The pilot then shortens cache.ttl by the factor that brings
 * the samples within its allowance: each key expires, and its recompute is
 * timed, more often. The recompute time depends on the database's load,
 * which those few extra queries barely change; the pilot reports the
 * database utilisation of its runs beside the scenario's, so that the
 * change shows. When even that cannot gather the samples (no recompute in
 * a run at all, an allowance below one run) it says so, with what it saw.
 *
 * Runs are jobs of the worker processes (workers.h); which ones run
 * depends only on their results, so any -j gives the same pilot.
 */
#ifndef STAMPEDE_PILOT_H
#define STAMPEDE_PILOT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "experiment/workers.h"

#define PILOT_SAMPLES 3000

struct pilot_params {
    const char *file;              /* the scenario file (for messages) */
    const char *text;              /* its contents */
    size_t len;
    const char *const *sets;       /* --set */
    size_t n_sets;
    const char *label;             /* the policy */
    unsigned jobs;
    long max_in_flight;
    const volatile sig_atomic_t *stop;
    double allowance;              /* simulated seconds it may use */
    struct workers_beat *beat;     /* a sign of life; may be NULL */
    double min_ttl;                /* seconds: the TTL is never shortened
                                      below this (0: no floor of the
                                      policy's) */
};

struct pilot {
    bool measured;                 /* PILOT_SAMPLES samples or more */
    uint64_t n;                    /* samples */
    double p50, p99, p999, max;    /* seconds; NaN without samples */
    double spent;                  /* simulated seconds run */
    unsigned runs;
    double ttl, scenario_ttl;      /* cache.ttl run with, the scenario's */
    double util, scenario_util;    /* database utilisation, mean over its
                                      runs, and in the scenario's first */
    bool stopped;                  /* interrupted */
    char why[240];                 /* not measured: why */
};

/* Runs the pilot. false (message in err) if the workers fail or the
 * scenario cannot be loaded. */
bool pilot_run(const struct pilot_params *p, struct pilot *out, char *err,
               size_t n);

#endif
