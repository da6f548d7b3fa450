/*
 * comparison_out.h — a comparison (comparison.h) as text for the
 * terminal, JSON, CSV and Markdown for tools and documents, HTML for the
 * report.
 *
 * Every form has, per group, a row per metric: each entry's value (mean
 * ±95 % half-width), and for each entry after the first its difference
 * from the first and the verdict on their intervals.
 */
#ifndef STAMPEDE_COMPARISON_OUT_H
#define STAMPEDE_COMPARISON_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "output/comparison.h"
#include "output/table.h"

/* Which metrics make the rows: every field of the registry that an entry
 * has, or only those of the run table (brief: the report's). */
enum comparison_rows { ROWS_ALL, ROWS_BRIEF };

/* f: text, json, csv or markdown. */
void comparison_write(FILE *out, const struct comparison *c,
                      enum comparison_rows rows, enum out_format f);

/* One <table> per group, for the report. */
void comparison_write_html(FILE *out, const struct comparison *c,
                           enum comparison_rows rows);

#endif
