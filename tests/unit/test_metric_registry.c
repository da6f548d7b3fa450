/*
 * test_metric_registry.c — the metric registry (models/metric_registry.c)
 * and the layouts that pick from it (sim/output/report.c, sweep_csv.c):
 * names follow the model's enums and never clash, every layout name
 * exists, and each metric's declared fold is what the run's value
 * really is, recomputed here from the windows of a run.
 */
#include <math.h>
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "experiment/summary.h"
#include "locking.h"
#include "metric_registry.h"
#include "output/report.h"
#include "output/sweep_csv.h"

START_TEST(names_follow_the_enums)
{
    struct metric_info m;
    char name[METRIC_NAME_MAX];
    for (int i = 0; i < N_OUTCOMES; i++) {
        snprintf(name, sizeof name, "outcomes.%s", OUTCOME_NAMES[i]);
        ck_assert_msg(metric_find(name, &m), "%s", name);
        ck_assert_str_eq(m.column, OUTCOME_NAMES[i]);
        ck_assert_int_eq(m.def->arg, i);
    }
    for (int i = 0; i < N_ERROR_CAUSES; i++) {
        snprintf(name, sizeof name, "errors.%s", ERROR_CAUSE_NAMES[i]);
        ck_assert_msg(metric_find(name, &m), "%s", name);
        snprintf(name, sizeof name, "err_%s", ERROR_CAUSE_NAMES[i]);
        ck_assert_str_eq(m.column, name);
        ck_assert_int_eq(m.def->arg, i);
    }
    for (int i = 0; i < N_RECOMPUTE_CAUSES; i++) {
        snprintf(name, sizeof name, "recomputes.%s", RECOMPUTE_CAUSE_NAMES[i]);
        ck_assert_msg(metric_find(name, &m), "%s", name);
        ck_assert_int_eq(m.def->arg, i);
    }
}
END_TEST

/* No column is written twice, no model field twice; every metric has a
 * unit (possibly empty), a label and a meaning. */
START_TEST(names_are_unique_and_described)
{
    size_t n = metric_count();
    ck_assert_uint_gt(n, 60);
    for (size_t i = 0; i < n; i++) {
        struct metric_info a;
        metric_get(i, &a);
        ck_assert_msg(a.field[0] || a.column[0], "metric %zu has no name", i);
        ck_assert_ptr_nonnull(a.unit);
        ck_assert_msg(a.label && a.label[0], "%s%s: no label", a.field,
                      a.column);
        ck_assert_msg(a.meaning && a.meaning[0], "%s%s: no meaning", a.field,
                      a.column);
        for (size_t k = i + 1; k < n; k++) {
            struct metric_info b;
            metric_get(k, &b);
            ck_assert_msg(!a.column[0] || strcmp(a.column, b.column) != 0,
                          "column %s twice", a.column);
            ck_assert_msg(a.policy || b.policy || !a.field[0] ||
                              strcmp(a.field, b.field) != 0,
                          "field %s twice", a.field);
        }
    }
}
END_TEST

/* Every column of the model is in timeseries.csv's layout (or is one of
 * its dimensions), and every name a layout uses exists. */
START_TEST(layouts_name_registered_metrics)
{
    const char *const *layout;
    size_t n_layout = timeseries_layout(&layout);
    struct metric_info m;
    for (size_t i = 0; i < n_layout; i++)
        ck_assert_msg(metric_find(layout[i], &m), "%s", layout[i]);
    size_t n = metric_count();
    for (size_t i = 0; i < n; i++) {
        metric_get(i, &m);
        if (m.policy || !m.column[0])
            continue;
        bool placed = false;
        for (size_t k = 0; k < n_layout; k++)
            placed |= strcmp(layout[k], m.column) == 0;
        for (size_t k = 0; TIMESERIES_DIMENSIONS[k]; k++)
            placed |= strcmp(TIMESERIES_DIMENSIONS[k], m.column) == 0;
        placed |= strcmp(TIMESERIES_COMPLETE, m.column) == 0;
        ck_assert_msg(placed, "column %s is not in timeseries.csv", m.column);
    }
    struct metric_info sweep[SWEEP_CSV_MAX_METRICS];
    size_t n_sweep = sweep_csv_metrics(sweep, SWEEP_CSV_MAX_METRICS, true);
    ck_assert_uint_eq(n_sweep, 15);
    for (size_t i = 0; i < n_sweep; i++)
        ck_assert_msg(sweep[i].field[0], "sweep metric %zu has no field", i);
    /* without an slo, the SLO's are left out, and only they */
    struct metric_info plain[SWEEP_CSV_MAX_METRICS];
    size_t n_plain = sweep_csv_metrics(plain, SWEEP_CSV_MAX_METRICS, false);
    ck_assert_uint_eq(n_plain, 12);
    for (size_t i = 0; i < n_plain; i++)
        ck_assert_msg(!plain[i].slo, "%s without an slo", plain[i].field);
}
END_TEST

/* A run's summary holds every field of the registry for its policy:
 * none are dropped for want of room. */
START_TEST(summaries_hold_every_field)
{
    for (const struct policy_ops *const *p = policy_all(); *p; p++) {
        size_t fields = 0;
        size_t n = metric_count();
        for (size_t i = 0; i < n; i++) {
            struct metric_info m;
            metric_get(i, &m);
            fields += m.field[0] && (!m.policy || m.policy == *p);
            /* and its path fits, a list's with its largest index */
            size_t room = m.per_instance ? SUMMARY_PATH_MAX - 5
                                         : SUMMARY_PATH_MAX - 1;
            ck_assert_msg(strlen(m.field) <= room, "%s: too long a path",
                          m.field);
            if (m.per_instance)
                fields += SUMMARY_MAX_INSTANCES - 1;
        }
        ck_assert_msg(fields <= SUMMARY_MAX_VALUES, "%s: %zu fields > %d",
                      (*p)->name, fields, SUMMARY_MAX_VALUES);
    }
}
END_TEST

/* ---- the folds, recomputed from a run's windows ---- */

#define MAX_WINDOWS 64

struct windows {
    size_t n;
    double span[MAX_WINDOWS];
    double value[MAX_WINDOWS][256];   /* by registry index */
    const struct policy_ops *ops;
};

static void keep_window(const struct window_row *row, unsigned rep,
                        const struct policy_ops *ops, void *ctx)
{
    (void)rep;
    struct windows *w = ctx;
    ck_assert_uint_lt(w->n, MAX_WINDOWS);
    if (row->warmup)
        return;   /* the run's figures are of the measured windows */
    w->ops = ops;
    w->span[w->n] = row->span;
    size_t n = metric_count();
    ck_assert_uint_le(n, 256);
    for (size_t i = 0; i < n; i++) {
        struct metric_info m;
        metric_get(i, &m);
        w->value[w->n][i] = metric_window_value(&m, row, ops);
    }
    w->n++;
}

/* The fold of metric i over the windows, as its declaration says. */
static double fold_windows(const struct windows *w, size_t i,
                           enum metric_fold fold, double *lo, double *hi)
{
    double sum = 0, weighted = 0, span = 0;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t k = 0; k < w->n; k++) {
        double v = w->value[k][i];
        if (isnan(v))
            continue;
        sum += v;
        weighted += v * w->span[k];
        span += w->span[k];
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
    switch (fold) {
    case FOLD_SUM: return sum;
    case FOLD_MAX: return *hi;
    case FOLD_MIN: return *lo;
    case FOLD_RATE:
    case FOLD_TIME_MEAN: return weighted / span;
    default: return NAN;
    }
}

static size_t index_of_column(const char *column)
{
    size_t n = metric_count();
    for (size_t i = 0; i < n; i++) {
        struct metric_info m;
        metric_get(i, &m);
        if (strcmp(m.column, column) == 0)
            return i;
    }
    ck_abort_msg("no column %s", column);
    return 0;
}

/* A lock over a hot key whose expiries make stampede-sized windows, a
 * warmup on a window boundary (so the measured windows are exactly what
 * the run's totals pool), and background load for the database figures. */
static const char FOLDS[] =
    "{\"duration\": \"16s\", \"warmup\": \"2s\", \"window\": \"1s\","
    " \"workload\": {\"arrivals\": {\"rate\": 800}, \"keys\": {\"count\": 20,"
    "   \"popularity\": \"zipf\", \"s\": 1}},"
    " \"cache\": {\"ttl\": \"3s\", \"warm\": \"synchronized\"},"
    " \"database\": {\"cores\": 2, \"service\": {\"dist\": \"exponential\","
    "   \"mean\": \"40ms\"}, \"background\": {\"rate\": 10,"
    "   \"service\": \"20ms\"}},"
    " \"policies\": [{\"policy\": \"lock\", \"holder_failure\": 0.2}]}";

START_TEST(declared_folds_hold)
{
    static struct windows w;
    memset(&w, 0, sizeof w);
    struct scenario *s = test_scenario("folds.json", FOLDS, NULL, 0);
    struct run_summary r = test_run_policy(s, 0, keep_window, &w);
    scenario_free(s);
    ck_assert_uint_eq(w.n, 14);
    size_t n = metric_count(), checked = 0;
    for (size_t i = 0; i < n; i++) {
        struct metric_info m;
        metric_get(i, &m);
        if (!m.field[0] || (m.policy && m.policy != w.ops))
            continue;
        double run = summary_get(&r, m.field), lo, hi;
        size_t col = i;
        enum metric_fold fold = m.fold;
        if (m.def && m.def->of) {
            col = index_of_column(m.def->of);
        } else if (!m.column[0]) {
            continue;   /* of the whole run only */
        }
        double folded = fold_windows(&w, col, fold, &lo, &hi);
        if (!isnan(folded))
            /* sums of doubles in another order: equal to rounding */
            ck_assert_msg(fabs(folded - run) <= 1e-9 * fabs(run),
                          "%s: windows fold to %.12g, the run says %.12g",
                          m.field, folded, run);
        else if (fold == FOLD_RATIO || fold == FOLD_SHARE ||
                 fold == FOLD_HISTOGRAM)
            /* a pooled ratio (a mediant) and a quantile of a merged
             * histogram lie between the windows' own */
            ck_assert_msg(isnan(run) || (run >= lo - 1e-12 &&
                                         run <= hi + 1e-12),
                          "%s: %.12g outside the windows' [%.12g, %.12g]",
                          m.field, run, lo, hi);
        checked++;
    }
    ck_assert_uint_gt(checked, 40);
    /* and a few the folds above could not pin down, by their formula */
    ck_assert_double_gt(summary_get(&r, "episodes.count"), 0);
    ck_assert_double_eq_tol(summary_get(&r, "hit_ratio"),
                            (summary_get(&r, "outcomes.hit") +
                             summary_get(&r, "outcomes.stale")) /
                                summary_get(&r, "requests"), 1e-12);
    ck_assert_double_eq_tol(summary_get(&r, "error_rate"),
                            summary_get(&r, "outcomes.error") /
                                summary_get(&r, "requests"), 1e-12);
    ck_assert_double_eq_tol(summary_get(&r, "policy_metrics.mean_wait_s"),
                            summary_get(&r, "policy_metrics.wait_total_s") /
                                summary_get(&r, "policy_metrics.waits"),
                            1e-12);
}
END_TEST

/* The sum of a share's event fields ("a+b"), from a summary. */
static double events_of(const struct run_summary *r, const char *num)
{
    double sum = 0;
    char copy[2 * METRIC_NAME_MAX];
    snprintf(copy, sizeof copy, "%s", num);
    for (char *save, *f = strtok_r(copy, "+", &save); f;
         f = strtok_r(NULL, "+", &save))
        sum += test_get(r, f);
    return sum;
}

/* A share names the fields of its events and of its trials: they exist,
 * the events are some of the trials, and the share is their quotient —
 * for the model's shares (a lock run: overlaps, errors, hits) and a
 * policy's (per's missed and unstarted cycles). Another fold has none. */
START_TEST(shares_name_their_events_and_trials)
{
    static const char PER[] =
        "{\"duration\": \"30s\", \"workload\": {\"arrivals\": {\"rate\": 400},"
        " \"keys\": {\"count\": 20}}, \"cache\": {\"ttl\": \"2s\"},"
        " \"database\": {\"cores\": 8, \"service\": \"100ms\"},"
        " \"policies\": [{\"policy\": \"per\", \"beta\": 0.5}]}";
    struct run_summary runs[2] = {test_run_text("folds.json", FOLDS, NULL, 0),
                                  test_run_text("per.json", PER, NULL, 0)};
    size_t n = metric_count(), shares = 0;
    for (size_t i = 0; i < n; i++) {
        struct metric_info m;
        metric_get(i, &m);
        ck_assert_msg((m.fold == FOLD_SHARE) == (m.num[0] && m.den[0]),
                      "%s: a share, and only a share, has num and den",
                      m.field);
        if (m.fold != FOLD_SHARE)
            continue;
        struct metric_info den;
        ck_assert_msg(metric_find(m.den, &den) && den.fold == FOLD_SUM,
                      "%s: den %s", m.field, m.den);
        for (int k = 0; k < 2; k++) {
            if (!summary_has(&runs[k], m.field))
                continue;
            double events = events_of(&runs[k], m.num);
            double trials = test_get(&runs[k], m.den);
            ck_assert_msg(trials > 0 && events <= trials, "%s: %g of %g",
                          m.field, events, trials);
            ck_assert_double_eq_tol(test_get(&runs[k], m.field),
                                    events / trials, 1e-12);
            shares++;
        }
    }
    /* error_rate, hit_ratio, overlap_share twice; per's two, and xlocked's
     * two (the XFetch helper's: the same fields, read from the per run) */
    ck_assert_uint_eq(shares, 10);
    ck_assert(test_get(&runs[1], "policy_metrics.cycles_missed") > 0);
}
END_TEST

START_TEST(labels_and_unknown_names)
{
    ck_assert_str_eq(metric_label("latency_ms.p99"), "p99 latency (ms)");
    ck_assert_str_eq(metric_label("p99_ms"), "p99 latency (ms)");
    ck_assert_str_eq(metric_label("no.such"), "no.such");
    struct metric_info m;
    ck_assert(!metric_find("no.such", &m));
    ck_assert(metric_find("lock_polls", &m));
    ck_assert_str_eq(m.field, "policy_metrics.polls");
    ck_assert_str_eq(m.policy->name, "lock");
    ck_assert(metric_find("db_peak_inflight", &m));   /* a sweep stem */
    ck_assert_str_eq(m.field, "db.peak_inflight");
}
END_TEST

/* A metric two policies share (the lock helper's, listed by lock and
 * by a policy of this test after a table of its own) is found as the
 * first registered's; a run of the other reads its own value from its
 * own tables, where the name sits elsewhere — never NaN, never the first
 * policy's slot. A policy without the name reads NaN. */
static const struct policy_metric OWN_LIST[] = {
    {"own", FOLD_SUM, 0, 0, "things", "own things", "a count of its own", NULL},
};
static const struct policy_metric_table OWN = {OWN_LIST, 1};

static void no_read(void *state, struct request *r,
                    const struct cache_view *v)
{
    (void)state;
    (void)v;
    req_reply(r, OUTCOME_HIT);
}

static void no_recompute(void *state, struct request *r,
                         enum recompute_result result)
{
    (void)state;
    (void)result;
    req_reply(r, OUTCOME_COMPUTED);
}

START_TEST(a_shared_metric_is_read_from_each_policys_tables)
{
    static const struct policy_ops SHARER = {
        .name = "sharer", .on_read = no_read, .on_recomputed = no_recompute,
        .metrics = {&OWN, &LOCKING_METRICS},
    };
    struct metric_info m;
    ck_assert(metric_find("policy_metrics.polls", &m));
    ck_assert_str_eq(m.policy->name, "lock");
    ck_assert_int_eq(metric_policy_index(&m, policy_find("lock")),
                     LOCKING_POLLS);
    ck_assert_int_eq(metric_policy_index(&m, &SHARER), 1 + LOCKING_POLLS);
    ck_assert_int_eq(metric_policy_index(&m, policy_find("none")), -1);
    double acc[1 + LOCKING_N_METRICS] = {0};
    for (size_t i = 0; i < 1 + LOCKING_N_METRICS; i++)
        acc[i] = 10 + (double)i;
    struct tally tally = {.policy = acc};
    struct run_totals t = {.all = {.tally = &tally}};
    ck_assert_double_eq(metric_run_value(&m, &t, &SHARER),
                        11 + LOCKING_POLLS);
    ck_assert_double_eq(metric_window_value(&m, &t.all, &SHARER),
                        11 + LOCKING_POLLS);
    ck_assert_double_eq(metric_run_value(&m, &t, policy_find("lock")),
                        10 + LOCKING_POLLS);
    ck_assert(isnan(metric_run_value(&m, &t, policy_find("none"))));
    ck_assert(isnan(metric_window_value(&m, &t.all, policy_find("none"))));
}
END_TEST

TEST_SUITE(metric_registry_suite)
{
    Suite *s = suite_create("metric_registry");
    TCase *tc = tcase_create("registry");
    tcase_add_test(tc, names_follow_the_enums);
    tcase_add_test(tc, names_are_unique_and_described);
    tcase_add_test(tc, layouts_name_registered_metrics);
    tcase_add_test(tc, summaries_hold_every_field);
    tcase_add_test(tc, declared_folds_hold);
    tcase_add_test(tc, shares_name_their_events_and_trials);
    tcase_add_test(tc, labels_and_unknown_names);
    tcase_add_test(tc, a_shared_metric_is_read_from_each_policys_tables);
    suite_add_tcase(s, tc);
    return s;
}
