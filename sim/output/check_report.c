/*
 * check_report.c — see check_report.h.
 */
#include "output/check_report.h"

#include <stdbool.h>
#include <string.h>

#include "output/json_out.h"

/* A section: its name and the text of its lines. The description's lines
 * are "NAME      TEXT" to start a section, "          TEXT" to go on. */
struct line_view {
    const char *name;   /* NULL: a continuation */
    size_t name_len;
    const char *text;
    size_t text_len;
};

/* The line starting at p into *v; returns where the next one starts, or
 * NULL after the last. */
static const char *next_line(const char *p, struct line_view *v)
{
    const char *nl = strchr(p, '\n');
    const char *end = nl ? nl : p + strlen(p);
    const char *q = p;
    v->name = NULL;
    v->name_len = 0;
    if (*p != ' ') {
        while (q < end && *q != ' ')
            q++;
        v->name = p;
        v->name_len = (size_t)(q - p);
    }
    while (q < end && *q == ' ')
        q++;
    v->text = q;
    v->text_len = (size_t)(end - q);
    return nl && nl[1] ? nl + 1 : NULL;
}

void html_text(FILE *out, const char *text)
{
    for (const char *c = text; *c; c++) {
        switch (*c) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*c, out);
        }
    }
}

/* text[0..n) through an escaping writer. */
static void write_part(FILE *out, const char *text, size_t n,
                       void (*escape)(FILE *, const char *))
{
    char buf[1024];
    while (n > 0) {
        size_t k = n < sizeof buf - 1 ? n : sizeof buf - 1;
        memcpy(buf, text, k);
        buf[k] = '\0';
        escape(out, buf);
        text += k;
        n -= k;
    }
}

static void json_sections(struct json_out *j, const char *text)
{
    json_out_key(j, "sections");
    json_out_begin_array(j);
    bool open = false;
    for (const char *p = text; p && *p;) {
        struct line_view v;
        p = next_line(p, &v);
        char buf[2048];
        if (v.name) {
            if (open) {
                json_out_end_array(j);
                json_out_end_object(j);
            }
            json_out_begin_object(j);
            json_out_key(j, "name");
            snprintf(buf, sizeof buf, "%.*s", (int)v.name_len, v.name);
            json_out_string(j, buf);
            json_out_key(j, "lines");
            json_out_begin_array(j);
            open = true;
        }
        snprintf(buf, sizeof buf, "%.*s", (int)v.text_len, v.text);
        if (open)
            json_out_string(j, buf);
    }
    if (open) {
        json_out_end_array(j);
        json_out_end_object(j);
    }
    json_out_end_array(j);
}

static void write_json(FILE *out, const struct check_report *r)
{
    struct json_out j;
    json_out_init(&j, out);
    json_out_begin_object(&j);
    json_out_provenance(&j, r->scenario->name, r->scenario->seed);
    json_out_key(&j, "file");
    json_out_string(&j, r->scenario->path);
    json_out_key(&j, "valid");
    json_out_bool(&j, true);
    json_sections(&j, r->description);
    json_out_key(&j, "warnings");
    json_out_begin_array(&j);
    for (size_t i = 0; i < r->n_warnings; i++)
        json_out_string(&j, r->warnings[i]);
    json_out_end_array(&j);
    json_out_end_object(&j);
}

static void csv_text(FILE *out, const char *text, size_t n)
{
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '"')
            fputc('"', out);
        fputc(text[i], out);
    }
    fputc('"', out);
}

static void write_csv(FILE *out, const struct check_report *r)
{
    fputs("section,text\n", out);
    struct line_view section = {0};
    for (const char *p = r->description; p && *p;) {
        struct line_view v;
        p = next_line(p, &v);
        if (v.name)
            section = v;
        fprintf(out, "%.*s,", (int)section.name_len,
                section.name ? section.name : "");
        csv_text(out, v.text, v.text_len);
        fputc('\n', out);
    }
    for (size_t i = 0; i < r->n_warnings; i++) {
        fputs("warning,", out);
        csv_text(out, r->warnings[i], strlen(r->warnings[i]));
        fputc('\n', out);
    }
}

/* A line of the policies section, "LABEL   POLICY  KNOBS" in columns
 * for the terminal, as "LABEL (POLICY): KNOBS" — "LABEL: KNOBS" when the
 * label is the policy's name — where spaces do not line anything up. */
static void policy_line(FILE *out, const char *text, size_t n,
                        void (*escape)(FILE *, const char *))
{
    const char *end = text + n, *label = text, *p = text;
    while (p < end && *p != ' ')
        p++;
    size_t label_len = (size_t)(p - label);
    while (p < end && *p == ' ')
        p++;
    const char *name = p;
    while (p < end && *p != ' ')
        p++;
    size_t name_len = (size_t)(p - name);
    while (p < end && *p == ' ')
        p++;
    write_part(out, label, label_len, escape);
    if (name_len != label_len || strncmp(label, name, name_len) != 0) {
        fputs(" (", out);
        write_part(out, name, name_len, escape);
        fputc(')', out);
    }
    if (p < end) {
        fputs(": ", out);
        write_part(out, p, (size_t)(end - p), escape);
    }
}

/* The sections as rows of a two-column table, in Markdown or HTML. */
static void rows(FILE *out, const char *text, bool html)
{
    void (*escape)(FILE *, const char *) = html ? html_text
                                                : table_markdown_text;
    bool first = true, policies = false;
    for (const char *p = text; p && *p;) {
        struct line_view v;
        p = next_line(p, &v);
        if (v.name && !first)
            fputs(html ? "</td></tr>\n" : " |\n", out);
        if (v.name) {
            policies = v.name_len == 8 && strncmp(v.name, "policies", 8) == 0;
            fputs(html ? "<tr><th>" : "| **", out);
            write_part(out, v.name, v.name_len, escape);
            fputs(html ? "</th><td>" : "** | ", out);
        } else {
            fputs("<br>", out);
        }
        if (policies)
            policy_line(out, v.text, v.text_len, escape);
        else
            write_part(out, v.text, v.text_len, escape);
        first = false;
    }
    if (!first)
        fputs(html ? "</td></tr>\n" : " |\n", out);
}

void check_report_markdown(FILE *out, const char *description)
{
    fputs("| | |\n|---|---|\n", out);
    rows(out, description, false);
}

void check_report_html(FILE *out, const char *description)
{
    fputs("<table class=\"scenario\">\n", out);
    rows(out, description, true);
    fputs("</table>\n", out);
}

void check_report_write(FILE *out, const struct check_report *r,
                        enum out_format f)
{
    if (f == FORMAT_JSON) {
        write_json(out, r);
    } else if (f == FORMAT_CSV) {
        write_csv(out, r);
    } else if (f == FORMAT_MARKDOWN) {
        check_report_markdown(out, r->description);
        for (size_t i = 0; i < r->n_warnings; i++) {
            fputs(i ? "- " : "\nWarnings:\n\n- ", out);
            table_markdown_text(out, r->warnings[i]);
            fputc('\n', out);
        }
    }
}
