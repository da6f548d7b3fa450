/*
 * csv.c — see csv.h. One pass over the line, writing each field's text
 * back over itself (a quoted field only ever gets shorter).
 */
#include "kernel/csv.h"

#include <string.h>

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool csv_blank(const char *line)
{
    for (; *line; line++)
        if (!is_blank(*line))
            return false;
    return true;
}

/* A quoted field from p (at its opening quote) into itself; returns where
 * it ends (after the closing quote), or NULL if it is not closed. */
static char *unquote(char *p)
{
    char *out = p;
    for (char *in = p + 1; *in; in++) {
        if (*in != '"') {
            *out++ = *in;
        } else if (in[1] == '"') {
            *out++ = '"';
            in++;
        } else {
            *out = '\0';
            return in + 1;
        }
    }
    return NULL;
}

size_t csv_split(char *line, struct csv_field *fields, size_t max,
                 long *bad_col, const char **why)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        while (is_blank(*p))
            p++;
        long col = (long)(p - line) + 1;
        char *text = p, *next, *stop;
        if (*p == '"') {
            next = unquote(p);
            if (!next) {
                *bad_col = col;
                *why = "a quoted field is not closed";
                return 0;
            }
            while (is_blank(*next))
                next++;
            if (*next != ',' && *next != '\0') {
                *bad_col = (long)(next - line) + 1;
                *why = "expected a comma after the quoted field";
                return 0;
            }
            stop = next;   /* the text is terminated already */
        } else {
            next = p;
            while (*next && *next != ',')
                next++;
            stop = next;
            while (stop > p && is_blank(stop[-1]))
                stop--;
        }
        bool last = *next == '\0';
        *stop = '\0';
        *next = '\0';
        if (n < max)
            fields[n] = (struct csv_field){text, col};
        n++;
        if (last)
            return n;
        p = next + 1;
    }
}

/* Hands one line with text to the reader: the header, or a row. */
static bool take_line(const struct csv_rows *r, char *line, long at,
                      bool first, struct data_error *err)
{
    if (first && r->header && r->header(line))
        return true;
    struct csv_field f[CSV_ROW_FIELDS];
    long col = 0;
    const char *why = NULL;
    size_t n = csv_split(line, f, CSV_ROW_FIELDS, &col, &why);
    if (n == 0) {
        data_error_set(err, at, col, "%s", why);
        return false;
    }
    return r->row(f, n, at, r->ctx, err);
}

bool csv_read_rows(const char *path, const struct csv_rows *r,
                   struct data_error *err)
{
    char why[200];
    struct datafile *f = datafile_open(path, why, sizeof why);
    if (!f) {
        data_error_set(err, 0, 0, "%s", why);
        return false;
    }
    bool ok = true, first = true;
    char *line;
    size_t len;
    enum datafile_status st = DATAFILE_END;
    while (ok && (st = datafile_next(f, &line, &len)) == DATAFILE_LINE) {
        if (csv_blank(line) || line[strspn(line, " \t")] == '#')
            continue;
        ok = take_line(r, line, datafile_line(f), first, err);
        first = false;
    }
    if (ok && st == DATAFILE_ERROR) {
        data_error_from(err, f);
        ok = false;
    }
    datafile_close(f);
    return ok;
}
