/*
 * metrics.c — segments, windows, totals and miss episodes. See metrics.h.
 */
#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/keyarray.h"

/* Episode state of one key: the open episode, and the last closed one
 * (a late query may still belong to it). Episodes are numbered per key
 * from 1: the open one is `number` when `open`, the last closed one is
 * `number` when none is open and number - 1 when one is. A request keeps
 * the number of its episode (metrics_episode_miss), its key says whose.
 * Whether one is open is the key's bit in open_keys. 24 bytes per key:
 * the latest miss is kept as a float from the episode's start, to a few
 * milliseconds over a day (it only tells, at the end, whether an open
 * episode was still being read in the last window). */
struct key_episode {
    double open_start;
    float last_miss;        /* seconds after open_start: the latest read
                               that found it missing */
    uint32_t number;        /* episodes of the key so far */
    uint32_t open_size;     /* queries of the open episode */
    int32_t closed_size;    /* of the last closed one; -1: it started in
                               the warmup (not counted) */
};
_Static_assert(sizeof(struct key_episode) == 24, "an episode is 24 bytes");

/* A tally's arrays: the policy's accumulators, and with more than one
 * instance each pool's peak. */
struct tally_shape {
    size_t n_policy;
    long instances;
};

struct metrics {
    struct metrics_params p;
    struct policy_ops policy;     /* p.policy, defaults filled in: its
                                     collect is called every segment */
    struct tally_shape shape;     /* its metrics; the instances */
    bool slo;                     /* the run has an slo */
    struct tally seg, total;
    /* The windows of the SLO window under way: held[n_held] is being
     * filled, the ones before it closed and wait, with their rows, for
     * the SLO window to close. n_slots windows make an SLO window (1
     * without an slo). */
    struct tally *held;
    struct window_row *rows;
    long n_slots, n_held;
    struct tally slo_win;         /* its measured windows pooled */
    double seg_start;
    double win_start;
    uint64_t win_index;           /* the window being filled */
    struct key_episode *keys;
    uint64_t *open_keys;          /* bit k: key k has an episode open (the
                                     end visits those alone) */
    struct episode_totals ep;
    double peak_cache_ops, peak_db_qps;
    long peak_inflight;
    struct worst_window worst;
    struct slo_track track;
    struct run_totals totals;
};

/* ---- tallies ---- */

static bool tally_init(struct tally *t, struct tally_shape shape)
{
    memset(t, 0, sizeof *t);
    t->latency = hist_create();
    t->db.response = hist_create();
    t->policy = calloc(shape.n_policy ? shape.n_policy : 1, sizeof *t->policy);
    bool ok = t->latency && t->db.response && t->policy;
    if (ok && shape.instances > 1) {
        t->db.pool_peak = calloc((size_t)shape.instances,
                                 sizeof *t->db.pool_peak);
        t->db.n_pools = shape.instances;
        ok = t->db.pool_peak != NULL;
    }
    return ok;
}

static void tally_free(struct tally *t)
{
    hist_destroy(t->latency);
    hist_destroy(t->db.response);
    free(t->policy);
    free(t->db.pool_peak);
}

static void tally_reset(struct tally *t, struct tally_shape shape)
{
    struct hist *latency = t->latency, *response = t->db.response;
    double *policy = t->policy;
    long *pool_peak = t->db.pool_peak;
    memset(t, 0, sizeof *t);
    hist_reset(latency);
    hist_reset(response);
    memset(policy, 0, (shape.n_policy ? shape.n_policy : 1) * sizeof *policy);
    if (pool_peak)
        memset(pool_peak, 0, (size_t)shape.instances * sizeof *pool_peak);
    t->latency = latency;
    t->db.response = response;
    t->policy = policy;
    t->db.pool_peak = pool_peak;
    t->db.n_pools = pool_peak ? shape.instances : 0;
}

uint64_t tally_recomputes(const struct tally *t)
{
    uint64_t n = 0;
    for (int i = 0; i < N_RECOMPUTE_CAUSES; i++)
        n += t->recomputes[i];
    return n;
}

static void tally_add(const struct policy_ops *ops, struct tally *into,
                      const struct tally *from)
{
    into->span += from->span;
    into->arrivals += from->arrivals;
    for (int i = 0; i < N_OUTCOMES; i++)
        into->outcomes[i] += from->outcomes[i];
    for (int i = 0; i < N_ERROR_CAUSES; i++)
        into->errors[i] += from->errors[i];
    for (int i = 0; i < N_RECOMPUTE_CAUSES; i++)
        into->recomputes[i] += from->recomputes[i];
    into->recompute_failed += from->recompute_failed;
    into->overlapping += from->overlapping;
    into->redundant += from->redundant;
    into->episodes_started += from->episodes_started;
    cache_stats_add(&into->cache, &from->cache);
    db_stats_add(&into->db, &from->db);
    hist_merge(into->latency, from->latency);
    policy_metrics_add_all(ops, into->policy, from->policy);
}

static uint64_t completed_of(const struct tally *t)
{
    uint64_t n = 0;
    for (int i = 0; i < N_OUTCOMES; i++)
        n += t->outcomes[i];
    return n;
}

static double ratio(double num, double den) { return den > 0 ? num / den : NAN; }

/* A quantile of nothing is undefined, not 0. */
static double quantile(const struct hist *h, double q)
{
    return h->count ? hist_quantile(h, q) : NAN;
}

static uint64_t cache_ops(const struct tally *t)
{
    return t->cache.gets + t->cache.sets + t->cache.lock_ops;
}

/* ---- lifecycle ---- */

/* A key: its episode state and its bit. */
double metrics_bytes(long keys)
{
    return (double)keys * ((double)sizeof(struct key_episode) + 1.0 / 8);
}

long metrics_slo_windows(const struct slo_config *slo, double window)
{
    return slo && slo->set ? lround(slo->window / window) : 1;
}

/* A tally's histograms: what a window held or pooled costs. */
#define TALLY_BYTES (2.0 * sizeof(struct hist) + sizeof(struct window_row))

double metrics_slo_bytes(const struct slo_config *slo, double window)
{
    if (!slo || !slo->set)
        return 0;
    /* the held windows beyond the one every run fills, and the pool */
    return (double)metrics_slo_windows(slo, window) * TALLY_BYTES;
}

static bool create_held(struct metrics *m)
{
    m->n_slots = metrics_slo_windows(m->p.slo, m->p.window);
    m->held = calloc((size_t)m->n_slots, sizeof *m->held);
    m->rows = calloc((size_t)m->n_slots, sizeof *m->rows);
    bool ok = m->held && m->rows;
    for (long i = 0; ok && i < m->n_slots; i++)
        ok = tally_init(&m->held[i], m->shape);
    return ok && (!m->slo || tally_init(&m->slo_win, m->shape));
}

struct metrics *metrics_create(const struct metrics_params *p)
{
    struct metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->p = *p;
    m->slo = p->slo && p->slo->set;
    policy_complete(p->policy, &m->policy);
    m->shape = (struct tally_shape){policy_metric_count(p->policy),
                                    p->instances};
    m->keys = key_array_alloc((size_t)p->keys, sizeof *m->keys);
    m->open_keys = key_array_alloc(((size_t)p->keys + 63) / 64,
                                   sizeof *m->open_keys);
    bool ok = m->keys && m->open_keys && tally_init(&m->seg, m->shape) &&
              tally_init(&m->total, m->shape) && create_held(m);
    if (!ok) {
        metrics_destroy(m);
        return NULL;
    }
    m->worst = (struct worst_window){NAN, NAN, NAN, NAN, NAN, NAN};
    slo_track_init(&m->track);
    return m;
}

void metrics_destroy(struct metrics *m)
{
    if (!m)
        return;
    tally_free(&m->seg);
    tally_free(&m->total);
    for (long i = 0; m->held && i < m->n_slots; i++)
        tally_free(&m->held[i]);
    free(m->held);
    free(m->rows);
    tally_free(&m->slo_win);
    free(m->keys);
    free(m->open_keys);
    free(m);
}

struct tally *metrics_current(struct metrics *m) { return &m->seg; }

/* ---- windows ---- */

static void fill_row(const struct metrics *m, const struct tally *t,
                     struct window_row *row)
{
    row->label = m->p.label;
    row->tally = t;
    row->span = t->span;
    row->completed = completed_of(t);
    row->hit_ratio = ratio((double)(t->outcomes[OUTCOME_HIT] +
                                    t->outcomes[OUTCOME_STALE]),
                           (double)row->completed);
    row->cache_hit_ratio = ratio((double)t->cache.get_hits,
                                 (double)t->cache.gets);
    row->cache_ops_per_s = ratio((double)cache_ops(t), t->span);
    row->db_qps = ratio((double)t->db.started, t->span);
    row->db_inflight_mean = ratio(t->db.inflight_area, t->span);
    row->db_util = ratio(t->db.util_area, t->span);
    row->p50 = quantile(t->latency, 0.50);
    row->p90 = quantile(t->latency, 0.90);
    row->p99 = quantile(t->latency, 0.99);
    row->p999 = quantile(t->latency, 0.999);
    row->max = t->latency->count ? t->latency->max : NAN;
}

static void note_peaks(struct metrics *m, const struct window_row *row)
{
    if (row->cache_ops_per_s > m->peak_cache_ops)
        m->peak_cache_ops = row->cache_ops_per_s;
    if (row->db_qps > m->peak_db_qps)
        m->peak_db_qps = row->db_qps;
    if (row->tally->db.inflight_max > m->peak_inflight)
        m->peak_inflight = row->tally->db.inflight_max;
}

/* fmax and fmin skip a NaN, so an undefined figure never wins. */
static void note_worst(struct metrics *m, const struct window_row *row)
{
    struct worst_window *w = &m->worst;
    const struct tally *t = row->tally;
    if (!isnan(row->p99) && !(row->p99 <= w->p99)) {   /* ties: the first */
        w->p99 = row->p99;
        w->t = row->t;
    }
    double errors = (double)t->outcomes[OUTCOME_ERROR];
    w->error_rate = fmax(w->error_rate,
                         row->completed ? errors / (double)row->completed : 0);
    w->hit_ratio = fmin(w->hit_ratio, row->hit_ratio);
    w->db_inflight_max = fmax(w->db_inflight_max, (double)t->db.inflight_max);
    w->db_utilization = fmax(w->db_utilization, row->db_util);
}

/* The window being filled is complete: its row is made, and it waits in
 * held[] for its SLO window. */
static void close_window(struct metrics *m)
{
    struct tally *t = &m->held[m->n_held];
    struct window_row *row = &m->rows[m->n_held];
    row->warmup = m->win_start < m->p.warmup;
    if (m->slo && !row->warmup)
        tally_add(&m->policy, &m->slo_win, t);
    policy_metrics_finish(&m->policy, t->policy);
    fill_row(m, t, row);
    row->t = m->win_start;
    slo_verdict_none(&row->slo);
    if (!row->warmup) {
        note_peaks(m, row);
        note_worst(m, row);
    }
    m->n_held++;
}

/* The SLO's verdict on the SLO window that closes: on its measured
 * windows pooled (none measured: no verdict). */
static void judge_slo_window(struct metrics *m, struct slo_verdict *v)
{
    const struct tally *t = &m->slo_win;
    slo_verdict_none(v);
    if (!m->slo || t->span <= 0)
        return;
    struct slo_sample s = {
        .arrivals = t->arrivals,
        .completed = completed_of(t),
        .errors = t->outcomes[OUTCOME_ERROR],
        .served = t->outcomes[OUTCOME_HIT] + t->outcomes[OUTCOME_STALE],
        .replies = t->latency->count,
        .p99 = quantile(t->latency, 0.99),
        .db_utilization = ratio(t->db.util_area, t->span),
    };
    slo_judge(m->p.slo, &s, v);
}

/* The SLO window closes: its windows go to the sink, in order, with the
 * verdict (the measured ones), and are counted against the SLO. */
static void release_windows(struct metrics *m)
{
    struct slo_verdict v;
    judge_slo_window(m, &v);
    for (long i = 0; i < m->n_held; i++) {
        struct window_row *row = &m->rows[i];
        if (!row->warmup && !isnan(v.ok)) {
            row->slo = v;
            slo_track_window(&m->track, row->t, row->span, v.ok > 0);
        }
        if (m->p.sink)
            m->p.sink(row, m->p.sink_ctx);
        tally_reset(&m->held[i], m->shape);
    }
    m->n_held = 0;
    if (m->slo)
        tally_reset(&m->slo_win, m->shape);
}

void metrics_close_segment(struct metrics *m, double now, struct db *db,
                           struct cache *cache, void *policy_state, bool last)
{
    struct tally *s = &m->seg, *win = &m->held[m->n_held];
    s->span = now - m->seg_start;
    db_stats_collect(db, &s->db);
    cache_stats_collect(cache, &s->cache);
    m->policy.collect(policy_state, s->policy);
    tally_add(&m->policy, win, s);
    if (m->seg_start >= m->p.warmup)
        tally_add(&m->policy, &m->total, s);
    tally_reset(s, m->shape);
    m->seg_start = now;
    /* Window ends are k * window, computed from k so they do not drift. */
    double end = fmin((double)(m->win_index + 1) * m->p.window, m->p.duration);
    if (now >= end || (last && win->span > 0)) {
        close_window(m);
        m->win_index++;
        m->win_start = now;
    }
    if (m->n_held == m->n_slots || (last && m->n_held > 0))
        release_windows(m);
}

/* ---- episodes ---- */

static bool is_open(const struct metrics *m, long key)
{
    return m->open_keys[key >> 6] >> (key & 63) & 1;
}

uint64_t metrics_episode_miss(struct metrics *m, long key, double now)
{
    struct key_episode *k = &m->keys[key];
    if (!is_open(m, key)) {
        m->open_keys[key >> 6] |= UINT64_C(1) << (key & 63);
        k->number++;
        k->open_start = now;
        k->open_size = 0;
        m->seg.episodes_started++;
    }
    k->last_miss = (float)(now - k->open_start);
    return k->number;
}

static bool counted(const struct metrics *m, double start)
{
    return start >= m->p.warmup;
}

void metrics_episode_query(struct metrics *m, long key, uint64_t episode)
{
    struct key_episode *k = &m->keys[key];
    if (episode == 0)
        return;
    bool open = is_open(m, key);
    uint32_t closed = open ? k->number - 1 : k->number;
    if (open && episode == k->number) {
        k->open_size++;
    } else if (episode == closed && k->closed_size >= 0) {
        /* a late query of an episode that has closed (counted ones only:
         * closed_size < 0 marks one that started in the warmup) */
        k->closed_size++;
        m->ep.size_sum++;
        if (k->closed_size > m->ep.size_max)
            m->ep.size_max = k->closed_size;
    }
}

void metrics_episode_write(struct metrics *m, long key, double now)
{
    struct key_episode *k = &m->keys[key];
    if (!is_open(m, key))
        return;
    bool in_run = counted(m, k->open_start);
    if (in_run) {
        double duration = now - k->open_start;
        m->ep.size_sum += k->open_size;
        if (k->open_size > m->ep.size_max)
            m->ep.size_max = k->open_size;
        m->ep.duration_sum += duration;
        if (duration > m->ep.duration_max)
            m->ep.duration_max = duration;
    }
    k->closed_size = in_run ? (int32_t)k->open_size : -1;
    m->open_keys[key >> 6] &= ~(UINT64_C(1) << (key & 63));
}

/* ---- the end ---- */

/* An episode open at the end: counted as open, and in the sizes and
 * durations when it started after the warmup. */
static void finish_episode(struct metrics *m, const struct key_episode *k,
                           double now)
{
    m->ep.open_at_end++;
    double age = now - k->open_start;
    if (age > m->ep.oldest_open)
        m->ep.oldest_open = age;
    /* still being read and found missing in the last window: a
     * stampede going on, not a key nobody asked for since */
    if (age - k->last_miss <= m->p.window && age > m->ep.oldest_active)
        m->ep.oldest_active = age;
    if (!counted(m, k->open_start))
        return;
    m->ep.size_sum += k->open_size;
    if (k->open_size > m->ep.size_max)
        m->ep.size_max = k->open_size;
    m->ep.duration_sum += age;
    if (age > m->ep.duration_max)
        m->ep.duration_max = age;
}

/* The keys with an episode open, in key order: a catalog's end reads
 * its bits, not the episodes of keys that have none. */
static void finish_episodes(struct metrics *m, double now)
{
    size_t words = ((size_t)m->p.keys + 63) / 64;
    for (size_t w = 0; w < words; w++)
        for (uint64_t bits = m->open_keys[w]; bits; bits &= bits - 1) {
            long key = (long)(w * 64 + (size_t)__builtin_ctzll(bits));
            finish_episode(m, &m->keys[key], now);
        }
    m->ep.count = m->total.episodes_started;
}

const struct run_totals *metrics_finish(struct metrics *m, double now,
                                        uint64_t unfinished)
{
    finish_episodes(m, now);
    struct run_totals *r = &m->totals;
    policy_metrics_finish(&m->policy, m->total.policy);
    fill_row(m, &m->total, &r->all);
    r->all.t = m->p.warmup;
    r->measured = m->total.span;
    r->unfinished = unfinished;
    r->peak_cache_ops_per_s = m->peak_cache_ops;
    r->peak_db_qps = m->peak_db_qps;
    r->peak_inflight = m->peak_inflight;
    r->episodes = m->ep;
    r->collapsed = m->ep.oldest_active > r->measured / 4;
    r->worst = m->worst;
    r->instances = m->shape.instances;
    r->pool_size = m->p.pool_size;
    r->slo.set = false;
    if (m->slo)
        slo_track_result(&m->track, m->p.slo_reference, &r->slo);
    r->risk = (struct risk_totals){false, NAN, NAN};
    return r;
}

void metrics_set_risk(struct metrics *m, double value, double limit)
{
    m->totals.risk = (struct risk_totals){true, value, limit};
}
