/*
 * samples.c — see samples.h.
 */
#include "kernel/samples.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/config.h"
#include "kernel/csv.h"
#include "kernel/strutil.h"

const char *const SAMPLE_UNITS[] = {"ns", "us", "ms", "s", "m", "h", NULL};
static const double UNIT_SECONDS[] = {1e-9, 1e-6, 1e-3, 1, 60, 3600};

double sample_unit_seconds(int unit) { return UNIT_SECONDS[unit]; }

static bool is_inf(const char *text)
{
    return !strcmp(text, "+Inf") || !strcmp(text, "Inf") ||
           !strcmp(text, "inf") || !strcmp(text, "+inf");
}

bool sample_parse(const char *text, double unit, bool inf_ok, double *out,
                  const char **why)
{
    double v;
    if (inf_ok && is_inf(text)) {
        *out = INFINITY;
        return true;
    }
    if (str_parse_number(text, &v)) {
        v *= unit;
    } else if (!duration_parse(text, &v, why)) {
        if (!(text[0] >= '0' && text[0] <= '9') && text[0] != '.')
            *why = inf_ok ? "expected a number, a duration or +Inf"
                          : "expected a number or a duration";
        return false;
    }
    if (!isfinite(v) || v < 0) {
        *why = v < 0 ? "a value cannot be negative" : "the value is too large";
        return false;
    }
    *out = v;
    return true;
}

/* A growing array of doubles. */
struct values {
    double *v;
    size_t n, cap;
};

static bool push(struct values *a, double x)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 1024;
        double *v = realloc(a->v, cap * sizeof *v);
        if (!v)
            return false;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    return true;
}

static bool letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A first line starting with a letter names its column(s); "Inf,..." is
 * a bucket's row. */
static bool is_header(const char *line)
{
    const char *p = line + strspn(line, " \t\"");
    return letter(*p) && strncmp(p, "Inf", 3) && strncmp(p, "inf", 3);
}

/* A row of `width` fields, or the error. */
static bool width_is(const struct csv_field *f, size_t n, size_t width,
                     long line, struct data_error *err)
{
    if (n == width)
        return true;
    data_error_set(err, line, n > width ? f[width].col - 1 : 1,
                   "expected %s a line, got %zu field%s",
                   width == 1 ? "one value" : "two values (le,count)", n,
                   n == 1 ? "" : "s");
    return false;
}

struct sample_ctx {
    struct values values;
    double unit;
    size_t max;
};

static bool sample_row(struct csv_field *f, size_t n, long line, void *ctx,
                       struct data_error *err)
{
    struct sample_ctx *c = ctx;
    const char *why;
    double v;
    if (!width_is(f, n, 1, line, err))
        return false;
    if (!sample_parse(f[0].text, c->unit, false, &v, &why)) {
        data_error_set(err, line, f[0].col, "%s, got \"%.40s\"", why,
                       f[0].text);
        return false;
    }
    if (c->values.n == c->max) {
        data_error_set(err, line, 1, "more than %zu samples", c->max);
        return false;
    }
    if (!push(&c->values, v)) {
        data_error_set(err, line, 1, "out of memory");
        return false;
    }
    return true;
}

bool samples_read(const char *path, double unit, size_t max, double **out,
                  size_t *n, struct data_error *err)
{
    struct sample_ctx c = {{0}, unit, max};
    struct csv_rows rows = {is_header, sample_row, &c};
    bool ok = csv_read_rows(path, &rows, err);
    if (ok && c.values.n == 0) {
        data_error_set(err, 0, 0, "no sample in the file");
        ok = false;
    }
    if (!ok) {
        free(c.values.v);
        return false;
    }
    *out = c.values.v;
    *n = c.values.n;
    return true;
}

bool bucket_follows(bool first, double prev_le, double prev_count, double le,
                    double count, bool cumulative, const char **why,
                    bool *count_wrong)
{
    *count_wrong = false;
    if (first)
        return true;
    if (isinf(prev_le)) {
        *why = "+Inf must be the last bound";
        return false;
    }
    if (!(le > prev_le)) {
        *why = "each bound must be above the one before";
        return false;
    }
    if (cumulative && count < prev_count) {
        *count_wrong = true;
        *why = "cumulative counts cannot decrease (counts per bucket? "
               "set \"cumulative\": false)";
        return false;
    }
    return true;
}

struct bucket_ctx {
    struct values le, count;
    double unit;
    bool cumulative;
    size_t max;
};

static bool bucket_row(struct csv_field *f, size_t n, long line, void *ctx,
                       struct data_error *err)
{
    struct bucket_ctx *c = ctx;
    const char *why;
    double le, count;
    if (!width_is(f, n, 2, line, err))
        return false;
    if (!sample_parse(f[0].text, c->unit, true, &le, &why)) {
        data_error_set(err, line, f[0].col, "le: %s, got \"%.40s\"", why,
                       f[0].text);
        return false;
    }
    if (!str_parse_number(f[1].text, &count) || !isfinite(count) ||
        count < 0) {
        data_error_set(err, line, f[1].col, "count: expected a number >= 0, "
                       "got \"%.40s\"", f[1].text);
        return false;
    }
    if (c->le.n == c->max) {
        data_error_set(err, line, 1, "more than %zu buckets", c->max);
        return false;
    }
    size_t i = c->le.n;
    bool count_wrong;
    if (!bucket_follows(i == 0, i ? c->le.v[i - 1] : 0,
                        i ? c->count.v[i - 1] : 0, le, count, c->cumulative,
                        &why, &count_wrong)) {
        data_error_set(err, line, f[count_wrong].col, "%s", why);
        return false;
    }
    if (!push(&c->le, le) || !push(&c->count, count)) {
        data_error_set(err, line, 1, "out of memory");
        return false;
    }
    return true;
}

bool buckets_read(const char *path, double unit, bool cumulative, size_t max,
                  double **le, double **count, size_t *n,
                  struct data_error *err)
{
    struct bucket_ctx c = {{0}, {0}, unit, cumulative, max};
    struct csv_rows rows = {is_header, bucket_row, &c};
    bool ok = csv_read_rows(path, &rows, err);
    if (ok && c.le.n == 0) {
        data_error_set(err, 0, 0, "no bucket in the file");
        ok = false;
    }
    if (!ok) {
        free(c.le.v);
        free(c.count.v);
        return false;
    }
    *le = c.le.v;
    *count = c.count.v;
    *n = c.le.n;
    return true;
}
