/*
 * strutil.c — see strutil.h.
 */
#include "kernel/strutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *str_vprintf(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *str_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = str_vprintf(fmt, ap);
    va_end(ap);
    return s;
}

size_t str_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    /* Keys are short; past 64 bytes a typo suggestion means little. */
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *str_suggest(const char *word, const char *const *candidates)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (const char *const *c = candidates; c && *c; c++) {
        size_t d = str_edit_distance(word, *c);
        if (d < best_d) {
            best_d = d;
            best = *c;
        }
    }
    /* Allow about one edit in three characters, and at least two. */
    size_t len = strlen(word);
    size_t limit = len / 3 > 2 ? len / 3 : 2;
    return best_d <= limit && best_d < len ? best : NULL;
}

void str_copy(char *dst, size_t n, const char *src)
{
    if (n == 0)
        return;
    size_t len = strlen(src);
    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static size_t digits_at(const char *s)
{
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return n;
}

bool str_parse_number(const char *text, double *out)
{
    size_t n = str_number_length(text);
    if (n == 0 || text[n] != '\0')
        return false;
    *out = strtod(text, NULL);
    return true;
}

size_t str_number_length(const char *text)
{
    size_t i = text[0] == '+' || text[0] == '-';
    size_t whole = digits_at(text + i), fraction = 0;
    i += whole;
    if (text[i] == '.') {
        fraction = digits_at(text + i + 1);
        i += 1 + fraction;
    }
    if (whole == 0 && fraction == 0)
        return 0;
    if (text[i] == 'e' || text[i] == 'E') {
        size_t j = i + 1 + (text[i + 1] == '+' || text[i + 1] == '-');
        size_t exponent = digits_at(text + j);
        if (exponent == 0)
            return 0;
        i = j + exponent;
    }
    return i;
}
