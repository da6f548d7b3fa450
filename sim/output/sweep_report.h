/*
 * sweep_report.h — a sweep's verdicts on the terminal: for each point and
 * policy label, whether it meets the constraints (--max, --min), and if
 * not, which binds and by how much.
 */
#ifndef STAMPEDE_SWEEP_REPORT_H
#define STAMPEDE_SWEEP_REPORT_H

#include <stdio.h>

#include "experiment/sweep.h"

/* The constraints, then one line per finished point and label. */
void sweep_report_print(FILE *out, const struct sweep_params *p,
                        const struct sweep *s);

#endif
