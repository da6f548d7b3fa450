/*
 * bench.h — the benchmarks behind `stampede bench`.
 */
#ifndef STAMPEDE_BENCH_H
#define STAMPEDE_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bench_result {
    char name[64];
    size_t pending;        /* queue size: held (hold model), or the mean
                              over the scenario's run */
    uint64_t events;       /* handlers dispatched */
    uint64_t requests;     /* simulated requests (0: kernel) */
    double seconds;        /* wall time measured */
    double events_per_s;
    double requests_per_s;
    double events_per_request;
    double peak_rss_mb;    /* peak resident set of the benchmark's process */
    double hold_events_per_s;   /* the hold model at the same queue size */
};

/* Runs fn in a child process, so that the peak RSS it reports is its own;
 * the child's result comes back through a pipe. */
bool bench_in_child(bool (*fn)(void *ctx, struct bench_result *out),
                    void *ctx, struct bench_result *out);

/* The classic hold model: `pending` events in the queue; each dispatched
 * event schedules one more at its time plus an Exp(1) draw, so the queue
 * size stays constant. Runs for about `seconds` of wall time. */
bool bench_hold(size_t pending, double seconds, struct bench_result *out);

/* Peak resident set size of this process, in MiB. */
double bench_peak_rss_mb(void);

#endif
