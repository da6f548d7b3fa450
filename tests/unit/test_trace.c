/*
 * test_trace.c — request traces replayed (models/trace.c and the world's
 * replay): what a scan finds, when each row arrives, what reads, writes
 * and deletes do, and the outputs of a replay against a model of the
 * cache worked out independently.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "kernel/strutil.h"
#include "trace.h"

static char *tmp;

static void setup(void) { tmp = make_temp_dir(); }
static void teardown(void)
{
    remove_tree(tmp);
    free(tmp);
}

static struct trace_stats scan_text(const char *name, const char *text,
                                    enum trace_format format)
{
    char *path = write_text_file(tmp, name, text);
    struct trace_stats s;
    struct data_error e;
    ck_assert_msg(trace_scan(path, format, &s, &e), "%s:%ld:%ld: %s", name,
                  e.line, e.col, e.message);
    free(path);
    return s;
}

START_TEST(a_scan_counts_rows_keys_and_time)
{
    struct trace_stats s = scan_text("t.csv",
                                     "time,key,op,ttl\n"
                                     "100,a,get,\n"
                                     "100,b,get,\n"
                                     "100,a,get,\n"
                                     "101,a,set,30\n"
                                     "\n"
                                     "103,c,delete,\n"
                                     "103,a,GET,\n",
                                     TRACE_CSV);
    ck_assert_uint_eq(s.rows, 6);
    ck_assert_uint_eq(s.reads, 4);
    ck_assert_uint_eq(s.writes, 1);
    ck_assert_uint_eq(s.deletes, 1);
    ck_assert_int_eq(s.keys, 3);
    ck_assert_double_eq(s.key_bytes, 3);
    ck_assert(s.whole_seconds);
    ck_assert_double_eq(s.first, 100);
    ck_assert_double_eq(s.last, 103);
    ck_assert_double_eq(s.span, 4);   /* to the end of second 103 */
    ck_assert_uint_eq(s.hottest_reads, 3);
    ck_assert_uint_eq(s.peak_reads, 3);
    struct trace_stats f = scan_text("f.csv", "key,time\nx,0.5\ny,2.25\n",
                                     TRACE_CSV);
    ck_assert(!f.whole_seconds);
    ck_assert_double_eq(f.span, 1.75);
    ck_assert_uint_eq(f.reads, 2);   /* no op column: every row reads */
}
END_TEST

/* All records of a trace, as "at key first op ttl" lines. */
static char *replay_text(const char *name, const char *text,
                         enum trace_format format, double speed)
{
    char *path = write_text_file(tmp, name, text);
    struct trace_config c = {path, format, speed, {0}};
    struct data_error e;
    ck_assert(trace_scan(path, format, &c.stats, &e));
    struct trace_reader *r = trace_reader_open(&c, &e);
    ck_assert_ptr_nonnull(r);
    char *out = calloc(1, 4096);
    size_t len = 0;
    struct trace_record rec;
    int got;
    while ((got = trace_reader_next(r, &rec, &e)) == 1)
        len += (size_t)snprintf(out + len, 4096 - len, "%.4f %ld %d %d %g\n",
                                rec.at, rec.key, rec.first, rec.op, rec.ttl);
    ck_assert_int_eq(got, 0);
    trace_reader_close(r);
    free(path);
    return out;
}

/* The k rows of a whole second s arrive at s + i/k; t = 0 is the first
 * timestamp; the replay clock is the trace's divided by speed. */
START_TEST(whole_seconds_are_spread_over_their_second)
{
    const char *text = "time,key,op,ttl\n"
                       "100,a,get,\n"
                       "100,b,get,\n"
                       "100,a,get,\n"
                       "101,a,set,30\n"
                       "103,c,delete,\n"
                       "103,a,get,\n";
    char *got = replay_text("w.csv", text, TRACE_CSV, 1);
    ck_assert_str_eq(got, "0.0000 0 1 0 0\n"
                          "0.3333 1 1 0 0\n"
                          "0.6667 0 0 0 0\n"
                          "1.0000 0 0 1 30\n"
                          "3.0000 2 1 2 0\n"
                          "3.5000 0 0 0 0\n");
    free(got);
    got = replay_text("w2.csv", text, TRACE_CSV, 2);
    ck_assert_str_eq(got, "0.0000 0 1 0 0\n"
                          "0.1667 1 1 0 0\n"
                          "0.3333 0 0 0 0\n"
                          "0.5000 0 0 1 30\n"
                          "1.5000 2 1 2 0\n"
                          "1.7500 0 0 0 0\n");
    free(got);
    /* fractional times are taken as they are */
    got = replay_text("f.csv", "time,key\n10.5,x\n10.5,y\n12.25,x\n",
                      TRACE_CSV, 1);
    ck_assert_str_eq(got, "0.0000 0 1 0 0\n"
                          "0.0000 1 1 0 0\n"
                          "1.7500 0 0 0 0\n");
    free(got);
}
END_TEST

/* The twemcache layout reads as the csv with the same rows. */
START_TEST(twemcache_rows_read_as_csv)
{
    char *csv = replay_text("r.csv", "time,key,op,ttl\n"
                                     "1714564800,k1,get,\n"
                                     "1714564800,k2,set,30\n"
                                     "1714564801,k1,delete,\n"
                                     "1714564802,k2,gets,\n",
                            TRACE_CSV, 1);
    char *tw = replay_text("r.tw", "1714564800,k1,2,0,7,get,0\n"
                                   "1714564800,k2,2,120,3,set,30\n"
                                   "1714564801,k1,2,0,7,delete,0\n"
                                   "1714564802,k2,2,0,1,gets,0\n",
                           TRACE_TWEMCACHE, 1);
    ck_assert_str_eq(tw, csv);
    free(csv);
    free(tw);
}
END_TEST

static void expect_scan_error(const char *text, enum trace_format format,
                              long line, long col, const char *message)
{
    char *path = write_text_file(tmp, "bad", text);
    struct trace_stats s;
    struct data_error e;
    ck_assert_msg(!trace_scan(path, format, &s, &e), "accepted: %s", text);
    ck_assert_msg(e.line == line && e.col == col &&
                  strstr(e.message, message), "%s\n  gave %ld:%ld: %s\n  "
                  "wanted %ld:%ld: %s", text, e.line, e.col, e.message, line,
                  col, message);
    free(path);
}

START_TEST(bad_rows_are_reported_at_their_place)
{
    expect_scan_error("", TRACE_CSV, 0, 0, "empty file");
    expect_scan_error("time,key\n", TRACE_CSV, 0, 0, "no request");
    expect_scan_error("time,key,op\n1,a,set\n", TRACE_CSV, 0, 0, "no read");
    expect_scan_error("time,kye\n", TRACE_CSV, 1, 6,
                      "unknown column \"kye\" (did you mean \"key\"?)");
    expect_scan_error("time,key,time\n", TRACE_CSV, 1, 10,
                      "column \"time\" given twice");
    expect_scan_error("key,op\n", TRACE_CSV, 1, 1, "the first row names");
    expect_scan_error("time,key\n1,a\n2\n", TRACE_CSV, 3, 2,
                      "expected 2 fields");
    expect_scan_error("time,key\n1,a\n1,b,c\n", TRACE_CSV, 3, 4,
                      "expected 2 fields");
    expect_scan_error("time,key\n1,a\nsoon,b\n", TRACE_CSV, 3, 1,
                      "time: expected seconds or a date");
    expect_scan_error("time,key\n1,a\n2,\n", TRACE_CSV, 3, 3, "key: empty");
    expect_scan_error("time,key\n2,a\n1,b\n", TRACE_CSV, 3, 1,
                      "times must not decrease");
    expect_scan_error("time,key\n1,a\n2024-05-01T00:00:00Z,b\n", TRACE_CSV,
                      3, 1, "seconds and dates mixed");
    expect_scan_error("time,key,op\n1,a,fetch\n", TRACE_CSV, 2, 5,
                      "op: expected get");
    expect_scan_error("time,key,ttl\n1,a,-5\n", TRACE_CSV, 2, 5,
                      "ttl: expected seconds >= 0");
    expect_scan_error("time,key\n1,\"a\n", TRACE_CSV, 2, 3,
                      "a quoted field is not closed");
    expect_scan_error("1,a,1,2,3,get,0\n2,b,1,2,3,get\n", TRACE_TWEMCACHE, 2,
                      14, "expected 7 fields (timestamp,key,key size");
}
END_TEST

/* ---- replays ---- */

/* Writes a scenario beside its data, so that its file names are
 * relative to its folder. */
static char *scenario_file(const char *name, const char *json)
{
    return write_text_file(tmp, name, json);
}

#define N_READS 2000
#define N_KEYS 20

/* Reads every 0.1 s (fractional times: no spreading) of keys drawn with
 * weights 1/(k+1) by a fixed generator; the cache starts cold, TTL 1 s,
 * cache round trip r = 0.5 ms, query work 10 ms, policy none. A read at t
 * (its GET completes at t + r) hits if the key's value expires after
 * that; a miss writes a value that expires at t + 2r + 10 ms + 1 s. No
 * two reads of a key overlap (0.1 s apart), so this is the whole model:
 * the replay must give exactly its hits, and as many arrivals as reads. */
START_TEST(a_replay_gives_the_trace_arrivals_and_its_key_popularity)
{
    size_t cap = 64 * N_READS + 64;
    char *text = malloc(cap);
    size_t len = (size_t)snprintf(text, cap, "time,key\n");
    double expires[N_KEYS], total = 0;
    for (int k = 0; k < N_KEYS; k++) {
        expires[k] = -INFINITY;
        total += 1.0 / (k + 1);
    }
    const double r = 0.0005, work = 0.010, ttl = 1;
    unsigned long x = 12345;
    long hits = 0, distinct = 0;
    bool seen[N_KEYS] = {false};
    for (int i = 0; i < N_READS; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        double u = (double)(x >> 11) / 9007199254740992.0 * total;
        int k = 0;
        while (k < N_KEYS - 1 && (u -= 1.0 / (k + 1)) > 0)
            k++;
        double t = 0.1 * i + 0.05;
        len += (size_t)snprintf(text + len, cap - len, "%.2f,key-%d\n", t, k);
        distinct += !seen[k];
        seen[k] = true;
        if (t + r < expires[k])
            hits++;
        else
            expires[k] = t + 2 * r + work + ttl;
    }
    char *trace = write_text_file(tmp, "reads.csv", text);
    const char *json =
        "{\"workload\": {\"trace\": {\"file\": \"reads.csv\"}}, \"duration\": "
        "\"201s\", \"cache\": {\"ttl\": \"1s\", \"warm\": \"cold\", "
        "\"latency\": \"500us\"}, \"database\": {\"service\": \"10ms\"}}";
    char *file = scenario_file("s.json", json);
    struct scenario *s = test_scenario(file, json, NULL, 0);
    ck_assert_int_eq(s->model.workload.keys, distinct);
    struct run_summary sum = test_run_policy(s, 0, NULL, NULL);
    ck_assert_double_eq(test_get(&sum, "arrivals"), N_READS);
    ck_assert_double_eq(test_get(&sum, "outcomes.hit"), hits);
    ck_assert_double_eq(test_get(&sum, "outcomes.computed"), N_READS - hits);
    /* not a trivial model: both outcomes are common */
    ck_assert(hits > N_READS / 4 && hits < 3 * N_READS / 4);
    scenario_free(s);
    free(file);
    free(trace);
    free(text);
}
END_TEST

/* A trace's writes and deletes change the cache at their time: a read
 * after a set hits, after a delete misses, after a set with its own short
 * TTL misses once that TTL has passed. */
START_TEST(writes_and_deletes_change_the_cache)
{
    char *trace = write_text_file(tmp, "wd.csv",
                                  "time,key,op,ttl\n"
                                  "0.0,a,set,\n"
                                  "1.0,a,get,\n"    /* hit */
                                  "2.0,a,delete,\n"
                                  "3.0,a,get,\n"    /* miss, writes */
                                  "4.0,a,get,\n"    /* hit */
                                  "5.0,b,set,0.5\n"
                                  "5.2,b,get,\n"    /* hit */
                                  "6.0,b,get,\n");  /* miss: 0.5 s TTL */
    (void)trace;
    const char *json = "{\"workload\": {\"trace\": {\"file\": \"wd.csv\"}}, "
                       "\"duration\": \"7s\", \"cache\": {\"warm\": \"cold\", "
                       "\"ttl\": \"60s\"}}";
    char *file = scenario_file("wd.json", json);
    struct scenario *s = test_scenario(file, json, NULL, 0);
    struct run_summary sum = test_run_policy(s, 0, NULL, NULL);
    ck_assert_double_eq(test_get(&sum, "arrivals"), 5);
    ck_assert_double_eq(test_get(&sum, "outcomes.hit"), 3);
    ck_assert_double_eq(test_get(&sum, "outcomes.computed"), 2);
    scenario_free(s);
    free(file);
    free(trace);
}
END_TEST

/* Before a key appears in the trace it holds nothing, whatever
 * cache.warm says (as a policy's create sees the cache): warm applies at
 * the first appearance, not at t = 0. */
START_TEST(no_key_is_cached_before_it_appears)
{
    free(write_text_file(tmp, "later.csv", "time,key\n5.0,a\n6.0,b\n"));
    const char *json = "{\"workload\": {\"trace\": {\"file\": "
                       "\"later.csv\"}}, \"cache\": {\"warm\": "
                       "\"synchronized\"}}";
    char *file = scenario_file("later.json", json);
    struct scenario *s = test_scenario(file, json, NULL, 0);
    struct world_params wp = {.model = &s->model, .policy = s->policies[0].ops,
                              .knobs = s->policies[0].knobs,
                              .label = s->policies[0].label, .seed = 1};
    char err[256];
    struct world *w = world_create(&wp, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    ck_assert_int_eq(world_keys(w), 2);
    for (long k = 0; k < 2; k++)
        ck_assert(world_value_expiry(w, k) == -INFINITY);
    world_destroy(w);
    scenario_free(s);
    free(file);
}
END_TEST

/* A trace's write ends the key's miss episode: the read at 0 s finds the
 * key missing and starts a query of 10 s, which the run (5 s) never sees
 * end; the write at 2 s closes the episode, which then lasted 2 s (the
 * GET's round trip less). */
START_TEST(a_trace_write_ends_a_miss_episode)
{
    free(write_text_file(tmp, "ep.csv", "time,key,op\n0.0,a,get\n"
                                        "2.0,a,set\n"));
    const char *json = "{\"workload\": {\"trace\": {\"file\": \"ep.csv\"}}, "
                       "\"duration\": \"5s\", \"cache\": {\"warm\": \"cold\", "
                       "\"latency\": \"1ms\"}, \"database\": {\"service\": "
                       "\"10s\"}, \"client\": {\"timeout\": \"none\"}}";
    char *file = scenario_file("ep.json", json);
    struct scenario *s = test_scenario(file, json, NULL, 0);
    struct run_summary sum = test_run_policy(s, 0, NULL, NULL);
    ck_assert_double_eq(test_get(&sum, "episodes.count"), 1);
    ck_assert_double_eq(test_get(&sum, "episodes.open_at_end"), 0);
    ck_assert_double_eq_tol(test_get(&sum, "episodes.max_duration_s"), 1.999,
                            1e-9);
    scenario_free(s);
    free(file);
}
END_TEST

/* cache.warm applies to a key when it first appears: "synchronized"
 * writes it then, so every first read hits; "cold" leaves it missing. */
START_TEST(warm_applies_at_a_keys_first_appearance)
{
    char text[4096];
    size_t len = (size_t)snprintf(text, sizeof text, "time,key\n");
    for (int i = 0; i < 50; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%d.5,k%d\n",
                                i, i);
    char *trace = write_text_file(tmp, "once.csv", text);
    static const char *const WARM[] = {"synchronized", "staggered", "cold"};
    static const double HITS[] = {50, 50, 0};
    for (int w = 0; w < 3; w++) {
        char json[512];
        /* past the last arrival (at 49 s), so that it completes */
        snprintf(json, sizeof json, "{\"workload\": {\"trace\": {\"file\": "
                 "\"once.csv\"}}, \"duration\": \"50s\", \"cache\": "
                 "{\"warm\": \"%s\", \"ttl\": \"1h\"}}", WARM[w]);
        char *file = scenario_file("warm.json", json);
        struct scenario *s = test_scenario(file, json, NULL, 0);
        struct run_summary sum = test_run_policy(s, 0, NULL, NULL);
        ck_assert_double_eq(test_get(&sum, "arrivals"), 50);
        ck_assert_msg(test_get(&sum, "outcomes.hit") == HITS[w], "%s: %g hits",
                      WARM[w], test_get(&sum, "outcomes.hit"));
        scenario_free(s);
        free(file);
    }
    free(trace);
}
END_TEST

/* A trace that changed since the scenario was loaded (here: a key the
 * scan never saw) stops the run, which says why: it is never read out
 * of bounds. */
START_TEST(a_trace_changed_after_loading_stops_the_run)
{
    free(write_text_file(tmp, "c.csv", "time,key\n0.5,a\n1.5,a\n"));
    const char *json = "{\"workload\": {\"trace\": {\"file\": \"c.csv\"}}, "
                       "\"duration\": \"3s\"}";
    char *file = scenario_file("c.json", json);
    struct scenario *s = test_scenario(file, json, NULL, 0);
    free(write_text_file(tmp, "c.csv", "time,key\n0.5,a\n1.5,b\n"));
    size_t index = 0;
    struct experiment_params p = {.scenario = s, .policies = &index,
                                  .n_policies = 1, .replications = 1};
    struct experiment e;
    char err[256];
    ck_assert(experiment_run(&p, &e, err, sizeof err));
    ck_assert(!e.complete);
    ck_assert_int_eq(e.results[0].reps[0].end, WORLD_INPUT_FAILED);
    ck_assert_msg(strstr(e.reason, "c.csv:3: the trace has changed since it "
                         "was checked"), "%s", e.reason);
    experiment_free(&e);
    scenario_free(s);
    free(file);
}
END_TEST

/* ---- through the binary ---- */

static const char *TRACE_TEXT =
    "time,key,op,ttl\n"
    "1714564800,hot,get,\n"
    "1714564800,hot,get,\n"
    "1714564800,cold1,get,\n"
    "1714564801,hot,get,\n"
    "1714564801,hot,set,2\n"
    "1714564802,cold2,get,\n"
    "1714564802,hot,get,\n"
    "1714564803,hot,delete,\n"
    "1714564803,hot,get,\n"
    "1714564803,hot,get,\n"
    "1714564804,cold1,get,\n"
    "1714564805,hot,get,\n";

static const char *TWEMCACHE_TEXT =
    "1714564800,hot,3,0,1,get,0\n"
    "1714564800,hot,3,0,2,get,0\n"
    "1714564800,cold1,5,0,1,get,0\n"
    "1714564801,hot,3,0,1,get,0\n"
    "1714564801,hot,3,50,1,set,2\n"
    "1714564802,cold2,5,0,1,get,0\n"
    "1714564802,hot,3,0,1,get,0\n"
    "1714564803,hot,3,0,1,delete,0\n"
    "1714564803,hot,3,0,1,get,0\n"
    "1714564803,hot,3,0,1,get,0\n"
    "1714564804,cold1,5,0,1,get,0\n"
    "1714564805,hot,3,0,1,get,0\n";

/* Runs the scenario replaying `trace` in `format`; returns the run
 * directory (free it). */
static char *run_trace(const char *name, const char *trace,
                       const char *format, const char *const *extra)
{
    char json[512];
    snprintf(json, sizeof json, "{\"name\": \"replay\", \"workload\": "
             "{\"trace\": {\"file\": \"%s\", \"format\": \"%s\"}}, "
             "\"cache\": {\"ttl\": \"1500ms\", \"warm\": \"staggered\"}, "
             "\"policies\": [{\"policy\": \"none\"}, {\"policy\": \"lock\"}, "
             "{\"policy\": \"per\"}]}", trace, format);
    char file_name[64];
    snprintf(file_name, sizeof file_name, "%s.json", name);
    char *file = scenario_file(file_name, json);
    char *out = path_in(tmp, name);
    const char *args[16] = {"run", file, "--quiet", "--reps", "2", "--out",
                            out};
    size_t n = 7;
    for (; extra && *extra; extra++)
        args[n++] = *extra;
    args[n] = NULL;
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    free(file);
    return out;
}

static void expect_same_file(const char *a, const char *b, const char *name)
{
    char *pa = path_in(a, name), *pb = path_in(b, name);
    size_t na, nb;
    char *x = read_text_file(pa, &na), *y = read_text_file(pb, &nb);
    ck_assert_msg(x && y && na == nb && memcmp(x, y, na) == 0,
                  "%s differs between %s and %s", name, a, b);
    free(x);
    free(y);
    free(pa);
    free(pb);
}

/* The same rows plain, gzip-compressed and in the twemcache layout give
 * the same outputs, byte for byte. */
START_TEST(gzip_and_twemcache_give_the_same_outputs)
{
    free(write_text_file(tmp, "t.csv", TRACE_TEXT));
    free(write_gzip_file(tmp, "t.csv.gz", TRACE_TEXT));
    free(write_text_file(tmp, "t.tw", TWEMCACHE_TEXT));
    char *plain = run_trace("plain", "t.csv", "csv", NULL);
    char *gz = run_trace("gz", "t.csv.gz", "csv", NULL);
    char *tw = run_trace("tw", "t.tw", "twemcache", NULL);
    expect_same_file(plain, gz, "timeseries.csv");
    expect_same_file(plain, gz, "summary.json");
    expect_same_file(plain, tw, "timeseries.csv");
    expect_same_file(plain, tw, "summary.json");
    cJSON *sum = read_json_in(plain, "summary.json");
    cJSON *p0 = cJSON_GetArrayItem(cJSON_GetObjectItem(sum, "policies"), 0);
    cJSON *arr = cJSON_GetObjectItem(cJSON_GetObjectItem(p0, "arrivals"),
                                     "mean");
    ck_assert_double_eq(arr->valuedouble, 10);   /* the trace's 10 reads */
    cJSON_Delete(sum);
    free(plain);
    free(gz);
    free(tw);
}
END_TEST

/* scenario.json names the trace by its absolute path: run from the
 * results directory, it gives the same outputs. */
START_TEST(scenario_json_replays_the_same)
{
    free(write_text_file(tmp, "t.csv", TRACE_TEXT));
    char *first = run_trace("first", "t.csv", "csv", NULL);
    char *again = path_in(tmp, "again");
    char *scenario = path_in(first, "scenario.json");
    const char *args[] = {"run", scenario, "--quiet", "--reps", "2", "--out",
                          again, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    expect_same_file(first, again, "timeseries.csv");
    expect_same_file(first, again, "summary.json");
    expect_same_file(first, again, "scenario.json");
    free(scenario);
    free(again);
    free(first);
}
END_TEST

/* --set workload.trace.speed=2: the replay clock runs twice as fast: the
 * run is half as long, and each window holds two trace seconds. */
START_TEST(speed_replays_faster)
{
    free(write_text_file(tmp, "t.csv", TRACE_TEXT));
    const char *set[] = {"--set", "workload.trace.speed=2", NULL};
    char *fast = run_trace("fast", "t.csv", "csv", set);
    cJSON *sc = read_json_in(fast, "scenario.json");
    ck_assert_double_eq(cJSON_GetObjectItem(sc, "duration")->valuedouble, 3);
    cJSON_Delete(sc);
    char *csv_path = path_in(fast, "timeseries.csv");
    char *csv = read_text_file(csv_path, NULL);
    /* arrivals of none, rep 0, per window: trace seconds 0-1: 4 reads,
     * 2-3: 4, 4-5: 2 */
    ck_assert_msg(strstr(csv, "\nnone,0,0,0,1,4,") &&
                  strstr(csv, "\nnone,0,1,0,1,4,") &&
                  strstr(csv, "\nnone,0,2,0,1,2,"), "%s", csv);
    free(csv);
    free(csv_path);
    free(fast);
}
END_TEST

static void expect_refused(const char *json, const char *const *sets,
                           const char *message)
{
    char *file = scenario_file("bad.json", json);
    const char *args[16] = {"check", file};
    size_t n = 2;
    for (; sets && *sets; sets++)
        args[n++] = *sets;
    args[n] = NULL;
    struct cmd_result r = run_stampede(args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, message), "%s\n  wanted: %s", r.err, message);
    ck_assert_str_eq(r.out, "");
    cmd_result_free(&r);
    free(file);
}

/* Bad rows, and what cannot go with a trace: exit 2, the data file's
 * place or the scenario's, and the field. */
START_TEST(bad_traces_are_refused_with_their_place)
{
    free(write_text_file(tmp, "bad.csv", "time,key\n1,a\n0,b\n"));
    free(write_text_file(tmp, "good.csv", "time,key\n1,a\n"));
    char *msg = str_printf("%s/bad.csv:3:1: workload.trace.file: time: 0 "
                                "comes after 1", tmp);
    expect_refused("{\"workload\": {\"trace\": {\"file\": \"bad.csv\"}}}",
                   NULL, msg);
    free(msg);
    expect_refused("{\"workload\": {\"trace\": {\"file\": \"none.csv\"}}}",
                   NULL, "bad.json:1:33: workload.trace.file: cannot open");
    expect_refused("{\"workload\": {\"trace\": {\"file\": \"good.csv\", "
                   "\"format\": \"tsv\"}}}", NULL, "workload.trace.format: "
                   "expected \"csv\" or \"twemcache\"");
    expect_refused("{\"workload\": {\"trace\": {\"file\": \"good.csv\"}, "
                   "\"keys\": {\"count\": 5}}}", NULL, "workload.keys: keys "
                   "come from the trace");
    expect_refused("{\"workload\": {\"trace\": {\"file\": \"good.csv\"}}, "
                   "\"timeline\": [{\"at\": 1, \"event\": \"traffic\", "
                   "\"rate_multiplier\": 2}]}", NULL, "timeline[0]: a traffic "
                   "event changes generated arrivals");
    const char *sets[] = {"--set", "workload.trace.speed=0", NULL};
    expect_refused("{\"workload\": {\"trace\": {\"file\": \"good.csv\"}}}",
                   sets, "--set workload.trace.speed=0: workload.trace.speed: "
                   "expected a number > 0");
}
END_TEST

TEST_SUITE(trace_suite)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("replay");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_scan_counts_rows_keys_and_time);
    tcase_add_test(tc, whole_seconds_are_spread_over_their_second);
    tcase_add_test(tc, twemcache_rows_read_as_csv);
    tcase_add_test(tc, bad_rows_are_reported_at_their_place);
    tcase_add_test(tc, a_replay_gives_the_trace_arrivals_and_its_key_popularity);
    tcase_add_test(tc, writes_and_deletes_change_the_cache);
    tcase_add_test(tc, warm_applies_at_a_keys_first_appearance);
    tcase_add_test(tc, a_trace_write_ends_a_miss_episode);
    tcase_add_test(tc, no_key_is_cached_before_it_appears);
    tcase_add_test(tc, a_trace_changed_after_loading_stops_the_run);
    tcase_add_test(tc, gzip_and_twemcache_give_the_same_outputs);
    tcase_add_test(tc, scenario_json_replays_the_same);
    tcase_add_test(tc, speed_replays_faster);
    tcase_add_test(tc, bad_traces_are_refused_with_their_place);
    suite_add_tcase(s, tc);
    return s;
}
