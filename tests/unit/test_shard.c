/*
 * test_shard.c — the slices of --shard I/N (sim/experiment/shard.c), the
 * SHA-256 that names a scenario (sim/kernel/sha256.c), and the partial
 * folder's records (sim/output/partial.c, partial_read.c): values read
 * back to the same bits.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support.h"
#include "experiment/shard.h"
#include "kernel/sha256.h"
#include "output/partial.h"
#include "scenario/scenario.h"

START_TEST(parse_slices)
{
    struct shard s;
    char err[256];
    ck_assert(shard_parse("3/7", &s, err, sizeof err));
    ck_assert_uint_eq(s.index, 3);
    ck_assert_uint_eq(s.count, 7);
    ck_assert(shard_parse("1/1", &s, err, sizeof err));
    ck_assert(shard_parse("100000/100000", &s, err, sizeof err));
    static const char *const BAD[] = {
        "0/3", "4/3", "3", "3/", "/3", "a/3", "3/b", "-1/3", "1/0",
        "1/100001", "1/3/5", " 1/3", "1 /3", "1.0/3", "",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++)
        ck_assert_msg(!shard_parse(BAD[i], &s, err, sizeof err), "'%s'",
                      BAD[i]);
    ck_assert(!shard_parse("4/3", &s, err, sizeof err));
    ck_assert_str_eq(err, "the slice 4 of 3 does not exist: I runs from 1 to "
                          "N");
}
END_TEST

/* Every item in exactly one slice, the slices as even as can be, the
 * listed items the ones shard_of assigns, dealt round-robin. */
START_TEST(slices_partition_the_items)
{
    for (unsigned count = 1; count <= 9; count++)
        for (size_t total = 0; total <= 40; total++) {
            unsigned *owner = calloc(total + 1, sizeof *owner);
            size_t least = total, most = 0;
            for (unsigned i = 1; i <= count; i++) {
                struct shard s = {i, count};
                size_t size = shard_size(&s, total);
                least = size < least ? size : least;
                most = size > most ? size : most;
                for (size_t j = 0; j < size; j++) {
                    size_t item = shard_item(&s, j);
                    ck_assert_uint_lt(item, total);
                    ck_assert_uint_eq(owner[item], 0);
                    owner[item] = i;
                    ck_assert_uint_eq(shard_of(item, count), i);
                    ck_assert_uint_eq(item % count, i - 1);
                    if (j > 0)
                        ck_assert_uint_eq(item - shard_item(&s, j - 1),
                                          count);
                }
            }
            for (size_t item = 0; item < total; item++)
                ck_assert_msg(owner[item] != 0, "item %zu of %zu in no slice "
                              "of %u", item, total, count);
            ck_assert_uint_le(most - least, 1);
            free(owner);
        }
}
END_TEST

static void expect_sha(const void *data, size_t len, const char *want)
{
    char hex[SHA256_HEX_LEN + 1];
    sha256_hex(data, len, hex);
    ck_assert_str_eq(hex, want);
}

/* FIPS 180-2's examples; around the block boundaries (55 bytes: the
 * length still fits the last block; 56: it needs another), checked
 * against coreutils' sha256sum; and 1000 bytes of no repeating block. */
START_TEST(sha256_known_digests)
{
    expect_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb924"
                      "27ae41e4649b934ca495991b7852b855");
    expect_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223"
                         "b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    expect_sha(two, strlen(two), "248d6a61d20638b8e5c026930c3e6039"
                                 "a33ce45964ff2167f6ecedd419db06c1");
    char *a = malloc(1000000);
    memset(a, 'a', 1000000);
    expect_sha(a, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67"
                           "f1809a48a497200e046d39ccc7112cd0");
    static const struct {
        size_t len;
        const char *sha;
    } EDGES[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
        {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
    };
    for (size_t i = 0; i < sizeof EDGES / sizeof EDGES[0]; i++)
        expect_sha(a, EDGES[i].len, EDGES[i].sha);
    /* blocks that differ from one another (Python's hashlib) */
    for (size_t i = 0; i < 1000; i++)
        a[i] = (char)(i * 7 % 251);
    expect_sha(a, 1000, "59425e4412e296fc74736673ce067027"
                        "f384203f59c0d2c3e6be7b13347b3ffc");
    free(a);
}
END_TEST

static bool same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

static void expect_round_trip(double v)
{
    char text[64];
    double back = 0;
    partial_format_value(v, text, sizeof text);
    ck_assert_msg(partial_parse_value(text, &back), "'%s' does not read back",
                  text);
    ck_assert_msg(same_bits(v, back), "%a came back as %a (via '%s')", v,
                  back, text);
}

/* xorshift64: bit patterns of every kind of double, NaNs included. */
static uint64_t next_bits(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

START_TEST(values_read_back_to_the_same_bits)
{
    const double SPECIAL[] = {
        0.0, -0.0, 0.1, 1.0 / 3, -2.5, 1e300, -1e-300, DBL_MAX, -DBL_MAX,
        DBL_MIN, DBL_MIN / 3, 4.9406564584124654e-324, DBL_EPSILON,
        9007199254740993.0, NAN, INFINITY, -INFINITY,
    };
    for (size_t i = 0; i < sizeof SPECIAL / sizeof SPECIAL[0]; i++)
        expect_round_trip(SPECIAL[i]);
    uint64_t state = 88172645463325252ULL;
    for (int i = 0; i < 100000; i++) {
        uint64_t bits = next_bits(&state);
        double v;
        memcpy(&v, &bits, sizeof v);
        expect_round_trip(v);
    }
    /* only what the writer writes: a decimal could have been rounded */
    static const char *const BAD[] = {
        "", "1.5", "0.1", "1e3", "0x", "0x1p", "nan1", "NaN", "infinity",
        "0x1p+1 ", " 0x1p+1", "abc", "+inf",
    };
    double v;
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++)
        ck_assert_msg(!partial_parse_value(BAD[i], &v), "'%s' read", BAD[i]);
}
END_TEST

static const char SCENARIO[] =
    "{\"name\": \"rt\", \"duration\": \"1s\","
    " \"policies\": [{\"policy\": \"none\"}, {\"label\": \"p-2\","
    "  \"policy\": \"per\"}]}";

/* A record written by the writer and read by the reader: every field,
 * and every value to the bit, through the JSON of replications.jsonl. */
START_TEST(records_read_back_whole)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "s.json", SCENARIO);
    struct scenario_errors errors = {0};
    struct scenario *s = scenario_load(file, NULL, 0, &errors);
    ck_assert_ptr_nonnull(s);
    char *part = path_in(dir, "part");
    struct partial_writer w;
    char err[512];
    ck_assert_msg(partial_begin(&w, part, PARTIAL_SWEEP, NULL, NULL, 0, err,
                                sizeof err), "%s", err);
    struct rep_result r[2];
    memset(r, 0, sizeof r);
    uint64_t state = 2463534242ULL;
    for (int k = 0; k < 2; k++) {
        r[k].end = k ? WORLD_OVERLOADED : WORLD_COMPLETE;
        snprintf(r[k].reason, sizeof r[k].reason, "%s", k ? "stopped \"at\" "
                 "t = 1 s,\ttoo many\n" : "");
        r[k].summary.n = SUMMARY_MAX_VALUES;
        for (size_t i = 0; i < SUMMARY_MAX_VALUES; i++) {
            uint64_t bits = next_bits(&state);
            snprintf(r[k].summary.values[i].path, SUMMARY_PATH_MAX,
                     "group.value_%zu", i);
            memcpy(&r[k].summary.values[i].value, &bits, sizeof(double));
        }
        r[k].summary.values[0].value = k ? -0.0 : NAN;
    }
    ck_assert(partial_add(&w, 7, 2, 1, "none", &r[0]));
    ck_assert(partial_add(&w, 7, 2, 1, "p-2", &r[1]));
    char *values[] = {"1s", "2s", "3s", "4s"};
    struct vary ttl = {.path = "cache.ttl", .values = values, .n = 4};
    struct partial_manifest m = {
        .kind = PARTIAL_SWEEP, .tool = "stampede test", .scenario = "rt",
        .reps = 3, .varies = &ttl, .n_varies = 1, .shard = {2, 5},
        .total = 12,
    };
    ck_assert_msg(partial_finish(&w, &m, s, err, sizeof err), "%s", err);

    struct partial_records rd;
    struct partial_record rec;
    ck_assert_msg(partial_records_open(&rd, part, err, sizeof err), "%s", err);
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(partial_records_next(&rd, &rec, err, sizeof err), 1);
        ck_assert_uint_eq(rec.item, 7);
        ck_assert_uint_eq(rec.point, 2);
        ck_assert_uint_eq(rec.rep, 1);
        ck_assert_str_eq(rec.label, k ? "p-2" : "none");
        ck_assert_int_eq(rec.r.end, r[k].end);
        ck_assert_str_eq(rec.r.reason, r[k].reason);
        ck_assert_uint_eq(rec.r.summary.n, SUMMARY_MAX_VALUES);
        for (size_t i = 0; i < SUMMARY_MAX_VALUES; i++) {
            ck_assert_str_eq(rec.r.summary.values[i].path,
                             r[k].summary.values[i].path);
            ck_assert_msg(same_bits(rec.r.summary.values[i].value,
                                    r[k].summary.values[i].value),
                          "value %zu: %a, not %a", i,
                          rec.r.summary.values[i].value,
                          r[k].summary.values[i].value);
        }
    }
    ck_assert_int_eq(partial_records_next(&rd, &rec, err, sizeof err), 0);
    partial_records_close(&rd);

    /* the manifest names the scenario.json beside it by its sha256 */
    struct partial p;
    ck_assert_msg(partial_read(part, &p, err, sizeof err), "%s", err);
    size_t len;
    char *scen = path_in(part, "scenario.json");
    char *text = read_text_file(scen, &len);
    char hex[SHA256_HEX_LEN + 1];
    sha256_hex(text, len, hex);
    ck_assert_str_eq(p.m.sha256, hex);
    ck_assert_uint_eq(p.m.shard.index, 2);
    ck_assert_uint_eq(p.m.shard.count, 5);
    ck_assert_uint_eq(p.n_held, 3);   /* items 1, 6 and 11 of 12 */
    ck_assert_uint_eq(p.held[0], 1);
    ck_assert_uint_eq(p.held[1], 6);
    ck_assert_uint_eq(p.held[2], 11);
    partial_free(&p);
    free(text);
    free(scen);
    scenario_free(s);
    remove_tree(dir);
    free(part);
    free(file);
    free(dir);
}
END_TEST

TEST_SUITE(shard_suite)
{
    Suite *s = suite_create("shard");
    TCase *tc = tcase_create("shard");
    tcase_add_test(tc, parse_slices);
    tcase_add_test(tc, slices_partition_the_items);
    tcase_add_test(tc, sha256_known_digests);
    tcase_add_test(tc, values_read_back_to_the_same_bits);
    tcase_add_test(tc, records_read_back_whole);
    suite_add_tcase(s, tc);
    return s;
}
