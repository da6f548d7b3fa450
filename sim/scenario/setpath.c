/*
 * setpath.c — see setpath.h.
 */
#include "scenario/setpath.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/strutil.h"

enum step_kind { STEP_KEY, STEP_INDEX, STEP_LABEL };

struct step {
    enum step_kind kind;
    char name[CFG_PATH_MAX];   /* key or label */
    size_t index;
};

#define MAX_STEPS 16

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Reads [A-Za-z_][A-Za-z0-9_]* (keys) or [A-Za-z][A-Za-z0-9_-]* (labels). */
static size_t read_word(const char *s, bool label)
{
    size_t n = 0;
    if (!(is_alpha(s[0]) || (!label && s[0] == '_')))
        return 0;
    while (is_alpha(s[n]) || is_digit(s[n]) || s[n] == '_' ||
           (label && s[n] == '-'))
        n++;
    return n;
}

static bool parse_bracket(const char **p, struct step *st, char *err,
                          size_t err_n)
{
    const char *s = *p + 1;   /* after '[' */
    size_t n;
    if (is_digit(*s)) {
        char *end;
        unsigned long long v = strtoull(s, &end, 10);
        n = (size_t)(end - s);
        st->kind = STEP_INDEX;
        st->index = (size_t)v;
        if (n > 9) {
            snprintf(err, err_n, "index too large");
            return false;
        }
    } else {
        n = read_word(s, true);
        if (n == 0 || n >= sizeof st->name) {
            snprintf(err, err_n, "expected an index or a label inside [ ]");
            return false;
        }
        st->kind = STEP_LABEL;
        memcpy(st->name, s, n);
        st->name[n] = '\0';
    }
    if (s[n] != ']') {
        snprintf(err, err_n, "expected ']'");
        return false;
    }
    *p = s + n + 1;
    return true;
}

static bool parse_path(const char *path, struct step *steps, size_t *n_steps,
                       char *err, size_t err_n)
{
    const char *p = path;
    size_t n = 0;
    for (;;) {
        size_t len = read_word(p, false);
        if (len == 0 || len >= sizeof steps[0].name) {
            snprintf(err, err_n, "bad path \"%s\": expected a field name at "
                     "\"%s\"", path, p);
            return false;
        }
        if (n == MAX_STEPS)
            goto too_deep;
        steps[n].kind = STEP_KEY;
        memcpy(steps[n].name, p, len);
        steps[n].name[len] = '\0';
        n++;
        p += len;
        while (*p == '[') {
            if (n == MAX_STEPS)
                goto too_deep;
            char why[96];
            if (!parse_bracket(&p, &steps[n], why, sizeof why)) {
                snprintf(err, err_n, "bad path \"%s\": %s", path, why);
                return false;
            }
            n++;
        }
        if (*p == '\0')
            break;
        if (*p != '.') {
            snprintf(err, err_n, "bad path \"%s\": unexpected '%c'", path, *p);
            return false;
        }
        p++;
    }
    *n_steps = n;
    return true;
too_deep:
    snprintf(err, err_n, "bad path \"%s\": too deep", path);
    return false;
}

bool setpath_valid(const char *path, char *err, size_t err_n)
{
    struct step steps[MAX_STEPS];
    size_t n;
    return parse_path(path, steps, &n, err, err_n);
}

bool setpath_split(const char *arg, char *path, size_t path_n,
                   const char **value)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || (size_t)(eq - arg) >= path_n)
        return false;
    memcpy(path, arg, (size_t)(eq - arg));
    path[eq - arg] = '\0';
    *value = eq + 1;
    return true;
}

/* The element of array `a` labelled `label` (or, failing that, the one
 * without a label whose "policy" is `label`). */
static cJSON *find_labelled(cJSON *a, const char *label, size_t *index)
{
    size_t i = 0;
    for (cJSON *e = a->child; e; e = e->next, i++) {
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(e, "label");
        if (cJSON_IsString(l) && strcmp(l->valuestring, label) == 0) {
            *index = i;
            return e;
        }
    }
    i = 0;
    for (cJSON *e = a->child; e; e = e->next, i++) {
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(e, "label");
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "policy");
        if (!l && cJSON_IsString(p) && strcmp(p->valuestring, label) == 0) {
            *index = i;
            return e;
        }
    }
    return NULL;
}

/* Builds the node for a value text (see setpath.h). */
static cJSON *make_value(const char *value, struct cfg *cfg, char *err,
                         size_t err_n)
{
    if (value[0] == '{' || value[0] == '[' || value[0] == '"') {
        const char *end = NULL;
        cJSON *v = cJSON_ParseWithOpts(value, &end, 1);
        if (!v && end && *end)
            snprintf(err, err_n, "the value is not valid JSON (near \"%.20s\")",
                     end);
        else if (!v)
            snprintf(err, err_n, "the value is not valid JSON (it ends too "
                     "soon)");
        return v;
    }
    cJSON *v = cJSON_CreateString(value);
    if (!v) {
        snprintf(err, err_n, "out of memory");
        return NULL;
    }
    cfg_mark_raw(cfg, v);
    return v;
}

/* Descends one step from *cur. A missing object member is created when
 * `create`, else *cur becomes NULL: the walk goes on below a member that
 * does not exist yet, which only keys can do (a list is never created).
 * Appends the step to canon. */
static bool descend(cJSON **cur, const struct step *st, bool create,
                    char *canon, size_t canon_n, char *err, size_t err_n)
{
    cJSON *node = *cur;
    char next[CFG_PATH_MAX];
    if (st->kind == STEP_KEY) {
        if (node && !cJSON_IsObject(node)) {
            snprintf(err, err_n, "%s is not an object",
                     canon[0] ? canon : "the top level");
            return false;
        }
        cJSON *child = node ? cJSON_GetObjectItemCaseSensitive(node, st->name)
                            : NULL;
        if (!child && node && create) {
            child = cJSON_CreateObject();
            if (!child || !cJSON_AddItemToObject(node, st->name, child)) {
                cJSON_Delete(child);
                snprintf(err, err_n, "out of memory");
                return false;
            }
        }
        cfg_path_key(next, canon, st->name);
        *cur = child;
    } else {
        if (!node) {
            char what[CFG_PATH_MAX + 32];
            if (st->kind == STEP_LABEL)
                snprintf(what, sizeof what, "%s[%s]", canon, st->name);
            else
                snprintf(what, sizeof what, "%s[%zu]", canon, st->index);
            snprintf(err, err_n, "%s does not exist (the scenario has no %s)",
                     what, canon);
            return false;
        }
        if (!cJSON_IsArray(node)) {
            snprintf(err, err_n, "%s is not an array", canon);
            return false;
        }
        size_t index = st->index, size = (size_t)cJSON_GetArraySize(node);
        cJSON *child = NULL;
        if (st->kind == STEP_LABEL) {
            child = find_labelled(node, st->name, &index);
            if (!child) {
                snprintf(err, err_n, "%s has no element labelled \"%s\"",
                         canon, st->name);
                return false;
            }
        } else if (index >= size) {
            snprintf(err, err_n, "%s[%zu] does not exist (%s has %zu "
                     "element%s)", canon, index, canon, size,
                     size == 1 ? "" : "s");
            return false;
        } else {
            child = cJSON_GetArrayItem(node, (int)index);
        }
        cfg_path_index(next, canon, index);
        *cur = child;
    }
    str_copy(canon, canon_n, next);
    return true;
}

/* Where the value goes: *parent (an object, for a key) and, for a list
 * element, *target, the element it replaces. Creates missing objects on
 * the way only when `create`. */
static bool locate(cJSON *root, const struct step *steps, size_t n,
                   bool create, cJSON **parent, cJSON **target, char *canon,
                   size_t canon_n, char *err, size_t err_n)
{
    canon[0] = '\0';
    cJSON *cur = root;
    for (size_t i = 0; i + 1 < n; i++)
        if (!descend(&cur, &steps[i], create, canon, canon_n, err, err_n))
            return false;
    const struct step *last = &steps[n - 1];
    *parent = cur;
    *target = NULL;
    if (last->kind != STEP_KEY) {
        /* an array element is replaced whole */
        if (!descend(&cur, last, create, canon, canon_n, err, err_n))
            return false;
        *target = cur;
        return true;
    }
    if (cur && !cJSON_IsObject(cur)) {
        snprintf(err, err_n, "%s is not an object",
                 canon[0] ? canon : "the top level");
        return false;
    }
    char parent_path[CFG_PATH_MAX];
    str_copy(parent_path, sizeof parent_path, canon);
    cfg_path_key(canon, parent_path, last->name);
    return true;
}

bool setpath_apply(cJSON *root, const char *path, const char *value,
                   struct cfg *cfg, char *canon, size_t canon_n, char *err,
                   size_t err_n)
{
    struct step steps[MAX_STEPS];
    size_t n;
    cJSON *parent, *target;
    if (!parse_path(path, steps, &n, err, err_n))
        return false;
    /* First without changing anything, so that a --set that fails leaves
     * the tree as it was: an object it would have created on the way
     * would otherwise be blamed on the file. */
    if (!locate(root, steps, n, false, &parent, &target, canon, canon_n, err,
                err_n))
        return false;
    cJSON *v = make_value(value, cfg, err, err_n);
    if (!v)
        return false;
    if (!locate(root, steps, n, true, &parent, &target, canon, canon_n, err,
                err_n)) {
        cJSON_Delete(v);
        return false;
    }
    const struct step *last = &steps[n - 1];
    cJSON *old = target ? target
                        : cJSON_GetObjectItemCaseSensitive(parent, last->name);
    if (old)
        cfg_forget_raw(cfg, old);
    if (target) {
        cJSON_ReplaceItemViaPointer(parent, old, v);
    } else if (old) {
        /* this variant also gives the new node its key */
        cJSON_ReplaceItemInObjectCaseSensitive(parent, last->name, v);
    } else if (!cJSON_AddItemToObject(parent, last->name, v)) {
        cJSON_Delete(v);
        snprintf(err, err_n, "out of memory");
        return false;
    }
    return true;
}
