/*
 * scenario_parse.h — private to the scenario module: the schema reader
 * (scenario_parse.c, scenario_timeline.c) that scenario.c calls once the
 * tree is ready.
 */
#ifndef STAMPEDE_SCENARIO_PARSE_H
#define STAMPEDE_SCENARIO_PARSE_H

#include "kernel/config.h"
#include "scenario/scenario.h"

/* Reads every field of the tree into s (defaults filled in); problems go
 * to cfg. s must be zeroed. */
void scenario_parse_tree(struct cfg *cfg, const cJSON *root,
                         const char *default_name, struct scenario *s);

/* The limits and the words of the schema, shared by the reader and the
 * writer (scenario_json.c). The word lists are NULL-terminated and in the
 * order of their enums. */
#define MAX_CORES 100000
#define MAX_WORKERS 10000000
extern const char *const PROCESS_NAMES[];
extern const char *const POPULARITY_NAMES[];
extern const char *const WARM_NAMES[];
extern const char *const DISCIPLINE_NAMES[];
extern const char *const EVENT_NAMES[];

/* A character a scenario's name may hold (it names a directory). */
bool scenario_name_char(char c);

/* cores or usl, of database or of a timeline entry, into cap (cores
 * `default_cores` when neither is given); a usl needs the ps
 * discipline. */
void scenario_parse_capacity(const struct cfg_obj *o, enum db_discipline d,
                             int default_cores, struct db_capacity *cap);

/* The "timeline" list (scenario_timeline.c); needs the rest parsed. */
void scenario_parse_timeline(const struct cfg_obj *top, struct scenario *s);

#endif
