/*
 * json_out.c — see json_out.h.
 */
#include "output/json_out.h"

#include <math.h>
#include <stdlib.h>

#include "output/version.h"

void json_out_init(struct json_out *j, FILE *fp)
{
    j->fp = fp;
    j->depth = 0;
    j->first[0] = true;
    j->after_key = false;
}

static void indent(struct json_out *j)
{
    fputc('\n', j->fp);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->fp);
}

/* Separators before a value or a key at the current level. */
static void before_item(struct json_out *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth > 0) {
        if (!j->first[j->depth])
            fputc(',', j->fp);
        indent(j);
    }
    j->first[j->depth] = false;
}

static void open_level(struct json_out *j, char c)
{
    before_item(j);
    fputc(c, j->fp);
    if (j->depth + 1 < JSON_OUT_MAX_DEPTH)
        j->depth++;
    j->first[j->depth] = true;
}

static void close_level(struct json_out *j, char c)
{
    bool empty = j->first[j->depth];
    if (j->depth > 0)
        j->depth--;
    if (!empty)
        indent(j);
    fputc(c, j->fp);
    if (j->depth == 0)
        fputc('\n', j->fp);
}

void json_out_begin_object(struct json_out *j) { open_level(j, '{'); }
void json_out_end_object(struct json_out *j) { close_level(j, '}'); }
void json_out_begin_array(struct json_out *j) { open_level(j, '['); }
void json_out_end_array(struct json_out *j) { close_level(j, ']'); }

static void write_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\r': fputs("\\r", fp); break;
        case '\t': fputs("\\t", fp); break;
        default:
            if (*p < 0x20)
                fprintf(fp, "\\u%04x", *p);
            else
                fputc(*p, fp);
        }
    }
    fputc('"', fp);
}

void json_out_key(struct json_out *j, const char *key)
{
    before_item(j);
    write_string(j->fp, key);
    fputs(": ", j->fp);
    j->after_key = true;
}

void json_format_number(double v, char *out, size_t n)
{
    if (!isfinite(v))
        snprintf(out, n, "null");
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(out, n, "%.0f", v == 0 ? 0.0 : v);   /* no "-0" */
    else
        snprintf(out, n, "%.10g", v);
}

void json_format_exact(double v, char *out, size_t n)
{
    if (!isfinite(v)) {
        snprintf(out, n, "null");
        return;
    }
    /* the shortest of 15, 16, 17 digits that reads back to v */
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(out, n, "%.*g", digits, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

void json_out_number(struct json_out *j, double v)
{
    char buf[64];
    json_format_number(v, buf, sizeof buf);
    before_item(j);
    fputs(buf, j->fp);
}

void json_out_string(struct json_out *j, const char *s)
{
    before_item(j);
    write_string(j->fp, s);
}

void json_out_bool(struct json_out *j, bool v)
{
    before_item(j);
    fputs(v ? "true" : "false", j->fp);
}

void json_out_null(struct json_out *j)
{
    before_item(j);
    fputs("null", j->fp);
}

void json_out_tree(struct json_out *j, const cJSON *node)
{
    if (cJSON_IsObject(node)) {
        json_out_begin_object(j);
        for (const cJSON *c = node->child; c; c = c->next) {
            json_out_key(j, c->string);
            json_out_tree(j, c);
        }
        json_out_end_object(j);
    } else if (cJSON_IsArray(node)) {
        json_out_begin_array(j);
        for (const cJSON *c = node->child; c; c = c->next)
            json_out_tree(j, c);
        json_out_end_array(j);
    } else if (cJSON_IsString(node)) {
        json_out_string(j, node->valuestring);
    } else if (cJSON_IsNumber(node)) {
        /* full precision: scenario.json must load back to the same values */
        char buf[64];
        before_item(j);
        json_format_exact(node->valuedouble, buf, sizeof buf);
        fputs(buf, j->fp);
    } else if (cJSON_IsBool(node)) {
        json_out_bool(j, cJSON_IsTrue(node));
    } else {
        json_out_null(j);
    }
}

void json_out_provenance_tool(struct json_out *j)
{
    json_out_key(j, "tool");
    json_out_string(j, "stampede " STAMPEDE_VERSION);
    json_out_key(j, "schema_version");
    json_out_number(j, STAMPEDE_SCHEMA_VERSION);
}

void json_out_provenance(struct json_out *j, const char *scenario,
                         unsigned long long seed)
{
    json_out_provenance_tool(j);
    json_out_key(j, "scenario");
    json_out_string(j, scenario);
    json_out_key(j, "seed");
    json_out_number(j, (double)seed);
}

void json_csv_cell(FILE *fp, double v)
{
    char buf[64];
    fputc(',', fp);
    if (isfinite(v)) {
        json_format_number(v, buf, sizeof buf);
        fputs(buf, fp);
    }
}
