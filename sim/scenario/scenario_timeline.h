/*
 * scenario_timeline.h — private to sim/scenario/: the reader of a
 * scenario's "timeline" list (incidents, models/timeline.h), which the
 * schema reader (scenario_parse.c) calls last.
 */
#ifndef STAMPEDE_SCENARIO_TIMELINE_H
#define STAMPEDE_SCENARIO_TIMELINE_H

#include "kernel/config.h"
#include "scenario/scenario_schema.h"

/* Reads the "timeline" member of top into s->model.timeline, sorted by
 * time; needs the rest of s parsed (the duration, the arrival process,
 * the database's discipline). Problems go to top->cfg. */
void scenario_timeline_parse(const struct cfg_obj *top, struct scenario *s);

#endif
