/*
 * constraint.h — a bound on a metric of the summary, as `calibrate` and
 * `sweep` take them: `--max METRIC=X`, `--min METRIC=X` (any field of the
 * metric registry), and the shorthands (`--max-p99-ms X` ...).
 *
 * A point (a value of a sweep or of a calibration, with its replications)
 * is judged on the 95 % confidence interval of the metric:
 *   holds      the whole interval is within the limit (for --max: its
 *              upper end <= X; for --min: its lower end >= X);
 *   fails      the whole interval is beyond it (lower end > X for --max);
 *   undecided  the interval straddles it: more evidence could go either
 *              way. Nothing undecided is reported as holding.
 * Each verdict is then wrong with probability at most 2.5 % (with a
 * level other than 95 %, half of what the level leaves out).
 *
 * The interval: the mean of the replications' values and its Student-t
 * half-width; for a share (FOLD_SHARE in the registry: errors of
 * requests, missed cycles of cycles, overlapping recomputes of
 * recomputes) also the Clopper–Pearson interval of the counts pooled over
 * the replications (proportion.h), and the union of the two is judged.
 * The pooled counts are what a few replications cannot give: 0 missed of
 * 412 cycles bounds the share below 0.9 %, where three replications of 0
 * read "0 ±0". The replications' interval is kept beside it for events
 * that come in bursts (the errors of one incident), which make the
 * replications disagree more than independent trials would.
 *
 * A yes/no metric (slo.recovered) is its share of yes over the
 * replications. An undefined value (a share of no trials) is undecided;
 * any other undefined value, and replications that split (some collapsed,
 * some not: an interval means nothing then), fail.
 */
#ifndef STAMPEDE_CONSTRAINT_H
#define STAMPEDE_CONSTRAINT_H

#include <stdbool.h>
#include <stddef.h>

#include "experiment/aggregate.h"
#include "experiment/summary.h"
#include "metric_registry.h"

struct constraint {
    char option[48];               /* the flag that set it, without "--":
                                      "max-p99-ms", or "max" / "min" */
    char path[SUMMARY_PATH_MAX];   /* the summary field: "latency_ms.p99" */
    const char *what;              /* its label, for messages */
    double limit;
    bool lower;                    /* a lower bound (--min) */
    bool slo;                      /* a field of the SLO (needs an slo) */
    bool fleet;                    /* a field of a fleet (needs more than
                                      one instance) */
    /* a share: the fields of its events ('+' between several) and of its
     * trials, and the trials' unit ("cycles"); "" and NULL otherwise */
    char num[2 * METRIC_NAME_MAX];
    char den[METRIC_NAME_MAX];
    const char *trials_unit;
};

enum verdict { VERDICT_HOLDS, VERDICT_UNDECIDED, VERDICT_FAILS };

/* "holds", "undecided", "fails" */
extern const char *const VERDICT_NAMES[];

/* A point judged on one constraint. */
struct judgement {
    enum verdict verdict;
    double estimate;        /* the mean; a share: pooled events / trials */
    double lo, hi;          /* the interval judged; NaN: none */
    double events, trials;  /* a share: pooled over the replications;
                               NaN for another metric */
    /* undecided: the replications in all after which, at the estimate
     * and spread seen so far, it would be decided (INFINITY: never — the
     * estimate is at the limit, or a share has no trials); decided: the
     * replications it has */
    double reps_to_decide;
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

/* The point's verdict on c, with the figures it rests on: at 95 %, or
 * with intervals of another two-sided `level` (a search that picks the
 * best of several values makes each interval wider, so that all hold
 * together at 95 %: calibrate.h). */
void constraint_judge(const struct aggregate *a, const struct constraint *c,
                      struct judgement *out);
void constraint_judge_at(const struct aggregate *a,
                         const struct constraint *c, double level,
                         struct judgement *out);

/* The end of the judged interval farthest from satisfying c: the upper
 * one for a --max, the lower one for a --min; one that always fails (+inf
 * for a max, -inf for a min) when the replications split or the value is
 * undefined (a share of no trials included). */
double constraint_bound(const struct aggregate *a, const struct constraint *c);
/* Whether c is proven to hold (VERDICT_HOLDS). */
bool constraint_holds(const struct aggregate *a, const struct constraint *c);

/* The first of cs[0..n) that a is not proven to meet, -1 if none. A
 * constraint on a field `a` does not have (another policy's metric) does
 * not apply. */
int constraint_first_broken(const struct aggregate *a,
                            const struct constraint *cs, size_t n);

#endif
