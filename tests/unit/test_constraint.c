/*
 * test_constraint.c — judging a point on a constraint
 * (sim/experiment/constraint.c): holds, fails or undecided on the 95 %
 * interval; for a share, the Clopper–Pearson interval of the pooled
 * counts; and how many replications would decide it.
 */
#include <math.h>
#include <string.h>

#include "../support.h"
#include "experiment/constraint.h"

/* A replication's summary with the given paths and values. */
static void set(struct run_summary *s, const char *path, double value)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->values[i].path, path) == 0) {
            s->values[i].value = value;
            return;
        }
    snprintf(s->values[s->n].path, SUMMARY_PATH_MAX, "%s", path);
    s->values[s->n++].value = value;
}

/* n replications of `trials` cycles each, missed[i] missed in the i-th. */
static void cycles(struct aggregate *a, const double *missed, size_t n,
                   double trials)
{
    static struct run_summary runs[8];
    const struct run_summary *p[8];
    for (size_t i = 0; i < n; i++) {
        runs[i].n = 0;
        set(&runs[i], "collapsed", 0);
        set(&runs[i], "policy_metrics.cycles", trials);
        set(&runs[i], "policy_metrics.cycles_missed", missed[i]);
        set(&runs[i], "policy_metrics.miss_share", missed[i] / trials);
        p[i] = &runs[i];
    }
    aggregate_summaries(p, n, a);
}

static struct constraint miss_share(double limit)
{
    struct constraint c;
    constraint_shorthand("max-miss-share", "policy_metrics.miss_share", limit,
                         &c);
    return c;
}

/* Three replications of 0 missed cycles read "0 ±0"; pooled, 0 of 30
 * bounds the share only below 11.57 % (1 - 0.025^(1/30)), far from 1 %:
 * undecided, and 368 cycles (ln 0.025 / ln 0.99 = 367.04) — 37
 * replications of 10 — would decide it. 0 of 412 holds. */
START_TEST(zero_events_bound_a_share_by_the_pooled_trials)
{
    static struct aggregate a;
    const double zero[] = {0, 0, 0, 0};
    struct constraint c = miss_share(0.01);
    ck_assert_str_eq(c.den, "policy_metrics.cycles");
    ck_assert_str_eq(c.trials_unit, "cycles");
    cycles(&a, zero, 3, 10);
    ck_assert_double_eq(summary_get(&a.ci95, "policy_metrics.miss_share"), 0);
    struct judgement j;
    constraint_judge(&a, &c, &j);
    ck_assert_int_eq(j.verdict, VERDICT_UNDECIDED);
    ck_assert_double_eq(j.events, 0);
    ck_assert_double_eq(j.trials, 30);
    ck_assert_double_eq_tol(j.hi, 0.115703308222, 1e-9);
    ck_assert_msg(j.reps_to_decide == 37, "%g", j.reps_to_decide);
    ck_assert(!constraint_holds(&a, &c));
    ck_assert_double_eq_tol(constraint_bound(&a, &c), 0.115703308222, 1e-9);
    /* simultaneous intervals for 14 values: each at 1 - 0.05 / 14, so
     * 0 of 30 is bounded by 1 - (0.05 / 28)^(1/30) = 19.05 % */
    constraint_judge_at(&a, &c, 1 - 0.05 / 14, &j);
    ck_assert_double_eq_tol(j.hi, 1 - pow(0.05 / 28, 1.0 / 30), 1e-9);
    ck_assert(j.hi > 0.19 && j.hi < 0.191);
    /* with 0.2 (the upper end 11.6 % is below): proven */
    c.limit = 0.2;
    constraint_judge(&a, &c, &j);
    ck_assert_int_eq(j.verdict, VERDICT_HOLDS);
    c.limit = 0.01;
    cycles(&a, zero, 4, 103);
    constraint_judge(&a, &c, &j);
    ck_assert_int_eq(j.verdict, VERDICT_HOLDS);
    ck_assert_double_eq_tol(j.hi, 0.00891362687578, 1e-9);
}
END_TEST

/* 30 of 60 missed: the lower end, 0.368 (binom.test(30, 60)), is above
 * 1 %: fails. A --min is judged on the lower end: two replications of
 * 985 hits and 5 stale replies of 1000 requests pool to 1980 of 2000,
 * lower end 0.984598 (binom.test(1980, 2000)), at least 0.98: holds. */
START_TEST(a_share_fails_on_its_lower_end_and_a_min_holds_on_it)
{
    static struct aggregate a;
    const double half[] = {15, 15};
    struct constraint c = miss_share(0.01);
    cycles(&a, half, 2, 30);
    struct judgement j;
    constraint_judge(&a, &c, &j);
    ck_assert_int_eq(j.verdict, VERDICT_FAILS);
    ck_assert(j.lo > 0.36 && j.lo < 0.37);
    static struct run_summary r;
    r.n = 0;
    set(&r, "collapsed", 0);
    set(&r, "requests", 1000);
    set(&r, "outcomes.hit", 985);
    set(&r, "outcomes.stale", 5);
    set(&r, "hit_ratio", 0.99);
    const struct run_summary *one[] = {&r, &r};
    aggregate_summaries(one, 2, &a);
    char err[256];
    ck_assert(constraint_parse("hit_ratio=0.98", true, &c, err, sizeof err));
    ck_assert_str_eq(c.num, "outcomes.hit+outcomes.stale");
    constraint_judge(&a, &c, &j);
    ck_assert_double_eq(j.events, 1980);
    ck_assert_double_eq(j.trials, 2000);
    ck_assert_int_eq(j.verdict, VERDICT_HOLDS);
    ck_assert_double_eq_tol(constraint_bound(&a, &c), 0.984597874216, 1e-9);
}
END_TEST

/* Misses in bursts: 0, 0, 9 of 30 each. Pooled, 9 of 90 (10 %) has the
 * interval [4.7 %, 18.2 %]; the replications' own, 10 % +- t(0.975, 2) *
 * 17.3 % / sqrt 3 = +-43 %, is wider, and is the one judged. */
START_TEST(a_burst_widens_a_share_to_the_replications_interval)
{
    static struct aggregate a;
    const double burst[] = {0, 0, 9};
    struct constraint c = miss_share(0.3);
    cycles(&a, burst, 3, 30);
    struct judgement j;
    constraint_judge(&a, &c, &j);
    double hw = summary_get(&a.ci95, "policy_metrics.miss_share");
    ck_assert_double_eq_tol(hw, 4.302652730 * sqrt(0.03) / sqrt(3), 1e-6);
    ck_assert_double_eq_tol(j.hi, 0.1 + hw, 1e-12);
    ck_assert_double_eq_tol(j.estimate, 0.1, 1e-12);
    ck_assert_int_eq(j.verdict, VERDICT_UNDECIDED);
}
END_TEST

/* Another metric: the mean and its t interval. p99 of 8, 10 and 12 ms:
 * 10 +- 4.9676 (t(0.975, 2) * 2 / sqrt 3). Limit 12: undecided, and the
 * interval clears it (t(R-1) * 2 / sqrt R < 2) from R = 7; 20 holds, 4
 * fails. Split replications and an undefined value fail. */
START_TEST(other_metrics_are_judged_on_the_t_interval)
{
    static struct run_summary r[3];
    static struct aggregate a;
    const double p99[] = {8, 10, 12};
    const struct run_summary *runs[3];
    for (int i = 0; i < 3; i++) {
        r[i].n = 0;
        set(&r[i], "collapsed", 0);
        set(&r[i], "latency_ms.p99", p99[i]);
        set(&r[i], "latency_ms.p999", NAN);
        runs[i] = &r[i];
    }
    aggregate_summaries(runs, 3, &a);
    struct constraint c;
    constraint_shorthand("max-p99-ms", "latency_ms.p99", 12, &c);
    ck_assert_str_eq(c.den, "");
    struct judgement j;
    constraint_judge(&a, &c, &j);
    ck_assert_int_eq(j.verdict, VERDICT_UNDECIDED);
    ck_assert_double_eq_tol(j.hi, 10 + 4.302652730 * 2 / sqrt(3), 1e-6);
    ck_assert(isnan(j.trials));
    ck_assert_double_eq(j.reps_to_decide, 7);
    c.limit = 20;
    ck_assert(constraint_holds(&a, &c));
    c.limit = 4;
    constraint_judge(&a, &c, &j);
    ck_assert_int_eq(j.verdict, VERDICT_FAILS);
    constraint_shorthand("max-p999", "latency_ms.p999", 100, &c);
    constraint_judge(&a, &c, &j);
    ck_assert_int_eq(j.verdict, VERDICT_FAILS);
    ck_assert(isinf(constraint_bound(&a, &c)));
    set(&r[2], "collapsed", 1);
    aggregate_summaries(runs, 3, &a);
    constraint_shorthand("max-p99-ms", "latency_ms.p99", 20, &c);
    ck_assert_int_eq(constraint_first_broken(&a, &c, 1), 0);
}
END_TEST

TEST_SUITE(constraint_suite)
{
    Suite *s = suite_create("constraint");
    TCase *tc = tcase_create("judging");
    tcase_add_test(tc, zero_events_bound_a_share_by_the_pooled_trials);
    tcase_add_test(tc, a_share_fails_on_its_lower_end_and_a_min_holds_on_it);
    tcase_add_test(tc, a_burst_widens_a_share_to_the_replications_interval);
    tcase_add_test(tc, other_metrics_are_judged_on_the_t_interval);
    suite_add_tcase(s, tc);
    return s;
}
