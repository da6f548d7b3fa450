/*
 * test_cache.c — the Redis-like store (models/cache.c).
 */
#include <math.h>
#include <stdlib.h>

#include "../support.h"
#include "cache.h"
#include "kernel/rng.h"

static struct cache_config config(double ttl, double jitter, double stale,
                                  enum warm_mode warm)
{
    struct cache_config c = {ttl, jitter, stale, dist_constant(0.001), warm};
    return c;
}

START_TEST(values_are_fresh_then_stale_then_missing)
{
    gsl_rng *r = rng_stream_create(1, 0, "cache-test");
    struct cache_config c = config(10, 0, 5, WARM_COLD);
    struct dist d = dist_constant(0.2);
    struct cache *k = cache_create(&c, 3, &d, r, true);
    ck_assert_int_eq(cache_get(k, 1, 0).state, LOOKUP_MISSING);
    cache_set(k, 1, 2, 0.25);
    struct cache_value v = cache_get(k, 1, 11.9);
    ck_assert_int_eq(v.state, LOOKUP_FRESH);
    ck_assert_double_eq(v.expires_at, 12);
    ck_assert_double_eq(v.delta, 0.25);
    ck_assert_int_eq(cache_get(k, 1, 12).state, LOOKUP_STALE);
    ck_assert_int_eq(cache_get(k, 1, 16.9).state, LOOKUP_STALE);
    ck_assert_int_eq(cache_get(k, 1, 17).state, LOOKUP_MISSING);
    ck_assert_int_eq(cache_get(k, 0, 5).state, LOOKUP_MISSING);
    struct cache_stats s = {0};
    cache_stats_collect(k, &s);
    ck_assert_uint_eq(s.gets, 6);
    ck_assert_uint_eq(s.get_hits, 3);   /* fresh or stale present */
    ck_assert_uint_eq(s.sets, 1);
    cache_flush(k);
    ck_assert_int_eq(cache_get(k, 1, 11).state, LOOKUP_MISSING);
    cache_destroy(k);
    gsl_rng_free(r);
}
END_TEST

START_TEST(ttl_zero_stores_nothing_and_jitter_spreads_expiries)
{
    gsl_rng *r = rng_stream_create(2, 0, "cache-test");
    struct dist d = dist_constant(0.2);
    /* not even for the stale window: nothing is stored at all */
    struct cache_config zero = config(0, 0, 5, WARM_STAGGERED);
    struct cache *k = cache_create(&zero, 1, &d, r, true);
    ck_assert_int_eq(cache_get(k, 0, 0).state, LOOKUP_MISSING);
    ck_assert(cache_set(k, 0, 1, 0.1) == -INFINITY);
    ck_assert(cache_expiry(k, 0) == -INFINITY);
    ck_assert_int_eq(cache_get(k, 0, 1).state, LOOKUP_MISSING);
    ck_assert_int_eq(cache_get(k, 0, 3).state, LOOKUP_MISSING);
    cache_destroy(k);

    struct cache_config jit = config(10, 0.2, 0, WARM_COLD);
    k = cache_create(&jit, 2000, &d, r, true);
    double lo = INFINITY, hi = -INFINITY, sum = 0;
    for (long key = 0; key < 2000; key++) {
        cache_set(k, key, 0, 0.1);
        double e = cache_get(k, key, 0).expires_at;
        lo = fmin(lo, e);
        hi = fmax(hi, e);
        sum += e;
    }
    ck_assert(lo >= 8 && hi <= 12);
    ck_assert(lo < 8.1 && hi > 11.9);
    /* uniform on [8, 12]: sd of the mean 1.155 / sqrt(2000) = 0.026 */
    ck_assert_double_eq_tol(sum / 2000, 10, 3 * 0.026);
    cache_destroy(k);
    gsl_rng_free(r);
}
END_TEST

START_TEST(warm_states)
{
    gsl_rng *r = rng_stream_create(3, 0, "cache-test");
    struct dist d = dist_constant(0.2);
    struct cache_config st = config(30, 0, 0, WARM_STAGGERED);
    struct cache *k = cache_create(&st, 3000, &d, r, true);
    int fresh_at_15 = 0;
    for (long key = 0; key < 3000; key++) {
        struct cache_value v = cache_get(k, key, 0);
        ck_assert_int_eq(v.state, LOOKUP_FRESH);
        ck_assert(v.expires_at <= 30);
        ck_assert_double_eq(v.delta, (float)0.2);   /* kept in a float */
        fresh_at_15 += cache_get(k, key, 15).state == LOOKUP_FRESH;
    }
    /* expiries uniform over one TTL: half remain at 15 s; binomial sd 27 */
    ck_assert_int_le(abs(fresh_at_15 - 1500), 82);
    cache_destroy(k);
    struct cache_config sy = config(30, 0, 0, WARM_SYNCHRONIZED);
    k = cache_create(&sy, 10, &d, r, true);
    ck_assert_double_eq(cache_get(k, 7, 0).expires_at, 30);
    ck_assert_int_eq(cache_get(k, 7, 30).state, LOOKUP_MISSING);
    cache_destroy(k);
    gsl_rng_free(r);
}
END_TEST

/* memcache leases: a GET of a value not fresh hands the key's lease to
 * the first token (until now + ttl), a hot miss to the others while it
 * holds; a fresh value hands none; the holder's own token gets it again.
 * A SET with the token writes and releases the lease; a SET without it,
 * or after it expired, writes nothing. Every command is counted. */
START_TEST(leases_admit_one_writer)
{
    gsl_rng *r = rng_stream_create(1, 0, "cache-test");
    struct cache_config c = config(10, 0, 0, WARM_COLD);
    struct dist d = dist_constant(0.2);
    struct cache *k = cache_create(&c, 2, &d, r, true);
    bool got;
    cache_lease_get(k, 0, 1.0, 7, 0.5, &got);
    ck_assert(got);
    cache_lease_get(k, 0, 1.2, 8, 0.5, &got);
    ck_assert(!got);                                  /* a hot miss */
    cache_lease_get(k, 0, 1.3, 7, 0.5, &got);
    ck_assert(got);                                   /* its own again */
    cache_lease_get(k, 1, 1.3, 8, 0.5, &got);
    ck_assert(got);                                   /* another key's */
    /* key 1: a write with the token releases the lease; the next reader
     * (the value deleted) gets it at once; its own second get does not
     * extend it: its write after lease_ttl is refused */
    double exp1;
    ck_assert(cache_lease_set(k, 1, 1.4, 8, 0.1, &exp1));
    cache_delete(k, 1);
    cache_lease_get(k, 1, 1.41, 11, 0.5, &got);
    ck_assert(got);
    cache_lease_get(k, 1, 1.7, 11, 0.5, &got);
    ck_assert(got);
    ck_assert(!cache_lease_set(k, 1, 1.92, 11, 0.1, &exp1));
    double expiry = 0;
    ck_assert(!cache_lease_set(k, 0, 1.4, 8, 0.1, &expiry));
    ck_assert(isinf(expiry) && expiry < 0);
    ck_assert_int_eq(cache_get(k, 0, 1.4).state, LOOKUP_MISSING);
    ck_assert(cache_lease_set(k, 0, 1.45, 7, 0.1, &expiry));
    ck_assert_double_eq(expiry, 11.45);
    struct cache_value v = cache_lease_get(k, 0, 2, 9, 0.5, &got);
    ck_assert(!got);                                  /* fresh: no lease */
    ck_assert_int_eq(v.state, LOOKUP_FRESH);
    /* the expiry less the TTL kept in single precision: 1.45 to within
     * 10 s * 2^-24 */
    ck_assert_double_eq_tol(v.written_at, 1.45, 10 * 0x1p-24);
    /* the set released it: once the value expires the next reader gets it */
    cache_lease_get(k, 0, 12, 9, 0.5, &got);
    ck_assert(got);
    /* an expired lease frees the key, and its holder's write is refused */
    cache_lease_get(k, 0, 12.6, 10, 0.5, &got);
    ck_assert(got);
    ck_assert(!cache_lease_set(k, 0, 12.7, 9, 0.1, &expiry));
    struct cache_stats s = {0};
    cache_stats_collect(k, &s);
    ck_assert_uint_eq(s.gets, 10);
    ck_assert_uint_eq(s.sets, 6);   /* 5 SETs, 1 DEL */
    ck_assert_uint_eq(s.lock_ops, 0);
    cache_destroy(k);
    gsl_rng_free(r);
}
END_TEST

START_TEST(locks_are_exclusive_expire_and_release_by_token)
{
    gsl_rng *r = rng_stream_create(4, 0, "cache-test");
    struct dist d = dist_constant(0.2);
    struct cache_config c = config(10, 0, 0, WARM_COLD);
    struct cache *k = cache_create(&c, 2, &d, r, true);
    ck_assert(cache_lock(k, 0, 1.0, 7, 2.0));
    ck_assert(!cache_lock(k, 0, 2.0, 8, 2.0));     /* held by 7 */
    ck_assert(cache_lock(k, 1, 2.0, 8, 2.0));      /* another key */
    ck_assert(!cache_unlock(k, 0, 2.5, 8));        /* not 8's lock */
    ck_assert(cache_lock(k, 0, 3.0, 8, 2.0));      /* 7's expired at 3.0 */
    ck_assert(!cache_unlock(k, 0, 3.5, 7));        /* 7 lost it */
    ck_assert(cache_unlock(k, 0, 3.5, 8));
    ck_assert(cache_lock(k, 0, 3.6, 9, 2.0));      /* free again */
    struct cache_stats s = {0};
    cache_stats_collect(k, &s);
    ck_assert_uint_eq(s.lock_ops, 8);
    cache_destroy(k);
    gsl_rng_free(r);
}
END_TEST

/* A key's warm state is drawn when the key is first used, from its own
 * substream: the same whatever was used before it, whenever it is first
 * used, and whatever writes and flushes happened to other keys; its
 * initial expiry can be asked at any time. */
START_TEST(a_keys_warm_state_does_not_depend_on_when_it_is_first_used)
{
    struct dist d = {.kind = DIST_EXPONENTIAL, .mean = 0.2};
    struct cache_config st = config(30, 0.2, 0, WARM_STAGGERED);
    gsl_rng *ra = rng_stream_create(5, 0, "cache-test");
    gsl_rng *rb = rng_stream_create(5, 0, "cache-test");
    struct cache *a = cache_create(&st, 100, &d, ra, true);
    struct cache *b = cache_create(&st, 100, &d, rb, true);
    struct cache_value va[100];
    for (long key = 0; key < 100; key++)
        va[key] = cache_get(a, key, 0);
    ck_assert(va[0].expires_at != va[1].expires_at);
    ck_assert(va[0].delta != va[1].delta);
    /* b: key 50 written first (a draw of TTL jitter), then the others,
     * in reverse order and later */
    cache_set(b, 50, 1, 0.5);
    for (long key = 99; key >= 0; key--) {
        if (key == 50)
            continue;
        struct cache_value v = cache_get(b, key, 2);
        ck_assert_double_eq(v.expires_at, va[key].expires_at);
        ck_assert_double_eq(v.written_at, va[key].written_at);
        ck_assert_double_eq(v.delta, va[key].delta);
    }
    ck_assert_double_eq_tol(cache_get(b, 50, 2).written_at, 1, 36 * 0x1p-24);
    ck_assert_double_eq(cache_initial_expiry(b, 50), va[50].expires_at);
    /* a flush drops every value, used or not */
    struct cache *c = cache_create(&st, 100, &d, rb, true);
    cache_flush(c);
    ck_assert_int_eq(cache_get(c, 7, 0).state, LOOKUP_MISSING);
    ck_assert(cache_expiry(c, 8) == -INFINITY);
    ck_assert_double_eq(cache_initial_expiry(c, 8), va[8].expires_at);
    /* a flush drops the locks too */
    ck_assert(cache_lock(c, 9, 1, 77, 10));
    cache_flush(c);
    ck_assert(cache_lock(c, 9, 2, 78, 10));
    /* a key deleted before it was ever read stays deleted */
    struct cache *e = cache_create(&st, 100, &d, rb, true);
    cache_delete(e, 3);
    ck_assert_int_eq(cache_get(e, 3, 0).state, LOOKUP_MISSING);
    ck_assert_int_eq(cache_get(e, 4, 0).state, LOOKUP_FRESH);
    cache_destroy(e);
    cache_destroy(a);
    cache_destroy(b);
    cache_destroy(c);
    gsl_rng_free(ra);
    gsl_rng_free(rb);
}
END_TEST

TEST_SUITE(cache_suite)
{
    Suite *s = suite_create("cache");
    TCase *tc = tcase_create("store");
    tcase_add_test(tc, values_are_fresh_then_stale_then_missing);
    tcase_add_test(tc, ttl_zero_stores_nothing_and_jitter_spreads_expiries);
    tcase_add_test(tc, warm_states);
    tcase_add_test(tc, a_keys_warm_state_does_not_depend_on_when_it_is_first_used);
    tcase_add_test(tc, locks_are_exclusive_expire_and_release_by_token);
    tcase_add_test(tc, leases_admit_one_writer);
    suite_add_tcase(s, tc);
    return s;
}
