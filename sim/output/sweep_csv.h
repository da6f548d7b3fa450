/*
 * sweep_csv.h — sweep.csv: one row per point and policy label, the varied
 * values first, then each metric's mean and 95 % half-width over the
 * replications, and with constraints (--max, --min) whether the point
 * meets them and which binds. docs/outputs.md documents the columns.
 */
#ifndef STAMPEDE_SWEEP_CSV_H
#define STAMPEDE_SWEEP_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "experiment/sweep.h"
#include "metric_registry.h"

#define SWEEP_CSV_MAX_METRICS 32

/* The metrics of sweep.csv, in its order, into out (at most max); their
 * number. The SLO's only when `slo` (the scenario has one). */
size_t sweep_csv_metrics(struct metric_info *out, size_t max, bool slo);

/* The `binding` cell of a point that does not meet the constraints: the
 * first it breaks ("max worst_window.p99_ms"), "incomplete" (a
 * replication stopped early) or "not run" (an interrupted sweep never
 * reached it); "" for one that meets them. */
void sweep_csv_binding(const struct sweep_params *p,
                       const struct point_policy *pp, char *out, size_t n);

/* Writes every point of the grid: those not run (sweep_not_run) too. */
bool sweep_csv_write(const char *path, const struct sweep_params *p,
                     const struct sweep *s, char *err, size_t n);

/* A varied value as a CSV cell: a number, or a duration in seconds, or the
 * text itself. */
void sweep_csv_value(const char *text, char *out, size_t n);

#endif
