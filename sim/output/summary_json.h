/*
 * summary_json.h — a run summary (experiment/summary.h) written as nested
 * JSON: its flat paths ("latency_ms.p99") become nested objects
 * ("latency_ms": {"p99": ...}).
 */
#ifndef STAMPEDE_SUMMARY_JSON_H
#define STAMPEDE_SUMMARY_JSON_H

#include <stddef.h>

#include "experiment/summary.h"
#include "output/json_out.h"

/* One value: a number (null when undefined), or true/false for a metric
 * of the registry that is a yes/no (metric_info.boolean). */
void summary_json_value(struct json_out *j, const struct summary_value *v);

/* Writes the values as nested JSON members of the object being written
 * (the caller opened it). */
void summary_json_write_members(struct json_out *j,
                                const struct run_summary *s);

/* The same nesting, with each leaf written by `leaf` (given the value's
 * index in s): for replications, a leaf is {"mean", "ci95", "values"}. */
typedef void (*summary_json_leaf_fn)(struct json_out *j, size_t index,
                                     void *ctx);
void summary_json_write_nested(struct json_out *j, const struct run_summary *s,
                               summary_json_leaf_fn leaf, void *ctx);

#endif
