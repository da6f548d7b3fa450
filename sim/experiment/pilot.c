/*
 * pilot.c — see pilot.h.
 */
#include "experiment/pilot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/experiment.h"
#include "experiment/workers.h"
#include "kernel/hist.h"
#include "kernel/strutil.h"
#include "scenario/scenario.h"

/* At most this factor of shortening, and never a TTL under twice the
 * slowest recompute seen, so that a key is cached at least half the time:
 * a lock protects the database from a key's misses whatever the TTL, and
 * the database load the extra recomputes add is reported beside the
 * scenario's. */
#define MAX_SHORTENING 1000
#define TTL_OVER_SLOWEST 2
/* Aim this much above PILOT_SAMPLES: the samples per run vary. */
#define MARGIN 1.2

/* What one run gives back. */
struct pilot_out {
    bool complete;
    double util;          /* database utilisation (NaN: none measured) */
    struct hist h;        /* response times of its measured windows */
};

struct pilot_job {
    const struct pilot_params *p;
    unsigned first;       /* replication of job 0 */
    double ttl;           /* NAN: the scenario's */
    struct hist *merged;  /* counts add up in any order */
    double *util;         /* [job]: summed in job order afterwards, so
                             that any -j gives the same figure */
    unsigned done, incomplete;
};

static void keep_response(const struct window_row *row, unsigned rep,
                          const struct policy_ops *ops, void *ctx)
{
    (void)rep;
    (void)ops;
    if (!row->warmup)
        hist_merge(ctx, row->tally->db.response);
}

static struct scenario *load(const struct pilot_params *p, double ttl)
{
    const char **sets = calloc(p->n_sets + 1, sizeof *sets);
    char *ttl_set = isnan(ttl) ? NULL : str_printf("cache.ttl=%.17g", ttl);
    struct scenario *s = NULL;
    if (sets && (isnan(ttl) || ttl_set)) {
        for (size_t i = 0; i < p->n_sets; i++)
            sets[i] = p->sets[i];
        if (ttl_set)
            sets[p->n_sets] = ttl_set;
        struct scenario_errors errors = {0};
        s = scenario_load_text(p->file, p->text, p->len, sets,
                               p->n_sets + (ttl_set != NULL), &errors);
        scenario_errors_free(&errors);
    }
    free(ttl_set);
    free(sets);
    return s;
}

static void *run_job(size_t index, size_t *size, void *ctx)
{
    struct pilot_job *job = ctx;
    struct pilot_out *out = calloc(1, sizeof *out);
    struct scenario *s = out ? load(job->p, job->ttl) : NULL;
    int k = s ? scenario_policy_index(s, job->p->label) : -1;
    char err[256];
    struct experiment e = {0};
    bool ok = k >= 0;
    if (ok) {
        size_t idx = (size_t)k;
        out->h.lo = HIST_BUCKETS;   /* empty, as hist_create leaves it */
        struct experiment_params ep = {
            .scenario = s, .policies = &idx, .n_policies = 1,
            .replications = 1, .first_replication = job->first +
                                                    (unsigned)index,
            .stop = job->p->stop, .max_in_flight = job->p->max_in_flight,
            .sink = keep_response, .sink_ctx = &out->h,
            .ticker = job->p->beat ? experiment_beat : NULL,
            .ticker_ctx = job->p->beat};
        ok = experiment_run(&ep, &e, err, sizeof err) && e.results[0].n_done;
    }
    if (ok) {
        out->complete = e.complete;
        out->util = summary_get(&e.results[0].reps[0].summary,
                                "db.utilization");
    }
    experiment_free(&e);
    scenario_free(s);
    if (!ok) {
        free(out);
        return NULL;
    }
    *size = sizeof *out;
    return out;
}

static void take_job(size_t index, void *result, size_t size, size_t done,
                     void *ctx)
{
    struct pilot_job *job = ctx;
    struct pilot_out *out = result;
    (void)done;
    if (size == sizeof *out) {
        hist_merge(job->merged, &out->h);
        job->util[index] = out->util;
        job->done++;
        job->incomplete += !out->complete;
    }
    free(result);
}

/* Runs replications first .. first + count - 1 with cache.ttl = ttl (NAN:
 * the scenario's), merging into out. */
static bool run_batch(const struct pilot_params *p, unsigned first,
                      unsigned count, double ttl, double duration,
                      struct hist *merged, struct pilot *out, double *util,
                      char *err, size_t n)
{
    struct pilot_job job = {p, first, ttl, merged,
                            calloc(count, sizeof *job.util), 0, 0};
    for (unsigned i = 0; job.util && i < count; i++)
        job.util[i] = NAN;
    enum workers_status st = job.util ? workers_run(count, p->jobs, run_job,
                                                    take_job, &job, p->stop,
                                                    p->beat)
                                      : WORKERS_FAILED;
    if (st == WORKERS_FAILED) {
        free(job.util);
        snprintf(err, n, "a pilot run failed (out of memory, or killed)");
        return false;
    }
    out->stopped |= st == WORKERS_STOPPED;
    out->runs += job.done;
    out->spent += job.done * duration;
    double sum = 0;
    unsigned measured = 0;
    for (unsigned i = 0; i < count; i++)
        if (!isnan(job.util[i])) {
            sum += job.util[i];
            measured++;
        }
    *util = measured ? sum / measured : NAN;
    free(job.util);
    if (job.incomplete && !out->why[0])
        snprintf(out->why, sizeof out->why, "%u of its runs stopped early "
                 "(overloaded)", job.incomplete);
    return true;
}

static void quantiles(const struct hist *h, struct pilot *out)
{
    out->n = h->count;
    out->measured = h->count >= PILOT_SAMPLES;
    out->p50 = h->count ? hist_quantile(h, 0.5) : NAN;
    out->p99 = h->count ? hist_quantile(h, 0.99) : NAN;
    out->p999 = h->count ? hist_quantile(h, 0.999) : NAN;
    out->max = h->count ? h->max : NAN;
}

/* After the first run: the runs and the TTL that should bring the
 * samples to PILOT_SAMPLES within the allowance; false (why in out) if
 * none can. */
static bool plan(struct pilot *out, const struct hist *h, double duration,
                 double allowance, double min_ttl, unsigned *runs,
                 double *ttl)
{
    double per_run = (double)h->count;
    double left = floor((allowance - out->spent) / duration);
    double needed = (double)PILOT_SAMPLES - per_run;
    *ttl = NAN;
    if (per_run == 0) {
        snprintf(out->why, sizeof out->why, "a run of the scenario had no "
                 "recompute to time");
        return false;
    }
    if (left < 1) {
        snprintf(out->why, sizeof out->why, "its share of the budget (%.0f "
                 "simulated s) allows no run after the first", allowance);
        return false;
    }
    double at_ttl = ceil(MARGIN * needed / per_run);
    if (at_ttl <= left) {
        *runs = (unsigned)at_ttl;
        return true;
    }
    /* shorten the TTL: each key expires `factor` times as often */
    double factor = MARGIN * needed / (per_run * left);
    double floor_ttl = fmax(TTL_OVER_SLOWEST * h->max, min_ttl);
    *ttl = out->scenario_ttl / factor;
    if (factor > MAX_SHORTENING || *ttl < floor_ttl) {
        *ttl = fmax(out->scenario_ttl / MAX_SHORTENING, floor_ttl);
        if (!(*ttl < out->scenario_ttl))
            *ttl = NAN;
    }
    *runs = (unsigned)left;
    return true;
}

bool pilot_run(const struct pilot_params *p, struct pilot *out, char *err,
               size_t n)
{
    memset(out, 0, sizeof *out);
    struct scenario *s = load(p, NAN);
    if (!s) {
        snprintf(err, n, "the pilot could not load the scenario");
        return false;
    }
    double duration = s->model.duration;
    out->scenario_ttl = out->ttl = s->model.cache.ttl;
    scenario_free(s);
    struct hist *merged = hist_create();
    if (!merged) {
        snprintf(err, n, "out of memory");
        return false;
    }
    bool ok = true;
    if (p->allowance < duration)
        snprintf(out->why, sizeof out->why, "its share of the budget (%.0f "
                 "simulated s) is less than one run (%.0f s)", p->allowance,
                 duration);
    else
        ok = run_batch(p, 0, 1, NAN, duration, merged, out,
                       &out->scenario_util, err, n);
    out->util = out->scenario_util;
    unsigned runs;
    double ttl;
    if (ok && out->runs == 1 && !out->stopped && !out->why[0] &&
        merged->count < PILOT_SAMPLES &&
        plan(out, merged, duration, p->allowance, p->min_ttl, &runs, &ttl)) {
        ok = run_batch(p, 1, runs, ttl, duration, merged, out, &out->util,
                       err, n);
        if (!isnan(ttl))
            out->ttl = ttl;
    }
    quantiles(merged, out);
    if (ok && !out->measured && !out->why[0])
        snprintf(out->why, sizeof out->why, "%llu samples in %u runs "
                 "(%.0f simulated s), fewer than %d",
                 (unsigned long long)out->n, out->runs, out->spent,
                 PILOT_SAMPLES);
    hist_destroy(merged);
    return ok;
}
