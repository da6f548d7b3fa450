/*
 * metrics.c — segments, windows, totals and miss episodes. See metrics.h.
 */
#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Episode state of one key: the open episode, and the last closed one
 * (a late query may still belong to it). 48 bytes per key. */
struct key_episode {
    uint64_t open_id;       /* 0: none open */
    double open_start;
    double open_size;
    double last_miss;       /* the latest read that found it missing */
    uint64_t closed_id;
    double closed_size;
};

struct metrics {
    struct metrics_params p;
    struct tally seg, win, total;
    double seg_start;
    double win_start;
    uint64_t win_index;           /* the window being filled */
    uint64_t next_episode;
    struct key_episode *keys;
    struct episode_totals ep;
    double peak_cache_ops, peak_db_qps;
    long peak_inflight;
    struct run_totals totals;
};

/* ---- tallies ---- */

static bool tally_init(struct tally *t, size_t n_policy)
{
    memset(t, 0, sizeof *t);
    t->latency = hist_create();
    t->db.response = hist_create();
    t->policy = calloc(n_policy ? n_policy : 1, sizeof *t->policy);
    return t->latency && t->db.response && t->policy;
}

static void tally_free(struct tally *t)
{
    hist_destroy(t->latency);
    hist_destroy(t->db.response);
    free(t->policy);
}

static void tally_reset(struct tally *t, size_t n_policy)
{
    struct hist *latency = t->latency, *response = t->db.response;
    double *policy = t->policy;
    memset(t, 0, sizeof *t);
    hist_reset(latency);
    hist_reset(response);
    memset(policy, 0, (n_policy ? n_policy : 1) * sizeof *policy);
    t->latency = latency;
    t->db.response = response;
    t->policy = policy;
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
    policy_metrics_add(ops->metrics, ops->n_metrics, into->policy,
                       from->policy);
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

double metrics_bytes(long keys)
{
    return (double)keys * sizeof(struct key_episode);
}

struct metrics *metrics_create(const struct metrics_params *p)
{
    struct metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->p = *p;
    size_t np = p->policy->n_metrics;
    m->keys = calloc((size_t)p->keys, sizeof *m->keys);
    bool ok = m->keys && tally_init(&m->seg, np) && tally_init(&m->win, np) &&
              tally_init(&m->total, np);
    if (!ok) {
        metrics_destroy(m);
        return NULL;
    }
    m->next_episode = 1;
    return m;
}

void metrics_destroy(struct metrics *m)
{
    if (!m)
        return;
    tally_free(&m->seg);
    tally_free(&m->win);
    tally_free(&m->total);
    free(m->keys);
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

static void emit_window(struct metrics *m)
{
    struct window_row row;
    fill_row(m, &m->win, &row);
    row.t = m->win_start;
    row.warmup = m->win_start < m->p.warmup;
    if (!row.warmup) {
        if (row.cache_ops_per_s > m->peak_cache_ops)
            m->peak_cache_ops = row.cache_ops_per_s;
        if (row.db_qps > m->peak_db_qps)
            m->peak_db_qps = row.db_qps;
        if (m->win.db.inflight_max > m->peak_inflight)
            m->peak_inflight = m->win.db.inflight_max;
    }
    policy_metrics_finish(m->p.policy, m->win.policy);
    if (m->p.sink)
        m->p.sink(&row, m->p.sink_ctx);
    tally_reset(&m->win, m->p.policy->n_metrics);
}

void metrics_close_segment(struct metrics *m, double now, struct db *db,
                           struct cache *cache, void *policy_state, bool last)
{
    struct tally *s = &m->seg;
    s->span = now - m->seg_start;
    db_stats_collect(db, &s->db);
    cache_stats_collect(cache, &s->cache);
    m->p.policy->collect(policy_state, s->policy);
    tally_add(m->p.policy, &m->win, s);
    if (m->seg_start >= m->p.warmup)
        tally_add(m->p.policy, &m->total, s);
    tally_reset(s, m->p.policy->n_metrics);
    m->seg_start = now;
    /* Window ends are k * window, computed from k so they do not drift. */
    double end = fmin((double)(m->win_index + 1) * m->p.window, m->p.duration);
    if (now >= end || (last && m->win.span > 0)) {
        emit_window(m);
        m->win_index++;
        m->win_start = now;
    }
}

/* ---- episodes ---- */

uint64_t metrics_episode_miss(struct metrics *m, long key, double now)
{
    struct key_episode *k = &m->keys[key];
    if (k->open_id == 0) {
        k->open_id = m->next_episode++;
        k->open_start = now;
        k->open_size = 0;
        m->seg.episodes_started++;
    }
    k->last_miss = now;
    return k->open_id;
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
    if (episode == k->open_id) {
        k->open_size++;
    } else if (episode == k->closed_id && k->closed_size >= 0) {
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
    if (k->open_id == 0)
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
    k->closed_id = k->open_id;
    k->closed_size = in_run ? k->open_size : -1;
    k->open_id = 0;
}

/* ---- the end ---- */

static void finish_episodes(struct metrics *m, double now)
{
    for (long key = 0; key < m->p.keys; key++) {
        const struct key_episode *k = &m->keys[key];
        if (k->open_id == 0)
            continue;
        m->ep.open_at_end++;
        double age = now - k->open_start;
        if (age > m->ep.oldest_open)
            m->ep.oldest_open = age;
        /* still being read and found missing in the last window: a
         * stampede going on, not a key nobody asked for since */
        if (now - k->last_miss <= m->p.window && age > m->ep.oldest_active)
            m->ep.oldest_active = age;
        if (!counted(m, k->open_start))
            continue;
        m->ep.size_sum += k->open_size;
        if (k->open_size > m->ep.size_max)
            m->ep.size_max = k->open_size;
        m->ep.duration_sum += age;
        if (age > m->ep.duration_max)
            m->ep.duration_max = age;
    }
    m->ep.count = m->total.episodes_started;
}

const struct run_totals *metrics_finish(struct metrics *m, double now,
                                        uint64_t unfinished)
{
    finish_episodes(m, now);
    struct run_totals *r = &m->totals;
    policy_metrics_finish(m->p.policy, m->total.policy);
    fill_row(m, &m->total, &r->all);
    r->all.t = m->p.warmup;
    r->measured = m->total.span;
    r->unfinished = unfinished;
    r->peak_cache_ops_per_s = m->peak_cache_ops;
    r->peak_db_qps = m->peak_db_qps;
    r->peak_inflight = m->peak_inflight;
    r->episodes = m->ep;
    r->collapsed = m->ep.oldest_active > r->measured / 4;
    return r;
}
