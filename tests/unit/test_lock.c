/*
 * test_lock.c — the lock policy (models/policies/lock.c): knobs, and the
 * behaviours a scenario can show in a few simulated seconds.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "experiment/experiment.h"
#include "experiment/summary.h"
#include "scenario/scenario.h"
#include "world.h"

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
    /* a waiter that gets the lock when the crashed holder's expires
     * (lock_ttl later), and crashes in turn, ends its wait there: with
     * no value ever written, those are the only waits that end */
    ck_assert(summary_get(&r, "policy_metrics.waits") >= 1);
    ck_assert(summary_get(&r, "policy_metrics.waits") <= crashes);
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
    /* every lock attempt of a waiter fails: its first, and one per poll
     * that finds the value still missing (all but its last) */
    ck_assert_double_eq(test_get(&r, "policy_metrics.contended"), polls);
    double sleeps = test_get(&r, "policy_metrics.wait_total_s") - polls * 2 * c;
    double mean = sleeps / polls, tol = 4 * sigma / sqrt(polls);
    ck_assert_msg(fabs(mean - interval) <= tol,
                  "mean sleep %g s over %g polls, expected %g +/- %g", mean,
                  polls, interval, tol);
}
END_TEST

/* max_wait 0: a reader gives up at its first missing read — it never
 * waits, so it never tries the lock — and queries (on_give_up "query"). */
START_TEST(max_wait_zero_gives_up_at_once)
{
    const char *sets[] = {"policies[0].max_wait=0"};
    struct run_summary r = run(HOT, sets, 1);
    double misses = test_get(&r, "recomputes.miss");
    ck_assert(misses > 50);
    ck_assert_double_eq(test_get(&r, "policy_metrics.give_ups"), misses);
    ck_assert_double_eq(test_get(&r, "policy_metrics.acquisitions"), 0);
    ck_assert_double_eq(test_get(&r, "recomputes.lock"), 0);
}
END_TEST

/* The lock policy, watched: for each request, whether it has read yet and
 * whether it has just acquired the lock, so the reads that can end in a
 * reply are told apart — a first read (a hit if fresh) and a holder's
 * recheck (if fresh, the value another request computed: waited). */
enum { READ_ONCE = 1, JUST_ACQUIRED = 2 };
#define WATCH_IDS (1 << 16)

struct watch {
    void *inner;
    unsigned char seen[WATCH_IDS];
    size_t first_fresh, recheck_fresh;
};

static const struct policy_ops *lock_ops(void) { return policy_find("lock"); }

/* The knobs the world hands the watched policy: the lock's, and the watch
 * (the test's, so that it can read it after the run). */
struct watched {
    const void *knobs;
    struct watch *watch;
};

static void *watch_create(const void *knobs, struct world *w)
{
    const struct watched *wd = knobs;
    wd->watch->inner = lock_ops()->create(wd->knobs, w);
    return wd->watch->inner ? wd->watch : NULL;
}

static void watch_destroy(void *state)
{
    lock_ops()->destroy(((struct watch *)state)->inner);
}

static bool watch_serves_stale(const void *knobs)
{
    return lock_ops()->serves_stale(((const struct watched *)knobs)->knobs);
}

static void watch_on_read(void *state, struct request *r,
                          const struct cache_view *v)
{
    struct watch *s = state;
    uint64_t id = req_id(r);
    ck_assert_uint_lt(id, WATCH_IDS);
    bool fresh = v->state == CACHE_FRESH;
    if (!(s->seen[id] & READ_ONCE))
        s->first_fresh += fresh;
    else if (s->seen[id] & JUST_ACQUIRED)
        s->recheck_fresh += fresh;
    s->seen[id] = READ_ONCE;
    lock_ops()->on_read(s->inner, r, v);
}

static void watch_on_lock(void *state, struct request *r, bool acquired)
{
    struct watch *s = state;
    if (acquired)
        s->seen[req_id(r)] |= JUST_ACQUIRED;
    lock_ops()->on_lock(s->inner, r, acquired);
}

static void watch_on_recomputed(void *state, struct request *r,
                                enum recompute_result result)
{
    lock_ops()->on_recomputed(((struct watch *)state)->inner, r, result);
}

static void watch_on_wake(void *state, struct request *r)
{
    lock_ops()->on_wake(((struct watch *)state)->inner, r);
}

static void watch_on_unlocked(void *state, struct request *r, bool released)
{
    lock_ops()->on_unlocked(((struct watch *)state)->inner, r, released);
}

static void watch_collect(void *state, double *acc)
{
    lock_ops()->collect(((struct watch *)state)->inner, acc);
}

/* The scenario of a_recheck_that_finds_the_value_lets_go_at_once (a
 * random round trip, so that holders' rechecks find the value): every
 * first read that finds the value fresh is a hit, and only those; a
 * holder whose recheck finds it replies `waited`, as a waiter would. */
START_TEST(a_recheck_that_finds_the_value_replies_waited)
{
    const char *sets[] = {"cache.ttl=1s", "policies[0].lock_ttl=3s",
                          "cache.latency={\"dist\": \"exponential\", "
                          "\"mean\": \"500us\"}",
                          "duration=8s"};
    struct scenario *s = test_scenario("l.json", HOT, sets, 4);
    struct policy_ops ops = *lock_ops();
    ops.create = watch_create;
    ops.destroy = watch_destroy;
    ops.serves_stale = watch_serves_stale;
    ops.on_read = watch_on_read;
    ops.on_lock = watch_on_lock;
    ops.on_recomputed = watch_on_recomputed;
    ops.on_wake = watch_on_wake;
    ops.on_unlocked = watch_on_unlocked;
    ops.collect = watch_collect;
    struct watch *watch = calloc(1, sizeof *watch);
    ck_assert_ptr_nonnull(watch);
    struct watched wd = {s->policies[0].knobs, watch};
    struct world_params p = {
        .model = &s->model, .policy = &ops, .knobs = &wd,
        .label = "lock", .seed = s->seed,
    };
    char err[128];
    struct world *w = world_create(&p, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    struct world_result res;
    world_run(w, &res);
    ck_assert_int_eq(res.end, WORLD_COMPLETE);
    struct run_summary r;
    summary_build(res.totals, &ops, &r);
    world_destroy(w);
    ck_assert(watch->recheck_fresh > 0);
    ck_assert_double_eq(test_get(&r, "errors.timeout"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.give_ups"), 0);
    ck_assert_double_eq(test_get(&r, "outcomes.hit"),
                        (double)watch->first_fresh);
    ck_assert(test_get(&r, "outcomes.waited") >= (double)watch->recheck_fresh);
    free(watch);
    scenario_free(s);
}
END_TEST

/* Serving stale: whoever gets the lock refreshes; a reader that does not
 * get it has replied already and does nothing more — it neither polls nor
 * waits. A refresher lets the lock go when it has written: with lock_ttl
 * (3 s) beyond the TTL (1 s), a lock it kept would block the next
 * expiry's refresh. Every ~1.2 s cycle is refreshed once. */
START_TEST(stale_readers_do_not_poll_and_refreshers_let_go)
{
    const char *sets[] = {"policies[0].serve_stale=true",
                          "cache.stale_for=10s", "cache.ttl=1s",
                          "policies[0].lock_ttl=3s"};
    struct run_summary r = run(HOT, sets, 4);
    ck_assert(test_get(&r, "policy_metrics.contended") > 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.polls"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.waits"), 0);
    double refreshes = test_get(&r, "recomputes.lock");
    ck_assert(refreshes >= 9);   /* 12 s of 1.2 s cycles, the first at 1 s */
    ck_assert_double_eq(test_get(&r, "recomputes.overlapping"), 0);
    ck_assert_double_eq(test_get(&r, "policy_metrics.expired_while_held"), 0);
}
END_TEST

/* Without recheck, a reader whose GET came before the holder's write and
 * whose SET NX came after the release recomputes a value already there:
 * each such recompute is counted redundant, and they are the only
 * recomputes beyond one per expiry. (With recheck the same reader lets
 * go: a_recheck_that_finds_the_value_lets_go_at_once.) */
START_TEST(without_recheck_the_race_recomputes_and_is_counted)
{
    const char *sets[] = {"cache.ttl=1s", "policies[0].lock_ttl=3s",
                          "cache.latency={\"dist\": \"exponential\", "
                          "\"mean\": \"500us\"}",
                          "duration=8s", "policies[0].recheck=false"};
    struct run_summary r = run(HOT, sets, 5);
    double redundant = test_get(&r, "recomputes.redundant");
    ck_assert(redundant > 0);
    ck_assert_double_eq(test_get(&r, "recomputes.total"),
                        test_get(&r, "episodes.count") + redundant);
    ck_assert_double_eq(test_get(&r, "recomputes.overlapping"), 0);
}
END_TEST

/* A stale value kept by the cache (stale_for) is missing to a lock that
 * does not serve stale: readers wait for the holder as after any expiry,
 * and each expiry opens a miss episode. */
START_TEST(stale_values_are_missing_unless_served)
{
    const char *sets[] = {"cache.stale_for=10s"};
    struct run_summary r = run(HOT, sets, 1);
    ck_assert_double_eq(test_get(&r, "outcomes.stale"), 0);
    ck_assert(test_get(&r, "outcomes.waited") > 150);
    ck_assert_double_eq(test_get(&r, "episodes.count"), 2);
    ck_assert_double_eq(test_get(&r, "recomputes.lock"), 2);
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
    tcase_add_test(tc, max_wait_zero_gives_up_at_once);
    tcase_add_test(tc, a_recheck_that_finds_the_value_replies_waited);
    tcase_add_test(tc, stale_readers_do_not_poll_and_refreshers_let_go);
    tcase_add_test(tc, without_recheck_the_race_recomputes_and_is_counted);
    tcase_add_test(tc, stale_values_are_missing_unless_served);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
