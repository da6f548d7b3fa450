/*
 * scenario_inputs.h — private to sim/scenario/: the workload's data files,
 * read when the scenario is loaded so that a bad row is reported before
 * anything runs, as FILE:LINE:COL: PATH: MESSAGE.
 *
 *   "profile": {"file": "rate.csv", "scale": 1, "speed": 1}
 *       rows `t,rate`: t in seconds from the start, or RFC 3339 dates
 *       (then t = 0 is the first row's); requests/s. The same
 *       piecewise-linear profile as the inline list: the point at t
 *       becomes {"at": t / speed, "rate": rate * scale}.
 *   "trace": {"file": "requests.csv.gz", "format": "csv", "speed": 1}
 *       a request trace (models/trace.h), scanned whole now.
 *
 * File names are relative to the scenario file's folder (cfg->base_dir).
 */
#ifndef STAMPEDE_SCENARIO_INPUTS_H
#define STAMPEDE_SCENARIO_INPUTS_H

#include "kernel/config.h"
#include "workload.h"

/* At most this many rows in a profile file. */
#define PROFILE_MAX_POINTS 10000000u

/* The member "profile" of `arrivals`, an object: its file read into
 * w->profile. */
void scenario_profile_file(const struct cfg_obj *arrivals,
                           struct workload_config *w);

/* The member "trace" of `workload`: w->trace filled and scanned,
 * w->replay set. max_keys and max_span (replay seconds) bound it. */
void scenario_trace_parse(const struct cfg_obj *workload,
                          struct workload_config *w, long max_keys,
                          double max_span);

#endif
