/*
 * table.h — a table printed on stdout in the form a reader or a tool
 * wants: `--format json|csv|markdown` of run, sweep, calibrate, check and
 * compare (their text form, the default, is each command's own).
 *
 * A table is columns and rows of cells. A metric's cell is a mean with an
 * optional 95 % half-width; a text cell is text. JSON gives every row as
 * an object keyed by the columns' keys (a metric as {"mean", "ci95"}),
 * CSV the keys as its header (a metric's half-width in a column
 * KEY_ci95 beside it), Markdown the headers people read, the values as
 * the text form shows them (scaled, "mean ±ci95").
 */
#ifndef STAMPEDE_TABLE_H
#define STAMPEDE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum out_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV, FORMAT_MARKDOWN };

/* "text", "json", "csv" or "markdown" into *out; false if none. */
bool out_format_parse(const char *text, enum out_format *out);

enum column_kind {
    COLUMN_TEXT,      /* a word or a sentence */
    COLUMN_NUMBER,    /* a number (a count, a value of the grid) */
    COLUMN_METRIC,    /* a mean with its 95 % half-width */
};

struct table_column {
    const char *key;      /* JSON key, CSV header: a field path, a name */
    const char *header;   /* Markdown header */
    enum column_kind kind;
    double scale;         /* Markdown only: shown value = value x scale */
    int decimals;         /* Markdown only; < 0: 4 significant digits */
};

struct table_cell {
    double value;         /* NaN: undefined (null, an empty cell, "-") */
    double ci;            /* a metric's half-width; NaN: none */
    const char *text;     /* a text column's (NULL: empty) */
};

struct table {
    const char *name;                   /* what the rows are: "run" ... */
    const struct table_column *columns;
    size_t n_columns;
    const struct table_cell *cells;     /* row-major: n_rows x n_columns */
    size_t n_rows;
};

/* The table in format f (not FORMAT_TEXT). JSON is one object:
 * {"tool", "schema_version", "table": NAME, "rows": [...]}. */
void table_write(FILE *out, const struct table *t, enum out_format f);

/* A CSV's text (a header and rows, as stampede writes them: no newline
 * inside a cell) as a Markdown table. */
void table_csv_to_markdown(FILE *out, const char *csv);

/* Markdown's cell text: `|` and newlines escaped, into out. */
void table_markdown_text(FILE *out, const char *text);

#endif
