/*
 * csv.h — one line of comma-separated values, split in place.
 *
 * Fields are separated by commas; blanks around a field are dropped. A
 * field may be quoted ("a,b"), a doubled quote inside standing for one
 * ("say ""hi"""), as spreadsheets and metric exports write them. Each field
 * keeps the column (1-based byte) it starts at, for error messages.
 */
#ifndef STAMPEDE_CSV_H
#define STAMPEDE_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/datafile.h"

struct csv_field {
    char *text;     /* NUL-terminated, inside the line */
    long col;       /* where it starts in the line, 1-based */
};

/* Splits `line` (modified) into at most `max` fields. Returns the number
 * of fields the line has (more than max: only the first max are filled),
 * or 0 with *bad_col and *why set when a quoted field is not closed or is
 * followed by something other than a comma. */
size_t csv_split(char *line, struct csv_field *fields, size_t max,
                 long *bad_col, const char **why);

/* Whether a line holds nothing but blanks. */
bool csv_blank(const char *line);

/* At most this many fields of a row are handed over (n counts them all). */
#define CSV_ROW_FIELDS 8

/* What a reader of a file of rows does with its lines. */
struct csv_rows {
    /* Whether the first line with text names the columns (it is then
     * skipped); NULL: there is no header. */
    bool (*header)(const char *line);
    /* Each data row; false, with *err set, stops the reading. */
    bool (*row)(struct csv_field *f, size_t n, long line, void *ctx,
                struct data_error *err);
    void *ctx;
};

/* Reads the data file at `path` row by row (datafile.h: gzip or plain),
 * skipping blank lines and lines whose first non-blank is '#'. False with
 * the place and the problem in *err (line 0: opening the file). */
bool csv_read_rows(const char *path, const struct csv_rows *r,
                   struct data_error *err);

#endif
