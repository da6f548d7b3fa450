/*
 * bench.h — the benchmarks behind `stampede bench`.
 *
 * Every figure is measured both in processor time (CPU seconds of the
 * benchmark's own process: what the work costs, whatever else the machine
 * runs) and in wall time (what a user waits). Rates without a suffix are
 * per CPU second.
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
    double wall_seconds;   /* measured */
    double cpu_seconds;
    double events_per_s;           /* per CPU second */
    double requests_per_s;         /* per CPU second */
    double events_per_wall_s;
    double requests_per_wall_s;
    double events_per_request;
    double peak_rss_mb;    /* peak resident set of the benchmark's process */
    double hold_events_per_s;       /* the hold model at the same queue
                                       size, per CPU second */
    double hold_events_per_wall_s;
    double limit_ratio;    /* build/limit's CPU time per request over the
                              simulator's (NAN: not measured) */
    long keys;             /* the catalog's keys (0: the scenario's own) */
    double state_bytes_per_key;    /* the per-key state a world allocates,
                                      per key: its arrays, touched or not
                                      (NAN: not measured) */
    double start_bytes_per_key;    /* resident memory a world took when it
                                      was built, per key (NAN: not
                                      measured) */
    double end_bytes_per_key;      /* resident memory that world held at
                                      the end of its run, per key (NAN:
                                      not measured) */
    double start_cpu_seconds;      /* CPU time building that world took
                                      (NAN: not measured) */
};

/* Fills the rates from the counts and the two times. */
void bench_rates(struct bench_result *r);

/* Runs fn in a child process, so that the peak RSS it reports is its own;
 * the child's result comes back through a pipe. */
bool bench_in_child(bool (*fn)(void *ctx, struct bench_result *out),
                    void *ctx, struct bench_result *out);

/* The classic hold model: `pending` events in the queue; each dispatched
 * event schedules one more at its time plus an Exp(1) draw, so the queue
 * size stays constant. Runs for about `seconds` of CPU time. */
bool bench_hold(size_t pending, double seconds, struct bench_result *out);

/* Runs `limit REQUESTS` (tools/limit.c) and reads the CPU seconds it
 * reports; false with a message on stderr when it cannot. */
bool bench_limit(const char *limit, uint64_t requests, double *cpu_seconds);

/* Peak resident set size of this process, in MiB. */
double bench_peak_rss_mb(void);
/* Resident set size of this process now, in bytes (0 if unknown). */
double bench_rss_bytes(void);

#endif
