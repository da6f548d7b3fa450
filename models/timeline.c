/*
 * timeline.c — incidents applied to a world at their time. See
 * timeline.h.
 */
#include "timeline.h"

#include <math.h>

long timeline_max_workers(const struct timeline *t, long initial)
{
    long most = initial;
    for (size_t i = 0; i < t->n; i++)
        if (t->events[i].kind == INCIDENT_TRAFFIC && t->events[i].workers > most)
            most = t->events[i].workers;
    return most;
}

double timeline_last_at(const struct timeline *t, double end)
{
    double last = NAN;
    for (size_t i = 0; i < t->n; i++)   /* in time order */
        if (t->events[i].at < end)
            last = t->events[i].at;
    return last;
}

static void apply_database(const struct timeline_run *run,
                           const struct incident *in)
{
    /* the loader checked both against the discipline, so neither fails */
    if (in->set_capacity)
        run->ops->set_capacity(run->ctx, in->capacity);
    if (!isnan(in->service_multiplier))
        run->ops->set_service_multiplier(run->ctx, in->service_multiplier);
}

static void apply_traffic(const struct timeline_run *run,
                          const struct incident *in)
{
    if (in->workers >= 0) {
        run->ops->set_workers(run->ctx, in->workers);
        return;
    }
    if (!isnan(in->rate))
        run->ops->set_rate(run->ctx, in->rate);
    else
        run->ops->scale_rate(run->ctx, in->rate_multiplier);
}

static void on_incident(struct sim *sim, void *payload)
{
    const struct timeline_event *e = payload;
    const struct timeline_run *run = e->run;
    (void)sim;
    switch (e->incident->kind) {
    case INCIDENT_CACHE_FLUSH: run->ops->flush_cache(run->ctx); break;
    case INCIDENT_DATABASE: apply_database(run, e->incident); break;
    case INCIDENT_TRAFFIC: apply_traffic(run, e->incident); break;
    }
}

void timeline_schedule(struct timeline_run *run, struct sim *sim,
                       const struct timeline *t,
                       const struct timeline_ops *ops, void *ctx)
{
    run->ops = ops;
    run->ctx = ctx;
    for (size_t i = 0; i < t->n && i < TIMELINE_MAX_INCIDENTS; i++) {
        run->events[i] = (struct timeline_event){run, &t->events[i]};
        sim_schedule(sim, t->events[i].at, on_incident, &run->events[i]);
    }
}
