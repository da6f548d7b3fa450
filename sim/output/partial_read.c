/*
 * partial_read.c — see partial.h: reading a partial folder back, strictly
 * (a field missing or of the wrong type, a key unknown, a record out of
 * place), each problem named with its file, line and column or line, and
 * field.
 */
#include "output/partial.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel/config.h"
#include "kernel/json_pos.h"
#include "kernel/strutil.h"

/* A manifest larger than this is not one (a million items list in
 * about 10 MB). */
#define MANIFEST_MAX_BYTES (256u << 20)

/* ---- the manifest ---- */

static const char *const TOP_KEYS[] = {
    "tool", "schema_version", "scenario", "seed", "partial", "command",
    "scenario_sha256", "reps", "policies", "max_in_flight", "grid",
    "constraints", "slo", "shard", "items", NULL,
};

/* A required member: absent is a mistake. */
static const cJSON *need(const struct cfg_obj *o, const char *key)
{
    const cJSON *node = cfg_member(o, key);
    if (!node)
        cfg_error(o->cfg, o->path, "missing \"%s\"", key);
    return node;
}

/* A required array of strings, as pointers into the tree. */
static const char **strings(const struct cfg_obj *o, const char *key,
                            size_t *n)
{
    const cJSON *a = need(o, key);
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, key);
    *n = 0;
    if (a && !cJSON_IsArray(a)) {
        cfg_error(o->cfg, path, "expected an array of strings");
        return NULL;
    }
    size_t len = a ? (size_t)cJSON_GetArraySize(a) : 0;
    const char **out = calloc(len + 1, sizeof *out);
    if (!out) {
        o->cfg->out_of_memory = true;
        return NULL;
    }
    const cJSON *e = a ? a->child : NULL;
    for (size_t i = 0; e; e = e->next, i++) {
        char at[CFG_PATH_MAX];
        cfg_path_index(at, path, i);
        if (!cJSON_IsString(e))
            cfg_error(o->cfg, at, "expected a string");
        out[i] = cJSON_IsString(e) ? e->valuestring : "";
    }
    *n = len;
    return out;
}

static void read_vary(const struct cfg_obj *o, struct vary *v)
{
    static const char *const KEYS[] = {"path", "values", "log", NULL};
    cfg_check_keys(o, KEYS);
    const char *path = "";
    if (need(o, "path"))
        cfg_string(o, "path", &path, "");
    str_copy(v->path, sizeof v->path, path);
    size_t n;
    const char **values = strings(o, "values", &n);
    v->values = calloc(n ? n : 1, sizeof *v->values);
    for (size_t i = 0; values && v->values && i < n; i++)
        if ((v->values[i] = str_printf("%s", values[i])))
            v->n++;
    if (!v->values || v->n != n)
        o->cfg->out_of_memory = true;
    free(values);
    if (n == 0)
        cfg_error(o->cfg, o->path, "a grid's parameter needs values");
    if (need(o, "log"))
        cfg_bool(o, "log", &v->log, false);
}

static void read_grid(const struct cfg_obj *top, struct partial *p)
{
    const cJSON *grid = need(top, "grid");
    if (grid && !cJSON_IsArray(grid)) {
        cfg_error(top->cfg, "grid", "expected an array");
        return;
    }
    size_t n = grid ? (size_t)cJSON_GetArraySize(grid) : 0;
    p->varies = calloc(n ? n : 1, sizeof *p->varies);
    if (!p->varies) {
        top->cfg->out_of_memory = true;
        return;
    }
    p->m.varies = p->varies;
    size_t i = 0;
    for (const cJSON *e = grid ? grid->child : NULL; e; e = e->next, i++) {
        char path[CFG_PATH_MAX];
        struct cfg_obj o;
        cfg_path_index(path, "grid", i);
        p->m.n_varies = i + 1;
        if (cfg_open(top->cfg, e, path, &o))
            read_vary(&o, &p->varies[i]);
    }
    if (n == 0)
        cfg_error(top->cfg, "grid", "a sweep varies at least one parameter");
}

static void read_constraints(const struct cfg_obj *top, struct partial *p)
{
    static const char *const KEYS[] = {"bound", "arg", NULL};
    static const char *const BOUNDS[] = {"max", "min", NULL};
    const cJSON *list = need(top, "constraints");
    if (list && !cJSON_IsArray(list)) {
        cfg_error(top->cfg, "constraints", "expected an array");
        return;
    }
    size_t n = list ? (size_t)cJSON_GetArraySize(list) : 0;
    p->constraints = calloc(n ? n : 1, sizeof *p->constraints);
    if (!p->constraints) {
        top->cfg->out_of_memory = true;
        return;
    }
    size_t i = 0;
    for (const cJSON *e = list ? list->child : NULL; e; e = e->next, i++) {
        char path[CFG_PATH_MAX];
        struct cfg_obj o;
        cfg_path_index(path, "constraints", i);
        p->constraints[i].arg = "";
        if (!cfg_open(top->cfg, e, path, &o))
            continue;
        cfg_check_keys(&o, KEYS);
        int bound = 0;
        if (need(&o, "bound"))
            cfg_enum(&o, "bound", BOUNDS, &bound, 0);
        if (need(&o, "arg"))
            cfg_string(&o, "arg", &p->constraints[i].arg, "");
        p->constraints[i].lower = bound == 1;
    }
    p->m.constraints = p->constraints;
    p->m.n_constraints = n;
}

static void read_slice(const struct cfg_obj *top, struct partial *p)
{
    static const char *const SHARD_KEYS[] = {"index", "count", "slicing",
                                             NULL};
    static const char *const SLICINGS[] = {"round-robin", NULL};
    static const char *const ITEM_KEYS[] = {"total", "held", NULL};
    struct cfg_obj o;
    long long v;
    int slicing;
    if (need(top, "shard") && cfg_open_member(top, "shard", &o)) {
        cfg_check_keys(&o, SHARD_KEYS);
        if (need(&o, "count") &&
            cfg_integer(&o, "count", &v, 1, 1, SHARD_MAX))
            p->m.shard.count = (unsigned)v;
        if (need(&o, "index") &&
            cfg_integer(&o, "index", &v, 1, 1, p->m.shard.count))
            p->m.shard.index = (unsigned)v;
        if (need(&o, "slicing"))
            cfg_enum(&o, "slicing", SLICINGS, &slicing, 0);
    }
    if (!need(top, "items") || !cfg_open_member(top, "items", &o))
        return;
    cfg_check_keys(&o, ITEM_KEYS);
    if (need(&o, "total") && cfg_integer(&o, "total", &v, 0, 0, CFG_INT_MAX))
        p->m.total = (size_t)v;
    const cJSON *held = need(&o, "held");
    if (held && !cJSON_IsArray(held)) {
        cfg_error(o.cfg, "items.held", "expected an array of item numbers");
        return;
    }
    size_t n = held ? (size_t)cJSON_GetArraySize(held) : 0;
    p->held = calloc(n ? n : 1, sizeof *p->held);
    if (!p->held) {
        o.cfg->out_of_memory = true;
        return;
    }
    for (const cJSON *e = held ? held->child : NULL; e; e = e->next) {
        char path[CFG_PATH_MAX];
        double x;
        cfg_path_index(path, "items.held", p->n_held);
        if (cfg_node_number(o.cfg, e, path, &x, CFG_NONNEG) && x == floor(x))
            p->held[p->n_held] = (size_t)x;
        else
            cfg_error(o.cfg, path, "expected an item number");
        p->n_held++;
    }
}

static void read_fields(const struct cfg_obj *top, struct partial *p)
{
    static const char *const KINDS[] = {"run", "sweep", NULL};
    cfg_check_keys(top, TOP_KEYS);
    long long v;
    int kind = 0;
    if (need(top, "partial") &&
        cfg_integer(top, "partial", &v, 0, 0, CFG_INT_MAX) &&
        v != PARTIAL_FORMAT)
        cfg_error(top->cfg, "partial", "a partial of format %lld; this "
                  "merge reads format %d", v, PARTIAL_FORMAT);
    if (need(top, "command"))
        cfg_enum(top, "command", KINDS, &kind, 0);
    p->m.kind = (enum partial_kind)kind;
    if (need(top, "tool"))
        cfg_string(top, "tool", &p->m.tool, "");
    if (need(top, "scenario"))
        cfg_string(top, "scenario", &p->m.scenario, "");
    if (need(top, "seed") && cfg_integer(top, "seed", &v, 0, 0, CFG_INT_MAX))
        p->m.seed = (unsigned long long)v;
    const char *sha = "";
    if (need(top, "scenario_sha256") &&
        cfg_string(top, "scenario_sha256", &sha, "") &&
        strlen(sha) != SHA256_HEX_LEN)
        cfg_error(top->cfg, "scenario_sha256", "expected %d hex digits",
                  SHA256_HEX_LEN);
    str_copy(p->m.sha256, sizeof p->m.sha256, sha);
    if (need(top, "reps") && cfg_integer(top, "reps", &v, 1, 1, 10000))
        p->m.reps = (unsigned)v;
    p->labels = strings(top, "policies", &p->m.n_labels);
    p->m.labels = p->labels;
    if (need(top, "max_in_flight") &&
        cfg_integer(top, "max_in_flight", &v, 0, 0, CFG_INT_MAX))
        p->m.max_in_flight = (long)v;
    if (p->m.kind == PARTIAL_SWEEP) {
        read_grid(top, p);
        read_constraints(top, p);
        if (need(top, "slo"))
            cfg_bool(top, "slo", &p->m.slo, false);
    }
    read_slice(top, p);
}

/* The first problem, as FILE:LINE:COL: PATH: MESSAGE. */
static void first_problem(const struct cfg *cfg, const char *file,
                          const struct json_pos_map *map, char *err, size_t n)
{
    if (cfg->n_errors == 0) {
        snprintf(err, n, "%s: out of memory", file);
        return;
    }
    const struct cfg_error *e = &cfg->errors[0];
    struct json_pos pos = {1, 1};
    json_pos_lookup(map, e->path, e->occurrence, e->at_key, &pos);
    snprintf(err, n, "%s:%d:%d: %s%s%s", file, pos.line, pos.col, e->path,
             e->path[0] ? ": " : "", e->message);
}

/* The text of dir/manifest.json; NULL with the problem in err. */
static char *read_manifest_text(const char *dir, const char *file,
                                size_t *len, char *err, size_t n)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, n, "%s: not a folder", dir);
        return NULL;
    }
    FILE *fp = fopen(file, "rb");
    if (!fp) {
        snprintf(err, n, "%s: not a partial result (no %s: a shard writes "
                 "it when it has finished)", dir, PARTIAL_MANIFEST);
        return NULL;
    }
    char *text = NULL;
    *len = 0;
    if (fstat(fileno(fp), &st) == 0 && st.st_size >= 0 &&
        (size_t)st.st_size <= MANIFEST_MAX_BYTES)
        text = malloc((size_t)st.st_size + 1);
    if (text)
        *len = fread(text, 1, (size_t)st.st_size, fp);
    if (!text || ferror(fp) || *len != (size_t)st.st_size) {
        snprintf(err, n, "%s: cannot read it%s", file,
                 text ? "" : " (too large, or out of memory)");
        free(text);
        text = NULL;
    } else {
        text[*len] = '\0';
    }
    fclose(fp);
    return text;
}

bool partial_read(const char *dir, struct partial *out, char *err, size_t n)
{
    memset(out, 0, sizeof *out);
    out->dir = str_printf("%s", dir);
    char *file = str_printf("%s/%s", dir, PARTIAL_MANIFEST);
    size_t len = 0;
    char *text = file && out->dir ? read_manifest_text(dir, file, &len, err, n)
                                  : NULL;
    if (!file || !out->dir)
        snprintf(err, n, "%s: out of memory", dir);
    struct json_syntax_error syntax;
    struct json_pos_map *map = text ? json_pos_scan(text, len, &syntax) : NULL;
    if (text && !map)
        snprintf(err, n, "%s:%d:%d: %s", file, syntax.at.line, syntax.at.col,
                 syntax.message);
    out->tree = map ? cJSON_ParseWithLength(text, len) : NULL;
    bool ok = false;
    if (out->tree) {
        struct cfg cfg;
        struct cfg_obj top;
        cfg_init(&cfg);
        if (cfg_open(&cfg, out->tree, "", &top))
            read_fields(&top, out);
        ok = cfg_ok(&cfg) && !cfg.out_of_memory;
        if (!ok)
            first_problem(&cfg, file, map, err, n);
        cfg_free(&cfg);
    } else if (map) {
        snprintf(err, n, "%s: not valid JSON", file);
    }
    json_pos_free(map);
    free(text);
    free(file);
    if (!ok)
        partial_free(out);
    return ok;
}

void partial_free(struct partial *p)
{
    for (size_t i = 0; p->varies && i < p->m.n_varies; i++)
        vary_free(&p->varies[i]);
    free(p->varies);
    free(p->constraints);
    free(p->labels);
    free(p->held);
    cJSON_Delete(p->tree);
    free(p->dir);
    memset(p, 0, sizeof *p);
}

/* ---- replications.jsonl ---- */

bool partial_records_open(struct partial_records *r, const char *dir,
                          char *err, size_t n)
{
    memset(r, 0, sizeof *r);
    r->path = str_printf("%s/%s", dir, PARTIAL_RECORDS);
    r->fp = r->path ? fopen(r->path, "rb") : NULL;
    if (!r->fp) {
        snprintf(err, n, "%s/%s: cannot open: %s", dir, PARTIAL_RECORDS,
                 r->path ? strerror(errno) : "out of memory");
        partial_records_close(r);
        return false;
    }
    return true;
}

/* A whole number member, or -1. */
static double whole(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && v->valuedouble >= 0 &&
                   v->valuedouble == floor(v->valuedouble) &&
                   v->valuedouble <= 9007199254740991.0
               ? v->valuedouble
               : -1;
}

static const char *text_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The summary's values, in their order; NULL or the reason it is not
 * (in why, which names the value's path). */
static const char *read_summary(const cJSON *o, struct run_summary *s,
                                char *why, size_t n)
{
    const cJSON *sum = cJSON_GetObjectItemCaseSensitive(o, "summary");
    if (!cJSON_IsObject(sum))
        return "\"summary\": expected an object";
    s->n = 0;
    for (const cJSON *v = sum->child; v; v = v->next) {
        if (s->n == SUMMARY_MAX_VALUES)
            return "\"summary\": too many values";
        if (strlen(v->string) >= SUMMARY_PATH_MAX)
            return "\"summary\": a path too long";
        struct summary_value *out = &s->values[s->n++];
        str_copy(out->path, sizeof out->path, v->string);
        if (!cJSON_IsString(v) ||
            !partial_parse_value(v->valuestring, &out->value)) {
            snprintf(why, n, "summary.%s: expected a hex float, nan or inf",
                     v->string);
            return why;
        }
    }
    return NULL;
}

/* The record of one parsed line; NULL or what is wrong. */
static const char *read_record(const cJSON *o, struct partial_record *out,
                               char *why, size_t n)
{
    if (!cJSON_IsObject(o))
        return "expected a JSON object";
    double item = whole(o, "item"), rep = whole(o, "rep");
    double point = cJSON_HasObjectItem(o, "point") ? whole(o, "point") : 0;
    double rows = cJSON_HasObjectItem(o, "rows") ? whole(o, "rows") : 0;
    const char *label = text_of(o, "label"), *end = text_of(o, "end");
    const char *reason = text_of(o, "reason");
    if (item < 0 || rep < 0 || point < 0 || rows < 0 || rep > 10000)
        return "\"item\", \"point\", \"rep\" and \"rows\" are whole numbers";
    if (!label || !end || !reason || strlen(label) >= sizeof out->label)
        return "\"label\", \"end\" and \"reason\" are strings";
    memset(out, 0, sizeof *out);
    out->item = (size_t)item;
    out->point = (size_t)point;
    out->rep = (unsigned)rep;
    out->rows = (size_t)rows;
    str_copy(out->label, sizeof out->label, label);
    str_copy(out->r.reason, sizeof out->r.reason, reason);
    int e = -1;
    for (int i = 0; PARTIAL_END_NAMES[i]; i++)
        if (strcmp(end, PARTIAL_END_NAMES[i]) == 0)
            e = i;
    if (e < 0)
        return "\"end\": not a way a run ends";
    out->r.end = (enum world_end)e;
    return read_summary(o, &out->r.summary, why, n);
}

int partial_records_next(struct partial_records *r,
                         struct partial_record *out, char *err, size_t n)
{
    ssize_t len = getline(&r->buf, &r->cap, r->fp);
    if (len < 0) {
        if (ferror(r->fp)) {
            snprintf(err, n, "%s: cannot read: %s", r->path, strerror(errno));
            return -1;
        }
        return 0;
    }
    r->line++;
    cJSON *o = cJSON_ParseWithLength(r->buf, (size_t)len);
    char why[SUMMARY_PATH_MAX + 64];
    const char *problem = o ? read_record(o, out, why, sizeof why)
                            : "not valid JSON";
    cJSON_Delete(o);
    if (problem) {
        snprintf(err, n, "%s:%zu: %s", r->path, r->line, problem);
        return -1;
    }
    return 1;
}

void partial_records_close(struct partial_records *r)
{
    if (r->fp)
        fclose(r->fp);
    free(r->path);
    free(r->buf);
    memset(r, 0, sizeof *r);
}
