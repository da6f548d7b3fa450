/*
 * sweep.c — see sweep.h.
 */
#include "experiment/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/experiment.h"
#include "kernel/strutil.h"
#include "experiment/memguard.h"
#include "scenario/scenario.h"
#include "scenario/setpath.h"
#include "experiment/workers.h"

#define MAX_VALUES 10000
#define MAX_POINTS 1000000

/* ---- --vary ---- */

static bool add_value(struct vary *v, char *text)
{
    if (!text)
        return false;
    char **values = realloc(v->values, (v->n + 1) * sizeof *values);
    if (!values) {
        free(text);
        return false;
    }
    v->values = values;
    v->values[v->n++] = text;
    return true;
}

/* "lo:hi:n" or "lo:hi:n:log" */
static bool parse_range(const char *spec, struct vary *v, char *err, size_t n)
{
    char lo_s[64], hi_s[64], n_s[32], mode[16] = "";
    int got = sscanf(spec, "%63[^:]:%63[^:]:%31[^:]:%15s", lo_s, hi_s, n_s, mode);
    double lo, hi, count;
    char *end;
    if (got < 3 || !number_or_duration_parse(lo_s, &lo) ||
        !number_or_duration_parse(hi_s, &hi)) {
        snprintf(err, n, "expected a,b,c or lo:hi:n or lo:hi:n:log, got "
                 "\"%s\"", spec);
        return false;
    }
    count = strtod(n_s, &end);
    if (*end || count != floor(count) || count < 2 || count > MAX_VALUES) {
        snprintf(err, n, "the number of values must be an integer from 2 to "
                 "%d, got \"%s\"", MAX_VALUES, n_s);
        return false;
    }
    double plain;
    v->durations = !str_parse_number(lo_s, &plain) ||
                   !str_parse_number(hi_s, &plain);
    v->range = true;
    v->log = got == 4;
    if (v->log && strcmp(mode, "log") != 0) {
        snprintf(err, n, "the fourth part can only be \"log\", got \"%s\"",
                 mode);
        return false;
    }
    if (v->log && !(lo > 0 && hi > 0)) {
        snprintf(err, n, "a log grid needs lo and hi > 0");
        return false;
    }
    for (size_t i = 0; i < (size_t)count; i++) {
        double x = grid_value(lo, hi, i, (size_t)count, v->log);
        if (!add_value(v, str_printf("%.10g", x))) {
            snprintf(err, n, "out of memory");
            return false;
        }
    }
    return true;
}

double grid_value(double lo, double hi, size_t i, size_t n, bool log)
{
    if (i + 1 >= n)
        return hi;
    double f = (double)i / (double)(n - 1);
    return log ? lo * pow(hi / lo, f) : lo + f * (hi - lo);
}

static bool parse_list(const char *spec, struct vary *v, char *err, size_t n)
{
    const char *p = spec;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0) {
            snprintf(err, n, "an empty value in \"%s\"", spec);
            return false;
        }
        if (v->n == MAX_VALUES || !add_value(v, str_printf("%.*s", (int)len, p))) {
            snprintf(err, n, "too many values");
            return false;
        }
        double value;
        const char *why;
        v->durations |= !str_parse_number(v->values[v->n - 1], &value) &&
                        duration_parse(v->values[v->n - 1], &value, &why);
        if (!comma)
            return true;
        p = comma + 1;
    }
}

bool vary_parse(const char *arg, struct vary *v, char *err, size_t n)
{
    memset(v, 0, sizeof *v);
    const char *spec;
    if (!setpath_split(arg, v->path, sizeof v->path, &spec) || !spec[0]) {
        snprintf(err, n, "expected PATH=SPEC (for example "
                 "policies[per].beta=0.5:4:8:log)");
        return false;
    }
    if (!setpath_valid(v->path, err, n))
        return false;
    bool range = strchr(spec, ':') && !strchr(spec, ',') && spec[0] != '{' &&
                 spec[0] != '"';
    bool ok = range ? parse_range(spec, v, err, n) : parse_list(spec, v, err, n);
    if (!ok)
        vary_free(v);
    return ok;
}

void vary_free(struct vary *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->values[i]);
    free(v->values);
    v->values = NULL;
    v->n = 0;
}

/* ---- points ---- */

size_t sweep_point_count(const struct sweep_params *p)
{
    size_t n = 1;
    for (size_t i = 0; i < p->n_varies; i++) {
        if (n > MAX_POINTS / (p->varies[i].n ? p->varies[i].n : 1))
            return MAX_POINTS + 1;
        n *= p->varies[i].n;
    }
    return n;
}

const char *sweep_value(const struct sweep_params *p, size_t point, size_t v)
{
    size_t stride = 1;
    for (size_t i = p->n_varies; i-- > v + 1;)
        stride *= p->varies[i].n;
    return p->varies[v].values[(point / stride) % p->varies[v].n];
}

/* The --set arguments of a point: the base ones, then one per vary. */
static const char **point_sets(const struct sweep_params *p, size_t point,
                               size_t *n)
{
    const char **sets = calloc(p->n_sets + p->n_varies + 1, sizeof *sets);
    if (!sets)
        return NULL;
    for (size_t i = 0; i < p->n_sets; i++)
        sets[i] = p->sets[i];
    for (size_t v = 0; v < p->n_varies; v++)
        sets[p->n_sets + v] = str_printf("%s=%s", p->varies[v].path,
                                         sweep_value(p, point, v));
    *n = p->n_sets + p->n_varies;
    return sets;
}

static void free_point_sets(const struct sweep_params *p, const char **sets)
{
    if (!sets)
        return;
    for (size_t v = 0; v < p->n_varies; v++)
        free((char *)sets[p->n_sets + v]);
    free(sets);
}

struct scenario *sweep_load_point(const struct sweep_params *p, size_t point,
                                  struct scenario_errors *errors)
{
    size_t n;
    const char **sets = point_sets(p, point, &n);
    if (!sets)
        return NULL;
    struct scenario *s = scenario_load_text(p->file, p->text, p->len, sets, n,
                                            errors);
    free_point_sets(p, sets);
    return s;
}

/* Indices of the labels to run in s; false if one is missing. */
/* The --policy labels as indices; at most SCENARIO_MAX_POLICIES of them
 * (a label named twice in a scenario of that many is refused). */
static bool select_labels(const struct scenario *s, const char *const *labels,
                          size_t n_labels, size_t *idx, char *err, size_t n)
{
    if (n_labels > SCENARIO_MAX_POLICIES) {
        snprintf(err, n, "--policy: at most %d labels", SCENARIO_MAX_POLICIES);
        return false;
    }
    return scenario_policy_indices(s, labels, n_labels, idx, err, n);
}

/* A point's errors, as the loader words them, except that a value that
 * came from --vary is named as such rather than as a --set; then which
 * point it was, since a value can also break a field it did not set. */
static void print_point_errors(const struct sweep_params *p, size_t point,
                               const struct scenario_errors *errors, FILE *out)
{
    for (size_t i = 0; i < errors->n; i++) {
        const char *line = errors->lines[i];
        bool from_vary = false;
        for (size_t v = 0; v < p->n_varies && !from_vary; v++) {
            char *prefix = str_printf("--set %s=%s: ", p->varies[v].path,
                                      sweep_value(p, point, v));
            from_vary = prefix && strncmp(line, prefix, strlen(prefix)) == 0;
            free(prefix);
        }
        fprintf(out, "%s%s\n", from_vary ? "--vary " : "",
                from_vary ? line + strlen("--set ") : line);
    }
    fprintf(out, "stampede sweep: at the point");
    for (size_t v = 0; v < p->n_varies; v++)
        fprintf(out, "%s %s=%s", v ? "," : "", p->varies[v].path,
                sweep_value(p, point, v));
    fprintf(out, "\n");
}

void sweep_results_memory(size_t points, unsigned reps, size_t n_policies,
                          unsigned parallel, struct memguard_results *out)
{
    out->command = "sweep";
    snprintf(out->what, sizeof out->what, "a grid of %zu point%s with %zu "
             "polic%s", points, points == 1 ? "" : "s", n_policies,
             n_policies == 1 ? "y" : "ies");
    out->fewer = "vary fewer values";
    /* the parent keeps every point; each worker, its point's replications */
    out->bytes = (double)points * (double)n_policies *
                     sizeof(struct point_policy) +
                 (double)parallel * reps * (double)n_policies *
                     sizeof(struct rep_result);
}

/* Whether the grid's results and `parallel` worlds of this point fit in
 * max_memory; the problem is printed if not. The results do not depend on
 * the point, so their problem comes without one. */
static bool point_fits(const struct sweep_params *p, size_t point,
                       const struct scenario *s, const size_t *idx,
                       unsigned parallel, FILE *out)
{
    if (p->max_memory <= 0)
        return true;
    size_t labels = p->n_labels ? p->n_labels : s->n_policies;
    struct memguard_results kept;
    sweep_results_memory(sweep_point_count(p), p->reps, labels, parallel,
                         &kept);
    char *problem = memguard_results_problem(&kept, p->max_memory);
    if (problem) {
        fprintf(out, "%s\n", problem);
        free(problem);
        return false;
    }
    problem = memguard_problem(s, p->n_labels ? idx : NULL, p->n_labels,
                               parallel, &kept, p->max_memory);
    if (!problem)
        return true;
    struct scenario_errors one = {&problem, 1};
    print_point_errors(p, point, &one, out);
    free(problem);
    return false;
}

bool sweep_validate(const struct sweep_params *p, FILE *out)
{
    size_t n = sweep_point_count(p);
    if (n > MAX_POINTS) {
        fprintf(out, "stampede sweep: the grid has more than %d points\n",
                MAX_POINTS);
        return false;
    }
    /* every worker holds one world at a time (the parent none, unless it
     * runs the points itself with -j 1) */
    unsigned parallel = p->jobs < n ? p->jobs : (unsigned)n;
    for (size_t point = 0; point < n; point++) {
        struct scenario_errors errors = {0};
        struct scenario *s = sweep_load_point(p, point, &errors);
        if (!s) {
            print_point_errors(p, point, &errors, out);
            scenario_errors_free(&errors);
            return false;
        }
        size_t idx[SCENARIO_MAX_POLICIES];
        char err[256];
        if (!select_labels(s, p->labels, p->n_labels, idx, err, sizeof err)) {
            fprintf(out, "stampede sweep: %s\n", err);
            scenario_free(s);
            return false;
        }
        bool fits = point_fits(p, point, s, idx, parallel, out);
        scenario_free(s);
        if (!fits)
            return false;
    }
    return true;
}

/* ---- running ---- */

const struct point_policy *sweep_not_run(void)
{
    /* no replication, no value (summary_get of an empty summary is NaN),
     * no binding constraint: complete 0 and "not run" say why */
    static const struct point_policy NOT_RUN = {
        .agg = {.collapsed_share = NAN}, .complete = false, .meets = false,
        .binding = -1};
    return &NOT_RUN;
}

struct sweep_run {
    const struct sweep_params *p;
    struct sweep *out;
};

bool sweep_point_aggregate(const struct experiment *e, unsigned reps,
                           struct point_policy *res)
{
    bool ok = true;
    for (size_t i = 0; ok && i < e->n; i++) {
        const struct policy_result *pr = &e->results[i];
        /* a policy whose world could not be built (out of memory) ran no
         * replication: its row says so (not run, complete 0) */
        if (pr->n_done == 0) {
            res[i] = *sweep_not_run();
            continue;
        }
        ok = aggregate_policy_result(pr, &res[i].agg);
        /* this policy's replications, all of them, each to its end: one
         * policy out of memory leaves the others' rows complete */
        res[i].complete = ok && pr->n_done == reps;
        for (unsigned k = 0; k < pr->n_done; k++)
            res[i].complete &= pr->reps[k].end == WORLD_COMPLETE;
        for (unsigned k = 0; k < pr->n_done; k++)
            res[i].events += pr->reps[k].events;
    }
    return ok;
}

void sweep_point_judge(const struct sweep_params *p, struct sweep_point *pt)
{
    for (size_t i = 0; i < pt->n_policies; i++) {
        struct point_policy *pp = &pt->policies[i];
        pp->binding = pp->agg.n == 0
                          ? -1   /* not run: nothing to judge */
                          : constraint_first_broken(&pp->agg, p->constraints,
                                                    p->n_constraints);
        pp->meets = pp->complete && pp->binding < 0;
    }
}

/* A worker's job: run one point, aggregate its replications per policy. */
static void *run_point(size_t point, size_t *size, void *ctx)
{
    struct sweep_run *run = ctx;
    const struct sweep_params *p = run->p;
    struct scenario_errors errors = {0};
    struct scenario *s = sweep_load_point(p, point, &errors);
    scenario_errors_free(&errors);
    size_t n = run->out->n_labels;
    size_t *idx = calloc(n, sizeof *idx);
    struct point_policy *res = calloc(n, sizeof *res);
    struct experiment e = {0};
    char err[256];
    bool ok = s && idx && res &&
              scenario_policy_indices(s, (const char *const *)run->out->labels,
                                      n, idx, err, sizeof err);
    struct experiment_params ep = {.scenario = s, .policies = idx,
                                   .n_policies = n, .replications = p->reps,
                                   .stop = p->stop,
                                   .max_in_flight = p->max_in_flight,
                                   .ticker = p->beat ? experiment_beat : NULL,
                                   .ticker_ctx = p->beat};
    ok = ok && experiment_run(&ep, &e, err, sizeof err) &&
         sweep_point_aggregate(&e, p->reps, res);
    experiment_free(&e);
    scenario_free(s);
    free(idx);
    if (!ok) {
        free(res);
        return NULL;
    }
    *size = n * sizeof *res;
    return res;
}

static void take_result(size_t point, void *result, size_t size, size_t done,
                        void *ctx)
{
    struct sweep_run *run = ctx;
    struct sweep_point *pt = &run->out->points[point];
    if (size != run->out->n_labels * sizeof *pt->policies) {
        free(result);
        return;
    }
    pt->done = true;
    pt->n_policies = run->out->n_labels;
    pt->policies = result;
    sweep_point_judge(run->p, pt);
    for (size_t i = 0; i < pt->n_policies; i++)
        run->out->events += pt->policies[i].events;
    if (run->p->progress)
        run->p->progress(done, run->out->n_points, run->out->events,
                         run->p->progress_ctx);
}

bool sweep_pick_labels(const struct sweep_params *p, struct sweep *out)
{
    struct scenario_errors errors = {0};
    struct scenario *s = sweep_load_point(p, 0, &errors);
    scenario_errors_free(&errors);
    if (!s)
        return false;
    size_t n = p->n_labels ? p->n_labels : s->n_policies;
    out->labels = calloc(n, sizeof *out->labels);
    for (size_t i = 0; out->labels && i < n; i++)
        out->labels[i] = str_printf("%s", p->n_labels ? p->labels[i]
                                                      : s->policies[i].label);
    out->n_labels = out->labels ? n : 0;
    out->slo = s->model.slo.set;
    scenario_free(s);
    return out->labels != NULL;
}

bool sweep_run(const struct sweep_params *p, struct sweep *out, char *err,
               size_t n)
{
    memset(out, 0, sizeof *out);
    out->n_points = sweep_point_count(p);
    out->points = calloc(out->n_points, sizeof *out->points);
    if (!out->points || !sweep_pick_labels(p, out)) {
        snprintf(err, n, "out of memory");
        return false;
    }
    struct sweep_run run = {p, out};
    enum workers_status st = workers_run(out->n_points, p->jobs, run_point,
                                         take_result, &run, p->stop, p->beat);
    out->stopped = st == WORKERS_STOPPED;
    if (st == WORKERS_FAILED) {
        snprintf(err, n, "a worker failed (out of memory, or killed)");
        return false;
    }
    return true;
}

void sweep_free(struct sweep *s)
{
    for (size_t i = 0; i < s->n_points; i++)
        free(s->points[i].policies);
    free(s->points);
    for (size_t i = 0; i < s->n_labels; i++)
        free(s->labels[i]);
    free(s->labels);
    memset(s, 0, sizeof *s);
}
