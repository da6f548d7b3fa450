/*
 * config.c — see config.h.
 */
#define _XOPEN_SOURCE 700   /* realpath */
#include "kernel/config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/strutil.h"

void cfg_init(struct cfg *cfg) { memset(cfg, 0, sizeof *cfg); }

void cfg_free(struct cfg *cfg)
{
    for (size_t i = 0; i < cfg->n_errors; i++) {
        free(cfg->errors[i].path);
        free(cfg->errors[i].message);
        free(cfg->errors[i].file);
    }
    free(cfg->errors);
    for (size_t i = 0; i < cfg->n_notes; i++) {
        free(cfg->notes[i].path);
        free(cfg->notes[i].message);
    }
    free(cfg->notes);
    free(cfg->raw);
    for (size_t i = 0; i < cfg->n_kept; i++)
        free(cfg->kept[i]);
    free(cfg->kept);
    memset(cfg, 0, sizeof *cfg);
}

bool cfg_ok(const struct cfg *cfg)
{
    return cfg->n_errors == 0 && cfg->n_dropped == 0 && !cfg->out_of_memory;
}

/* Where an error points, besides its field path. */
struct error_place {
    bool at_key;
    unsigned occurrence;
    const char *file;    /* NULL: the scenario itself */
    long line, col;
};

static void add_error(struct cfg *cfg, const char *path,
                      struct error_place at, const char *fmt, va_list ap)
{
    if (cfg->n_errors == CFG_MAX_ERRORS) {
        cfg->n_dropped++;
        return;
    }
    if (cfg->n_errors == cfg->cap_errors) {
        size_t cap = cfg->cap_errors ? cfg->cap_errors * 2 : 8;
        struct cfg_error *e = realloc(cfg->errors, cap * sizeof *e);
        if (!e) {
            cfg->out_of_memory = true;
            return;
        }
        cfg->errors = e;
        cfg->cap_errors = cap;
    }
    struct cfg_error *e = &cfg->errors[cfg->n_errors];
    e->path = str_printf("%s", path);
    e->message = str_vprintf(fmt, ap);
    e->at_key = at.at_key;
    e->occurrence = at.occurrence;
    e->file = at.file ? str_printf("%s", at.file) : NULL;
    e->line = at.line;
    e->col = at.col;
    if (!e->path || !e->message || (at.file && !e->file)) {
        free(e->path);
        free(e->message);
        free(e->file);
        cfg->out_of_memory = true;
        return;
    }
    cfg->n_errors++;
}

void cfg_error(struct cfg *cfg, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_error(cfg, path, (struct error_place){0}, fmt, ap);
    va_end(ap);
}

void cfg_note(struct cfg *cfg, const char *path, const char *fmt, ...)
{
    if (cfg->n_notes == CFG_MAX_ERRORS)
        return;
    if (cfg->n_notes == cfg->cap_notes) {
        size_t cap = cfg->cap_notes ? 2 * cfg->cap_notes : 4;
        struct cfg_note *n = realloc(cfg->notes, cap * sizeof *n);
        if (!n) {
            cfg->out_of_memory = true;
            return;
        }
        cfg->notes = n;
        cfg->cap_notes = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *message = str_vprintf(fmt, ap);
    va_end(ap);
    char *copy = str_printf("%s", path);
    if (!message || !copy) {
        free(message);
        free(copy);
        cfg->out_of_memory = true;
        return;
    }
    cfg->notes[cfg->n_notes++] = (struct cfg_note){copy, message};
}

void cfg_error_at_key(struct cfg *cfg, const char *path, unsigned occurrence,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_error(cfg, path, (struct error_place){true, occurrence, NULL, 0, 0},
              fmt, ap);
    va_end(ap);
}

void cfg_error_in_file(struct cfg *cfg, const char *path, const char *file,
                       long line, long col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_error(cfg, path, (struct error_place){false, 0, file, line, col},
              fmt, ap);
    va_end(ap);
}

void cfg_file_problem(const struct cfg_obj *o, const char *key,
                      const char *shown, long line, long col,
                      const char *message)
{
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, key);
    if (line > 0)
        cfg_error_in_file(o->cfg, path, shown, line, col > 0 ? col : 1, "%s",
                          message);
    else
        cfg_error(o->cfg, path, "%s: %s", shown, message);
}

bool cfg_keep(struct cfg *cfg, void *p)
{
    if (cfg->n_kept == cfg->cap_kept) {
        size_t cap = cfg->cap_kept ? cfg->cap_kept * 2 : 8;
        void **k = realloc(cfg->kept, cap * sizeof *k);
        if (!k) {
            free(p);
            cfg->out_of_memory = true;
            return false;
        }
        cfg->kept = k;
        cfg->cap_kept = cap;
    }
    cfg->kept[cfg->n_kept++] = p;
    return true;
}

void **cfg_take_kept(struct cfg *cfg, size_t *n)
{
    void **kept = cfg->kept;
    *n = cfg->n_kept;
    cfg->kept = NULL;
    cfg->n_kept = cfg->cap_kept = 0;
    return kept;
}

void cfg_mark_raw(struct cfg *cfg, const cJSON *node)
{
    if (cfg->n_raw == cfg->cap_raw) {
        size_t cap = cfg->cap_raw ? cfg->cap_raw * 2 : 8;
        const cJSON **r = realloc(cfg->raw, cap * sizeof *r);
        if (!r) {
            cfg->out_of_memory = true;
            return;
        }
        cfg->raw = r;
        cfg->cap_raw = cap;
    }
    cfg->raw[cfg->n_raw++] = node;
}

bool cfg_is_raw(const struct cfg *cfg, const cJSON *node)
{
    for (size_t i = 0; i < cfg->n_raw; i++)
        if (cfg->raw[i] == node)
            return true;
    return false;
}

/* Paths longer than CFG_PATH_MAX are cut; a cut path still finds its
 * position through its nearest ancestor (json_pos_lookup). */
void cfg_forget_raw(struct cfg *cfg, const cJSON *subtree)
{
    for (size_t i = 0; i < cfg->n_raw;) {
        if (cfg->raw[i] == subtree)
            cfg->raw[i] = cfg->raw[--cfg->n_raw];
        else
            i++;
    }
    for (const cJSON *c = subtree->child; c; c = c->next)
        cfg_forget_raw(cfg, c);
}

void cfg_path_key(char out[CFG_PATH_MAX], const char *parent, const char *key)
{
    str_copy(out, CFG_PATH_MAX, parent);
    size_t len = strlen(out);
    if (parent[0] && len + 1 < CFG_PATH_MAX) {
        out[len++] = '.';
        out[len] = '\0';
    }
    str_copy(out + len, CFG_PATH_MAX - len, key);
}

void cfg_path_index(char out[CFG_PATH_MAX], const char *parent, size_t index)
{
    char piece[32];
    snprintf(piece, sizeof piece, "[%zu]", index);
    str_copy(out, CFG_PATH_MAX, parent);
    size_t len = strlen(out);
    str_copy(out + len, CFG_PATH_MAX - len, piece);
}

void cfg_describe_value(const cJSON *node, char *out, size_t n)
{
    if (!node) {
        str_copy(out, n, "nothing");
        return;
    }
    if (cJSON_IsNumber(node) && !isfinite(node->valuedouble)) {
        str_copy(out, n, "a number too large to represent");
        return;
    }
    char *text = cJSON_PrintUnformatted(node);
    if (!text) {
        str_copy(out, n, "a value");
        return;
    }
    if (strlen(text) > 40)
        snprintf(out, n, "%.37s...", text);
    else
        str_copy(out, n, text);
    free(text);
}

/* A bound as people write it: integers in full, others with %g. */
static void format_bound(double v, char *out, size_t n)
{
    if (v == floor(v) && fabs(v) < 1e15)
        snprintf(out, n, "%.0f", v);
    else
        snprintf(out, n, "%g", v);
}

void cfg_describe_range(struct cfg_range r, char *out, size_t n)
{
    bool has_lo = isfinite(r.lo), has_hi = isfinite(r.hi);
    char lo[32], hi[32];
    format_bound(r.lo, lo, sizeof lo);
    format_bound(r.hi, hi, sizeof hi);
    if (has_lo && has_hi && !r.lo_open && !r.hi_open)
        snprintf(out, n, "between %s and %s", lo, hi);
    else if (has_lo && has_hi)
        snprintf(out, n, "%s %s and %s %s", r.lo_open ? ">" : ">=", lo,
                 r.hi_open ? "<" : "<=", hi);
    else if (has_lo)
        snprintf(out, n, "%s %s", r.lo_open ? ">" : ">=", lo);
    else if (has_hi)
        snprintf(out, n, "%s %s", r.hi_open ? "<" : "<=", hi);
    else
        out[0] = '\0';
}

static bool in_range(double v, struct cfg_range r)
{
    if (r.lo_open ? !(v > r.lo) : !(v >= r.lo))
        return false;
    if (r.hi_open ? !(v < r.hi) : !(v <= r.hi))
        return false;
    return true;
}

/* "expected <what> <range>, got <value>" */
static void type_error(struct cfg *cfg, const char *path, const char *what,
                       struct cfg_range range, const cJSON *node)
{
    char got[64], rng[96];
    cfg_describe_value(node, got, sizeof got);
    cfg_describe_range(range, rng, sizeof rng);
    cfg_error(cfg, path, "expected %s%s%s, got %s", what, rng[0] ? " " : "",
              rng, got);
}

bool cfg_open(struct cfg *cfg, const cJSON *node, const char *path,
              struct cfg_obj *out)
{
    out->cfg = cfg;
    out->node = NULL;
    str_copy(out->path, sizeof out->path, path);
    if (!node)
        return true;
    if (!cJSON_IsObject(node)) {
        type_error(cfg, path, "an object", CFG_ANY, node);
        return false;
    }
    out->node = node;
    return true;
}

bool cfg_open_member(const struct cfg_obj *parent, const char *key,
                     struct cfg_obj *out)
{
    char path[CFG_PATH_MAX];
    cfg_path_key(path, parent->path, key);
    return cfg_open(parent->cfg, cfg_member(parent, key), path, out);
}

const cJSON *cfg_member(const struct cfg_obj *o, const char *key)
{
    return o->node ? cJSON_GetObjectItemCaseSensitive(o->node, key) : NULL;
}

bool cfg_has(const struct cfg_obj *o, const char *key)
{
    return cfg_member(o, key) != NULL;
}

static bool is_known(const char *key, const char *const *known)
{
    if (strcmp(key, CFG_COMMENT_KEY) == 0)
        return true;   /* in every object; checked by check_comment */
    for (const char *const *k = known; *k; k++)
        if (strcmp(*k, key) == 0)
            return true;
    return false;
}

/* A member and its place in the object, sorted by key and then place so
 * that equal keys sit together in file order. */
struct member_ref {
    const cJSON *node;
    size_t place;
};

static int by_key_then_place(const void *a, const void *b)
{
    const struct member_ref *x = a, *y = b;
    int c = strcmp(x->node->string, y->node->string);
    if (c != 0)
        return c;
    return x->place < y->place ? -1 : x->place > y->place;
}

enum key_verdict { KEY_OK, KEY_UNKNOWN, KEY_DUPLICATE };

static void report_key(const struct cfg_obj *o, const cJSON *c,
                       enum key_verdict verdict, const char *const *known)
{
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, c->string);
    if (verdict == KEY_DUPLICATE) {
        cfg_error_at_key(o->cfg, path, 1,
                         "duplicate field \"%s\" (already given above)",
                         c->string);
        return;
    }
    const char *hint = str_suggest(c->string, known);
    if (hint)
        cfg_error_at_key(o->cfg, path, 0,
                         "unknown field \"%s\" (did you mean \"%s\"?)",
                         c->string, hint);
    else
        cfg_error_at_key(o->cfg, path, 0, "unknown field \"%s\"", c->string);
}

/* Sorting the members finds repeated keys in O(n log n): a hostile file
 * with a million members must not take a million squared steps. An
 * unknown key is reported once, at its first place; a known one given
 * twice or more, once, at its second place. Reports come in file order. */
/* A comment is text: a string, or a list of strings (one per line). */
static void check_comment(const struct cfg_obj *o)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o->node,
                                                      CFG_COMMENT_KEY);
    bool ok = !c || cJSON_IsString(c);
    if (cJSON_IsArray(c)) {
        ok = true;
        for (const cJSON *line = c->child; line; line = line->next)
            ok &= cJSON_IsString(line) != 0;
    }
    if (ok)
        return;
    char path[CFG_PATH_MAX], got[64];
    cfg_path_key(path, o->path, CFG_COMMENT_KEY);
    cfg_describe_value(c, got, sizeof got);
    cfg_error(o->cfg, path, "a comment is a string or a list of strings, "
              "got %s", got);
}

void cfg_check_keys(const struct cfg_obj *o, const char *const *known)
{
    if (!o->node)
        return;
    check_comment(o);
    size_t n = 0;
    for (const cJSON *c = o->node->child; c; c = c->next)
        n++;
    if (n == 0)
        return;
    struct member_ref *m = malloc(n * sizeof *m);
    unsigned char *verdict = calloc(n, 1);
    if (!m || !verdict) {
        free(m);
        free(verdict);
        o->cfg->out_of_memory = true;
        return;
    }
    size_t i = 0;
    for (const cJSON *c = o->node->child; c; c = c->next, i++)
        m[i] = (struct member_ref){c, i};
    qsort(m, n, sizeof *m, by_key_then_place);
    for (i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(m[j].node->string, m[i].node->string) == 0)
            j++;
        if (!is_known(m[i].node->string, known))
            verdict[m[i].place] = KEY_UNKNOWN;
        else if (j - i > 1)
            verdict[m[i + 1].place] = KEY_DUPLICATE;
        i = j;
    }
    i = 0;
    for (const cJSON *c = o->node->child; c; c = c->next, i++)
        if (verdict[i] != KEY_OK)
            report_key(o, c, (enum key_verdict)verdict[i], known);
    free(m);
    free(verdict);
}

/* A number node, or a command-line string whose text is a number. -0 is
 * read as 0: a sign on nothing is no value, and it would be written back
 * as "-0" (scenario.json) or make 1/x -inf. */
static bool number_value(const struct cfg *cfg, const cJSON *node, double *v)
{
    bool ok = false;
    if (cJSON_IsNumber(node)) {
        *v = node->valuedouble;
        ok = true;
    } else {
        ok = cJSON_IsString(node) && cfg_is_raw(cfg, node) &&
             str_parse_number(node->valuestring, v);
    }
    if (ok && *v == 0)
        *v = 0;
    return ok;
}

bool cfg_node_number(struct cfg *cfg, const cJSON *node, const char *path,
                     double *out, struct cfg_range range)
{
    double v;
    if (!number_value(cfg, node, &v)) {
        type_error(cfg, path, "a number", range, node);
        return false;
    }
    if (!isfinite(v)) {
        cfg_error(cfg, path, "expected a finite number, got one too large "
                             "to represent");
        return false;
    }
    if (!in_range(v, range)) {
        type_error(cfg, path, "a number", range, node);
        return false;
    }
    *out = v;
    return true;
}

/* A member read by a node reader (cfg_node_number, cfg_node_duration):
 * `def` when absent (false), else what the reader makes of it. */
typedef bool (*node_reader)(struct cfg *cfg, const cJSON *node,
                            const char *path, double *out,
                            struct cfg_range range);

static bool read_member(const struct cfg_obj *o, const char *key,
                        double *out, double def, struct cfg_range range,
                        node_reader read)
{
    *out = def;
    const cJSON *node = cfg_member(o, key);
    if (!node)
        return false;
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, key);
    return read(o->cfg, node, path, out, range);
}

bool cfg_number(const struct cfg_obj *o, const char *key, double *out,
                double def, struct cfg_range range)
{
    return read_member(o, key, out, def, range, cfg_node_number);
}

bool cfg_integer(const struct cfg_obj *o, const char *key, long long *out,
                 long long def, long long lo, long long hi)
{
    *out = def;
    const cJSON *node = cfg_member(o, key);
    if (!node)
        return false;
    double v;
    if (number_value(o->cfg, node, &v) && v == floor(v) && v >= (double)lo &&
        v <= (double)hi) {
        *out = (long long)v;
        return true;
    }
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, key);
    struct cfg_range range = {(double)lo, (double)hi, false, false};
    if (hi >= CFG_INT_MAX)
        range.hi = INFINITY;   /* no upper bound worth printing */
    type_error(o->cfg, path, "an integer", range, node);
    return false;
}

struct unit {
    const char *name;
    double seconds;
};

static const struct unit UNITS[] = {
    {"ns", 1e-9}, {"us", 1e-6}, {"\xc2\xb5s", 1e-6}, {"ms", 1e-3},
    {"s", 1},     {"m", 60},    {"h", 3600},         {NULL, 0},
};

bool number_or_duration_parse(const char *text, double *out)
{
    const char *why;
    double v;
    if (str_parse_number(text, &v) && isfinite(v)) {
        *out = v;
        return true;
    }
    return duration_parse(text, out, &why);
}

bool duration_parse(const char *text, double *seconds, const char **why)
{
    const char *s = text;
    bool minus = *s == '-';
    if (*s == '+' || *s == '-')
        s++;
    /* the sign is dealt with: a second one is no number */
    size_t n = *s == '+' || *s == '-' ? 0 : str_number_length(s);
    /* "-0ms" is 0, like -0; any other minus is a negative duration */
    if (minus && (n == 0 || strtod(s, NULL) != 0)) {
        *why = "a duration cannot be negative";
        return false;
    }
    if (n == 0) {
        *why = "a duration is a number followed by a unit, like \"200ms\"";
        return false;
    }
    const char *unit = s + n;
    if (*unit == '\0') {
        *why = "missing unit (use ns, us, ms, s, m or h)";
        return false;
    }
    if (*unit == ' ' || *unit == '\t') {
        *why = "no space is allowed between the number and its unit";
        return false;
    }
    for (const struct unit *u = UNITS; u->name; u++) {
        if (strcmp(unit, u->name) != 0)
            continue;
        char number[64];
        if (n >= sizeof number) {
            *why = "the number is too long";
            return false;
        }
        memcpy(number, s, n);
        number[n] = '\0';
        double v = strtod(number, NULL) * u->seconds;
        if (!isfinite(v)) {
            *why = "the duration is too large to represent";
            return false;
        }
        *seconds = v;   /* the sign was skipped: "-0ms" is +0 */
        return true;
    }
    *why = "unknown unit (use ns, us, ms, s, m or h)";
    return false;
}

static void note_bare_duration(struct cfg *cfg, const char *path, double v)
{
    if (!(v > CFG_BARE_DURATION_NOTE))
        return;
    char human[32];
    if (v < 86400)
        snprintf(human, sizeof human, "%.3g hours", v / 3600);
    else
        snprintf(human, sizeof human, "%.3g days", v / 86400);
    cfg_note(cfg, path, "%g is a bare number, read as seconds: %s; give the "
             "unit (\"%gs\" if seconds are meant, \"%gms\" for "
             "milliseconds)", v, human, v, v);
}

bool cfg_node_duration(struct cfg *cfg, const cJSON *node, const char *path,
                       double *out, struct cfg_range range)
{
    double v;
    bool bare = number_value(cfg, node, &v);
    if (bare) {
        if (!isfinite(v)) {
            cfg_error(cfg, path, "expected a finite duration, got a number "
                                 "too large to represent");
            return false;
        }
    } else if (cJSON_IsString(node)) {
        const char *why;
        if (!duration_parse(node->valuestring, &v, &why)) {
            char got[64];
            cfg_describe_value(node, got, sizeof got);
            cfg_error(cfg, path, "bad duration %s: %s", got, why);
            return false;
        }
    } else {
        type_error(cfg, path,
                   "a duration (seconds, or a string like \"200ms\")",
                   CFG_ANY, node);
        return false;
    }
    if (!in_range(v, range)) {
        type_error(cfg, path, "a duration", range, node);
        return false;
    }
    /* a duration without a unit is seconds: 60000 meant as 60000 ms is
     * 16.7 hours, legal but almost surely not what was meant */
    if (bare)
        note_bare_duration(cfg, path, v);
    *out = v;
    return true;
}

bool cfg_duration(const struct cfg_obj *o, const char *key, double *out,
                  double def, struct cfg_range range)
{
    return read_member(o, key, out, def, range, cfg_node_duration);
}

/* Whether text was meant as a number (so that a mistake in it deserves
 * the duration parser's own explanation, such as "unknown unit"). */
static bool looks_numeric(const char *text)
{
    return (text[0] >= '0' && text[0] <= '9') || text[0] == '.' ||
           text[0] == '+' || text[0] == '-';
}

bool cfg_duration_or_word(const struct cfg_obj *o, const char *key,
                          double *out, double def, struct cfg_range range,
                          const char *word, double word_value)
{
    const cJSON *node = cfg_member(o, key);
    if (cJSON_IsString(node) && strcmp(node->valuestring, word) == 0) {
        *out = word_value;
        return true;
    }
    bool number = cJSON_IsNumber(node) ||
                  (cJSON_IsString(node) && looks_numeric(node->valuestring));
    if (!node || number)
        return cfg_duration(o, key, out, def, range);
    /* a word or a value of another type: say that the word is allowed */
    *out = def;
    char path[CFG_PATH_MAX], got[64], rng[96];
    cfg_path_key(path, o->path, key);
    cfg_describe_value(node, got, sizeof got);
    cfg_describe_range(range, rng, sizeof rng);
    cfg_error(o->cfg, path, "expected a duration%s%s (seconds, or a string "
              "like \"200ms\") or \"%s\", got %s", rng[0] ? " " : "", rng,
              word, got);
    return false;
}

bool cfg_duration_or_none(const struct cfg_obj *o, const char *key,
                          double *out, double def, struct cfg_range range)
{
    return cfg_duration_or_word(o, key, out, def, range, "none", INFINITY);
}

void cfg_add_duration_or_none(cJSON *o, const char *key, double seconds)
{
    if (isinf(seconds))
        cJSON_AddStringToObject(o, key, "none");
    else
        cJSON_AddNumberToObject(o, key, seconds);
}

bool cfg_bool(const struct cfg_obj *o, const char *key, bool *out, bool def)
{
    *out = def;
    const cJSON *node = cfg_member(o, key);
    if (!node)
        return false;
    if (cJSON_IsBool(node)) {
        *out = cJSON_IsTrue(node);
        return true;
    }
    if (cJSON_IsString(node) && cfg_is_raw(o->cfg, node)) {
        if (strcmp(node->valuestring, "true") == 0 ||
            strcmp(node->valuestring, "false") == 0) {
            *out = node->valuestring[0] == 't';
            return true;
        }
    }
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, key);
    type_error(o->cfg, path, "true or false", CFG_ANY, node);
    return false;
}

bool cfg_string(const struct cfg_obj *o, const char *key, const char **out,
                const char *def)
{
    *out = def;
    const cJSON *node = cfg_member(o, key);
    if (!node)
        return false;
    if (!cJSON_IsString(node)) {
        char path[CFG_PATH_MAX];
        cfg_path_key(path, o->path, key);
        type_error(o->cfg, path, "a string", CFG_ANY, node);
        return false;
    }
    *out = node->valuestring;
    return true;
}

/* base_dir/name, or name itself when it is absolute or there is no
 * base; NULL if memory runs out. */
static char *join_base(const char *base, const char *name)
{
    if (name[0] == '/' || !base || !base[0] || strcmp(base, ".") == 0)
        return str_printf("%s", name);
    size_t n = strlen(base);
    return str_printf("%s%s%s", base, base[n - 1] == '/' ? "" : "/", name);
}

char *cfg_file(const struct cfg_obj *o, const char *key, char **shown)
{
    if (shown)
        *shown = NULL;
    const char *name;
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, key);
    if (!cfg_has(o, key)) {
        cfg_error(o->cfg, o->path, "missing \"%s\" (a file name)", key);
        return NULL;
    }
    if (!cfg_string(o, key, &name, NULL))
        return NULL;
    if (!name[0]) {
        cfg_error(o->cfg, path, "expected a file name, got \"\"");
        return NULL;
    }
    char *joined = join_base(o->cfg->base_dir, name);
    if (!joined) {
        o->cfg->out_of_memory = true;
        return NULL;
    }
    char *absolute = realpath(joined, NULL);
    if (!absolute) {
        cfg_error(o->cfg, path, "cannot open \"%s\": %s", joined,
                  strerror(errno));
        free(joined);
        return NULL;
    }
    if (shown)
        *shown = joined;
    else
        free(joined);
    return absolute;
}

bool cfg_enum(const struct cfg_obj *o, const char *key,
              const char *const *names, int *out, int def)
{
    *out = def;
    const cJSON *node = cfg_member(o, key);
    if (!node)
        return false;
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, key);
    const char *text = cJSON_IsString(node) ? node->valuestring : NULL;
    for (int i = 0; text && names[i]; i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = i;
            return true;
        }
    }
    char list[256] = "";
    for (int i = 0; names[i]; i++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s\"%s\"",
                 i == 0 ? "" : names[i + 1] ? ", " : " or ", names[i]);
    }
    char got[64];
    cfg_describe_value(node, got, sizeof got);
    const char *hint = text ? str_suggest(text, names) : NULL;
    if (hint)
        cfg_error(o->cfg, path, "expected %s, got %s (did you mean \"%s\"?)",
                  list, got, hint);
    else
        cfg_error(o->cfg, path, "expected %s, got %s", list, got);
    return false;
}
