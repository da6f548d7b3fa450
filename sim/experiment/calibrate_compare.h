/*
 * calibrate_compare.h — what calibrate adds to a policy's knobs beyond the
 * one it tunes: the assignments its pilot runs with (policy.h:
 * policy_calibration.pilot_sets), and the comparison it shows beside its
 * answer when the answer's runs misbehave (policy_calibration.compare:
 * PER's refresh storms with a measured delta, beside the delta clamped).
 */
#ifndef STAMPEDE_CALIBRATE_COMPARE_H
#define STAMPEDE_CALIBRATE_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "experiment/calibrate.h"
#include "scenario/scenario.h"

/* --set arguments: the caller's, then a policy's assignments as full
 * paths ("policies[LABEL].delta_max=0.6"). Free with
 * calibrate_sets_free. */
struct calibrate_sets {
    const char **sets;    /* the caller's strings, then `own` */
    size_t n;
    char **own;
    size_t n_own;
};

/* p's sets followed by `extra` (n_extra assignments relative to the
 * policy `label`); false if memory runs out. */
bool calibrate_sets_make(const struct calibrate_params *p,
                         const calibration_sets extra, size_t n_extra,
                         struct calibrate_sets *out);
void calibrate_sets_free(struct calibrate_sets *s);

/* Whether calibrating c calls for the comparison: the `when` field of the
 * answer's runs — or, with no answer, of any value's — is more than
 * cmp->per_ttl per TTL period (`ttl` seconds) of the measured run
 * (`measured` seconds). */
bool calibrate_compare_due(const struct calibration *c,
                           const struct calibration_compare *cmp, double ttl,
                           double measured);

/* The values whose runs call for it, of c->n. */
size_t calibrate_compare_count(const struct calibration *c,
                               const struct calibration_compare *cmp,
                               double ttl, double measured);

#endif
