/*
 * bench_suite.c — see bench_suite.h.
 */
#include "experiment/bench_suite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* One world; adds its counts to out. */
static bool run_world(const struct scenario *s, const struct policy_spec *p,
                      unsigned rep, struct bench_result *out, double *pending)
{
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
    struct world_result r;
    world_run(w, &r);
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
    double start = wall_clock(), pending = 0;
    bool ok = true;
    for (unsigned rep = 0; ok && (rep == 0 || wall_clock() - start < b->seconds);
         rep++)
        for (size_t i = 0; ok && i < s->n_policies; i++)
            ok = run_world(s, &s->policies[i], rep, out, &pending);
    out->seconds = wall_clock() - start;
    out->events_per_s = (double)out->events / out->seconds;
    out->requests_per_s = (double)out->requests / out->seconds;
    out->events_per_request =
        out->requests ? (double)out->events / (double)out->requests : 0;
    out->pending = out->events ? (size_t)(pending / (double)out->events + 0.5)
                               : 0;
    scenario_free(s);
    return ok;
}

bool bench_sweep_seconds(const char *path, size_t points, unsigned jobs,
                         double *seconds)
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
    double start = wall_clock();
    bool ok = v.values && sweep_run(&p, &s, err, sizeof err);
    *seconds = wall_clock() - start;
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
