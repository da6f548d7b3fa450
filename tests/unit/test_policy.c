/*
 * test_policy.c — the policy interface (models/policy.c) and what the
 * client does for it: the check of an ops table, the defaults of the
 * callbacks a policy leaves out, the per-request state a policy sizes, and
 * metrics reported from several tables. The policies here are toys,
 * defined in this file and run through the world as a registered one is.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../runs.h"
#include "../support.h"
#include "locking.h"
#include "world.h"

/* Runs `ops` with `knobs` over the scenario of `json` to its end. */
static struct run_summary run_toy(const char *json,
                                  const struct policy_ops *ops,
                                  const void *knobs)
{
    struct scenario *s = test_scenario("toy.json", json, NULL, 0);
    struct run_summary sum = test_run_ops(s, ops, knobs);
    scenario_free(s);
    return sum;
}

/* What world_create says of `ops` ("" if it builds the world). */
static void creation_error(const struct policy_ops *ops, char *err, size_t n)
{
    struct scenario *s = test_scenario("toy.json", "{}", NULL, 0);
    struct world_params p = {
        .model = &s->model, .policy = ops, .label = "toy", .seed = 1,
    };
    err[0] = '\0';
    struct world *w = world_create(&p, err, n);
    if (w) {
        err[0] = '\0';
        world_destroy(w);
    }
    scenario_free(s);
}

/* ---- the smallest policy: the two required decisions ---- */

static void toy_on_read(void *state, struct request *r,
                        const struct cache_view *v)
{
    (void)state;
    if (v->state == CACHE_FRESH)
        req_reply(r, OUTCOME_HIT);
    else
        req_recompute(r, CAUSE_MISS);
}

static void toy_on_recomputed(void *state, struct request *r,
                              enum recompute_result result)
{
    (void)state;
    if (result == RECOMPUTE_OK)
        req_reply(r, OUTCOME_COMPUTED);
    else
        req_fail(r, recompute_error(result), true);
}

static const struct policy_ops TOY = {
    .name = "toy",
    .on_read = toy_on_read,
    .on_recomputed = toy_on_recomputed,
};

/* A hot key expiring every 1 s under 500 req/s, with a retry for the
 * queries that time out: the toy, with no optional callback, no state and
 * no knobs, runs it to the end; every request that arrived after the
 * first second and ended is a hit or computed, and each computed one ran
 * a query. */
START_TEST(a_policy_without_optional_callbacks_runs_a_scenario)
{
    struct run_summary r = run_toy(
        "{\"duration\": \"10s\", \"warmup\": \"1s\","
        " \"workload\": {\"arrivals\": {\"rate\": 500}},"
        " \"cache\": {\"ttl\": \"1s\", \"stale_for\": \"1s\"},"
        " \"database\": {\"cores\": 4, \"service\": \"20ms\"},"
        " \"client\": {\"retries\": 1}}",
        &TOY, NULL);
    double n = test_get(&r, "requests");
    ck_assert(n > 4000);
    ck_assert(test_get(&r, "outcomes.computed") > 50);
    ck_assert_double_eq(test_get(&r, "outcomes.hit") +
                            test_get(&r, "outcomes.computed") +
                            test_get(&r, "outcomes.error"),
                        n);
    ck_assert_double_eq(test_get(&r, "outcomes.stale"), 0);   /* never */
    ck_assert(test_get(&r, "recomputes.miss") >=
              test_get(&r, "outcomes.computed"));
}
END_TEST

/* ---- the check ---- */

static void nothing_collected(void *state, double *acc)
{
    (void)state;
    (void)acc;
}

static void parse_nothing(const struct cfg_obj *o, void *knobs)
{
    (void)o;
    (void)knobs;
}

static const struct policy_metric COUNT_AND_RATIO[] = {
    {"things", FOLD_SUM, 0, 0, "things", "things", "what it counts", NULL},
    {"peak", FOLD_MAX, 0, 0, "things", "peak", "the most at once", NULL},
    {"per_peak", FOLD_RATIO, 0, 1, "ratio", "things per peak", "a ratio "
     "of a sum and a max: not a ratio of pooled counts", NULL},
};
static const struct policy_metric_table COUNTS = {COUNT_AND_RATIO, 2};
static const struct policy_metric_table BAD_RATIO = {COUNT_AND_RATIO, 3};

/* Every registered policy passes the check; a table that lacks what a
 * policy must have is refused before any run, by world_create, with the
 * policy and the lack named. */
START_TEST(the_check_names_what_a_table_lacks)
{
    char err[256];
    for (const struct policy_ops *const *p = policy_all(); *p; p++)
        ck_assert_msg(policy_check(*p, err, sizeof err), "%s", err);

    static const char *const KNOBS[] = {"size", NULL};
    static const struct {
        struct policy_ops ops;
        const char *message;
    } bad[] = {
        {{.name = "toy", .on_recomputed = toy_on_recomputed},
         "policy \"toy\" has no on_read (required)"},
        {{.name = "toy", .on_read = toy_on_read},
         "policy \"toy\" has no on_recomputed (required)"},
        {{.on_read = toy_on_read, .on_recomputed = toy_on_recomputed},
         "a policy without a name"},
        {{.name = "toy", .knobs = KNOBS, .on_read = toy_on_read,
          .on_recomputed = toy_on_recomputed},
         "policy \"toy\" has no parse (required; it has knobs)"},
        {{.name = "toy", .knobs = KNOBS, .parse = parse_nothing,
          .on_read = toy_on_read, .on_recomputed = toy_on_recomputed},
         "policy \"toy\" has no write (required; it has knobs)"},
        {{.name = "toy", .on_read = toy_on_read,
          .on_recomputed = toy_on_recomputed, .metrics = {&COUNTS}},
         "policy \"toy\" has metrics but no collect (they would stay 0)"},
        {{.name = "toy", .on_read = toy_on_read,
          .on_recomputed = toy_on_recomputed, .metrics = {&BAD_RATIO},
          .collect = nothing_collected},
         "policy \"toy\": metric per_peak is a ratio of entries 0 and 1 of "
         "its table, which are not both sums"},
        {{.name = "toy", .on_read = toy_on_read,
          .on_recomputed = toy_on_recomputed,
          .metrics = {&LOCKING_METRICS, &COUNTS, &LOCKING_METRICS},
          .collect = nothing_collected},
         "policy \"toy\" has two metrics named acquisitions (its tables "
         "must not share a name)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert(!policy_check(&bad[i].ops, err, sizeof err));
        ck_assert_str_eq(err, bad[i].message);
        creation_error(&bad[i].ops, err, sizeof err);
        ck_assert_str_eq(err, bad[i].message);
    }
    creation_error(&TOY, err, sizeof err);
    ck_assert_str_eq(err, "");
}
END_TEST

/* The recipe of docs/adding-a-policy.md, checked for every registered
 * policy: a test file of its own and a row in the README's table of
 * policies. (Run from the top of the tree, as make does.) */
START_TEST(every_registered_policy_has_a_test_file_and_a_readme_row)
{
    FILE *fp = fopen("README.md", "r");
    ck_assert_ptr_nonnull(fp);
    static char readme[1 << 20];
    size_t n = fread(readme, 1, sizeof readme - 1, fp);
    readme[n] = '\0';
    fclose(fp);
    const char *table = strstr(readme, "## Policies\n\n| policy |");
    ck_assert_ptr_nonnull(table);
    table += strlen("## Policies\n");
    const char *end = strstr(table + 1, "\n\n");
    ck_assert_ptr_nonnull(end);
    for (const struct policy_ops *const *p = policy_all(); *p; p++) {
        char row[64], test[128];
        snprintf(row, sizeof row, "\n| `%s` |", (*p)->name);
        const char *at = strstr(table, row);
        ck_assert_msg(at && at < end, "README.md: no row for %s under "
                      "Policies", (*p)->name);
        snprintf(test, sizeof test, "tests/unit/test_%s.c", (*p)->name);
        ck_assert_msg(access(test, R_OK) == 0, "no %s", test);
    }
}
END_TEST

/* ---- the defaults ---- */

/* The knob callbacks the loader calls, for a policy with none of them. */
START_TEST(a_policy_without_knobs_has_nothing_to_read_or_write)
{
    ck_assert_ptr_null(policy_knob_names(&TOY)[0]);
    policy_knob_parse(&TOY, NULL, NULL);
    cJSON *o = cJSON_CreateObject();
    policy_knob_write(&TOY, NULL, o);
    ck_assert_ptr_null(o->child);
    cJSON_Delete(o);
    char line[64];
    policy_knob_describe(&TOY, NULL, line, sizeof line);
    ck_assert_str_eq(line, "no knobs");

    struct policy_ops full;
    policy_complete(&TOY, &full);
    ck_assert(!full.serves_stale(NULL));
    int knobs;
    ck_assert_ptr_eq(full.create(&knobs, NULL), &knobs);
}
END_TEST

/* A toy that sleeps 10 ms after its first read and has no on_wake: the
 * default reads again, and the second read decides. So every reply
 * follows a second read, 10 ms and two round trips (1 ms each) after the
 * arrival at least, and only requests still asleep at the end have read
 * once. */
struct sleeper {
    size_t first_reads, second_reads;
    double shortest;   /* from an arrival to its second read, seconds */
};

static void sleeper_on_read(void *state, struct request *r,
                            const struct cache_view *v)
{
    struct sleeper *s = state;
    bool *slept = REQ_STATE(r, bool);
    if (!*slept) {
        s->first_reads++;
        *slept = true;
        req_sleep(r, 0.010);
        return;
    }
    s->second_reads++;
    s->shortest = fmin(s->shortest, req_now(r) - req_arrival(r));
    toy_on_read(state, r, v);
}

static const struct policy_ops SLEEPER = {
    .name = "sleeper",
    .request_bytes = sizeof(bool),
    .on_read = sleeper_on_read,
    .on_recomputed = toy_on_recomputed,
};

START_TEST(without_on_wake_a_sleep_ends_in_a_read)
{
    struct sleeper s = {0, 0, INFINITY};
    struct run_summary r = run_toy(
        "{\"duration\": \"2s\", \"workload\": {\"arrivals\": {\"rate\": 200}},"
        " \"cache\": {\"ttl\": \"1h\", \"warm\": \"synchronized\","
        "             \"latency\": \"1ms\"}}",
        &SLEEPER, &s);
    double n = test_get(&r, "requests");
    ck_assert(n > 300);
    ck_assert_double_eq(test_get(&r, "outcomes.hit"), n);
    ck_assert_double_eq((double)s.second_reads, n);
    ck_assert_double_eq((double)(s.first_reads - s.second_reads),
                        test_get(&r, "unfinished"));
    ck_assert_double_eq_tol(s.shortest, 0.012, 1e-9);
}
END_TEST

/* A toy that replies to its read and then tries a lock (TTL 10 s), with
 * no on_lock: a lock it gets is released at once (compare-and-delete:
 * on_unlocked says released), and one it does not get is left alone. Two
 * workers ask at the same instant, every 100 ms: the first of each pair
 * gets the lock — the second's try completes in the same instant, before
 * the release — and the release frees it for the next pair. */
struct locker {
    size_t released, refused, tries;
};

static void locker_on_read(void *state, struct request *r,
                           const struct cache_view *v)
{
    struct locker *s = state;
    (void)v;
    req_reply(r, OUTCOME_HIT);
    s->tries++;
    req_try_lock(r, 10.0);
}

static void locker_on_unlocked(void *state, struct request *r, bool released)
{
    struct locker *s = state;
    (void)r;
    if (released)
        s->released++;
    else
        s->refused++;
}

static const struct policy_ops LOCKER = {
    .name = "locker",
    .takes_locks = true,
    .on_read = locker_on_read,
    .on_recomputed = toy_on_recomputed,
    .on_unlocked = locker_on_unlocked,
};

START_TEST(without_on_lock_a_lock_got_is_released)
{
    struct locker s = {0};
    run_toy("{\"duration\": \"2.05s\","
            " \"workload\": {\"arrivals\": {\"process\": \"closed\","
            "   \"workers\": 2, \"think\": \"100ms\"}},"
            " \"cache\": {\"latency\": \"1ms\"}}",
            &LOCKER, &s);
    ck_assert_uint_ge(s.tries, 38);
    ck_assert_uint_eq(s.tries % 2, 0);
    ck_assert_uint_eq(s.released, s.tries / 2);
    ck_assert_uint_eq(s.refused, 0);
}
END_TEST

/* ---- per-request state ---- */

/* 200 bytes a request (more than any registered policy keeps), filled
 * with the request's id at its first read and checked at every later
 * step: a slot not zeroed at arrival (requests are reused) or shared with
 * another request shows. Requests sleep 0 to 50 ms, so many are under way
 * at once, in several blocks. */
struct wide {
    uint64_t id;
    unsigned char fill[192];
};

struct wide_log {
    size_t checked, dirty, overwritten;
};

static bool filled_with(const struct wide *w, uint64_t id)
{
    if (w->id != id)
        return false;
    for (size_t i = 0; i < sizeof w->fill; i++)
        if (w->fill[i] != (unsigned char)(id + i))
            return false;
    return true;
}

static void wide_on_read(void *state, struct request *r,
                         const struct cache_view *v)
{
    struct wide_log *log = state;
    struct wide *w = REQ_STATE(r, struct wide);
    (void)v;
    static const struct wide zero;
    if (memcmp(w, &zero, sizeof zero) != 0)
        log->dirty++;
    w->id = req_id(r);
    for (size_t i = 0; i < sizeof w->fill; i++)
        w->fill[i] = (unsigned char)(w->id + i);
    /* a sleep drawn from the request's own coin: 0 to 50 ms */
    req_sleep(r, 0.050 * req_coin(r, NULL));
}

static void wide_on_wake(void *state, struct request *r)
{
    struct wide_log *log = state;
    log->checked++;
    if (!filled_with(REQ_STATE(r, struct wide), req_id(r)))
        log->overwritten++;
    req_reply(r, OUTCOME_HIT);
}

static const struct policy_ops WIDE = {
    .name = "wide",
    .request_bytes = sizeof(struct wide),
    .on_read = wide_on_read,
    .on_recomputed = toy_on_recomputed,
    .on_wake = wide_on_wake,
};

START_TEST(per_request_state_is_zeroed_sized_and_private)
{
    struct wide_log log = {0};
    struct run_summary r = run_toy(
        "{\"duration\": \"3s\", \"workload\": {\"arrivals\": {\"rate\": "
        "100000}}}", &WIDE, &log);
    ck_assert(test_get(&r, "requests") > 250000);
    ck_assert_uint_gt(log.checked, 250000);
    ck_assert_uint_eq(log.dirty, 0);
    ck_assert_uint_eq(log.overwritten, 0);
}
END_TEST

/* A policy that reads more per-request state than it declares would
 * write into the next request: the run stops at once, saying so. In a
 * child process, whose stderr is read back. */
static void greedy_on_read(void *state, struct request *r,
                           const struct cache_view *v)
{
    (void)state;
    (void)v;
    *REQ_STATE(r, double) = 1;
    req_reply(r, OUTCOME_HIT);
}

static const struct policy_ops GREEDY = {
    .name = "greedy",
    .request_bytes = sizeof(float),
    .on_read = greedy_on_read,
    .on_recomputed = toy_on_recomputed,
};

/* Runs the toy scenario with ops (and state) in a child process; its
 * stderr into text. Returns whether it exited with status 0. */
static bool run_in_child(const struct policy_ops *ops, void *state,
                         char *text, size_t n)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        run_toy("{\"duration\": \"1s\"}", ops, state);
        _exit(0);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t got;
    while (len + 1 < n && (got = read(fds[0], text + len, n - 1 - len)) > 0)
        len += (size_t)got;
    text[len] = '\0';
    close(fds[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

START_TEST(reading_past_the_declared_state_stops_the_run)
{
    char text[512];
    ck_assert(!run_in_child(&GREEDY, NULL, text, sizeof text));
    ck_assert_msg(strstr(text, "stampede: policy \"greedy\" reads 8 bytes of "
                               "per-request state but declares "
                               "request_bytes 4") != NULL,
                  "stderr: %s", text);
}
END_TEST

/* The cache keeps locks only for a policy that says it takes them: one
 * that locks without saying so stops the run, saying why, rather than
 * write through a lock array that was never made. */
static const struct policy_ops UNDECLARED_LOCKER = {
    .name = "undeclared",
    .on_read = locker_on_read,
    .on_recomputed = toy_on_recomputed,
    .on_unlocked = locker_on_unlocked,
};

START_TEST(locking_without_saying_so_stops_the_run)
{
    char text[512];
    struct locker s = {0};
    ck_assert(!run_in_child(&UNDECLARED_LOCKER, &s, text, sizeof text));
    ck_assert_msg(strstr(text, "a lock or lease command on a cache made "
                               "without locks") != NULL,
                  "stderr: %s", text);
}
END_TEST

/* ---- metrics from several tables ---- */

/* A policy reporting a table of its own and the lock helper's: they follow
 * each other, and a ratio of the second is made of its own table's
 * entries, wherever the table starts. */
START_TEST(metrics_of_two_tables_follow_each_other)
{
    static const struct policy_ops TWO = {
        .name = "two", .on_read = toy_on_read,
        .on_recomputed = toy_on_recomputed,
        .metrics = {&COUNTS, &LOCKING_METRICS},
        .collect = nothing_collected,
    };
    char err[256];
    ck_assert_msg(policy_check(&TWO, err, sizeof err), "%s", err);
    ck_assert_uint_eq(policy_metric_count(&TWO), 2 + LOCKING_N_METRICS);
    size_t base = 99;
    ck_assert_str_eq(policy_metric_at(&TWO, 1, &base)->name, "peak");
    ck_assert_uint_eq(base, 0);
    ck_assert_str_eq(policy_metric_at(&TWO, 2 + LOCKING_POLLS, &base)->name,
                     "polls");
    ck_assert_uint_eq(base, 2);
    ck_assert_ptr_null(policy_metric_at(&TWO, 2 + LOCKING_N_METRICS, NULL));
    /* by name, wherever its table starts */
    ck_assert_int_eq(policy_metric_index(&TWO, "polls"), 2 + LOCKING_POLLS);
    ck_assert_int_eq(policy_metric_index(&TWO, "things"), 0);
    ck_assert_int_eq(policy_metric_index(&TWO, "max_wait_s"),
                     2 + LOCKING_MAX_WAIT);
    ck_assert_int_eq(policy_metric_index(&TWO, "no_such"), -1);

    double acc[2 + LOCKING_N_METRICS] = {0};
    double seg[2 + LOCKING_N_METRICS] = {0};
    seg[0] = 3;                                   /* things: a sum */
    seg[1] = 5;                                   /* peak: a max */
    seg[2 + LOCKING_WAITS] = 4;
    seg[2 + LOCKING_WAIT_TOTAL] = 2;
    seg[2 + LOCKING_MAX_WAIT] = 0.75;
    policy_metrics_add_all(&TWO, acc, seg);
    policy_metrics_add_all(&TWO, acc, seg);
    ck_assert_double_eq(acc[0], 6);
    ck_assert_double_eq(acc[1], 5);
    ck_assert_double_eq(acc[2 + LOCKING_WAITS], 8);
    ck_assert_double_eq(acc[2 + LOCKING_MAX_WAIT], 0.75);
    policy_metrics_finish(&TWO, acc);
    ck_assert_double_eq(acc[2 + LOCKING_MEAN_WAIT], 0.5);
    /* no wait to divide by: undefined, not 0 */
    memset(acc, 0, sizeof acc);
    policy_metrics_finish(&TWO, acc);
    ck_assert(isnan(acc[2 + LOCKING_MEAN_WAIT]));
}
END_TEST

TEST_SUITE(policy_suite)
{
    Suite *s = suite_create("policy");
    TCase *tc = tcase_create("policy interface");
    tcase_add_test(tc, a_policy_without_optional_callbacks_runs_a_scenario);
    tcase_add_test(tc, the_check_names_what_a_table_lacks);
    tcase_add_test(tc, every_registered_policy_has_a_test_file_and_a_readme_row);
    tcase_add_test(tc, a_policy_without_knobs_has_nothing_to_read_or_write);
    tcase_add_test(tc, without_on_wake_a_sleep_ends_in_a_read);
    tcase_add_test(tc, without_on_lock_a_lock_got_is_released);
    tcase_add_test(tc, per_request_state_is_zeroed_sized_and_private);
    tcase_add_test(tc, reading_past_the_declared_state_stops_the_run);
    tcase_add_test(tc, locking_without_saying_so_stops_the_run);
    tcase_add_test(tc, metrics_of_two_tables_follow_each_other);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
