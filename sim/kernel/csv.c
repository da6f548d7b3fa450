/*
 * csv.c — see csv.h. One pass over the line, writing each field's text
 * back over itself (a quoted field only ever gets shorter).
 */
#include "kernel/csv.h"

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
