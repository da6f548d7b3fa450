/*
 * test_config.c — typed configuration fields (sim/kernel/config.c).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../support.h"
#include "kernel/config.h"

struct fixture {
    cJSON *root;
    struct cfg cfg;
    struct cfg_obj o;
};

static void open_json(struct fixture *f, const char *json)
{
    f->root = cJSON_Parse(json);
    ck_assert_ptr_nonnull(f->root);
    cfg_init(&f->cfg);
    ck_assert(cfg_open(&f->cfg, f->root, "top", &f->o));
}

static void close_json(struct fixture *f)
{
    cJSON_Delete(f->root);
    cfg_free(&f->cfg);
}

static const char *only_error(struct fixture *f, const char *path)
{
    ck_assert_uint_eq(f->cfg.n_errors, 1);
    ck_assert_str_eq(f->cfg.errors[0].path, path);
    return f->cfg.errors[0].message;
}

START_TEST(durations_parse_with_units)
{
    static const struct {
        const char *text;
        double seconds;
    } good[] = {
        {"250us", 250e-6}, {"200ms", 0.2}, {"5s", 5},   {"2m", 120},
        {"1h", 3600},      {"10ns", 1e-8}, {"1.5s", 1.5}, {"0s", 0},
        {"1e3ms", 1},      {".5s", 0.5},   {"3\xc2\xb5s", 3e-6},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double v;
        const char *why;
        ck_assert_msg(duration_parse(good[i].text, &v, &why), "%s: %s",
                      good[i].text, why);
        ck_assert_double_eq_tol(v, good[i].seconds,
                                good[i].seconds * 1e-12 + 1e-300);
    }
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"5 s", "no space is allowed between the number and its unit"},
        {"5sec", "unknown unit (use ns, us, ms, s, m or h)"},
        {"-1ms", "a duration cannot be negative"},
        {"1e400s", "the duration is too large to represent"},
        {"5", "missing unit (use ns, us, ms, s, m or h)"},
        {"", "a duration is a number followed by a unit, like \"200ms\""},
        {"ms", "a duration is a number followed by a unit, like \"200ms\""},
        {"inf s", "a duration is a number followed by a unit, like \"200ms\""},
        {"1.2.3s", "unknown unit (use ns, us, ms, s, m or h)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v;
        const char *why = NULL;
        ck_assert_msg(!duration_parse(bad[i].text, &v, &why), "%s accepted",
                      bad[i].text);
        ck_assert_str_eq(why, bad[i].why);
    }
}
END_TEST

START_TEST(getters_store_defaults_and_values)
{
    struct fixture f;
    open_json(&f, "{\"n\": 2.5, \"i\": 7, \"d\": \"20ms\", \"b\": true, "
                  "\"s\": \"x\", \"e\": \"fcfs\", \"t\": \"none\"}");
    double n, d, t, missing;
    long long i;
    bool b;
    const char *s;
    int e;
    static const char *const NAMES[] = {"ps", "fcfs", NULL};
    ck_assert(cfg_number(&f.o, "n", &n, 0, CFG_POSITIVE));
    ck_assert(cfg_integer(&f.o, "i", &i, 0, 1, 10));
    ck_assert(cfg_duration(&f.o, "d", &d, 0, CFG_NONNEG));
    ck_assert(cfg_bool(&f.o, "b", &b, false));
    ck_assert(cfg_string(&f.o, "s", &s, NULL));
    ck_assert(cfg_enum(&f.o, "e", NAMES, &e, 0));
    ck_assert(cfg_duration_or_none(&f.o, "t", &t, 1, CFG_POSITIVE));
    ck_assert(!cfg_number(&f.o, "absent", &missing, 42, CFG_ANY));
    ck_assert_double_eq(n, 2.5);
    ck_assert_int_eq(i, 7);
    ck_assert_double_eq_tol(d, 0.02, 1e-15);
    ck_assert(b);
    ck_assert_str_eq(s, "x");
    ck_assert_int_eq(e, 1);
    ck_assert(isinf(t));
    ck_assert_double_eq(missing, 42);
    ck_assert(cfg_ok(&f.cfg));
    close_json(&f);
}
END_TEST

START_TEST(type_and_range_errors_say_what_was_expected)
{
    static const struct {
        const char *json, *path, *message;
        int getter;   /* 0 number > 0, 1 integer >= 1, 2 duration > 0,
                         3 bool, 4 enum, 5 fraction */
    } cases[] = {
        {"{\"k\": \"high\"}", "top.k", "expected a number > 0, got \"high\"", 0},
        {"{\"k\": 0}", "top.k", "expected a number > 0, got 0", 0},
        {"{\"k\": 1e400}", "top.k",
         "expected a finite number, got one too large to represent", 0},
        {"{\"k\": 2.5}", "top.k", "expected an integer >= 1, got 2.5", 1},
        {"{\"k\": \"3\"}", "top.k", "expected an integer >= 1, got \"3\"", 1},
        {"{\"k\": \"5 s\"}", "top.k",
         "bad duration \"5 s\": no space is allowed between the number and "
         "its unit", 2},
        {"{\"k\": 0}", "top.k", "expected a duration > 0, got 0", 2},
        {"{\"k\": [1]}", "top.k",
         "expected a duration (seconds, or a string like \"200ms\"), got [1]", 2},
        {"{\"k\": 1}", "top.k", "expected true or false, got 1", 3},
        {"{\"k\": \"fcsf\"}", "top.k",
         "expected \"ps\" or \"fcfs\", got \"fcsf\" (did you mean \"fcfs\"?)", 4},
        {"{\"k\": 1.5}", "top.k", "expected a number between 0 and 1, got 1.5", 5},
    };
    static const char *const NAMES[] = {"ps", "fcfs", NULL};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fixture f;
        open_json(&f, cases[i].json);
        double v;
        long long n;
        bool b;
        int e;
        switch (cases[i].getter) {
        case 0: cfg_number(&f.o, "k", &v, 0, CFG_POSITIVE); break;
        case 1: cfg_integer(&f.o, "k", &n, 1, 1, CFG_INT_MAX); break;
        case 2: cfg_duration(&f.o, "k", &v, 0, CFG_POSITIVE); break;
        case 3: cfg_bool(&f.o, "k", &b, false); break;
        case 4: cfg_enum(&f.o, "k", NAMES, &e, 0); break;
        case 5: cfg_number(&f.o, "k", &v, 0, CFG_FRACTION); break;
        }
        ck_assert_str_eq(only_error(&f, cases[i].path), cases[i].message);
        close_json(&f);
    }
}
END_TEST

START_TEST(unknown_and_duplicate_keys)
{
    struct fixture f;
    open_json(&f, "{\"cores\": 4, \"corse\": 2, \"cores\": 8, \"zzz\": 1}");
    static const char *const KNOWN[] = {"cores", "usl", NULL};
    cfg_check_keys(&f.o, KNOWN);
    ck_assert_uint_eq(f.cfg.n_errors, 3);
    ck_assert_str_eq(f.cfg.errors[0].path, "top.corse");
    ck_assert_str_eq(f.cfg.errors[0].message,
                     "unknown field \"corse\" (did you mean \"cores\"?)");
    ck_assert(f.cfg.errors[0].at_key);
    ck_assert_str_eq(f.cfg.errors[1].path, "top.cores");
    ck_assert_str_eq(f.cfg.errors[1].message,
                     "duplicate field \"cores\" (already given above)");
    ck_assert_uint_eq(f.cfg.errors[1].occurrence, 1);
    ck_assert_str_eq(f.cfg.errors[2].message, "unknown field \"zzz\"");
    close_json(&f);
}
END_TEST

START_TEST(command_line_text_is_read_as_the_field_type)
{
    struct fixture f;
    open_json(&f, "{\"n\": \"4\", \"d\": \"30\", \"b\": \"false\", \"x\": \"4\"}");
    /* n, d and b hold command-line text; x is a string from the file */
    cfg_mark_raw(&f.cfg, cJSON_GetObjectItem(f.root, "n"));
    cfg_mark_raw(&f.cfg, cJSON_GetObjectItem(f.root, "d"));
    cfg_mark_raw(&f.cfg, cJSON_GetObjectItem(f.root, "b"));
    long long n;
    double d, x;
    bool b;
    ck_assert(cfg_integer(&f.o, "n", &n, 0, 1, 100));
    ck_assert(cfg_duration(&f.o, "d", &d, 0, CFG_NONNEG));
    ck_assert(cfg_bool(&f.o, "b", &b, true));
    ck_assert_int_eq(n, 4);
    ck_assert_double_eq(d, 30);
    ck_assert(!b);
    ck_assert(!cfg_number(&f.o, "x", &x, 0, CFG_ANY));
    close_json(&f);

    /* what strtod would take but a number typed for a field is not */
    static const char *const NOT_NUMBERS[] = {"nan", "NaN", "inf",
        "-infinity", "0x10", " 5", "5 ", "1e", ".", "", "+", NULL};
    for (const char *const *t = NOT_NUMBERS; *t; t++) {
        cJSON *root = cJSON_CreateObject();
        cJSON *v = cJSON_AddStringToObject(root, "v", *t);
        struct cfg cfg;
        struct cfg_obj o;
        cfg_init(&cfg);
        cfg_open(&cfg, root, "top", &o);
        cfg_mark_raw(&cfg, v);
        ck_assert_msg(!cfg_number(&o, "v", &x, 0, CFG_ANY), "took '%s'", *t);
        ck_assert_uint_eq(cfg.n_errors, 1);
        char expect[64];
        snprintf(expect, sizeof expect, "expected a number, got \"%s\"", *t);
        ck_assert_str_eq(cfg.errors[0].message, expect);
        cfg_free(&cfg);
        cJSON_Delete(root);
    }
}
END_TEST

TEST_SUITE(config_suite)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("fields");
    tcase_add_test(tc, durations_parse_with_units);
    tcase_add_test(tc, getters_store_defaults_and_values);
    tcase_add_test(tc, type_and_range_errors_say_what_was_expected);
    tcase_add_test(tc, unknown_and_duplicate_keys);
    tcase_add_test(tc, command_line_text_is_read_as_the_field_type);
    suite_add_tcase(s, tc);
    return s;
}
