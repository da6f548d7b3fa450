/*
 * summary.c — see summary.h.
 */
#include "experiment/summary.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metric_registry.h"

static void put(struct run_summary *s, const char *path, double value)
{
    if (s->n == SUMMARY_MAX_VALUES)
        return;
    struct summary_value *v = &s->values[s->n++];
    snprintf(v->path, sizeof v->path, "%s", path);
    v->value = value;
}


/* Every field of the model's metrics in the registry, in its order, then
 * the policy's own. */
void summary_build(const struct run_totals *t, const struct policy_ops *ops,
                   struct run_summary *out)
{
    out->n = 0;
    struct metric_info m;
    for (size_t i = 0; i < metric_model_count(); i++) {
        metric_get(i, &m);
        if (m.field[0])
            put(out, m.field, metric_run_value(&m, t, ops));
    }
    for (size_t i = 0; i < ops->n_metrics; i++) {
        metric_policy_info(ops, i, &m);
        put(out, m.field, metric_run_value(&m, t, ops));
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

/* Length of the common leading components ("a.b.c" vs "a.b.d": 2). */
static int common_depth(char parts_a[][SUMMARY_PATH_MAX], int na,
                        char parts_b[][SUMMARY_PATH_MAX], int nb)
{
    int d = 0;
    while (d < na && d < nb && strcmp(parts_a[d], parts_b[d]) == 0)
        d++;
    return d;
}

static int split_path(const char *path, char parts[][SUMMARY_PATH_MAX], int max)
{
    int n = 0;
    const char *p = path;
    while (n < max) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        snprintf(parts[n++], SUMMARY_PATH_MAX, "%.*s", (int)len, p);
        if (!dot)
            break;
        p = dot + 1;
    }
    return n;
}

static void number_leaf(struct json_out *j, size_t index, void *ctx)
{
    const struct run_summary *s = ctx;
    json_out_number(j, s->values[index].value);
}

void summary_write_members(struct json_out *j, const struct run_summary *s)
{
    summary_write_nested(j, s, number_leaf, (void *)s);
}

/* Paths sharing a prefix are adjacent in the list, so one pass opens and
 * closes the nested objects. */
void summary_write_nested(struct json_out *j, const struct run_summary *s,
                          summary_leaf_fn leaf, void *ctx)
{
    char open[8][SUMMARY_PATH_MAX];
    int n_open = 0;
    for (size_t i = 0; i < s->n; i++) {
        char parts[8][SUMMARY_PATH_MAX];
        int n = split_path(s->values[i].path, parts, 8);
        int keep = common_depth(open, n_open, parts, n - 1);
        while (n_open > keep) {
            json_out_end_object(j);
            n_open--;
        }
        while (n_open < n - 1) {
            json_out_key(j, parts[n_open]);
            json_out_begin_object(j);
            memcpy(open[n_open], parts[n_open], SUMMARY_PATH_MAX);
            n_open++;
        }
        json_out_key(j, parts[n - 1]);
        leaf(j, i, ctx);
    }
    while (n_open-- > 0)
        json_out_end_object(j);
}
