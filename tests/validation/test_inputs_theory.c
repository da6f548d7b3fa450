/*
 * test_inputs_theory.c — workloads and distributions from production data
 * against what their data say, independently of the simulator's code: a
 * rate profile read from a file gives the Poisson counts its integral
 * predicts, an empirical distribution gives its samples' quantiles (drawn
 * and as the database's recompute times), histogram buckets give the
 * shares of their stated rule; and a long trace replays in bounded memory.
 *
 * Fixed seeds make each check deterministic; each tolerance is stated
 * where it is used, at least three standard errors (four where a test
 * makes many comparisons at once).
 */
#define _DEFAULT_SOURCE   /* wait4 */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <spawn.h>
#include <zlib.h>

#include "../runs.h"
#include "../support.h"
#include "kernel/rng.h"

extern char **environ;

/* ---- a rate profile from a file ---- */

#define PROFILE_WINDOWS 40

struct counts {
    double arrivals[PROFILE_WINDOWS];
};

static void count_arrivals(const struct window_row *row, unsigned rep,
                           const struct policy_ops *ops, void *ctx)
{
    (void)rep;
    (void)ops;
    struct counts *c = ctx;
    int w = (int)floor(row->t + 1e-9);
    if (w >= 0 && w < PROFILE_WINDOWS)
        c->arrivals[w] = (double)row->tally->arrivals;
}

/* The profile of the file on the replay clock: 1000 req/s at 0 s, rising
 * to 6000 at 10 s, flat to 20 s, falling to 2000 at 30 s, flat after. */
static double profile_rate(double t)
{
    if (t <= 10)
        return 1000 + 500 * t;
    if (t <= 20)
        return 6000;
    if (t <= 30)
        return 6000 - 400 * (t - 20);
    return 2000;
}

/* Arrivals in [a, a + 1): the integral of a piecewise-linear rate over a
 * window that lies within one linear piece is the rate at its middle. */
START_TEST(a_profile_file_reproduces_its_rate_per_window)
{
    char *tmp = make_temp_dir();
    /* written at 1/10 of the rates and 10 times slower, replayed with
     * scale 10 and speed 10, in RFC 3339 times: what the test expects is
     * the file after both, so they are checked too */
    free(write_text_file(tmp, "rate.csv",
                         "time,rate\n"
                         "2024-05-01T12:00:00Z,100\n"
                         "2024-05-01T12:01:40Z,600\n"
                         "2024-05-01T12:03:20Z,600\n"
                         "2024-05-01T12:05:00Z,200\n"));
    const char *json = "{\"duration\": \"40s\", \"workload\": {\"arrivals\": "
                       "{\"profile\": {\"file\": \"rate.csv\", \"scale\": 10, "
                       "\"speed\": 10}}, \"keys\": {\"count\": 1000}}, "
                       "\"cache\": {\"ttl\": \"1h\"}}";
    char *file = write_text_file(tmp, "p.json", json);
    struct scenario *s = test_scenario(file, json, NULL, 0);
    struct counts c = {{0}};
    test_run_policy(s, 0, count_arrivals, &c);
    /* Each window's count is Poisson with mean m = the integral; with 40
     * windows, each within 4 standard deviations sqrt(m) (the chance that
     * any of 40 exceeds 4 sd is 0.3 %), and all together by their
     * chi-square statistic, below its 99.9 % quantile with 40 degrees of
     * freedom. */
    double chi2 = 0;
    for (int w = 0; w < PROFILE_WINDOWS; w++) {
        double m = profile_rate(w + 0.5);
        ck_assert_msg(fabs(c.arrivals[w] - m) <= 4 * sqrt(m),
                      "window %d: %g arrivals, expected %g (sd %g)", w,
                      c.arrivals[w], m, sqrt(m));
        chi2 += (c.arrivals[w] - m) * (c.arrivals[w] - m) / m;
    }
    ck_assert_double_lt(chi2, gsl_cdf_chisq_Pinv(0.999, PROFILE_WINDOWS));
    scenario_free(s);
    free(file);
    remove_tree(tmp);
    free(tmp);
}
END_TEST

/* ---- an empirical distribution ---- */

#define INPUT_N 1000

/* The input: 1000 samples of a fast path and a slow tail (ms). */
static double *input_samples(void)
{
    gsl_rng *r = rng_stream_create(3, 0, "input");
    double *x = malloc(INPUT_N * sizeof *x);
    for (int i = 0; i < INPUT_N; i++)
        x[i] = gsl_rng_uniform(r) < 0.9 ? 20 + 30 * gsl_rng_uniform(r)
                                        : 200 * exp(gsl_rng_uniform(r));
    gsl_rng_free(r);
    return x;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static char *samples_file(const char *dir, const double *x)
{
    char *text = malloc(INPUT_N * 32);
    size_t len = 0;
    for (int i = 0; i < INPUT_N; i++)
        len += (size_t)sprintf(text + len, "%.17g\n", x[i]);
    char *path = write_text_file(dir, "samples.txt", text);
    free(text);
    return path;
}

/* The input written to dir/samples.txt (*path), returned sorted. */
static double *sorted_input(const char *dir, char **path)
{
    double *x = input_samples();
    *path = samples_file(dir, x);
    qsort(x, INPUT_N, sizeof *x, by_value);
    return x;
}

static const double PS[] = {0.01, 0.1, 0.5, 0.9, 0.99, 0.999};
#define N_PS (sizeof PS / sizeof PS[0])

/* The input's p-quantile (GSL: linear between order statistics). */
static double input_quantile(const double *sorted, double p)
{
    return gsl_stats_quantile_from_sorted_data(sorted, 1, INPUT_N, p);
}

/* 10^6 draws: the share at or below the input's p-quantile is binomial
 * with mean p (the draws' distribution is continuous and its p-quantile
 * is the input's), so it must lie within 4 binomial standard errors
 * sqrt(p(1-p)/n) (six comparisons). */
START_TEST(empirical_draws_reproduce_the_input_quantiles)
{
    char *tmp = make_temp_dir(), *path;
    double *x = sorted_input(tmp, &path);
    char spec[512];
    snprintf(spec, sizeof spec, "{\"d\": {\"dist\": \"empirical\", \"file\": "
             "\"%s\", \"unit\": \"ms\"}}", path);
    struct cfg cfg;
    struct dist d = test_dist(spec, &cfg);
    const size_t n = 1000000;
    size_t below[N_PS] = {0};
    gsl_rng *r = rng_stream_create(9, 0, "draws");
    for (size_t i = 0; i < n; i++) {
        double v = dist_sample(&d, r) * 1000;   /* ms */
        for (size_t k = 0; k < N_PS; k++)
            below[k] += v <= input_quantile(x, PS[k]);
    }
    for (size_t k = 0; k < N_PS; k++) {
        double share = (double)below[k] / (double)n;
        double se = sqrt(PS[k] * (1 - PS[k]) / (double)n);
        ck_assert_msg(fabs(share - PS[k]) <= 4 * se, "p %g: share %g (se %g)",
                      PS[k], share, se);
    }
    gsl_rng_free(r);
    cfg_free(&cfg);
    free(path);
    free(x);
    remove_tree(tmp);
    free(tmp);
}
END_TEST

/* The same through the whole simulator: the samples as the database's
 * recompute time, every request a miss (ttl 0 stores nothing), on a
 * database with far more cores than queries at once, so that each query's
 * response time is its work. The measured p50 and p99 of the responses
 * must lie between the input's quantiles at p -/+ 4 binomial standard
 * errors of a quantile of n responses, widened by the latency histogram's
 * 1 % relative error. */
START_TEST(empirical_recompute_times_reach_the_database)
{
    char *tmp = make_temp_dir(), *path;
    double *x = sorted_input(tmp, &path);
    char json[1024];
    snprintf(json, sizeof json, "{\"duration\": \"100s\", \"workload\": "
             "{\"arrivals\": {\"rate\": 2000}}, \"cache\": {\"ttl\": 0}, "
             "\"database\": {\"cores\": 100000, \"max_connections\": "
             "\"none\", \"service\": {\"dist\": \"empirical\", \"file\": "
             "\"%s\", \"unit\": \"ms\"}}, \"client\": {\"pool_size\": "
             "100000, \"timeout\": \"none\"}}", path);
    struct run_summary sum = test_run_text("v.json", json, NULL, 0);
    double n = test_get(&sum, "db.queries");
    ck_assert_double_gt(n, 190000);
    static const struct {
        const char *field;
        double p;
    } Q[] = {{"db.response_ms.p50", 0.5}, {"db.response_ms.p99", 0.99}};
    for (size_t k = 0; k < 2; k++) {
        double got = test_get(&sum, Q[k].field);
        double se = sqrt(Q[k].p * (1 - Q[k].p) / n);
        double lo = input_quantile(x, Q[k].p - 4 * se) * 0.99;
        double hi = input_quantile(x, Q[k].p + 4 * se) * 1.01;
        ck_assert_msg(got >= lo && got <= hi, "%s = %g ms, expected %g..%g",
                      Q[k].field, got, lo, hi);
    }
    free(path);
    free(x);
    remove_tree(tmp);
    free(tmp);
}
END_TEST

/* ---- histogram buckets ---- */

/* Buckets le 2, 8, 64 ms, +Inf with 10, 40, 45, 5 % of the counts. By the
 * stated rule the share of draws at or below a bucket's geometric middle
 * sqrt(lo hi) is the share below the bucket plus half its own (log-uniform
 * within), at 1 ms it is 5 % (uniform on [0, 2 ms]), and 5 % of the draws
 * are exactly 64 ms (the +Inf bucket at the last bound). Each within 4
 * binomial standard errors of 10^6 draws. */
START_TEST(bucket_draws_follow_the_stated_rule)
{
    const char *spec = "{\"d\": {\"dist\": \"buckets\", \"le\": [\"2ms\", "
                       "\"8ms\", \"64ms\", \"+Inf\"], \"count\": [10, 40, 45, "
                       "5], \"cumulative\": false}}";
    struct cfg cfg;
    struct dist d = test_dist(spec, &cfg);
    const struct {
        double x, share;
    } CHECKS[] = {
        {0.001, 0.05},             /* half of [0, 2 ms] */
        {0.004, 0.10 + 0.40 / 2},  /* sqrt(2 * 8) */
        {0.0226274, 0.50 + 0.45 / 2},   /* sqrt(8 * 64) */
    };
    const size_t n = 1000000;
    size_t below[3] = {0}, at_bound = 0;
    gsl_rng *r = rng_stream_create(4, 0, "buckets");
    for (size_t i = 0; i < n; i++) {
        double v = dist_sample(&d, r);
        for (int k = 0; k < 3; k++)
            below[k] += v <= CHECKS[k].x;
        at_bound += v == 0.064;
    }
    for (int k = 0; k < 3; k++) {
        double p = CHECKS[k].share, got = (double)below[k] / (double)n;
        double se = sqrt(p * (1 - p) / (double)n);
        ck_assert_msg(fabs(got - p) <= 4 * se, "below %g: %g, expected %g",
                      CHECKS[k].x, got, p);
    }
    double got = (double)at_bound / (double)n;
    ck_assert_double_le(fabs(got - 0.05), 4 * sqrt(0.05 * 0.95 / (double)n));
    gsl_rng_free(r);
    cfg_free(&cfg);
}
END_TEST

/* ---- a long trace in bounded memory ---- */

#define TRACE_ROWS 5000000L
#define TRACE_KEYS 100000L
#define MEMORY_LIMIT (64.0 * 1024 * 1024)

/* 5 million reads over 10^5 keys, 1000 a second (whole seconds, Unix
 * times), gzip-compressed to keep the disk out of it. */
static char *write_long_trace(const char *dir)
{
    char *path = path_in(dir, "long.csv.gz");
    gzFile f = gzopen(path, "wb1");
    ck_assert_ptr_nonnull(f);
    gzputs(f, "time,key\n");
    unsigned long x = 88172645463325252UL;
    for (long i = 0; i < TRACE_ROWS; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        gzprintf(f, "%ld,key:%lu\n", 1714564800L + i / 1000,
                 i < TRACE_KEYS ? (unsigned long)i : x % TRACE_KEYS);
    }
    ck_assert_int_eq(gzclose(f), Z_OK);
    return path;
}

/* Runs the binary and returns its peak resident set, from the kernel's
 * accounting of the child (wait4). */
static double peak_rss_of_run(char *const *argv, int *status)
{
    pid_t pid;
    posix_spawn_file_actions_t quiet;   /* its table is not the test's */
    posix_spawn_file_actions_init(&quiet);
    posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
    ck_assert_int_eq(posix_spawn(&pid, argv[0], &quiet, NULL, argv, environ),
                     0);
    posix_spawn_file_actions_destroy(&quiet);
    struct rusage ru;
    ck_assert_int_eq(wait4(pid, status, 0, &ru), pid);
    return (double)ru.ru_maxrss * 1024;   /* KB on Linux */
}

START_TEST(a_long_trace_replays_in_bounded_memory)
{
    char *tmp = make_temp_dir();
    char *trace = write_long_trace(tmp);
    char json[512];
    snprintf(json, sizeof json, "{\"window\": \"10s\", \"workload\": "
             "{\"trace\": {\"file\": \"%s\"}}, \"cache\": {\"ttl\": \"60s\", "
             "\"warm\": \"cold\"}, \"database\": {\"service\": \"1ms\"}}",
             trace);
    char *file = write_text_file(tmp, "long.json", json);
    char *out = path_in(tmp, "out");
    const char *bin = getenv("STAMPEDE") ? getenv("STAMPEDE")
                                         : "build/stampede";
    char *argv[] = {(char *)bin, "run", file, "--quiet", "--out", out, NULL};
    int status;
    double rss = peak_rss_of_run(argv, &status);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    cJSON *sum = read_json_in(out, "summary.json");
    cJSON *p0 = cJSON_GetArrayItem(cJSON_GetObjectItem(sum, "policies"), 0);
    cJSON *arrivals = cJSON_GetObjectItem(p0, "arrivals");   /* one rep */
    ck_assert(cJSON_IsNumber(arrivals));
    ck_assert_double_eq(arrivals->valuedouble, (double)TRACE_ROWS);
    cJSON_Delete(sum);
    fprintf(stderr, "a %ld-row trace over %ld keys: peak RSS %.1f MB\n",
            TRACE_ROWS, TRACE_KEYS, rss / (1 << 20));
    ck_assert_msg(rss < MEMORY_LIMIT, "peak RSS %.1f MB", rss / (1 << 20));
    free(out);
    free(file);
    free(trace);
    remove_tree(tmp);
    free(tmp);
}
END_TEST

TEST_SUITE(inputs_theory_suite)
{
    Suite *s = suite_create("inputs_theory");
    TCase *tc = tcase_create("inputs");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, a_profile_file_reproduces_its_rate_per_window);
    tcase_add_test(tc, empirical_draws_reproduce_the_input_quantiles);
    tcase_add_test(tc, empirical_recompute_times_reach_the_database);
    tcase_add_test(tc, bucket_draws_follow_the_stated_rule);
    tcase_add_test(tc, a_long_trace_replays_in_bounded_memory);
    suite_add_tcase(s, tc);
    return s;
}
