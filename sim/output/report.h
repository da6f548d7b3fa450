/*
 * report.h — the outputs of a run: timeseries.csv, summary.json,
 * scenario.json, and the comparison table on the terminal. Every file is
 * written through outfile.h (temporary file, then rename).
 */
#ifndef STAMPEDE_REPORT_H
#define STAMPEDE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "experiment/experiment.h"
#include "metric_registry.h"
#include "output/outfile.h"
#include "output/table.h"
#include "scenario/scenario.h"

/* timeseries.csv, written row by row while the runs go. The model's
 * columns and every policy type's own: scenarios/fleet.json, every
 * policy side by side, writes 116. */
#define TIMESERIES_MAX_COLUMNS 192

struct timeseries {
    struct outfile file;
    const struct policy_ops *types[16];   /* policies with columns, in order */
    size_t n_types;
    struct metric_info metrics[TIMESERIES_MAX_COLUMNS];   /* after the
                                                             dimensions */
    size_t n_metrics;
    bool failed;
};

/* The fields of summary.json that are not metrics (what the file and each
 * policy object hold besides the registry's fields), for `stampede
 * metrics`. NULL-terminated. */
struct report_field {
    const char *name;
    const char *meaning;
};
extern const struct report_field REPORT_SUMMARY_FIELDS[];

/* The last column: 1 on every row when every run of the command reached
 * its end, 0 on every row when one stopped early (interrupted,
 * overloaded, out of memory: summary.json says why). */
extern const char *const TIMESERIES_COMPLETE;

/* The columns that identify a row, NULL-terminated. */
extern const char *const TIMESERIES_DIMENSIONS[];
/* The registry's columns timeseries.csv holds, in order (the policies'
 * own follow them). */
size_t timeseries_layout(const char *const **columns);

/* Opens the file and writes the header, with columns for the policies
 * among `policies` (indices into s->policies). */
bool timeseries_open(struct timeseries *ts, const char *path,
                     const struct scenario *s, const size_t *policies,
                     size_t n_policies, char *err, size_t n);
/* A row_sink (experiment.h); ctx is the struct timeseries. */
void timeseries_row(const struct window_row *row, unsigned rep,
                    const struct policy_ops *ops, void *ctx);
/* Puts the file in place; `complete`: every run of the command reached
 * its end. Otherwise the last column, TIMESERIES_COMPLETE, becomes 0 on
 * every row first, so that the file itself says it holds less than the
 * runs asked for. */
bool timeseries_commit(struct timeseries *ts, bool complete, char *err,
                       size_t n);
/* The same marking for a timeseries.csv being written through f (merge
 * joins the rows of slices, each complete or not on its own): every row's
 * last column becomes 0. false with the reason. */
bool timeseries_mark_incomplete(struct outfile *f, char *err, size_t n);
void timeseries_abort(struct timeseries *ts);

bool report_write_summary(const char *path, const struct scenario *s,
                          const struct experiment *e, char *err, size_t n);
bool report_write_scenario(const char *path, const struct scenario *s,
                           char *err, size_t n);
/* The bytes report_write_scenario writes (malloc'ed, *len of them); NULL
 * if memory runs out. */
char *report_scenario_text(const struct scenario *s, size_t *len);

/* One row per label: hit ratio, p99 and the worst window's, errors and
 * the worst window's, database peak in-flight and peak QPS, recomputes,
 * stampede size, open episodes, and with an slo the seconds out of it and
 * the time to recover; over replications, means with their 95 %
 * half-widths, or the share that collapsed when the replications split. */
void report_print_table(FILE *out, const struct experiment *e);

/* The same table for tools (f: json, csv or markdown; table.h): the
 * fields unscaled (ratios as ratios) under their summary.json paths, with
 * the 95 % half-widths over replications (null with one). */
void report_write_table(FILE *out, const struct experiment *e,
                        enum out_format f);
/* A "warning: LABEL: in this run, ..." line on `out` for each policy
 * whose risk figure (policy.h), under the load its runs met (the mean
 * over replications of the hottest key's reads per second and of the
 * recompute p99), is past its limit; how many. */
size_t report_print_risks(FILE *out, const struct scenario *s,
                          const struct experiment *e);

/* Whether the runs had an slo. */
bool report_has_slo(const struct experiment *e);
/* Whether a replication of the policy broke its SLO (a window out of it). */
bool report_slo_broken(const struct policy_result *pr);

#endif
