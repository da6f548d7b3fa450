/*
 * comparison.c — see comparison.h.
 */
#include "output/comparison.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/strutil.h"
#include "output/results_file.h"

/* ---- loading ---- */

static double number_or_nan(const cJSON *node)
{
    return cJSON_IsNumber(node) ? node->valuedouble : NAN;
}

/* Reads DIR/summary.json into f. */
static bool load_folder(const char *path, size_t index,
                        struct comparison_folder *f, char *err, size_t n)
{
    char *file = str_printf("%s/summary.json", path);
    f->path = str_printf("%s", path);
    f->name[0] = (char)('A' + index);
    if (!file || !f->path) {
        snprintf(err, n, "%s: out of memory", path);
        free(file);
        return false;
    }
    f->summary = results_read_json(file, err, n);
    free(file);
    if (!f->summary)
        return false;
    const cJSON *policies = cJSON_GetObjectItemCaseSensitive(f->summary,
                                                             "policies");
    const char *scenario = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(f->summary, "scenario"));
    if (!cJSON_IsArray(policies) || cJSON_GetArraySize(policies) == 0 ||
        !scenario) {
        snprintf(err, n, "%s/summary.json: no policies; is it the results "
                 "of 'stampede run'?", path);
        return false;
    }
    f->scenario = str_printf("%s", scenario);
    /* the scenario as run, to say what separates the folders: a folder
     * without one is compared all the same */
    char *run = str_printf("%s/scenario.json", path);
    char ignored[256];
    if (run && access(run, R_OK) == 0)
        f->run_scenario = results_read_json(run, ignored, sizeof ignored);
    free(run);
    f->seed = number_or_nan(cJSON_GetObjectItemCaseSensitive(f->summary,
                                                             "seed"));
    f->replications = number_or_nan(
        cJSON_GetObjectItemCaseSensitive(f->summary, "replications"));
    return f->scenario != NULL;
}

static bool load_folders(const char *const *paths, size_t n,
                         struct comparison *c, char *err, size_t n_err)
{
    memset(c, 0, sizeof *c);
    if (n > COMPARISON_MAX_FOLDERS) {
        snprintf(err, n_err, "at most %d folders at once, got %zu",
                 COMPARISON_MAX_FOLDERS, n);
        return false;
    }
    c->folders = calloc(n, sizeof *c->folders);
    if (!c->folders) {
        snprintf(err, n_err, "out of memory");
        return false;
    }
    c->n_folders = n;
    for (size_t i = 0; i < n; i++)
        if (!load_folder(paths[i], i, &c->folders[i], err, n_err))
            return false;
    return true;
}

/* Appends an entry for a policy object of folder f; its index, or
 * (size_t)-1 when memory runs out. */
static size_t add_entry(struct comparison *c, size_t f, const cJSON *policy,
                        bool by_folder)
{
    struct comparison_entry *e = realloc(c->entries, (c->n_entries + 1) *
                                                         sizeof *e);
    if (!e)
        return (size_t)-1;
    c->entries = e;
    e = &c->entries[c->n_entries];
    e->folder = f;
    e->policy = policy;
    e->label = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(policy, "label"));
    if (!e->label)
        e->label = "?";
    e->name = by_folder ? c->folders[f].name : e->label;
    e->split = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(policy,
                                                             "bimodal"));
    return c->n_entries++;
}

static struct comparison_group *add_group(struct comparison *c,
                                          const char *title)
{
    struct comparison_group *g = realloc(c->groups, (c->n_groups + 1) *
                                                        sizeof *g);
    if (!g)
        return NULL;
    c->groups = g;
    g = &c->groups[c->n_groups++];
    *g = (struct comparison_group){title, NULL, 0};
    return g;
}

static bool group_add(struct comparison_group *g, size_t entry)
{
    if (entry == (size_t)-1)
        return false;
    size_t *e = realloc(g->entries, (g->n + 1) * sizeof *e);
    if (!e)
        return false;
    g->entries = e;
    g->entries[g->n++] = entry;
    return true;
}

static const cJSON *policy_labelled(const cJSON *summary, const char *label)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(summary,
                                                           "policies")) {
        const char *l = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(p, "label"));
        if (l && strcmp(l, label) == 0)
            return p;
    }
    return NULL;
}

/* Whether a group for `label` exists already. */
static bool has_group(const struct comparison *c, const char *label)
{
    for (size_t g = 0; g < c->n_groups; g++)
        if (strcmp(c->groups[g].title, label) == 0)
            return true;
    return false;
}

/* A group per label, in the order labels first appear; in each, the
 * folders that have it. */
static bool group_by_label(struct comparison *c)
{
    for (size_t f = 0; f < c->n_folders; f++) {
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(
                                  c->folders[f].summary, "policies")) {
            const char *label = cJSON_GetStringValue(
                cJSON_GetObjectItemCaseSensitive(p, "label"));
            if (!label || has_group(c, label))
                continue;
            struct comparison_group *g = add_group(c, label);
            for (size_t k = f; g && k < c->n_folders; k++) {
                const cJSON *q = policy_labelled(c->folders[k].summary, label);
                if (q && !group_add(g, add_entry(c, k, q, true)))
                    return false;
            }
            if (!g)
                return false;
        }
    }
    return true;
}

bool comparison_of_folders(const char *const *paths, size_t n,
                           struct comparison *out, char *err, size_t n_err)
{
    if (!load_folders(paths, n, out, err, n_err))
        return false;
    if (!group_by_label(out)) {
        snprintf(err, n_err, "out of memory");
        return false;
    }
    return true;
}

bool comparison_of_run(const char *path, struct comparison *out, char *err,
                       size_t n_err)
{
    if (!load_folders(&path, 1, out, err, n_err))
        return false;
    struct comparison_group *g = add_group(out, "policies");
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(
                              out->folders[0].summary, "policies")) {
        if (!g || !group_add(g, add_entry(out, 0, p, false))) {
            snprintf(err, n_err, "out of memory");
            return false;
        }
    }
    return true;
}

void comparison_free(struct comparison *c)
{
    for (size_t i = 0; i < c->n_folders; i++) {
        free(c->folders[i].path);
        free(c->folders[i].scenario);
        cJSON_Delete(c->folders[i].summary);
        cJSON_Delete(c->folders[i].run_scenario);
    }
    free(c->folders);
    free(c->entries);
    for (size_t g = 0; g < c->n_groups; g++)
        free(c->groups[g].entries);
    free(c->groups);
    memset(c, 0, sizeof *c);
}

/* ---- values ---- */

/* The node at a dotted path inside a policy object ("latency_ms.p99"). */
static const cJSON *at_path(const cJSON *policy, const char *field)
{
    char part[64];
    const cJSON *node = policy;
    for (const char *p = field; node && *p;) {
        size_t len = strcspn(p, ".");
        snprintf(part, sizeof part, "%.*s", (int)len, p);
        node = cJSON_GetObjectItemCaseSensitive(node, part);
        p += len + (p[len] == '.');
    }
    return node;
}

static double leaf_value(const cJSON *leaf)
{
    if (cJSON_IsBool(leaf))
        return cJSON_IsTrue(leaf) ? 1 : 0;
    return number_or_nan(leaf);
}

bool comparison_value(const struct comparison_entry *e, const char *field,
                      double *mean, double *ci)
{
    const cJSON *node = at_path(e->policy, field);
    *ci = NAN;
    if (cJSON_IsObject(node)) {
        /* over replications: {"mean", "ci95", "values"} */
        *mean = leaf_value(cJSON_GetObjectItemCaseSensitive(node, "mean"));
        *ci = e->split ? NAN
                       : number_or_nan(cJSON_GetObjectItemCaseSensitive(
                             node, "ci95"));
    } else {
        *mean = leaf_value(node);
    }
    return isfinite(*mean);
}

const char *comparison_verdict_text(enum comparison_verdict v)
{
    static const char *const TEXT[] = {
        "-", "same", "separate", "overlap", "cannot tell (one replication)",
    };
    return TEXT[v];
}

const char *comparison_verdict_key(enum comparison_verdict v)
{
    static const char *const KEY[] = {
        "undefined", "same", "separate", "overlap", "cannot_tell",
    };
    return KEY[v];
}

enum comparison_verdict comparison_diff(const struct comparison_entry *b,
                                        const struct comparison_entry *e,
                                        const char *field, double *diff)
{
    double mb, hb, me, he;
    *diff = NAN;
    if (!comparison_value(b, field, &mb, &hb) ||
        !comparison_value(e, field, &me, &he))
        return VERDICT_UNDEFINED;
    *diff = me - mb;
    if (me == mb)
        return VERDICT_SAME;
    if (!isfinite(hb) || !isfinite(he))
        return VERDICT_CANNOT_TELL;
    /* [m - h, m + h] of each: apart when the gap exceeds both halves */
    return fabs(me - mb) > hb + he ? VERDICT_SEPARATE : VERDICT_OVERLAP;
}

bool comparison_has(const struct comparison *c,
                    const struct comparison_group *g, const char *field)
{
    for (size_t i = 0; i < g->n; i++) {
        double mean, ci;
        if (comparison_value(&c->entries[g->entries[i]], field, &mean, &ci))
            return true;
    }
    return false;
}
