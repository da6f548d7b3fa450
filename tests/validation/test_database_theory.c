/*
 * test_database_theory.c — the database model against queueing theory.
 *
 * Each test drives the database directly: Poisson arrivals (or a closed
 * loop) from its own random streams, with the pool and max_connections
 * out of the way and no timeout unless timeouts are what is tested. The
 * theoretical values are computed here from their formulas, never taken
 * from an earlier run.
 *
 * Statistics. Successive response times are correlated (a busy period
 * slows everyone in it), so the standard error of a mean is estimated by
 * batch means: the measured queries, in submission order, are cut into
 * K = 30 batches of equal size; each batch is over 10^5 queries, more
 * than a thousand times the relaxation time of these queues (for one
 * server 1 / (μ (1 − √ρ)²): ≈ 37 service times at ρ = 0.7, ≈ 89 at 0.8;
 * four servers relax faster), so the batch means are close to independent
 * and SE = sd(batch means) / √K.
 * Every tolerance is at least 3 SE: the test asserts that too, so a run
 * too short for its tolerance fails loudly instead of passing by luck.
 * With 29 degrees of freedom, |t| > 3 has probability ≈ 0.5 %; the seeds
 * are fixed, so the outcome is the same on every machine.
 *
 * Service times are in milliseconds so that ~10^6 queries take seconds.
 * Per-query paths count anomalies instead of calling ck_assert: Check
 * reports every passing assertion's location through a pipe, a system
 * call each, which would cost more than the simulation.
 */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../support.h"
#include "../theory.h"
#include "kernel/wallclock.h"
#include "database.h"
#include "kernel/rng.h"

#define K 30            /* batches */
#define CLASSES 2
#define SEED 20240611
#define RING (1L << 20)  /* job slots; far more than are ever in flight */

/* ---- batch means --------------------------------------------------------- */

struct batches {
    double sum[K];
    long count[K];
};

struct estimate {
    double mean;        /* mean of the batch means */
    double se;          /* sd of the batch means / √K */
    long n;
};

static struct estimate estimate_of(const struct batches *b)
{
    double m[K], mean = 0, var = 0;
    struct estimate e = {0};
    for (int i = 0; i < K; i++) {
        m[i] = b->count[i] ? b->sum[i] / (double)b->count[i] : 0;
        mean += m[i] / K;
        e.n += b->count[i];
    }
    for (int i = 0; i < K; i++)
        var += (m[i] - mean) * (m[i] - mean) / (K - 1);
    e.mean = mean;
    e.se = sqrt(var / K);
    return e;
}

/* Asserts |estimate − theory| <= tol·theory and 3 SE <= tol·theory. */
static void check_close(const char *what, struct estimate e, double theory,
                        double tol, double seconds)
{
    double diff = (e.mean - theory) / theory;
    double rel_se = e.se / theory;
    fprintf(stderr,
            "  %-34s measured %.6g  theory %.6g  diff %+.3f %%  "
            "SE %.3f %%  tol %.1f %%  n %ld  (%.1f s)\n",
            what, e.mean, theory, 100 * diff, 100 * rel_se, 100 * tol, e.n,
            seconds);
    ck_assert_msg(3 * rel_se <= tol, "%s: run too short, 3 SE = %.3f %% > %.1f %%",
                  what, 300 * rel_se, 100 * tol);
    ck_assert_msg(fabs(diff) <= tol, "%s: %.6g vs theory %.6g (%.3f %%)", what,
                  e.mean, theory, 100 * diff);
}

/* ---- an open-loop driver ------------------------------------------------- */

struct driver;

struct job {
    struct driver *d;
    long i;             /* submission index */
    double work;
    int cls;            /* size class, for E[T | x] */
    bool busy;          /* its query has not had its result yet */
};

struct driver {
    struct sim *sim;
    struct db *db;
    gsl_rng *arrivals, *sizes;
    double rate;                /* arrivals per second */
    double (*draw)(struct driver *d, int *cls);
    double mean_work;           /* for the draw functions */
    long total, sent, warm;     /* queries; the first `warm` not measured */
    long per_batch;
    struct job *jobs;           /* a ring of RING slots */
    struct batches all, by_class[CLASSES];
    /* per outcome: count and the work the queries carried */
    long n_result[4];
    double work_result[4];
    double rt_sum;              /* all OK responses, to check the histogram */
    long failed_submits;        /* or job slots still in use */
};

static double draw_exponential(struct driver *d, int *cls)
{
    *cls = 0;
    return gsl_ran_exponential(d->sizes, d->mean_work);
}

/* 0.5 S with probability 2/3, 2 S with probability 1/3: mean S. */
static double draw_two_point(struct driver *d, int *cls)
{
    *cls = gsl_rng_uniform(d->sizes) < 2.0 / 3.0 ? 0 : 1;
    return *cls == 0 ? 0.5 * d->mean_work : 2 * d->mean_work;
}

static void job_done(void *owner, enum db_result r, double rt)
{
    struct job *j = owner;
    struct driver *d = j->d;
    j->busy = false;
    d->n_result[r]++;
    d->work_result[r] += j->work;
    if (r != DB_OK)
        return;
    d->rt_sum += rt;
    long k = (j->i - d->warm) / d->per_batch;
    if (j->i < d->warm || k >= K)
        return;
    d->all.sum[k] += rt;
    d->all.count[k]++;
    d->by_class[j->cls].sum[k] += rt;
    d->by_class[j->cls].count[k]++;
}

static void arrival(struct sim *sim, void *p)
{
    struct driver *d = p;
    struct job *j = &d->jobs[d->sent % RING];
    if (j->busy)
        d->failed_submits++;    /* the ring is too small: fail the test */
    *j = (struct job){.d = d, .i = d->sent, .busy = true};
    j->work = d->draw(d, &j->cls);
    if (db_submit(d->db, 0, j->work, job_done, j) == 0)
        d->failed_submits++;
    if (++d->sent < d->total)
        sim_after(sim, gsl_ran_exponential(d->arrivals, 1 / d->rate),
                  arrival, d);
}

static struct driver *driver_new(const struct db_config *cfg, double rate,
                                 double mean_work, long measured, long warm,
                                 const char *name)
{
    struct driver *d = calloc(1, sizeof *d);
    ck_assert_ptr_nonnull(d);
    d->sim = sim_create();
    d->db = db_create(d->sim, cfg, NULL, NULL);
    ck_assert_ptr_nonnull(d->db);
    char stream[64];
    snprintf(stream, sizeof stream, "%s-arrivals", name);
    d->arrivals = rng_stream_create(SEED, 0, stream);
    snprintf(stream, sizeof stream, "%s-sizes", name);
    d->sizes = rng_stream_create(SEED, 0, stream);
    d->rate = rate;
    d->mean_work = mean_work;
    d->draw = draw_exponential;
    d->warm = warm;
    d->per_batch = measured / K;
    d->total = warm + d->per_batch * K;
    d->jobs = calloc(RING, sizeof *d->jobs);
    ck_assert_ptr_nonnull(d->jobs);
    return d;
}

/* Runs until every query has its result. The horizon is finite because a
 * drained run leaves the clock at it, and the time integrals must stay
 * finite. */
static void driver_run(struct driver *d)
{
    sim_schedule(d->sim, 0, arrival, d);
    ck_assert_int_eq(sim_run(d->sim, 1e6), SIM_DRAINED);
    ck_assert_int_eq(d->failed_submits, 0);
    ck_assert_int_eq(d->sent, d->total);
    ck_assert_int_eq(db_queries_held(d->db), 0);
}

static void driver_free(struct driver *d)
{
    db_destroy(d->db);
    sim_destroy(d->sim);
    gsl_rng_free(d->arrivals);
    gsl_rng_free(d->sizes);
    free(d->jobs);
    free(d);
}

static struct db_config open_config(enum db_discipline disc, int cores)
{
    return (struct db_config){
        .discipline = disc,
        .capacity = {.cores = cores},
        .background_service = dist_constant(0),
        .pools = 1,
        .pool_size = 1000000,
        .pool_timeout = INFINITY,
        .timeout = INFINITY,
    };
}

/* The histogram the database keeps agrees with what callbacks saw. */
static void check_histogram(struct driver *d)
{
    struct hist *h = hist_create();
    struct db_stats s = {.response = h};
    db_stats_collect(d->db, &s);
    ck_assert_uint_eq(h->count, (uint64_t)d->n_result[DB_OK]);
    ck_assert_double_eq_tol(h->sum, d->rt_sum, 1e-9 * d->rt_sum);
    ck_assert_uint_eq(s.completed, (uint64_t)d->n_result[DB_OK]);
    hist_destroy(h);
}

/* ---- M/M/c: Erlang C ----------------------------------------------------- */


/* fcfs, c = 4, ρ = 0.8, exponential work of 1 ms: E[T] from Erlang C
 * (1.7455 ms). Tolerance 2 %, the one DESIGN.md §7 sets. At ρ = 0.8 the
 * batch means scatter more than a naive i.i.d. estimate suggests: 10^6
 * measured queries give SE ≈ 0.55 %, 3 SE = 1.6 %, too close to 2 % for
 * comfort; 5·10^6 (under a second) give SE ≈ 0.3 %, 3 SE ≈ 1 %. */
START_TEST(fcfs_matches_erlang_c)
{
    double t0 = wall_clock();
    const int c = 4;
    const double s = 0.001, rho = 0.8, lambda = rho * c / s;
    struct db_config cfg = open_config(DB_FCFS, c);
    struct driver *d = driver_new(&cfg, lambda, s, 5000000, 20000, "mmc");
    driver_run(d);
    check_histogram(d);
    check_close("fcfs M/M/4 rho 0.8 E[T]", estimate_of(&d->all),
                mmc_mean_response(c, lambda, s), 0.02,
                wall_clock() - t0);
    driver_free(d);
}
END_TEST

/* ---- M/G/1-PS: S / (1 − ρ), and x / (1 − ρ) per size ---------------------- */

/* ps, one core, ρ = 0.7, two job sizes (0.5 ms and 2 ms, mean 1 ms): PS is
 * insensitive to the size distribution, E[T] = S / (1 − ρ) = 3.33 ms, and a
 * job of size x takes E[T | x] = x / (1 − ρ) on average (1.67 ms, 6.67 ms).
 * Tolerance 2 % each. With 1.5·10^6 measured queries the SE was ≈ 0.4 %
 * overall and for the large class (a third of the samples, the most
 * variance), 0.3 % for the small one; 5·10^6 bring every SE to ≈ 0.2 %,
 * so 3 SE ≈ 0.7 %, well inside 2 %. */
START_TEST(ps_matches_mg1_ps)
{
    double t0 = wall_clock();
    const double s = 0.001, rho = 0.7;
    struct db_config cfg = open_config(DB_PS, 1);
    struct driver *d = driver_new(&cfg, rho / s, s, 5000000, 20000, "mg1ps");
    d->draw = draw_two_point;
    driver_run(d);
    check_histogram(d);
    double t = wall_clock() - t0;
    check_close("ps M/G/1 rho 0.7 E[T]", estimate_of(&d->all),
                s / (1 - rho), 0.02, t);
    check_close("ps M/G/1 rho 0.7 E[T | x=0.5ms]",
                estimate_of(&d->by_class[0]), 0.5 * s / (1 - rho), 0.02, t);
    check_close("ps M/G/1 rho 0.7 E[T | x=2ms]",
                estimate_of(&d->by_class[1]), 2 * s / (1 - rho), 0.02, t);
    driver_free(d);
}
END_TEST

/* ---- USL throughput in a closed system ----------------------------------- */

struct closed {
    struct sim *sim;
    struct db *db;
    gsl_rng *sizes;
    double mean_work;
    double t_start, batch_len;  /* measurement window, cut into K */
    struct batches rate;        /* completions per batch (count = 1) */
    long done;
    long anomalies;             /* results other than OK, failed submits */
};

static void closed_done(void *owner, enum db_result r, double rt)
{
    struct closed *c = owner;
    (void)rt;
    c->anomalies += r != DB_OK;
    double t = sim_now(c->sim);
    if (t >= c->t_start) {
        long k = (long)((t - c->t_start) / c->batch_len);
        if (k < K)
            c->rate.sum[k] += 1;
    }
    c->done++;
    double work = gsl_ran_exponential(c->sizes, c->mean_work);
    c->anomalies += db_submit(c->db, 0, work, closed_done, c) == 0;
}

/* N queries always in execution: each completion submits the next at once.
 * n is then N at every instant, the database does W(N) work-seconds per
 * second, and with mean work S the throughput is W(N)/S queries per
 * second whatever the work distribution (exponential here). The count in
 * a batch of T seconds is close to Poisson (sum of exponential works), so
 * with ~10^6 completions per N the SE is ≈ 1/√(10^6) ≈ 0.1 %: a 0.5 %
 * tolerance is about 5 SE, tighter than the 2 % DESIGN.md §7 asks, so
 * that a formula off by under 1 % (κn² for κn(n−1) moves W(8) by 0.7 %)
 * cannot pass. */
static void usl_throughput(long n, double seconds_measured)
{
    double t0 = wall_clock();
    struct db_config cfg = open_config(DB_PS, 1);
    cfg.capacity = (struct db_capacity){.usl = true, .sigma = 0.05,
                                        .kappa = 0.001};
    struct closed c = {.mean_work = 0.001};
    c.sim = sim_create();
    c.db = db_create(c.sim, &cfg, NULL, NULL);
    char stream[64];
    snprintf(stream, sizeof stream, "usl-%ld-sizes", n);
    c.sizes = rng_stream_create(SEED, 0, stream);
    c.t_start = 1;   /* a second (thousands of services) to settle */
    c.batch_len = seconds_measured / K;
    for (long i = 0; i < n; i++)
        db_submit(c.db, 0, gsl_ran_exponential(c.sizes, c.mean_work),
                  closed_done, &c);
    sim_run(c.sim, c.t_start + seconds_measured);
    ck_assert_int_eq(c.anomalies, 0);
    for (int k = 0; k < K; k++) {
        c.rate.sum[k] /= c.batch_len;     /* completions per second */
        c.rate.count[k] = 1;
    }
    struct estimate e = estimate_of(&c.rate);
    e.n = (long)(e.mean * seconds_measured);
    double theory = usl_capacity((double)n, 0.05, 0.001) / c.mean_work;
    char what[64];
    snprintf(what, sizeof what, "usl N=%ld throughput (1/s)", n);
    check_close(what, e, theory, 0.005, wall_clock() - t0);
    db_destroy(c.db);
    sim_destroy(c.sim);
    gsl_rng_free(c.sizes);
}

/* σ = 0.05, κ = 0.001: the curve rises to its peak near N* = √(0.95/0.001)
 * ≈ 31 and falls after: W(8) = 5.69, W(32) = 9.03, W(64) = 7.82. */
START_TEST(usl_closed_throughput)
{
    ck_assert_double_eq_tol(usl_capacity(8, 0.05, 0.001), 5.69, 0.005);
    ck_assert_double_eq_tol(usl_capacity(32, 0.05, 0.001), 9.03, 0.005);
    ck_assert_double_eq_tol(usl_capacity(64, 0.05, 0.001), 7.82, 0.005);
    usl_throughput(8, 180);
    usl_throughput(32, 120);
    usl_throughput(64, 120);
}
END_TEST

/* ---- wasted work --------------------------------------------------------- */

/* ρ = 0.9 with a 10 ms timeout on 1 ms mean work: about a third of the
 * queries time out (M/M/1: P(T > τ) = e^(−(μ−λ)τ) = e^(−1)). These are
 * identities, not estimates: the tolerance is rounding (10^-9 relative
 * over ~10^5 additions). */
static struct driver *timeout_run(enum db_discipline disc, bool cancel)
{
    struct db_config cfg = open_config(disc, 1);
    cfg.timeout = 0.010;
    cfg.cancel_on_timeout = cancel;
    struct driver *d = driver_new(&cfg, 900, 0.001, 150000, 0,
                                  disc == DB_PS ? "waste-ps" : "waste-fcfs");
    driver_run(d);
    ck_assert_int_gt(d->n_result[DB_TIMEOUT], 5000);
    ck_assert_int_gt(d->n_result[DB_OK], 50000);
    ck_assert_int_eq(d->n_result[DB_OK] + d->n_result[DB_TIMEOUT], d->total);
    return d;
}

static struct db_stats collect(struct driver *d)
{
    struct db_stats s = {.response = NULL};
    db_stats_collect(d->db, &s);
    return s;
}

START_TEST(wasted_work_without_cancel)
{
    double t0 = wall_clock();
    for (int disc = DB_PS; disc <= DB_FCFS; disc++) {
        struct driver *d = timeout_run((enum db_discipline)disc, false);
        struct db_stats s = collect(d);
        double abandoned = d->work_result[DB_TIMEOUT];
        double all = abandoned + d->work_result[DB_OK];
        /* every abandoned query ran to the end: all its work is wasted */
        ck_assert_double_eq_tol(s.wasted_work, abandoned, 1e-9 * abandoned);
        ck_assert_double_eq_tol(s.work_done, all, 1e-9 * all);
        ck_assert_uint_eq(s.timeouts, (uint64_t)d->n_result[DB_TIMEOUT]);
        fprintf(stderr, "  %-34s wasted %.9g s  abandoned work %.9g s  "
                "(%ld timeouts)\n", disc == DB_PS ? "ps no cancel" :
                "fcfs no cancel", s.wasted_work, abandoned,
                d->n_result[DB_TIMEOUT]);
        driver_free(d);
    }
    fprintf(stderr, "  (%.1f s)\n", wall_clock() - t0);
}
END_TEST

START_TEST(wasted_work_with_cancel)
{
    double t0 = wall_clock();
    for (int disc = DB_PS; disc <= DB_FCFS; disc++) {
        struct driver *d = timeout_run((enum db_discipline)disc, true);
        struct db_stats s = collect(d);
        double completed = d->work_result[DB_OK];
        double abandoned = d->work_result[DB_TIMEOUT];
        /* conservation: nothing is executed but completed work and the
         * part of abandoned queries done before they were abandoned */
        ck_assert_double_eq_tol(s.work_done, completed + s.wasted_work,
                                1e-9 * s.work_done);
        ck_assert_double_gt(s.wasted_work, 0);
        ck_assert_double_lt(s.wasted_work, abandoned);
        fprintf(stderr, "  %-34s wasted %.9g s  abandoned work %.9g s  "
                "done %.9g = completed %.9g + wasted\n",
                disc == DB_PS ? "ps cancel" : "fcfs cancel", s.wasted_work,
                abandoned, s.work_done, completed);
        driver_free(d);
    }
    fprintf(stderr, "  (%.1f s)\n", wall_clock() - t0);
}
END_TEST

TEST_SUITE(database_theory_suite)
{
    Suite *s = suite_create("database_theory");
    TCase *tc = tcase_create("queueing results");
    tcase_add_test(tc, fcfs_matches_erlang_c);
    tcase_add_test(tc, ps_matches_mg1_ps);
    tcase_add_test(tc, usl_closed_throughput);
    tcase_add_test(tc, wasted_work_without_cancel);
    tcase_add_test(tc, wasted_work_with_cancel);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
