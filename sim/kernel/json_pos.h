/*
 * json_pos.h — where each field of a JSON text stands, by path.
 *
 * cJSON builds the tree but keeps no positions. This scanner walks the same
 * text once, strictly by RFC 8259, and records for every member and element
 * its path (`policies[1].beta`, the form config.h uses), the position of its
 * key and of its value. Errors found later in the tree can then point at
 * `file:line:col`. On malformed text it reports the first syntax error with
 * a precise reason, which cJSON does not give.
 *
 * Lines and columns are 1-based; columns count characters (UTF-8 code
 * points), not bytes. Nesting deeper than JSON_POS_MAX_DEPTH is an error
 * (cJSON refuses it too), so hostile input cannot exhaust the stack.
 */
#ifndef STAMPEDE_JSON_POS_H
#define STAMPEDE_JSON_POS_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_POS_MAX_DEPTH 512

struct json_pos {
    int line, col;
};

struct json_syntax_error {
    struct json_pos at;
    char message[160];
};

struct json_pos_map;

/* Scans text[0..len). Returns the map, or NULL with *err filled in (a
 * syntax error, or "out of memory"). */
struct json_pos_map *json_pos_scan(const char *text, size_t len,
                                   struct json_syntax_error *err);
void json_pos_free(struct json_pos_map *map);

/* Position of the `occurrence`-th (0-based) place the path appears, at its
 * key or its value. A path that is not in the text falls back to its
 * nearest ancestor that is (a missing field points at its object). Returns
 * false only when nothing matches, not even the root. */
bool json_pos_lookup(const struct json_pos_map *map, const char *path,
                     unsigned occurrence, bool at_key, struct json_pos *out);

/* Whether the path itself (not an ancestor) appears in the text. */
bool json_pos_has(const struct json_pos_map *map, const char *path);

/* Line and column of a byte offset. */
struct json_pos json_pos_of_offset(const char *text, size_t offset);

#endif
