/*
 * test_json_pos.c — the position scanner (sim/kernel/json_pos.c).
 */
#include <stdlib.h>
#include <string.h>

#include "../support.h"
#include "kernel/json_pos.h"

static const char DOC[] =
    "{\n"
    "  \"name\": \"x\",\n"
    "  \"database\": {\"cores\": 4,\n"
    "               \"usl\": {\"sigma\": 0.1}},\n"
    "  \"policies\": [\n"
    "    {\"policy\": \"none\"},\n"
    "    {\"policy\": \"per\", \"beta\": \"high\"}\n"
    "  ],\n"
    "  \"caf\\u00e9\": 1, \"d\": 1, \"d\": 2\n"
    "}\n";

static struct json_pos find(const struct json_pos_map *m, const char *path,
                            unsigned occ, bool at_key)
{
    struct json_pos p = {0, 0};
    ck_assert_msg(json_pos_lookup(m, path, occ, at_key, &p), "%s", path);
    return p;
}

START_TEST(paths_map_to_lines_and_columns)
{
    struct json_syntax_error err;
    struct json_pos_map *m = json_pos_scan(DOC, strlen(DOC), &err);
    ck_assert_ptr_nonnull(m);
    struct json_pos p = find(m, "name", 0, false);
    ck_assert_int_eq(p.line, 2);
    ck_assert_int_eq(p.col, 11);
    p = find(m, "name", 0, true);
    ck_assert_int_eq(p.col, 3);
    p = find(m, "database.cores", 0, false);
    ck_assert_int_eq(p.line, 3);
    ck_assert_int_eq(p.col, 25);
    p = find(m, "database.usl.sigma", 0, false);
    ck_assert_int_eq(p.line, 4);
    ck_assert_int_eq(p.col, 33);
    p = find(m, "policies[1].beta", 0, false);
    ck_assert_int_eq(p.line, 7);
    ck_assert_int_eq(p.col, 31);
    p = find(m, "policies[1]", 0, false);
    ck_assert_int_eq(p.line, 7);
    ck_assert_int_eq(p.col, 5);
    /* a key with an escape is recorded decoded, as cJSON decodes it */
    p = find(m, "caf\xc3\xa9", 0, true);
    ck_assert_int_eq(p.line, 9);
    /* the second occurrence of a duplicate key */
    p = find(m, "d", 1, true);
    ck_assert_int_eq(p.line, 9);
    ck_assert_int_eq(p.col, 27);
    /* a path absent from the text falls back to its nearest ancestor */
    p = find(m, "database.usl.kappa", 0, false);
    ck_assert_int_eq(p.line, 4);
    ck_assert_int_eq(p.col, 23);
    p = find(m, "nothing.here", 0, false);
    ck_assert_int_eq(p.line, 1);
    ck_assert_int_eq(p.col, 1);
    json_pos_free(m);
}
END_TEST

START_TEST(columns_count_characters_not_bytes)
{
    const char *doc = "{\"d\": \"\xc3\xa9\xc3\xa9\", \"k\": 1}";
    struct json_syntax_error err;
    struct json_pos_map *m = json_pos_scan(doc, strlen(doc), &err);
    ck_assert_ptr_nonnull(m);
    struct json_pos p = find(m, "k", 0, true);
    ck_assert_int_eq(p.col, 13);
    json_pos_free(m);
}
END_TEST

START_TEST(syntax_errors_are_precise)
{
    static const struct {
        const char *text;
        int line, col;
        const char *message;
    } cases[] = {
        {"", 1, 1, "the file is empty (expected a JSON object)"},
        {"  \n ", 2, 2, "the file is empty (expected a JSON object)"},
        {"{\"a\": 1,}", 1, 9, "expected a key (no comma before '}'), got '}'"},
        {"{\"a\": 1", 1, 8, "expected ',' or '}', got end of file"},
        {"{\"a\" 1}", 1, 6, "expected ':' after the key, got '1'"},
        {"{\"a\": tru}", 1, 7,
         "expected a value (an object, array, string, number, true, false or "
         "null), got 't'"},
        {"{\"a\": 01}", 1, 8, "a number cannot have a leading zero"},
        {"{\"a\": \"x\n\"}", 1, 9,
         "unterminated string (line ends before the closing '\"')"},
        {"{\"a\": 1} x", 1, 10, "unexpected 'x' after the end of the JSON value"},
        {"{\"a\": [1, 2,]}", 1, 13, "expected a value, got ']' (no comma before ']')"},
        {"\x01\x02", 1, 1,
         "expected a value (an object, array, string, number, true, false or "
         "null), got byte 0x01"},
        {"{\"a\": \"\xff\"}", 1, 8, "invalid UTF-8 in a string"},
        {"{\"a\": \"\\q\"}", 1, 9,
         "expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u), got 'q'"},
        {"{'a': 1}", 1, 2, "expected a key in double quotes, got '''"},
        {"{\"a\": 1.}", 1, 9, "expected a digit after the decimal point, got '}'"},
        {"{\"a\": -}", 1, 8, "expected a digit, got '}'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct json_syntax_error err = {{0, 0}, ""};
        struct json_pos_map *m =
            json_pos_scan(cases[i].text, strlen(cases[i].text), &err);
        ck_assert_msg(m == NULL, "accepted: %s", cases[i].text);
        ck_assert_str_eq(err.message, cases[i].message);
        ck_assert_msg(err.at.line == cases[i].line && err.at.col == cases[i].col,
                      "%s: at %d:%d", cases[i].text, err.at.line, err.at.col);
    }
}
END_TEST

START_TEST(deep_nesting_is_refused_not_recursed)
{
    size_t depth = 10000;
    char *text = malloc(2 * depth + 1);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    text[2 * depth] = '\0';
    struct json_syntax_error err;
    ck_assert_ptr_null(json_pos_scan(text, 2 * depth, &err));
    ck_assert_str_eq(err.message, "nested deeper than 512 levels");
    free(text);
}
END_TEST

START_TEST(valid_documents_are_accepted)
{
    const char *docs[] = {
        "{}", "[]", "{\"a\": [1, -2.5e-3, true, false, null, \"\\u00e9\\n\"]}",
        "\xef\xbb\xbf{\"bom\": 1}", "{\"a\": {\"b\": {\"c\": [[], {}]}}}",
        "{\"s\": \"\\ud83d\\ude00\"}", "  {\"a\":0}  \n",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        struct json_syntax_error err;
        struct json_pos_map *m = json_pos_scan(docs[i], strlen(docs[i]), &err);
        ck_assert_msg(m != NULL, "%s: %s", docs[i], err.message);
        json_pos_free(m);
    }
}
END_TEST

TEST_SUITE(json_pos_suite)
{
    Suite *s = suite_create("json_pos");
    TCase *tc = tcase_create("scanner");
    tcase_add_test(tc, paths_map_to_lines_and_columns);
    tcase_add_test(tc, columns_count_characters_not_bytes);
    tcase_add_test(tc, syntax_errors_are_precise);
    tcase_add_test(tc, deep_nesting_is_refused_not_recursed);
    tcase_add_test(tc, valid_documents_are_accepted);
    suite_add_tcase(s, tc);
    return s;
}
