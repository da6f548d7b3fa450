/*
 * scenario_schema.h — the scenario in types and words: the resolved
 * scenario (struct scenario), the limits and the words of the schema, and
 * the rules more than one part of sim/scenario/ applies (a name's
 * characters, a label, a capacity). The reader (scenario_parse.c,
 * scenario_timeline.c), the writer (scenario_json.c) and the loader
 * (scenario.c) build on it; it knows none of them.
 */
#ifndef STAMPEDE_SCENARIO_SCHEMA_H
#define STAMPEDE_SCENARIO_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/config.h"
#include "policy.h"
#include "world.h"

#define SCENARIO_MAX_POLICIES 32
#define SCENARIO_MAX_WINDOWS 1000000
#define MAX_WORKERS 10000000
/* The highest rate of requests or queries a scenario may ask for (per
 * second): arrivals 1 ns apart on average (DIST_MIN_SECONDS), the finest
 * step the simulated clock takes. Past it, time would stop advancing
 * between arrivals. */
#define SCENARIO_MAX_RATE 1e9
/* A timeline's service_multiplier (and its inverse): what it multiplies
 * stays a duration within the bounds of dist.h. */
#define SCENARIO_MAX_SERVICE_MULTIPLIER 1e6

struct policy_spec {
    char *label;
    const struct policy_ops *ops;
    void *knobs;                 /* ops->knobs_size bytes */
};

struct scenario_source;

struct scenario {
    char *path;                  /* the file it came from */
    char *name;
    char *description;
    uint64_t seed;
    struct model_config model;
    struct policy_spec *policies;
    size_t n_policies;
    struct scenario_source *source;   /* private: see scenario_origin */
    char **notes;                /* the loader's warnings ("FILE:LINE:COL:
                                    PATH: message"): scenario_warnings */
    size_t n_notes;
};

/* The words of the schema's enumerations, NULL-terminated and in the
 * order of their enums. */
extern const char *const PROCESS_NAMES[];
extern const char *const POPULARITY_NAMES[];
extern const char *const WARM_NAMES[];
extern const char *const DISCIPLINE_NAMES[];
extern const char *const EVENT_NAMES[];

/* A character a scenario's name may hold (it names a directory). */
bool scenario_name_char(char c);

/* Whether text is a policy label as the loader accepts it: a letter,
 * then letters, digits, '-' or '_', at most 64 in all. */
bool scenario_label_valid(const char *label);

/* cores or usl, of database or of a timeline entry, into cap (cores
 * `default_cores` when neither is given); a usl needs the ps
 * discipline. Problems go to o->cfg. */
void scenario_read_capacity(const struct cfg_obj *o, enum db_discipline d,
                            int default_cores, struct db_capacity *cap);

#endif
