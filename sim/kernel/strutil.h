/*
 * strutil.h — small string helpers shared by the loader and the CLI.
 */
#ifndef STAMPEDE_STRUTIL_H
#define STAMPEDE_STRUTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* printf into a new heap string; NULL if memory runs out. */
char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *str_vprintf(const char *fmt, va_list ap);

/* Levenshtein distance between a and b (bytes), O(|a| |b|) time. */
size_t str_edit_distance(const char *a, const char *b);

/* Of `candidates` (NULL-terminated), the one closest to `word` if it is
 * close enough to be a likely typo; NULL otherwise. */
const char *str_suggest(const char *word, const char *const *candidates);

/* Whether the whole text is a decimal number as people type one: an
 * optional sign, digits with an optional fraction (or a fraction alone:
 * ".5"), an optional exponent. Not "nan", "inf", hex, nor spaces, which
 * strtod would take. Returns the number of characters, or 0. */
size_t str_number_length(const char *text);
/* The whole text as such a number (an overflow reads as an infinity, for
 * the caller to refuse); false if it is not one. */
bool str_parse_number(const char *text, double *out);

/* Copies at most n-1 bytes of src into dst and terminates it. */
void str_copy(char *dst, size_t n, const char *src);

#endif
