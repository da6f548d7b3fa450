/*
 * comparison.h — runs side by side, metric by metric, from what `run`
 * wrote (summary.json): for `stampede compare A B [C...]` (the same label
 * in each folder) and for `stampede report DIR` (the labels of one run).
 *
 * Each column ("entry") is one policy of one folder; a group of entries
 * is compared against its first, the baseline. For every metric of the
 * registry (metric_registry.h) that any entry has, a row gives each
 * entry's value (the mean over replications, with its 95 % half-width),
 * its difference from the baseline, and whether the two 95 % intervals
 * separate: with one replication (or replications that split into
 * collapsed and not) there is no interval, and the verdict says it
 * cannot tell.
 */
#ifndef STAMPEDE_COMPARISON_H
#define STAMPEDE_COMPARISON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#define COMPARISON_MAX_FOLDERS 26   /* named A to Z */

struct comparison_folder {
    char *path;                 /* as given */
    char name[2];               /* "A", "B", ... */
    char *scenario;             /* summary.json's scenario */
    double seed;
    double replications;
    cJSON *summary;             /* summary.json, parsed */
    cJSON *run_scenario;        /* scenario.json, parsed; NULL if absent */
};

struct comparison_entry {
    size_t folder;
    const char *label;          /* the policy's label (in summary) */
    const char *name;           /* the column's name: the folder's letter,
                                   or the label (one folder) */
    const cJSON *policy;        /* its object in summary.json */
    bool split;                 /* replications split: no interval */
};

struct comparison_group {
    const char *title;          /* the label compared, or "policies" */
    size_t *entries;            /* indices; the first is the baseline */
    size_t n;
};

struct comparison {
    struct comparison_folder *folders;
    size_t n_folders;
    struct comparison_entry *entries;
    size_t n_entries;
    struct comparison_group *groups;
    size_t n_groups;
};

/* Folders of results, compared label by label: a group per label (in
 * the order they first appear), its entries the folders that have it.
 * false with a message naming the folder (no summary.json, not one of
 * stampede's, more than COMPARISON_MAX_FOLDERS). */
bool comparison_of_folders(const char *const *paths, size_t n,
                           struct comparison *out, char *err, size_t n_err);

/* The policies of one run against its first. */
bool comparison_of_run(const char *path, struct comparison *out, char *err,
                       size_t n_err);

void comparison_free(struct comparison *c);

/* An entry's value of a summary.json field: its mean over replications
 * (the value of a single run; true/false as 1/0) and its 95 % half-width
 * (NaN with one replication, or when they split). false if the entry has
 * no such field or it is undefined (null). */
bool comparison_value(const struct comparison_entry *e, const char *field,
                      double *mean, double *ci);

enum comparison_verdict {
    VERDICT_UNDEFINED,     /* either value is undefined */
    VERDICT_SAME,          /* equal: no difference at all */
    VERDICT_SEPARATE,      /* the 95 % intervals do not overlap */
    VERDICT_OVERLAP,       /* they do: the difference may be chance */
    VERDICT_CANNOT_TELL,   /* an entry has no interval */
};

/* "-", "same", "separate", "overlap", "cannot tell (one replication)". */
const char *comparison_verdict_text(enum comparison_verdict v);
/* The word tools get: "undefined", "same", "separate", "overlap",
 * "cannot_tell". */
const char *comparison_verdict_key(enum comparison_verdict v);

/* Entry e against the baseline b for a field: the difference e - b (NaN
 * when either is undefined) and the verdict. */
enum comparison_verdict comparison_diff(const struct comparison_entry *b,
                                        const struct comparison_entry *e,
                                        const char *field, double *diff);

/* Whether a row of the field is worth showing: some entry of the group
 * has a value. */
bool comparison_has(const struct comparison *c,
                    const struct comparison_group *g, const char *field);

#endif
