/*
 * scenario_diff.c — see scenario_diff.h.
 */
#include "output/scenario_diff.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct diff_ctx {
    struct scenario_difference *out;
    size_t max;
    size_t n;         /* differences found so far */
};

static void found(struct diff_ctx *d, const char *path, const cJSON *a,
                  const cJSON *b)
{
    if (d->n < d->max) {
        struct scenario_difference *x = &d->out[d->n];
        snprintf(x->path, sizeof x->path, "%s", path);
        x->a = a;
        x->b = b;
    }
    d->n++;
}

static void walk(struct diff_ctx *d, const char *path, const cJSON *a,
                 const cJSON *b);

/* path.key, or key at the top. */
static void child_path(char *out, size_t n, const char *path,
                       const char *key)
{
    snprintf(out, n, "%s%s%s", path, path[0] ? "." : "", key);
}

static void walk_objects(struct diff_ctx *d, const char *path,
                         const cJSON *a, const cJSON *b)
{
    char sub[CFG_PATH_MAX];
    for (const cJSON *x = a->child; x; x = x->next) {
        child_path(sub, sizeof sub, path, x->string);
        walk(d, sub, x, cJSON_GetObjectItemCaseSensitive(b, x->string));
    }
    for (const cJSON *y = b->child; y; y = y->next)
        if (!cJSON_GetObjectItemCaseSensitive(a, y->string)) {
            child_path(sub, sizeof sub, path, y->string);
            found(d, sub, NULL, y);
        }
}

/* An element's name in its array: [LABEL] when both are objects with the
 * same "label" (the policies), else [i]. */
static void element_path(char *out, size_t n, const char *path, int i,
                         const cJSON *x, const cJSON *y)
{
    const char *lx = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(x, "label"));
    const char *ly = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(y, "label"));
    if (lx && ly && strcmp(lx, ly) == 0)
        snprintf(out, n, "%s[%s]", path, lx);
    else
        snprintf(out, n, "%s[%d]", path, i);
}

static void walk_arrays(struct diff_ctx *d, const char *path,
                        const cJSON *a, const cJSON *b)
{
    int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
    char sub[CFG_PATH_MAX];
    for (int i = 0; i < na || i < nb; i++) {
        const cJSON *x = cJSON_GetArrayItem(a, i);
        const cJSON *y = cJSON_GetArrayItem(b, i);
        element_path(sub, sizeof sub, path, i, x, y);
        if (x && y)
            walk(d, sub, x, y);
        else
            found(d, sub, x, y);
    }
}

static void walk(struct diff_ctx *d, const char *path, const cJSON *a,
                 const cJSON *b)
{
    if (!a || !b) {
        found(d, path, a, b);
    } else if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
        walk_objects(d, path, a, b);
    } else if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
        walk_arrays(d, path, a, b);
    } else if (!cJSON_Compare(a, b, true)) {
        found(d, path, a, b);
    }
}

size_t scenario_diff(const cJSON *a, const cJSON *b,
                     struct scenario_difference *out, size_t max)
{
    struct diff_ctx d = {out, max, 0};
    walk(&d, "", a, b);
    return d.n;
}

void scenario_diff_value(const cJSON *v, char *out, size_t n)
{
    if (n == 0)
        return;
    if (!v) {
        snprintf(out, n, "absent");
        return;
    }
    char *text = cJSON_PrintUnformatted(v);
    if (!text) {
        snprintf(out, n, "?");
        return;
    }
    size_t len = strlen(text);
    if (len < n)
        snprintf(out, n, "%s", text);
    else if (n > 4)
        snprintf(out, n, "%.*s...", (int)(n - 4), text);
    else
        out[0] = '\0';
    free(text);
}
