/*
 * trace.c — reading request traces: rows, the scan, the replay. See
 * trace.h for the formats and the clock.
 *
 * A cursor reads rows of one open file. The replay of a trace in whole
 * seconds runs two cursors over the same file: the one ahead counts the
 * rows of the next second, so that the one behind can spread them over it
 * without holding a second's rows in memory.
 */
#include "trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/csv.h"
#include "kernel/keymap.h"
#include "kernel/strutil.h"
#include "kernel/timestamp.h"

const char *const TRACE_FORMAT_NAMES[] = {"csv", "twemcache", NULL};

/* ---- rows ---- */

enum column { COL_TIME, COL_KEY, COL_OP, COL_TTL, N_COLUMNS };

static const char *const COLUMN_NAMES[] = {"time", "key", "op", "ttl", NULL};

/* twemcache: timestamp, key, key size, value size, client id, op, TTL */
#define TWEMCACHE_FIELDS 7
static const int TWEMCACHE_AT[N_COLUMNS] = {0, 1, 5, 6};

/* Where each column is in a row (-1: absent), and how many fields a row
 * has. */
struct layout {
    int at[N_COLUMNS];
    int width;
};

struct row {
    struct timestamp t;
    const char *key;
    size_t key_len;
    enum trace_op op;
    double ttl;
};

struct cursor {
    struct datafile *file;
    enum trace_format format;
    struct layout layout;
};

static const struct {
    const char *name;
    enum trace_op op;
} OPS[] = {
    {"get", TRACE_READ},      {"gets", TRACE_READ},
    {"set", TRACE_WRITE},     {"add", TRACE_WRITE},
    {"replace", TRACE_WRITE}, {"cas", TRACE_WRITE},
    {"append", TRACE_WRITE},  {"prepend", TRACE_WRITE},
    {"incr", TRACE_WRITE},    {"decr", TRACE_WRITE},
    {"delete", TRACE_DELETE},
};
#define N_OPS (sizeof OPS / sizeof OPS[0])

static bool same_word(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        if (x != *b)
            return false;
    }
    return *a == *b;
}

static bool parse_op(const char *text, enum trace_op *op)
{
    for (size_t i = 0; i < N_OPS; i++)
        if (same_word(text, OPS[i].name)) {
            *op = OPS[i].op;
            return true;
        }
    return false;
}

/* The csv header: which column is where. */
static bool read_header(struct cursor *c, char *line, struct data_error *err)
{
    struct csv_field f[N_COLUMNS + 1];
    long col = 0;
    const char *why = NULL;
    long at = datafile_line(c->file);
    size_t n = csv_split(line, f, N_COLUMNS + 1, &col, &why);
    if (n == 0) {
        data_error_set(err, at, col, "%s", why);
        return false;
    }
    struct layout *l = &c->layout;
    for (int k = 0; k < N_COLUMNS; k++)
        l->at[k] = -1;
    l->width = (int)n;
    for (size_t i = 0; i < n && i < N_COLUMNS + 1; i++) {
        const char *name = f[i].text;
        int k = 0;
        while (COLUMN_NAMES[k] && !same_word(name, COLUMN_NAMES[k]))
            k++;
        if (!COLUMN_NAMES[k] && same_word(name, "timestamp"))
            k = COL_TIME;
        const char *hint = str_suggest(name, COLUMN_NAMES);
        if (!COLUMN_NAMES[k]) {
            data_error_set(err, at, f[i].col, "unknown column \"%.40s\"%s%s%s "
                           "(the columns are time, key, op and ttl, named "
                           "in the first row)", name, hint ? " (did you mean \""
                           : "", hint ? hint : "", hint ? "\"?)" : "");
            return false;
        }
        if (l->at[k] >= 0) {
            data_error_set(err, at, f[i].col, "column \"%s\" given twice",
                           COLUMN_NAMES[k]);
            return false;
        }
        l->at[k] = (int)i;
    }
    if (n > N_COLUMNS || l->at[COL_TIME] < 0 || l->at[COL_KEY] < 0) {
        data_error_set(err, at, 1, "the first row names the columns: time "
                       "and key, and optionally op and ttl (\"time,key,op,"
                       "ttl\")");
        return false;
    }
    return true;
}

static void cursor_close(struct cursor *c)
{
    datafile_close(c->file);
    c->file = NULL;
}

/* Opens the file and, for csv, reads its header; closes it again if
 * either fails. */
static bool cursor_open(struct cursor *c, const char *path,
                        enum trace_format format, struct data_error *err)
{
    char why[200];
    memset(c, 0, sizeof *c);
    c->format = format;
    c->file = datafile_open(path, why, sizeof why);
    if (!c->file) {
        data_error_set(err, 0, 0, "%s", why);
        return false;
    }
    if (format == TRACE_TWEMCACHE) {
        memcpy(c->layout.at, TWEMCACHE_AT, sizeof TWEMCACHE_AT);
        c->layout.width = TWEMCACHE_FIELDS;
        return true;
    }
    char *line;
    size_t len;
    enum datafile_status st;
    while ((st = datafile_next(c->file, &line, &len)) == DATAFILE_LINE &&
           csv_blank(line))
        ;
    if (st == DATAFILE_LINE && read_header(c, line, err))
        return true;
    if (st == DATAFILE_ERROR)
        data_error_from(err, c->file);
    else if (st == DATAFILE_END)
        data_error_set(err, 0, 0, "empty file: a csv trace starts with a row "
                       "naming its columns (time,key,op,ttl)");
    cursor_close(c);
    return false;
}

/* The fields of a data row into *r. */
static bool parse_fields(const struct cursor *c, struct csv_field *f,
                         long line, struct row *r, struct data_error *err)
{
    const int *at = c->layout.at;
    const char *why;
    struct csv_field *time = &f[at[COL_TIME]], *key = &f[at[COL_KEY]];
    if (!timestamp_parse(time->text, &r->t, &why)) {
        data_error_set(err, line, time->col, "time: %s, got \"%.40s\"", why,
                       time->text);
        return false;
    }
    r->key = key->text;
    r->key_len = strlen(key->text);
    if (r->key_len == 0) {
        data_error_set(err, line, key->col, "key: empty");
        return false;
    }
    r->op = TRACE_READ;
    if (at[COL_OP] >= 0 && !parse_op(f[at[COL_OP]].text, &r->op)) {
        data_error_set(err, line, f[at[COL_OP]].col, "op: expected get, "
                       "gets, set, add, replace, cas, append, prepend, incr, "
                       "decr or delete, got \"%.40s\"", f[at[COL_OP]].text);
        return false;
    }
    r->ttl = 0;
    if (at[COL_TTL] >= 0 && f[at[COL_TTL]].text[0] &&
        (!str_parse_number(f[at[COL_TTL]].text, &r->ttl) ||
         !isfinite(r->ttl) || r->ttl < 0)) {
        data_error_set(err, line, f[at[COL_TTL]].col, "ttl: expected seconds "
                       ">= 0, got \"%.40s\"", f[at[COL_TTL]].text);
        return false;
    }
    return true;
}

/* 1: a row; 0: the end; -1: a problem. Blank lines are skipped. */
static int cursor_next(struct cursor *c, struct row *r, struct data_error *err)
{
    char *line;
    size_t len;
    enum datafile_status st;
    while ((st = datafile_next(c->file, &line, &len)) == DATAFILE_LINE &&
           csv_blank(line))
        ;
    if (st == DATAFILE_END)
        return 0;
    if (st == DATAFILE_ERROR) {
        data_error_from(err, c->file);
        return -1;
    }
    struct csv_field f[TWEMCACHE_FIELDS + 1];
    long col = 0, at = datafile_line(c->file);
    const char *why = NULL;
    size_t want = (size_t)c->layout.width;
    size_t n = csv_split(line, f, TWEMCACHE_FIELDS + 1, &col, &why);
    if (n == 0) {
        data_error_set(err, at, col, "%s", why);
        return -1;
    }
    if (n != want) {
        data_error_set(err, at, n > want ? f[want].col - 1 : (long)len + 1,
                       "expected %zu fields%s, got %zu", want,
                       c->format == TRACE_TWEMCACHE
                           ? " (timestamp,key,key size,value size,client "
                             "id,operation,TTL)"
                           : " (as many as the first row names)", n);
        return -1;
    }
    return parse_fields(c, f, at, r, err) ? 1 : -1;
}

/* ---- the scan ---- */

struct scan {
    struct trace_stats *s;
    struct keymap *keys;
    uint64_t *reads;            /* per key */
    size_t cap_reads;
    bool forms_seen[2];
    double second;              /* the trace second being counted */
    uint64_t second_reads;
};

static bool count_read(struct scan *sc, long key)
{
    if ((size_t)key >= sc->cap_reads) {
        size_t cap = sc->cap_reads ? sc->cap_reads * 2 : 1024;
        uint64_t *r = realloc(sc->reads, cap * sizeof *r);
        if (!r)
            return false;
        memset(r + sc->cap_reads, 0, (cap - sc->cap_reads) * sizeof *r);
        sc->reads = r;
        sc->cap_reads = cap;
    }
    uint64_t n = ++sc->reads[key];
    if (n > sc->s->hottest_reads)
        sc->s->hottest_reads = n;
    return true;
}

/* The busiest second: seconds are counted from the first timestamp. */
static void count_second(struct scan *sc, double t)
{
    double second = floor(t - sc->s->first);
    if (second != sc->second) {
        sc->second = second;
        sc->second_reads = 0;
    }
    if (++sc->second_reads > sc->s->peak_reads)
        sc->s->peak_reads = sc->second_reads;
}

static bool scan_row(struct scan *sc, const struct row *r, long line,
                     struct data_error *err)
{
    struct trace_stats *s = sc->s;
    sc->forms_seen[r->t.form] = true;
    if (sc->forms_seen[0] && sc->forms_seen[1]) {
        data_error_set(err, line, 1, "time: seconds and dates mixed in one "
                       "trace");
        return false;
    }
    if (s->rows > 0 && r->t.seconds < s->last) {
        data_error_set(err, line, 1, "time: %.17g comes after %.17g (times "
                       "must not decrease: sort the trace by time)",
                       r->t.seconds, s->last);
        return false;
    }
    if (s->rows == 0)
        s->first = r->t.seconds;
    s->last = r->t.seconds;
    s->rows++;
    s->whole_seconds = s->whole_seconds && r->t.whole;
    bool added;
    long key = keymap_intern(sc->keys, r->key, r->key_len, &added);
    if (key < 0) {
        data_error_set(err, line, 1, "out of memory for the keys (%ld so far)",
                       keymap_count(sc->keys));
        return false;
    }
    if (added)
        s->key_bytes += (double)r->key_len;
    s->reads += r->op == TRACE_READ;
    s->writes += r->op == TRACE_WRITE;
    s->deletes += r->op == TRACE_DELETE;
    if (r->op == TRACE_READ) {
        count_second(sc, r->t.seconds);
        if (!count_read(sc, key)) {
            data_error_set(err, line, 1, "out of memory");
            return false;
        }
    }
    return true;
}

static bool scan_rows(struct scan *sc, struct cursor *c,
                      struct data_error *err)
{
    struct row r;
    int got;
    while ((got = cursor_next(c, &r, err)) == 1)
        if (!scan_row(sc, &r, datafile_line(c->file), err))
            return false;
    if (got < 0)
        return false;
    struct trace_stats *s = sc->s;
    if (s->rows == 0) {
        data_error_set(err, 0, 0, "no request in the trace");
        return false;
    }
    if (s->reads == 0) {
        data_error_set(err, 0, 0, "no read in the trace (reads are what "
                       "goes through the policies)");
        return false;
    }
    s->keys = keymap_count(sc->keys);
    s->span = s->last - s->first + (s->whole_seconds ? 1 : 0);
    return true;
}

bool trace_scan(const char *path, enum trace_format format,
                struct trace_stats *out, struct data_error *err)
{
    memset(out, 0, sizeof *out);
    out->whole_seconds = true;
    struct scan sc = {.s = out, .keys = keymap_create(), .second = -1};
    struct cursor c;
    bool ok = false;
    if (!sc.keys)
        data_error_set(err, 0, 0, "out of memory");
    else if (cursor_open(&c, path, format, err)) {
        ok = scan_rows(&sc, &c, err);
        cursor_close(&c);
    }
    keymap_destroy(sc.keys);
    free(sc.reads);
    return ok;
}

/* ---- the replay ---- */

struct trace_reader {
    struct trace_config config;
    struct cursor main;
    struct cursor ahead;        /* whole seconds only */
    struct keymap *keys;
    /* whole seconds: the second being replayed, its rows, the next */
    double second;
    long in_second, done_in_second;
    struct row next_second;     /* the ahead cursor's first row past it */
    int ahead_state;            /* 1: next_second holds a row; 0: the end */
    double last;                /* the last timestamp handed out */
};

/* Counts the rows of the second the ahead cursor stands at. */
static bool count_second_ahead(struct trace_reader *r, struct data_error *err)
{
    r->second = r->next_second.t.seconds;
    r->in_second = 0;
    r->done_in_second = 0;
    while (r->ahead_state == 1 && r->next_second.t.seconds == r->second) {
        r->in_second++;
        r->ahead_state = cursor_next(&r->ahead, &r->next_second, err);
    }
    return r->ahead_state >= 0;
}

struct trace_reader *trace_reader_open(const struct trace_config *c,
                                       struct data_error *err)
{
    struct trace_reader *r = calloc(1, sizeof *r);
    if (!r) {
        data_error_set(err, 0, 0, "out of memory");
        return NULL;
    }
    r->config = *c;
    r->last = -INFINITY;
    bool whole = c->stats.whole_seconds;
    bool ok = (r->keys = keymap_create()) &&
              cursor_open(&r->main, c->file, c->format, err);
    if (!r->keys)
        data_error_set(err, 0, 0, "out of memory");
    if (ok && whole)
        ok = cursor_open(&r->ahead, c->file, c->format, err) &&
             (r->ahead_state = cursor_next(&r->ahead, &r->next_second,
                                           err)) >= 0;
    if (!ok) {
        trace_reader_close(r);
        return NULL;
    }
    return r;
}

void trace_reader_close(struct trace_reader *r)
{
    if (!r)
        return;
    if (r->main.file)
        cursor_close(&r->main);
    if (r->ahead.file)
        cursor_close(&r->ahead);
    keymap_destroy(r->keys);
    free(r);
}

/* When the row arrives on the replay clock. */
static bool replay_time(struct trace_reader *r, const struct row *row,
                        double *at, struct data_error *err)
{
    const struct trace_stats *s = &r->config.stats;
    double t = row->t.seconds - s->first;
    if (s->whole_seconds) {
        if (r->done_in_second == r->in_second &&
            !count_second_ahead(r, err))
            return false;
        if (row->t.seconds != r->second || r->in_second == 0)
            return false;
        t += (double)r->done_in_second++ / (double)r->in_second;
    }
    *at = t / r->config.speed;
    return true;
}

int trace_reader_next(struct trace_reader *r, struct trace_record *out,
                      struct data_error *err)
{
    struct row row;
    int got = cursor_next(&r->main, &row, err);
    if (got <= 0)
        return got;
    long line = datafile_line(r->main.file);
    bool added;
    long key = keymap_intern(r->keys, row.key, row.key_len, &added);
    err->message[0] = '\0';
    bool same = key >= 0 && key < r->config.stats.keys &&
                row.t.seconds >= r->last &&
                replay_time(r, &row, &out->at, err);
    if (!same) {
        if (!err->message[0])
            data_error_set(err, line, 1, key < 0 ? "out of memory for the "
                           "keys" : "the trace has changed since it was "
                           "checked");
        return -1;
    }
    r->last = row.t.seconds;
    out->key = key;
    out->first = added;
    out->op = row.op;
    out->ttl = row.ttl;
    return 1;
}

double trace_reader_bytes(const struct trace_stats *s)
{
    /* the key map, and two files' buffers and zlib states (about 300 KB
     * each with the window) */
    return keymap_bytes_for(s->keys, s->key_bytes) + 2 * 300e3;
}
