/*
 * test_database.c — the database model (models/database.c and its
 * disciplines, db_ps.c and db_fcfs.c) on scenarios small enough to work
 * out by hand: constant work, a few queries, exact completion times.
 *
 * Every query goes through submit(), which raises a flag around db_submit;
 * the callback fails the test if it ever runs with the flag up, so each
 * test also checks that callbacks never re-enter the caller.
 */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

#include "../support.h"
#include "database.h"
#include "kernel/rng.h"

#define EPS 1e-9
#define MAX_DONE 64

struct ctx;

struct owner {
    struct ctx *ctx;
    int who;
};

struct ctx {
    struct sim *sim;
    struct db *db;
    bool in_submit;
    int n;                          /* callbacks so far */
    int expected;                   /* callbacks expect() checked */
    int who[MAX_DONE];
    double at[MAX_DONE];
    double rt[MAX_DONE];
    enum db_result res[MAX_DONE];
    struct owner owners[MAX_DONE];
    db_query_id ids[MAX_DONE];
};

static void on_done(void *p, enum db_result r, double rt)
{
    struct owner *o = p;
    struct ctx *c = o->ctx;
    ck_assert_msg(!c->in_submit, "callback from inside db_submit");
    ck_assert_int_lt(c->n, MAX_DONE);
    c->who[c->n] = o->who;
    c->at[c->n] = sim_now(c->sim);
    c->rt[c->n] = rt;
    c->res[c->n] = r;
    c->n++;
}

static struct db_config ps_config(int cores)
{
    return (struct db_config){
        .discipline = DB_PS,
        .capacity = {.usl = false, .cores = cores},
        .background_service = dist_constant(0),
        .pools = 1,
        .pool_size = 100,
        .pool_timeout = INFINITY,
        .timeout = INFINITY,
    };
}

static struct db_config fcfs_config(int cores)
{
    struct db_config c = ps_config(cores);
    c.discipline = DB_FCFS;
    return c;
}

static struct ctx *ctx_new(const struct db_config *cfg)
{
    struct ctx *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    c->sim = sim_create();
    c->db = db_create(c->sim, cfg, NULL, NULL);
    ck_assert_ptr_nonnull(c->db);
    for (int i = 0; i < MAX_DONE; i++)
        c->owners[i] = (struct owner){c, i};
    return c;
}

static void ctx_free(struct ctx *c)
{
    /* a test that checked callbacks with expect() accounts for every one:
     * an extra or repeated completion is a failure */
    if (c->expected > 0)
        ck_assert_msg(c->n == c->expected, "%d callbacks, %d expected", c->n,
                      c->expected);
    db_destroy(c->db);
    sim_destroy(c->sim);
    free(c);
}

/* Submits query `who` now from pool `pool`; no callback may come before
 * db_submit returns. */
static db_query_id submit_from(struct ctx *c, long pool, int who, double work)
{
    int before = c->n;
    c->in_submit = true;
    db_query_id id = db_submit(c->db, pool, work, on_done, &c->owners[who]);
    c->in_submit = false;
    ck_assert_int_eq(c->n, before);
    ck_assert_uint_ne(id, 0);
    c->ids[who] = id;
    return id;
}

static db_query_id submit(struct ctx *c, int who, double work)
{
    return submit_from(c, 0, who, work);
}

static void run_to(struct ctx *c, double t) { sim_run(c->sim, t); }

static void expect(struct ctx *c, int i, int who, enum db_result r,
                   double at, double rt)
{
    ck_assert_int_gt(c->n, i);
    if (i + 1 > c->expected)
        c->expected = i + 1;
    ck_assert_int_eq(c->who[i], who);
    ck_assert_int_eq(c->res[i], r);
    ck_assert_double_eq_tol(c->at[i], at, EPS);
    ck_assert_double_eq_tol(c->rt[i], rt, EPS);
}

static struct db_stats collect(struct ctx *c, struct hist *h)
{
    struct db_stats s = {.response = h};
    db_stats_collect(c->db, &s);
    return s;
}

/* ---- processor sharing --------------------------------------------------- */

/* One core shared by two: both progress at 1/2 until the short one is done
 * at 2 (1 unit each), then the long one alone finishes its last unit at 3. */
START_TEST(ps_one_core_two_queries)
{
    struct db_config cfg = ps_config(1);
    struct ctx *c = ctx_new(&cfg);
    submit(c, 0, 1);
    submit(c, 1, 2);
    run_to(c, 4);
    ck_assert_int_eq(c->n, 2);
    expect(c, 0, 0, DB_OK, 2, 2);
    expect(c, 1, 1, DB_OK, 3, 3);
    struct hist *h = hist_create();
    struct db_stats s = collect(c, h);
    ck_assert_double_eq_tol(s.span, 4, EPS);
    ck_assert_double_eq_tol(s.inflight_area, 5, EPS);
    ck_assert_double_eq_tol(s.util_area, 3, EPS);
    ck_assert_double_eq_tol(s.work_done, 3, EPS);
    ck_assert_double_eq_tol(s.wasted_work, 0, EPS);
    ck_assert_int_eq(s.inflight_max, 2);
    ck_assert_uint_eq(s.submitted, 2);
    ck_assert_uint_eq(s.started, 2);
    ck_assert_uint_eq(s.completed, 2);
    ck_assert_uint_eq(h->count, 2);
    ck_assert_double_eq_tol(hist_mean(h), 2.5, EPS);
    hist_destroy(h);
    ctx_free(c);
}
END_TEST

/* Three on two cores: each at 2/3, so work 1 takes 1.5; ties complete in
 * submission order. */
START_TEST(ps_two_cores_three_equal_queries)
{
    struct db_config cfg = ps_config(2);
    struct ctx *c = ctx_new(&cfg);
    for (int i = 0; i < 3; i++)
        submit(c, i, 1);
    run_to(c, 10);
    ck_assert_int_eq(c->n, 3);
    for (int i = 0; i < 3; i++)
        expect(c, i, i, DB_OK, 1.5, 1.5);
    struct db_stats s = collect(c, NULL);
    ck_assert_double_eq_tol(s.util_area, 1.5, EPS);
    ck_assert_double_eq_tol(s.work_done, 3, EPS);
    ctx_free(c);
}
END_TEST

/* A late arrival with a small job: 1 core, A(2) at 0; B(0.5) at 1. A has
 * 1 left at 1; both at 1/2; B done at 2; A's last 0.5 alone: done at 2.5. */
START_TEST(ps_late_arrival)
{
    struct db_config cfg = ps_config(1);
    struct ctx *c = ctx_new(&cfg);
    submit(c, 0, 2);
    run_to(c, 1);
    submit(c, 1, 0.5);
    run_to(c, 10);
    expect(c, 0, 1, DB_OK, 2, 1);
    expect(c, 1, 0, DB_OK, 2.5, 2.5);
    ctx_free(c);
}
END_TEST

/* USL σ=0.1, κ=0.01, four queries: W(4) = 4 / (1 + 0.3 + 0.12), each at
 * 1/1.42, so work 1 takes 1.42. */
START_TEST(usl_rate)
{
    struct db_config cfg = ps_config(0);
    cfg.capacity = (struct db_capacity){.usl = true, .sigma = 0.1,
                                        .kappa = 0.01};
    struct ctx *c = ctx_new(&cfg);
    for (int i = 0; i < 4; i++)
        submit(c, i, 1);
    run_to(c, 10);
    ck_assert_int_eq(c->n, 4);
    for (int i = 0; i < 4; i++)
        expect(c, i, i, DB_OK, 1.42, 1.42);
    /* utilisation: W(4) / max W over those 1.42 s */
    double wmax = db_capacity_max(&cfg.capacity);
    struct db_stats s = collect(c, NULL);
    ck_assert_double_eq_tol(s.util_area, 4 / 1.42 / wmax * 1.42, EPS);
    ck_assert_double_eq_tol(s.work_done, 4, EPS);
    ctx_free(c);
}
END_TEST

START_TEST(capacity_curve)
{
    struct db_capacity cores = {.cores = 4};
    ck_assert_double_eq(db_capacity_at(&cores, 0), 0);
    ck_assert_double_eq(db_capacity_at(&cores, 3), 3);
    ck_assert_double_eq(db_capacity_at(&cores, 9), 4);
    ck_assert_double_eq(db_capacity_max(&cores), 4);

    struct db_capacity usl = {.usl = true, .sigma = 0.05, .kappa = 0.001};
    double best = 0;
    for (long n = 1; n <= 10000; n++)
        best = fmax(best, db_capacity_at(&usl, n));
    ck_assert_double_eq_tol(db_capacity_max(&usl), best, 1e-12);
    ck_assert_double_eq_tol(db_capacity_at(&usl, 8), 8 / 1.406, 1e-12);

    struct db_capacity amdahl = {.usl = true, .sigma = 0.25};
    ck_assert_double_eq_tol(db_capacity_max(&amdahl), 4, 1e-12);
    struct db_capacity serial = {.usl = true, .sigma = 1, .kappa = 0.5};
    ck_assert_double_eq_tol(db_capacity_max(&serial), 1, 1e-12);
}
END_TEST

START_TEST(config_errors)
{
    struct db_config cfg = ps_config(1);
    ck_assert_ptr_null(db_config_error(&cfg));
    cfg.capacity = (struct db_capacity){.usl = true};
    ck_assert_ptr_nonnull(db_config_error(&cfg));   /* W unbounded */
    cfg.capacity.sigma = 0.1;
    ck_assert_ptr_null(db_config_error(&cfg));
    cfg.discipline = DB_FCFS;
    ck_assert_ptr_nonnull(db_config_error(&cfg));   /* usl is ps only */
    cfg = ps_config(1);
    cfg.discipline = (enum db_discipline)(DB_FCFS + 1);   /* no such table */
    ck_assert_ptr_nonnull(db_config_error(&cfg));
    struct sim *sim0 = sim_create();
    ck_assert_ptr_null(db_create(sim0, &cfg, NULL, NULL));
    sim_destroy(sim0);
    cfg = ps_config(0);
    ck_assert_ptr_nonnull(db_config_error(&cfg));
    cfg = ps_config(1);
    cfg.pool_size = 0;
    ck_assert_ptr_nonnull(db_config_error(&cfg));
    cfg = ps_config(1);
    cfg.pools = 0;
    ck_assert_str_eq(db_config_error(&cfg), "pools must be at least 1");
    cfg = ps_config(1);
    cfg.timeout = NAN;
    ck_assert_ptr_nonnull(db_config_error(&cfg));
    cfg = ps_config(1);
    cfg.background_rate = 5;   /* without streams */
    struct sim *sim = sim_create();
    ck_assert_ptr_null(db_create(sim, &cfg, NULL, NULL));
    sim_destroy(sim);
}
END_TEST

/* ---- fcfs ---------------------------------------------------------------- */

START_TEST(fcfs_order)
{
    struct db_config cfg = fcfs_config(1);
    struct ctx *c = ctx_new(&cfg);
    submit(c, 0, 1);
    submit(c, 1, 2);
    submit(c, 2, 0.5);
    run_to(c, 10);
    expect(c, 0, 0, DB_OK, 1, 1);
    expect(c, 1, 1, DB_OK, 3, 3);
    expect(c, 2, 2, DB_OK, 3.5, 3.5);
    struct db_stats s = collect(c, NULL);
    ck_assert_double_eq_tol(s.inflight_area, 1 + 3 + 3.5, EPS);
    ck_assert_double_eq_tol(s.util_area, 3.5, EPS);
    ck_assert_double_eq_tol(s.work_done, 3.5, EPS);
    ck_assert_int_eq(s.inflight_max, 3);
    ctx_free(c);
}
END_TEST

/* Two servers: B frees one at 1 and C takes it (done at 2); A ends at 2
 * too, scheduled first, so it is reported first; D starts at 2. */
START_TEST(fcfs_two_servers)
{
    struct db_config cfg = fcfs_config(2);
    struct ctx *c = ctx_new(&cfg);
    submit(c, 0, 2);
    submit(c, 1, 1);
    submit(c, 2, 1);
    submit(c, 3, 1);
    run_to(c, 10);
    expect(c, 0, 1, DB_OK, 1, 1);
    expect(c, 1, 0, DB_OK, 2, 2);
    expect(c, 2, 2, DB_OK, 2, 2);
    expect(c, 3, 3, DB_OK, 3, 3);
    ctx_free(c);
}
END_TEST

/* fcfs, 1 core: A(2) in service, B, C, D (1 each) queued; C, in the
 * middle of the queue, is cancelled at 0.5. Cancelling takes it out of the
 * queue at once and nothing else moves: B 2..3, D 3..4. Without
 * cancel_on_timeout it keeps its place and runs 3..4 as wasted work, so D
 * runs 4..5. */
START_TEST(fcfs_cancel_a_queued_query)
{
    for (int cancel = 0; cancel <= 1; cancel++) {
        struct db_config cfg = fcfs_config(1);
        cfg.cancel_on_timeout = cancel;
        struct ctx *c = ctx_new(&cfg);
        submit(c, 0, 2);
        submit(c, 1, 1);
        submit(c, 2, 1);
        submit(c, 3, 1);
        run_to(c, 0.5);
        db_cancel(c->db, c->ids[2]);
        ck_assert_int_eq(db_queries_held(c->db), cancel ? 3 : 4);
        run_to(c, 10);
        ck_assert_int_eq(c->n, 3);
        expect(c, 0, 0, DB_OK, 2, 2);
        expect(c, 1, 1, DB_OK, 3, 3);
        struct db_stats s = collect(c, NULL);
        if (cancel) {
            expect(c, 2, 3, DB_OK, 4, 4);
            ck_assert_double_eq_tol(s.wasted_work, 0, EPS);
            ck_assert_double_eq_tol(s.work_done, 4, EPS);
            /* 4 queries to 0.5, 3 to 2, 2 to 3, 1 to 4 */
            ck_assert_double_eq_tol(s.inflight_area, 2 + 4.5 + 2 + 1, EPS);
        } else {
            expect(c, 2, 3, DB_OK, 5, 5);
            ck_assert_double_eq_tol(s.wasted_work, 1, EPS);
            ck_assert_double_eq_tol(s.work_done, 5, EPS);
            ck_assert_double_eq_tol(s.inflight_area, 8 + 3 + 2 + 1, EPS);
        }
        ck_assert_int_eq(db_queries_held(c->db), 0);
        ctx_free(c);
    }
}
END_TEST

/* ---- the pool ------------------------------------------------------------ */

START_TEST(pool_is_fifo)
{
    struct db_config cfg = ps_config(4);
    cfg.pool_size = 1;
    struct ctx *c = ctx_new(&cfg);
    for (int i = 0; i < 4; i++)
        submit(c, i, 1);
    ck_assert_int_eq(db_queries_held(c->db), 4);
    run_to(c, 10);
    for (int i = 0; i < 4; i++)
        expect(c, i, i, DB_OK, i + 1, i + 1);
    struct db_stats s = collect(c, NULL);
    ck_assert_int_eq(s.pool_waiting_max, 3);
    ck_assert_int_eq(s.inflight_max, 1);
    ctx_free(c);
}
END_TEST

/* pool 1: A holds it until 1, B gets it then; C gives up at 1.5. */
START_TEST(pool_timeout)
{
    struct db_config cfg = ps_config(4);
    cfg.pool_size = 1;
    cfg.pool_timeout = 1.5;
    struct ctx *c = ctx_new(&cfg);
    for (int i = 0; i < 3; i++)
        submit(c, i, 1);
    run_to(c, 10);
    ck_assert_int_eq(c->n, 3);
    expect(c, 0, 0, DB_OK, 1, 1);
    expect(c, 1, 2, DB_POOL_TIMEOUT, 1.5, 1.5);
    expect(c, 2, 1, DB_OK, 2, 2);
    struct db_stats s = collect(c, NULL);
    ck_assert_uint_eq(s.pool_timeouts, 1);
    ck_assert_uint_eq(s.timeouts, 0);
    ck_assert_uint_eq(s.started, 2);
    ctx_free(c);
}
END_TEST

/* timeout (1) before pool_timeout (5): the waiter's error is a timeout. */
START_TEST(timeout_decides_before_pool_timeout)
{
    struct db_config cfg = ps_config(4);
    cfg.pool_size = 1;
    cfg.pool_timeout = 5;
    cfg.timeout = 1;
    struct ctx *c = ctx_new(&cfg);
    submit(c, 0, 0.5);
    submit(c, 1, 3);
    submit(c, 2, 1);
    run_to(c, 10);
    expect(c, 0, 0, DB_OK, 0.5, 0.5);
    expect(c, 1, 1, DB_TIMEOUT, 1, 1);
    expect(c, 2, 2, DB_TIMEOUT, 1, 1);
    struct db_stats s = collect(c, NULL);
    ck_assert_uint_eq(s.timeouts, 2);
    ck_assert_uint_eq(s.pool_timeouts, 0);
    ctx_free(c);
}
END_TEST

/* pool_timeout = timeout = 1, pool of 1: both deadlines of a waiter fall
 * at the same instant. The rule: a query that never got a connection is a
 * pool timeout (the pool is what kept it from the database); one that got
 * a connection is a timeout. A holds the connection past 1 and times out;
 * B waits for it all along and is a pool timeout; C gets it at 1 (from A)
 * and times out at 2 with work 5. */
START_TEST(pool_timeout_equal_to_timeout_charges_the_pool)
{
    struct db_config cfg = ps_config(4);
    cfg.pool_size = 1;
    cfg.pool_timeout = 1;
    cfg.timeout = 1;
    struct ctx *c = ctx_new(&cfg);
    submit(c, 0, 5);
    submit(c, 1, 5);
    run_to(c, 0.5);
    submit(c, 2, 5);
    run_to(c, 10);
    expect(c, 0, 0, DB_TIMEOUT, 1, 1);
    expect(c, 1, 1, DB_POOL_TIMEOUT, 1, 1);
    expect(c, 2, 2, DB_TIMEOUT, 1.5, 1);
    struct db_stats s = collect(c, NULL);
    ck_assert_uint_eq(s.timeouts, 2);
    ck_assert_uint_eq(s.pool_timeouts, 1);
    ck_assert_uint_eq(s.started, 2);
    ctx_free(c);
}
END_TEST

/* ---- timeouts ------------------------------------------------------------ */

/* Two cores, pool of 1, timeout 2. A (work 5) times out at 2 and frees the
 * connection; B (work 0.25, waiting since 0.5) gets it at 2 and finishes at
 * 2.25 next to A, which goes on alone to 5. */
static struct ctx *timeout_scenario(bool cancel)
{
    struct db_config cfg = ps_config(2);
    cfg.pool_size = 1;
    cfg.timeout = 2;
    cfg.cancel_on_timeout = cancel;
    struct ctx *c = ctx_new(&cfg);
    submit(c, 0, 5);
    run_to(c, 0.5);
    submit(c, 1, 0.25);
    return c;
}

START_TEST(timeout_frees_the_pool_while_the_db_works)
{
    struct ctx *c = timeout_scenario(false);
    run_to(c, 3);
    expect(c, 0, 0, DB_TIMEOUT, 2, 2);
    expect(c, 1, 1, DB_OK, 2.25, 1.75);
    ck_assert_int_eq(db_queries_held(c->db), 1);   /* A, abandoned */
    run_to(c, 10);
    ck_assert_int_eq(c->n, 2);                      /* no callback for A */
    ck_assert_int_eq(db_queries_held(c->db), 0);
    struct db_stats s = collect(c, NULL);
    ck_assert_uint_eq(s.timeouts, 1);
    ck_assert_uint_eq(s.completed, 1);
    ck_assert_double_eq_tol(s.wasted_work, 5, EPS);
    ck_assert_double_eq_tol(s.work_done, 5.25, EPS);
    ck_assert_double_eq_tol(s.inflight_area, 5.25, EPS);
    ck_assert_double_eq_tol(s.util_area, 0.5 * 2 + 0.25 + 0.5 * 2.75, EPS);
    /* C after A has finished: its work is not wasted (A no longer runs
     * abandoned) */
    submit(c, 2, 1);
    run_to(c, 12);
    expect(c, 2, 2, DB_OK, 11, 1);
    s = collect(c, NULL);
    ck_assert_double_eq_tol(s.wasted_work, 0, EPS);
    ck_assert_double_eq_tol(s.work_done, 1, EPS);
    ctx_free(c);
}
END_TEST

START_TEST(cancel_on_timeout_removes_the_query)
{
    struct ctx *c = timeout_scenario(true);
    run_to(c, 2.1);
    expect(c, 0, 0, DB_TIMEOUT, 2, 2);
    ck_assert_int_eq(db_queries_held(c->db), 1);   /* B only */
    run_to(c, 10);
    expect(c, 1, 1, DB_OK, 2.25, 1.75);            /* B alone: rate 1 */
    struct db_stats s = collect(c, NULL);
    ck_assert_double_eq_tol(s.wasted_work, 2, EPS);
    ck_assert_double_eq_tol(s.work_done, 2.25, EPS);
    ck_assert_double_eq_tol(s.inflight_area, 2.25, EPS);
    ctx_free(c);
}
END_TEST

/* fcfs, 1 core, timeout 1: A(3) in service and B(0.5) queued both time out
 * at 1; C(0.5) arrives at 0.7. Without cancelling, A and B still run
 * (1..3, 3..3.5) and C (3.5..4) times out at 1.7. Cancelling: both go at
 * once (A after 1 unit), C starts at 1 and is done at 1.5. */
START_TEST(fcfs_timeouts)
{
    for (int cancel = 0; cancel <= 1; cancel++) {
        struct db_config cfg = fcfs_config(1);
        cfg.timeout = 1;
        cfg.cancel_on_timeout = cancel;
        struct ctx *c = ctx_new(&cfg);
        submit(c, 0, 3);
        submit(c, 1, 0.5);
        run_to(c, 0.7);
        submit(c, 2, 0.5);
        run_to(c, 10);
        ck_assert_int_eq(c->n, 3);
        expect(c, 0, 0, DB_TIMEOUT, 1, 1);
        expect(c, 1, 1, DB_TIMEOUT, 1, 1);
        struct db_stats s = collect(c, NULL);
        if (cancel) {
            expect(c, 2, 2, DB_OK, 1.5, 0.8);
            ck_assert_double_eq_tol(s.wasted_work, 1, EPS);
            ck_assert_double_eq_tol(s.work_done, 1.5, EPS);
        } else {
            expect(c, 2, 2, DB_TIMEOUT, 1.7, 1);
            ck_assert_double_eq_tol(s.wasted_work, 4, EPS);
            ck_assert_double_eq_tol(s.work_done, 4, EPS);
            ck_assert_double_eq_tol(s.inflight_area, 3 + 3.5 + 3.3, EPS);
        }
        ctx_free(c);
    }
}
END_TEST

/* ---- max_connections ----------------------------------------------------- */

/* max 1: A times out at 1 but keeps its database connection until 5; B at
 * 2 is refused at once (through an event, not inside db_submit); C at 6
 * gets in. */
START_TEST(refused_while_an_abandoned_query_runs)
{
    struct db_config cfg = ps_config(1);
    cfg.max_connections = 1;
    cfg.timeout = 1;
    struct ctx *c = ctx_new(&cfg);
    submit(c, 0, 5);
    run_to(c, 2);
    submit(c, 1, 0.5);
    ck_assert_int_eq(db_queries_held(c->db), 2);
    run_to(c, 6);
    ck_assert_int_eq(db_queries_held(c->db), 0);   /* A done, B told */
    submit(c, 2, 0.5);
    run_to(c, 10);
    ck_assert_int_eq(c->n, 3);
    expect(c, 0, 0, DB_TIMEOUT, 1, 1);
    expect(c, 1, 1, DB_REFUSED, 2, 0);
    expect(c, 2, 2, DB_OK, 6.5, 0.5);
    struct db_stats s = collect(c, NULL);
    ck_assert_uint_eq(s.submitted, 3);
    ck_assert_uint_eq(s.started, 2);
    ck_assert_uint_eq(s.refused, 1);
    ck_assert_uint_eq(s.timeouts, 1);
    ctx_free(c);
}
END_TEST

/* A pool waiter that gets the connection of a timed-out query finds the
 * database full (the abandoned query still counts) and is refused; the
 * connection goes on to the next waiter, refused too. */
START_TEST(waiter_refused_by_an_abandoned_query)
{
    struct db_config cfg = ps_config(1);
    cfg.pool_size = 1;
    cfg.max_connections = 1;
    cfg.timeout = 1;
    struct ctx *c = ctx_new(&cfg);
    submit(c, 0, 5);
    run_to(c, 0.5);
    submit(c, 1, 1);
    submit(c, 2, 1);
    run_to(c, 10);
    ck_assert_int_eq(c->n, 3);
    expect(c, 0, 0, DB_TIMEOUT, 1, 1);
    expect(c, 1, 1, DB_REFUSED, 1, 0.5);
    expect(c, 2, 2, DB_REFUSED, 1, 0.5);
    ctx_free(c);
}
END_TEST

/* ---- background ---------------------------------------------------------- */

struct bg_run {
    struct ctx *c;
    gsl_rng *arrivals, *work;
    struct db_stats s;
};

/* Background at 100/s of 1 ms beside one client query of 10 that holds
 * the only pool connection, on one core, up to t = 10. */
static void background_run(struct bg_run *b)
{
    struct db_config cfg = ps_config(1);
    cfg.background_rate = 100;
    cfg.background_service = dist_constant(0.001);
    cfg.pool_size = 1;
    b->arrivals = rng_stream_create(7, 0, "bg-arrivals");
    b->work = rng_stream_create(7, 0, "bg-work");
    struct ctx *c = calloc(1, sizeof *c);
    c->sim = sim_create();
    c->db = db_create(c->sim, &cfg, b->arrivals, b->work);
    ck_assert_ptr_nonnull(c->db);
    for (int i = 0; i < MAX_DONE; i++)
        c->owners[i] = (struct owner){c, i};
    submit(c, 0, 10);
    run_to(c, 10);
    b->c = c;
    b->s = collect(c, NULL);
}

static void background_free(struct bg_run *b)
{
    ctx_free(b->c);
    gsl_rng_free(b->arrivals);
    gsl_rng_free(b->work);
}

START_TEST(background_shares_capacity_not_the_pool)
{
    struct bg_run b1, b2;
    background_run(&b1);
    background_run(&b2);
    const struct db_stats *s = &b1.s;
    ck_assert_uint_eq(s->submitted, 1);
    ck_assert_uint_eq(s->started, 1);
    ck_assert_uint_eq(s->completed, 0);
    ck_assert_uint_gt(s->background_started, 800);   /* ~1000 expected */
    ck_assert_uint_lt(s->background_started, 1200);
    ck_assert_uint_eq(s->background_started, b2.s.background_started);
    /* background entered although the pool was taken, and is counted at
     * the database; the core was never idle (the client query was in) */
    ck_assert_int_eq(b1.c->n, 0);
    ck_assert_int_ge(s->inflight_max, 2);
    ck_assert_double_gt(s->inflight_area, 10);
    ck_assert_double_eq_tol(s->util_area, 10, EPS);
    ck_assert_double_eq_tol(s->work_done, 10, EPS);
    /* the client query gets what background leaves: done after 10 */
    run_to(b1.c, 100);
    ck_assert_int_eq(b1.c->n, 1);
    ck_assert_double_gt(b1.c->rt[0], 10);
    struct db_stats late = collect(b1.c, NULL);
    ck_assert_uint_eq(late.completed, 1);
    background_free(&b1);
    background_free(&b2);
}
END_TEST

/* Background at 2000/s of 1 ms on one core is twice what the core can do:
 * without a limit the queries pile up for as long as the run lasts. With a
 * limit of 50 the run stops once 50 are held, at about t = 0.05 s (the
 * pile grows by ~1000/s); the same holds for abandoned client queries. */
START_TEST(limit_stops_a_database_that_cannot_keep_up)
{
    struct db_config cfg = ps_config(1);
    cfg.background_rate = 2000;
    cfg.background_service = dist_constant(0.001);
    gsl_rng *arrivals = rng_stream_create(7, 0, "bg-arrivals");
    gsl_rng *work = rng_stream_create(7, 0, "bg-work");
    struct sim *sim = sim_create();
    struct db *db = db_create(sim, &cfg, arrivals, work);
    db_set_limit(db, 50);
    ck_assert_int_eq(sim_run(sim, 10), SIM_HALTED);
    ck_assert(db_over_limit(db));
    ck_assert_int_eq(db_queries_held(db), 50);
    ck_assert_double_lt(sim_now(sim), 0.2);
    db_destroy(db);
    sim_destroy(sim);

    /* client queries that time out and keep running (no connection limit,
     * no cancel): each submission adds one; the 4th is refused */
    cfg = ps_config(1);
    cfg.timeout = 0.001;
    struct ctx *c = ctx_new(&cfg);
    db_set_limit(c->db, 3);
    for (int i = 0; i < 3; i++) {
        submit(c, i, 100);
        run_to(c, 0.01 * (i + 1));
    }
    ck_assert_int_eq(c->n, 3);   /* three timeouts, three abandoned queries */
    ck_assert(!db_over_limit(c->db));
    ck_assert_uint_eq(db_submit(c->db, 0, 100, on_done, &c->owners[3]), 0);
    ck_assert(db_over_limit(c->db));
    ctx_free(c);
    gsl_rng_free(arrivals);
    gsl_rng_free(work);
}
END_TEST

/* ---- capacity changes and the service multiplier ------------------------- */

/* One core, two queries of 1: at 1 each has 0.5 left; two cores from then
 * on, so both finish at 1.5. */
START_TEST(ps_set_capacity)
{
    struct db_config cfg = ps_config(1);
    struct ctx *c = ctx_new(&cfg);
    submit(c, 0, 1);
    submit(c, 1, 1);
    run_to(c, 1);
    ck_assert(db_set_capacity(c->db, (struct db_capacity){.cores = 2}));
    ck_assert(!db_set_capacity(c->db, (struct db_capacity){.cores = 0}));
    run_to(c, 10);
    expect(c, 0, 0, DB_OK, 1.5, 1.5);
    expect(c, 1, 1, DB_OK, 1.5, 1.5);
    /* util: 1 core of 1 for 1 s, then 2 of 2 for 0.5 s */
    struct db_stats s = collect(c, NULL);
    ck_assert_double_eq_tol(s.util_area, 1.5, EPS);
    ck_assert_double_eq_tol(s.work_done, 2, EPS);
    ctx_free(c);
}
END_TEST

/* fcfs 2 → 1 core at 1: A and B (2 each) keep their servers until 2; then
 * only one server takes work: C 2..3, D 3..4. */
START_TEST(fcfs_fewer_cores)
{
    struct db_config cfg = fcfs_config(2);
    struct ctx *c = ctx_new(&cfg);
    submit(c, 0, 2);
    submit(c, 1, 2);
    submit(c, 2, 1);
    submit(c, 3, 1);
    run_to(c, 1);
    ck_assert(db_set_capacity(c->db, (struct db_capacity){.cores = 1}));
    /* refused, so the one core stays: accepting it would leave fcfs
     * with no whole core and C, D would never start */
    ck_assert(!db_set_capacity(c->db, (struct db_capacity){
                                          .usl = true, .sigma = 0.1}));
    run_to(c, 10);
    expect(c, 0, 0, DB_OK, 2, 2);
    expect(c, 1, 1, DB_OK, 2, 2);
    expect(c, 2, 2, DB_OK, 3, 3);
    expect(c, 3, 3, DB_OK, 4, 4);
    /* util never above 1: from 1 to 2 two queries run on 1 core */
    struct db_stats s = collect(c, NULL);
    ck_assert_double_eq_tol(s.util_area, 4, EPS);
    ctx_free(c);
}
END_TEST

/* fcfs 1 → 2 cores at 1: B starts at once (1..3) beside A (0..2). */
START_TEST(fcfs_more_cores)
{
    struct db_config cfg = fcfs_config(1);
    struct ctx *c = ctx_new(&cfg);
    submit(c, 0, 2);
    submit(c, 1, 2);
    run_to(c, 1);
    ck_assert(db_set_capacity(c->db, (struct db_capacity){.cores = 2}));
    run_to(c, 10);
    expect(c, 0, 0, DB_OK, 2, 2);
    expect(c, 1, 1, DB_OK, 3, 3);
    ctx_free(c);
}
END_TEST

/* Many cores (no sharing): A submitted before the change keeps its work;
 * B after it needs twice as long. */
START_TEST(service_multiplier)
{
    struct db_config cfg = ps_config(10);
    struct ctx *c = ctx_new(&cfg);
    submit(c, 0, 1);
    run_to(c, 0.5);
    ck_assert(db_set_service_multiplier(c->db, 2));
    ck_assert(!db_set_service_multiplier(c->db, 0));
    ck_assert(!db_set_service_multiplier(c->db, NAN));
    run_to(c, 1);
    submit(c, 1, 1);
    run_to(c, 10);
    expect(c, 0, 0, DB_OK, 1, 1);
    expect(c, 1, 1, DB_OK, 3, 2);
    ctx_free(c);
}
END_TEST

/* ---- cancel -------------------------------------------------------------- */

START_TEST(cancel_waiter_and_running_query)
{
    struct db_config cfg = ps_config(1);
    cfg.pool_size = 1;
    struct ctx *c = ctx_new(&cfg);
    submit(c, 0, 2);
    db_query_id waiter = submit(c, 1, 1);
    submit(c, 2, 1);
    db_cancel(c->db, waiter);            /* leaves the pool FIFO */
    run_to(c, 1);
    db_cancel(c->db, c->ids[0]);         /* abandoned at the db, 1 left */
    db_cancel(c->db, c->ids[0]);         /* twice: harmless */
    db_cancel(c->db, 0);
    run_to(c, 10);
    /* C got the connection at 1, shares the core with A: both done at 3 */
    ck_assert_int_eq(c->n, 1);
    expect(c, 0, 2, DB_OK, 3, 3);
    struct db_stats s = collect(c, NULL);
    ck_assert_double_eq_tol(s.wasted_work, 2, EPS);
    ck_assert_uint_eq(s.timeouts, 0);
    ctx_free(c);
}
END_TEST

/* An id whose callback has run names nothing, even once its record has
 * been reused by another query. */
/* A query cancelled while its refusal is on its way (max_connections 1, A
 * at the database): no callback comes, and the database no longer holds
 * it. */
START_TEST(cancel_a_query_being_refused)
{
    struct db_config cfg = ps_config(1);
    cfg.max_connections = 1;
    struct ctx *c = ctx_new(&cfg);
    submit(c, 0, 1);
    db_query_id b = submit(c, 1, 1);
    ck_assert_int_eq(db_queries_held(c->db), 2);
    db_cancel(c->db, b);
    ck_assert_int_eq(db_queries_held(c->db), 1);
    run_to(c, 10);
    ck_assert_int_eq(c->n, 1);
    expect(c, 0, 0, DB_OK, 1, 1);
    ck_assert_int_eq(db_queries_held(c->db), 0);
    ctx_free(c);
}
END_TEST

START_TEST(stale_id_is_harmless)
{
    struct db_config cfg = ps_config(1);
    struct ctx *c = ctx_new(&cfg);
    db_query_id old = submit(c, 0, 1);
    run_to(c, 2);
    db_query_id fresh = submit(c, 1, 1);
    ck_assert_uint_ne(old, fresh);
    ck_assert_uint_eq(old & 0xffffffff, fresh & 0xffffffff);  /* reused */
    db_cancel(c->db, old);
    run_to(c, 10);
    expect(c, 1, 1, DB_OK, 3, 1);
    ctx_free(c);
}
END_TEST

/* ---- stats segments ------------------------------------------------------ */

static void check_same(const struct db_stats *a, const struct db_stats *b)
{
    ck_assert_double_eq_tol(a->span, b->span, EPS);
    ck_assert_double_eq_tol(a->inflight_area, b->inflight_area, EPS);
    ck_assert_double_eq_tol(a->util_area, b->util_area, EPS);
    ck_assert_double_eq_tol(a->work_done, b->work_done, EPS);
    ck_assert_double_eq_tol(a->wasted_work, b->wasted_work, EPS);
    ck_assert_int_eq(a->inflight_max, b->inflight_max);
    ck_assert_int_eq(a->pool_waiting_max, b->pool_waiting_max);
    ck_assert_uint_eq(a->submitted, b->submitted);
    ck_assert_uint_eq(a->started, b->started);
    ck_assert_uint_eq(a->completed, b->completed);
    ck_assert_uint_eq(a->timeouts, b->timeouts);
    ck_assert_uint_eq(a->response->count, b->response->count);
    ck_assert_double_eq_tol(a->response->sum, b->response->sum, EPS);
}

/* The timeout scenario cut into segments, each worked out by hand. A runs
 * alone at rate 1 to 2, is abandoned there (2 units already wasted), then
 * shares the two cores with B (2..2.25) at rate 1 each, and ends at 5. */
START_TEST(segments_by_hand)
{
    struct seg_expect {
        double cut, work, wasted;
        long inflight_max, pool_waiting_max;
        uint64_t submitted, started, completed, timeouts;
    } want[] = {
        {1, 1, 0, 1, 1, 2, 1, 0, 0},
        {2.1, 1.2, 2.1, 2, 1, 0, 1, 0, 1},
        {4, 2.05, 1.9, 2, 0, 0, 0, 1, 0},
        {10, 1, 1, 1, 0, 0, 0, 0, 0},
    };
    struct ctx *c = timeout_scenario(false);
    double from = 0;
    for (int i = 0; i < 4; i++) {
        run_to(c, want[i].cut);
        struct db_stats s = collect(c, NULL);
        ck_assert_double_eq_tol(s.span, want[i].cut - from, EPS);
        ck_assert_double_eq_tol(s.work_done, want[i].work, EPS);
        ck_assert_double_eq_tol(s.wasted_work, want[i].wasted, EPS);
        ck_assert_int_eq(s.inflight_max, want[i].inflight_max);
        ck_assert_int_eq(s.pool_waiting_max, want[i].pool_waiting_max);
        ck_assert_uint_eq(s.submitted, want[i].submitted);
        ck_assert_uint_eq(s.started, want[i].started);
        ck_assert_uint_eq(s.completed, want[i].completed);
        ck_assert_uint_eq(s.timeouts, want[i].timeouts);
        from = want[i].cut;
    }
    ctx_free(c);
}
END_TEST

/* Collecting straight into one struct over several segments gives the
 * same as collecting once, histogram included. */
START_TEST(collect_accumulates)
{
    struct hist *h1 = hist_create(), *h2 = hist_create();
    struct db_stats whole = {.response = h1}, parts = {.response = h2};
    struct ctx *c = timeout_scenario(false);
    run_to(c, 10);
    db_stats_collect(c->db, &whole);
    ctx_free(c);
    c = timeout_scenario(false);
    double cuts[] = {0.25, 1, 2.1, 2.2, 4, 10};
    for (int i = 0; i < 6; i++) {
        run_to(c, cuts[i]);
        db_stats_collect(c->db, &parts);
    }
    check_same(&whole, &parts);
    ck_assert_uint_eq(h2->count, 1);
    ctx_free(c);
    hist_destroy(h1);
    hist_destroy(h2);
}
END_TEST

/* ---- one pool per instance ---------------------------------------------- */

/* Two pools of one connection, four cores: A and B from pool 0, C from
 * pool 1. A and C run at once (each has its pool's connection); B waits
 * for A's (done at 1) and finishes at 2. Each pool's peak is its own, and
 * a segment's peak includes what is in use when it starts (B, at 1.5). */
START_TEST(each_instance_has_its_own_pool)
{
    struct db_config cfg = ps_config(4);
    cfg.pools = 2;
    cfg.pool_size = 1;
    struct ctx *c = ctx_new(&cfg);
    submit_from(c, 0, 0, 1);
    submit_from(c, 0, 1, 1);
    submit_from(c, 1, 2, 1);
    ck_assert_int_eq(db_queries_held(c->db), 3);
    run_to(c, 1.5);
    expect(c, 0, 0, DB_OK, 1, 1);
    expect(c, 1, 2, DB_OK, 1, 1);
    long peaks[2] = {0, 0};
    struct db_stats s = {.pool_peak = peaks, .n_pools = 2};
    db_stats_collect(c->db, &s);
    ck_assert_int_eq(s.pool_waiting_max, 1);
    ck_assert_int_eq(s.inflight_max, 2);
    ck_assert_int_eq(peaks[0], 1);
    ck_assert_int_eq(peaks[1], 1);
    run_to(c, 3);
    expect(c, 2, 1, DB_OK, 2, 2);
    long later[2] = {0, 0};
    struct db_stats t = {.pool_peak = later, .n_pools = 2};
    db_stats_collect(c->db, &t);
    ck_assert_int_eq(later[0], 1);   /* B, in use when the segment began */
    ck_assert_int_eq(later[1], 0);
    /* folding segments keeps each pool's larger peak */
    db_stats_add(&t, &s);
    ck_assert_int_eq(later[0], 1);
    ck_assert_int_eq(later[1], 1);
    /* a struct without room for the peaks collects none */
    struct db_stats none = {0};
    db_stats_collect(c->db, &none);
    ck_assert_ptr_null(none.pool_peak);
    ctx_free(c);
}
END_TEST

/* A query that times out gives its connection back to its own pool: two
 * pools of one, timeout 1; C (pool 1, 10 s of work) is abandoned at 1 and
 * D, waiting on pool 1 since 0.5, gets its connection then (done at 1.4,
 * before its own deadline at 1.5); pool 0's own query A is unaffected. */
START_TEST(a_timed_out_query_frees_its_own_pools_connection)
{
    struct db_config cfg = ps_config(8);
    cfg.pools = 2;
    cfg.pool_size = 1;
    cfg.timeout = 1;
    struct ctx *c = ctx_new(&cfg);
    submit_from(c, 0, 0, 0.5);
    submit_from(c, 1, 1, 10);
    run_to(c, 0.5);
    submit_from(c, 1, 2, 0.4);
    run_to(c, 3);
    expect(c, 0, 0, DB_OK, 0.5, 0.5);
    expect(c, 1, 1, DB_TIMEOUT, 1, 1);
    expect(c, 2, 2, DB_OK, 1.4, 0.9);
    ctx_free(c);
}
END_TEST

/* Pools of two, max_connections 3: the database's limit is global. Two
 * queries from pool 0 and one from pool 1 take the three; the next from
 * pool 1, which has a free connection, is refused at the database (its
 * connection back at once), and a later one from pool 1 gets in when a
 * query has left. */
START_TEST(max_connections_is_global_across_pools)
{
    struct db_config cfg = ps_config(8);
    cfg.pools = 2;
    cfg.pool_size = 2;
    cfg.max_connections = 3;
    struct ctx *c = ctx_new(&cfg);
    submit_from(c, 0, 0, 1);
    submit_from(c, 0, 1, 1);
    submit_from(c, 1, 2, 1);
    submit_from(c, 1, 3, 1);
    run_to(c, 0.5);
    expect(c, 0, 3, DB_REFUSED, 0, 0);
    submit_from(c, 1, 4, 1);
    run_to(c, 0.6);
    expect(c, 1, 4, DB_REFUSED, 0.5, 0);
    run_to(c, 1.5);
    submit_from(c, 1, 5, 1);
    run_to(c, 5);
    expect(c, 2, 0, DB_OK, 1, 1);
    expect(c, 3, 1, DB_OK, 1, 1);
    expect(c, 4, 2, DB_OK, 1, 1);
    expect(c, 5, 5, DB_OK, 2.5, 1);
    ctx_free(c);
}
END_TEST

/* ---- re-entrancy --------------------------------------------------------- */

struct loop {
    struct ctx *c;
    int left;
};

static void resubmit(void *p, enum db_result r, double rt)
{
    struct loop *l = p;
    (void)rt;
    ck_assert(!l->c->in_submit);
    ck_assert_int_eq(r, DB_OK);
    l->c->n++;
    if (--l->left > 0) {
        l->c->in_submit = true;
        ck_assert_uint_ne(db_submit(l->c->db, 0, 1, resubmit, l), 0);
        l->c->in_submit = false;
    }
}

/* A callback may submit the next query (a closed loop), and the new query
 * shares the core from the moment of the callback. */
START_TEST(callback_may_submit)
{
    struct db_config cfg = ps_config(1);
    struct ctx *c = ctx_new(&cfg);
    struct loop a = {c, 5}, b = {c, 5};
    c->in_submit = true;
    db_submit(c->db, 0, 1, resubmit, &a);
    db_submit(c->db, 0, 1, resubmit, &b);
    c->in_submit = false;
    sim_run(c->sim, 100);
    ck_assert_int_eq(c->n, 10);
    /* two always in service on one core: 10 units of work end at 10 */
    struct db_stats s = collect(c, NULL);
    ck_assert_double_eq_tol(s.work_done, 10, EPS);
    ck_assert_double_eq_tol(s.inflight_area, 20, EPS);
    ctx_free(c);
}
END_TEST

/* ---- processor sharing against a direct computation ---------------------- */

/* Reference: advance every remaining query by dt·W(n)/n, event by event;
 * a query still in at arr + timeout leaves then (cancel_on_timeout). */
struct ref_state {
    double left[64];
    bool in[64];
    int active;
};

static double ref_next_done(const struct ref_state *st, int n, double t,
                            double rate, int *who)
{
    double best = INFINITY;
    for (int i = 0; i < n; i++)
        if (st->in[i] && t + st->left[i] / rate < best) {
            best = t + st->left[i] / rate;
            *who = i;
        }
    return best;
}

static double ref_next_deadline(const struct ref_state *st, int n,
                                const double *arr, double timeout, int *who)
{
    double best = INFINITY;
    for (int i = 0; i < n; i++)
        if (st->in[i] && arr[i] + timeout < best) {
            best = arr[i] + timeout;
            *who = i;
        }
    return best;
}

static void reference_ps(const struct db_capacity *cap, int n,
                         const double *arr, const double *work, double timeout,
                         double *done_at, enum db_result *res)
{
    struct ref_state st = {.active = 0};
    double t = 0;
    int next = 0;
    for (int i = 0; i < n; i++)
        st.left[i] = work[i];
    while (next < n || st.active > 0) {
        double rate = st.active ? db_capacity_at(cap, st.active) / st.active
                                : 0;
        int done = -1, late = -1;
        double t_done = ref_next_done(&st, n, t, rate, &done);
        double t_late = ref_next_deadline(&st, n, arr, timeout, &late);
        double t_arr = next < n ? arr[next] : INFINITY;
        double t1 = fmin(t_arr, fmin(t_done, t_late));
        for (int i = 0; i < n; i++)
            if (st.in[i])
                st.left[i] -= (t1 - t) * rate;
        t = t1;
        int who = t1 == t_arr ? next++ : t1 == t_done ? done : late;
        st.in[who] = t1 == t_arr;
        st.active += t1 == t_arr ? 1 : -1;
        if (t1 != t_arr) {
            done_at[who] = t;
            res[who] = t1 == t_done ? DB_OK : DB_TIMEOUT;
        }
    }
}

struct timed {
    struct ctx *c;
    double work;
    int who;
};

static void timed_submit(struct sim *sim, void *p)
{
    (void)sim;
    struct timed *t = p;
    submit(t->c, t->who, t->work);
}

/* Random arrivals and work on three capacities, without and with a
 * cancelling timeout: every completion and timeout at the time the direct
 * computation gives. Exercises reuse of records and dropped heap nodes. */
START_TEST(ps_matches_reference)
{
    struct db_capacity caps[] = {
        {.cores = 1}, {.cores = 3},
        {.usl = true, .sigma = 0.1, .kappa = 0.02},
    };
    gsl_rng *r = rng_stream_create(1, 0, "test-ps");
    int timeouts[6] = {0};
    for (int k = 0; k < 6; k++) {
        for (int rep = 0; rep < 20; rep++) {
            struct db_config cfg = ps_config(1);
            cfg.capacity = caps[k % 3];
            cfg.timeout = k < 3 ? INFINITY : 2.5;
            cfg.cancel_on_timeout = true;
            struct ctx *c = ctx_new(&cfg);
            int n = 40;
            double arr[40], work[40], done_at[40], t = 0;
            enum db_result res[40];
            struct timed tm[40];
            for (int i = 0; i < n; i++) {
                t += gsl_ran_exponential(r, 0.4);
                arr[i] = t;
                work[i] = gsl_ran_exponential(r, 1);
                tm[i] = (struct timed){c, work[i], i};
                sim_schedule(c->sim, arr[i], timed_submit, &tm[i]);
            }
            reference_ps(&caps[k % 3], n, arr, work, cfg.timeout, done_at,
                         res);
            sim_run(c->sim, 1e9);
            ck_assert_int_eq(c->n, n);
            for (int i = 0; i < n; i++) {
                ck_assert_double_eq_tol(c->at[i], done_at[c->who[i]], 1e-9);
                ck_assert_int_eq(c->res[i], res[c->who[i]]);
                timeouts[k] += c->res[i] == DB_TIMEOUT;
            }
            ck_assert_int_eq(db_queries_held(c->db), 0);
            ctx_free(c);
        }
    }
    for (int k = 3; k < 6; k++)   /* the timeout really cut queries short */
        ck_assert_int_gt(timeouts[k], 20);
    gsl_rng_free(r);
}
END_TEST

TEST_SUITE(database_suite)
{
    Suite *s = suite_create("database");
    TCase *tc = tcase_create("by hand");
    tcase_add_test(tc, ps_one_core_two_queries);
    tcase_add_test(tc, ps_two_cores_three_equal_queries);
    tcase_add_test(tc, ps_late_arrival);
    tcase_add_test(tc, usl_rate);
    tcase_add_test(tc, capacity_curve);
    tcase_add_test(tc, config_errors);
    tcase_add_test(tc, fcfs_order);
    tcase_add_test(tc, fcfs_two_servers);
    tcase_add_test(tc, fcfs_cancel_a_queued_query);
    tcase_add_test(tc, pool_is_fifo);
    tcase_add_test(tc, pool_timeout);
    tcase_add_test(tc, timeout_decides_before_pool_timeout);
    tcase_add_test(tc, pool_timeout_equal_to_timeout_charges_the_pool);
    tcase_add_test(tc, timeout_frees_the_pool_while_the_db_works);
    tcase_add_test(tc, cancel_on_timeout_removes_the_query);
    tcase_add_test(tc, fcfs_timeouts);
    tcase_add_test(tc, refused_while_an_abandoned_query_runs);
    tcase_add_test(tc, waiter_refused_by_an_abandoned_query);
    tcase_add_test(tc, background_shares_capacity_not_the_pool);
    tcase_add_test(tc, limit_stops_a_database_that_cannot_keep_up);
    tcase_add_test(tc, ps_set_capacity);
    tcase_add_test(tc, fcfs_fewer_cores);
    tcase_add_test(tc, fcfs_more_cores);
    tcase_add_test(tc, service_multiplier);
    tcase_add_test(tc, cancel_waiter_and_running_query);
    tcase_add_test(tc, cancel_a_query_being_refused);
    tcase_add_test(tc, stale_id_is_harmless);
    tcase_add_test(tc, segments_by_hand);
    tcase_add_test(tc, collect_accumulates);
    tcase_add_test(tc, callback_may_submit);
    tcase_add_test(tc, each_instance_has_its_own_pool);
    tcase_add_test(tc, max_connections_is_global_across_pools);
    tcase_add_test(tc, a_timed_out_query_frees_its_own_pools_connection);
    tcase_add_test(tc, ps_matches_reference);
    suite_add_tcase(s, tc);
    return s;
}
