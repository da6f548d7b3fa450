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

#endif
