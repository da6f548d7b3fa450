/*
 * base64.h — base64 (RFC 4648, with padding), to embed the figures in a
 * self-contained HTML report as data: URIs.
 */
#ifndef STAMPEDE_BASE64_H
#define STAMPEDE_BASE64_H

#include <stdbool.h>
#include <stdio.h>

/* The file at `path`, base64-encoded, to out, without line breaks;
 * false if it cannot be read. */
bool base64_file(FILE *out, const char *path);

/* n bytes of data, base64-encoded, to out. */
void base64_write(FILE *out, const unsigned char *data, size_t n);

#endif
