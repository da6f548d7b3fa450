/*
 * metric_doc.h — the metric registry written out for people and tools:
 * `stampede metrics` as text, Markdown (the tables of docs/outputs.md are this
 * output, pasted between markers; a test compares them) or JSON (every
 * column of timeseries.csv and every field of summary.json by name).
 */
#ifndef STAMPEDE_METRIC_DOC_H
#define STAMPEDE_METRIC_DOC_H

#include <stdbool.h>
#include <stdio.h>

enum metric_doc_format { DOC_TEXT, DOC_MARKDOWN, DOC_JSON };

/* The Markdown sections, NULL-terminated: "timeseries", "summary",
 * "table", "sweep". */
extern const char *const METRIC_DOC_SECTIONS[];

/* Writes the registry in `format`; with a section (Markdown only; NULL:
 * all), only that table. false if there is no such section. */
bool metric_doc_write(FILE *out, enum metric_doc_format format,
                      const char *section);

#endif
