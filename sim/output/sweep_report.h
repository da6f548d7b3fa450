/*
 * sweep_report.h — a sweep's verdicts on the terminal: for each point and
 * policy label, whether it meets the constraints (--max, --min), and if
 * not, which binds and by how much.
 */
#ifndef STAMPEDE_SWEEP_REPORT_H
#define STAMPEDE_SWEEP_REPORT_H

#include <stdio.h>

#include "experiment/sweep.h"
#include "output/table.h"

/* The constraints, then one line per finished point and label. */
void sweep_report_print(FILE *out, const struct sweep_params *p,
                        const struct sweep *s);

/* The sweep for tools (f: json, csv or markdown; table.h): a row per
 * finished point and label, as sweep.csv has it — the varied values,
 * label, replications, completeness, each metric's mean and 95 %
 * half-width (keys: their summary.json paths), the collapsed share, and
 * with constraints whether the point meets them and which binds. */
void sweep_report_write_table(FILE *out, const struct sweep_params *p,
                              const struct sweep *s, enum out_format f);

#endif
