/*
 * test_world.c — the world and the client model: common random numbers,
 * windows, retries, closed loop, rate profiles, and reproducible outputs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "experiment/experiment.h"
#include "scenario/scenario.h"

static struct scenario *scenario_of(const char *json)
{
    return test_scenario("w.json", json, NULL, 0);
}

/* ---- a policy that records what each request brought at arrival ---- */

struct arrival_log {
    double arrival[20000];
    long key[20000];
    double coin[20000];
    size_t n;
    bool always_recompute;   /* behaves differently from `none` */
};

static void *log_create(const void *knobs, struct world *w)
{
    (void)w;
    return (void *)knobs;
}
static void log_destroy(void *state) { (void)state; }

static void log_on_read(void *state, struct request *r,
                        const struct cache_view *v)
{
    struct arrival_log *log = state;
    bool *logged = REQ_STATE(r, bool);
    if (req_now(r) - req_arrival(r) < 0.0011 && log->n < 20000 && !*logged) {
        *logged = true;
        log->arrival[log->n] = req_arrival(r);
        log->key[log->n] = req_key(r);
        log->coin[log->n] = req_coin(r, NULL);
        log->n++;
    }
    if (log->always_recompute)
        req_recompute(r, CAUSE_MISS);
    else
        policy_find("none")->on_read(NULL, r, v);
}

/* as `none` does (it keeps no state) */
static void log_on_recomputed(void *state, struct request *r,
                              enum recompute_result result)
{
    (void)state;
    policy_find("none")->on_recomputed(NULL, r, result);
}

static bool never(const void *knobs)
{
    (void)knobs;
    return false;
}
static void nothing(void *state, double *acc)
{
    (void)state;
    (void)acc;
}

static const struct policy_ops LOG_OPS = {
    .name = "log", .request_bytes = sizeof(bool), .serves_stale = never,
    .create = log_create,
    .destroy = log_destroy, .on_read = log_on_read,
    .on_recomputed = log_on_recomputed, .collect = nothing,
};

/* Runs one world; its totals are copied out (they die with the world). */
struct outcome_copy {
    enum world_end end;
    struct run_summary summary;
    struct tally tally;          /* the counters (pointers cleared) */
    double latency_min, latency_max;
};

static void run_world(const struct scenario *s, const struct policy_ops *ops,
                      const void *knobs, window_sink sink, void *ctx,
                      struct outcome_copy *out)
{
    struct world_params p = {
        .model = &s->model, .policy = ops, .knobs = knobs, .label = "t",
        .seed = s->seed, .sink = sink, .sink_ctx = ctx,
    };
    char err[128];
    struct world *w = world_create(&p, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    struct world_result res;
    world_run(w, &res);
    out->end = res.end;
    summary_build(res.totals, ops, &out->summary);
    out->tally = *res.totals->all.tally;
    out->latency_min = res.totals->all.tally->latency->min;
    out->latency_max = res.totals->all.tally->latency->max;
    out->tally.latency = NULL;
    out->tally.db.response = NULL;
    out->tally.policy = NULL;
    world_destroy(w);
}

START_TEST(open_loop_arrivals_and_keys_are_common_to_all_policies)
{
    struct scenario *s = scenario_of(
        "{\"duration\": \"5s\", \"workload\": {\"arrivals\": {\"rate\": 2000},"
        " \"keys\": {\"count\": 100, \"popularity\": \"zipf\"}},"
        " \"cache\": {\"ttl\": \"1s\", \"latency\": \"1ms\"},"
        " \"database\": {\"cores\": 2, \"service\": \"5ms\"}}");
    static struct arrival_log a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    b.always_recompute = true;   /* loads the database: other timings */
    struct outcome_copy ra, rb;
    run_world(s, &LOG_OPS, &a, NULL, NULL, &ra);
    run_world(s, &LOG_OPS, &b, NULL, NULL, &rb);
    ck_assert_uint_gt(a.n, 9000);
    ck_assert_uint_eq(a.n, b.n);
    for (size_t i = 0; i < a.n; i++) {
        ck_assert_double_eq(a.arrival[i], b.arrival[i]);
        ck_assert_int_eq(a.key[i], b.key[i]);
        ck_assert_double_eq(a.coin[i], b.coin[i]);
    }
    /* the two runs really differ in what the database did */
    ck_assert(summary_get(&rb.summary, "recomputes.total") >
              10 * summary_get(&ra.summary, "recomputes.total"));
    ck_assert(summary_get(&rb.summary, "latency_ms.p99") >
              2 * summary_get(&ra.summary, "latency_ms.p99"));
    scenario_free(s);
}
END_TEST

/* ---- draws made on demand are the same whoever asks ---- */

/* A policy that asks for the first coin and recomputes on some requests
 * only (all, or those of odd number), and logs for each the coin and the
 * time its query took. */
struct demand_log {
    bool odd_only;
    double coin[4000];           /* by request number; 0: not asked */
    double took[4000];           /* its query's response time */
};

static void demand_on_read(void *state, struct request *r,
                           const struct cache_view *v)
{
    struct demand_log *d = state;
    uint64_t id = req_id(r);
    if ((d->odd_only && id % 2 == 0) || id >= 4000) {
        req_reply(r, v->state == CACHE_FRESH ? OUTCOME_HIT : OUTCOME_STALE);
        return;
    }
    d->coin[id] = req_coin(r, NULL);
    *REQ_STATE(r, double) = req_now(r);   /* the query starts now */
    req_recompute(r, CAUSE_MISS);
}

/* The write's round trip (1 ms) ends the recompute. */
static void demand_on_recomputed(void *state, struct request *r,
                                 enum recompute_result result)
{
    struct demand_log *d = state;
    d->took[req_id(r)] = req_now(r) - 0.001 - *REQ_STATE(r, double);
    policy_find("none")->on_recomputed(NULL, r, result);
}

static const struct policy_ops DEMAND_OPS = {
    .name = "demand", .request_bytes = sizeof(double),
    .serves_stale = never, .create = log_create, .destroy = log_destroy,
    .on_read = demand_on_read, .on_recomputed = demand_on_recomputed,
    .collect = nothing,
};

/* One policy asks for every request's coin and work, the other for those
 * of odd-numbered requests only: each odd request gets the same coin and
 * the same work in both (drawn from its own substream when asked, not the
 * next number of a shared stream). On a database of more cores than
 * queries the response time is the work. */
START_TEST(draws_made_on_demand_do_not_depend_on_who_else_asked)
{
    struct scenario *s = scenario_of(
        "{\"duration\": \"60s\", \"workload\": {\"arrivals\": {\"rate\": 20}},"
        " \"cache\": {\"ttl\": \"1h\", \"latency\": \"1ms\"},"
        " \"database\": {\"cores\": 1000, \"max_connections\": \"none\","
        "  \"service\": {\"dist\": \"lognormal\", \"mean\": \"5ms\", \"cv\": 1}},"
        " \"client\": {\"pool_size\": 1000, \"timeout\": \"none\"}}");
    static struct demand_log all, odd;
    memset(&all, 0, sizeof all);
    memset(&odd, 0, sizeof odd);
    odd.odd_only = true;
    struct outcome_copy ra, rb;
    run_world(s, &DEMAND_OPS, &all, NULL, NULL, &ra);
    run_world(s, &DEMAND_OPS, &odd, NULL, NULL, &rb);
    size_t asked = 0;
    for (size_t id = 1; id < 4000; id++) {
        if (odd.coin[id] == 0)
            continue;
        ck_assert_uint_eq(id % 2, 1);
        ck_assert_double_eq(odd.coin[id], all.coin[id]);
        ck_assert(odd.took[id] > 0);
        ck_assert_double_eq_tol(odd.took[id], all.took[id], 1e-12);
        asked++;
    }
    ck_assert_uint_gt(asked, 500);
    /* the works differ from request to request */
    ck_assert(all.took[1] != all.took[3] && all.took[3] != all.took[5]);
    scenario_free(s);
}
END_TEST

/* ---- recomputes: the delta written, overlaps ---- */

/* A policy that recomputes every missing read and checks, on every fresh
 * read, that the delta stored with the value is the response time the
 * writing request measured itself: from its query's submission (its
 * missing read) to the result, i.e. to its write's completion less the
 * write's round trip. */
struct delta_probe {
    double latency;          /* the cache round trip (constant) */
    double written;          /* the delta the last write measured */
    double max_written;
    size_t fresh_reads, mismatches;
};

static void probe_on_read(void *state, struct request *r,
                          const struct cache_view *v)
{
    struct delta_probe *p = state;
    if (v->state == CACHE_FRESH) {
        p->fresh_reads++;
        /* the cache keeps a delta in single precision */
        if (fabs(v->delta - p->written) > 1e-9 + p->written * 0x1p-24)
            p->mismatches++;
        req_reply(r, OUTCOME_HIT);
        return;
    }
    *REQ_STATE(r, double) = req_now(r);   /* the query starts now */
    req_recompute(r, CAUSE_MISS);
}

static void probe_on_recomputed(void *state, struct request *r,
                                enum recompute_result result)
{
    struct delta_probe *p = state;
    if (result == RECOMPUTE_OK) {
        p->written = req_now(r) - p->latency - *REQ_STATE(r, double);
        p->max_written = fmax(p->max_written, p->written);
    }
    policy_find("none")->on_recomputed(NULL, r, result);
}

static const struct policy_ops PROBE_OPS = {
    .name = "probe", .request_bytes = sizeof(double), .serves_stale = never,
    .create = log_create,
    .destroy = log_destroy, .on_read = probe_on_read,
    .on_recomputed = probe_on_recomputed, .collect = nothing,
};

/* One core shared by processor sharing: a query that overlaps another
 * takes longer than its work (100 ms). The delta written is what the
 * client timed (DESIGN.md §4), which PER then scales its lead time by —
 * not the work drawn for the query. */
START_TEST(the_delta_written_is_the_measured_response_time)
{
    struct scenario *s = scenario_of(
        "{\"duration\": \"10s\", \"workload\": {\"arrivals\": {\"rate\": 20}},"
        " \"cache\": {\"ttl\": \"1s\", \"warm\": \"cold\","
        "             \"latency\": \"500us\"},"
        " \"database\": {\"cores\": 1, \"service\": \"100ms\"},"
        " \"client\": {\"timeout\": \"none\"}}");
    struct delta_probe p = {.latency = 0.0005};
    struct outcome_copy res;
    run_world(s, &PROBE_OPS, &p, NULL, NULL, &res);
    ck_assert_uint_gt(p.fresh_reads, 50);
    ck_assert_uint_eq(p.mismatches, 0);
    /* the case that tells response time from work did happen */
    ck_assert(p.max_written > 0.15);
    scenario_free(s);
}
END_TEST

/* A policy under which requests 1, 2 and 200 recompute (whatever they
 * read) and the others reply at once. */
static void three_on_read(void *state, struct request *r,
                          const struct cache_view *v)
{
    (void)state;
    (void)v;
    uint64_t id = req_id(r);
    if (id == 1 || id == 2 || id == 200)
        req_recompute(r, CAUSE_MISS);
    else
        req_reply(r, OUTCOME_HIT);
}

static const struct policy_ops THREE_OPS = {
    .name = "three", .serves_stale = never, .create = log_create,
    .destroy = log_destroy, .on_read = three_on_read,
    .on_recomputed = log_on_recomputed, .collect = nothing,
};

/* Requests 1 and 2 arrive ~10 ms apart and their 300 ms queries run
 * together: exactly two concurrent recomputes of the key, so one
 * overlapping (the second). Request 200 (~2 s) recomputes alone. */
START_TEST(two_concurrent_recomputes_are_one_overlap)
{
    struct scenario *s = scenario_of(
        "{\"duration\": \"3s\", \"workload\": {\"arrivals\": {\"rate\": 100}},"
        " \"database\": {\"cores\": 10, \"service\": \"300ms\"},"
        " \"client\": {\"timeout\": \"none\"}}");
    struct outcome_copy res;
    static int state;   /* the policy keeps none; create must not be NULL */
    run_world(s, &THREE_OPS, &state, NULL, NULL, &res);
    ck_assert_double_eq(summary_get(&res.summary, "recomputes.total"), 3);
    ck_assert_double_eq(summary_get(&res.summary, "outcomes.computed"), 3);
    ck_assert_double_eq(summary_get(&res.summary, "recomputes.overlapping"),
                        1);
    scenario_free(s);
}
END_TEST

/* ---- windows ---- */

struct rows {
    double t[64], span[64];
    bool warmup[64];
    uint64_t window_arrivals[64];
    uint64_t arrivals;
    size_t n;
};

static void count_rows(const struct window_row *row, void *ctx)
{
    struct rows *r = ctx;
    if (r->n < 64) {
        r->t[r->n] = row->t;
        r->span[r->n] = row->span;
        r->warmup[r->n] = row->warmup;
        r->window_arrivals[r->n] = row->tally->arrivals;
    }
    r->n++;
    r->arrivals += row->tally->arrivals;
}

START_TEST(windows_cover_the_run_and_the_warmup_is_flagged)
{
    struct scenario *s = scenario_of(
        "{\"duration\": \"10.5s\", \"warmup\": \"2.5s\", \"window\": \"1s\","
        " \"workload\": {\"arrivals\": {\"rate\": 100}}}");
    struct rows r = {0};
    struct outcome_copy res;
    run_world(s, s->policies[0].ops, s->policies[0].knobs, count_rows, &r,
              &res);
    ck_assert_int_eq(res.end, WORLD_COMPLETE);
    ck_assert_uint_eq(r.n, 11);
    for (size_t i = 0; i < 11; i++) {
        ck_assert_double_eq_tol(r.t[i], (double)i, 1e-9);
        ck_assert(r.warmup[i] == (i < 3));   /* window 2 holds t = 2.5 */
    }
    ck_assert_double_eq_tol(r.span[10], 0.5, 1e-9);
    /* the summary counts what arrived after the warmup only */
    ck_assert_uint_lt(res.tally.arrivals, r.arrivals);
    ck_assert_double_eq_tol(res.tally.span, 8.0, 1e-9);
    scenario_free(s);
}
END_TEST

/* The largest of each window's figures, apart for the warmup's windows. */
struct peaks {
    double qps, cache_ops, warmup_qps;
    long inflight;
};

static void track_peaks(const struct window_row *row, void *ctx)
{
    struct peaks *p = ctx;
    if (row->warmup) {
        p->warmup_qps = fmax(p->warmup_qps, row->db_qps);
        return;
    }
    p->qps = fmax(p->qps, row->db_qps);
    p->cache_ops = fmax(p->cache_ops, row->cache_ops_per_s);
    if (row->tally->db.inflight_max > p->inflight)
        p->inflight = row->tally->db.inflight_max;
}

/* A cold cache of 2000 keys fills during the warmup: its windows load the
 * database most. The run's peaks are the largest of the measured windows
 * only. */
START_TEST(peaks_are_those_of_the_measured_windows)
{
    struct scenario *s = scenario_of(
        "{\"duration\": \"6s\", \"warmup\": \"2s\", \"window\": \"500ms\","
        " \"workload\": {\"arrivals\": {\"rate\": 2000},"
        "              \"keys\": {\"count\": 2000}},"
        " \"cache\": {\"ttl\": \"1h\", \"warm\": \"cold\"},"
        " \"database\": {\"cores\": 100, \"service\": \"10ms\"}}");
    struct peaks p = {0};
    struct outcome_copy res;
    run_world(s, s->policies[0].ops, s->policies[0].knobs, track_peaks, &p,
              &res);
    ck_assert(p.warmup_qps > 2 * p.qps);
    ck_assert(p.qps > 0 && p.inflight > 0);
    ck_assert_double_eq(summary_get(&res.summary, "db.peak_qps"), p.qps);
    ck_assert_double_eq(summary_get(&res.summary, "db.peak_inflight"),
                        (double)p.inflight);
    ck_assert_double_eq(summary_get(&res.summary, "cache.peak_ops_per_s"),
                        p.cache_ops);
    scenario_free(s);
}
END_TEST

/* --max-in-flight N: at most N requests in flight; the arrival that would
 * be the N+1-th stops the run as overloaded. A database that answers in
 * 10 s makes them pile up from the start. */
START_TEST(the_in_flight_guard_stops_past_its_limit)
{
    struct scenario *s = scenario_of(
        "{\"duration\": \"10s\", \"workload\": {\"arrivals\": {\"rate\": 100}},"
        " \"cache\": {\"ttl\": 0},"
        " \"database\": {\"cores\": 100, \"service\": \"10s\"},"
        " \"client\": {\"timeout\": \"none\", \"pool_size\": 1000}}");
    struct world_params p = {
        .model = &s->model, .policy = s->policies[0].ops,
        .knobs = s->policies[0].knobs, .label = "t", .seed = s->seed,
        .max_in_flight = 50,
    };
    char err[128];
    struct world *w = world_create(&p, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    struct world_result res;
    world_run(w, &res);
    ck_assert_int_eq(res.end, WORLD_OVERLOADED);
    ck_assert_uint_eq(res.arrivals, 50);
    ck_assert_ptr_nonnull(strstr(res.reason, "more than 50 requests"));
    world_destroy(w);
    scenario_free(s);
}
END_TEST

/* Every query times out (work 100 ms, timeout 10 ms): a request tries
 * 1 + retries times, then fails with `timeout`. */
START_TEST(failed_requests_retry_with_backoff_then_fail)
{
    struct scenario *s = scenario_of(
        "{\"duration\": \"20s\", \"workload\": {\"arrivals\": {\"rate\": 20}},"
        " \"cache\": {\"ttl\": 0},"
        " \"database\": {\"cores\": 100, \"service\": \"100ms\","
        "                \"max_connections\": \"none\"},"
        " \"client\": {\"pool_size\": 1000, \"timeout\": \"10ms\","
        "              \"retries\": 2, \"backoff\": \"20ms\","
        "              \"backoff_max\": \"30ms\"}}");
    struct outcome_copy res;
    run_world(s, s->policies[0].ops, s->policies[0].knobs, NULL, NULL, &res);
    const struct tally *t = &res.tally;
    uint64_t done = (uint64_t)summary_get(&res.summary, "requests");
    ck_assert_uint_gt(done, 300);
    ck_assert_uint_eq(t->outcomes[OUTCOME_ERROR], done);
    ck_assert_uint_eq(t->errors[ERR_TIMEOUT], done);
    /* three attempts each (those in flight at the ends aside) */
    double per_request = (double)t->db.timeouts / (double)done;
    ck_assert_double_eq_tol(per_request, 3.0, 0.05);
    /* errors are not in the latency of replies */
    ck_assert_double_eq(res.latency_max, 0);
    scenario_free(s);
}
END_TEST

/* The same failing queries in a closed loop of 20 workers: a request
 * takes 3 reads (0.5 ms) and 3 timeouts (10 ms), plus backoffs drawn
 * U(0, 20 ms) and U(0, 30 ms) (capped at backoff_max): 56.5 ms on average,
 * and a 1 ms think makes a 57.5 ms cycle. Without the backoffs it would be
 * 32.5 ms. The backoffs' sd is 10.4 ms, so over ~7000 requests the mean
 * cycle is known to 0.4 %; 3 % leaves room for the requests in flight at
 * the end. */
START_TEST(backoff_is_capped_exponential_with_full_jitter)
{
    struct scenario *s = scenario_of(
        "{\"duration\": \"20s\", \"workload\": {\"arrivals\": {\"process\":"
        " \"closed\", \"workers\": 20, \"think\": \"1ms\"}},"
        " \"cache\": {\"ttl\": 0},"
        " \"database\": {\"cores\": 100, \"service\": \"100ms\","
        "                \"max_connections\": \"none\"},"
        " \"client\": {\"pool_size\": 1000, \"timeout\": \"10ms\","
        "              \"retries\": 2, \"backoff\": \"20ms\","
        "              \"backoff_max\": \"30ms\"}}");
    struct outcome_copy res;
    run_world(s, s->policies[0].ops, s->policies[0].knobs, NULL, NULL, &res);
    double expected = 20 * 20 / 0.0575;
    ck_assert_double_eq_tol((double)res.tally.arrivals, expected,
                            0.03 * expected);
    scenario_free(s);
}
END_TEST

/* Closed loop, everything a hit: each worker cycles think (10 ms) + one
 * cache round trip (0.5 ms), so 50 workers send 50 / 0.0105 req/s. */
START_TEST(closed_loop_throughput_follows_the_cycle)
{
    struct scenario *s = scenario_of(
        "{\"duration\": \"20s\", \"workload\": {\"arrivals\": {\"process\":"
        " \"closed\", \"workers\": 50, \"think\": \"10ms\"}},"
        " \"cache\": {\"ttl\": \"1h\", \"warm\": \"synchronized\"}}");
    struct outcome_copy res;
    run_world(s, s->policies[0].ops, s->policies[0].knobs, NULL, NULL, &res);
    double rate = (double)res.tally.arrivals / 20.0;
    ck_assert_double_eq_tol(rate, 50 / 0.0105, 50 / 0.0105 * 0.002);
    ck_assert_double_eq(summary_get(&res.summary, "outcomes.hit"),
                        summary_get(&res.summary, "requests"));
    scenario_free(s);
}
END_TEST

/* A rate rising linearly from 0 to 2000/s over 10 s brings 10^4 arrivals
 * on average: Poisson, sd 100, so within 3 sd = 300. The first second
 * brings 100 (sd 10), the last 1900 (sd 43.6): within 4 sd each — a
 * thinning that kept the candidates it should drop would swap them. */
START_TEST(rate_profiles_are_followed_by_thinning)
{
    struct scenario *s = scenario_of(
        "{\"duration\": \"10s\", \"workload\": {\"arrivals\": {\"profile\":"
        " [{\"at\": 0, \"rate\": 0}, {\"at\": \"10s\", \"rate\": 2000}]}}}");
    struct rows r = {0};
    struct outcome_copy res;
    run_world(s, s->policies[0].ops, s->policies[0].knobs, count_rows, &r,
              &res);
    ck_assert(fabs((double)r.arrivals - 10000) <= 300);
    ck_assert_uint_eq(r.n, 10);
    ck_assert(fabs((double)r.window_arrivals[0] - 100) <= 40);
    ck_assert(fabs((double)r.window_arrivals[9] - 1900) <= 175);
    scenario_free(s);
}
END_TEST

/* Same scenario and seed: byte-identical files; another seed: not. */
START_TEST(runs_are_reproducible_byte_for_byte)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "r.json",
        "{\"duration\": \"20s\", \"warmup\": \"2s\","
        " \"workload\": {\"arrivals\": {\"rate\": 2000}, \"keys\": "
        "{\"count\": 50, \"popularity\": \"zipf\"}},"
        " \"cache\": {\"ttl\": \"2s\", \"ttl_jitter\": 0.2,"
        "  \"latency\": {\"dist\": \"exponential\", \"mean\": \"1ms\"}},"
        " \"database\": {\"cores\": 2, \"service\": {\"dist\": \"lognormal\","
        "  \"mean\": \"20ms\", \"cv\": 1}}}");
    const char *names[] = {"timeseries.csv", "summary.json", "scenario.json"};
    char *text[2][3];
    for (int k = 0; k < 3; k++) {
        char out[600];
        snprintf(out, sizeof out, "%s/out%d", dir, k);
        const char *args[] = {"run", file, "--out", out, "--quiet",
                              "--seed", k == 2 ? "2" : "1", NULL};
        struct cmd_result res = run_stampede(args);
        ck_assert_msg(res.status == 0, "%s", res.err);
        cmd_result_free(&res);
        for (int f = 0; f < 3 && k < 2; f++) {
            char path[700];
            snprintf(path, sizeof path, "%s/%s", out, names[f]);
            text[k][f] = read_text_file(path, NULL);
            ck_assert_ptr_nonnull(text[k][f]);
        }
        if (k == 2) {
            char path[700];
            snprintf(path, sizeof path, "%s/summary.json", out);
            char *other = read_text_file(path, NULL);
            ck_assert_str_ne(other, text[0][1]);
            free(other);
        }
    }
    for (int f = 0; f < 3; f++) {
        ck_assert_str_eq(text[0][f], text[1][f]);
        free(text[0][f]);
        free(text[1][f]);
    }
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

TEST_SUITE(world_suite)
{
    Suite *s = suite_create("world");
    TCase *tc = tcase_create("world");
    tcase_add_test(tc, open_loop_arrivals_and_keys_are_common_to_all_policies);
    tcase_add_test(tc, draws_made_on_demand_do_not_depend_on_who_else_asked);
    tcase_add_test(tc, the_delta_written_is_the_measured_response_time);
    tcase_add_test(tc, two_concurrent_recomputes_are_one_overlap);
    tcase_add_test(tc, windows_cover_the_run_and_the_warmup_is_flagged);
    tcase_add_test(tc, peaks_are_those_of_the_measured_windows);
    tcase_add_test(tc, the_in_flight_guard_stops_past_its_limit);
    tcase_add_test(tc, failed_requests_retry_with_backoff_then_fail);
    tcase_add_test(tc, backoff_is_capped_exponential_with_full_jitter);
    tcase_add_test(tc, closed_loop_throughput_follows_the_cycle);
    tcase_add_test(tc, rate_profiles_are_followed_by_thinning);
    tcase_add_test(tc, runs_are_reproducible_byte_for_byte);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
