/*
 * table.c — see table.h.
 */
#include "output/table.h"

#include <math.h>
#include <string.h>

#include "output/json_out.h"

bool out_format_parse(const char *text, enum out_format *out)
{
    static const char *const WORDS[] = {"text", "json", "csv", "markdown"};
    for (int i = 0; i < 4; i++)
        if (strcmp(text, WORDS[i]) == 0) {
            *out = (enum out_format)i;
            return true;
        }
    return false;
}

static const struct table_cell *cell_at(const struct table *t, size_t row,
                                        size_t col)
{
    return &t->cells[row * t->n_columns + col];
}

/* ---- JSON ---- */

static void json_number_or_null(struct json_out *j, double v)
{
    if (isfinite(v))
        json_out_number(j, v);
    else
        json_out_null(j);
}

static void json_cell(struct json_out *j, const struct table_column *c,
                      const struct table_cell *v)
{
    if (c->kind == COLUMN_TEXT) {
        if (v->text)
            json_out_string(j, v->text);
        else
            json_out_null(j);
    } else if (c->kind == COLUMN_NUMBER) {
        json_number_or_null(j, v->value);
    } else {
        json_out_begin_object(j);
        json_out_key(j, "mean");
        json_number_or_null(j, v->value);
        json_out_key(j, "ci95");
        json_number_or_null(j, v->ci);
        json_out_end_object(j);
    }
}

static void write_json(FILE *out, const struct table *t)
{
    struct json_out j;
    json_out_init(&j, out);
    json_out_begin_object(&j);
    json_out_provenance_tool(&j);
    json_out_key(&j, "table");
    json_out_string(&j, t->name);
    json_out_key(&j, "rows");
    json_out_begin_array(&j);
    for (size_t r = 0; r < t->n_rows; r++) {
        json_out_begin_object(&j);
        for (size_t c = 0; c < t->n_columns; c++) {
            json_out_key(&j, t->columns[c].key);
            json_cell(&j, &t->columns[c], cell_at(t, r, c));
        }
        json_out_end_object(&j);
    }
    json_out_end_array(&j);
    json_out_end_object(&j);
}

/* ---- CSV ---- */

static void csv_text(FILE *out, const char *text)
{
    if (!text)
        return;
    if (!strpbrk(text, ",\"\n\r")) {
        fputs(text, out);
        return;
    }
    fputc('"', out);
    for (const char *c = text; *c; c++) {
        if (*c == '"')
            fputc('"', out);
        fputc(*c == '\n' || *c == '\r' ? ' ' : *c, out);
    }
    fputc('"', out);
}

static void write_csv(FILE *out, const struct table *t)
{
    for (size_t c = 0; c < t->n_columns; c++) {
        fprintf(out, "%s%s", c ? "," : "", t->columns[c].key);
        if (t->columns[c].kind == COLUMN_METRIC)
            fprintf(out, ",%s_ci95", t->columns[c].key);
    }
    fputc('\n', out);
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->n_columns; c++) {
            const struct table_cell *v = cell_at(t, r, c);
            if (t->columns[c].kind == COLUMN_TEXT) {
                if (c)
                    fputc(',', out);
                csv_text(out, v->text);
                continue;
            }
            /* json_csv_cell writes ",v": the first cell without it */
            char num[64] = "";
            if (isfinite(v->value))
                json_format_number(v->value, num, sizeof num);
            fprintf(out, "%s%s", c ? "," : "", num);
            if (t->columns[c].kind == COLUMN_METRIC)
                json_csv_cell(out, v->ci);
        }
        fputc('\n', out);
    }
}

/* ---- Markdown ---- */

void table_markdown_text(FILE *out, const char *text)
{
    for (const char *c = text ? text : ""; *c; c++) {
        if (*c == '|')
            fputs("\\|", out);
        else if (*c == '\n' || *c == '\r')
            fputs("<br>", out);
        else
            fputc(*c, out);
    }
}

static void md_number(FILE *out, double v, const struct table_column *c)
{
    if (c->decimals < 0)
        fprintf(out, "%.4g", v * c->scale);
    else
        fprintf(out, "%.*f", c->decimals, v * c->scale);
}

static void md_cell(FILE *out, const struct table_column *c,
                    const struct table_cell *v)
{
    if (c->kind == COLUMN_TEXT) {
        table_markdown_text(out, v->text);
        return;
    }
    if (!isfinite(v->value)) {
        fputs("-", out);
        return;
    }
    md_number(out, v->value, c);
    if (c->kind == COLUMN_METRIC && isfinite(v->ci)) {
        fputs(" ±", out);
        md_number(out, v->ci, c);
    }
}

static void write_markdown(FILE *out, const struct table *t)
{
    fputc('|', out);
    for (size_t c = 0; c < t->n_columns; c++) {
        fputc(' ', out);
        table_markdown_text(out, t->columns[c].header);
        fputs(" |", out);
    }
    fputs("\n|", out);
    for (size_t c = 0; c < t->n_columns; c++)
        fputs(t->columns[c].kind == COLUMN_TEXT ? "---|" : "---:|", out);
    fputc('\n', out);
    for (size_t r = 0; r < t->n_rows; r++) {
        fputc('|', out);
        for (size_t c = 0; c < t->n_columns; c++) {
            fputc(' ', out);
            md_cell(out, &t->columns[c], cell_at(t, r, c));
            fputs(" |", out);
        }
        fputc('\n', out);
    }
}

void table_write(FILE *out, const struct table *t, enum out_format f)
{
    switch (f) {
    case FORMAT_JSON: write_json(out, t); break;
    case FORMAT_CSV: write_csv(out, t); break;
    case FORMAT_MARKDOWN: write_markdown(out, t); break;
    case FORMAT_TEXT: break;
    }
}

/* ---- CSV to Markdown ---- */

/* One cell of a CSV line starting at p (quotes undone) to out; returns
 * where the next starts, or NULL at the end of the line. */
static const char *csv_cell(FILE *out, const char *p)
{
    if (*p == '"') {
        for (p++; *p && *p != '\n'; p++) {
            if (*p == '"' && p[1] == '"') {
                fputc('"', out);
                p++;
            } else if (*p == '"') {
                p++;
                break;
            } else {
                table_markdown_text(out, (char[]){*p, '\0'});
            }
        }
    } else {
        for (; *p && *p != ',' && *p != '\n'; p++)
            table_markdown_text(out, (char[]){*p, '\0'});
    }
    return *p == ',' ? p + 1 : NULL;
}

void table_csv_to_markdown(FILE *out, const char *csv)
{
    bool header = true;
    for (const char *line = csv; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = 0;
        fputc('|', out);
        for (const char *p = line; p;) {
            fputc(' ', out);
            p = csv_cell(out, p);
            fputs(" |", out);
            n++;
        }
        fputc('\n', out);
        if (header) {
            fputc('|', out);
            for (size_t i = 0; i < n; i++)
                fputs("---|", out);
            fputc('\n', out);
            header = false;
        }
        line = nl ? nl + 1 : NULL;
    }
}
