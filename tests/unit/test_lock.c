/*
 * test_lock.c — the lock policy (models/policies/lock.c): knobs, and the
 * behaviours a scenario can show in a few simulated seconds.
 */
#include <math.h>
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "experiment/experiment.h"
#include "scenario/scenario.h"

static struct scenario *load(const char *json, const char *const *sets,
                             size_t n, struct scenario_errors *errors)
{
    return scenario_load_text("l.json", json, strlen(json), sets, n, errors);
}

static struct run_summary run(const char *json, const char *const *sets,
                              size_t n_sets)
{
    return test_run_text("l.json", json, sets, n_sets);
}

START_TEST(knobs_defaults_and_errors)
{
    struct scenario_errors errors = {0};
    struct scenario *s = load("{\"policies\": [{\"policy\": \"lock\"}]}", NULL,
                              0, &errors);
    ck_assert_ptr_nonnull(s);
    cJSON *j = scenario_to_json(s);
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "policies"));
    ck_assert_str_eq(text,
                     "[{\"policy\":\"lock\",\"label\":\"lock\",\"lock_ttl\":2,"
                     "\"retry_interval\":0.05,\"retry_jitter\":0.01,"
                     "\"max_wait\":5,\"on_give_up\":\"query\",\"recheck\":true,"
                     "\"serve_stale\":false,\"holder_failure\":0}]");
    cJSON_free(text);
    cJSON_Delete(j);
    ck_assert_str_eq(s->policies[0].ops->calibration->knob, "lock_ttl");
    scenario_free(s);

    static const struct {
        const char *json, *line;
    } bad[] = {
        {"{\"policies\": [{\"policy\": \"lock\", \"retry_interval\": \"10ms\", "
         "\"retry_jitter\": \"20ms\"}]}",
         "l.json:1:76: policies[0].retry_jitter: retry_jitter (0.02s) must not "
         "exceed retry_interval (0.01s): a sleep cannot be negative"},
        {"{\"policies\": [{\"policy\": \"lock\", \"holder_failure\": 2}]}",
         "l.json:1:52: policies[0].holder_failure: expected a number between "
         "0 and 1, got 2"},
        {"{\"policies\": [{\"policy\": \"lock\", \"on_give_up\": \"wait\"}]}",
         "l.json:1:48: policies[0].on_give_up: expected \"query\" or "
         "\"error\", got \"wait\""},
        {"{\"policies\": [{\"policy\": \"lock\", \"lock_tll\": 1}]}",
         "l.json:1:34: policies[0].lock_tll: unknown field \"lock_tll\" (did "
         "you mean \"lock_ttl\"?)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_ptr_null(load(bad[i].json, NULL, 0, &errors));
        ck_assert_str_eq(errors.lines[0], bad[i].line);
        scenario_errors_free(&errors);
    }
}
END_TEST

/* A hot key with a slow recompute (Δ = 200 ms): the lock holds the
 * database to one query per expiry and its waiters pay about Δ. */
static const char HOT[] =
    "{\"duration\": \"12s\", \"workload\": {\"arrivals\": {\"rate\": 500}},"
    " \"cache\": {\"ttl\": \"5s\", \"warm\": \"synchronized\"},"
    " \"database\": {\"cores\": 100, \"service\": \"200ms\"},"
    " \"client\": {\"timeout\": \"none\"},"
    " \"policies\": [{\"policy\": \"lock\"}]}";

START_TEST(waiters_wait_about_delta_and_poll)
{
    struct run_summary r = run(HOT, NULL, 0);
    ck_assert_double_eq(summary_get(&r, "recomputes.total"), 2);
    ck_assert_double_eq(summary_get(&r, "policy_metrics.acquisitions"), 2);
    /* ~100 readers per expiry wait, each polling every ~50 ms */
    ck_assert(summary_get(&r, "outcomes.waited") > 150);
    ck_assert(summary_get(&r, "policy_metrics.polls") >
              2 * summary_get(&r, "outcomes.waited"));
    double max_wait = summary_get(&r, "policy_metrics.max_wait_s");
    ck_assert(max_wait > 0.2 && max_wait < 0.2 + 0.060 + 0.005);
    ck_assert(summary_get(&r, "latency_ms.max") < 270);
}
END_TEST

START_TEST(give_up_with_error_or_query)
{
    const char *as_error[] = {"policies[0].max_wait=100ms",
                              "policies[0].on_give_up=error"};
    struct run_summary r = run(HOT, as_error, 2);
    double give_ups = summary_get(&r, "policy_metrics.give_ups");
    ck_assert(give_ups > 50);
    ck_assert_double_eq(summary_get(&r, "errors.lock_give_up"), give_ups);

    const char *as_query[] = {"policies[0].max_wait=100ms"};
    r = run(HOT, as_query, 1);
    ck_assert_double_eq(summary_get(&r, "errors.lock_give_up"), 0);
    ck_assert(summary_get(&r, "recomputes.miss") > 50);   /* they queried */
    ck_assert(summary_get(&r, "recomputes.overlapping") > 50);
}
END_TEST

START_TEST(lock_expiring_under_a_slow_query_lets_another_in)
{
    /* lock_ttl 50 ms < Δ: each holder loses its lock mid-query */
    const char *sets[] = {"policies[0].lock_ttl=50ms"};
    struct run_summary r = run(HOT, sets, 1);
    ck_assert(summary_get(&r, "policy_metrics.expired_while_held") > 0);
    ck_assert(summary_get(&r, "recomputes.overlapping") > 0);
    ck_assert(summary_get(&r, "recomputes.lock") > 2);
}
END_TEST

START_TEST(crashed_holders_end_in_error)
{
    const char *sets[] = {"policies[0].holder_failure=1", "duration=8s",
                          "policies[0].max_wait=none"};
    struct run_summary r = run(HOT, sets, 3);
    double crashes = summary_get(&r, "policy_metrics.holder_crashes");
    ck_assert(crashes >= 2);
    ck_assert_double_eq(summary_get(&r, "errors.holder_crash"), crashes);
    ck_assert_double_eq(summary_get(&r, "recomputes.total"), 0);
    /* every holder dies: once the key expires nobody is served again */
    ck_assert(summary_get(&r, "unfinished") > 100);
}
END_TEST

START_TEST(serve_stale_answers_at_once_and_refreshes_once)
{
    const char *sets[] = {"policies[0].serve_stale=true",
                          "cache.stale_for=10s"};
    struct run_summary r = run(HOT, sets, 2);
    ck_assert(summary_get(&r, "outcomes.stale") > 150);
    ck_assert_double_eq(summary_get(&r, "outcomes.waited"), 0);
    ck_assert_double_eq(summary_get(&r, "recomputes.total"), 2);
    ck_assert_double_eq(summary_get(&r, "episodes.count"), 0);
    ck_assert(summary_get(&r, "latency_ms.max") < 5);
}
END_TEST

/* A holder whose recheck finds the value fresh (another holder wrote it
 * between its missing read and its lock) lets the lock go at once. With a
 * random cache round trip that happens: a waiter's SET NX can complete
 * after the holder's write and unlock although its GET completed before
 * the write. lock_ttl (3 s) outlives the TTL (1 s): a lock kept by such a
 * holder would make the next expiry's readers wait until it expires. */
START_TEST(a_recheck_that_finds_the_value_lets_go_at_once)
{
    const char *sets[] = {"cache.ttl=1s", "policies[0].lock_ttl=3s",
                          "cache.latency={\"dist\": \"exponential\", "
                          "\"mean\": \"500us\"}",
                          "duration=8s"};
    struct run_summary r = run(HOT, sets, 4);
    double lock = test_get(&r, "recomputes.lock");
    ck_assert(lock >= 5);   /* one per expiry, every ~1.2 s */
    /* acquisitions that did not recompute: rechecks that found the value */
    ck_assert(test_get(&r, "policy_metrics.acquisitions") > lock);
    ck_assert(test_get(&r, "policy_metrics.max_wait_s") < 0.3);
    ck_assert(test_get(&r, "unfinished") < 150);
}
END_TEST

/* The sleep between polls is retry_interval + U(-1, 1) * retry_jitter: on
 * average retry_interval. Here the cache round trip is a constant c (500
 * us), nobody gives up and no waiter ever gets the lock (its SET NX always
 * completes before the holder's unlock), so each poll ends one sleep and
 * two round trips (SET NX, then GET) of a wait:
 *     wait_total = polls * 2c + the sum of the sleeps,
 * exactly. The sleeps are independent draws and whether a waiter polls
 * again depends only on the draws before (Wald), so the mean sleep is
 * estimated with standard error sigma / sqrt(polls), sigma = jitter /
 * sqrt(3) = 28.9 ms for jitter 50 ms. Over ~2000 polls that is ~0.65 ms:
 * the tolerance is 4 standard errors, computed from the polls counted. A
 * one-sided jitter would move the mean by 25 ms or more. */
START_TEST(the_mean_poll_interval_is_retry_interval)
{
    const char *sets[] = {"database.service=500ms",
                          "policies[0].retry_jitter=50ms",
                          "policies[0].max_wait=none"};
    struct run_summary r = run(HOT, sets, 3);
    const double c = 500e-6, interval = 0.050, sigma = 0.050 / sqrt(3);
    ck_assert_double_eq(test_get(&r, "episodes.open_at_end"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.give_ups"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.acquisitions"),
                        test_get(&r, "recomputes.lock"));
    double polls = test_get(&r, "policy_metrics.polls");
    ck_assert(polls > 1000);
    double sleeps = test_get(&r, "policy_metrics.wait_total_s") - polls * 2 * c;
    double mean = sleeps / polls, tol = 4 * sigma / sqrt(polls);
    ck_assert_msg(fabs(mean - interval) <= tol,
                  "mean sleep %g s over %g polls, expected %g +/- %g", mean,
                  polls, interval, tol);
}
END_TEST

TEST_SUITE(lock_suite)
{
    Suite *s = suite_create("lock");
    TCase *tc = tcase_create("lock policy");
    tcase_add_test(tc, knobs_defaults_and_errors);
    tcase_add_test(tc, waiters_wait_about_delta_and_poll);
    tcase_add_test(tc, give_up_with_error_or_query);
    tcase_add_test(tc, lock_expiring_under_a_slow_query_lets_another_in);
    tcase_add_test(tc, crashed_holders_end_in_error);
    tcase_add_test(tc, serve_stale_answers_at_once_and_refreshes_once);
    tcase_add_test(tc, a_recheck_that_finds_the_value_lets_go_at_once);
    tcase_add_test(tc, the_mean_poll_interval_is_retry_interval);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
