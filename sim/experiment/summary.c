/*
 * summary.c — see summary.h.
 */
#include "experiment/summary.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metric_registry.h"

static void put_path(struct run_summary *s, const char *path, double value)
{
    if (s->n == SUMMARY_MAX_VALUES)
        return;
    struct summary_value *v = &s->values[s->n++];
    snprintf(v->path, sizeof v->path, "%.*s", SUMMARY_PATH_MAX - 1, path);
    v->value = value;
}

static void put(struct run_summary *s, const struct metric_info *m,
                double value)
{
    put_path(s, m->field, value);
}

/* A per-instance metric: FIELD[i] for each instance, when they fit. */
static void put_instances(struct run_summary *s, const struct metric_info *m,
                          const struct run_totals *t)
{
    if (t->instances > SUMMARY_MAX_INSTANCES)
        return;
    for (long i = 0; i < t->instances; i++) {
        char path[SUMMARY_PATH_MAX + 16];
        snprintf(path, sizeof path, "%.*s[%d]", SUMMARY_PATH_MAX, m->field,
                 (int)i);
        put_path(s, path, metric_instance_value(m, t, i));
    }
}

/* Whether a run has the model's field: the SLO's only with an slo, a
 * fleet's only with more than one instance, a risk figure only for a
 * policy that has one. */
static bool has_field(const struct metric_info *m, const struct run_totals *t)
{
    return m->field[0] && (!m->slo || t->slo.set) &&
           (!m->fleet || t->instances > 1) && (!m->risk || t->risk.set);
}

/* Every field of the model's metrics in the registry, in its order (the
 * SLO's only with an slo, a fleet's only with instances), then the
 * policy's own. */
void summary_build(const struct run_totals *t, const struct policy_ops *ops,
                   struct run_summary *out)
{
    out->n = 0;
    struct metric_info m;
    for (size_t i = 0; i < metric_model_count(); i++) {
        metric_get(i, &m);
        if (!has_field(&m, t))
            continue;
        if (m.per_instance)
            put_instances(out, &m, t);
        else
            put(out, &m, metric_run_value(&m, t, ops));
    }
    size_t n = policy_metric_count(ops);
    for (size_t i = 0; i < n; i++) {
        metric_policy_info(ops, i, &m);
        put(out, &m, metric_run_value(&m, t, ops));
    }
}

static const struct summary_value *find(const struct run_summary *s,
                                        const char *path)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->values[i].path, path) == 0)
            return &s->values[i];
    return NULL;
}

double summary_get(const struct run_summary *s, const char *path)
{
    const struct summary_value *v = find(s, path);
    return v ? v->value : NAN;
}

bool summary_has(const struct run_summary *s, const char *path)
{
    return find(s, path) != NULL;
}
