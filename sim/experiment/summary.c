/*
 * summary.c — see summary.h.
 */
#include "experiment/summary.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void put(struct run_summary *s, const char *path, double value)
{
    if (s->n == SUMMARY_MAX_VALUES)
        return;
    struct summary_value *v = &s->values[s->n++];
    snprintf(v->path, sizeof v->path, "%s", path);
    v->value = value;
}


static void put_requests(struct run_summary *s, const struct run_totals *t)
{
    const struct tally *y = t->tally;
    char path[SUMMARY_PATH_MAX];
    put(s, "requests", (double)t->completed);
    put(s, "arrivals", (double)y->arrivals);
    put(s, "unfinished", (double)t->unfinished);
    for (int i = 0; i < N_OUTCOMES; i++) {
        snprintf(path, sizeof path, "outcomes.%s", OUTCOME_NAMES[i]);
        put(s, path, (double)y->outcomes[i]);
    }
    for (int i = 0; i < N_ERROR_CAUSES; i++) {
        snprintf(path, sizeof path, "errors.%s", ERROR_CAUSE_NAMES[i]);
        put(s, path, (double)y->errors[i]);
    }
    put(s, "error_rate", t->completed
                             ? (double)y->outcomes[OUTCOME_ERROR] /
                                   (double)t->completed
                             : NAN);
    put(s, "hit_ratio", t->hit_ratio);
}

static void put_cache_and_latency(struct run_summary *s,
                                  const struct run_totals *t)
{
    put(s, "cache.hit_ratio", t->cache_hit_ratio);
    put(s, "cache.ops_per_s", t->cache_ops_per_s);
    put(s, "cache.peak_ops_per_s", t->peak_cache_ops_per_s);
    put(s, "latency_ms.p50", t->p50 * 1e3);
    put(s, "latency_ms.p90", t->p90 * 1e3);
    put(s, "latency_ms.p99", t->p99 * 1e3);
    put(s, "latency_ms.p999", t->p999 * 1e3);
    put(s, "latency_ms.max", t->max * 1e3);
}

static void put_db(struct run_summary *s, const struct run_totals *t)
{
    const struct db_stats *d = &t->tally->db;
    put(s, "db.queries", (double)d->started);
    put(s, "db.background_queries", (double)d->background_started);
    put(s, "db.peak_inflight", (double)t->peak_inflight);
    put(s, "db.mean_inflight", t->mean_inflight);
    put(s, "db.peak_qps", t->peak_db_qps);
    put(s, "db.utilization", t->utilization);
    put(s, "db.timeouts", (double)d->timeouts);
    put(s, "db.pool_timeouts", (double)d->pool_timeouts);
    put(s, "db.refused", (double)d->refused);
    put(s, "db.wasted_work_s", d->wasted_work);
    put(s, "db.response_ms.mean", t->db_response_mean * 1e3);
    put(s, "db.response_ms.p50", t->db_response_p50 * 1e3);
    put(s, "db.response_ms.p99", t->db_response_p99 * 1e3);
    put(s, "db.response_ms.max", t->db_response_max * 1e3);
}

static void put_recomputes(struct run_summary *s, const struct run_totals *t)
{
    const struct tally *y = t->tally;
    const struct episode_totals *e = &t->episodes;
    double total = (double)tally_recomputes(y);
    char path[SUMMARY_PATH_MAX];
    put(s, "recomputes.total", total);
    for (int i = 0; i < N_RECOMPUTE_CAUSES; i++) {
        snprintf(path, sizeof path, "recomputes.%s", RECOMPUTE_CAUSE_NAMES[i]);
        put(s, path, (double)y->recomputes[i]);
    }
    put(s, "recomputes.overlapping", (double)y->overlapping);
    put(s, "recomputes.redundant", (double)y->redundant);
    put(s, "recomputes.overlap_share",
        total > 0 ? (double)y->overlapping / total : NAN);
    put(s, "recomputes.failed", (double)y->recompute_failed);
    double n = (double)e->count;
    put(s, "episodes.count", n);
    put(s, "episodes.mean_size", n > 0 ? e->size_sum / n : NAN);
    put(s, "episodes.max_size", e->size_max);
    put(s, "episodes.mean_duration_s", n > 0 ? e->duration_sum / n : NAN);
    put(s, "episodes.max_duration_s", e->duration_max);
    put(s, "episodes.open_at_end", (double)e->open_at_end);
    put(s, "episodes.oldest_open_s", e->oldest_open);
    /* A collapse is a miss episode that has outlived a quarter of the
     * measured run and is still going on (reads still find the key
     * missing): healthy episodes last a recompute or a lock wait, and an
     * episode of a key nobody reads since is not an outage. */
    put(s, "collapsed", e->oldest_active > t->measured / 4 ? 1 : 0);
}

void summary_build(const struct run_totals *t, const struct policy_ops *ops,
                   struct run_summary *out)
{
    out->n = 0;
    put_requests(out, t);
    put_cache_and_latency(out, t);
    put_db(out, t);
    put_recomputes(out, t);
    char path[SUMMARY_PATH_MAX];
    for (size_t i = 0; i < ops->n_metrics; i++) {
        snprintf(path, sizeof path, "policy_metrics.%s", ops->metrics[i].name);
        put(out, path, t->tally->policy[i]);
    }
}

static const struct summary_value *find(const struct run_summary *s,
                                        const char *path)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->values[i].path, path) == 0)
            return &s->values[i];
    return NULL;
}

double summary_get(const struct run_summary *s, const char *path)
{
    const struct summary_value *v = find(s, path);
    return v ? v->value : NAN;
}

bool summary_has(const struct run_summary *s, const char *path)
{
    return find(s, path) != NULL;
}

/* Length of the common leading components ("a.b.c" vs "a.b.d": 2). */
static int common_depth(char parts_a[][SUMMARY_PATH_MAX], int na,
                        char parts_b[][SUMMARY_PATH_MAX], int nb)
{
    int d = 0;
    while (d < na && d < nb && strcmp(parts_a[d], parts_b[d]) == 0)
        d++;
    return d;
}

static int split_path(const char *path, char parts[][SUMMARY_PATH_MAX], int max)
{
    int n = 0;
    const char *p = path;
    while (n < max) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        snprintf(parts[n++], SUMMARY_PATH_MAX, "%.*s", (int)len, p);
        if (!dot)
            break;
        p = dot + 1;
    }
    return n;
}

static void number_leaf(struct json_out *j, size_t index, void *ctx)
{
    const struct run_summary *s = ctx;
    json_out_number(j, s->values[index].value);
}

void summary_write_members(struct json_out *j, const struct run_summary *s)
{
    summary_write_nested(j, s, number_leaf, (void *)s);
}

/* Paths sharing a prefix are adjacent in the list, so one pass opens and
 * closes the nested objects. */
void summary_write_nested(struct json_out *j, const struct run_summary *s,
                          summary_leaf_fn leaf, void *ctx)
{
    char open[8][SUMMARY_PATH_MAX];
    int n_open = 0;
    for (size_t i = 0; i < s->n; i++) {
        char parts[8][SUMMARY_PATH_MAX];
        int n = split_path(s->values[i].path, parts, 8);
        int keep = common_depth(open, n_open, parts, n - 1);
        while (n_open > keep) {
            json_out_end_object(j);
            n_open--;
        }
        while (n_open < n - 1) {
            json_out_key(j, parts[n_open]);
            json_out_begin_object(j);
            memcpy(open[n_open], parts[n_open], SUMMARY_PATH_MAX);
            n_open++;
        }
        json_out_key(j, parts[n - 1]);
        leaf(j, i, ctx);
    }
    while (n_open-- > 0)
        json_out_end_object(j);
}
