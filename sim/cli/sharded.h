/*
 * sharded.h — `run --reps R --shard I/N` and `sweep --shard I/N`: run one
 * slice of the work (experiment/shard.h) and write it as a partial result
 * folder (output/partial.h) for `stampede merge` (cmd_merge.c).
 *
 * A slice that is interrupted writes nothing (an earlier partial in the
 * folder stays as it was): run it again. Its exit status is then 130 or
 * 143, as for the whole command.
 */
#ifndef STAMPEDE_SHARDED_H
#define STAMPEDE_SHARDED_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"
#include "experiment/experiment.h"
#include "experiment/shard.h"
#include "experiment/sweep.h"
#include "output/partial.h"
#include "scenario/scenario.h"

/* The run's slice: policies `selected` of s, reps replications each. */
struct sharded_run {
    const struct scenario *s;
    const size_t *selected;
    size_t n_selected;
    unsigned reps;
    long max_in_flight;
    run_observer observer;        /* after each run; may be NULL */
};

int sharded_run(const struct sharded_run *r, const struct shard *sh,
                const char *dir, bool quiet, const struct cli_env *env);

/* The sweep's slice: p's grid on `base` (the scenario after --set), with
 * its constraints as typed (recorded for the merge to judge the points). */
int sharded_sweep(const struct sweep_params *p, const struct scenario *base,
                  const struct partial_constraint *constraints,
                  const struct shard *sh, const char *dir, bool quiet,
                  const struct cli_env *env);

/* The folder a slice writes by default: results/NAME.shard-I-of-N
 * (NAME: the scenario's, with "-sweep" for a sweep), beside the folder
 * the merge writes by default. */
char *sharded_default_dir(const char *name, const struct shard *sh);

#endif
