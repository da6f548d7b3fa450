/*
 * summary.c — see summary.h.
 */
#include "experiment/summary.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metric_registry.h"

static void put(struct run_summary *s, const struct metric_info *m,
                double value)
{
    if (s->n == SUMMARY_MAX_VALUES)
        return;
    struct summary_value *v = &s->values[s->n++];
    snprintf(v->path, sizeof v->path, "%s", m->field);
    v->value = value;
}

/* Every field of the model's metrics in the registry, in its order (the
 * SLO's only with an slo), then the policy's own. */
void summary_build(const struct run_totals *t, const struct policy_ops *ops,
                   struct run_summary *out)
{
    out->n = 0;
    struct metric_info m;
    for (size_t i = 0; i < metric_model_count(); i++) {
        metric_get(i, &m);
        if (m.field[0] && (!m.slo || t->slo.set))
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
