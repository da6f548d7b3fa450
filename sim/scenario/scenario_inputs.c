/*
 * scenario_inputs.c — see scenario_inputs.h.
 */
#include "scenario/scenario_inputs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/csv.h"
#include "kernel/datafile.h"
#include "kernel/strutil.h"
#include "kernel/timestamp.h"
#include "scenario/scenario_schema.h"

/* ---- a rate profile from a file ---- */

static const char *const PROFILE_FILE_KEYS[] = {"file", "scale", "speed",
                                                NULL};

/* The rows read so far. */
struct profile_rows {
    struct rate_point *v;
    size_t n, cap;
    enum timestamp_form form;
    double origin;           /* RFC 3339: the first row's time */
};

static bool push_point(struct profile_rows *p, struct rate_point pt)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        struct rate_point *v = realloc(p->v, cap * sizeof *v);
        if (!v)
            return false;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = pt;
    return true;
}

/* One data row `t,rate`. */
static bool profile_row(struct csv_field *f, size_t n, long line, void *ctx,
                        struct data_error *err)
{
    struct profile_rows *p = ctx;
    struct timestamp t;
    const char *why;
    double rate;
    if (n != 2) {
        data_error_set(err, line, n > 2 ? f[2].col - 1 : 1, "expected two "
                       "values a row (t,rate), got %zu", n);
        return false;
    }
    if (!timestamp_parse(f[0].text, &t, &why)) {
        data_error_set(err, line, f[0].col, "t: %s, got \"%.40s\"", why,
                       f[0].text);
        return false;
    }
    if (p->n == 0) {
        p->form = t.form;
        p->origin = t.form == TIMESTAMP_RFC3339 ? t.seconds : 0;
    }
    double at = t.seconds - p->origin;
    if (t.form != p->form || at < 0 || (p->n && at < p->v[p->n - 1].at)) {
        data_error_set(err, line, f[0].col, "t: %s", t.form != p->form
                       ? "seconds and dates mixed in one file"
                       : at < 0 ? "a time from the start cannot be negative"
                                : "times must not decrease");
        return false;
    }
    if (!str_parse_number(f[1].text, &rate) || !isfinite(rate) || rate < 0) {
        data_error_set(err, line, f[1].col, "rate: expected requests/s >= 0, "
                       "got \"%.40s\"", f[1].text);
        return false;
    }
    if (p->n == PROFILE_MAX_POINTS) {
        data_error_set(err, line, 1, "more than %u rows", PROFILE_MAX_POINTS);
        return false;
    }
    if (!push_point(p, (struct rate_point){at, rate})) {
        data_error_set(err, line, 1, "out of memory");
        return false;
    }
    return true;
}

/* The first line with text is a header when its first field is not a
 * time. */
static bool is_header(const char *line)
{
    char first[64];
    size_t len = strcspn(line, ",");
    snprintf(first, sizeof first, "%.*s", (int)(len < 63 ? len : 63), line);
    char *s = first;
    while (*s == ' ' || *s == '"')
        s++;
    s[strcspn(s, " \"")] = '\0';
    struct timestamp t;
    const char *why;
    return !timestamp_parse(s, &t, &why);
}

static bool read_profile(const char *path, struct profile_rows *p,
                         struct data_error *err)
{
    struct csv_rows rows = {is_header, profile_row, p};
    if (!csv_read_rows(path, &rows, err))
        return false;
    if (p->n == 0) {
        data_error_set(err, 0, 0, "no row in the file");
        return false;
    }
    return true;
}

/* The member "file" of o, resolved and kept as long as the scenario;
 * NULL (reported) if it cannot be. *shown is the caller's to free. */
static char *kept_file(const struct cfg_obj *o, char **shown)
{
    char *file = cfg_file(o, "file", shown);
    if (file && cfg_keep(o->cfg, file))
        return file;
    free(*shown);
    *shown = NULL;
    return NULL;
}

void scenario_profile_file(const struct cfg_obj *arrivals,
                           struct workload_config *w)
{
    struct cfg_obj o;
    cfg_open_member(arrivals, "profile", &o);
    cfg_check_keys(&o, PROFILE_FILE_KEYS);
    cfg_number(&o, "scale", &w->profile_scale, 1, CFG_POSITIVE);
    cfg_number(&o, "speed", &w->profile_speed, 1, CFG_POSITIVE);
    char *shown;
    const char *file = kept_file(&o, &shown);
    if (!file)
        return;
    w->profile_file = file;
    struct profile_rows p = {0};
    struct data_error e;
    if (!read_profile(file, &p, &e)) {
        cfg_file_problem(&o, "file", shown, e.line, e.col, e.message);
        free(p.v);
        free(shown);
        return;
    }
    double peak = 0;
    for (size_t i = 0; i < p.n; i++) {
        p.v[i].at /= w->profile_speed;
        p.v[i].rate *= w->profile_scale;
        peak = fmax(peak, p.v[i].rate);
    }
    w->profile = p.v;
    w->n_profile = p.n;
    if (!(peak > 0))
        cfg_error(o.cfg, o.path, "every rate in %s is 0: no request would "
                  "arrive", shown);
    else if (!(peak <= SCENARIO_MAX_RATE))
        cfg_error(o.cfg, o.path, "%s peaks at %g requests/s (after scale): "
                  "more than %g", shown, peak, SCENARIO_MAX_RATE);
    free(shown);
}

/* ---- a request trace ---- */

static const char *const TRACE_KEYS[] = {"file", "format", "speed", NULL};

void scenario_trace_parse(const struct cfg_obj *workload,
                          struct workload_config *w, long max_keys,
                          double max_span)
{
    struct cfg_obj o;
    cfg_open_member(workload, "trace", &o);
    cfg_check_keys(&o, TRACE_KEYS);
    struct trace_config *t = &w->trace;
    int format;
    cfg_enum(&o, "format", TRACE_FORMAT_NAMES, &format, TRACE_CSV);
    t->format = (enum trace_format)format;
    cfg_number(&o, "speed", &t->speed, 1, CFG_POSITIVE);
    w->replay = true;
    w->keys = 1;
    w->popularity = KEYS_UNIFORM;
    char *shown;
    const char *file = kept_file(&o, &shown);
    if (!file)
        return;
    t->file = file;
    struct data_error e;
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o.path, "file");
    if (!trace_scan(file, t->format, &t->stats, &e))
        cfg_file_problem(&o, "file", shown, e.line, e.col, e.message);
    else if (t->stats.keys > max_keys)
        cfg_error(o.cfg, path, "%ld keys in %s, more than %ld",
                  t->stats.keys, shown, max_keys);
    else if (t->stats.span / t->speed > max_span)
        cfg_error(o.cfg, path, "%s lasts %.6g s at speed %g: more than %g s "
                  "of simulated time (raise speed)", shown,
                  t->stats.span / t->speed, t->speed, max_span);
    else
        w->keys = t->stats.keys;
    free(shown);
}
