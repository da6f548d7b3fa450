/*
 * bench_suite.c — see bench_suite.h.
 */
#include "experiment/bench_suite.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "kernel/datadir.h"
#include "kernel/strutil.h"
#include "scenario/scenario.h"
#include "experiment/sweep.h"
#include "kernel/wallclock.h"
#include "world.h"

static struct scenario *load(const struct bench_scenario *b)
{
    char keys[64], duration[64];
    const char *sets[2];
    size_t n = 0;
    if (b->keys > 0) {
        snprintf(keys, sizeof keys, "workload.keys.count=%ld", b->keys);
        sets[n++] = keys;
    }
    if (b->duration > 0) {
        snprintf(duration, sizeof duration, "duration=%.10g", b->duration);
        sets[n++] = duration;
    }
    struct scenario_errors errors = {0};
    struct scenario *s = scenario_load(b->path, sets, n, &errors);
    scenario_errors_print(&errors, stderr);
    scenario_errors_free(&errors);
    return s;
}

/* One world; adds its counts to out. The first world of a catalog
 * benchmark also measures what building it took in resident memory. */
static bool run_world(const struct scenario *s, const struct policy_spec *p,
                      unsigned rep, struct bench_result *out, double *pending)
{
    bool first = out->events == 0 && out->keys > 0;
    double before = first ? bench_rss_bytes() : 0;
    double cpu = cpu_clock();
    struct world_params wp = {
        .model = &s->model, .policy = p->ops, .knobs = p->knobs,
        .label = p->label, .seed = s->seed, .replication = rep,
    };
    char err[256];
    struct world *w = world_create(&wp, err, sizeof err);
    if (!w) {
        fprintf(stderr, "stampede bench: %s\n", err);
        return false;
    }
    if (first) {
        out->start_cpu_seconds = cpu_clock() - cpu;
        out->start_bytes_per_key =
            (bench_rss_bytes() - before) / (double)out->keys;
        double state;
        world_memory_estimate(&s->model, p->ops, &state);
        out->state_bytes_per_key = state / (double)out->keys;
    }
    struct world_result r;
    world_run(w, &r);
    if (first)
        out->end_bytes_per_key =
            (bench_rss_bytes() - before) / (double)out->keys;
    out->events += r.events;
    out->requests += r.arrivals;
    *pending += r.mean_pending * (double)r.events;
    world_destroy(w);
    return true;
}

bool bench_scenario_run(void *ctx, struct bench_result *out)
{
    const struct bench_scenario *b = ctx;
    struct scenario *s = load(b);
    if (!s)
        return false;
    snprintf(out->name, sizeof out->name, "%s", s->name);
    out->keys = b->keys;
    out->start_bytes_per_key = out->start_cpu_seconds = NAN;
    out->state_bytes_per_key = out->end_bytes_per_key = NAN;
    out->limit_ratio = NAN;
    double wall = wall_clock(), cpu = cpu_clock(), pending = 0;
    bool ok = true;
    for (unsigned rep = 0; ok && (rep == 0 || cpu_clock() - cpu < b->seconds);
         rep++)
        for (size_t i = 0; ok && i < s->n_policies; i++)
            ok = run_world(s, &s->policies[i], rep, out, &pending);
    out->cpu_seconds = cpu_clock() - cpu;
    out->wall_seconds = wall_clock() - wall;
    bench_rates(out);
    out->pending = out->events ? (size_t)(pending / (double)out->events + 0.5)
                               : 0;
    scenario_free(s);
    return ok;
}

/* CPU seconds of this process and of its children waited for. */
static double cpu_with_children(void)
{
    struct rusage self, children;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec +
                    children.ru_utime.tv_sec + children.ru_stime.tv_sec) +
           1e-6 * (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec +
                           children.ru_utime.tv_usec +
                           children.ru_stime.tv_usec);
}

bool bench_sweep_seconds(const char *path, size_t points, unsigned jobs,
                         double *seconds, double *cpu_seconds)
{
    size_t len;
    struct scenario_errors errors = {0};
    char *text = scenario_read(path, &len, &errors);
    scenario_errors_free(&errors);
    if (!text)
        return false;
    /* points differ by their seed: the same work, independent runs */
    struct vary v = {.n = points};
    snprintf(v.path, sizeof v.path, "seed");
    v.values = calloc(points, sizeof *v.values);
    for (size_t i = 0; v.values && i < points; i++)
        v.values[i] = str_printf("%zu", i + 1);
    /* long enough points that the workers' start-up does not count */
    const char *sets[] = {"duration=600s"};
    struct sweep_params p = {.file = path, .text = text, .len = len,
                             .sets = sets, .n_sets = 1, .varies = &v,
                             .n_varies = 1, .reps = 1, .jobs = jobs};
    struct sweep s;
    char err[256];
    double start = wall_clock(), cpu = cpu_with_children();
    bool ok = v.values && sweep_run(&p, &s, err, sizeof err);
    *seconds = wall_clock() - start;
    *cpu_seconds = cpu_with_children() - cpu;
    if (ok)
        sweep_free(&s);
    vary_free(&v);
    free(text);
    return ok;
}

char *bench_scenarios_dir(void)
{
    static const char *const BESIDE[] = {"scenarios/bench",
                                         "share/stampede/scenarios/bench"};
    struct data_dir d = {.env = "STAMPEDE_BENCH", .beside = BESIDE,
                         .n_beside = 2, .probe = "hot-key-steady.json",
                         .fallback = "scenarios/bench"};
    return data_dir_find(&d);
}
