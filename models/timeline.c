/*
 * timeline.c — incidents applied to a world at their time. See
 * timeline.h.
 */
#include "timeline.h"

#include <math.h>

#include "world_internal.h"

long timeline_max_workers(const struct timeline *t, long initial)
{
    long most = initial;
    for (size_t i = 0; i < t->n; i++)
        if (t->events[i].kind == INCIDENT_TRAFFIC && t->events[i].workers > most)
            most = t->events[i].workers;
    return most;
}

static void apply_database(struct world *w, const struct incident *in)
{
    /* the loader checked both against the discipline, so neither fails */
    if (in->set_capacity)
        db_set_capacity(w->db, in->capacity);
    if (!isnan(in->service_multiplier))
        db_set_service_multiplier(w->db, in->service_multiplier);
}

static void apply_traffic(struct world *w, const struct incident *in)
{
    if (in->workers >= 0) {
        world_set_workers(w, in->workers);
        return;
    }
    if (!isnan(in->rate))
        world_set_rate(w, in->rate);
    else
        world_scale_rate(w, in->rate_multiplier);
}

static void on_incident(struct sim *sim, void *payload)
{
    struct incident_event *e = payload;
    (void)sim;
    switch (e->incident->kind) {
    case INCIDENT_CACHE_FLUSH: cache_flush(e->w->cache); break;
    case INCIDENT_DATABASE: apply_database(e->w, e->incident); break;
    case INCIDENT_TRAFFIC: apply_traffic(e->w, e->incident); break;
    }
}

void timeline_schedule(struct world *w)
{
    const struct timeline *t = &w->m->timeline;
    for (size_t i = 0; i < t->n && i < TIMELINE_MAX_INCIDENTS; i++) {
        w->incidents[i] = (struct incident_event){w, &t->events[i]};
        sim_schedule(w->sim, t->events[i].at, on_incident, &w->incidents[i]);
    }
}
