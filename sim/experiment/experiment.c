/*
 * experiment.c — see experiment.h.
 */
#define _DEFAULT_SOURCE   /* NSIG, SIGXCPU, SIGVTALRM, SIGPROF */
#include "experiment/experiment.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/workers.h"
#include "kernel/wallclock.h"

void experiment_beat(const struct policy_spec *spec, unsigned rep, double now,
                     uint64_t events, void *beat)
{
    (void)spec;
    (void)rep;
    (void)now;
    (void)events;
    workers_beat(beat);
}

struct sink_relay {
    const struct experiment_params *p;
    unsigned rep;
    const struct policy_ops *ops;
};

static void relay_row(const struct window_row *row, void *ctx)
{
    const struct sink_relay *r = ctx;
    r->p->sink(row, r->rep, r->ops, r->p->sink_ctx);
}

struct tick_relay {
    const struct experiment_params *p;
    const struct policy_spec *spec;
    unsigned rep;
};

static void relay_tick(void *ctx, double now, uint64_t events)
{
    const struct tick_relay *t = ctx;
    t->p->ticker(t->spec, t->rep, now, events, t->p->ticker_ctx);
}

/* One world: one policy, one replication. Returns false only when the
 * world could not be built. */
static bool run_one(const struct experiment_params *p,
                    const struct policy_spec *spec, unsigned rep,
                    struct rep_result *out, char *err, size_t n)
{
    const struct scenario *s = p->scenario;
    /* the sink and the observer are told the replication's own index (its
     * streams'), so that rows of a slice of the replications read as they
     * would in the whole */
    unsigned index = p->first_replication + rep;
    struct sink_relay relay = {p, index, spec->ops};
    /* progress counts the replications this run makes */
    struct tick_relay tick = {p, spec, rep};
    struct world_params wp = {
        .model = &s->model,
        .policy = spec->ops,
        .knobs = spec->knobs,
        .label = spec->label,
        .seed = s->seed,
        .replication = index,
        .stop = p->stop,
        .sink = p->sink ? relay_row : NULL,
        .sink_ctx = &relay,
        .max_in_flight = p->max_in_flight,
        .ticker = p->ticker ? relay_tick : NULL,
        .ticker_ctx = &tick,
    };
    double start = wall_clock();
    struct world *w = world_create(&wp, err, n);
    if (!w)
        return false;
    struct world_result result;
    world_run(w, &result);
    summary_build(result.totals, spec->ops, &out->summary);
    out->end = result.end;
    out->ended_at = result.ended_at;
    out->events = result.events;
    snprintf(out->reason, sizeof out->reason, "%s", result.reason);
    out->wall_s = wall_clock() - start;
    if (p->observer)
        p->observer(spec, index, &result, out->wall_s, p->observer_ctx);
    world_destroy(w);
    return true;
}

/* A world that could not be built (out of memory, a trace that cannot
 * be read): that policy does not run, the others still do. */
static void note_not_built(struct experiment *e, const char *label,
                           const char *why)
{
    if (e->complete)
        snprintf(e->reason, sizeof e->reason, "%s: not run: %s", label, why);
    e->complete = false;
}

static void note_incomplete(struct experiment *e, const char *label,
                            const struct rep_result *r)
{
    if (r->end == WORLD_COMPLETE)
        return;
    if (e->complete)
        snprintf(e->reason, sizeof e->reason, "%s: %s", label, r->reason);
    e->complete = false;
    if (r->end == WORLD_INTERRUPTED)
        e->interrupted = true;
}

static const char *signal_name(int sig)
{
    static const struct {
        int sig;
        const char *name;
    } NAMES[] = {
        {SIGINT, "SIGINT"},   {SIGTERM, "SIGTERM"}, {SIGHUP, "SIGHUP"},
        {SIGQUIT, "SIGQUIT"}, {SIGXCPU, "SIGXCPU"}, {SIGALRM, "SIGALRM"},
        {SIGUSR1, "SIGUSR1"}, {SIGUSR2, "SIGUSR2"},
    };
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
        if (NAMES[i].sig == sig)
            return NAMES[i].name;
    return "a signal";
}

/* "interrupted by SIGINT at t = 12.345 s of none; not run: lock, per":
 * which signal, where it stopped, and what it never reached. */
static void explain_interruption(struct experiment *e,
                                 const struct experiment_params *p)
{
    char text[sizeof e->reason];
    size_t len = 0;
    int sig = p->stop ? (int)*p->stop : 0;
    for (size_t i = 0; i < e->n; i++) {
        const struct policy_result *pr = &e->results[i];
        if (pr->n_done == 0 || pr->reps[pr->n_done - 1].end !=
                                   WORLD_INTERRUPTED)
            continue;
        const struct rep_result *r = &pr->reps[pr->n_done - 1];
        len = (size_t)snprintf(text, sizeof text, "interrupted by %s at t = "
                               "%.3f s of %s", signal_name(sig), r->ended_at,
                               pr->spec->label);
        if (e->replications > 1 && len < sizeof text)
            len += (size_t)snprintf(text + len, sizeof text - len, " rep %u",
                                    pr->n_done - 1);
    }
    if (len == 0)
        len = (size_t)snprintf(text, sizeof text, "interrupted by %s",
                               signal_name(sig));
    const char *sep = "; not run: ";
    for (size_t i = 0; i < e->n && len < sizeof text; i++) {
        const struct policy_result *pr = &e->results[i];
        if (pr->n_done > 0)
            continue;
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", sep,
                                p->scenario->policies[p->policies[i]].label);
        sep = ", ";
    }
    snprintf(e->reason, sizeof e->reason, "%s", text);
}

bool experiment_run(const struct experiment_params *p, struct experiment *out,
                    char *err, size_t n)
{
    memset(out, 0, sizeof *out);
    out->complete = true;
    out->results = calloc(p->n_policies, sizeof *out->results);
    if (!out->results) {
        snprintf(err, n, "out of memory");
        return false;
    }
    out->n = p->n_policies;
    out->replications = p->replications;
    bool built = false;
    for (size_t i = 0; i < p->n_policies && !out->interrupted; i++) {
        struct policy_result *pr = &out->results[i];
        pr->spec = &p->scenario->policies[p->policies[i]];
        pr->reps = calloc(p->replications, sizeof *pr->reps);
        if (!pr->reps) {
            snprintf(err, n, "out of memory");
            return false;
        }
        for (unsigned rep = 0; rep < p->replications && !out->interrupted;
             rep++) {
            if (!run_one(p, pr->spec, rep, &pr->reps[rep], err, n)) {
                snprintf(pr->not_built, sizeof pr->not_built, "%s", err);
                note_not_built(out, pr->spec->label, err);
                break;
            }
            pr->n_done++;
            note_incomplete(out, pr->spec->label, &pr->reps[rep]);
        }
        built |= pr->n_done > 0;
    }
    if (!built && !out->interrupted)
        return false;   /* nothing ran: err says why */
    if (out->interrupted)
        explain_interruption(out, p);
    return true;
}

void experiment_conclude(struct experiment *e)
{
    e->complete = true;
    e->interrupted = false;
    e->reason[0] = '\0';
    for (size_t i = 0; i < e->n; i++)
        for (unsigned k = 0; k < e->results[i].n_done; k++)
            note_incomplete(e, e->results[i].spec->label,
                            &e->results[i].reps[k]);
}

void experiment_free(struct experiment *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->results[i].reps);
    free(e->results);
    memset(e, 0, sizeof *e);
}
