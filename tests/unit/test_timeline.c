/*
 * test_timeline.c — incidents: how the loader reads them (models/
 * timeline.h, sim/scenario/scenario_timeline.c) and what they do to a run
 * (models/timeline.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "experiment/experiment.h"
#include "kernel/sim.h"
#include "scenario/scenario.h"
#include "timeline.h"

static struct scenario *load(const char *json, struct scenario_errors *errors)
{
    return scenario_load_text("t.json", json, strlen(json), NULL, 0, errors);
}

START_TEST(incidents_are_read_sorted_and_labelled)
{
    struct scenario_errors errors = {0};
    struct scenario *s = load(
        "{\"workload\": {\"arrivals\": {\"rate\": 10}},"
        " \"timeline\": ["
        "  {\"at\": \"40s\", \"event\": \"database\", \"cores\": 4,"
        "   \"service_multiplier\": 2},"
        "  {\"at\": \"30s\", \"event\": \"cache_flush\", \"label\": \"restart\"},"
        "  {\"at\": \"30s\", \"event\": \"traffic\", \"rate_multiplier\": 3},"
        "  {\"at\": \"50s\", \"event\": \"database\", \"usl\": {\"kappa\": 0.01}},"
        "  {\"at\": \"55s\", \"event\": \"traffic\", \"rate\": 100}]}",
        &errors);
    ck_assert_msg(s != NULL, "%s", errors.n ? errors.lines[0] : "?");
    const struct timeline *t = &s->model.timeline;
    ck_assert_uint_eq(t->n, 5);
    /* in time order; the two at 30 s in the order given */
    ck_assert_int_eq(t->events[0].kind, INCIDENT_CACHE_FLUSH);
    ck_assert_str_eq(t->events[0].label, "restart");
    ck_assert_int_eq(t->events[1].kind, INCIDENT_TRAFFIC);
    ck_assert_str_eq(t->events[1].label, "traffic x3");
    ck_assert_str_eq(t->events[2].label, "database: 4 cores, service x2");
    ck_assert_int_eq(t->events[2].capacity.cores, 4);
    ck_assert(t->events[3].capacity.usl);
    ck_assert_str_eq(t->events[3].label, "database: USL 0/0.01");
    ck_assert_str_eq(t->events[4].label, "traffic: 100 req/s");
    /* round trip */
    cJSON *j = scenario_to_json(s);
    char *text = cJSON_Print(j);
    struct scenario *b = load(text, &errors);
    ck_assert_msg(b != NULL, "%s", errors.n ? errors.lines[0] : "?");
    cJSON *jb = scenario_to_json(b);
    char *tb = cJSON_Print(jb);
    ck_assert_str_eq(text, tb);
    free(text);
    free(tb);
    cJSON_Delete(j);
    cJSON_Delete(jb);
    scenario_free(b);
    scenario_free(s);
}
END_TEST

START_TEST(bad_incidents_are_explained)
{
    static const struct {
        const char *json, *line;
    } cases[] = {
        {"{\"timeline\": [{\"at\": \"-1s\", \"event\": \"cache_flush\"}]}",
         "t.json:1:22: timeline[0].at: bad duration \"-1s\": a duration "
         "cannot be negative"},
        {"{\"timeline\": [{\"event\": \"cache_flush\"}]}",
         "t.json:1:15: timeline[0]: an incident needs \"at\" (a time) and "
         "\"event\" (cache_flush, database or traffic)"},
        {"{\"timeline\": [{\"at\": 1, \"event\": \"reboot\"}]}",
         "t.json:1:34: timeline[0].event: expected \"cache_flush\", "
         "\"database\" or \"traffic\", got \"reboot\""},
        {"{\"timeline\": [{\"at\": 1, \"event\": \"database\"}]}",
         "t.json:1:15: timeline[0]: a database event needs cores, usl or "
         "service_multiplier"},
        {"{\"timeline\": [{\"at\": 1, \"event\": \"traffic\", \"rate\": 5, "
         "\"rate_multiplier\": 2}]}",
         "t.json:1:15: timeline[0]: a traffic event takes exactly one of "
         "rate, rate_multiplier or workers"},
        {"{\"timeline\": [{\"at\": 1, \"event\": \"traffic\", \"workers\": 5}]}",
         "t.json:1:56: timeline[0].workers: workers applies to closed arrivals "
         "only"},
        {"{\"timeline\": [{\"at\": 1, \"event\": \"cache_flush\", \"cores\": 2}]}",
         "t.json:1:58: timeline[0].cores: a cache_flush event takes no cores"},
        {"{\"timeline\": [{\"at\": 1, \"event\": \"database\", \"cores\": 2, "
         "\"rate\": 2}]}",
         "t.json:1:66: timeline[0].rate: rate applies to \"traffic\" events "
         "only"},
        {"{\"timeline\": [{\"at\": 1, \"event\": \"database\", \"cores\": 2, "
         "\"usl\": {\"kappa\": 0.1}}]}",
         "t.json:1:65: timeline[0].usl: give cores or usl, not both (the USL "
         "fit already includes the database's CPUs)"},
        {"{\"timeline\": [{\"at\": 1, \"event\": \"database\", "
         "\"service_multiplier\": 0}]}",
         "t.json:1:68: timeline[0].service_multiplier: expected a number "
         "between 1e-06 and 1000000, got 0"},
        {"{\"timeline\": {\"at\": 1}}",
         "t.json:1:14: timeline: expected a list of at most 256 incidents, "
         "got {\"at\":1}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct scenario_errors errors = {0};
        ck_assert_msg(load(cases[i].json, &errors) == NULL, "accepted %s",
                      cases[i].json);
        ck_assert_str_eq(errors.lines[0], cases[i].line);
        scenario_errors_free(&errors);
    }
}
END_TEST

/* ---- effects on a run, window by window ---- */

struct series {
    double arrivals[64];
    double episodes[64];
    double qps[64];
    double p50[64];
    size_t n;
};

static void keep(const struct window_row *row, unsigned rep,
                 const struct policy_ops *ops, void *ctx)
{
    (void)rep;
    (void)ops;
    struct series *s = ctx;
    if (s->n < 64) {
        s->arrivals[s->n] = (double)row->tally->arrivals;
        s->episodes[s->n] = (double)row->tally->episodes_started;
        s->qps[s->n] = row->db_qps;
        s->p50[s->n] = row->p50;
    }
    s->n++;
}

static void run_series(const char *json, struct series *out)
{
    struct scenario *s = test_scenario("t.json", json, NULL, 0);
    memset(out, 0, sizeof *out);
    test_run_policy(s, 0, keep, out);
    scenario_free(s);
}

/* 1000 req/s, tripled from 4 s to 7 s, 200 req/s from 8 s: Poisson counts
 * per 1 s window, sd sqrt(rate); 4 sd allowed. */
START_TEST(traffic_changes_follow_the_timeline)
{
    struct series s;
    run_series("{\"duration\": \"10s\", \"workload\": {\"arrivals\": "
               "{\"rate\": 1000}}, \"cache\": {\"ttl\": \"1h\"},"
               " \"timeline\": ["
               "  {\"at\": \"4s\", \"event\": \"traffic\", \"rate_multiplier\": 3},"
               "  {\"at\": \"7s\", \"event\": \"traffic\", \"rate_multiplier\": 1},"
               "  {\"at\": \"8s\", \"event\": \"traffic\", \"rate\": 200}]}",
               &s);
    ck_assert_uint_eq(s.n, 10);
    static const double RATE[] = {1000, 1000, 1000, 1000, 3000,
                                  3000, 3000, 1000, 200,  200};
    for (size_t i = 0; i < 10; i++)
        ck_assert_msg(fabs(s.arrivals[i] - RATE[i]) <= 4 * sqrt(RATE[i]),
                      "window %zu: %g arrivals, expected %g", i, s.arrivals[i],
                      RATE[i]);
}
END_TEST

/* Traffic set to 0 stops the arrivals at once: the candidate drawn
 * before the change is dropped, not left to arrive. Every window after
 * the change is empty (1000 req/s before it: the candidate pending at
 * 3 s is a millisecond away, in the next window). */
START_TEST(traffic_set_to_zero_stops_at_once)
{
    struct series s;
    run_series("{\"duration\": \"5s\", \"workload\": {\"arrivals\": "
               "{\"rate\": 1000}}, \"cache\": {\"ttl\": \"1h\"},"
               " \"timeline\": ["
               "  {\"at\": \"3s\", \"event\": \"traffic\", \"rate\": 0}]}",
               &s);
    ck_assert_uint_eq(s.n, 5);
    ck_assert(s.arrivals[2] > 800);
    ck_assert_double_eq(s.arrivals[3], 0);
    ck_assert_double_eq(s.arrivals[4], 0);
}
END_TEST

/* A flush empties the cache: every key starts an episode right then. */
START_TEST(cache_flush_starts_a_stampede)
{
    struct series s;
    run_series("{\"duration\": \"6s\", \"workload\": {\"arrivals\": "
               "{\"rate\": 2000}, \"keys\": {\"count\": 20}},"
               " \"cache\": {\"ttl\": \"1h\", \"warm\": \"synchronized\"},"
               " \"timeline\": [{\"at\": \"3.5s\", \"event\": \"cache_flush\"}]}",
               &s);
    for (size_t i = 0; i < 6; i++)
        ck_assert_double_eq(s.episodes[i], i == 3 ? 20 : 0);
}
END_TEST

/* ttl 0 on 2 fcfs servers with constant 10 ms work at 40 req/s (load
 * 0.2): from 2 s on, the service multiplier 3 makes each query take 30 ms
 * (load 0.6: the median reply is the 30 ms query), and at 4 s one server
 * is taken away: 40 q/s of 30 ms on one server (load 1.2) is overload, and
 * the queue and the latency grow. */
START_TEST(database_changes_follow_the_timeline)
{
    struct series s;
    run_series("{\"duration\": \"6s\", \"workload\": {\"arrivals\": "
               "{\"rate\": 40}}, \"cache\": {\"ttl\": 0, \"latency\": 0},"
               " \"database\": {\"discipline\": \"fcfs\", \"cores\": 2,"
               "  \"service\": \"10ms\"},"
               " \"client\": {\"timeout\": \"none\", \"pool_timeout\": \"none\"},"
               " \"timeline\": ["
               "  {\"at\": \"2s\", \"event\": \"database\", \"service_multiplier\": 3},"
               "  {\"at\": \"4s\", \"event\": \"database\", \"cores\": 1}]}",
               &s);
    ck_assert(s.p50[1] >= 0.0099 && s.p50[1] < 0.0125);
    ck_assert(s.p50[3] >= 0.0299 && s.p50[3] < 0.05);
    ck_assert(s.p50[5] > 0.1 && s.p50[5] > s.p50[4]);
}
END_TEST

/* Closed loop: 10 workers cycling 10 ms, then 30 from 2 s, then 5 from
 * 4 s; hits only, so a cycle is the think plus one round trip. */
START_TEST(workers_change_follows_the_timeline)
{
    struct series s;
    run_series("{\"duration\": \"6s\", \"workload\": {\"arrivals\": "
               "{\"process\": \"closed\", \"workers\": 10, \"think\": \"9.5ms\"}},"
               " \"cache\": {\"ttl\": \"1h\", \"warm\": \"synchronized\"},"
               " \"timeline\": ["
               "  {\"at\": \"2s\", \"event\": \"traffic\", \"workers\": 30},"
               "  {\"at\": \"4s\", \"event\": \"traffic\", \"workers\": 5}]}",
               &s);
    ck_assert_double_eq_tol(s.arrivals[1], 1000, 15);
    ck_assert_double_eq_tol(s.arrivals[3], 3000, 15);
    ck_assert_double_eq_tol(s.arrivals[5], 500, 15);
}
END_TEST

/* ---- the timeline on its own: what it calls in the world's table ---- */

/* A world that writes down each call: "at:what=value". */
struct calls {
    struct sim *sim;
    char log[512];
};

static void note(void *ctx, const char *what, double value)
{
    struct calls *c = ctx;
    size_t used = strlen(c->log);
    snprintf(c->log + used, sizeof c->log - used, "%g:%s=%g ",
             sim_now(c->sim), what, value);
}

static void flush(void *ctx) { note(ctx, "flush", 0); }
static void capacity(void *ctx, struct db_capacity cap)
{
    note(ctx, cap.usl ? "kappa" : "cores", cap.usl ? cap.kappa : cap.cores);
}
static void service(void *ctx, double m) { note(ctx, "service", m); }
static void rate(void *ctx, double r) { note(ctx, "rate", r); }
static void scale(void *ctx, double f) { note(ctx, "scale", f); }
static void workers(void *ctx, long n) { note(ctx, "workers", (double)n); }

static const struct timeline_ops RECORDER = {flush,  capacity, service,
                                             rate,   scale,    workers};

/* Each incident at its time, through the one function of the table that
 * does what it says (a database change may be two); none after the run's
 * end. */
START_TEST(incidents_reach_the_world_through_its_table)
{
    struct incident in[] = {
        {.at = 1, .kind = INCIDENT_CACHE_FLUSH, .service_multiplier = NAN},
        {.at = 2, .kind = INCIDENT_DATABASE, .set_capacity = true,
         .capacity = {.cores = 4}, .service_multiplier = 2},
        {.at = 2.5, .kind = INCIDENT_DATABASE, .service_multiplier = 0.5},
        {.at = 3, .kind = INCIDENT_DATABASE, .set_capacity = true,
         .capacity = {.usl = true, .kappa = 0.01}, .service_multiplier = NAN},
        {.at = 4, .kind = INCIDENT_TRAFFIC, .rate = 100, .rate_multiplier = NAN,
         .workers = -1},
        {.at = 5, .kind = INCIDENT_TRAFFIC, .rate = NAN, .rate_multiplier = 3,
         .workers = -1},
        {.at = 6, .kind = INCIDENT_TRAFFIC, .rate = NAN, .rate_multiplier = NAN,
         .workers = 7},
        {.at = 20, .kind = INCIDENT_CACHE_FLUSH, .service_multiplier = NAN},
    };
    struct timeline t = {in, sizeof in / sizeof in[0]};
    struct calls calls = {sim_create(), ""};
    struct timeline_run *run = malloc(sizeof *run);
    timeline_schedule(run, calls.sim, &t, &RECORDER, &calls);
    sim_run(calls.sim, 10);
    ck_assert_str_eq(calls.log, "1:flush=0 2:cores=4 2:service=2 "
                                "2.5:service=0.5 3:kappa=0.01 4:rate=100 "
                                "5:scale=3 6:workers=7 ");
    free(run);
    sim_destroy(calls.sim);
}
END_TEST

TEST_SUITE(timeline_suite)
{
    Suite *s = suite_create("timeline");
    TCase *tc = tcase_create("incidents");
    tcase_add_test(tc, incidents_are_read_sorted_and_labelled);
    tcase_add_test(tc, bad_incidents_are_explained);
    tcase_add_test(tc, traffic_changes_follow_the_timeline);
    tcase_add_test(tc, cache_flush_starts_a_stampede);
    tcase_add_test(tc, database_changes_follow_the_timeline);
    tcase_add_test(tc, workers_change_follows_the_timeline);
    tcase_add_test(tc, incidents_reach_the_world_through_its_table);
    tcase_add_test(tc, traffic_set_to_zero_stops_at_once);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
