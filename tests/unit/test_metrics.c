/*
 * test_metrics.c — what one run measures (models/metrics.c): miss episodes
 * driven by hand, with times chosen so that every total is known exactly.
 */
#include <math.h>
#include <stdlib.h>

#include "../support.h"
#include "cache.h"
#include "database.h"
#include "kernel/rng.h"
#include "kernel/sim.h"
#include "metrics.h"
#include "policy.h"

/* A metrics object and the parts its segments collect from (the database
 * and the cache are idle: only the episodes are of interest here). */
struct bench {
    struct sim *sim;
    struct db *db;
    struct cache *cache;
    gsl_rng *rng;
    struct metrics *m;
    double closed;   /* the last window boundary closed */
};

#define WARMUP 2.0
#define WINDOW 1.0
#define DURATION 10.0

static struct bench *bench_new(long keys)
{
    struct bench *b = calloc(1, sizeof *b);
    ck_assert_ptr_nonnull(b);
    b->sim = sim_create();
    struct db_config dc = {
        .discipline = DB_PS, .capacity = {.cores = 1},
        .background_service = dist_constant(0), .pools = 1, .pool_size = 1,
        .pool_timeout = INFINITY, .timeout = INFINITY,
    };
    b->db = db_create(b->sim, &dc, NULL, NULL);
    struct cache_config cc = {.ttl = 1, .latency = dist_constant(0),
                              .warm = WARM_COLD};
    struct dist work = dist_constant(0.1);
    b->rng = rng_stream_create(1, 0, "metrics-test");
    b->cache = cache_create(&cc, keys, &work, b->rng, false);
    struct metrics_params p = {
        .label = "t", .warmup = WARMUP, .window = WINDOW,
        .duration = DURATION, .keys = keys, .policy = policy_find("none"),
    };
    b->m = metrics_create(&p);
    ck_assert(b->db && b->cache && b->m);
    return b;
}

static void bench_free(struct bench *b)
{
    metrics_destroy(b->m);
    cache_destroy(b->cache);
    db_destroy(b->db);
    sim_destroy(b->sim);
    gsl_rng_free(b->rng);
    free(b);
}

/* Closes every window boundary up to t, as the world does (the warmup's
 * end is one of them here). */
static void advance(struct bench *b, double t)
{
    while (b->closed + WINDOW <= t && b->closed + WINDOW < DURATION) {
        b->closed += WINDOW;
        sim_run(b->sim, b->closed);
        metrics_close_segment(b->m, b->closed, b->db, b->cache, NULL, false);
    }
}

static uint64_t miss(struct bench *b, long key, double t)
{
    advance(b, t);
    return metrics_episode_miss(b->m, key, t);
}

static void write_at(struct bench *b, long key, double t)
{
    advance(b, t);
    metrics_episode_write(b->m, key, t);
}

static const struct episode_totals *finish(struct bench *b)
{
    advance(b, DURATION);
    sim_run(b->sim, DURATION);
    metrics_close_segment(b->m, DURATION, b->db, b->cache, NULL, true);
    return &metrics_finish(b->m, DURATION, 0)->episodes;
}

/*
 * Warmup 2 s, windows of 1 s, the run ends at 10 s. Three keys:
 *
 *   key 0  e1: missed at 0.5 (warmup), 1 query, written at 2.5, then a
 *              late query at 3.0. Started in the warmup: none of it
 *              counts, not even what comes after the warmup.
 *          e5: missed at 5.0, never again, still open at 10: age 5, no
 *              query; not active (its last missing read is 5 s old).
 *   key 1  e2: missed at 2.0 (exactly the warmup's end: counted), 2
 *              queries, written at 3.4 (1.4 s), written again at 3.45 (no
 *              episode open: that changes nothing), then a late query of
 *              it at 3.5: size 3.
 *          e3: missed at 4.0, no query when written at 4.2 (0.2 s), then
 *              a late query: size 1.
 *   key 2  e4: missed at 6.0, 1 query, missed again at 9.0 — exactly one
 *              window before the end, so still active — open at 10: age 4.
 *
 * Counted: e2..e5, sizes 3 + 1 + 1 + 0, durations 1.4 + 0.2 + 4 + 5.
 */
START_TEST(episodes_late_queries_warmup_and_open_ones)
{
    struct bench *b = bench_new(3);
    uint64_t e1 = miss(b, 0, 0.5);
    metrics_episode_query(b->m, 0, e1);
    uint64_t e2 = miss(b, 1, 2.0);
    metrics_episode_query(b->m, 1, e2);
    metrics_episode_query(b->m, 1, e2);
    write_at(b, 0, 2.5);
    advance(b, 3.0);
    metrics_episode_query(b->m, 0, e1);            /* late, warmup's */
    write_at(b, 1, 3.4);
    write_at(b, 1, 3.45);                          /* none open: nothing */
    advance(b, 3.5);
    metrics_episode_query(b->m, 1, e2);            /* late, counted */
    uint64_t e3 = miss(b, 1, 4.0);
    ck_assert_uint_eq(e3, e2 + 1);                 /* numbered per key */
    write_at(b, 1, 4.2);
    advance(b, 4.3);
    metrics_episode_query(b->m, 1, e3);            /* late, of a 0-query one */
    uint64_t e5 = miss(b, 0, 5.0);
    uint64_t e4 = miss(b, 2, 6.0);
    metrics_episode_query(b->m, 2, e4);
    ck_assert_uint_eq(miss(b, 2, 9.0), e4);        /* the same episode */
    metrics_episode_query(b->m, 0, 0);             /* no episode: ignored */
    (void)e5;
    const struct episode_totals *e = finish(b);
    ck_assert_uint_eq(e->count, 4);
    ck_assert_double_eq(e->size_sum, 5);
    ck_assert_double_eq(e->size_max, 3);
    ck_assert_double_eq_tol(e->duration_sum, 1.4 + 0.2 + 4 + 5, 1e-12);
    ck_assert_double_eq(e->duration_max, 5);
    ck_assert_uint_eq(e->open_at_end, 2);
    ck_assert_double_eq(e->oldest_open, 5);
    ck_assert_double_eq(e->oldest_active, 4);
    bench_free(b);
}
END_TEST

/* An episode open at the end that started in the warmup: it is open and
 * old (a collapse shows), but its size and age are not the measured
 * episodes'. */
START_TEST(an_episode_open_since_the_warmup_is_reported_not_measured)
{
    struct bench *b = bench_new(1);
    uint64_t e = miss(b, 0, 1.0);
    metrics_episode_query(b->m, 0, e);
    miss(b, 0, 9.5);
    const struct episode_totals *t = finish(b);
    ck_assert_uint_eq(t->count, 0);
    ck_assert_double_eq(t->size_sum, 0);
    ck_assert_double_eq(t->duration_sum, 0);
    ck_assert_double_eq(t->duration_max, 0);
    ck_assert_uint_eq(t->open_at_end, 1);
    ck_assert_double_eq(t->oldest_open, 9);
    ck_assert_double_eq(t->oldest_active, 9);
    bench_free(b);
}
END_TEST

/* A late query of an episode that closed while the next episode of the
 * same key is open counts in the closed one: e1 (3.0 to 3.5, one query
 * in time and one late, at 4.5), e2 (open from 4.0 with one query, then
 * written at 5.0). Sizes 2 and 1. */
START_TEST(a_late_query_counts_in_its_episode_while_the_next_is_open)
{
    struct bench *b = bench_new(1);
    uint64_t e1 = miss(b, 0, 3.0);
    metrics_episode_query(b->m, 0, e1);
    write_at(b, 0, 3.5);
    uint64_t e2 = miss(b, 0, 4.0);
    ck_assert_uint_ne(e1, e2);
    metrics_episode_query(b->m, 0, e2);
    advance(b, 4.5);
    metrics_episode_query(b->m, 0, e1);            /* late, e2 open */
    write_at(b, 0, 5.0);
    const struct episode_totals *e = finish(b);
    ck_assert_uint_eq(e->count, 2);
    ck_assert_double_eq(e->size_sum, 3);
    ck_assert_double_eq(e->size_max, 2);
    bench_free(b);
}
END_TEST

TEST_SUITE(metrics_suite)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("episodes");
    tcase_add_test(tc, episodes_late_queries_warmup_and_open_ones);
    tcase_add_test(tc,
                   a_late_query_counts_in_its_episode_while_the_next_is_open);
    tcase_add_test(tc,
                   an_episode_open_since_the_warmup_is_reported_not_measured);
    suite_add_tcase(s, tc);
    return s;
}
