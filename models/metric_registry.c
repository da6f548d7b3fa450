/*
 * metric_registry.c — the model's metrics (DESIGN.md §5), in the order of
 * summary.json, and the iteration that appends each policy's own. See
 * metric_registry.h.
 */
#include "metric_registry.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kernel/hist.h"

const char *const METRIC_FOLD_NAMES[N_METRIC_FOLDS] = {
    [FOLD_NONE] = "none",
    [FOLD_SUM] = "sum",
    [FOLD_MAX] = "max",
    [FOLD_MIN] = "min",
    [FOLD_RATIO] = "ratio",
    [FOLD_SHARE] = "share",
    [FOLD_RATE] = "rate",
    [FOLD_TIME_MEAN] = "time_mean",
    [FOLD_HISTOGRAM] = "histogram",
    [FOLD_RUN] = "run",
};

const char *const METRIC_FOLD_MEANINGS[N_METRIC_FOLDS] = {
    [FOLD_NONE] = "identifies the row",
    [FOLD_SUM] = "windows add up to the run's value",
    [FOLD_MAX] = "the run's value is the largest window's",
    [FOLD_MIN] = "the run's value is the smallest window's",
    [FOLD_RATIO] = "the ratio of the run's pooled counts",
    [FOLD_SHARE] = "the share of the run's pooled counts (events / trials)",
    [FOLD_RATE] = "the run's pooled count over its measured seconds",
    [FOLD_TIME_MEAN] = "windows weighted by their span",
    [FOLD_HISTOGRAM] = "from the run's merged histogram",
    [FOLD_RUN] = "of the whole run only",
};

/* ---- reading a window (or the run's pooled row) ---- */

/* A field of a struct by its offset, read as its own type: the registry
 * names a counter with TALLY(field), a figure of the row with ROW(field),
 * a figure of the run with RUN(field); _Generic picks the reader that
 * matches the field's type, so a counter is never read as a double. */
static double at_u64(const void *base, int offset)
{
    uint64_t v;
    memcpy(&v, (const char *)base + offset, sizeof v);
    return (double)v;
}

static double at_long(const void *base, int offset)
{
    long v;
    memcpy(&v, (const char *)base + offset, sizeof v);
    return (double)v;
}

static double at_double(const void *base, int offset)
{
    double v;
    memcpy(&v, (const char *)base + offset, sizeof v);
    return v;
}

static double row_figure(const struct window_row *r, int offset)
{
    return at_double(r, offset);
}

static double tally_u64(const struct window_row *r, int offset)
{
    return at_u64(r->tally, offset);
}

static double tally_long(const struct window_row *r, int offset)
{
    return at_long(r->tally, offset);
}

static double tally_double(const struct window_row *r, int offset)
{
    return at_double(r->tally, offset);
}

#define ROW(field)                                                           \
    .of_window = _Generic(((struct window_row *)0)->field,                   \
                          double: row_figure),                               \
    .arg = (int)offsetof(struct window_row, field)

#define TALLY(field)                                                         \
    .of_window = _Generic(((struct tally *)0)->field, uint64_t: tally_u64,   \
                          long: tally_long, double: tally_double),           \
    .arg = (int)offsetof(struct tally, field)

static double run_u64(const struct run_totals *t, int offset)
{
    return at_u64(t, offset);
}

static double run_long(const struct run_totals *t, int offset)
{
    return at_long(t, offset);
}

static double run_double(const struct run_totals *t, int offset)
{
    return at_double(t, offset);
}

#define RUN(field)                                                           \
    .of_run = _Generic(((struct run_totals *)0)->field, uint64_t: run_u64,   \
                       long: run_long, double: run_double),                  \
    .arg = (int)offsetof(struct run_totals, field)

static double completed(const struct window_row *r, int arg)
{
    (void)arg;
    return (double)r->completed;
}

static double outcome(const struct window_row *r, int arg)
{
    return (double)r->tally->outcomes[arg];
}

static double error_cause(const struct window_row *r, int arg)
{
    return (double)r->tally->errors[arg];
}

/* A window in which nothing completed had no error: 0 (the SLO reads it
 * so too). The run's rate is undefined without a completion. */
static double error_rate(const struct window_row *r, int arg)
{
    (void)arg;
    return r->completed ? (double)r->tally->outcomes[OUTCOME_ERROR] /
                              (double)r->completed
                        : 0;
}

static double run_error_rate(const struct run_totals *t, int arg)
{
    return t->all.completed ? error_rate(&t->all, arg) : NAN;
}

static double latency_ms(const struct window_row *r, int offset)
{
    return row_figure(r, offset) * 1e3;
}

#define LATENCY(field) \
    .of_window = latency_ms, .arg = (int)offsetof(struct window_row, field)

/* Client query response time, ms: arg is the quantile in thousandths,
 * -1 the mean, 1000 the maximum. Undefined without a successful query. */
static double db_response_ms(const struct window_row *r, int arg)
{
    const struct hist *h = r->tally->db.response;
    if (!h->count)
        return NAN;
    if (arg < 0)
        return hist_mean(h) * 1e3;
    if (arg == 1000)
        return h->max * 1e3;
    return hist_quantile(h, arg / 1000.0) * 1e3;
}

static double recomputes_total(const struct window_row *r, int arg)
{
    (void)arg;
    return (double)tally_recomputes(r->tally);
}

static double recomputes_of(const struct window_row *r, int arg)
{
    return (double)r->tally->recomputes[arg];
}

/* Undefined for a window of no time (none is written). */
static double recomputes_per_s(const struct window_row *r, int arg)
{
    (void)arg;
    return r->span > 0 ? (double)tally_recomputes(r->tally) / r->span : NAN;
}

static double overlap_share(const struct window_row *r, int arg)
{
    (void)arg;
    double total = (double)tally_recomputes(r->tally);
    return total > 0 ? (double)r->tally->overlapping / total : NAN;
}

/* ---- reading the whole run ---- */

static double per_episode(double sum, uint64_t count)
{
    return count > 0 ? sum / (double)count : NAN;
}

static double episode_mean_size(const struct run_totals *t, int arg)
{
    (void)arg;
    return per_episode(t->episodes.size_sum, t->episodes.count);
}

static double episode_mean_duration(const struct run_totals *t, int arg)
{
    (void)arg;
    return per_episode(t->episodes.duration_sum, t->episodes.count);
}

static double collapsed(const struct run_totals *t, int arg)
{
    (void)arg;
    return t->collapsed ? 1 : 0;
}

static double run_ms(const struct run_totals *t, int offset)
{
    return run_double(t, offset) * 1e3;
}

#define RUN_MS(field) \
    .of_run = run_ms, .arg = (int)offsetof(struct run_totals, field)

static double recovered(const struct run_totals *t, int arg)
{
    (void)arg;
    return t->slo.recovered ? 1 : 0;
}

/* ---- the fleet ---- */

/* Each pool's peak, of the measured run: NaN when it was not kept (one
 * instance). */
static double pool_peak_of(const struct run_totals *t, long instance)
{
    const struct db_stats *db = &t->all.tally->db;
    if (!db->pool_peak || instance < 0 || instance >= db->n_pools)
        return NAN;
    return (double)db->pool_peak[instance];
}

static double pool_peak_max(const struct run_totals *t, int arg)
{
    (void)arg;
    double most = NAN;
    for (long i = 0; i < t->instances; i++)
        most = fmax(most, pool_peak_of(t, i));
    return most;
}

static double pools_saturated(const struct run_totals *t, int arg)
{
    (void)arg;
    long n = 0;
    for (long i = 0; i < t->instances; i++)
        n += pool_peak_of(t, i) >= (double)t->pool_size;
    return t->all.tally->db.pool_peak ? (double)n : NAN;
}

/* ---- the table ---- */

/* The order is summary.json's. Outcome, error and recompute-cause
 * entries follow their enums (a test checks the names against
 * OUTCOME_NAMES, ERROR_CAUSE_NAMES and RECOMPUTE_CAUSE_NAMES). */
static const struct metric_def MODEL_METRICS[] = {
    /* the rows of timeseries.csv */
    {.column = "label", .unit = "",
     .label = "policy label",
     .meaning = "the policy's label",
     .fold = FOLD_NONE},
    {.column = "rep", .unit = "",
     .label = "replication",
     .meaning = "the replication (0 for a single run)",
     .fold = FOLD_NONE},
    {.column = "t_s", .unit = "s",
     .label = "time (s)",
     .meaning = "start of the window, seconds",
     .fold = FOLD_NONE, ROW(t)},
    {.column = "warmup", .unit = "",
     .label = "in warmup",
     .meaning = "1 if the window starts before the warmup ends",
     .fold = FOLD_NONE},
    {.column = "span_s", .unit = "s",
     .label = "window (s)",
     .meaning = "the window's width (the last may be shorter)",
     .fold = FOLD_NONE, ROW(span)},
    /* requests */
    {.field = "requests", .column = "completed", .unit = "requests",
     .label = "requests completed",
     .meaning = "requests that completed (replied)",
     .fold = FOLD_SUM, .of_window = completed},
    {.field = "arrivals", .column = "arrivals", .unit = "requests",
     .label = "arrivals",
     .meaning = "requests that arrived",
     .fold = FOLD_SUM, TALLY(arrivals)},
    {.field = "unfinished", .unit = "requests",
     .label = "unfinished",
     .meaning = "requests still without a reply at the end",
     .fold = FOLD_RUN, RUN(unfinished)},
    {.field = "outcomes.hit", .column = "hit", .unit = "requests",
     .label = "hits",
     .meaning = "completions that read a fresh value",
     .fold = FOLD_SUM, .of_window = outcome, .arg = OUTCOME_HIT},
    {.field = "outcomes.stale", .column = "stale", .unit = "requests",
     .label = "stale replies",
     .meaning = "completions served a stale value",
     .fold = FOLD_SUM, .of_window = outcome, .arg = OUTCOME_STALE},
    {.field = "outcomes.waited", .column = "waited", .unit = "requests",
     .label = "waited",
     .meaning = "completions that got a value another request computed",
     .fold = FOLD_SUM, .of_window = outcome, .arg = OUTCOME_WAITED},
    {.field = "outcomes.computed", .column = "computed", .unit = "requests",
     .label = "computed",
     .meaning = "completions that ran the query that produced their reply",
     .fold = FOLD_SUM, .of_window = outcome, .arg = OUTCOME_COMPUTED},
    {.field = "outcomes.error", .column = "error", .unit = "requests",
     .label = "errors",
     .meaning = "completions that failed (errors.* say why)",
     .fold = FOLD_SUM, .of_window = outcome, .arg = OUTCOME_ERROR},
    {.field = "errors.timeout", .column = "err_timeout", .unit = "requests",
     .label = "timeouts",
     .meaning = "errors: the query outlived client.timeout",
     .fold = FOLD_SUM, .of_window = error_cause, .arg = ERR_TIMEOUT},
    {.field = "errors.pool_timeout", .column = "err_pool_timeout",
     .unit = "requests",
     .label = "pool timeouts",
     .meaning = "errors: no pool connection within client.pool_timeout",
     .fold = FOLD_SUM, .of_window = error_cause, .arg = ERR_POOL_TIMEOUT},
    {.field = "errors.too_many_connections",
     .column = "err_too_many_connections", .unit = "requests",
     .label = "refusals",
     .meaning = "errors: the database was at max_connections",
     .fold = FOLD_SUM, .of_window = error_cause,
     .arg = ERR_TOO_MANY_CONNECTIONS},
    {.field = "errors.lock_give_up", .column = "err_lock_give_up",
     .unit = "requests",
     .label = "lock give-ups",
     .meaning = "errors: a lock waiter gave up after max_wait",
     .fold = FOLD_SUM, .of_window = error_cause, .arg = ERR_LOCK_GIVE_UP},
    {.field = "errors.holder_crash", .column = "err_holder_crash",
     .unit = "requests",
     .label = "holder crashes",
     .meaning = "errors: the request died holding the lock",
     .fold = FOLD_SUM, .of_window = error_cause, .arg = ERR_HOLDER_CRASH},
    {.field = "error_rate", .column = "error_rate", .unit = "ratio",
     .label = "error rate",
     .meaning = "errors / requests (a window in which nothing completed: 0)",
     .fold = FOLD_SHARE, .table = "errors %", .of_window = error_rate,
     .of_run = run_error_rate, .num = "outcomes.error", .den = "requests"},
    {.field = "hit_ratio", .column = "hit_ratio", .unit = "ratio",
     .label = "hit ratio",
     .meaning = "(hit + stale) / requests",
     .fold = FOLD_SHARE, .table = "hit %", ROW(hit_ratio),
     .num = "outcomes.hit+outcomes.stale", .den = "requests"},
    /* the cache */
    {.field = "cache.hit_ratio", .column = "cache_hit_ratio", .unit = "ratio",
     .label = "cache hit ratio",
     .meaning = "the cache's own: GETs that found a value (fresh or retained "
     "stale) / GETs",
     .fold = FOLD_RATIO, ROW(cache_hit_ratio)},
    {.field = "cache.ops_per_s", .column = "cache_ops_per_s", .unit = "1/s",
     .label = "cache commands/s",
     .meaning = "cache commands per second: GET, SET, lock and unlock (and "
     "a replayed trace's writes and deletes)",
     .fold = FOLD_RATE, ROW(cache_ops_per_s)},
    {.field = "cache.peak_ops_per_s", .unit = "1/s",
     .label = "peak cache commands/s",
     .meaning = "cache commands per second in the busiest measured window",
     .fold = FOLD_MAX, .of = "cache_ops_per_s", RUN(peak_cache_ops_per_s)},
    /* replies */
    {.field = "latency_ms.p50", .column = "p50_ms", .unit = "ms",
     .label = "p50 latency (ms)",
     .meaning = "median reply latency, from arrival, retries included; errors "
     "are counted apart",
     .fold = FOLD_HISTOGRAM, LATENCY(p50)},
    {.field = "latency_ms.p90", .column = "p90_ms", .unit = "ms",
     .label = "p90 latency (ms)",
     .meaning = "90th percentile of reply latency",
     .fold = FOLD_HISTOGRAM, LATENCY(p90)},
    {.field = "latency_ms.p99", .column = "p99_ms", .unit = "ms",
     .label = "p99 latency (ms)",
     .meaning = "99th percentile of reply latency",
     .fold = FOLD_HISTOGRAM, .sweep = "p99_ms", .table = "p99 ms",
     LATENCY(p99)},
    {.field = "latency_ms.p999", .column = "p999_ms", .unit = "ms",
     .label = "p99.9 latency (ms)",
     .meaning = "99.9th percentile of reply latency",
     .fold = FOLD_HISTOGRAM, LATENCY(p999)},
    {.field = "latency_ms.max", .column = "max_ms", .unit = "ms",
     .label = "max latency (ms)",
     .meaning = "the slowest reply",
     .fold = FOLD_MAX, LATENCY(max)},
    /* the database */
    {.field = "db.queries", .unit = "queries",
     .label = "database queries",
     .meaning = "client queries the database admitted",
     .fold = FOLD_SUM, .sweep = "db_queries", TALLY(db.started)},
    {.column = "db_qps", .unit = "1/s",
     .label = "database queries/s",
     .meaning = "client queries the database admitted per second",
     .fold = FOLD_RATE, ROW(db_qps)},
    {.field = "db.background_queries", .unit = "queries",
     .label = "background queries",
     .meaning = "background queries (database.background)",
     .fold = FOLD_SUM, TALLY(db.background_started)},
    {.field = "db.peak_inflight", .unit = "queries",
     .label = "database peak in-flight",
     .meaning = "the most queries at the database in a measured window",
     .fold = FOLD_MAX, .sweep = "db_peak_inflight", .table = "db peak",
     .of = "db_inflight_max", RUN(peak_inflight)},
    {.field = "db.mean_inflight", .column = "db_inflight_mean",
     .unit = "queries",
     .label = "database in-flight (mean)",
     .meaning = "queries at the database, time average (client and "
     "background, timed-out ones still running included; for fcfs, in "
     "service and queued)",
     .fold = FOLD_TIME_MEAN, ROW(db_inflight_mean)},
    {.column = "db_inflight_max", .unit = "queries",
     .label = "database in-flight (max)",
     .meaning = "the most queries at the database during the window",
     .fold = FOLD_MAX, TALLY(db.inflight_max)},
    {.column = "db_queued_max", .unit = "queries",
     .label = "waiting for a connection (max)",
     .meaning = "the most client queries waiting for a pool connection",
     .fold = FOLD_MAX, TALLY(db.pool_waiting_max)},
    {.field = "db.peak_qps", .unit = "1/s",
     .label = "peak database queries/s",
     .meaning = "admitted client queries per second in the busiest measured "
     "window",
     .fold = FOLD_MAX, .table = "peak qps", .of = "db_qps",
     RUN(peak_db_qps)},
    {.field = "db.utilization", .column = "db_util", .unit = "ratio",
     .label = "database utilisation",
     .meaning = "W(n) / max W, time average",
     .fold = FOLD_TIME_MEAN, ROW(db_util)},
    {.field = "db.timeouts", .column = "db_timeouts", .unit = "queries",
     .label = "query timeouts",
     .meaning = "client queries that timed out",
     .fold = FOLD_SUM, TALLY(db.timeouts)},
    {.field = "db.pool_timeouts", .unit = "queries",
     .label = "pool timeouts",
     .meaning = "client queries that found no pool connection in time",
     .fold = FOLD_SUM, TALLY(db.pool_timeouts)},
    {.field = "db.refused", .column = "db_refused", .unit = "queries",
     .label = "refused queries",
     .meaning = "client queries refused at max_connections",
     .fold = FOLD_SUM, TALLY(db.refused)},
    {.field = "db.wasted_work_s", .column = "wasted_work_s", .unit = "s",
     .label = "wasted work (s)",
     .meaning = "work-seconds the database spent on queries their client had "
     "abandoned",
     .fold = FOLD_SUM, TALLY(db.wasted_work)},
    {.field = "db.response_ms.mean", .unit = "ms",
     .label = "query response, mean (ms)",
     .meaning = "client query response time, submission to result (successful "
     "queries): mean",
     .fold = FOLD_HISTOGRAM, .of_window = db_response_ms, .arg = -1},
    {.field = "db.response_ms.p50", .unit = "ms",
     .label = "query response, p50 (ms)",
     .meaning = "client query response time: median",
     .fold = FOLD_HISTOGRAM, .of_window = db_response_ms, .arg = 500},
    {.field = "db.response_ms.p99", .unit = "ms",
     .label = "recompute time under load, p99 (ms)",
     .meaning = "client query response time: 99th percentile",
     .fold = FOLD_HISTOGRAM, .of_window = db_response_ms, .arg = 990},
    {.field = "db.response_ms.max", .unit = "ms",
     .label = "recompute time under load, max (ms)",
     .meaning = "client query response time: the slowest",
     .fold = FOLD_MAX, .of_window = db_response_ms, .arg = 1000},
    /* the fleet's pools (only with more than one instance) */
    {.field = "pool.peak_in_use", .unit = "connections",
     .label = "connections in use at once, per instance (max)",
     .meaning = "each instance's most connections of its own pool in use at "
     "once in the measured run: a list, one per instance in instance order "
     "(up to 64 instances; beyond, the next two fields alone)",
     .fold = FOLD_RUN, .fleet = true, .of_instance = pool_peak_of},
    {.field = "pool.peak_in_use_max", .unit = "connections",
     .label = "connections in use at once, busiest instance",
     .meaning = "the largest of those: the instance that came closest to "
     "running out of connections",
     .fold = FOLD_RUN, .fleet = true, .of_run = pool_peak_max},
    {.field = "pool.saturated_instances", .unit = "instances",
     .label = "instances that ran out of connections",
     .meaning = "instances whose every connection was in use at some moment "
     "of the measured run (a query arriving then waited for one)",
     .fold = FOLD_RUN, .fleet = true, .of_run = pools_saturated},
    /* recomputes */
    {.field = "recomputes.total", .column = "recomputes",
     .unit = "recomputes",
     .label = "recomputes",
     .meaning = "recomputes started (all causes)",
     .fold = FOLD_SUM, .sweep = "recomputes", .table = "recomputes",
     .of_window = recomputes_total},
    {.field = "recomputes.per_s", .unit = "1/s",
     .label = "recomputes per second",
     .meaning = "recomputes started per measured second, all causes: the "
     "database queries the cached values cost (duplicates of a stampede and "
     "early refreshes included)",
     .fold = FOLD_RATE, .of_window = recomputes_per_s},
    {.field = "recomputes.miss", .unit = "recomputes",
     .label = "miss recomputes",
     .meaning = "recomputes of a missing value",
     .fold = FOLD_SUM, .of_window = recomputes_of, .arg = CAUSE_MISS},
    {.field = "recomputes.early", .column = "recomputes_early",
     .unit = "recomputes",
     .label = "early recomputes",
     .meaning = "recomputes of a value before its expiry",
     .fold = FOLD_SUM, .of_window = recomputes_of, .arg = CAUSE_EARLY},
    {.field = "recomputes.lock", .unit = "recomputes",
     .label = "lock recomputes",
     .meaning = "recomputes by a lock holder",
     .fold = FOLD_SUM, .of_window = recomputes_of, .arg = CAUSE_LOCK},
    {.field = "recomputes.overlapping", .column = "overlapping",
     .unit = "recomputes",
     .label = "overlapping recomputes",
     .meaning = "recomputes started while another recompute of the same key, "
     "still able to write it, was running",
     .fold = FOLD_SUM, .sweep = "overlapping", TALLY(overlapping)},
    {.field = "recomputes.redundant", .unit = "recomputes",
     .label = "redundant recomputes",
     .meaning = "recomputes for a missing value started after another request "
     "had written it again (the race a lock without recheck loses); an "
     "early refresh, which starts on a fresh value on purpose, never is "
     "(two of one value are overlapping)",
     .fold = FOLD_SUM, TALLY(redundant)},
    {.field = "recomputes.overlap_share", .unit = "ratio",
     .label = "share of recomputes that overlapped another",
     .meaning = "recomputes.overlapping / recomputes.total",
     .fold = FOLD_SHARE, .of_window = overlap_share,
     .num = "recomputes.overlapping", .den = "recomputes.total"},
    {.field = "recomputes.failed", .unit = "recomputes",
     .label = "failed recomputes",
     .meaning = "recomputes that wrote nothing (their query failed)",
     .fold = FOLD_SUM, TALLY(recompute_failed)},
    /* miss episodes */
    {.field = "episodes.count", .column = "episodes_started",
     .unit = "episodes",
     .label = "miss episodes",
     .meaning = "miss episodes that started (after the warmup, for the run)",
     .fold = FOLD_SUM, .sweep = "episodes", TALLY(episodes_started)},
    {.field = "episodes.mean_size", .unit = "queries",
     .label = "queries per miss episode (mean)",
     .meaning = "queries per miss episode (an open episode counts with its "
     "queries so far)",
     .fold = FOLD_RUN, .table = "stampede mean", .of_run = episode_mean_size},
    {.field = "episodes.max_size", .unit = "queries",
     .label = "queries of the largest miss episode",
     .meaning = "queries of the largest miss episode",
     .fold = FOLD_RUN, .table = "stampede max", RUN(episodes.size_max)},
    {.field = "episodes.mean_duration_s", .unit = "s",
     .label = "episode duration, mean (s)",
     .meaning = "first miss to the write that ends it (an open one: its age "
     "at the end)",
     .fold = FOLD_RUN, .of_run = episode_mean_duration},
    {.field = "episodes.max_duration_s", .unit = "s",
     .label = "episode duration, max (s)",
     .meaning = "the longest miss episode",
     .fold = FOLD_RUN, RUN(episodes.duration_max)},
    {.field = "episodes.open_at_end", .unit = "episodes",
     .label = "miss episodes open at the end",
     .meaning = "miss episodes still open at the end: a collapse shows as one "
     "that never ends",
     .fold = FOLD_RUN, .table = "open", RUN(episodes.open_at_end)},
    {.field = "episodes.oldest_open_s", .unit = "s",
     .label = "oldest open episode (s)",
     .meaning = "the age at the end of the oldest of those",
     .fold = FOLD_RUN, RUN(episodes.oldest_open)},
    {.field = "collapsed", .unit = "0/1",
     .label = "collapsed",
     .meaning = "1 if a miss episode still open at the end, which reads still "
     "found missing in the last window, has lasted more than a quarter of "
     "the measured run",
     .fold = FOLD_RUN, .of_run = collapsed},
    /* the policy's risk figure (only for a policy that has one) */
    {.field = "risk.feedback_lead_s", .unit = "s",
     .label = "early-refresh lead at the recompute's p99 (s)",
     .meaning = "how long before the expiry early refreshes start when the "
     "stored delta is the run's recompute p99, with the hottest key's "
     "measured read rate lambda: beta delta99 ln(lambda beta delta99) (the "
     "delta clamped as the policy clamps it, or its fixed delta)",
     .fold = FOLD_RUN, .risk = true, RUN(risk.value)},
    {.field = "risk.feedback_limit_s", .unit = "s",
     .label = "limit of the early-refresh lead (s)",
     .meaning = "a third of the TTL where the stored delta can grow past "
     "the p99 (measured, smoothed, or clamped above it): a lead above it "
     "lets one slow recompute make the next value refresh in many reads, "
     "and the database's load feed back into the delta; the whole TTL "
     "where it cannot, or where one early refresh runs at a time "
     "(xlocked) (`check` warns above it)",
     .fold = FOLD_RUN, .risk = true, RUN(risk.limit)},
    /* the worst measured window, figure by figure */
    {.field = "worst_window.p99_ms", .unit = "ms",
     .label = "worst window's p99 latency (ms)",
     .meaning = "the highest p99 of a measured window (of the windows with a "
     "successful reply: read it with worst_window.error_rate)",
     .fold = FOLD_MAX, .of = "p99_ms", .table = "worst p99",
     RUN_MS(worst.p99)},
    {.field = "worst_window.error_rate", .unit = "ratio",
     .label = "worst window's error rate",
     .meaning = "the highest error rate of a measured window (errors / "
     "completed; 0 for a window in which nothing completed)",
     .fold = FOLD_MAX, .of = "error_rate", .table = "worst err %",
     RUN(worst.error_rate)},
    {.field = "worst_window.hit_ratio", .unit = "ratio",
     .label = "worst window's hit ratio",
     .meaning = "the lowest hit ratio of a measured window",
     .fold = FOLD_MIN, .of = "hit_ratio", RUN(worst.hit_ratio)},
    {.field = "worst_window.db_inflight_max", .unit = "queries",
     .label = "worst window's queries at the database",
     .meaning = "the most queries at the database at once in a measured "
     "window",
     .fold = FOLD_MAX, .of = "db_inflight_max", RUN(worst.db_inflight_max)},
    {.field = "worst_window.db_utilization", .unit = "ratio",
     .label = "worst window's database utilisation",
     .meaning = "the highest time-average database utilisation of a measured "
     "window",
     .fold = FOLD_MAX, .of = "db_util", RUN(worst.db_utilization)},
    {.field = "worst_window.t_s", .unit = "s",
     .label = "start of the worst p99 window (s)",
     .meaning = "the start of the measured window with the highest p99 (the "
     "first, on a tie)",
     .fold = FOLD_RUN, RUN(worst.t)},
    /* the SLO (only with an slo) */
    {.field = "slo.out_of_slo_s", .unit = "s",
     .label = "time out of SLO (s)",
     .meaning = "seconds of measured windows that broke an objective",
     .fold = FOLD_RUN, .table = "out of SLO s", .slo = true,
     RUN(slo.out_of_slo)},
    {.field = "slo.violations", .unit = "windows",
     .label = "windows out of SLO",
     .meaning = "measured windows that broke an objective",
     .fold = FOLD_RUN, .slo = true, RUN(slo.violations)},
    {.field = "slo.first_violation_s", .unit = "s",
     .label = "first SLO violation (s)",
     .meaning = "start of the first measured window that broke an objective "
     "(null: none did)",
     .fold = FOLD_RUN, .slo = true, RUN(slo.first_violation)},
    {.field = "slo.recovery_s", .unit = "s",
     .label = "time to recover (s)",
     .meaning = "from the last incident of the timeline (without one: from "
     "the first violation) to the start of the first window after which "
     "every window holds; 0 when nothing broke, or nothing after the "
     "incident; null when the run ends out of SLO",
     .fold = FOLD_RUN, .table = "recovery s", .slo = true,
     RUN(slo.recovery)},
    {.field = "slo.recovered", .unit = "true/false",
     .label = "recovered",
     .meaning = "whether the last measured window holds (over replications, "
     "the mean is the share that recovered)",
     .fold = FOLD_RUN, .slo = true, .boolean = true, .of_run = recovered},
    {.column = "slo_ok", .unit = "0/1",
     .label = "SLO held",
     .meaning = "1 if the window's SLO window met every objective, 0 if not; "
     "empty without an slo and in the warmup",
     .fold = FOLD_MIN, .slo = true, ROW(slo.ok)},
    {.column = "slo_p99_ok", .unit = "0/1",
     .label = "SLO p99 held",
     .meaning = "the same for the p99 objective alone (empty if not set)",
     .fold = FOLD_MIN, .slo = true, ROW(slo.objective_ok[SLO_P99])},
    {.column = "slo_error_rate_ok", .unit = "0/1",
     .label = "SLO error rate held",
     .meaning = "the same for the error_rate objective",
     .fold = FOLD_MIN, .slo = true, ROW(slo.objective_ok[SLO_ERROR_RATE])},
    {.column = "slo_hit_ratio_ok", .unit = "0/1",
     .label = "SLO hit ratio held",
     .meaning = "the same for the hit_ratio objective",
     .fold = FOLD_MIN, .slo = true, ROW(slo.objective_ok[SLO_HIT_RATIO])},
    {.column = "slo_db_utilization_ok", .unit = "0/1",
     .label = "SLO database utilisation held",
     .meaning = "the same for the db_utilization objective",
     .fold = FOLD_MIN, .slo = true,
     ROW(slo.objective_ok[SLO_DB_UTILIZATION])},
    /* the last column of timeseries.csv: the command's, not a window's */
    {.column = "complete", .unit = "0/1",
     .label = "runs complete",
     .meaning = "1 on every row when every run of the command reached its "
     "end; 0 on every row when one stopped early (interrupted, overloaded, "
     "out of memory: summary.json's reason says why)",
     .fold = FOLD_NONE},
};

#define N_MODEL_METRICS (sizeof MODEL_METRICS / sizeof MODEL_METRICS[0])

/* ---- iteration ---- */

/* Metrics of every registered policy. */
static size_t registered_policy_metrics(void)
{
    size_t n = 0;
    for (const struct policy_ops *const *p = policy_all(); *p; p++)
        n += policy_metric_count(*p);
    return n;
}

size_t metric_count(void)
{
    return N_MODEL_METRICS + registered_policy_metrics();
}

size_t metric_model_count(void) { return N_MODEL_METRICS; }

static void from_def(const struct metric_def *d, struct metric_info *out)
{
    out->def = d;
    snprintf(out->field, sizeof out->field, "%s", d->field ? d->field : "");
    snprintf(out->column, sizeof out->column, "%s",
             d->column ? d->column : "");
    out->unit = d->unit;
    out->label = d->label;
    out->meaning = d->meaning;
    out->table = d->table;
    out->fold = d->fold;
    out->slo = d->slo;
    out->boolean = d->boolean;
    snprintf(out->num, sizeof out->num, "%s", d->num ? d->num : "");
    snprintf(out->den, sizeof out->den, "%s", d->den ? d->den : "");
    out->fleet = d->fleet;
    out->risk = d->risk;
    out->per_instance = d->of_instance != NULL;
}

/* The sweep stem: given, or the field with '_' for '.'. */
static void set_sweep(const struct metric_def *d, struct metric_info *out)
{
    if (d && d->sweep) {
        snprintf(out->sweep, sizeof out->sweep, "%s", d->sweep);
        return;
    }
    snprintf(out->sweep, sizeof out->sweep, "%s", out->field);
    for (char *c = out->sweep; *c; c++)
        if (*c == '.')
            *c = '_';
}

void metric_policy_info(const struct policy_ops *p, size_t index,
                        struct metric_info *out)
{
    size_t base;
    const struct policy_metric *pm = policy_metric_at(p, index, &base);
    memset(out, 0, sizeof *out);
    out->policy = p;
    out->index = index;
    snprintf(out->field, sizeof out->field, "policy_metrics.%s", pm->name);
    snprintf(out->column, sizeof out->column, "%s_%s", p->name, pm->name);
    out->unit = pm->unit;
    out->label = pm->label;
    out->meaning = pm->meaning;
    out->table = pm->table;
    out->fold = pm->fold;
    if (pm->fold == FOLD_SHARE) {
        /* num and den index the metric's own table */
        snprintf(out->num, sizeof out->num, "policy_metrics.%s",
                 policy_metric_at(p, base + (size_t)pm->num, NULL)->name);
        snprintf(out->den, sizeof out->den, "policy_metrics.%s",
                 policy_metric_at(p, base + (size_t)pm->den, NULL)->name);
    }
    set_sweep(NULL, out);
}

void metric_get(size_t i, struct metric_info *out)
{
    memset(out, 0, sizeof *out);
    if (i < N_MODEL_METRICS) {
        from_def(&MODEL_METRICS[i], out);
        set_sweep(&MODEL_METRICS[i], out);
        return;
    }
    i -= N_MODEL_METRICS;
    for (const struct policy_ops *const *p = policy_all(); *p; p++) {
        size_t n = policy_metric_count(*p);
        if (i < n) {
            metric_policy_info(*p, i, out);
            return;
        }
        i -= n;
    }
}

bool metric_find(const char *name, struct metric_info *out)
{
    size_t n = metric_count();
    for (size_t i = 0; i < n; i++) {
        metric_get(i, out);
        if (strcmp(out->field, name) == 0 || strcmp(out->column, name) == 0 ||
            (out->field[0] && strcmp(out->sweep, name) == 0))
            return true;
    }
    return false;
}

const char *metric_label(const char *name)
{
    struct metric_info m;
    return metric_find(name, &m) ? m.label : name;
}

long metric_policy_index(const struct metric_info *m,
                         const struct policy_ops *policy)
{
    if (!m->policy || !policy)
        return -1;
    if (m->policy == policy)
        return (long)m->index;
    return policy_metric_index(policy,
                               policy_metric_at(m->policy, m->index, NULL)->name);
}

double metric_window_value(const struct metric_info *m,
                           const struct window_row *row,
                           const struct policy_ops *policy)
{
    if (m->policy) {
        long i = metric_policy_index(m, policy);
        return i >= 0 ? row->tally->policy[i] : NAN;
    }
    if (!m->def->of_window)
        return NAN;
    return m->def->of_window(row, m->def->arg);
}

double metric_instance_value(const struct metric_info *m,
                             const struct run_totals *t, long instance)
{
    if (!m->def || !m->def->of_instance)
        return NAN;
    return m->def->of_instance(t, instance);
}

double metric_run_value(const struct metric_info *m,
                        const struct run_totals *t,
                        const struct policy_ops *policy)
{
    if (m->policy) {
        long i = metric_policy_index(m, policy);
        return i >= 0 ? t->all.tally->policy[i] : NAN;
    }
    if (m->def->of_run)
        return m->def->of_run(t, m->def->arg);
    if (!m->def->field || !m->def->of_window)
        return NAN;
    return m->def->of_window(&t->all, m->def->arg);
}
