/*
 * test_rng.c — random streams (sim/kernel/rng.c).
 */
#include "../support.h"
#include "kernel/rng.h"

#include <math.h>

static void draw(gsl_rng *r, unsigned long *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = gsl_rng_get(r);
}

START_TEST(streams_are_reproducible)
{
    unsigned long a[100], b[100];
    gsl_rng *x = rng_stream_create(42, 0, "arrivals");
    gsl_rng *y = rng_stream_create(42, 0, "arrivals");
    draw(x, a, 100);
    draw(y, b, 100);
    for (int i = 0; i < 100; i++)
        ck_assert_uint_eq(a[i], b[i]);
    gsl_rng_free(x);
    gsl_rng_free(y);
}
END_TEST

START_TEST(seed_replication_and_component_all_matter)
{
    uint64_t base = rng_stream_seed(42, 0, "arrivals");
    ck_assert_uint_ne(base, rng_stream_seed(43, 0, "arrivals"));
    ck_assert_uint_ne(base, rng_stream_seed(42, 1, "arrivals"));
    ck_assert_uint_ne(base, rng_stream_seed(42, 0, "keys"));
    /* nearby inputs give unrelated seeds (no shared low bits pattern) */
    ck_assert_uint_ne(rng_stream_seed(0, 1, "a"), rng_stream_seed(1, 0, "a"));
}
END_TEST

START_TEST(adding_a_component_changes_no_other_stream)
{
    unsigned long alone[50], beside[50];
    gsl_rng *a = rng_stream_create(7, 3, "database");
    draw(a, alone, 50);
    gsl_rng_free(a);

    /* Another component created first and drawn from heavily. */
    gsl_rng *other = rng_stream_create(7, 3, "a-new-component");
    unsigned long junk[1000];
    draw(other, junk, 1000);
    gsl_rng *b = rng_stream_create(7, 3, "database");
    draw(b, beside, 50);
    for (int i = 0; i < 50; i++)
        ck_assert_uint_eq(alone[i], beside[i]);
    gsl_rng_free(other);
    gsl_rng_free(b);
}
END_TEST

START_TEST(uniform_pos1_is_in_zero_one_closed_above)
{
    gsl_rng *r = rng_stream_create(1, 0, "coin");
    double sum = 0;
    for (int i = 0; i < 100000; i++) {
        double u = rng_uniform_pos1(r);
        ck_assert(u > 0 && u <= 1);
        sum += u;
    }
    /* mean 1/2, sd of the mean sqrt(1/12/1e5) = 0.00091; 4 sd = 0.0037 */
    ck_assert_double_eq_tol(sum / 100000, 0.5, 0.0037);
    gsl_rng_free(r);
}
END_TEST

/* 53 bits: in [0, 1), a multiple of 2^-53, and finer than one word
 * (2^-32) — else a Zipf tail of 10^7 keys gets a few values a key. */
START_TEST(uniform53_has_53_bits)
{
    gsl_rng *r = rng_stream_create(1, 0, "keys");
    double sum = 0;
    int finer = 0;
    for (int i = 0; i < 100000; i++) {
        double u = rng_uniform53(r);
        ck_assert(u >= 0 && u < 1);
        ck_assert(ldexp(u, 53) == floor(ldexp(u, 53)));
        finer += ldexp(u, 32) != floor(ldexp(u, 32));
        sum += u;
    }
    /* all but about one in 2^21 have bits below 2^-32 */
    ck_assert_int_ge(finer, 99990);
    /* mean 1/2, sd of the mean 0.00091; 4 sd */
    ck_assert_double_eq_tol(sum / 100000, 0.5, 0.0037);
    gsl_rng_free(r);
}
END_TEST

/* The generator is Philox4x32-10: the known-answer vectors of its
 * authors (Random123's kat_vectors), through the stream's own layout:
 * block 0 of substream 0 under the key, its words taken last first. */
START_TEST(the_generator_is_philox4x32_10)
{
    gsl_rng *r = gsl_rng_alloc(&rng_philox_type);
    gsl_rng_set(r, 0);   /* key 0, counter 0 */
    static const uint32_t ZERO[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c,
                                     0x9b00dbd8};
    for (int i = 3; i >= 0; i--)
        ck_assert_uint_eq(gsl_rng_get(r), ZERO[i]);
    /* counter (0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344) under key
     * (0xa4093822, 0x299f31d0): the digits of pi */
    struct rng_state *s = r->state;
    s->key[0] = 0xa4093822;
    s->key[1] = 0x299f31d0;
    rng_substream(r, UINT64_C(0x0370734413198a2e));
    s->counter[0] = 0x243f6a88;
    s->counter[1] = 0x85a308d3;
    static const uint32_t PI[4] = {0xd16cfe09, 0x94fdcceb, 0x5001e420,
                                   0x24126ea1};
    for (int i = 3; i >= 0; i--)
        ck_assert_uint_eq(rng_word(r), PI[i]);
    gsl_rng_free(r);
}
END_TEST

/* What a substream gives depends on its index alone: not on what the
 * stream drew before, nor on other substreams drawn in between; and it
 * runs on past its first block. */
START_TEST(a_substream_depends_on_its_index_alone)
{
    enum { N = 11 };   /* three blocks, the last one partly */
    uint32_t fresh[N], after[N], again[N];
    gsl_rng *a = rng_stream_create(5, 2, "work");
    rng_substream(a, 1234567);
    for (int i = 0; i < N; i++)
        fresh[i] = rng_word(a);
    gsl_rng *b = rng_stream_create(5, 2, "work");
    for (int i = 0; i < 1001; i++)
        (void)rng_word(b);
    rng_substream(b, 99);
    (void)rng_word(b);
    rng_substream(b, 1234567);
    for (int i = 0; i < N; i++)
        after[i] = rng_word(b);
    rng_substream(b, 1234568);
    (void)rng_word(b);
    rng_substream(b, 1234567);
    for (int i = 0; i < N; i++)
        again[i] = rng_word(b);
    for (int i = 0; i < N; i++) {
        ck_assert_uint_eq(fresh[i], after[i]);
        ck_assert_uint_eq(fresh[i], again[i]);
    }
    /* the blocks differ from one another, and from the next substream */
    ck_assert_uint_ne(fresh[0], fresh[4]);
    ck_assert_uint_ne(fresh[4], fresh[8]);
    rng_substream(b, 1234568);
    ck_assert_uint_ne(rng_word(b), fresh[0]);
    /* the stream is keyed by all 64 bits of its seed */
    struct rng_state *st = b->state;
    uint64_t key = rng_stream_seed(5, 2, "work");
    ck_assert_uint_eq(st->key[0], (uint32_t)key);
    ck_assert_uint_eq(st->key[1], (uint32_t)(key >> 32));
    /* a substream's index has 64 bits: the high half counts */
    rng_substream(b, 1234567 + (UINT64_C(1) << 32));
    ck_assert_uint_ne(rng_word(b), fresh[0]);
    gsl_rng_free(a);
    gsl_rng_free(b);
}
END_TEST

/* The inline draws and GSL's (what gsl_ran_* samplers call) take the
 * same words from the same place; with another generator the inline
 * draws go through GSL. */
START_TEST(inline_draws_and_gsl_draws_agree)
{
    gsl_rng *a = rng_stream_create(9, 0, "arrivals");
    gsl_rng *b = rng_stream_create(9, 0, "arrivals");
    for (int i = 0; i < 103; i++) {
        uint32_t w = rng_word(a);
        if (i % 3 == 0)
            ck_assert_uint_eq(w, gsl_rng_get(b));
        else if (i % 3 == 1)
            ck_assert_double_eq(rng_uniform_pos1(b), (w + 1.0) / 4294967296.0);
        else
            ck_assert_double_eq(gsl_rng_uniform(b), w / 4294967296.0);
    }
    gsl_rng *mt = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng *mt2 = gsl_rng_alloc(gsl_rng_mt19937);
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(rng_word(mt), gsl_rng_get(mt2));
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(mt);
    gsl_rng_free(mt2);
}
END_TEST

/* The exponential's mean: the sample mean of 10^5 draws of mean 2 has sd
 * 2/sqrt(1e5) = 0.0063; 4 sd = 0.025. */
START_TEST(exponential_has_its_mean)
{
    gsl_rng *r = rng_stream_create(3, 0, "cache.latency");
    double sum = 0;
    for (int i = 0; i < 100000; i++) {
        double x = rng_exponential(r, 2.0);
        ck_assert(x >= 0 && isfinite(x));
        sum += x;
    }
    ck_assert_double_eq_tol(sum / 100000, 2.0, 0.025);
    gsl_rng_free(r);
}
END_TEST

TEST_SUITE(rng_suite)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("streams");
    tcase_add_test(tc, streams_are_reproducible);
    tcase_add_test(tc, seed_replication_and_component_all_matter);
    tcase_add_test(tc, adding_a_component_changes_no_other_stream);
    tcase_add_test(tc, uniform_pos1_is_in_zero_one_closed_above);
    tcase_add_test(tc, the_generator_is_philox4x32_10);
    tcase_add_test(tc, a_substream_depends_on_its_index_alone);
    tcase_add_test(tc, inline_draws_and_gsl_draws_agree);
    tcase_add_test(tc, exponential_has_its_mean);
    tcase_add_test(tc, uniform53_has_53_bits);
    suite_add_tcase(s, tc);
    return s;
}
