/*
 * scenario_slo.h — private to sim/scenario/: the reader of a scenario's
 * optional "slo" block (models/slo.h), which the schema reader
 * (scenario_parse.c) calls once the run's window is known.
 */
#ifndef STAMPEDE_SCENARIO_SLO_H
#define STAMPEDE_SCENARIO_SLO_H

#include "kernel/config.h"
#include "scenario/scenario_schema.h"

/* Reads the "slo" member of top into s->model.slo (slo.set false when
 * absent); needs s->model.window. Problems go to top->cfg. */
void scenario_slo_parse(const struct cfg_obj *top, struct scenario *s);

#endif
