/*
 * scenario_parse.h — private to the scenario module: the schema reader
 * (scenario_parse.c, scenario_timeline.c) that scenario.c calls once the
 * tree is ready.
 */
#ifndef STAMPEDE_SCENARIO_PARSE_H
#define STAMPEDE_SCENARIO_PARSE_H

#include "kernel/config.h"
#include "scenario.h"

/* Reads every field of the tree into s (defaults filled in); problems go
 * to cfg. s must be zeroed. */
void scenario_parse_tree(struct cfg *cfg, const cJSON *root,
                         const char *default_name, struct scenario *s);

/* database.usl (or a timeline entry's usl) into cap. */
void scenario_parse_usl(const struct cfg_obj *o, struct db_capacity *cap);

/* The "timeline" list (scenario_timeline.c); needs the rest parsed. */
void scenario_parse_timeline(const struct cfg_obj *top, struct scenario *s);

#endif
