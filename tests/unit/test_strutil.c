/*
 * test_strutil.c — string helpers (sim/kernel/strutil.c).
 */
#include <stdlib.h>

#include "../support.h"
#include "kernel/strutil.h"

START_TEST(edit_distance)
{
    ck_assert_uint_eq(str_edit_distance("", ""), 0);
    ck_assert_uint_eq(str_edit_distance("kitten", "sitting"), 3);
    ck_assert_uint_eq(str_edit_distance("cores", "corse"), 2);
    ck_assert_uint_eq(str_edit_distance("abc", ""), 3);
}
END_TEST

START_TEST(suggestions_only_for_likely_typos)
{
    static const char *const KNOWN[] = {"duration", "warmup", "window",
                                        "ttl", NULL};
    ck_assert_str_eq(str_suggest("duraton", KNOWN), "duration");
    ck_assert_str_eq(str_suggest("windw", KNOWN), "window");
    ck_assert_str_eq(str_suggest("tl", KNOWN), "ttl");
    ck_assert_ptr_null(str_suggest("banana", KNOWN));
    ck_assert_ptr_null(str_suggest("x", KNOWN));
}
END_TEST

START_TEST(printf_and_copy)
{
    char *s = str_printf("%s-%d", "a", 7);
    ck_assert_str_eq(s, "a-7");
    free(s);
    char buf[4];
    str_copy(buf, sizeof buf, "abcdef");
    ck_assert_str_eq(buf, "abc");
}
END_TEST

START_TEST(number_syntax)
{
    static const struct {
        const char *text;
        size_t len;
    } CASES[] = {
        {"0", 1}, {"42", 2}, {"-3", 2}, {"+4", 2}, {"2.5", 3}, {"5.", 2},
        {".5", 2}, {"1e9", 3}, {"1E-3", 4}, {"7e+2", 4}, {"12ms", 2},
        {"", 0}, {"-", 0}, {".", 0}, {"e5", 0}, {"1e", 0}, {"1e+", 0},
        {"nan", 0}, {"inf", 0}, {" 5", 0}, {"0x10", 1},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
        ck_assert_msg(str_number_length(CASES[i].text) == CASES[i].len,
                      "'%s'", CASES[i].text);
}
END_TEST

TEST_SUITE(strutil_suite)
{
    Suite *s = suite_create("strutil");
    TCase *tc = tcase_create("strings");
    tcase_add_test(tc, edit_distance);
    tcase_add_test(tc, suggestions_only_for_likely_typos);
    tcase_add_test(tc, printf_and_copy);
    tcase_add_test(tc, number_syntax);
    suite_add_tcase(s, tc);
    return s;
}
