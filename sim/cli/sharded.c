/*
 * sharded.c — see sharded.h.
 */
#include "cli/sharded.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/progress.h"
#include "kernel/strutil.h"
#include "output/outdir.h"
#include "output/version.h"

char *sharded_default_dir(const char *name, const struct shard *sh)
{
    return str_printf("results/%s.shard-%u-of-%u", name, sh->index,
                      sh->count);
}

/* What every slice's manifest says of the command. */
static struct partial_manifest manifest_of(enum partial_kind kind,
                                           const struct scenario *s,
                                           const struct shard *sh)
{
    return (struct partial_manifest){
        .kind = kind, .tool = "stampede " STAMPEDE_VERSION,
        .scenario = s->name, .seed = s->seed, .shard = *sh,
    };
}

/* A slice's folder, as every results folder (outdir.h): DIR checked and
 * locked before any work, the partial written into the directory beside
 * it, which replaces DIR whole at the end. false (said) if it cannot be. */
static bool begin(struct outdir *out, struct partial_writer *w,
                  const char *command, const char *dir,
                  enum partial_kind kind, const struct scenario *s,
                  const size_t *policies, size_t n_policies)
{
    char err[512];
    if (cli_results_dir(command, dir) != EXIT_OK ||
        !cli_begin_results(command, out, dir))
        return false;
    if (partial_begin(w, out->tmp, kind, s, policies, n_policies, err,
                      sizeof err))
        return true;
    char said[1024];
    outdir_fail(out, err, said, sizeof said);
    fprintf(stderr, "stampede %s: %s\n", command, said);
    return false;
}

/* The end of a slice: the manifest, or nothing when interrupted (an
 * interrupted slice is run again: DIR stays as it was); the exit
 * status. */
static int finish(struct partial_writer *w, const struct partial_manifest *m,
                  const struct scenario *s, bool ran, bool stopped,
                  const char *command, struct outdir *out, bool quiet,
                  const struct cli_env *env, const char *err)
{
    char why[512];
    if (!ran) {
        partial_abort(w);
        fprintf(stderr, "stampede %s: %s\n", command, err);
        return EXIT_FAILED;
    }
    if (stopped || *env->stop) {
        partial_abort(w);
        fprintf(stderr, "stampede %s: interrupted: slice %u/%u not written "
                "(run it again); %s is left as it was\n", command,
                m->shard.index, m->shard.count, out->path);
        return cli_signal_status(env);
    }
    if (!partial_finish(w, m, s, why, sizeof why))
        return cli_results_failed(command, out, why, env);
    if (!outdir_commit(out, why, sizeof why)) {
        fprintf(stderr, "stampede %s: %s\n", command, why);
        return EXIT_FAILED;
    }
    const char *dir = out->path;
    if (!quiet)
        fprintf(stderr, "stampede: slice %u/%u (%zu of %zu runs) in %s; join "
                "the %u slices with 'stampede merge'\n", m->shard.index,
                m->shard.count, shard_size(&m->shard, m->total), m->total, dir,
                m->shard.count);
    return EXIT_OK;
}

/* ---- run ---- */

struct run_delivery {
    struct partial_writer *w;
    const struct sharded_run *r;
};

static bool deliver_run(size_t item, const struct rep_result *reps, size_t n,
                        void *ctx)
{
    struct run_delivery *d = ctx;
    const struct sharded_run *r = d->r;
    const char *label = r->s->policies[r->selected[item / r->reps]].label;
    (void)n;
    return partial_add(d->w, item, 0, (unsigned)(item % r->reps), label,
                       &reps[0]);
}

int sharded_run(const struct sharded_run *r, const struct shard *sh,
                const char *dir, bool quiet, const struct cli_env *env)
{
    char err[512];
    struct partial_writer w;
    struct outdir out = {0};
    if (!begin(&out, &w, "run", dir, PARTIAL_RUN, r->s, r->selected,
               r->n_selected)) {
        outdir_abort(&out);
        return EXIT_FAILED;
    }
    const char *labels[SCENARIO_MAX_POLICIES];
    for (size_t i = 0; i < r->n_selected; i++)
        labels[i] = r->s->policies[r->selected[i]].label;
    struct experiment_params p = {
        .scenario = r->s, .policies = r->selected,
        .n_policies = r->n_selected, .replications = r->reps,
        .stop = env->stop, .max_in_flight = r->max_in_flight,
        .sink = partial_row, .sink_ctx = &w, .observer = r->observer,
    };
    struct run_delivery d = {&w, r};
    bool stopped = false;
    bool ran = shard_run_experiment(&p, sh, deliver_run, &d, &stopped, err,
                                    sizeof err);
    struct partial_manifest m = manifest_of(PARTIAL_RUN, r->s, sh);
    m.reps = r->reps;
    m.labels = labels;
    m.n_labels = r->n_selected;
    m.max_in_flight = r->max_in_flight;
    m.total = r->n_selected * r->reps;
    int status = finish(&w, &m, r->s, ran, stopped, "run", &out, quiet, env,
                        err);
    outdir_abort(&out);
    return status;
}

/* ---- sweep ---- */

struct sweep_delivery {
    struct partial_writer *w;
    const struct sweep_params *p;
    const char *const *labels;
};

static bool deliver_sweep(size_t item, const struct rep_result *reps,
                          size_t n, void *ctx)
{
    struct sweep_delivery *d = ctx;
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++)
        ok = partial_add(d->w, item, item / d->p->reps,
                         (unsigned)(item % d->p->reps), d->labels[i],
                         &reps[i]);
    return ok;
}

static void show_progress(size_t done, size_t total, uint64_t events,
                          void *ctx)
{
    (void)total;
    progress_update(ctx, done, events);
}

/* The sign of life while the slice's runs go (progress.h). */
static void tick_progress(void *ctx)
{
    progress_tick(ctx);
}

int sharded_sweep(const struct sweep_params *p, const struct scenario *base,
                  const struct partial_constraint *constraints,
                  const struct shard *sh, const char *dir, bool quiet,
                  const struct cli_env *env)
{
    char err[512];
    struct sweep labels;
    struct partial_writer w;
    struct outdir out = {0};
    memset(&labels, 0, sizeof labels);
    if (!sweep_pick_labels(p, &labels)) {
        fprintf(stderr, "stampede sweep: out of memory\n");
        sweep_free(&labels);
        return EXIT_FAILED;
    }
    if (!begin(&out, &w, "sweep", dir, PARTIAL_SWEEP, NULL, NULL, 0)) {
        outdir_abort(&out);
        sweep_free(&labels);
        return EXIT_FAILED;
    }
    struct partial_manifest m = manifest_of(PARTIAL_SWEEP, base, sh);
    m.reps = p->reps;
    m.labels = (const char *const *)labels.labels;
    m.n_labels = labels.n_labels;
    m.max_in_flight = p->max_in_flight;
    m.slo = labels.slo;
    m.varies = p->varies;
    m.n_varies = p->n_varies;
    m.constraints = constraints;
    m.n_constraints = p->n_constraints;
    m.total = sweep_point_count(p) * p->reps;
    struct progress bar;
    progress_init(&bar, "sweep", "runs", shard_size(sh, m.total), quiet,
                  env->stderr_is_tty);
    struct sweep_params q = *p;
    q.progress = show_progress;
    q.progress_ctx = &bar;
    struct workers_beat beat = {tick_progress, &bar, 0};
    q.beat = &beat;
    struct sweep_delivery d = {&w, p, m.labels};
    bool stopped = false;
    bool ran = shard_run_sweep(&q, sh, m.labels, m.n_labels, deliver_sweep,
                               &d, &stopped, err, sizeof err);
    progress_finish(&bar);
    int status = finish(&w, &m, base, ran, stopped, "sweep", &out, quiet, env,
                        err);
    outdir_abort(&out);
    sweep_free(&labels);
    return status;
}
