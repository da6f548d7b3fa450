/*
 * constraint.h — a bound on a metric of the summary, as `calibrate` and
 * `sweep` take them: `--max METRIC=X`, `--min METRIC=X` (any field of the
 * metric registry), and the shorthands (`--max-p99-ms X` ...).
 *
 * A point of a sweep or a calibration meets a constraint when the end of
 * the metric's 95 % confidence interval that is farthest from the limit
 * does: mean + half-width <= X for --max, mean - half-width >= X for
 * --min (not merely the mean, so that a re-run agrees). A yes/no metric
 * (slo.recovered) is its share of yes over the replications.
 */
#ifndef STAMPEDE_CONSTRAINT_H
#define STAMPEDE_CONSTRAINT_H

#include <stdbool.h>
#include <stddef.h>

#include "experiment/aggregate.h"
#include "experiment/summary.h"

struct constraint {
    char option[48];               /* the flag that set it, without "--":
                                      "max-p99-ms", or "max" / "min" */
    char path[SUMMARY_PATH_MAX];   /* the summary field: "latency_ms.p99" */
    const char *what;              /* its label, for messages */
    double limit;
    bool lower;                    /* a lower bound (--min) */
    bool slo;                      /* a field of the SLO (needs an slo) */
};

/* "METRIC=X" after --max (lower false) or --min: METRIC is a field of
 * summary.json in the registry, or a column or sweep stem that names one.
 * false with the message in err, naming the metric, with a "did you
 * mean" from the registry. */
bool constraint_parse(const char *arg, bool lower, struct constraint *out,
                      char *err, size_t n);

/* A shorthand's constraint: --OPTION X bounds the field `path` from
 * above. */
void constraint_shorthand(const char *option, const char *path, double limit,
                          struct constraint *out);

/* How tables name it: "p99-ms" for a shorthand ("max-p99-ms" less its
 * "max-"), "max worst_window.p99_ms" for --max and --min. */
void constraint_name(const struct constraint *c, char *out, size_t n);
/* The flag that gave it: "--max-p99-ms", "--max worst_window.p99_ms=500". */
void constraint_flag(const struct constraint *c, char *out, size_t n);

/* The end of the interval a constraint is judged on: the upper one for a
 * --max, the lower one for a --min; one that always fails (+inf for a
 * max, -inf for a min) when the value is undefined or the replications
 * split (bimodal: an interval means nothing then). */
double constraint_bound(const struct aggregate *a, const struct constraint *c);
bool constraint_holds(const struct aggregate *a, const struct constraint *c);

/* The first of cs[0..n) that a breaks, -1 if none. A constraint on a
 * field `a` does not have (another policy's metric) does not apply. */
int constraint_first_broken(const struct aggregate *a,
                            const struct constraint *cs, size_t n);

#endif
