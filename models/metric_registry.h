/*
 * metric_registry.h — every metric a run reports, defined once: its
 * names in each output, its unit, what it means, how it folds, and how
 * to read it from a window or from the whole run.
 *
 * The outputs (timeseries.csv, summary.json, the run table, sweep.csv,
 * calibration's constraints and costs, `stampede metrics`, the tables of
 * docs/outputs.md) take names, units and values from here; where they
 * choose which metrics to show and in what order, they name them by field
 * or column.
 *
 * The registry is the model's metrics (metric_def, below) followed by
 * each registered policy's own (policy.h: struct policy_metric), read
 * from the tables its ops list (its own, and the lock helper's for a
 * policy that locks), so that it names no policy: a policy's metric
 * `polls` is the field `policy_metrics.polls` and the column `lock_polls`.
 */
#ifndef STAMPEDE_METRIC_REGISTRY_H
#define STAMPEDE_METRIC_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "metric.h"
#include "metrics.h"
#include "policy.h"

/* One metric of the model. */
struct metric_def {
    const char *field;     /* summary.json path ("latency_ms.p99");
                              NULL: per window only */
    const char *column;    /* timeseries.csv column ("p99_ms"); NULL: of the
                              whole run only */
    const char *unit;      /* "ms", "s", "ratio", "requests", "1/s", ... */
    const char *label;     /* short, with its unit where it has one: table
                              legends, constraint messages, axis labels */
    const char *meaning;   /* one line */
    enum metric_fold fold; /* how windows make the run's value */
    const char *of;        /* a field of the run that folds a column
                              (FOLD_MAX over the measured windows of
                              db_qps, ...): that column; NULL otherwise */
    const char *sweep;     /* sweep.csv column stem; NULL: the field with
                              '_' for '.' */
    const char *table;     /* header in the run table; NULL: not shown */
    /* A window's value; the run's too, read from the run's pooled row,
     * unless of_run is set. NULL: not per window. */
    double (*of_window)(const struct window_row *row, int arg);
    /* The run's value where it is not the pooled row's. */
    double (*of_run)(const struct run_totals *t, int arg);
    int arg;               /* passed to both: an outcome, a cause, ... */
    bool slo;              /* of the SLO: only when the scenario has one
                              (summary.json has no such field without) */
    bool boolean;          /* a yes/no: true/false in summary.json (over
                              replications, the mean is the share of yes) */
    /* FOLD_SHARE: the fields that count its events and its trials; num
     * may add fields up ("outcomes.hit+outcomes.stale"). */
    const char *num, *den;
    bool fleet;            /* of a fleet: only when the run has more than
                              one application instance */
    bool risk;             /* the policy's risk figure: only for a policy
                              that has one */
    /* A list, one value per instance: summary.json holds FIELD as an
     * array (the flat summary, FIELD[0], FIELD[1], ...). Instead of
     * of_window and of_run. */
    double (*of_instance)(const struct run_totals *t, long instance);
};

#define METRIC_NAME_MAX 64

/* A metric of the registry, the model's or a policy's, as outputs see it. */
struct metric_info {
    const struct metric_def *def;      /* the model's; NULL: a policy's */
    const struct policy_ops *policy;   /* a policy's metric: its policy */
    size_t index;                      /* ... and its index there */
    char field[METRIC_NAME_MAX];       /* "" when it has none */
    char column[METRIC_NAME_MAX];      /* "" when it has none */
    char sweep[METRIC_NAME_MAX];       /* "" when it has no field */
    const char *unit, *label, *meaning;
    const char *table;                 /* NULL: not in the run table */
    enum metric_fold fold;
    bool slo;                          /* only with an slo */
    bool boolean;                      /* a yes/no */
    /* A share (FOLD_SHARE): the summary fields of its events (several
     * joined by '+') and of its trials; "" for other metrics. */
    char num[2 * METRIC_NAME_MAX];
    char den[METRIC_NAME_MAX];
    bool fleet;                        /* only with instances */
    bool risk;                         /* only with a risk figure */
    bool per_instance;                 /* one value per instance */
};

/* Metrics in the registry: the model's, then each policy's. */
size_t metric_count(void);
/* The model's alone: the first metric_model_count() of them. */
size_t metric_model_count(void);
/* The index-th metric of a policy's tables (policy_metric_at),
 * registered or not (a policy's values are read from its own tables: a
 * copy of a policy's ops, as tests make, reports its metrics too). */
void metric_policy_info(const struct policy_ops *p, size_t index,
                        struct metric_info *out);
/* The i-th (i < metric_count()). */
void metric_get(size_t i, struct metric_info *out);
/* By field, column or sweep name; false if none has it. A field two
 * policies share is found as the first's (read it for a run of either
 * with metric_run_value). */
bool metric_find(const char *name, struct metric_info *out);

/* The label of the metric of that name; the name itself if none has it. */
const char *metric_label(const char *name);

/* Where a policy's metric is among the metrics of `policy`: by its name,
 * so that a metric two policies share (the lock helper's `polls`, found
 * as lock's by metric_find) is read from each policy's own tables; -1
 * if `policy` has no metric of that name, or m is the model's. */
long metric_policy_index(const struct metric_info *m,
                         const struct policy_ops *policy);

/* Its value in a window of a run of `policy` (NaN: undefined, or a
 * metric `policy` does not have, or of the whole run only). */
double metric_window_value(const struct metric_info *m,
                           const struct window_row *row,
                           const struct policy_ops *policy);
/* The value of instance `instance` of a per-instance metric over a whole
 * run (NaN: not a per-instance metric, or not kept). */
double metric_instance_value(const struct metric_info *m,
                             const struct run_totals *t, long instance);

/* Its value over a whole run of `policy` (NaN: undefined, or a metric
 * `policy` does not have, or per window only, or per instance). */
double metric_run_value(const struct metric_info *m,
                        const struct run_totals *t,
                        const struct policy_ops *policy);

#endif
