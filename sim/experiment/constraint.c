/*
 * constraint.c — see constraint.h.
 */
#include "experiment/constraint.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "experiment/proportion.h"
#include "kernel/config.h"
#include "kernel/strutil.h"
#include "metric_registry.h"

const char *const VERDICT_NAMES[] = {"holds", "undecided", "fails"};

/* What the registry knows of the metric: its share's counts. */
static void take_share(const struct metric_info *m, struct constraint *c)
{
    if (m->fold != FOLD_SHARE)
        return;
    snprintf(c->num, sizeof c->num, "%s", m->num);
    snprintf(c->den, sizeof c->den, "%s", m->den);
    struct metric_info den;
    c->trials_unit = metric_find(m->den, &den) ? den.unit : "trials";
}

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
    if (m.per_instance) {
        snprintf(err, n, "%s %s: \"%s\" is a list, one value per instance; "
                 "bound %s_max", flag, arg, name, m.field);
        return false;
    }
    if (!str_parse_number(eq + 1, &out->limit) || !isfinite(out->limit)) {
        snprintf(err, n, "%s %s: expected a number after '=', got \"%s\"",
                 flag, arg, eq + 1);
        return false;
    }
    snprintf(out->option, sizeof out->option, "%s", lower ? "min" : "max");
    /* every field fits (test_metric_registry checks it) */
    snprintf(out->path, sizeof out->path, "%.*s", SUMMARY_PATH_MAX - 1,
             m.field);
    out->what = m.label;
    out->lower = lower;
    out->slo = m.slo;
    out->fleet = m.fleet;
    take_share(&m, out);
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
    struct metric_info m;
    if (metric_find(path, &m))
        take_share(&m, out);
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

/* ---- judging ---- */

/* The pooled events of a share: its fields added up. */
static double pooled_events(const struct aggregate *a, const char *num)
{
    double sum = 0;
    char copy[2 * METRIC_NAME_MAX];
    snprintf(copy, sizeof copy, "%s", num);
    for (char *save, *f = strtok_r(copy, "+", &save); f;
         f = strtok_r(NULL, "+", &save))
        sum += summary_get(&a->total, f);
    return sum;
}

static enum verdict verdict_of(double lo, double hi,
                               const struct constraint *c)
{
    if (c->lower)
        return lo >= c->limit ? VERDICT_HOLDS
               : hi < c->limit ? VERDICT_FAILS : VERDICT_UNDECIDED;
    return hi <= c->limit ? VERDICT_HOLDS
           : lo > c->limit ? VERDICT_FAILS : VERDICT_UNDECIDED;
}

/* The two-sided Student-t quantile of `level` with df degrees of
 * freedom. */
static double t_quantile(double level, double df)
{
    return gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, df);
}

/* The half-width at `level` of an interval whose 95 % half-width over n
 * replications is hw95. */
static double widen(double hw95, size_t n, double level)
{
    if (!isfinite(hw95) || n < 2 || level == 0.95)
        return hw95;
    return hw95 * t_quantile(level, n - 1.0) / t_quantile(0.95, n - 1.0);
}

/* Replications after which a Student-t interval of this spread would
 * clear the limit: the least R with t(R-1) s / sqrt(R) < |mean - limit|,
 * s the replications' standard deviation (hw = t(n-1) s / sqrt(n)). */
static double reps_for_t(double mean, double hw, size_t n, double limit,
                         double level)
{
    double gap = fabs(mean - limit);
    if (!(hw > gap))
        return (double)n;
    if (!(gap > 0) || n < 2)
        return INFINITY;
    double s = hw * sqrt((double)n) / t_quantile(level, n - 1.0);
    double r = (double)n;
    while (t_quantile(level, r - 1) * s / sqrt(r) >= gap) {
        r = ceil(r * 1.1);
        if (r > 1e9)
            return INFINITY;
    }
    return r;
}

/* A share: the Clopper–Pearson interval of the pooled counts, widened to
 * the replications' own where that is wider. */
static void judge_share(const struct aggregate *a, const struct constraint *c,
                        double mean, double hw, double level,
                        struct judgement *out)
{
    out->events = pooled_events(a, c->num);
    out->trials = summary_get(&a->total, c->den);
    if (!(out->trials > 0)) {
        out->verdict = VERDICT_UNDECIDED;
        out->reps_to_decide = INFINITY;
        return;
    }
    out->estimate = out->events / out->trials;
    proportion_interval(out->events, out->trials, level, &out->lo, &out->hi);
    if (isfinite(mean) && isfinite(hw)) {
        /* a share lies in [0, 1], whatever a t interval says */
        out->lo = fmax(0, fmin(out->lo, mean - hw));
        out->hi = fmin(1, fmax(out->hi, mean + hw));
    }
    out->verdict = verdict_of(out->lo, out->hi, c);
    if (out->verdict != VERDICT_UNDECIDED)
        return;
    double per_rep = out->trials / (double)a->n;
    double trials = proportion_trials_to_decide(out->events, out->trials,
                                                c->limit, level);
    double reps = ceil(trials / per_rep);
    if (isfinite(mean) && isfinite(hw))
        reps = fmax(reps, reps_for_t(mean, hw, a->n, c->limit, level));
    out->reps_to_decide = fmax(reps, (double)a->n + 1);
}

void constraint_judge_at(const struct aggregate *a,
                         const struct constraint *c, double level,
                         struct judgement *out)
{
    double mean = summary_get(&a->mean, c->path);
    double hw = widen(summary_get(&a->ci95, c->path), a->n, level);
    *out = (struct judgement){VERDICT_FAILS, mean, NAN, NAN, NAN, NAN,
                              (double)a->n};
    if (a->bimodal)
        return;
    if (c->den[0]) {
        judge_share(a, c, mean, hw, level, out);
        return;
    }
    if (!isfinite(mean))
        return;
    /* one replication: no interval, the mean is all there is */
    out->lo = isfinite(hw) ? mean - hw : mean;
    out->hi = isfinite(hw) ? mean + hw : mean;
    out->verdict = verdict_of(out->lo, out->hi, c);
    if (out->verdict == VERDICT_UNDECIDED)
        out->reps_to_decide = fmax(reps_for_t(mean, hw, a->n, c->limit,
                                              level),
                                   (double)a->n + 1);
}

void constraint_judge(const struct aggregate *a, const struct constraint *c,
                      struct judgement *out)
{
    constraint_judge_at(a, c, 0.95, out);
}

double constraint_bound(const struct aggregate *a, const struct constraint *c)
{
    struct judgement j;
    constraint_judge(a, c, &j);
    double b = c->lower ? j.lo : j.hi;
    if (isnan(b))
        return c->lower ? -INFINITY : INFINITY;
    return b;
}

bool constraint_holds(const struct aggregate *a, const struct constraint *c)
{
    struct judgement j;
    constraint_judge(a, c, &j);
    return j.verdict == VERDICT_HOLDS;
}

int constraint_first_broken(const struct aggregate *a,
                            const struct constraint *cs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (summary_has(&a->mean, cs[i].path) && !constraint_holds(a, &cs[i]))
            return (int)i;
    return -1;
}
