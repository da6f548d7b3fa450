/*
 * json_out.h — a small streaming JSON writer with stable formatting
 * (two-space indentation, numbers printed the same way on every run), for
 * summary.json, scenario.json and the other JSON outputs.
 */
#ifndef STAMPEDE_JSON_OUT_H
#define STAMPEDE_JSON_OUT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

#define JSON_OUT_MAX_DEPTH 32

struct json_out {
    FILE *fp;
    int depth;
    bool first[JSON_OUT_MAX_DEPTH];   /* no member written yet at a level */
    bool after_key;
};

void json_out_init(struct json_out *j, FILE *fp);
void json_out_begin_object(struct json_out *j);
void json_out_end_object(struct json_out *j);
void json_out_begin_array(struct json_out *j);
void json_out_end_array(struct json_out *j);
void json_out_key(struct json_out *j, const char *key);
/* Integers print without a fraction; others with 10 significant digits;
 * NaN and infinities (no JSON form) print as null. */
void json_out_number(struct json_out *j, double v);
void json_out_string(struct json_out *j, const char *s);
void json_out_bool(struct json_out *j, bool v);
void json_out_null(struct json_out *j);
/* A whole cJSON tree, formatted the same way. */
void json_out_tree(struct json_out *j, const cJSON *node);

/* The members every output file opens with: tool, schema_version,
 * scenario and seed, so a file says what made it. */
void json_out_provenance(struct json_out *j, const char *scenario,
                         unsigned long long seed);
/* Only the first two, for outputs of no scenario. */
void json_out_provenance_tool(struct json_out *j);

/* Formats a number as json_out_number does (also used for CSV cells). */
void json_format_number(double v, char *out, size_t n);
/* Writes ",v" to a CSV row, formatted as above; just "," when v is not
 * finite, so an undefined value is an empty cell. */
void json_csv_cell(FILE *fp, double v);
/* The shortest form that reads back to exactly v (for scenario.json). */
void json_format_exact(double v, char *out, size_t n);

#endif
