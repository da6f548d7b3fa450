/*
 * scenario_parse.h — private to sim/scenario/: the schema reader that
 * scenario.c calls once the tree is ready. The "timeline" list is read by
 * scenario_timeline.c, the "slo" block by scenario_slo.c.
 */
#ifndef STAMPEDE_SCENARIO_PARSE_H
#define STAMPEDE_SCENARIO_PARSE_H

#include "kernel/config.h"
#include "scenario/scenario_schema.h"

/* Reads every field of the tree into s (defaults filled in); problems go
 * to cfg. s must be zeroed. */
void scenario_parse_tree(struct cfg *cfg, const cJSON *root,
                         const char *default_name, struct scenario *s);

#endif
