/*
 * test_per_delta.c — PER's delta estimators (models/xfetch.c: delta_min,
 * delta_max, delta_ewma), the refresh-storm count, and the feedback-risk
 * figure `check` and the run summary give (sim/scenario/scenario_risk.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../spy.h"
#include "../support.h"
#include "output/plot_input.h"
#include "xfetch.h"

/* ---- the knobs ---- */

static void assert_refused(const char *json, const char *line)
{
    struct scenario_errors errors = {0};
    ck_assert_ptr_null(scenario_load_text("d.json", json, strlen(json), NULL,
                                          0, &errors));
    ck_assert_uint_ge(errors.n, 1);
    ck_assert_str_eq(errors.lines[0], line);
    scenario_errors_free(&errors);
}

START_TEST(estimator_knobs_round_trip_and_errors)
{
    const char *json = "{\"policies\": [{\"policy\": \"per\"}, "
                       "{\"policy\": \"per\", \"label\": \"c\", "
                       "\"delta_min\": \"300ms\", \"delta_max\": \"600ms\", "
                       "\"delta_ewma\": 0.25}, "
                       "{\"policy\": \"xlocked\", \"delta_max\": 2}]}";
    struct scenario *s = test_scenario("d.json", json, NULL, 0);
    cJSON *j = scenario_to_json(s);
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "policies"));
    /* the estimator's fields only where they are not the defaults */
    ck_assert_str_eq(text,
                     "[{\"policy\":\"per\",\"label\":\"per\",\"beta\":1,"
                     "\"refresh\":\"sync\",\"delta\":\"measured\"},"
                     "{\"policy\":\"per\",\"label\":\"c\",\"beta\":1,"
                     "\"refresh\":\"sync\",\"delta\":\"measured\","
                     "\"delta_min\":0.3,\"delta_max\":0.6,"
                     "\"delta_ewma\":0.25},"
                     "{\"policy\":\"xlocked\",\"label\":\"xlocked\","
                     "\"beta\":1,\"refresh\":\"sync\",\"delta\":\"measured\","
                     "\"delta_max\":2,\"lock_ttl\":2,\"retry_interval\":0.05,"
                     "\"retry_jitter\":0.01,\"max_wait\":5,"
                     "\"on_give_up\":\"query\",\"recheck\":true,"
                     "\"serve_stale\":false,\"holder_failure\":0}]");
    /* written back, it loads to the same */
    char *written = cJSON_Print(j);
    struct scenario *again = test_scenario("d.json", written, NULL, 0);
    cJSON_free(written);
    cJSON *j2 = scenario_to_json(again);
    char *text2 = cJSON_PrintUnformatted(cJSON_GetObjectItem(j2, "policies"));
    ck_assert_str_eq(text2, text);
    char line[300];
    policy_knob_describe(s->policies[1].ops, s->policies[1].knobs, line,
                         sizeof line);
    ck_assert_str_eq(line, "beta 1, sync refresh, delta measured, smoothed "
                     "(EWMA alpha 0.25), clamped to [300ms, 600ms]");
    policy_knob_describe(s->policies[2].ops, s->policies[2].knobs, line,
                         sizeof line);
    ck_assert_str_eq(line, "beta 1, sync refresh, delta measured, at most "
                     "2s, under the lock; lock_ttl 2s, poll every 50ms, "
                     "give up after 5s (query)");
    cJSON_free(text);
    cJSON_free(text2);
    cJSON_Delete(j);
    cJSON_Delete(j2);
    scenario_free(s);
    scenario_free(again);
    assert_refused("{\"policies\": [{\"policy\": \"per\", \"delta\": "
                   "\"200ms\", \"delta_max\": \"1s\"}]}",
                   "d.json:1:64: policies[0].delta_max: delta_max shapes a "
                   "measured delta, but delta is fixed (200ms): remove one "
                   "of the two");
    assert_refused("{\"policies\": [{\"policy\": \"per\", \"delta\": "
                   "\"200ms\", \"delta_ewma\": 0.5}]}",
                   "d.json:1:65: policies[0].delta_ewma: delta_ewma shapes a "
                   "measured delta, but delta is fixed (200ms): remove one "
                   "of the two");
    assert_refused("{\"policies\": [{\"policy\": \"per\", \"delta_min\": "
                   "\"1s\", \"delta_max\": \"500ms\"}]}",
                   "d.json:1:46: policies[0].delta_min: delta_min (1s) must "
                   "not exceed delta_max (0.5s)");
    assert_refused("{\"policies\": [{\"policy\": \"per\", \"delta_ewma\": "
                   "0}]}",
                   "d.json:1:47: policies[0].delta_ewma: expected a number "
                   "> 0 and <= 1, got 0");
    assert_refused("{\"policies\": [{\"policy\": \"per\", \"delta_min\": "
                   "0}]}",
                   "d.json:1:46: policies[0].delta_min: expected a duration "
                   "> 0, got 0");
}
END_TEST

/* ---- what is stored, what decides ---- */

/* A scripted key (spy.h): each worker's requests read the value, XFetch
 * refreshes it at every read (beta delta is a million seconds: the coin
 * would have to be within 1e-6 of 1), and the refresh's query takes a
 * uniform 50..150 ms on an idle database: each recompute measures a
 * different duration. */
static struct spy_trace *scripted(const char *policy, const char *ttl,
                                  const char *beta, const char *estimator)
{
    char json[1024];
    snprintf(json, sizeof json,
             "{\"duration\": \"12s\","
             " \"workload\": {\"arrivals\": {\"process\": \"closed\","
             "   \"workers\": 1, \"think\": \"1s\"}},"
             " \"cache\": {\"latency\": \"1ms\", \"ttl\": \"%s\","
             "   \"warm\": \"synchronized\"},"
             " \"database\": {\"cores\": 100, \"service\": {\"dist\": "
             "   \"uniform\", \"min\": \"50ms\", \"max\": \"150ms\"}},"
             " \"client\": {\"timeout\": \"none\"},"
             " \"policies\": [{\"policy\": \"%s\", \"beta\": %s%s}]}",
             ttl, policy, beta, estimator);
    struct scenario *s = test_scenario("scripted.json", json, NULL, 0);
    struct spy_trace *tr = spy_trace_new();
    spy_run(s, 0, tr);
    scenario_free(s);
    return tr;
}

static struct spy_trace *scripted_refreshes(const char *estimator)
{
    return scripted("per", "100s", "1e7", estimator);
}

/* The n-th event called `what`, or NULL. */
static const struct spy_event *nth(const struct spy_trace *tr,
                                   const char *what, size_t n)
{
    for (size_t i = 0; i < tr->n; i++)
        if (strcmp(tr->ev[i].what, what) == 0 && n-- == 0)
            return &tr->ev[i];
    return NULL;
}

/* The EWMA recurrence, computed here from the measured durations alone:
 * d_0 is the delta the cache started with (the first read shows it),
 * d_k = alpha m_k + (1 - alpha) d_(k-1). Each d_k, in the single
 * precision the cache keeps a delta in, must be what the next read finds
 * stored with the value: the smoothed delta is carried in the cache, not
 * kept aside. */
/* The first event called `what` after `e`, or NULL. */
static const struct spy_event *after(const struct spy_trace *tr,
                                     const struct spy_event *e,
                                     const char *what)
{
    for (const struct spy_event *f = e + 1; f < tr->ev + tr->n; f++)
        if (strcmp(f->what, what) == 0)
            return f;
    return NULL;
}

static void assert_ewma(const struct spy_trace *tr, double alpha)
{
    double d = nth(tr, "read:fresh", 0)->delta;
    size_t k = 0;
    for (const struct spy_event *st; (st = nth(tr, "stored", k)); k++) {
        double stored = alpha * st->measured + (1 - alpha) * d;
        ck_assert_double_eq_tol(st->delta, stored, 1e-12);
        d = (float)stored;
        /* the measured durations vary: the recurrence is not trivial */
        ck_assert(st->measured >= 0.05 && st->measured <= 0.15);
        /* one worker: the next read is of the value this one wrote */
        const struct spy_event *next = after(tr, st, "read:fresh");
        if (next)
            ck_assert_double_eq(next->delta, d);
    }
    ck_assert_uint_ge(k, 8);
    ck_assert(fabs(nth(tr, "stored", 1)->measured -
                   nth(tr, "stored", 2)->measured) > 1e-6);
}

START_TEST(ewma_follows_its_recurrence_through_the_cache)
{
    struct spy_trace *tr = scripted_refreshes(", \"delta_ewma\": 0.25");
    assert_ewma(tr, 0.25);
    free(tr);
    /* xlocked's refresher, under the lock, smooths the same way */
    tr = scripted("xlocked", "100s", "1e7", ", \"delta_ewma\": 0.25");
    assert_ewma(tr, 0.25);
    free(tr);
}
END_TEST

/* A read that finds no value (TTL 0.5 s, a read a second: every one
 * misses; beta so small that nothing refreshes early) has no delta to
 * smooth from: its recompute stores its own duration. */
START_TEST(a_miss_starts_the_ewma_again)
{
    static const char *const POLICIES[] = {"per", "xlocked"};
    for (size_t i = 0; i < 2; i++) {
        struct spy_trace *tr = scripted(POLICIES[i], "0.5s", "1e-9",
                                        ", \"delta_ewma\": 0.25");
        size_t k = 0;
        for (const struct spy_event *st; (st = nth(tr, "stored", k)); k++)
            ck_assert_double_eq(st->delta, st->measured);
        ck_assert_uint_ge(k, 4);
        ck_assert_ptr_null(nth(tr, "read:fresh", 0));
        free(tr);
    }
}
END_TEST

START_TEST(a_clamp_bounds_every_stored_delta)
{
    struct spy_trace *tr = scripted_refreshes(
        ", \"delta_min\": \"80ms\", \"delta_max\": \"120ms\"");
    size_t below = 0, above = 0, k = 0;
    for (const struct spy_event *st; (st = nth(tr, "stored", k)); k++) {
        ck_assert_double_eq(st->delta, fmin(fmax(st->measured, 0.08), 0.12));
        below += st->measured < 0.08;
        above += st->measured > 0.12;
        const struct spy_event *next = nth(tr, "read:fresh", k + 1);
        if (next)   /* as the cache keeps it: in single precision */
            ck_assert_double_eq(next->delta, (float)st->delta);
    }
    /* both bounds were used */
    ck_assert_uint_ge(below, 1);
    ck_assert_uint_ge(above, 1);
    free(tr);
}
END_TEST

START_TEST(measured_by_default_stores_the_query_duration)
{
    struct spy_trace *tr = scripted_refreshes("");
    size_t k = 0;
    for (const struct spy_event *st; (st = nth(tr, "stored", k)); k++)
        ck_assert_double_eq(st->delta, st->measured);
    ck_assert_uint_ge(k, 8);
    free(tr);
    /* a policy without an estimator of its own (none: the default) */
    const char *json =
        "{\"duration\": \"12s\","
        " \"workload\": {\"arrivals\": {\"process\": \"closed\","
        "   \"workers\": 1, \"think\": \"1s\"}},"
        " \"cache\": {\"latency\": \"1ms\", \"ttl\": \"0.5s\"},"
        " \"database\": {\"cores\": 100, \"service\": {\"dist\": "
        "   \"uniform\", \"min\": \"50ms\", \"max\": \"150ms\"}},"
        " \"policies\": [{\"policy\": \"none\"}]}";
    struct scenario *s = test_scenario("none.json", json, NULL, 0);
    tr = spy_trace_new();
    spy_run(s, 0, tr);
    k = 0;
    for (const struct spy_event *st; (st = nth(tr, "stored", k)); k++) {
        ck_assert_double_eq(st->delta, st->measured);
        ck_assert(st->measured >= 0.05);
    }
    ck_assert_uint_ge(k, 4);
    free(tr);
    scenario_free(s);
}
END_TEST

/* What the estimator is given directly: a recompute that read no value
 * (a miss) starts the EWMA again at its own duration; the clamp applies
 * after the smoothing; the decision clamps what it finds stored (the
 * cache's first values were not written through the estimator), and a
 * fixed delta ignores it. */
START_TEST(the_estimator_and_the_decision_delta)
{
    struct xfetch_knobs k = {.beta = 1, .delta = NAN, .delta_min = 0,
                             .delta_max = INFINITY, .delta_alpha = 0.5};
    ck_assert_double_eq(xfetch_stored_delta(&k, NAN, 0.3), 0.3);
    ck_assert_double_eq(xfetch_stored_delta(&k, 0.1, 0.3), 0.2);
    k.delta_max = 0.15;
    ck_assert_double_eq(xfetch_stored_delta(&k, 0.1, 0.3), 0.15);
    k.delta_min = 0.12;
    ck_assert_double_eq(xfetch_stored_delta(&k, 0.1, 0.1), 0.12);
    ck_assert_double_eq(xfetch_delta(&k, 0.01), 0.12);
    ck_assert_double_eq(xfetch_delta(&k, 9), 0.15);
    ck_assert_double_eq(xfetch_delta(&k, 0.13), 0.13);
    k.delta = 0.4;
    ck_assert_double_eq(xfetch_delta(&k, 9), 0.4);
    /* without bounds, the stored value is used as it is */
    struct xfetch_knobs plain = {.beta = 1, .delta = NAN, .delta_min = 0,
                                 .delta_max = INFINITY, .delta_alpha = 1};
    ck_assert_double_eq(xfetch_delta(&plain, 1e-300), 1e-300);
    ck_assert_double_eq(xfetch_stored_delta(&plain, 0.5, 1e300), 1e300);
}
END_TEST

/* delta_min = delta_max = X stores X whatever the query took, and decides
 * with X whatever the cache started with: the run is the run of a fixed
 * delta X, file for file. Through the binary, so that every output is
 * compared. */
static const char HOT_TEMPLATE[] =
    "{\"name\": \"same\", \"duration\": \"30s\", \"warmup\": \"2s\","
    " \"window\": \"2s\","
    " \"workload\": {\"arrivals\": {\"rate\": 2000}},"
    " \"cache\": {\"ttl\": \"2s\", \"warm\": \"staggered\"},"
    " \"database\": {\"cores\": 4, \"service\": {\"dist\": \"lognormal\","
    "   \"p50\": \"100ms\", \"p99\": \"300ms\"}},"
    " \"policies\": [{\"policy\": \"per\", \"label\": \"p\", \"beta\": 0.7, "
    "%s}]}";

static char *run_outputs(const char *dir, const char *name, const char *knobs)
{
    char json[1024];
    snprintf(json, sizeof json, HOT_TEMPLATE, knobs);
    char *file = write_text_file(dir, name, json);
    char *out = path_in(dir, "out");
    const char *args[] = {"run", file, "--reps", "2", "--quiet", "--out", out,
                          NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%.300s", r.err);
    cmd_result_free(&r);
    char *csv = path_in(out, "timeseries.csv");
    char *summary = path_in(out, "summary.json");
    char *both = NULL;
    char *a = read_text_file(csv, NULL), *b = read_text_file(summary, NULL);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    both = malloc(strlen(a) + strlen(b) + 1);
    strcpy(both, a);
    strcat(both, b);
    free(a);
    free(b);
    free(csv);
    free(summary);
    remove_tree(out);
    free(out);
    free(file);
    return both;
}

START_TEST(clamped_to_one_value_is_that_fixed_delta_byte_for_byte)
{
    char *dir = make_temp_dir();
    char *fixed = run_outputs(dir, "fixed.json", "\"delta\": \"150ms\"");
    char *clamped = run_outputs(dir, "clamped.json",
                                "\"delta_min\": \"150ms\", "
                                "\"delta_max\": \"150ms\"");
    char *measured = run_outputs(dir, "measured.json",
                                 "\"delta\": \"measured\"");
    ck_assert_msg(strcmp(clamped, fixed) == 0,
                  "the outputs of delta_min = delta_max = 150ms differ from "
                  "those of delta = 150ms");
    /* not because the delta does not matter here */
    ck_assert_msg(strcmp(measured, fixed) != 0, "measured = fixed");
    ck_assert_ptr_nonnull(strstr(fixed, "\"early_recomputes\""));
    free(fixed);
    free(clamped);
    free(measured);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- refresh storms ---- */

/* n workers start 10 ms apart and each reads the value at once: every
 * read refreshes (sync, 1 s queries), and none lands before the last
 * has read. The first to land replaces the value in time and ends the
 * cycle with n early refreshes; the workers then read again together,
 * and the next cycle is the same. */
static struct run_summary storm_of(size_t workers)
{
    double starts[16];
    for (size_t i = 0; i + 1 < workers; i++)
        starts[i] = 0.01 * (double)(i + 1);
    struct scenario *s = spy_scripted(
        starts, workers - 1, "\"ttl\": \"100s\", \"warm\": \"synchronized\"",
        "1s", "6s", "\"timeout\": \"none\"",
        "{\"policy\": \"per\", \"beta\": 1e7}");
    struct spy_trace *tr = spy_trace_new();
    struct run_summary r = spy_run(s, 0, tr);
    free(tr);
    scenario_free(s);
    return r;
}

START_TEST(a_storm_is_a_cycle_of_more_than_ten_early_refreshes)
{
    struct run_summary ten = storm_of(10), eleven = storm_of(11);
    ck_assert_double_eq(test_get(&ten, "policy_metrics.max_early_in_cycle"),
                        10);
    ck_assert_double_eq(test_get(&ten, "policy_metrics.storm_cycles"), 0);
    ck_assert_double_eq(
        test_get(&eleven, "policy_metrics.max_early_in_cycle"), 11);
    /* two rounds of reads end two cycles in 6 s (the third is under way) */
    ck_assert_double_eq(test_get(&eleven, "policy_metrics.storm_cycles"), 2);
}
END_TEST

/* A burst, then one reader: closed-loop workers with a think time of 1 s
 * (no randomness in their arrivals), the first reading at 1 s, 29 more
 * added 10 ms apart (each reads at its start + 1 s: at 1.01 .. 1.29 s),
 * all but one stopping after their first request (the traffic event at
 * 1.5 s). Every read refreshes the value early: it is written at t = 0
 * (synchronized, TTL 100 s, delta 1 s: the service time) and beta delta
 * is 10^12 s, so only a coin of exactly 1 (one in 2^32) would not. GET
 * and SET take 1 ms each, a query 1 s on an idle database: the write of
 * a read at t lands at t + 1.002 s, its reply at about the same time.
 *   The burst's 30 refreshes all start on the first value, before the
 * first of them lands (2.002 s): that write replaces the value it read
 * and ends a cycle of 30 early refreshes, a storm. The other 29 land by
 * 2.292 s on values they did not read: no cycle ends.
 *   The worker left reads every 2.002 s from its first read (in 1.00 ..
 * 1.29 s): at about 3, 5, 7 and 9 s, each alone, each after every
 * earlier write has landed. The first three writes land in the run and
 * each ends a cycle of one refresh; the fourth read starts the 34th early
 * refresh, which lands after the end (9.5 s).
 *   So: four cycles, one storm, the largest 30 — the burst's, not the
 * last one's one. One window for the whole run: within a window the
 * largest cycle must be kept, not the last to end. */
START_TEST(the_largest_cycle_is_kept)
{
    char timeline[2048] = "";
    size_t len = 0;
    for (int i = 1; i < 30; i++)
        len += (size_t)snprintf(timeline + len, sizeof timeline - len,
                                "{\"at\": %.2f, \"event\": \"traffic\", "
                                "\"workers\": %d}, ", 0.01 * i, i + 1);
    char json[4096];
    snprintf(json, sizeof json,
             "{\"duration\": \"9.5s\", \"window\": \"9.5s\","
             " \"workload\": {\"arrivals\": {\"process\": \"closed\","
             "   \"workers\": 1, \"think\": \"1s\"}},"
             " \"cache\": {\"ttl\": \"100s\", \"warm\": \"synchronized\","
             "   \"latency\": \"1ms\"},"
             " \"database\": {\"cores\": 100, \"service\": \"1s\"},"
             " \"client\": {\"timeout\": \"none\", \"pool_size\": 1000},"
             " \"timeline\": [%s{\"at\": 1.5, \"event\": \"traffic\","
             "   \"workers\": 1}],"
             " \"policies\": [{\"policy\": \"per\", \"beta\": 1e12}]}",
             timeline);
    struct run_summary r = test_run_text("burst.json", json, NULL, 0);
    ck_assert_double_eq(test_get(&r, "arrivals"), 34);
    ck_assert_double_eq(test_get(&r, "policy_metrics.early_recomputes"), 34);
    ck_assert_double_eq(test_get(&r, "policy_metrics.cycles"), 4);
    ck_assert_double_eq(test_get(&r, "policy_metrics.max_early_in_cycle"),
                        30);
    ck_assert_double_eq(test_get(&r, "policy_metrics.storm_cycles"), 1);
}
END_TEST

/* Reads at 10/s, each refreshing (1 s queries): a write every 0.1 s, each
 * of a value read a second before — never the value then current, which
 * is never left to expire. No TTL cycle ends after the first; a storm
 * cycle ends at the first write a TTL (3 s) after it began, with about 30
 * early refreshes: about one every 3 s of the 30 s run. */
START_TEST(a_storm_cycle_ends_a_ttl_after_it_began)
{
    const char *json =
        "{\"duration\": \"30s\", \"window\": \"10s\","
        " \"workload\": {\"arrivals\": {\"rate\": 10}},"
        " \"cache\": {\"ttl\": \"3s\", \"warm\": \"synchronized\"},"
        " \"database\": {\"cores\": 100, \"service\": \"1s\"},"
        " \"client\": {\"timeout\": \"none\", \"pool_size\": 1000},"
        " \"policies\": [{\"policy\": \"per\", \"beta\": 1e7}]}";
    struct run_summary r = test_run_text("trickle.json", json, NULL, 0);
    ck_assert(test_get(&r, "policy_metrics.cycles") <= 2);
    double storms = test_get(&r, "policy_metrics.storm_cycles");
    ck_assert_msg(storms >= 7 && storms <= 10, "%g storm cycles", storms);
    double most = test_get(&r, "policy_metrics.max_early_in_cycle");
    ck_assert_msg(most >= 20 && most <= 50, "at most %g in one", most);
}
END_TEST

/* The run table has one storms column for the policies that count them,
 * "-" for those that do not. */
START_TEST(the_run_table_has_a_storms_column)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "t.json",
        "{\"duration\": \"10s\", \"workload\": {\"arrivals\": {\"rate\": 100}},"
        " \"cache\": {\"ttl\": \"2s\"},"
        " \"database\": {\"cores\": 100, \"service\": \"50ms\"},"
        " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"per\"},"
        "  {\"policy\": \"xlocked\"}]}");
    char *out = path_in(dir, "out");
    const char *args[] = {"run", file, "--quiet", "--out", out, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_int_eq(r.status, 0);
    const char *first = strstr(r.out, "storms");
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_null(strstr(first + 1, "storms"));
    const char *none = strstr(r.out, "\nnone ");
    ck_assert_ptr_nonnull(none);
    const char *eol = strchr(none + 1, '\n');
    ck_assert(eol[-1] == '-');
    const char *per = strstr(r.out, "\nper ");
    ck_assert_ptr_nonnull(per);
    eol = strchr(per + 1, '\n');
    ck_assert(eol[-1] == '0');
    cmd_result_free(&r);
    /* for tools: the column under its summary.json path */
    const char *csv[] = {"run", file, "--quiet", "--out", out, "--format",
                         "csv", NULL};
    r = run_stampede(csv);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, ",policy_metrics.storm_cycles,"));
    cmd_result_free(&r);
    remove_tree(dir);
    free(dir);
    free(file);
    free(out);
}
END_TEST

/* db_load.png rings the windows of a policy's storms: the figures get an
 * "=mark" line for each policy whose first replication had some.
 * per-feedback.json over its own 600 s: its measured delta storms once a
 * slow recompute has stored a long delta, which is a matter of chance and
 * time (over seeds 1 to 40 the first storm ended in the first 100 s; in
 * 60 s, seed 1 had none), and from then on storms most TTL periods (85 to
 * 111 storm cycles of the 118 after the warmup, seeds 1 to 40). Its
 * fixed-400ms policy, at 600 s, storms a few times or not at all,
 * depending on the seed; at beta 0.001 it cannot: a value then gets on
 * average lambda beta delta = 2000/s x 0.001 x 0.4 s = 0.8 early refreshes
 * (each read at x before the expiry refreshes with probability
 * exp(-x / (beta delta))), a Poisson count, above ten with probability
 * 1e-9 a cycle. One run that storms, one that cannot, whatever the
 * draws. */
START_TEST(the_figures_mark_the_storms)
{
    char *dir = make_temp_dir();
    char *out = path_in(dir, "out");
    const char *args[] = {"run", "scenarios/per-feedback.json", "--policy",
                          "measured", "--policy", "fixed-400ms", "--set",
                          "policies[fixed-400ms].beta=0.001", "--quiet",
                          "--out", out, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_int_eq(r.status, 0);
    cmd_result_free(&r);
    struct plot_input in;
    char err[256];
    ck_assert_int_eq(plot_input_read(out, "auto", &in, err, sizeof err),
                     PLOT_INPUT_OK);
    ck_assert_ptr_nonnull(strstr(in.slo, "=mark measured per_storm_cycles "
                                         "TTL cycles with a refresh storm\n"));
    ck_assert_ptr_null(strstr(in.slo, "=mark fixed-400ms"));
    plot_input_free(&in);
    remove_tree(dir);
    free(dir);
    free(out);
}
END_TEST

/* ---- the risk figure ---- */

START_TEST(the_lead_and_its_limit)
{
    /* lambda beta delta = 2000 * 0.7 * 0.6 = 840: the lead is
     * 0.42 ln 840 = 2.828 s, 57 % of a 5 s TTL */
    struct xfetch_knobs k = {.beta = 0.7, .delta = NAN, .delta_min = 0,
                             .delta_max = INFINITY, .delta_alpha = 1};
    struct policy_load load = {.rate = 2000, .recompute_p99 = 0.6,
                               .ttl = 5};
    struct policy_risk r;
    ck_assert(xfetch_risk(&k, &load, false, &r));
    ck_assert_double_eq_tol(r.value, 0.42 * log(840), 1e-12);
    ck_assert_double_eq(r.limit, XFETCH_RISK_SHARE * 5);
    ck_assert(r.value > r.limit);
    ck_assert_ptr_nonnull(strstr(r.fix, "clamp the delta"));
    /* the beta it proposes brings the lead to the limit */
    double beta = strtod(strstr(r.fix, "lower beta (at most ") + 20, NULL);
    ck_assert_double_eq_tol(xfetch_lead(beta, 0.6, 2000), r.limit,
                            0.01 * r.limit);
    /* one early refresh at a time (xlocked): no storm, the limit is the
     * TTL */
    ck_assert(xfetch_risk(&k, &load, true, &r));
    ck_assert_double_eq(r.limit, 5);
    ck_assert_double_eq_tol(r.value, 0.42 * log(840), 1e-12);
    /* a clamp at the p99 cannot grow past it: the limit is the TTL */
    k.delta_max = 0.6;
    ck_assert(xfetch_risk(&k, &load, false, &r));
    ck_assert_double_eq(r.limit, 5);
    ck_assert_str_eq(r.fix, "");
    /* a clamp above it can: the share again */
    k.delta_max = 3;
    ck_assert(xfetch_risk(&k, &load, false, &r));
    ck_assert_double_eq(r.limit, XFETCH_RISK_SHARE * 5);
    /* a fixed delta: its lead, against the TTL */
    k = (struct xfetch_knobs){.beta = 0.7, .delta = 0.4, .delta_min = 0,
                              .delta_max = INFINITY, .delta_alpha = 1};
    ck_assert(xfetch_risk(&k, &load, false, &r));
    ck_assert_double_eq_tol(r.value, 0.28 * log(560), 1e-12);
    ck_assert_double_eq(r.limit, 5);
    /* fewer than one refreshing read expected: no lead at all */
    ck_assert_double_eq(xfetch_lead(1, 0.001, 100), 0);
    load.recompute_p99 = INFINITY;
    ck_assert(!xfetch_risk(&k, &load, false, &r));
}
END_TEST

/* check's recompute p99 under load, against M/M/1: with processor
 * sharing a query is slowed by 1 / (1 - rho); first come first served, it
 * waits rho S / (1 - rho) on average first. The key's own recomputes (one
 * a 1000 s TTL) add a load of 1e-4 to rho = 0.5. */
START_TEST(the_recompute_p99_under_the_background)
{
    const char *json =
        "{\"cache\": {\"ttl\": \"1000s\"},"
        " \"database\": {\"cores\": 1, \"discipline\": \"%s\","
        "   \"service\": {\"dist\": \"exponential\", \"mean\": \"100ms\"},"
        "   \"background\": {\"rate\": 5, \"service\": {\"dist\": "
        "     \"exponential\", \"mean\": \"100ms\"}}},"
        " \"client\": {\"timeout\": \"%s\"}}";
    char text[512];
    double p99 = -0.1 * log(0.01), rho = 0.5;
    snprintf(text, sizeof text, json, "ps", "none");
    struct scenario *s = test_scenario("l.json", text, NULL, 0);
    ck_assert_double_eq_tol(scenario_recompute_p99(s), p99 / (1 - rho),
                            1e-3 * p99);
    scenario_free(s);
    snprintf(text, sizeof text, json, "fcfs", "none");
    s = test_scenario("l.json", text, NULL, 0);
    ck_assert_double_eq_tol(scenario_recompute_p99(s),
                            p99 + rho * 0.1 / (1 - rho), 1e-3 * p99);
    scenario_free(s);
    /* a recompute slower than the timeout stores no delta */
    snprintf(text, sizeof text, json, "ps", "300ms");
    s = test_scenario("l.json", text, NULL, 0);
    ck_assert_double_eq(scenario_recompute_p99(s), 0.3);
    scenario_free(s);
}
END_TEST

static struct cmd_result check(const char *scenario)
{
    const char *args[] = {"check", scenario, NULL};
    return run_stampede(args);
}

START_TEST(check_warns_on_per_feedback_and_not_on_hot_key)
{
    struct cmd_result r = check("scenarios/per-feedback.json");
    ck_assert_int_eq(r.status, 0);
    /* the measured delta is warned about, with its fix, at its place */
    ck_assert_ptr_nonnull(strstr(r.err, "warning: scenarios/per-feedback.json:"));
    ck_assert_ptr_nonnull(strstr(r.err, ": policies[0]: measured: early "
                                        "refreshes start about 2.8"));
    ck_assert_ptr_nonnull(strstr(r.err, "clamp the delta (delta_max at most"));
    ck_assert_ptr_nonnull(strstr(r.err, "or lower beta (at most"));
    /* the clamped and fixed ones are not */
    ck_assert_uint_eq(count_lines(r.err), 1);
    ck_assert_ptr_nonnull(strstr(r.out, "feedback  measured: early refreshes "
                                        "start about 2.8"));
    cmd_result_free(&r);
    r = check("scenarios/hot-key.json");
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_null(strstr(r.err, "warning:"));
    ck_assert_ptr_nonnull(strstr(r.out, "feedback  per: early refreshes"));
    cmd_result_free(&r);
    /* under xlocked's lock one early refresh runs at a time: the same
     * lead is no storm, and its limit is the TTL */
    const char *xl[] = {"check", "scenarios/per-feedback.json", "--set",
                        "policies[0].policy=xlocked", NULL};
    r = run_stampede(xl);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_null(strstr(r.err, "warning:"));
    ck_assert_ptr_nonnull(strstr(r.out, "57% of the TTL (limit 100%)"));
    cmd_result_free(&r);
    /* a closed loop's read rate is not known before a run: no figure */
    r = check("scenarios/closed-loop.json");
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_null(strstr(r.out, "feedback"));
    cmd_result_free(&r);
}
END_TEST

/* The run summary carries the figure under the run's own load, for the
 * policies that have one. */
START_TEST(the_run_summary_has_the_figure)
{
    const char *json =
        "{\"duration\": \"20s\", \"workload\": {\"arrivals\": {\"rate\": 500}},"
        " \"cache\": {\"ttl\": \"5s\"},"
        " \"database\": {\"cores\": 100, \"service\": {\"dist\": "
        "   \"uniform\", \"min\": \"50ms\", \"max\": \"150ms\"}},"
        " \"policies\": [{\"policy\": \"per\", \"beta\": 2}, "
        "{\"policy\": \"lock\"}]}";
    struct scenario *s = test_scenario("r.json", json, NULL, 0);
    struct run_summary per = test_run_policy(s, 0, NULL, NULL);
    struct run_summary lock = test_run_policy(s, 1, NULL, NULL);
    /* the run's own: the key read at its measured rate (about 500/s),
     * delta99 the run's recompute p99 */
    double rate = test_get(&per, "arrivals") / 20;
    double p99 = test_get(&per, "db.response_ms.p99") / 1e3;
    /* about twenty recomputes: their p99 is their slowest, far above
     * their median */
    ck_assert(p99 > 0.12 && p99 <= 0.151);
    ck_assert(test_get(&per, "db.response_ms.p50") / 1e3 < p99 - 0.01);
    double x = 2 * p99;
    ck_assert_double_eq_tol(test_get(&per, "risk.feedback_lead_s"),
                            x * log(rate * x), 1e-9);
    ck_assert_double_eq(test_get(&per, "risk.feedback_limit_s"),
                        XFETCH_RISK_SHARE * 5);
    ck_assert(!summary_has(&lock, "risk.feedback_lead_s"));
    ck_assert(!summary_has(&lock, "risk.feedback_limit_s"));
    scenario_free(s);
}
END_TEST

TEST_SUITE(per_delta_suite)
{
    Suite *s = suite_create("per_delta");
    TCase *tc = tcase_create("delta estimators, storms, risk");
    tcase_add_test(tc, estimator_knobs_round_trip_and_errors);
    tcase_add_test(tc, ewma_follows_its_recurrence_through_the_cache);
    tcase_add_test(tc, a_miss_starts_the_ewma_again);
    tcase_add_test(tc, a_clamp_bounds_every_stored_delta);
    tcase_add_test(tc, measured_by_default_stores_the_query_duration);
    tcase_add_test(tc, the_estimator_and_the_decision_delta);
    tcase_add_test(tc, clamped_to_one_value_is_that_fixed_delta_byte_for_byte);
    tcase_add_test(tc, a_storm_is_a_cycle_of_more_than_ten_early_refreshes);
    tcase_add_test(tc, the_largest_cycle_is_kept);
    tcase_add_test(tc, a_storm_cycle_ends_a_ttl_after_it_began);
    tcase_add_test(tc, the_run_table_has_a_storms_column);
    tcase_add_test(tc, the_figures_mark_the_storms);
    tcase_add_test(tc, the_lead_and_its_limit);
    tcase_add_test(tc, the_recompute_p99_under_the_background);
    tcase_add_test(tc, check_warns_on_per_feedback_and_not_on_hot_key);
    tcase_add_test(tc, the_run_summary_has_the_figure);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
