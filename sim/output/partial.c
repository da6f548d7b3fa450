/*
 * partial.c — see partial.h: writing a partial folder.
 */
#include "output/partial.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/strutil.h"
#include "output/json_out.h"
#include "output/version.h"

const char *const PARTIAL_KIND_NAMES[] = {"run", "sweep", NULL};

/* The names of enum world_end (world.h), in its order, for "end". */
const char *const PARTIAL_END_NAMES[] = {
    "complete", "interrupted", "overloaded", "out_of_memory", "input_failed",
    NULL,
};

void partial_format_value(double v, char *out, size_t n)
{
    if (isnan(v))
        snprintf(out, n, "nan");
    else if (isinf(v))
        snprintf(out, n, "%s", v > 0 ? "inf" : "-inf");
    else
        snprintf(out, n, "%a", v);
}

bool partial_parse_value(const char *text, double *out)
{
    if (!text[0])
        return false;
    if (strcmp(text, "nan") == 0) {
        *out = NAN;
        return true;
    }
    char *end;
    double v = strtod(text, &end);
    /* only what partial_format_value writes: hex, or an infinity */
    bool hex = strncmp(text, "0x", 2) == 0 || strncmp(text, "-0x", 3) == 0;
    if (*end || !(hex || strcmp(text, "inf") == 0 ||
                  strcmp(text, "-inf") == 0))
        return false;
    *out = v;
    return true;
}

static char *path_in(const char *dir, const char *file)
{
    return str_printf("%s/%s", dir, file);
}

bool partial_begin(struct partial_writer *w, const char *dir,
                   enum partial_kind kind, const struct scenario *s,
                   const size_t *policies, size_t n_policies, char *err,
                   size_t n)
{
    memset(w, 0, sizeof *w);
    w->kind = kind;
    w->dir = str_printf("%s", dir);
    char *records = w->dir ? path_in(dir, PARTIAL_RECORDS) : NULL;
    char *csv = w->dir ? path_in(dir, PARTIAL_TIMESERIES) : NULL;
    bool ok = records && csv;
    if (!ok)
        snprintf(err, n, "%s: out of memory", dir);
    ok = ok && outfile_mkdirs(dir, err, n) &&
         outfile_open(&w->records, records, err, n);
    if (ok && kind == PARTIAL_RUN &&
        !timeseries_open(&w->ts, csv, s, policies, n_policies, err, n)) {
        outfile_abort(&w->records);
        ok = false;
    }
    free(records);
    free(csv);
    if (!ok) {
        free(w->dir);
        w->dir = NULL;
    }
    return ok;
}

void partial_row(const struct window_row *row, unsigned rep,
                 const struct policy_ops *ops, void *ctx)
{
    struct partial_writer *w = ctx;
    timeseries_row(row, rep, ops, &w->ts);
    w->rows++;
}

/* {"PATH": "0x1.8p+1", ...} in the summary's order. */
static cJSON *summary_object(const struct run_summary *s)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; o && i < s->n; i++) {
        char text[64];
        partial_format_value(s->values[i].value, text, sizeof text);
        if (!cJSON_AddStringToObject(o, s->values[i].path, text)) {
            cJSON_Delete(o);
            return NULL;
        }
    }
    return o;
}

static cJSON *record_object(const struct partial_writer *w, size_t item,
                            size_t point, unsigned rep, const char *label,
                            const struct rep_result *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *summary = summary_object(&r->summary);
    bool ok = o && summary && cJSON_AddNumberToObject(o, "item", (double)item);
    if (ok && w->kind == PARTIAL_SWEEP)
        ok = cJSON_AddNumberToObject(o, "point", (double)point) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "rep", rep) &&
         cJSON_AddStringToObject(o, "label", label) &&
         cJSON_AddStringToObject(o, "end", PARTIAL_END_NAMES[r->end]) &&
         cJSON_AddStringToObject(o, "reason", r->reason);
    if (ok && w->kind == PARTIAL_RUN)
        ok = cJSON_AddNumberToObject(o, "rows", (double)w->rows) != NULL;
    if (ok && cJSON_AddItemToObject(o, "summary", summary))
        return o;
    cJSON_Delete(summary);
    cJSON_Delete(o);
    return NULL;
}

bool partial_add(struct partial_writer *w, size_t item, size_t point,
                 unsigned rep, const char *label, const struct rep_result *r)
{
    cJSON *o = record_object(w, item, point, rep, label, r);
    char *line = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    w->rows = 0;
    w->incomplete |= r->end != WORLD_COMPLETE;
    if (!line) {
        w->failed = true;
        return false;
    }
    fputs(line, w->records.fp);
    fputc('\n', w->records.fp);
    cJSON_free(line);
    return !ferror(w->records.fp);
}

static void write_strings(struct json_out *j, const char *key,
                          const char *const *s, size_t n)
{
    json_out_key(j, key);
    json_out_begin_array(j);
    for (size_t i = 0; i < n; i++)
        json_out_string(j, s[i]);
    json_out_end_array(j);
}

static void write_grid(struct json_out *j, const struct partial_manifest *m)
{
    json_out_key(j, "grid");
    json_out_begin_array(j);
    for (size_t v = 0; v < m->n_varies; v++) {
        json_out_begin_object(j);
        json_out_key(j, "path");
        json_out_string(j, m->varies[v].path);
        write_strings(j, "values", (const char *const *)m->varies[v].values,
                      m->varies[v].n);
        json_out_key(j, "log");
        json_out_bool(j, m->varies[v].log);
        json_out_end_object(j);
    }
    json_out_end_array(j);
    json_out_key(j, "constraints");
    json_out_begin_array(j);
    for (size_t i = 0; i < m->n_constraints; i++) {
        json_out_begin_object(j);
        json_out_key(j, "bound");
        json_out_string(j, m->constraints[i].lower ? "min" : "max");
        json_out_key(j, "arg");
        json_out_string(j, m->constraints[i].arg);
        json_out_end_object(j);
    }
    json_out_end_array(j);
    json_out_key(j, "slo");
    json_out_bool(j, m->slo);
}

static void write_slice(struct json_out *j, const struct partial_manifest *m)
{
    json_out_key(j, "shard");
    json_out_begin_object(j);
    json_out_key(j, "index");
    json_out_number(j, m->shard.index);
    json_out_key(j, "count");
    json_out_number(j, m->shard.count);
    json_out_key(j, "slicing");
    json_out_string(j, "round-robin");
    json_out_end_object(j);
    json_out_key(j, "items");
    json_out_begin_object(j);
    json_out_key(j, "total");
    json_out_number(j, (double)m->total);
    json_out_key(j, "held");
    json_out_begin_array(j);
    for (size_t k = 0; k < shard_size(&m->shard, m->total); k++)
        json_out_number(j, (double)shard_item(&m->shard, k));
    json_out_end_array(j);
    json_out_end_object(j);
}

static void write_manifest(FILE *fp, const struct partial_manifest *m)
{
    struct json_out j;
    json_out_init(&j, fp);
    json_out_begin_object(&j);
    json_out_provenance(&j, m->scenario, m->seed);
    json_out_key(&j, "partial");
    json_out_number(&j, PARTIAL_FORMAT);
    json_out_key(&j, "command");
    json_out_string(&j, PARTIAL_KIND_NAMES[m->kind]);
    json_out_key(&j, "scenario_sha256");
    json_out_string(&j, m->sha256);
    json_out_key(&j, "reps");
    json_out_number(&j, m->reps);
    write_strings(&j, "policies", m->labels, m->n_labels);
    json_out_key(&j, "max_in_flight");
    json_out_number(&j, (double)m->max_in_flight);
    if (m->kind == PARTIAL_SWEEP)
        write_grid(&j, m);
    write_slice(&j, m);
    json_out_end_object(&j);
}

/* scenario.json, and its sha256 into m. */
static bool write_scenario(const char *dir, const struct scenario *s,
                           struct partial_manifest *m, char *err, size_t n)
{
    size_t len;
    char *text = report_scenario_text(s, &len);
    char *path = path_in(dir, PARTIAL_SCENARIO);
    bool ok = text && path;
    if (!ok)
        snprintf(err, n, "%s: out of memory", dir);
    if (ok) {
        sha256_hex(text, len, m->sha256);
        ok = outfile_write_all(path, text, len, err, n);
    }
    free(text);
    free(path);
    return ok;
}

bool partial_finish(struct partial_writer *w, const struct partial_manifest *m,
                    const struct scenario *s, char *err, size_t n)
{
    if (w->failed) {
        snprintf(err, n, "%s: out of memory", w->dir);
        partial_abort(w);
        return false;
    }
    bool ok = outfile_commit(&w->records, err, n);
    if (w->kind == PARTIAL_RUN) {
        if (ok)
            ok = timeseries_commit(&w->ts, !w->incomplete, err, n);
        else
            timeseries_abort(&w->ts);
    }
    struct partial_manifest full = *m;
    char *manifest = path_in(w->dir, PARTIAL_MANIFEST);
    struct outfile f;
    ok = ok && manifest && write_scenario(w->dir, s, &full, err, n) &&
         outfile_open(&f, manifest, err, n);
    if (ok) {
        write_manifest(f.fp, &full);
        ok = outfile_commit(&f, err, n);
    }
    free(manifest);
    free(w->dir);
    w->dir = NULL;
    return ok;
}

void partial_abort(struct partial_writer *w)
{
    if (!w->dir)
        return;
    outfile_abort(&w->records);
    if (w->kind == PARTIAL_RUN)
        timeseries_abort(&w->ts);
    free(w->dir);
    w->dir = NULL;
}
