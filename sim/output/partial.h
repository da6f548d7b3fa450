/*
 * partial.h — a partial result folder: what `stampede run --reps R
 * --shard I/N` and `stampede sweep --shard I/N` write, and `stampede
 * merge` joins (merge.h). docs/beyond-one-machine.md documents it.
 *
 *   manifest.json       what made it: the tool, the command, the scenario
 *                       (name, seed, sha256 of scenario.json), the
 *                       replications, the policies, the grid and the
 *                       constraints (sweep), --max-in-flight, the shard
 *                       (I, N, slicing) and the items it holds. Written
 *                       last: a folder without one holds no partial.
 *   scenario.json       the resolved scenario (run: the file the run
 *                       writes; sweep: the base, before the grid's values)
 *   replications.jsonl  one line per item and policy, in item order:
 *                       {"item", ["point",] "rep", "label", "end",
 *                       "reason", ["rows",] "summary": {PATH: VALUE}};
 *                       every VALUE is the replication's value as a C99
 *                       hex float ("0x1.8p+1"; "nan", "inf", "-inf"), so
 *                       that it reads back to the same bits: the merged
 *                       means, intervals and pooled counts are then
 *                       computed from exactly the values the whole
 *                       command computes them from
 *   timeseries.csv      run only: the header and the rows of its items, in
 *                       item order, as the whole run writes them ("rows"
 *                       in replications.jsonl counts each item's)
 */
#ifndef STAMPEDE_PARTIAL_H
#define STAMPEDE_PARTIAL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "experiment/experiment.h"
#include "experiment/shard.h"
#include "experiment/sweep.h"
#include "kernel/sha256.h"
#include "output/outfile.h"
#include "output/report.h"
#include "scenario/scenario.h"

/* The files of a partial folder. */
#define PARTIAL_MANIFEST "manifest.json"
#define PARTIAL_SCENARIO "scenario.json"
#define PARTIAL_RECORDS "replications.jsonl"
#define PARTIAL_TIMESERIES "timeseries.csv"

/* The layout of the folder; a change that an older merge would misread
 * changes it. */
#define PARTIAL_FORMAT 1

enum partial_kind { PARTIAL_RUN, PARTIAL_SWEEP };

/* "run", "sweep" */
extern const char *const PARTIAL_KIND_NAMES[];
/* The ways a replication ends (enum world_end, in its order), as "end"
 * names them: "complete", "overloaded", ... */
extern const char *const PARTIAL_END_NAMES[];

/* A --max or --min of a sweep, as typed: merge parses it again, so that
 * the limit is the same double (a printed limit could round). */
struct partial_constraint {
    const char *arg;      /* "worst_window.p99_ms=250" */
    bool lower;           /* --min */
};

struct partial_manifest {
    enum partial_kind kind;
    const char *tool;                 /* "stampede 0.1.0" */
    const char *scenario;             /* its name */
    unsigned long long seed;
    char sha256[SHA256_HEX_LEN + 1];  /* of scenario.json */
    unsigned reps;
    const char *const *labels;        /* the policies, in order */
    size_t n_labels;
    long max_in_flight;               /* 0: the default */
    /* sweep only */
    bool slo;                         /* the grid's first point has one */
    const struct vary *varies;
    size_t n_varies;
    const struct partial_constraint *constraints;
    size_t n_constraints;
    /* the slice */
    struct shard shard;
    size_t total;                     /* items of the whole command */
};

/* A value as its record writes it: a hex float, or nan, inf, -inf. */
void partial_format_value(double v, char *out, size_t n);
/* The whole text as such a value; false if it is not one. */
bool partial_parse_value(const char *text, double *out);

/* ---- writing (partial.c) ---- */

struct partial_writer {
    char *dir;
    enum partial_kind kind;
    struct outfile records;
    struct timeseries ts;     /* run only */
    size_t rows;              /* rows of the current item so far */
    bool incomplete;          /* an item stopped early: timeseries.csv's
                                 complete column is 0 (merge makes it the
                                 whole command's) */
    bool failed;
};

/* Starts a partial in dir (created if needed): a run's opens its
 * timeseries.csv with columns for the policies `policies` of s (as the
 * whole run's), a sweep's has none (s, policies unused). */
bool partial_begin(struct partial_writer *w, const char *dir,
                   enum partial_kind kind, const struct scenario *s,
                   const size_t *policies, size_t n_policies, char *err,
                   size_t n);
/* A row_sink (experiment.h) for a run's partial: ctx is the writer. */
void partial_row(const struct window_row *row, unsigned rep,
                 const struct policy_ops *ops, void *ctx);
/* One replication of one policy (point: a sweep's; ignored for a run).
 * For a run, after its rows. */
bool partial_add(struct partial_writer *w, size_t item, size_t point,
                 unsigned rep, const char *label, const struct rep_result *r);
/* Commits the data, then writes scenario.json (s, resolved) and the
 * manifest (m, its sha256 filled in here), in that order. */
bool partial_finish(struct partial_writer *w, const struct partial_manifest *m,
                    const struct scenario *s, char *err, size_t n);
/* Removes what was written since partial_begin; an earlier partial in
 * the folder stays as it was. */
void partial_abort(struct partial_writer *w);

/* ---- reading (partial_read.c) ---- */

/* A partial folder's manifest, checked field by field. */
struct partial {
    char *dir;
    struct partial_manifest m;
    size_t *held;             /* the items it holds, as listed */
    size_t n_held;
    /* what m points into */
    cJSON *tree;
    const char **labels;
    struct vary *varies;
    struct partial_constraint *constraints;
};

/* Reads dir/manifest.json. false with the message in err: "DIR: not a
 * partial result ...", or "DIR/manifest.json:LINE:COL: FIELD: what is
 * wrong". */
bool partial_read(const char *dir, struct partial *out, char *err, size_t n);
void partial_free(struct partial *p);

/* One line of replications.jsonl. */
struct partial_record {
    size_t item, point;
    unsigned rep;
    char label[64];
    size_t rows;              /* run: its rows in timeseries.csv */
    struct rep_result r;      /* summary, end and reason */
};

/* Reads replications.jsonl a line at a time. */
struct partial_records {
    FILE *fp;
    char *path;
    size_t line;
    char *buf;
    size_t cap;
};

bool partial_records_open(struct partial_records *r, const char *dir,
                          char *err, size_t n);
/* 1: the next record in *out; 0: the end of the file; -1: a malformed
 * line ("FILE:LINE: what is wrong" in err). */
int partial_records_next(struct partial_records *r,
                         struct partial_record *out, char *err, size_t n);
void partial_records_close(struct partial_records *r);

#endif
