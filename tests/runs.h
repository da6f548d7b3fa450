/*
 * runs.h — loading a scenario given as JSON text and running it, for the
 * tests that drive the simulator through its library (not its binary).
 * Every helper fails the test, with the reason, when a step fails.
 */
#ifndef STAMPEDE_TEST_RUNS_H
#define STAMPEDE_TEST_RUNS_H

#include <stddef.h>

#include "experiment/experiment.h"
#include "scenario/scenario.h"

/* The scenario of `json`, named `file` in messages, after `sets`. */
struct scenario *test_scenario(const char *file, const char *json,
                               const char *const *sets, size_t n_sets);

/* Runs policy `index` of s once, each window given to `sink` (may be
 * NULL); the run must reach its end. */
struct run_summary test_run_policy(const struct scenario *s, size_t index,
                                   row_sink sink, void *ctx);

/* test_scenario, then policy 0 run once; the scenario is freed. */
struct run_summary test_run_text(const char *file, const char *json,
                                 const char *const *sets, size_t n_sets);

/* The distribution in member "d" of `json` ({"d": SPEC}); the test fails
 * if it does not parse. cfg keeps the data of a distribution from data:
 * cfg_free it once the distribution is no longer used. */
struct dist test_dist(const char *json, struct cfg *cfg);

/* Runs a policy of the test's own (`ops`, not in the registry) with its
 * `knobs` over s once; the run must reach its end (world_create refuses
 * a table policy_check refuses: the test fails with its message). */
struct run_summary test_run_ops(const struct scenario *s,
                                const struct policy_ops *ops,
                                const void *knobs);

/* A value the summary must have (summary_get is NaN for a missing path). */
double test_get(const struct run_summary *r, const char *path);

#endif
