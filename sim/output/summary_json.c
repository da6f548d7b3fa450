/*
 * summary_json.c — see summary_json.h.
 */
#include "output/summary_json.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "metric_registry.h"

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

void summary_json_value(struct json_out *j, const struct summary_value *v)
{
    struct metric_info m;
    if (!isnan(v->value) && metric_find(v->path, &m) && m.boolean)
        json_out_bool(j, v->value != 0);
    else
        json_out_number(j, v->value);
}

static void number_leaf(struct json_out *j, size_t index, void *ctx)
{
    const struct run_summary *s = ctx;
    summary_json_value(j, &s->values[index]);
}

void summary_json_write_members(struct json_out *j, const struct run_summary *s)
{
    summary_json_write_nested(j, s, number_leaf, (void *)s);
}

/* An element of a list ("peak_in_use[3]"): its name cut at the '[' (the
 * list's key); false for a plain name. */
static bool list_element(char *part)
{
    char *bracket = strchr(part, '[');
    if (!bracket)
        return false;
    *bracket = '\0';
    return true;
}

/* Paths sharing a prefix are adjacent in the list, so one pass opens and
 * closes the nested objects; the elements of a list (FIELD[i], in order)
 * are adjacent too, and make one JSON array. */
void summary_json_write_nested(struct json_out *j, const struct run_summary *s,
                               summary_json_leaf_fn leaf, void *ctx)
{
    char open[8][SUMMARY_PATH_MAX];
    int n_open = 0;
    char list[SUMMARY_PATH_MAX] = "";   /* the path of the open list */
    for (size_t i = 0; i < s->n; i++) {
        char parts[8][SUMMARY_PATH_MAX];
        const char *path = s->values[i].path;
        int n = split_path(path, parts, 8);
        bool element = list_element(parts[n - 1]);
        size_t stem = strcspn(path, "[");
        if (list[0] && !(element && strlen(list) == stem &&
                         strncmp(list, path, stem) == 0)) {
            json_out_end_array(j);
            list[0] = '\0';
        }
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
        if (element && !list[0]) {
            json_out_key(j, parts[n - 1]);
            json_out_begin_array(j);
            snprintf(list, sizeof list, "%.*s", (int)stem, path);
        } else if (!element) {
            json_out_key(j, parts[n - 1]);
        }
        leaf(j, i, ctx);
    }
    if (list[0])
        json_out_end_array(j);
    while (n_open-- > 0)
        json_out_end_object(j);
}
