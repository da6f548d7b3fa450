/*
 * dist_data.c — see dist_data.h.
 */
#include "kernel/dist_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/samples.h"
#include "kernel/strutil.h"

#define UNIT_SECONDS_INDEX 3   /* "s" in SAMPLE_UNITS */

struct dist_data {
    enum dist_data_kind kind;
    size_t n;           /* samples, or buckets */
    double *x;          /* empirical: sorted samples (s); buckets: upper
                           bounds (s), the last may be INFINITY */
    double *cum;        /* buckets: share of the counts at or below x[i];
                           the last is 1 */
    double *count;      /* buckets: the counts as given */
    bool cumulative;    /* buckets: counts given cumulative */
    double total;       /* samples, or the counts' total */
    double mean, cv;
    const char *file;   /* the absolute path it was read from, or NULL */
    int unit;           /* of the file's numbers (SAMPLE_UNITS) */
};

/* ---- quantiles ---- */

static double empirical_quantile(const struct dist_data *d, double p)
{
    if (d->n == 1)
        return d->x[0];
    double h = p * (double)(d->n - 1);
    size_t i = (size_t)h;
    if (i >= d->n - 1)
        return d->x[d->n - 1];
    return d->x[i] + (h - (double)i) * (d->x[i + 1] - d->x[i]);
}

/* The first bucket whose cumulative share exceeds p (binary search). */
static size_t bucket_of(const struct dist_data *d, double p)
{
    size_t lo = 0, hi = d->n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->cum[mid] > p)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static double bucket_quantile(const struct dist_data *d, double p)
{
    size_t i = bucket_of(d, p);
    double lo = i ? d->x[i - 1] : 0, hi = d->x[i];
    if (isinf(hi))
        return lo;   /* beyond the last finite bound: drawn at it */
    double below = i ? d->cum[i - 1] : 0;
    double v = (p - below) / (d->cum[i] - below);
    if (lo <= 0)
        return v * hi;
    return lo * exp(v * log(hi / lo));
}

double dist_data_quantile(const struct dist_data *d, double p)
{
    return d->kind == DATA_EMPIRICAL ? empirical_quantile(d, p)
                                     : bucket_quantile(d, p);
}

/* ---- moments ---- */

/* Mean and cv from the first two moments of each piece. */
static void set_moments(struct dist_data *d, double m1, double m2)
{
    d->mean = m1;
    double var = m2 - m1 * m1;
    d->cv = m1 > 0 && var > 0 ? sqrt(var) / m1 : 0;
}

/* Each of the n - 1 gaps holds 1/(n - 1) of the mass, uniformly. */
static void empirical_moments(struct dist_data *d)
{
    if (d->n == 1) {
        set_moments(d, d->x[0], d->x[0] * d->x[0]);
        return;
    }
    double m1 = 0, m2 = 0;
    for (size_t i = 0; i + 1 < d->n; i++) {
        double a = d->x[i], b = d->x[i + 1];
        m1 += (a + b) / 2;
        m2 += (a * a + a * b + b * b) / 3;
    }
    set_moments(d, m1 / (double)(d->n - 1), m2 / (double)(d->n - 1));
}

/* Uniform on [0, hi]; log-uniform on (lo, hi]; a point at lo past the
 * last finite bound. */
static void bucket_piece(double lo, double hi, double *m1, double *m2)
{
    if (isinf(hi)) {
        *m1 = lo;
        *m2 = lo * lo;
    } else if (lo <= 0) {
        *m1 = hi / 2;
        *m2 = hi * hi / 3;
    } else {
        double l = log(hi / lo);
        *m1 = (hi - lo) / l;
        *m2 = (hi * hi - lo * lo) / (2 * l);
    }
}

static void bucket_moments(struct dist_data *d)
{
    double m1 = 0, m2 = 0, below = 0;
    for (size_t i = 0; i < d->n; i++) {
        double share = d->cum[i] - below, a, b;
        below = d->cum[i];
        if (share <= 0)
            continue;
        bucket_piece(i ? d->x[i - 1] : 0, d->x[i], &a, &b);
        m1 += share * a;
        m2 += share * b;
    }
    set_moments(d, m1, m2);
}

double dist_data_mean(const struct dist_data *d) { return d->mean; }
double dist_data_cv(const struct dist_data *d) { return d->cv; }

/* ---- building ---- */

/* One block: the struct, its arrays, the file name. Kept by the cfg. */
static struct dist_data *data_alloc(struct cfg *cfg, enum dist_data_kind kind,
                                    size_t n, const char *file)
{
    size_t arrays = kind == DATA_BUCKETS ? 3 : 1;
    size_t name = file ? strlen(file) + 1 : 0;
    struct dist_data *d = malloc(sizeof *d + arrays * n * sizeof(double) +
                                 name);
    if (!d || !cfg_keep(cfg, d)) {
        if (!d)
            cfg->out_of_memory = true;
        return NULL;
    }
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->n = n;
    d->x = (double *)(d + 1);
    if (kind == DATA_BUCKETS) {
        d->cum = d->x + n;
        d->count = d->cum + n;
    }
    if (file) {
        char *copy = (char *)(d->x + arrays * n);
        memcpy(copy, file, name);
        d->file = copy;
    }
    return d;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static const struct dist_data *empirical_build(struct cfg *cfg, double *v,
                                               size_t n, const char *file,
                                               int unit)
{
    qsort(v, n, sizeof *v, by_value);
    struct dist_data *d = data_alloc(cfg, DATA_EMPIRICAL, n, file);
    if (!d)
        return NULL;
    memcpy(d->x, v, n * sizeof *v);
    d->total = (double)n;
    d->unit = unit;
    empirical_moments(d);
    return d;
}

static const struct dist_data *buckets_build(struct cfg *cfg,
                                             const double *le,
                                             const double *count, size_t n,
                                             bool cumulative,
                                             const char *file, int unit)
{
    struct dist_data *d = data_alloc(cfg, DATA_BUCKETS, n, file);
    if (!d)
        return NULL;
    memcpy(d->x, le, n * sizeof *le);
    memcpy(d->count, count, n * sizeof *count);
    d->cumulative = cumulative;
    d->unit = unit;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum = cumulative ? count[i] : sum + count[i];
        d->cum[i] = sum;
    }
    d->total = sum;
    for (size_t i = 0; i < n; i++)
        d->cum[i] /= sum;
    d->cum[n - 1] = 1;   /* exactly, whatever the rounding */
    bucket_moments(d);
    return d;
}

/* ---- parsing ---- */

/* A list member of o, non-empty and at most max long; NULL (reported)
 * otherwise. */
static const cJSON *list_member(const struct cfg_obj *o, const char *key,
                                size_t max, size_t *n)
{
    const cJSON *list = cfg_member(o, key);
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, key);
    int size = cJSON_GetArraySize(list);
    if (!cJSON_IsArray(list) || size == 0 || (size_t)size > max) {
        char got[64];
        cfg_describe_value(list, got, sizeof got);
        cfg_error(o->cfg, path, "expected a list of 1 to %zu values, got %s",
                  max, got);
        return NULL;
    }
    *n = (size_t)size;
    return list;
}

/* Element i of a list: a number in the unit, a duration string, or (when
 * inf_ok) "+Inf". */
static bool list_value(const struct cfg_obj *o, const char *key, size_t i,
                       const cJSON *e, double unit, bool inf_ok, double *out)
{
    char path[CFG_PATH_MAX], epath[CFG_PATH_MAX];
    cfg_path_key(path, o->path, key);
    cfg_path_index(epath, path, i);
    const char *why = "expected a number or a duration";
    bool ok = false;
    if (cJSON_IsNumber(e)) {
        double v = e->valuedouble * unit;
        ok = isfinite(v) && v >= 0;
        why = v < 0 ? "a value cannot be negative" : "the value is too large";
        if (ok)
            *out = v;
    } else if (cJSON_IsString(e)) {
        ok = sample_parse(e->valuestring, unit, inf_ok, out, &why);
    }
    if (!ok) {
        char got[64];
        cfg_describe_value(e, got, sizeof got);
        cfg_error(o->cfg, epath, "%s, got %s", why, got);
    }
    return ok;
}

/* The numbers come from "file" or from the inline keys (all of them),
 * never both: "takes file, or le and count". */
static bool one_source(const struct cfg_obj *o, const char *kind,
                       const char *const *inline_keys)
{
    bool file = cfg_has(o, "file");
    size_t given = 0, n = 0;
    char need[64] = "";
    for (const char *const *k = inline_keys; *k; k++, n++) {
        given += cfg_has(o, *k);
        size_t len = strlen(need);
        snprintf(need + len, sizeof need - len, "%s\"%s\"", n ? " and " : "",
                 *k);
    }
    if (file ? given == 0 : given == n)
        return true;
    cfg_error(o->cfg, o->path, "%s %s distribution takes \"file\", or %s%s",
              kind[0] == 'e' ? "an" : "a", kind, need,
              file ? ", not both" : "");
    return false;
}

static const struct dist_data *parse_empirical(const struct cfg_obj *o,
                                               int unit)
{
    static const char *const INLINE[] = {"samples", NULL};
    if (!one_source(o, "empirical", INLINE))
        return NULL;
    double seconds = sample_unit_seconds(unit), *v = NULL;
    size_t n = 0;
    char *shown = NULL, *file = NULL;
    bool ok;
    if (cfg_has(o, "file")) {
        struct data_error e;
        ok = (file = cfg_file(o, "file", &shown)) &&
             samples_read(file, seconds, DIST_MAX_SAMPLES, &v, &n, &e);
        if (file && !ok)
            cfg_file_problem(o, "file", shown, e.line, e.col, e.message);
    } else {
        const cJSON *list = list_member(o, "samples", DIST_MAX_SAMPLES, &n);
        ok = list && (v = malloc(n * sizeof *v));
        size_t i = 0;
        for (const cJSON *e = list ? list->child : NULL; ok && e;
             e = e->next, i++)
            ok = list_value(o, "samples", i, e, seconds, false, &v[i]);
    }
    const struct dist_data *d =
        ok ? empirical_build(o->cfg, v, n, file, unit) : NULL;
    free(v);
    free(file);
    free(shown);
    return d;
}

/* le and count given inline, each bucket checked as it comes. */
static bool inline_buckets(const struct cfg_obj *o, double unit,
                           bool cumulative, double **le, double **count,
                           size_t *n)
{
    size_t n_le = 0, n_count = 0;
    const cJSON *l = list_member(o, "le", DIST_MAX_BUCKETS, &n_le);
    const cJSON *c = list_member(o, "count", DIST_MAX_BUCKETS, &n_count);
    if (!l || !c)
        return false;
    char path[CFG_PATH_MAX];
    if (n_le != n_count) {
        cfg_path_key(path, o->path, "count");
        cfg_error(o->cfg, path, "expected %zu counts, one per bound of le, "
                  "got %zu", n_le, n_count);
        return false;
    }
    *le = malloc(n_le * sizeof **le);
    *count = malloc(n_le * sizeof **count);
    if (!*le || !*count) {
        o->cfg->out_of_memory = true;
        return false;
    }
    size_t i = 0;
    for (l = l->child, c = c->child; l && c; l = l->next, c = c->next, i++) {
        char cpath[CFG_PATH_MAX], epath[CFG_PATH_MAX];
        cfg_path_key(path, o->path, "count");
        cfg_path_index(cpath, path, i);
        if (!list_value(o, "le", i, l, unit, true, &(*le)[i]) ||
            !cfg_node_number(o->cfg, c, cpath, &(*count)[i], CFG_NONNEG))
            return false;
        const char *why;
        bool count_wrong;
        if (!bucket_follows(i == 0, i ? (*le)[i - 1] : 0,
                            i ? (*count)[i - 1] : 0, (*le)[i], (*count)[i],
                            cumulative, &why, &count_wrong)) {
            cfg_path_key(path, o->path, count_wrong ? "count" : "le");
            cfg_path_index(epath, path, i);
            cfg_error(o->cfg, epath, "%s", why);
            return false;
        }
    }
    *n = n_le;
    return true;
}

static const struct dist_data *parse_buckets(const struct cfg_obj *o,
                                             int unit)
{
    static const char *const INLINE[] = {"le", "count", NULL};
    if (!one_source(o, "buckets", INLINE))
        return NULL;
    bool cumulative;
    cfg_bool(o, "cumulative", &cumulative, true);
    double seconds = sample_unit_seconds(unit), *le = NULL, *count = NULL;
    size_t n = 0;
    char *shown = NULL, *file = NULL;
    bool ok;
    if (cfg_has(o, "file")) {
        struct data_error e;
        ok = (file = cfg_file(o, "file", &shown)) &&
             buckets_read(file, seconds, cumulative, DIST_MAX_BUCKETS, &le,
                          &count, &n, &e);
        if (file && !ok)
            cfg_file_problem(o, "file", shown, e.line, e.col, e.message);
    } else {
        ok = inline_buckets(o, seconds, cumulative, &le, &count, &n);
    }
    double total = 0;
    for (size_t i = 0; ok && i < n; i++)
        total = cumulative ? count[i] : total + count[i];
    if (ok && !(total > 0)) {
        cfg_error(o->cfg, o->path, "every count is 0: the histogram is empty");
        ok = false;
    } else if (ok && isinf(le[0])) {
        cfg_error(o->cfg, o->path, "the histogram needs a finite bound "
                  "before +Inf");
        ok = false;
    }
    const struct dist_data *d =
        ok ? buckets_build(o->cfg, le, count, n, cumulative, file, unit)
           : NULL;
    free(le);
    free(count);
    free(file);
    free(shown);
    return d;
}

const struct dist_data *dist_data_parse(const struct cfg_obj *o,
                                        enum dist_data_kind kind)
{
    int unit;
    cfg_enum(o, "unit", SAMPLE_UNITS, &unit, UNIT_SECONDS_INDEX);
    static const char *const EMPIRICAL_ONLY[] = {"samples", NULL};
    static const char *const BUCKETS_ONLY[] = {"le", "count", "cumulative",
                                               NULL};
    const char *const *foreign = kind == DATA_EMPIRICAL ? BUCKETS_ONLY
                                                        : EMPIRICAL_ONLY;
    for (const char *const *k = foreign; *k; k++) {
        if (!cfg_has(o, *k))
            continue;
        char path[CFG_PATH_MAX];
        cfg_path_key(path, o->path, *k);
        cfg_error(o->cfg, path, "%s applies to \"%s\" distributions only", *k,
                  kind == DATA_EMPIRICAL ? "buckets" : "empirical");
        return NULL;
    }
    return kind == DATA_EMPIRICAL ? parse_empirical(o, unit)
                                  : parse_buckets(o, unit);
}

/* ---- writing and describing ---- */

static cJSON *numbers(const double *v, size_t n, bool inf_as_text)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; list && i < n; i++)
        cJSON_AddItemToArray(list, isinf(v[i]) && inf_as_text
                                       ? cJSON_CreateString("+Inf")
                                       : cJSON_CreateNumber(v[i]));
    return list;
}

cJSON *dist_data_to_json(const struct dist_data *d)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    bool buckets = d->kind == DATA_BUCKETS;
    cJSON_AddStringToObject(o, "dist", buckets ? "buckets" : "empirical");
    if (d->file) {
        cJSON_AddStringToObject(o, "file", d->file);
        cJSON_AddStringToObject(o, "unit", SAMPLE_UNITS[d->unit]);
    } else if (buckets) {
        cJSON_AddItemToObject(o, "le", numbers(d->x, d->n, true));
        cJSON_AddItemToObject(o, "count", numbers(d->count, d->n, false));
    } else {
        cJSON_AddItemToObject(o, "samples", numbers(d->x, d->n, false));
    }
    if (buckets)
        cJSON_AddBoolToObject(o, "cumulative", d->cumulative);
    return o;
}

void dist_data_summarize(const struct dist_data *d,
                         struct dist_data_summary *out)
{
    memset(out, 0, sizeof *out);
    out->kind = d->kind;
    out->n = d->total;
    if (d->kind != DATA_BUCKETS)
        return;
    out->buckets = d->n;
    if (d->n > 1 && isinf(d->x[d->n - 1])) {
        out->beyond = 1 - d->cum[d->n - 2];
        out->last_bound = d->x[d->n - 2];
    }
}
