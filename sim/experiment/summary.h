/*
 * summary.h — a run's results as a flat, ordered list of named numbers.
 *
 * Names are paths into summary.json ("latency_ms.p99", "db.peak_inflight",
 * "policy_metrics.acquisitions"); an element of a list is FIELD[i]
 * ("pool.peak_in_use[3]"), the elements of one list next to each other. One flat list serves every consumer the
 * same way: summary.json (nested by the paths: output/summary_json.h), the
 * terminal table, replications (a mean and an interval per path), sweeps
 * and calibration (columns and constraints by path).
 */
#ifndef STAMPEDE_SUMMARY_H
#define STAMPEDE_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include "metrics.h"
#include "policy.h"

/* The model's fields and a policy's own take up to 96; a fleet's pools
 * one more per instance, listed up to SUMMARY_MAX_INSTANCES instances. A
 * summary keeps a fixed size (replications and sweeps hold thousands, and
 * send them between processes as bytes): 160 values of 56 bytes. */
#define SUMMARY_MAX_INSTANCES 64
#define SUMMARY_MAX_VALUES (96 + SUMMARY_MAX_INSTANCES)
#define SUMMARY_PATH_MAX 48

struct summary_value {
    char path[SUMMARY_PATH_MAX];
    double value;          /* NaN: undefined (e.g. a ratio of nothing) */
};

struct run_summary {
    struct summary_value values[SUMMARY_MAX_VALUES];
    size_t n;
};

/* From a run's totals and its policy's metric names; the SLO's fields
 * only when the run had an slo. */
void summary_build(const struct run_totals *t, const struct policy_ops *ops,
                   struct run_summary *out);

/* The value at a path; NaN if there is none. */
double summary_get(const struct run_summary *s, const char *path);
/* Whether the summary has that value at all (summary_get is NaN both for
 * an undefined value and for a path it does not have). */
bool summary_has(const struct run_summary *s, const char *path);

#endif
