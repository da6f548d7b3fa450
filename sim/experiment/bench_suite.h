/*
 * bench_suite.h — the scenario benchmarks of `stampede bench`: each
 * scenario of scenarios/bench/ run for a few seconds of wall time, and the
 * checks that keep memory and parallelism honest.
 */
#ifndef STAMPEDE_BENCH_SUITE_H
#define STAMPEDE_BENCH_SUITE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "experiment/bench.h"

/* Runs every policy of the scenario, replication after replication,
 * until `seconds` of CPU time have passed (at least one replication).
 * `keys` > 0 overrides the key count (and the first world's resident
 * memory per key is measured), `duration` > 0 the duration. */
struct bench_scenario {
    const char *path;
    double seconds;
    long keys;
    double duration;
};
bool bench_scenario_run(void *ctx, struct bench_result *out);

/* Wall time of a sweep of `points` replications of a scenario with
 * `jobs` workers, and the CPU time it took (its workers' included). */
bool bench_sweep_seconds(const char *path, size_t points, unsigned jobs,
                         double *seconds, double *cpu_seconds);

/* The directory of the benchmark scenarios: $STAMPEDE_BENCH, else
 * scenarios/bench beside the binary's checkout (or share/stampede/
 * scenarios/bench where installed), else ./scenarios/bench. */
char *bench_scenarios_dir(void);

#endif
