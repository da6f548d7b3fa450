/*
 * test_scenario_diff.c — where two scenarios as run differ
 * (sim/output/scenario_diff.c): each field whose value differs, named by
 * its --set path, a policy by its label; absent fields on either side;
 * the count beyond what is kept.
 */
#include <stdlib.h>
#include <string.h>

#include "../support.h"
#include "output/scenario_diff.h"

static cJSON *parse(const char *text)
{
    cJSON *j = cJSON_Parse(text);
    ck_assert_msg(j != NULL, "not JSON: %s", text);
    return j;
}

START_TEST(each_differing_field_by_its_path)
{
    cJSON *a = parse("{\"name\": \"x\", \"database\": {\"cores\": 8, "
                     "\"service\": {\"dist\": \"lognormal\", \"mean\": 0.2}},"
                     " \"policies\": [{\"label\": \"none\"}, "
                     "{\"label\": \"lock\", \"lock_ttl\": 2}],"
                     " \"timeline\": []}");
    cJSON *b = parse("{\"name\": \"x\", \"database\": {\"cores\": 16, "
                     "\"service\": {\"dist\": \"lognormal\", \"mean\": 0.2}},"
                     " \"policies\": [{\"label\": \"none\"}, "
                     "{\"label\": \"lock\", \"lock_ttl\": 5}],"
                     " \"timeline\": [{\"at\": 30}], \"slo\": {\"p99\": 0.25}}");
    struct scenario_difference d[8];
    size_t n = scenario_diff(a, b, d, 8);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(d[0].path, "database.cores");
    ck_assert_double_eq(d[0].a->valuedouble, 8);
    ck_assert_double_eq(d[0].b->valuedouble, 16);
    ck_assert_str_eq(d[1].path, "policies[lock].lock_ttl");
    /* an element only one side has, a field only b has */
    ck_assert_str_eq(d[2].path, "timeline[0]");
    ck_assert_ptr_null(d[2].a);
    ck_assert_str_eq(d[3].path, "slo");
    ck_assert_ptr_null(d[3].a);
    char text[64];
    scenario_diff_value(d[3].b, text, sizeof text);
    ck_assert_str_eq(text, "{\"p99\":0.25}");
    scenario_diff_value(d[3].a, text, sizeof text);
    ck_assert_str_eq(text, "absent");
    /* the same scenario: nothing; the other way round: the mirror */
    ck_assert_uint_eq(scenario_diff(a, a, d, 8), 0);
    ck_assert_uint_eq(scenario_diff(b, a, d, 8), 4);
    ck_assert_ptr_null(d[3].b);
    cJSON_Delete(a);
    cJSON_Delete(b);
}
END_TEST

/* Policies in other places or of other labels go by index; a value of
 * another type is one difference; past `max`, they are counted only. */
START_TEST(indices_types_and_the_count)
{
    cJSON *a = parse("{\"policies\": [{\"label\": \"lock\"}, "
                     "{\"label\": \"per\"}], \"seed\": 1, \"w\": [1, 2]}");
    cJSON *b = parse("{\"policies\": [{\"label\": \"per\"}, "
                     "{\"label\": \"lock\"}], \"seed\": \"1\", \"w\": {}}");
    struct scenario_difference d[2];
    size_t n = scenario_diff(a, b, d, 2);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(d[0].path, "policies[0].label");
    ck_assert_str_eq(d[1].path, "policies[1].label");
    struct scenario_difference all[4];
    ck_assert_uint_eq(scenario_diff(a, b, all, 4), 4);
    ck_assert_str_eq(all[2].path, "seed");
    ck_assert_str_eq(all[3].path, "w");
    /* a long value is cut, and says so */
    char text[8];
    scenario_diff_value(all[3].a, text, sizeof text);
    ck_assert_str_eq(text, "[1,2]");
    cJSON *long_one = parse("\"a description of some length\"");
    scenario_diff_value(long_one, text, sizeof text);
    ck_assert_str_eq(text, "\"a d...");
    cJSON_Delete(long_one);
    cJSON_Delete(a);
    cJSON_Delete(b);
}
END_TEST

TEST_SUITE(scenario_diff_suite)
{
    Suite *s = suite_create("scenario_diff");
    TCase *tc = tcase_create("scenario_diff");
    tcase_add_test(tc, each_differing_field_by_its_path);
    tcase_add_test(tc, indices_types_and_the_count);
    suite_add_tcase(s, tc);
    return s;
}
