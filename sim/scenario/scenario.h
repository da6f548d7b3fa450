/*
 * scenario.h — a scenario file, loaded, validated and resolved.
 *
 * The loader reads the file, applies `--set` overrides, and checks every
 * field strictly: unknown keys (with a suggestion), duplicate keys, wrong
 * types, values out of range, and contradictions are all reported at once,
 * each as `file:line:col: path: message` (or `--set ARG: path: message`
 * when the value came from the command line). The resolved scenario has
 * every default filled in and can be written back to JSON (scenario.json)
 * and loaded again to the same values.
 */
#ifndef STAMPEDE_SCENARIO_H
#define STAMPEDE_SCENARIO_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario/scenario_schema.h"

/* Scenario files larger than this are refused (they are hand-written). */
#define SCENARIO_MAX_BYTES (16u << 20)

/* The messages of a failed load, one line each, in file order. */
struct scenario_errors {
    char **lines;
    size_t n;
};

/* The path that means standard input, and how messages name it
 * ("<stdin>:3:14: ..."). A scenario read from it takes its data files
 * from the working directory, and the name "stdin" unless it has one. */
#define SCENARIO_STDIN "-"
#define SCENARIO_STDIN_SHOWN "<stdin>"

/* Loads `path` (SCENARIO_STDIN: standard input), applying the `n_sets`
 * "PATH=VALUE" overrides in order. Returns the scenario, or NULL with
 * every problem in *errors. */
struct scenario *scenario_load(const char *path, const char *const *sets,
                               size_t n_sets, struct scenario_errors *errors);

/* Reads a scenario file's text (checks as scenario_load does: a readable
 * regular file, or standard input, not too large). NULL with the
 * problem in *errors. */
char *scenario_read(const char *path, size_t *len,
                    struct scenario_errors *errors);

/* The same from text already in memory (`path` only names it, and the
 * folder of its data files; SCENARIO_STDIN as above). */
struct scenario *scenario_load_text(const char *path, const char *text,
                                    size_t len, const char *const *sets,
                                    size_t n_sets,
                                    struct scenario_errors *errors);

void scenario_free(struct scenario *s);
void scenario_errors_free(struct scenario_errors *e);
void scenario_errors_print(const struct scenario_errors *e, FILE *out);

/* The resolved scenario as JSON: every field, defaults included. */
cJSON *scenario_to_json(const struct scenario *s);

/* Where the field at `path` came from, as an error message would start:
 * "FILE:LINE:COL" (its place in the file, or its nearest ancestor's when
 * it is not written there) or "--set ARG". For problems found after
 * loading (the memory estimate). */
void scenario_origin(const struct scenario *s, const char *path, char *out,
                     size_t n);

/* Whether the field at `path` was written in the file or set with --set
 * (not a default). */
bool scenario_field_given(const struct scenario *s, const char *path);

/* The index of the policy labelled `label`, or -1. */
int scenario_policy_index(const struct scenario *s, const char *label);
/* The index of each of `labels` (as --policy names them) into idx; false
 * if one is not a label of s, with the message in err: "--policy X: the
 * scenario has no policy labelled "X" (did you mean "Y"?)". */
bool scenario_policy_indices(const struct scenario *s,
                             const char *const *labels, size_t n, size_t *idx,
                             char *err, size_t err_n);

/* The warnings about a valid scenario (scenario_warn.c): a bare number of
 * seconds above an hour in a duration field (60000 meant as ms?), a TTL
 * shorter than the median recompute, a recompute p99 above the client's
 * timeout, background traffic at or above the database's capacity, a
 * run shorter than two TTL cycles (when the run's duration or the TTL
 * was given, not both defaults; and unless the timeline flushes the
 * cache: then the flush is the subject), a policy's risk figure past its
 * limit (scenario_risk_warnings). Each line is "FILE:LINE:COL:
 * PATH: message" (or "--set ARG: ..."), without the "warning: " the
 * commands print before it. Free with scenario_errors_free. */
void scenario_warnings(const struct scenario *s, struct scenario_errors *out);
/* The recompute's p99 under the scenario's load, estimated without a
 * run (scenario_risk.c): database.service's p99, stretched by the mean
 * slowdown of a query on the database its background traffic keeps busy
 * (what `check` shows as its share of capacity before any miss; the
 * keys' own recomputes depend on which keys are read, and a run measures
 * them) — the processor-sharing (or M/M/c) chain of its capacity —, and
 * at most the client's timeout (a slower recompute stores no delta).
 * INFINITY when the background alone saturates the database. */
double scenario_recompute_p99(const struct scenario *s);
/* Policy i's risk figure (policy.h) under that load, the hottest key's
 * peak read rate and the TTL; false if it has none (or the workload is a
 * closed loop, whose rate is not known before a run). */
bool scenario_policy_risk(const struct scenario *s, size_t i,
                          struct policy_risk *out);
/* A line per policy whose risk figure exceeds its limit, placed as
 * errors are ("FILE:LINE:COL: policies[i]: LABEL: ..."), without the
 * "warning: " the commands print before it. Free with
 * scenario_errors_free. */
void scenario_risk_warnings(const struct scenario *s,
                            struct scenario_errors *out);

/* A one-screen description of what will be simulated (`check`). */
void scenario_describe(const struct scenario *s, FILE *out);

#endif
