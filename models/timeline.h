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

struct world;

/* Schedules the incidents of the world's scenario (world.c calls it). */
void timeline_schedule(struct world *w);

/* The most workers any point of the run asks for (closed loop). */
long timeline_max_workers(const struct timeline *t, long initial);

#endif
