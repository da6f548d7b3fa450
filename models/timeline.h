/*
 * timeline.h — incidents at set times: what triggers a stampede besides
 * TTLs. A cache flush (a restart: every key dropped), a database capacity
 * change (cores or USL, at once for the queries in execution; a service
 * time multiplier for queries submitted from then on), and a traffic
 * change (a new rate, a rate multiplier, or a new number of workers).
 */
#ifndef STAMPEDE_TIMELINE_H
#define STAMPEDE_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "database.h"
#include "kernel/sim.h"

enum incident_kind {
    INCIDENT_CACHE_FLUSH,
    INCIDENT_DATABASE,
    INCIDENT_TRAFFIC,
};

struct incident {
    double at;                    /* seconds */
    enum incident_kind kind;
    char *label;                  /* shown on the plots */
    /* database */
    bool set_capacity;
    struct db_capacity capacity;
    double service_multiplier;    /* NAN: unchanged */
    /* traffic: exactly one of these is set */
    double rate;                  /* requests/s from now on; NAN: unset */
    double rate_multiplier;       /* of the scenario's rate; NAN: unset */
    long workers;                 /* closed loop; -1: unset */
};

/* The most incidents a scenario may hold. */
#define TIMELINE_MAX_INCIDENTS 256

/* Incidents in time order (equal times: in the order given). */
struct timeline {
    struct incident *events;
    size_t n;
};

/* What incidents act on: functions of the world, in a table, called with
 * the context the world gives with it. The timeline knows nothing else of
 * the world. */
struct timeline_ops {
    void (*flush_cache)(void *ctx);                    /* every key dropped */
    void (*set_capacity)(void *ctx, struct db_capacity capacity);
    void (*set_service_multiplier)(void *ctx, double multiplier);
    void (*set_rate)(void *ctx, double rate);          /* requests/s */
    void (*scale_rate)(void *ctx, double factor);      /* of the scenario's */
    void (*set_workers)(void *ctx, long n);            /* closed loop */
};

/* The incidents of one run as scheduled: each event's payload. Owned by
 * the world, as long as its run. */
struct timeline_run {
    const struct timeline_ops *ops;
    void *ctx;
    struct timeline_event {
        const struct timeline_run *run;
        const struct incident *incident;
    } events[TIMELINE_MAX_INCIDENTS];
};

/* Schedules the incidents of t on sim; each is applied at its time
 * through ops (world.c calls it). */
void timeline_schedule(struct timeline_run *run, struct sim *sim,
                       const struct timeline *t,
                       const struct timeline_ops *ops, void *ctx);

/* The most workers any point of the run asks for (closed loop). */
long timeline_max_workers(const struct timeline *t, long initial);

/* The time of the last incident before `end` (those at or after it never
 * happen); NaN if there is none. */
double timeline_last_at(const struct timeline *t, double end);

#endif
