/*
 * policy.c — helpers shared by every policy and its callers: the names of
 * outcomes and causes, the check and the defaults of an ops table, and the
 * folding of a policy's metrics.
 */
#include "policy.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const OUTCOME_NAMES[N_OUTCOMES] = {
    "hit", "stale", "waited", "computed", "error",
};
const char *const ERROR_CAUSE_NAMES[N_ERROR_CAUSES] = {
    "timeout", "pool_timeout", "too_many_connections", "lock_give_up",
    "holder_crash",
};
const char *const RECOMPUTE_CAUSE_NAMES[N_RECOMPUTE_CAUSES] = {
    "miss", "early", "lock",
};

/* ---- defaults of the optional callbacks (policy.h says why each) ---- */

static const char *const NO_KNOBS[] = {NULL};

static void no_parse(const struct cfg_obj *o, void *knobs)
{
    (void)o;
    (void)knobs;
}

static void no_write(const void *knobs, cJSON *object)
{
    (void)knobs;
    (void)object;
}

static void no_describe(const void *knobs, char *out, size_t n)
{
    (void)knobs;
    snprintf(out, n, "no knobs");
}

static bool never_stale(const void *knobs)
{
    (void)knobs;
    return false;
}

static void *knobs_as_state(const void *knobs, struct world *w)
{
    (void)w;
    return (void *)knobs;
}

static void no_destroy(void *state) { (void)state; }

static void release_lock(void *state, struct request *r, bool acquired)
{
    (void)state;
    if (acquired)
        req_unlock(r);
}

static void read_again(void *state, struct request *r)
{
    (void)state;
    req_read(r);
}

static void read_first(void *state, struct request *r)
{
    (void)state;
    req_read(r);
}

static double measured_delta(void *state, struct request *r, double measured)
{
    (void)state;
    (void)r;
    return measured;
}

static void ignore_unlock(void *state, struct request *r, bool released)
{
    (void)state;
    (void)r;
    (void)released;
}

static void no_collect(void *state, double *acc)
{
    (void)state;
    (void)acc;
}

void policy_complete(const struct policy_ops *ops, struct policy_ops *out)
{
    *out = *ops;
    if (!out->knobs)
        out->knobs = NO_KNOBS;
    if (!out->parse)
        out->parse = no_parse;
    if (!out->write)
        out->write = no_write;
    if (!out->describe)
        out->describe = no_describe;
    if (!out->serves_stale)
        out->serves_stale = never_stale;
    if (!out->create)
        out->create = knobs_as_state;
    if (!out->destroy)
        out->destroy = no_destroy;
    if (!out->on_attempt)
        out->on_attempt = read_first;
    if (!out->on_lock)
        out->on_lock = release_lock;
    if (!out->on_wake)
        out->on_wake = read_again;
    if (!out->on_unlocked)
        out->on_unlocked = ignore_unlock;
    if (!out->stored_delta)
        out->stored_delta = measured_delta;
    if (!out->collect)
        out->collect = no_collect;
}

/* ---- the loader's calls ---- */

const char *const *policy_knob_names(const struct policy_ops *ops)
{
    return ops->knobs ? ops->knobs : NO_KNOBS;
}

void policy_knob_parse(const struct policy_ops *ops, const struct cfg_obj *o,
                       void *knobs)
{
    (ops->parse ? ops->parse : no_parse)(o, knobs);
}

void policy_knob_write(const struct policy_ops *ops, const void *knobs,
                       cJSON *object)
{
    (ops->write ? ops->write : no_write)(knobs, object);
}

void policy_knob_describe(const struct policy_ops *ops, const void *knobs,
                          char *out, size_t n)
{
    (ops->describe ? ops->describe : no_describe)(knobs, out, n);
}

bool policy_knob_risk(const struct policy_ops *ops, const void *knobs,
                      const struct policy_load *load, struct policy_risk *out)
{
    return ops->risk && ops->risk(knobs, load, out);
}

/* ---- the check ---- */

static bool check_table(const struct policy_ops *ops,
                        const struct policy_metric_table *t, char *err,
                        size_t n)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct policy_metric *m = &t->metrics[i];
        if (!m->name || !m->unit || !m->label || !m->meaning) {
            snprintf(err, n, "policy \"%s\": metric %zu of a table lacks a "
                     "name, unit, label or meaning", ops->name, i);
            return false;
        }
        bool ratio = m->fold == FOLD_RATIO || m->fold == FOLD_SHARE;
        if (m->fold != FOLD_SUM && m->fold != FOLD_MAX && !ratio) {
            snprintf(err, n, "policy \"%s\": metric %s folds as %d (a "
                     "policy's metric is a sum, a max, a ratio or a share)",
                     ops->name, m->name, (int)m->fold);
            return false;
        }
        bool sums = m->num >= 0 && (size_t)m->num < t->n && m->den >= 0 &&
                    (size_t)m->den < t->n &&
                    t->metrics[m->num].fold == FOLD_SUM &&
                    t->metrics[m->den].fold == FOLD_SUM;
        if (ratio && !sums) {
            snprintf(err, n, "policy \"%s\": metric %s is a ratio of "
                     "entries %d and %d of its table, which are not both "
                     "sums", ops->name, m->name, m->num, m->den);
            return false;
        }
    }
    return true;
}

/* Its metrics are its outputs' fields and columns: one name, one metric
 * (O(n^2) over a few dozen, once per run). */
static bool check_names(const struct policy_ops *ops, char *err, size_t n)
{
    size_t count = policy_metric_count(ops);
    for (size_t i = 0; i < count; i++) {
        const char *name = policy_metric_at(ops, i, NULL)->name;
        if ((size_t)policy_metric_index(ops, name) != i) {
            snprintf(err, n, "policy \"%s\" has two metrics named %s (its "
                     "tables must not share a name)", ops->name, name);
            return false;
        }
    }
    return true;
}

static bool check_metrics(const struct policy_ops *ops, char *err, size_t n)
{
    for (size_t k = 0; k < POLICY_MAX_METRIC_TABLES && ops->metrics[k]; k++)
        if (!check_table(ops, ops->metrics[k], err, n))
            return false;
    if (!check_names(ops, err, n))
        return false;
    if (policy_metric_count(ops) > 0 && !ops->collect) {
        snprintf(err, n, "policy \"%s\" has metrics but no collect (they "
                 "would stay 0)", ops->name);
        return false;
    }
    return true;
}

bool policy_check(const struct policy_ops *ops, char *err, size_t n)
{
    if (!ops->name || !ops->name[0]) {
        snprintf(err, n, "a policy without a name");
        return false;
    }
    const char *missing = !ops->on_read ? "on_read"
                          : !ops->on_recomputed ? "on_recomputed" : NULL;
    bool has_knobs = ops->knobs && ops->knobs[0];
    if (!missing && has_knobs)
        missing = !ops->parse ? "parse" : !ops->write ? "write" : NULL;
    if (missing) {
        snprintf(err, n, "policy \"%s\" has no %s (required%s)", ops->name,
                 missing, has_knobs ? "; it has knobs" : "");
        return false;
    }
    return check_metrics(ops, err, n);
}

/* ---- metrics ---- */

size_t policy_metric_count(const struct policy_ops *ops)
{
    size_t n = 0;
    for (size_t k = 0; k < POLICY_MAX_METRIC_TABLES && ops->metrics[k]; k++)
        n += ops->metrics[k]->n;
    return n;
}

const struct policy_metric *policy_metric_at(const struct policy_ops *ops,
                                             size_t index, size_t *base)
{
    size_t first = 0;
    for (size_t k = 0; k < POLICY_MAX_METRIC_TABLES && ops->metrics[k]; k++) {
        const struct policy_metric_table *t = ops->metrics[k];
        if (index - first < t->n) {
            if (base)
                *base = first;
            return &t->metrics[index - first];
        }
        first += t->n;
    }
    return NULL;
}

long policy_metric_index(const struct policy_ops *ops, const char *name)
{
    size_t count = policy_metric_count(ops);
    for (size_t i = 0; i < count; i++)
        if (strcmp(policy_metric_at(ops, i, NULL)->name, name) == 0)
            return (long)i;
    return -1;
}

void policy_metrics_add(const struct policy_metric_table *t, double *into,
                        const double *from)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->metrics[i].fold == FOLD_SUM)
            into[i] += from[i];
        else if (t->metrics[i].fold == FOLD_MAX && from[i] > into[i])
            into[i] = from[i];
    }
}

void policy_metrics_add_all(const struct policy_ops *ops, double *into,
                            const double *from)
{
    size_t first = 0;
    for (size_t k = 0; k < POLICY_MAX_METRIC_TABLES && ops->metrics[k]; k++) {
        policy_metrics_add(ops->metrics[k], into + first, from + first);
        first += ops->metrics[k]->n;
    }
}

void policy_metrics_finish(const struct policy_ops *ops, double *acc)
{
    size_t first = 0;
    for (size_t k = 0; k < POLICY_MAX_METRIC_TABLES && ops->metrics[k]; k++) {
        const struct policy_metric_table *t = ops->metrics[k];
        double *a = acc + first;
        for (size_t i = 0; i < t->n; i++) {
            const struct policy_metric *m = &t->metrics[i];
            if (m->fold != FOLD_RATIO && m->fold != FOLD_SHARE)
                continue;
            double den = a[m->den];
            /* nothing to divide by: undefined (null in the outputs), not
             * 0, so that "no cycle seen" never reads as "no cycle missed" */
            a[i] = den > 0 ? a[m->num] / den : NAN;
        }
        first += t->n;
    }
}

enum error_cause recompute_error(enum recompute_result result)
{
    switch (result) {
    case RECOMPUTE_POOL_TIMEOUT: return ERR_POOL_TIMEOUT;
    case RECOMPUTE_REFUSED: return ERR_TOO_MANY_CONNECTIONS;
    case RECOMPUTE_TIMEOUT:
    case RECOMPUTE_REJECTED:
    case RECOMPUTE_OK: break;
    }
    return ERR_TIMEOUT;
}
