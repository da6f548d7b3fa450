/*
 * merge.h — joins the partial results of `--shard I/N` (partial.h) into
 * what the whole command computes, so that its own writers write the
 * same files: byte for byte, because every replication's values come
 * back to the same bits and go through the same aggregation, in the same
 * order (shard.h gives each item the streams it has in the whole).
 *
 * It refuses partials that are not the N slices of one command: of
 * another tool version, command, scenario (its name, seed, or the sha256
 * of its resolved scenario.json), replications, policies,
 * --max-in-flight, grid or constraints (a sweep's), or number of slices;
 * a slice given twice or missing; a folder whose data does not hold what
 * its manifest says. Each message names the folder and what differs.
 */
#ifndef STAMPEDE_MERGE_H
#define STAMPEDE_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "experiment/experiment.h"
#include "experiment/sweep.h"
#include "output/partial.h"
#include "scenario/scenario.h"

/* Where an item's rows are in its slice's timeseries.csv. */
struct block {
    long offset;
    size_t len;
};

struct csv_slice {
    FILE *fp;
    char *path;
};

struct merge {
    struct partial *parts;    /* parts[I - 1]: slice I */
    unsigned n;               /* N */
    const struct partial_manifest *m;   /* the first's: all agree */
    size_t *rows;             /* a run's: each item's rows (merge_run) */
    struct csv_slice *csv;    /* a run's: each slice's timeseries.csv */
    char *header;             /* its header (the same in each) */
    struct block *blocks;     /* each item's rows in it */
};

/* Reads and checks the partial folders. false with the message in err. */
bool merge_open(const char *const *dirs, size_t n_dirs, struct merge *out,
                char *err, size_t n);
void merge_free(struct merge *m);

/* A run's: the experiment the whole run makes of its policies
 * (`s`, loaded from the partials' scenario.json, names them) and
 * replications, from every slice's records. */
bool merge_run(struct merge *m, const struct scenario *s,
               struct experiment *out, char *err, size_t n);
/* A run's (after merge_run): finds each item's rows in the timeseries.csv
 * of its slice, as many as its record says, after one same header. */
bool merge_index_timeseries(struct merge *m, char *err, size_t n);
/* Then writes timeseries.csv: the header, then each item's rows, in item
 * order; when the run is not `complete`, every row's last column, complete,
 * 0 (as the whole run writes it). */
bool merge_write_timeseries(const struct merge *m, const char *path,
                            bool complete, char *err, size_t n);
/* A run's scenario.json: the partials' own bytes. */
bool merge_write_scenario(const struct merge *m, const char *path, char *err,
                          size_t n);

/* A sweep's: its parameters (grid, policies, replications, constraints)
 * and every point's results, judged. */
struct merge_sweep {
    struct sweep_params p;
    struct sweep s;
    struct constraint *constraints;
};

bool merge_sweep(const struct merge *m, struct merge_sweep *out, char *err,
                 size_t n);
void merge_sweep_free(struct merge_sweep *ms);

#endif
