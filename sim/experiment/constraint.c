/*
 * constraint.c — see constraint.h.
 */
#include "experiment/constraint.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/config.h"
#include "kernel/strutil.h"
#include "metric_registry.h"

/* Every field of the registry, NULL-terminated, for "did you mean" (free
 * the array; the names live in `store`). */
static const char **field_names(char (*store)[METRIC_NAME_MAX], size_t n)
{
    const char **names = calloc(n + 1, sizeof *names);
    size_t k = 0;
    for (size_t i = 0; names && i < n; i++) {
        struct metric_info m;
        metric_get(i, &m);
        if (!m.field[0])
            continue;
        snprintf(store[k], METRIC_NAME_MAX, "%s", m.field);
        names[k] = store[k];
        k++;
    }
    return names;
}

static void unknown_metric(const char *flag, const char *arg,
                           const char *name, char *err, size_t n)
{
    size_t count = metric_count();
    char (*store)[METRIC_NAME_MAX] = calloc(count, sizeof *store);
    const char **names = store ? field_names(store, count) : NULL;
    const char *hint = names ? str_suggest(name, names) : NULL;
    snprintf(err, n, "%s %s: no metric \"%s\"%s%s%s ('stampede metrics' "
             "lists them)", flag, arg, name, hint ? " (did you mean \"" : "",
             hint ? hint : "", hint ? "\"?)" : "");
    free(names);
    free(store);
}

bool constraint_parse(const char *arg, bool lower, struct constraint *out,
                      char *err, size_t n)
{
    const char *flag = lower ? "--min" : "--max";
    const char *eq = strchr(arg, '=');
    char name[METRIC_NAME_MAX];
    memset(out, 0, sizeof *out);
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof name) {
        snprintf(err, n, "%s %s: expected METRIC=X (for example %s "
                 "worst_window.p99_ms=500)", flag, arg, flag);
        return false;
    }
    snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
    struct metric_info m;
    if (!metric_find(name, &m)) {
        unknown_metric(flag, arg, name, err, n);
        return false;
    }
    if (!m.field[0]) {
        snprintf(err, n, "%s %s: \"%s\" is a column of timeseries.csv, a "
                 "figure of each window; bound a field of summary.json "
                 "('stampede metrics' lists them)", flag, arg, name);
        return false;
    }
    if (!str_parse_number(eq + 1, &out->limit) || !isfinite(out->limit)) {
        snprintf(err, n, "%s %s: expected a number after '=', got \"%s\"",
                 flag, arg, eq + 1);
        return false;
    }
    snprintf(out->option, sizeof out->option, "%s", lower ? "min" : "max");
    snprintf(out->path, sizeof out->path, "%s", m.field);
    out->what = m.label;
    out->lower = lower;
    out->slo = m.slo;
    return true;
}

void constraint_shorthand(const char *option, const char *path, double limit,
                          struct constraint *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->option, sizeof out->option, "%s", option);
    snprintf(out->path, sizeof out->path, "%s", path);
    out->what = metric_label(path);
    out->limit = limit;
}

/* Given as --max or --min rather than a shorthand. */
static bool generic(const struct constraint *c)
{
    return strcmp(c->option, "max") == 0 || strcmp(c->option, "min") == 0;
}

void constraint_name(const struct constraint *c, char *out, size_t n)
{
    if (generic(c))
        snprintf(out, n, "%s %s", c->option, c->path);
    else
        snprintf(out, n, "%s", strncmp(c->option, "max-", 4) == 0
                                   ? c->option + 4 : c->option);
}

void constraint_flag(const struct constraint *c, char *out, size_t n)
{
    if (generic(c))
        snprintf(out, n, "--%s %s=%g", c->option, c->path, c->limit);
    else
        snprintf(out, n, "--%s", c->option);
}

double constraint_bound(const struct aggregate *a, const struct constraint *c)
{
    double fail = c->lower ? -INFINITY : INFINITY;
    double mean = summary_get(&a->mean, c->path);
    double hw = summary_get(&a->ci95, c->path);
    if (a->bimodal || !isfinite(mean))
        return fail;
    if (!isfinite(hw))
        return mean;
    return c->lower ? mean - hw : mean + hw;
}

bool constraint_holds(const struct aggregate *a, const struct constraint *c)
{
    double b = constraint_bound(a, c);
    return c->lower ? b >= c->limit : b <= c->limit;
}

int constraint_first_broken(const struct aggregate *a,
                            const struct constraint *cs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (summary_has(&a->mean, cs[i].path) && !constraint_holds(a, &cs[i]))
            return (int)i;
    return -1;
}
