/*
 * test_slo.c — the service level objective (models/slo.c) and the worst
 * window: how a window is judged, what a run's windows add up to, and
 * the figures summary.json reports, each recomputed here from the
 * windows of timeseries.csv that the same run wrote — never from the
 * simulator's own summary.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "slo.h"

/* ---- judging one window ---- */

static struct slo_config objectives(double p99, double error_rate,
                                    double hit_ratio, double db_util)
{
    struct slo_config c = {.set = true, .window = 1};
    c.limit[SLO_P99] = p99;
    c.limit[SLO_ERROR_RATE] = error_rate;
    c.limit[SLO_HIT_RATIO] = hit_ratio;
    c.limit[SLO_DB_UTILIZATION] = db_util;
    return c;
}

static struct slo_verdict judge(const struct slo_config *c,
                                struct slo_sample s)
{
    struct slo_verdict v;
    slo_judge(c, &s, &v);
    return v;
}

START_TEST(each_objective_is_judged_on_its_own)
{
    struct slo_config c = objectives(0.25, 0.01, 0.9, 0.8);
    /* 1000 completed, 5 errors, 950 served from the cache, p99 200 ms */
    struct slo_sample ok = {.arrivals = 1000, .completed = 1000, .errors = 5,
                            .served = 950, .replies = 995, .p99 = 0.2,
                            .db_utilization = 0.5};
    struct slo_verdict v = judge(&c, ok);
    ck_assert_double_eq(v.ok, 1);
    for (int i = 0; i < N_SLO_OBJECTIVES; i++)
        ck_assert_double_eq(v.objective_ok[i], 1);
    /* each objective broken alone breaks it, and is the one flagged */
    struct slo_sample slow = ok, failing = ok, missing = ok, busy = ok;
    slow.p99 = 0.26;
    failing.errors = 11;
    missing.served = 899;
    busy.db_utilization = 0.81;
    const struct slo_sample broken[] = {slow, failing, missing, busy};
    for (int k = 0; k < N_SLO_OBJECTIVES; k++) {
        v = judge(&c, broken[k]);
        ck_assert_double_eq(v.ok, 0);
        for (int i = 0; i < N_SLO_OBJECTIVES; i++)
            ck_assert_double_eq(v.objective_ok[i], i == k ? 0 : 1);
    }
    /* the limits themselves hold (at most / at least) */
    struct slo_sample edge = ok;
    edge.p99 = 0.25;
    edge.errors = 10;
    edge.served = 900;
    edge.db_utilization = 0.8;
    ck_assert_double_eq(judge(&c, edge).ok, 1);
}
END_TEST

/* An all-error window has no p99 but is not fast; a window nobody was
 * served in is not served from the cache; a window with no traffic at
 * all breaks nothing. */
START_TEST(windows_without_a_reply)
{
    struct slo_config c = objectives(0.25, NAN, 0.9, NAN);
    struct slo_sample all_errors = {.arrivals = 100, .completed = 100,
                                    .errors = 100, .p99 = NAN};
    struct slo_verdict v = judge(&c, all_errors);
    ck_assert_double_eq(v.objective_ok[SLO_P99], 0);
    ck_assert_double_eq(v.objective_ok[SLO_HIT_RATIO], 0);
    ck_assert(isnan(v.objective_ok[SLO_ERROR_RATE]));   /* not set */
    ck_assert(isnan(v.objective_ok[SLO_DB_UTILIZATION]));
    ck_assert_double_eq(v.ok, 0);
    /* requests arrived, none completed: stuck, not fast */
    struct slo_sample stuck = {.arrivals = 100, .p99 = NAN};
    ck_assert_double_eq(judge(&c, stuck).ok, 0);
    struct slo_sample idle = {.p99 = NAN};
    ck_assert_double_eq(judge(&c, idle).ok, 1);
    /* nothing completed: an error rate of 0 */
    struct slo_config errors_only = objectives(NAN, 0.001, NAN, NAN);
    ck_assert_double_eq(judge(&errors_only, stuck).ok, 1);
    /* no slo: nothing judged */
    struct slo_config none = {.set = false};
    v = judge(&none, stuck);
    ck_assert(isnan(v.ok));
}
END_TEST

/* ---- a run's windows ---- */

struct window {
    double start, span;
    bool ok;
};

static struct slo_totals follow(const struct window *w, size_t n,
                                double reference)
{
    struct slo_track t;
    slo_track_init(&t);
    for (size_t i = 0; i < n; i++)
        slo_track_window(&t, w[i].start, w[i].span, w[i].ok);
    struct slo_totals out;
    slo_track_result(&t, reference, &out);
    return out;
}

START_TEST(recovery_is_counted_from_the_incident_or_the_first_violation)
{
    /* broken in [3, 5) and [6, 7), held after */
    const struct window w[] = {{2, 1, true},  {3, 1, false}, {4, 1, false},
                               {5, 1, true},  {6, 1, false}, {7, 1, true},
                               {8, 0.5, true}};
    struct slo_totals t = follow(w, 7, 5.5);
    ck_assert_uint_eq(t.violations, 3);
    ck_assert_double_eq(t.out_of_slo, 3);
    ck_assert_double_eq(t.first_violation, 3);
    ck_assert(t.recovered);
    ck_assert_double_eq(t.recovery, 7 - 5.5);   /* the incident's end */
    t = follow(w, 7, NAN);
    ck_assert_double_eq(t.recovery, 7 - 3);     /* the first violation */
    /* back in SLO before the last incident: 0, not a negative time */
    t = follow(w, 7, 9);
    ck_assert_double_eq(t.recovery, 0);
    /* nothing broke: nothing to recover from */
    const struct window fine[] = {{0, 1, true}, {1, 1, true}};
    t = follow(fine, 2, 0.5);
    ck_assert_uint_eq(t.violations, 0);
    ck_assert(t.recovered);
    ck_assert_double_eq(t.recovery, 0);
    ck_assert(isnan(t.first_violation));
    /* broken at the end: not recovered, whatever came before */
    const struct window end[] = {{0, 1, false}, {1, 1, true}, {2, 1, false}};
    t = follow(end, 3, 0.5);
    ck_assert(!t.recovered);
    ck_assert(isnan(t.recovery));
    ck_assert_uint_eq(t.violations, 2);
}
END_TEST

/* ---- runs, read back from their files ---- */

/* timeseries.csv of a run's folder, as a table. */
static void csv_read(const char *dir, struct csv_table *c)
{
    char *path = path_in(dir, "timeseries.csv");
    csv_table_read(path, c);
    free(path);
}

/* A measured row of replication 0 of `label`. */
static bool measured(const struct csv_table *c, size_t row, const char *label)
{
    return strcmp(csv_cell(c, row, "label"), label) == 0 &&
           csv_num(c, row, "rep") == 0 && csv_num(c, row, "warmup") == 0;
}

/* A policy object of summary.json, by label. */
static const cJSON *policy(const cJSON *summary, const char *label)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(summary, "policies"))
        if (strcmp(cJSON_GetObjectItem(p, "label")->valuestring, label) == 0)
            return p;
    ck_abort_msg("no policy %s", label);
    return NULL;
}

/* group.key of a policy: a number, a boolean as 1/0, null as NaN. */
static double field(const cJSON *p, const char *group, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(p, group), key);
    ck_assert_msg(v != NULL, "no %s.%s", group, key);
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Equal to the 10 significant digits the outputs print. */
static void assert_close(double got, double want, const char *what)
{
    ck_assert_msg((isnan(got) && isnan(want)) ||
                      fabs(got - want) <= 1e-9 * fmax(1, fabs(want)),
                  "%s: summary.json says %.12g, the windows %.12g", what,
                  got, want);
}

/* Runs scenario `json` (extra arguments after it) into a fresh
 * directory; returns the directory, with the exit status in *status. */
static char *run_in_dir(const char *json, const char *const *extra,
                        int *status, char **err)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", json);
    char *out = path_in(dir, "out");
    const char *args[16] = {"run", file, "--out", out, "--quiet"};
    size_t n = 5;
    for (size_t i = 0; extra && extra[i] && n < 15; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    struct cmd_result r = run_stampede(args);
    *status = r.status;
    if (err)
        *err = strdup(r.err);
    cmd_result_free(&r);
    free(file);
    free(dir);
    return out;   /* under the temporary directory: see done_with */
}

static void done_with(char *out)
{
    char *slash = strrchr(out, '/');
    *slash = '\0';
    remove_tree(out);
    free(out);
}

/* A database that loses 7 of its 8 cores from 10 s to 20 s under a load
 * it carries at about 25 % utilisation: the incident breaks the SLO and
 * ends on a window boundary. */
static const char INCIDENT[] =
    "{\"duration\": \"30s\", \"warmup\": \"2s\", \"window\": \"1s\","
    " \"workload\": {\"arrivals\": {\"rate\": 2000},"
    "   \"keys\": {\"count\": 400, \"popularity\": \"uniform\"}},"
    " \"cache\": {\"ttl\": \"2s\", \"ttl_jitter\": 0.5},"
    " \"database\": {\"cores\": 8, \"service\": {\"dist\": \"exponential\","
    "   \"mean\": \"10ms\"}, \"max_connections\": 100},"
    " \"client\": {\"pool_size\": 50, \"timeout\": \"1s\","
    "   \"pool_timeout\": \"1s\"},"
    " \"policies\": [{\"policy\": \"lock\"}, {\"policy\": \"none\"}],"
    " \"timeline\": [{\"at\": \"10s\", \"event\": \"database\", \"cores\": 1},"
    "   {\"at\": \"20s\", \"event\": \"database\", \"cores\": 8}],"
    " \"slo\": {\"p99\": \"250ms\", \"error_rate\": 0.001}}";

/* A hot key whose cache is flushed at 15 s, with clients that retry
 * three times: without protection the retries keep the database at its
 * connection limit and the key is never written again. The collapse does
 * not depend on the draws: within 25 ms of the flush the pool's 50
 * queries share the 8 cores, so a query of 300 ms of work (cv 0.1: never
 * below 200 ms in practice) needs well over 1 s, past the timeout, and
 * none writes the key. (With 200 ms of work a query 2 sd short of the
 * mean finishes in time: whether the key was written again then hung on
 * the draws, a coin flip per miss.) The TTL outlives the run, so the
 * flush is the only miss; the cache's round trips are drawn, so that the
 * healthy windows' p99s are bucket midpoints, not the same constant
 * a few ulps apart, which the CSV's 10 digits would not tell apart. */
static const char STORM[] =
    "{\"duration\": \"30s\", \"warmup\": \"2s\", \"window\": \"1s\","
    " \"workload\": {\"arrivals\": {\"rate\": 2000}, \"keys\": {\"count\": 1}},"
    " \"cache\": {\"ttl\": \"60s\", \"warm\": \"synchronized\","
    "   \"latency\": {\"dist\": \"exponential\", \"mean\": \"500us\"}},"
    " \"database\": {\"cores\": 8, \"service\": {\"dist\": \"lognormal\","
    "   \"mean\": \"300ms\", \"cv\": 0.1}, \"max_connections\": 100},"
    " \"client\": {\"pool_size\": 50, \"timeout\": \"1s\", \"retries\": 3,"
    "   \"backoff\": \"50ms\"},"
    " \"policies\": [{\"policy\": \"none\"}],"
    " \"timeline\": [{\"at\": \"15s\", \"event\": \"cache_flush\"}],"
    " \"slo\": {\"p99\": \"250ms\", \"error_rate\": 0.001}}";

/* The worst window of each figure, found here among the measured rows of
 * timeseries.csv, is what summary.json says. */
static void check_worst_window(const struct csv_table *c, const cJSON *p,
                               const char *label)
{
    double p99 = NAN, t = NAN, err = NAN, hit = NAN, inflight = NAN,
           util = NAN;
    size_t rows = 0;
    for (size_t r = 1; r < c->rows; r++) {
        if (!measured(c, r, label))
            continue;
        rows++;
        double v = csv_num(c, r, "p99_ms");
        if (!isnan(v) && (isnan(p99) || v > p99)) {
            p99 = v;
            t = csv_num(c, r, "t_s");
        }
        double done = csv_num(c, r, "completed");
        double e = done > 0 ? csv_num(c, r, "error") / done : 0;
        err = isnan(err) || e > err ? e : err;
        v = csv_num(c, r, "hit_ratio");
        hit = !isnan(v) && (isnan(hit) || v < hit) ? v : hit;
        v = csv_num(c, r, "db_inflight_max");
        inflight = isnan(inflight) || v > inflight ? v : inflight;
        v = csv_num(c, r, "db_util");
        util = isnan(util) || v > util ? v : util;
    }
    ck_assert_uint_eq(rows, 28);   /* 30 s less the 2 s of warmup */
    assert_close(field(p, "worst_window", "p99_ms"), p99, "p99_ms");
    assert_close(field(p, "worst_window", "t_s"), t, "t_s");
    assert_close(field(p, "worst_window", "error_rate"), err, "error_rate");
    assert_close(field(p, "worst_window", "hit_ratio"), hit, "hit_ratio");
    assert_close(field(p, "worst_window", "db_inflight_max"), inflight,
                 "db_inflight_max");
    assert_close(field(p, "worst_window", "db_utilization"), util,
                 "db_utilization");
    /* the worst window is worse than the whole run's figure */
    ck_assert_double_ge(p99, field(p, "latency_ms", "p99"));
}

START_TEST(worst_window_is_the_worst_of_the_csv_windows)
{
    const char *const scenarios[] = {INCIDENT, STORM};
    const char *const labels[][2] = {{"lock", "none"}, {"none", NULL}};
    for (int k = 0; k < 2; k++) {
        int status;
        char *out = run_in_dir(scenarios[k], NULL, &status, NULL);
        ck_assert_int_eq(status, 0);
        struct csv_table c;
        csv_read(out, &c);
        cJSON *summary = read_json_in(out, "summary.json");
        for (int i = 0; i < 2 && labels[k][i]; i++)
            check_worst_window(&c, policy(summary, labels[k][i]),
                               labels[k][i]);
        cJSON_Delete(summary);
        csv_table_free(&c);
        done_with(out);
    }
}
END_TEST

/* What the scenario's slo says of a window, from its counts in the CSV
 * (p99 250 ms, error rate 0.1 %). */
static bool window_holds(const struct csv_table *c, size_t r, bool *p99_ok,
                         bool *errors_ok)
{
    double done = csv_num(c, r, "completed"), errors = csv_num(c, r, "error");
    double replies = done - errors;
    bool idle = done == 0 && csv_num(c, r, "arrivals") == 0;
    *p99_ok = replies > 0 ? csv_num(c, r, "p99_ms") <= 250 : idle;
    *errors_ok = done == 0 || errors / done <= 0.001;
    return *p99_ok && *errors_ok;
}

/* The SLO's columns and totals, recomputed from the windows' counts:
 * every measured row's verdict, the time out of it, the first violation,
 * and the recovery from the last incident (`reference`). */
static void check_slo(const struct csv_table *c, const cJSON *p,
                      const char *label, double reference)
{
    double out_of = 0, first = NAN, last_end = NAN, violations = 0;
    bool last_ok = true;
    for (size_t r = 1; r < c->rows; r++) {
        if (strcmp(csv_cell(c, r, "label"), label) != 0)
            continue;
        if (csv_num(c, r, "warmup") == 1) {   /* not measured: not judged */
            ck_assert_str_eq(csv_cell(c, r, "slo_ok"), "");
            continue;
        }
        bool p99_ok, errors_ok, ok = window_holds(c, r, &p99_ok, &errors_ok);
        ck_assert_double_eq(csv_num(c, r, "slo_ok"), ok);
        ck_assert_double_eq(csv_num(c, r, "slo_p99_ok"), p99_ok);
        ck_assert_double_eq(csv_num(c, r, "slo_error_rate_ok"), errors_ok);
        ck_assert_str_eq(csv_cell(c, r, "slo_hit_ratio_ok"), "");   /* unset */
        last_ok = ok;
        if (ok)
            continue;
        violations++;
        out_of += csv_num(c, r, "span_s");
        first = isnan(first) ? csv_num(c, r, "t_s") : first;
        last_end = csv_num(c, r, "t_s") + csv_num(c, r, "span_s");
    }
    assert_close(field(p, "slo", "violations"), violations, "violations");
    assert_close(field(p, "slo", "out_of_slo_s"), out_of, "out_of_slo_s");
    assert_close(field(p, "slo", "first_violation_s"), first,
                 "first_violation_s");
    assert_close(field(p, "slo", "recovered"), last_ok, "recovered");
    double recovery = !last_ok ? NAN : violations == 0 ? 0
                      : fmax(0, last_end - reference);
    assert_close(field(p, "slo", "recovery_s"), recovery, "recovery_s");
}

START_TEST(slo_verdicts_follow_the_windows)
{
    const char *const scenarios[] = {INCIDENT, STORM};
    const double last_incident[] = {20, 15};
    const char *const labels[][2] = {{"lock", "none"}, {"none", NULL}};
    for (int k = 0; k < 2; k++) {
        int status;
        char *out = run_in_dir(scenarios[k], NULL, &status, NULL);
        ck_assert_int_eq(status, 0);
        struct csv_table c;
        csv_read(out, &c);
        cJSON *summary = read_json_in(out, "summary.json");
        for (int i = 0; i < 2 && labels[k][i]; i++)
            check_slo(&c, policy(summary, labels[k][i]), labels[k][i],
                      last_incident[k]);
        cJSON_Delete(summary);
        csv_table_free(&c);
        done_with(out);
    }
}
END_TEST

/* Cores come back at 20 s. The queries in execution then finish or time
 * out within client.timeout (1 s), and a lock's waiters wait no longer
 * than their holder's query, so every request that arrived during the
 * incident has replied by about 21 s; the window [20, 21) holds those
 * slow replies, and from 21 s the database, at 25 % utilisation, keeps
 * up. The recovery is counted in whole windows (the incident ends on a
 * boundary), up to the end of the last broken one: so it is 1 or 2 s —
 * the tolerance is the window granularity plus the timeout, not a
 * statistical one. Checked over five seeds. */
START_TEST(an_incident_that_ends_gives_a_recovery_near_its_end)
{
    for (int seed = 1; seed <= 5; seed++) {
        char seed_text[16];
        snprintf(seed_text, sizeof seed_text, "%d", seed);
        const char *extra[] = {"--policy", "lock", "--seed", seed_text, NULL};
        int status;
        char *out = run_in_dir(INCIDENT, extra, &status, NULL);
        ck_assert_int_eq(status, 0);
        cJSON *summary = read_json_in(out, "summary.json");
        const cJSON *p = policy(summary, "lock");
        double recovery = field(p, "slo", "recovery_s");
        ck_assert_msg(field(p, "slo", "recovered") == 1, "seed %d", seed);
        ck_assert_msg(recovery >= 1 && recovery <= 2 &&
                          recovery == floor(recovery),
                      "seed %d: recovery_s %g", seed, recovery);
        /* the incident did break it, and nothing broke before it */
        ck_assert_double_ge(field(p, "slo", "violations"), 5);
        ck_assert_double_ge(field(p, "slo", "first_violation_s"), 10);
        cJSON_Delete(summary);
        done_with(out);
    }
}
END_TEST

/* After the flush the retries hold the database at its connection limit
 * and every request fails to the end of the run: the run has not
 * recovered, and says so — also when the only objective is a loose p99,
 * since windows whose requests all failed are not fast ones. */
START_TEST(a_retry_storm_that_stays_collapsed_has_not_recovered)
{
    const char *const loose[] = {"--set", "slo={\"p99\": \"10s\"}", NULL};
    for (int k = 0; k < 2; k++) {
        int status;
        char *out = run_in_dir(STORM, k ? loose : NULL, &status, NULL);
        ck_assert_int_eq(status, 0);
        cJSON *summary = read_json_in(out, "summary.json");
        const cJSON *p = policy(summary, "none");
        const cJSON *slo = cJSON_GetObjectItem(p, "slo");
        ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(slo, "recovered")));
        ck_assert(cJSON_IsNull(cJSON_GetObjectItem(slo, "recovery_s")));
        /* from the flush to the end: 15 windows at least */
        ck_assert_double_ge(field(p, "slo", "out_of_slo_s"), 15);
        /* the collapse, as the model's own detector sees it */
        ck_assert_double_eq(cJSON_GetObjectItem(p, "collapsed")->valuedouble,
                            1);
        /* every window from 15 s has no successful reply */
        struct csv_table c;
        csv_read(out, &c);
        for (size_t r = 1; r < c.rows; r++)
            if (csv_num(&c, r, "t_s") >= 15) {
                ck_assert_double_eq(csv_num(&c, r, "completed"),
                                    csv_num(&c, r, "error"));
                ck_assert_double_eq(csv_num(&c, r, "slo_p99_ok"), 0);
            }
        csv_table_free(&c);
        cJSON_Delete(summary);
        done_with(out);
    }
}
END_TEST

/* An SLO window of three output windows: its rows share one verdict, on
 * the three windows' errors pooled (aligned to t = 0). */
START_TEST(an_slo_window_spans_several_windows)
{
    const char *extra[] = {"--set", "slo={\"error_rate\": 0.02, "
                           "\"window\": \"3s\"}", "--set", "warmup=3s",
                           NULL};
    int status;
    char *out = run_in_dir(INCIDENT, extra, &status, NULL);
    ck_assert_int_eq(status, 0);
    struct csv_table c;
    csv_read(out, &c);
    size_t judged = 0, broken = 0;
    for (size_t r = 1; r + 2 < c.rows; r++) {
        if (!measured(&c, r, "lock") || fmod(csv_num(&c, r, "t_s"), 3) != 0)
            continue;
        double errors = 0, done = 0;
        for (size_t k = r; k < r + 3; k++) {
            ck_assert_str_eq(csv_cell(&c, k, "label"), "lock");
            errors += csv_num(&c, k, "error");
            done += csv_num(&c, k, "completed");
        }
        double want = done == 0 || errors / done <= 0.02;
        for (size_t k = r; k < r + 3; k++)
            ck_assert_msg(csv_num(&c, k, "slo_ok") == want, "t = %g",
                          csv_num(&c, k, "t_s"));
        judged++;
        broken += want == 0;
    }
    ck_assert_uint_ge(judged, 8);
    ck_assert_uint_ge(broken, 1);
    /* the SLO window is part of the scenario as run */
    cJSON *scen = read_json_in(out, "scenario.json");
    ck_assert_double_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(scen, "slo"), "window")
            ->valuedouble, 3);
    cJSON_Delete(scen);
    csv_table_free(&c);
    done_with(out);
}
END_TEST

/* Exit status 3 exactly when a run breaks an objective: whatever the
 * objective, the status agrees with the violations summary.json counts,
 * and the files are written either way. */
START_TEST(fail_on_slo_exits_3_exactly_when_an_objective_breaks)
{
    static const char *const SLOS[] = {
        "slo={\"p99\": \"250ms\"}",           /* the incident breaks it */
        "slo={\"p99\": \"5s\"}",              /* nothing does */
        "slo={\"db_utilization\": 1}",        /* never above 1 */
        "slo={\"error_rate\": 0.001}",        /* the incident's errors */
        "slo={\"hit_ratio\": 0.01}",          /* always met */
    };
    int broke = 0, held = 0;
    for (size_t k = 0; k < sizeof SLOS / sizeof SLOS[0]; k++) {
        const char *extra[] = {"--set", SLOS[k], "--policy", "lock",
                               "--fail-on-slo", NULL};
        int status;
        char *err;
        char *out = run_in_dir(INCIDENT, extra, &status, &err);
        cJSON *summary = read_json_in(out, "summary.json");
        double violations = field(policy(summary, "lock"), "slo",
                                  "violations");
        ck_assert_msg(status == (violations > 0 ? 3 : 0), "%s: exit %d with "
                      "%g violations: %s", SLOS[k], status, violations, err);
        ck_assert(status == 0 || strstr(err, "SLO broken by lock"));
        char *csv = path_in(out, "timeseries.csv");
        char *rows = read_text_file(csv, NULL);
        ck_assert_msg(rows && count_lines(rows) > 1, "%s: no rows", csv);
        free(rows);
        free(csv);
        broke += status == 3;
        held += status == 0;
        cJSON_Delete(summary);
        free(err);
        done_with(out);
    }
    ck_assert_int_eq(broke, 2);
    ck_assert_int_eq(held, 3);
    /* no slo, nothing to hold: a usage error, before anything runs */
    const char *extra[] = {"--set", "duration=5s", "--fail-on-slo", NULL};
    char *err;
    int status;
    char *out = run_in_dir("{}", extra, &status, &err);
    ck_assert_int_eq(status, 2);
    ck_assert_ptr_nonnull(strstr(err, "--fail-on-slo: the scenario has no "
                                      "slo"));
    free(err);
    done_with(out);
}
END_TEST

/* Over replications a yes/no keeps the {mean, ci95, values} shape: the
 * values are booleans and the mean is the share of true. */
START_TEST(recovered_over_replications_is_a_share)
{
    const char *extra[] = {"--reps", "3", "--set", "duration=12s", NULL};
    int status;
    char *out = run_in_dir(STORM, extra, &status, NULL);
    ck_assert_int_eq(status, 0);
    cJSON *summary = read_json_in(out, "summary.json");
    const cJSON *rec = cJSON_GetObjectItem(
        cJSON_GetObjectItem(policy(summary, "none"), "slo"), "recovered");
    const cJSON *values = cJSON_GetObjectItem(rec, "values");
    ck_assert_int_eq(cJSON_GetArraySize(values), 3);
    double yes = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, values) {
        ck_assert(cJSON_IsBool(v));
        yes += cJSON_IsTrue(v);
    }
    ck_assert_double_eq_tol(cJSON_GetObjectItem(rec, "mean")->valuedouble,
                            yes / 3, 1e-9);
    cJSON_Delete(summary);
    done_with(out);
}
END_TEST

/* Without an slo, summary.json has the worst window and no slo object,
 * and the SLO's columns are there, empty. */
START_TEST(without_an_slo_nothing_is_judged)
{
    const char *extra[] = {"--set", "duration=6s", NULL};
    int status;
    char *out = run_in_dir("{\"workload\": {\"arrivals\": {\"rate\": 100}}}",
                           extra, &status, NULL);
    ck_assert_int_eq(status, 0);
    cJSON *summary = read_json_in(out, "summary.json");
    const cJSON *p = policy(summary, "none");
    ck_assert_ptr_null(cJSON_GetObjectItem(p, "slo"));
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(p, "worst_window"));
    struct csv_table c;
    csv_read(out, &c);
    ck_assert_uint_eq(c.rows, 7);
    for (size_t r = 1; r < c.rows; r++)
        ck_assert_str_eq(csv_cell(&c, r, "slo_ok"), "");
    csv_table_free(&c);
    cJSON_Delete(summary);
    done_with(out);
}
END_TEST

/* ---- the slo block of a scenario ---- */

START_TEST(the_slo_block_loads_describes_and_round_trips)
{
    static const char JSON[] =
        "{\"window\": \"2s\", \"slo\": {\"p99\": \"250ms\", \"error_rate\": "
        "0.001, \"hit_ratio\": 0.9, \"db_utilization\": 0.8, \"window\": "
        "\"10s\"}}";
    struct scenario *s = test_scenario("s.json", JSON, NULL, 0);
    const struct slo_config *c = &s->model.slo;
    ck_assert(c->set);
    ck_assert_double_eq(c->limit[SLO_P99], 0.25);
    ck_assert_double_eq(c->limit[SLO_ERROR_RATE], 0.001);
    ck_assert_double_eq(c->limit[SLO_HIT_RATIO], 0.9);
    ck_assert_double_eq(c->limit[SLO_DB_UTILIZATION], 0.8);
    ck_assert_double_eq(c->window, 10);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    scenario_describe(s, f);
    fclose(f);
    ck_assert_msg(strstr(text, "slo       p99 <= 250ms, errors <= 0.1%, hits "
                               ">= 90%, database utilisation <= 80%; judged "
                               "over 10s windows\n"), "%s", text);
    free(text);
    /* scenario.json loads again to the same */
    cJSON *j = scenario_to_json(s);
    char *written = cJSON_PrintUnformatted(j);
    struct scenario *again = test_scenario("again.json", written, NULL, 0);
    ck_assert(again->model.slo.set);
    for (int i = 0; i < N_SLO_OBJECTIVES; i++)
        ck_assert_double_eq(again->model.slo.limit[i], c->limit[i]);
    ck_assert_double_eq(again->model.slo.window, c->window);
    free(written);
    cJSON_Delete(j);
    scenario_free(again);
    scenario_free(s);
    /* the default window is the scenario's; --set makes the block */
    const char *sets[] = {"slo.p99=100ms", "window=500ms"};
    s = test_scenario("set.json", "{}", sets, 2);
    ck_assert(s->model.slo.set);
    ck_assert_double_eq(s->model.slo.limit[SLO_P99], 0.1);
    ck_assert(isnan(s->model.slo.limit[SLO_ERROR_RATE]));
    ck_assert_double_eq(s->model.slo.window, 0.5);
    scenario_free(s);
    s = test_scenario("none.json", "{}", NULL, 0);
    ck_assert(!s->model.slo.set);
    scenario_free(s);
}
END_TEST

START_TEST(bad_slo_fields_are_explained)
{
    static const struct {
        const char *json, *line;
    } cases[] = {
        {"{\"slo\": {}}",
         "s.json:1:9: slo: an slo needs at least one objective: p99, "
         "error_rate, hit_ratio or db_utilization"},
        {"{\"slo\": {\"window\": \"5s\"}}",
         "s.json:1:9: slo: an slo needs at least one objective: p99, "
         "error_rate, hit_ratio or db_utilization"},
        {"{\"slo\": {\"p99\": \"fast\"}}",
         "s.json:1:17: slo.p99: bad duration \"fast\": a duration is a "
         "number followed by a unit, like \"200ms\""},
        {"{\"slo\": {\"p99\": 0}}",
         "s.json:1:17: slo.p99: expected a duration > 0, got 0"},
        {"{\"slo\": {\"error_rate\": 1.5}}",
         "s.json:1:24: slo.error_rate: expected a number between 0 and 1, "
         "got 1.5"},
        {"{\"slo\": {\"db_utilization\": 0}}",
         "s.json:1:28: slo.db_utilization: expected a number > 0 and <= 1, "
         "got 0"},
        {"{\"slo\": {\"p99\": \"1s\", \"eror_rate\": 0.1}}",
         "s.json:1:23: slo.eror_rate: unknown field \"eror_rate\" (did you "
         "mean \"error_rate\"?)"},
        {"{\"slo\": {\"p99\": \"1s\", \"window\": \"1500ms\"}}",
         "s.json:1:33: slo.window: an SLO window is a whole number of the "
         "scenario's windows (1s), got 1.5s"},
        {"{\"slo\": {\"p99\": \"1s\", \"window\": \"500ms\"}}",
         "s.json:1:33: slo.window: an SLO window is a whole number of the "
         "scenario's windows (1s), got 0.5s"},
        {"{\"slo\": {\"p99\": \"1s\", \"window\": \"2m\"}, \"duration\": \"1h\"}",
         "s.json:1:33: slo.window: an SLO window spans at most 100 of the "
         "scenario's windows (1s), got 120 (make the window longer)"},
        {"{\"slo\": 250}", "s.json:1:9: slo: expected an object, got 250"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct scenario_errors errors = {0};
        struct scenario *s = scenario_load_text(
            "s.json", cases[i].json, strlen(cases[i].json), NULL, 0, &errors);
        ck_assert_msg(s == NULL, "%s loaded", cases[i].json);
        ck_assert_msg(errors.n >= 1, "%s: no error", cases[i].json);
        ck_assert_str_eq(errors.lines[0], cases[i].line);
        scenario_errors_free(&errors);
    }
}
END_TEST

TEST_SUITE(slo_suite)
{
    Suite *s = suite_create("slo");
    TCase *judging = tcase_create("judging");
    tcase_add_test(judging, each_objective_is_judged_on_its_own);
    tcase_add_test(judging, windows_without_a_reply);
    tcase_add_test(judging, recovery_is_counted_from_the_incident_or_the_first_violation);
    tcase_add_test(judging, the_slo_block_loads_describes_and_round_trips);
    tcase_add_test(judging, bad_slo_fields_are_explained);
    suite_add_tcase(s, judging);
    TCase *runs = tcase_create("runs");
    tcase_add_test(runs, worst_window_is_the_worst_of_the_csv_windows);
    tcase_add_test(runs, slo_verdicts_follow_the_windows);
    tcase_add_test(runs, an_incident_that_ends_gives_a_recovery_near_its_end);
    tcase_add_test(runs, a_retry_storm_that_stays_collapsed_has_not_recovered);
    tcase_add_test(runs, an_slo_window_spans_several_windows);
    tcase_add_test(runs, fail_on_slo_exits_3_exactly_when_an_objective_breaks);
    tcase_add_test(runs, recovered_over_replications_is_a_share);
    tcase_add_test(runs, without_an_slo_nothing_is_judged);
    tcase_set_timeout(runs, 120);
    suite_add_tcase(s, runs);
    return s;
}
