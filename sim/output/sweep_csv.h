/*
 * sweep_csv.h — sweep.csv: one row per point and policy label, the varied
 * values first, then each metric's mean and 95 % half-width over the
 * replications. The README documents the columns.
 */
#ifndef STAMPEDE_SWEEP_CSV_H
#define STAMPEDE_SWEEP_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "experiment/sweep.h"

/* The metrics of sweep.csv: a column name and a summary path. */
struct sweep_metric {
    const char *column;
    const char *path;
};

extern const struct sweep_metric SWEEP_METRICS[];
extern const size_t N_SWEEP_METRICS;

/* Writes the finished points (all of them unless interrupted). */
bool sweep_csv_write(const char *path, const struct sweep_params *p,
                     const struct sweep *s, char *err, size_t n);

/* A varied value as a CSV cell: a number, or a duration in seconds, or the
 * text itself. */
void sweep_csv_value(const char *text, char *out, size_t n);

#endif
