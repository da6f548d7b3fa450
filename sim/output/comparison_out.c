/*
 * comparison_out.c — see comparison_out.h.
 */
#include "output/comparison_out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/strutil.h"
#include "metric_registry.h"
#include "output/check_report.h"
#include "output/json_out.h"
#include "output/scenario_diff.h"

/* ---- the rows ---- */

/* Calls fn for each metric row of group g. */
static void for_each_row(const struct comparison *c,
                         const struct comparison_group *g,
                         enum comparison_rows rows,
                         void (*fn)(const struct metric_info *m, void *ctx),
                         void *ctx)
{
    size_t n = metric_count();
    for (size_t i = 0; i < n; i++) {
        struct metric_info m;
        metric_get(i, &m);
        if (!m.field[0] || (rows == ROWS_BRIEF && !m.table) ||
            !comparison_has(c, g, m.field))
            continue;
        fn(&m, ctx);
    }
}

/* A number as people read one: `digits` significant digits, but whole
 * from 10^digits up (275022, not 2.75e+05); with a sign if asked. */
static int number_text(char *out, size_t n, double v, int digits, bool sign)
{
    if (fabs(v) >= pow(10, digits) && fabs(v) < 1e15)
        return snprintf(out, n, sign ? "%+.0f" : "%.0f", v);
    return snprintf(out, n, sign ? "%+.*g" : "%.*g", digits, v);
}

/* "12.3" or "12.3 ±0.4"; "-" when undefined. */
static void value_text(const struct comparison_entry *e, const char *field,
                       char *out, size_t n)
{
    double mean, ci;
    if (!comparison_value(e, field, &mean, &ci)) {
        snprintf(out, n, "-");
        return;
    }
    int len = number_text(out, n, mean, 4, false);
    if (isfinite(ci) && len > 0 && (size_t)len + 3 < n) {
        len += snprintf(out + len, n - (size_t)len, " ±");
        number_text(out + len, n - (size_t)len, ci, 2, false);
    }
}

static void diff_text(double diff, char *out, size_t n)
{
    if (isfinite(diff))
        number_text(out, n, diff, 4, true);
    else
        snprintf(out, n, "-");
}

/* ---- text ---- */

/* Characters, not bytes. */
static int text_chars(const char *text)
{
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        chars += (*p & 0xc0) != 0x80;
    return chars;
}

/* Right-aligned in `width` characters ("±" is one). */
static void print_right(FILE *out, const char *text, int width)
{
    int chars = text_chars(text);
    fprintf(out, " %*s%s", width > chars ? width - chars : 0, "", text);
}

struct text_ctx {
    FILE *out;
    const struct comparison *c;
    const struct comparison_group *g;
    int label_width;      /* the longest label of the group's rows */
};

static void measure_row(const struct metric_info *m, void *ctx)
{
    struct text_ctx *t = ctx;
    int chars = text_chars(m->label);
    if (chars > t->label_width)
        t->label_width = chars;
}

static void text_row(const struct metric_info *m, void *ctx)
{
    struct text_ctx *t = ctx;
    const struct comparison_entry *base = &t->c->entries[t->g->entries[0]];
    /* the whole label: a cut one ("overlapped anothe") reads wrong */
    fprintf(t->out, "%s%*s", m->label, t->label_width - text_chars(m->label),
            "");
    for (size_t i = 0; i < t->g->n; i++) {
        char v[64];
        value_text(&t->c->entries[t->g->entries[i]], m->field, v, sizeof v);
        print_right(t->out, v, 18);
    }
    for (size_t i = 1; i < t->g->n; i++) {
        double diff;
        enum comparison_verdict verdict = comparison_diff(
            base, &t->c->entries[t->g->entries[i]], m->field, &diff);
        char d[32];
        diff_text(diff, d, sizeof d);
        fprintf(t->out, " %12s  %-*s", d, i + 1 < t->g->n ? 29 : 0,
                comparison_verdict_text(verdict));
    }
    fputc('\n', t->out);
}

static void text_group(FILE *out, const struct comparison *c,
                       const struct comparison_group *g,
                       enum comparison_rows rows)
{
    const struct comparison_entry *base = &c->entries[g->entries[0]];
    struct text_ctx t = {out, c, g, (int)strlen("metric")};
    for_each_row(c, g, rows, measure_row, &t);
    fprintf(out, "\n== %s\n%-*s", g->title, t.label_width, "metric");
    for (size_t i = 0; i < g->n; i++)
        print_right(out, c->entries[g->entries[i]].name, 18);
    for (size_t i = 1; i < g->n; i++) {
        char head[80];
        snprintf(head, sizeof head, "%s - %s", c->entries[g->entries[i]].name,
                 base->name);
        fprintf(out, " %12s  %-*s", head, i + 1 < g->n ? 29 : 0,
                "95 % intervals");
    }
    fputc('\n', out);
    if (g->n < 2)
        fprintf(out, "(only in %s: nothing to compare it with)\n",
                base->name);
    for_each_row(c, g, rows, text_row, &t);
}

/* ---- what separates the folders ---- */

#define SHOWN_DIFFERENCES 6    /* in the text and the documents */
#define LISTED_DIFFERENCES 64  /* in JSON */

/* Where folder f's scenario differs from the first's: the first `max`
 * into out; how many in all, or -1 when either has no scenario.json. */
static long differences(const struct comparison *c, size_t f,
                        struct scenario_difference *out, size_t max)
{
    const cJSON *a = c->folders[0].run_scenario;
    const cJSON *b = c->folders[f].run_scenario;
    return a && b ? (long)scenario_diff(a, b, out, max) : -1;
}

/* "the same scenario as A", or "differs from A: database.cores 8 -> 16;
 * ... (and 3 more)"; NULL without the scenarios (free it). */
static char *differences_text(const struct comparison *c, size_t f)
{
    struct scenario_difference d[SHOWN_DIFFERENCES];
    long n = differences(c, f, d, SHOWN_DIFFERENCES);
    if (n < 0)
        return NULL;
    if (n == 0)
        return str_printf("the same scenario as %s", c->folders[0].name);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        return NULL;
    fprintf(out, "differs from %s:", c->folders[0].name);
    for (long i = 0; i < n && i < SHOWN_DIFFERENCES; i++) {
        char a[48], b[48];
        scenario_diff_value(d[i].a, a, sizeof a);
        scenario_diff_value(d[i].b, b, sizeof b);
        fprintf(out, "%s %s %s -> %s", i ? ";" : "", d[i].path, a, b);
    }
    if (n > SHOWN_DIFFERENCES)
        fprintf(out, " (and %ld more)", n - SHOWN_DIFFERENCES);
    fclose(out);
    return text;
}

static void write_text(FILE *out, const struct comparison *c,
                       enum comparison_rows rows)
{
    for (size_t f = 0; f < c->n_folders; f++) {
        const struct comparison_folder *d = &c->folders[f];
        fprintf(out, "%s  %s  (%s, seed %.0f, %.0f replication%s)\n",
                d->name, d->path, d->scenario, d->seed, d->replications,
                d->replications == 1 ? "" : "s");
        char *diff = f > 0 ? differences_text(c, f) : NULL;
        if (diff)
            fprintf(out, "   %s\n", diff);
        free(diff);
    }
    for (size_t g = 0; g < c->n_groups; g++)
        text_group(out, c, &c->groups[g], rows);
}

/* ---- JSON ---- */

struct json_ctx {
    struct json_out *j;
    const struct comparison *c;
    const struct comparison_group *g;
};

static void json_number(struct json_out *j, const char *key, double v)
{
    json_out_key(j, key);
    if (isfinite(v))
        json_out_number(j, v);
    else
        json_out_null(j);
}

static void json_row(const struct metric_info *m, void *ctx)
{
    struct json_ctx *x = ctx;
    struct json_out *j = x->j;
    const struct comparison_entry *base = &x->c->entries[x->g->entries[0]];
    json_out_begin_object(j);
    json_out_key(j, "field");
    json_out_string(j, m->field);
    json_out_key(j, "label");
    json_out_string(j, m->label);
    json_out_key(j, "unit");
    json_out_string(j, m->unit);
    json_out_key(j, "values");
    json_out_begin_array(j);
    for (size_t i = 0; i < x->g->n; i++) {
        const struct comparison_entry *e = &x->c->entries[x->g->entries[i]];
        double mean, ci;
        if (!comparison_value(e, m->field, &mean, &ci))
            mean = ci = NAN;
        json_out_begin_object(j);
        json_out_key(j, "name");
        json_out_string(j, e->name);
        json_number(j, "mean", mean);
        json_number(j, "ci95", ci);
        if (i > 0) {
            double diff;
            enum comparison_verdict v = comparison_diff(base, e, m->field,
                                                        &diff);
            double bm, bci;
            bool has_base = comparison_value(base, m->field, &bm, &bci);
            json_number(j, "difference", diff);
            json_number(j, "relative", has_base && bm != 0 ? diff / bm : NAN);
            json_out_key(j, "intervals");
            json_out_string(j, comparison_verdict_key(v));
        }
        json_out_end_object(j);
    }
    json_out_end_array(j);
    json_out_end_object(j);
}

/* "differences": how the folder's scenario differs from the first's,
 * field by field (the values as they are in scenario.json; null where a
 * field is absent), and how many in all; null without scenario.json. */
static void json_differences(struct json_out *j, const struct comparison *c,
                             size_t f)
{
    struct scenario_difference d[LISTED_DIFFERENCES];
    long n = differences(c, f, d, LISTED_DIFFERENCES);
    json_out_key(j, "differences");
    if (n < 0) {
        json_out_null(j);
        return;
    }
    json_out_begin_array(j);
    for (long i = 0; i < n && i < LISTED_DIFFERENCES; i++) {
        json_out_begin_object(j);
        json_out_key(j, "path");
        json_out_string(j, d[i].path);
        json_out_key(j, "baseline");
        if (d[i].a)
            json_out_tree(j, d[i].a);
        else
            json_out_null(j);
        json_out_key(j, "value");
        if (d[i].b)
            json_out_tree(j, d[i].b);
        else
            json_out_null(j);
        json_out_end_object(j);
    }
    json_out_end_array(j);
    json_out_key(j, "differences_total");
    json_out_number(j, (double)n);
}

static void json_folders(struct json_out *j, const struct comparison *c)
{
    json_out_key(j, "folders");
    json_out_begin_array(j);
    for (size_t f = 0; f < c->n_folders; f++) {
        const struct comparison_folder *d = &c->folders[f];
        json_out_begin_object(j);
        json_out_key(j, "name");
        json_out_string(j, d->name);
        json_out_key(j, "path");
        json_out_string(j, d->path);
        json_out_key(j, "scenario");
        json_out_string(j, d->scenario);
        json_number(j, "seed", d->seed);
        json_number(j, "replications", d->replications);
        if (f > 0)
            json_differences(j, c, f);
        json_out_end_object(j);
    }
    json_out_end_array(j);
}

static void write_json(FILE *out, const struct comparison *c,
                       enum comparison_rows rows)
{
    struct json_out j;
    json_out_init(&j, out);
    json_out_begin_object(&j);
    json_out_provenance_tool(&j);
    json_folders(&j, c);
    json_out_key(&j, "groups");
    json_out_begin_array(&j);
    for (size_t g = 0; g < c->n_groups; g++) {
        const struct comparison_group *gr = &c->groups[g];
        json_out_begin_object(&j);
        json_out_key(&j, "title");
        json_out_string(&j, gr->title);
        json_out_key(&j, "baseline");
        json_out_string(&j, c->entries[gr->entries[0]].name);
        json_out_key(&j, "metrics");
        json_out_begin_array(&j);
        struct json_ctx x = {&j, c, gr};
        for_each_row(c, gr, rows, json_row, &x);
        json_out_end_array(&j);
        json_out_end_object(&j);
    }
    json_out_end_array(&j);
    json_out_end_object(&j);
}

/* ---- CSV: a row per group, metric and entry ---- */

struct csv_ctx {
    FILE *out;
    const struct comparison *c;
    const struct comparison_group *g;
};

static void csv_row(const struct metric_info *m, void *ctx)
{
    struct csv_ctx *x = ctx;
    const struct comparison_entry *base = &x->c->entries[x->g->entries[0]];
    for (size_t i = 0; i < x->g->n; i++) {
        const struct comparison_entry *e = &x->c->entries[x->g->entries[i]];
        double mean, ci, diff = NAN;
        enum comparison_verdict v = VERDICT_UNDEFINED;
        if (!comparison_value(e, m->field, &mean, &ci))
            mean = ci = NAN;
        if (i > 0)
            v = comparison_diff(base, e, m->field, &diff);
        fprintf(x->out, "%s,%s,%s", x->g->title, m->field, e->name);
        json_csv_cell(x->out, mean);
        json_csv_cell(x->out, ci);
        json_csv_cell(x->out, diff);
        fprintf(x->out, ",%s\n", i > 0 ? comparison_verdict_key(v) : "");
    }
}

static void write_csv(FILE *out, const struct comparison *c,
                      enum comparison_rows rows)
{
    fputs("group,field,name,mean,ci95,difference,intervals\n", out);
    for (size_t g = 0; g < c->n_groups; g++) {
        struct csv_ctx x = {out, c, &c->groups[g]};
        for_each_row(c, &c->groups[g], rows, csv_row, &x);
    }
}

/* ---- Markdown and HTML: one table per group ---- */

/* Which columns a table of a group holds: every entry's value and each
 * one's difference from the first, or, for a group too wide for a page,
 * one table of the values and one of the differences. */
enum doc_part { PART_ALL, PART_VALUES, PART_DIFFERENCES };

/* Entries beyond which a group's table is cut in two: 4 entries make
 * 1 + 4 + 2 x 3 = 11 columns, about what a page holds. */
#define DOC_ONE_TABLE_ENTRIES 3

struct doc_ctx {
    FILE *out;
    const struct comparison *c;
    const struct comparison_group *g;
    bool html;
    enum doc_part part;
};

static void doc_cell(struct doc_ctx *x, const char *text, bool head)
{
    if (x->html) {
        fputs(head ? "<th>" : "<td>", x->out);
        html_text(x->out, text);
        fputs(head ? "</th>" : "</td>", x->out);
    } else {
        fputc(' ', x->out);
        table_markdown_text(x->out, text);
        fputs(" |", x->out);
    }
}

static void doc_row(const struct metric_info *m, void *ctx)
{
    struct doc_ctx *x = ctx;
    const struct comparison_entry *base = &x->c->entries[x->g->entries[0]];
    fputs(x->html ? "<tr>" : "|", x->out);
    doc_cell(x, m->label, true);
    for (size_t i = 0; x->part != PART_DIFFERENCES && i < x->g->n; i++) {
        char v[64];
        value_text(&x->c->entries[x->g->entries[i]], m->field, v, sizeof v);
        doc_cell(x, v, false);
    }
    for (size_t i = 1; x->part != PART_VALUES && i < x->g->n; i++) {
        double diff;
        enum comparison_verdict verdict = comparison_diff(
            base, &x->c->entries[x->g->entries[i]], m->field, &diff);
        char d[32];
        diff_text(diff, d, sizeof d);
        if (x->part == PART_ALL) {
            doc_cell(x, d, false);
            doc_cell(x, comparison_verdict_text(verdict), false);
            continue;
        }
        /* a table of the differences alone: each with its verdict */
        char both[96];
        snprintf(both, sizeof both, "%s (%s)", d,
                 comparison_verdict_text(verdict));
        doc_cell(x, verdict == VERDICT_UNDEFINED ? "-" : both, false);
    }
    fputs(x->html ? "</tr>\n" : "\n", x->out);
}

static void doc_header(struct doc_ctx *x)
{
    const struct comparison_entry *base = &x->c->entries[x->g->entries[0]];
    bool values = x->part != PART_DIFFERENCES;
    bool diffs = x->part != PART_VALUES;
    fputs(x->html ? "<table class=\"comparison\">\n<tr>" : "|", x->out);
    doc_cell(x, "metric", true);
    for (size_t i = 0; values && i < x->g->n; i++)
        doc_cell(x, x->c->entries[x->g->entries[i]].name, true);
    for (size_t i = 1; diffs && i < x->g->n; i++) {
        char head[80];
        snprintf(head, sizeof head, "%s − %s",
                 x->c->entries[x->g->entries[i]].name, base->name);
        doc_cell(x, head, true);
        if (x->part == PART_ALL)
            doc_cell(x, "95 % intervals", true);
    }
    if (x->html) {
        fputs("</tr>\n", x->out);
        return;
    }
    fputs("\n|---|", x->out);
    for (size_t i = 0; values && i < x->g->n; i++)
        fputs("---:|", x->out);
    for (size_t i = 1; diffs && i < x->g->n; i++)
        fputs(x->part == PART_ALL ? "---:|---|" : "---:|", x->out);
    fputc('\n', x->out);
}

/* One table of the group, of the columns x->part says. */
static void doc_table(struct doc_ctx *x, enum comparison_rows rows)
{
    doc_header(x);
    for_each_row(x->c, x->g, rows, doc_row, x);
    fputs(x->html ? "</table>\n" : "\n", x->out);
}

/* The folders compared, one item each, with what separates each from
 * the first (several folders only: a report's one run needs no list). */
static void doc_folders(FILE *out, const struct comparison *c, bool html)
{
    if (c->n_folders < 2)
        return;
    fputs(html ? "<ul>\n" : "", out);
    for (size_t f = 0; f < c->n_folders; f++) {
        const struct comparison_folder *d = &c->folders[f];
        char *diff = f > 0 ? differences_text(c, f) : NULL;
        char *line = str_printf("%s: %s (%s, seed %.0f, %.0f replication%s)%s%s",
                                d->name, d->path, d->scenario, d->seed,
                                d->replications,
                                d->replications == 1 ? "" : "s",
                                diff ? " — " : "", diff ? diff : "");
        fputs(html ? "<li>" : "- ", out);
        if (html)
            html_text(out, line ? line : "");
        else
            table_markdown_text(out, line ? line : "");
        fputs(html ? "</li>\n" : "\n", out);
        free(line);
        free(diff);
    }
    fputs(html ? "</ul>\n" : "\n", out);
}

static void write_doc(FILE *out, const struct comparison *c,
                      enum comparison_rows rows, bool html)
{
    doc_folders(out, c, html);
    for (size_t g = 0; g < c->n_groups; g++) {
        struct doc_ctx x = {out, c, &c->groups[g], html, PART_ALL};
        if (c->n_groups > 1 && html) {
            fputs("<h3>", out);
            html_text(out, c->groups[g].title);
            fputs("</h3>\n", out);
        } else if (c->n_groups > 1) {
            fprintf(out, "%s### ", g ? "\n" : "");
            table_markdown_text(out, c->groups[g].title);
            fputs("\n\n", out);
        }
        if (c->groups[g].n <= DOC_ONE_TABLE_ENTRIES) {
            doc_table(&x, rows);
            continue;
        }
        x.part = PART_VALUES;
        doc_table(&x, rows);
        const char *base = c->entries[c->groups[g].entries[0]].name;
        char *head = str_printf("Differences from %s, and whether the 95 %% "
                                "intervals separate", base);
        fputs(html ? "<p>" : "", out);
        if (html)
            html_text(out, head ? head : "");
        else
            table_markdown_text(out, head ? head : "");
        fputs(html ? ":</p>\n" : ":\n\n", out);
        free(head);
        x.part = PART_DIFFERENCES;
        doc_table(&x, rows);
    }
}

void comparison_write(FILE *out, const struct comparison *c,
                      enum comparison_rows rows, enum out_format f)
{
    switch (f) {
    case FORMAT_TEXT: write_text(out, c, rows); break;
    case FORMAT_JSON: write_json(out, c, rows); break;
    case FORMAT_CSV: write_csv(out, c, rows); break;
    case FORMAT_MARKDOWN: write_doc(out, c, rows, false); break;
    }
}

void comparison_write_html(FILE *out, const struct comparison *c,
                           enum comparison_rows rows)
{
    write_doc(out, c, rows, true);
}
