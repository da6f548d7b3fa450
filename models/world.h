/*
 * world.h — one simulated world: workload, cache, database, clients and one
 * policy, run on the kernel for one replication.
 */
#ifndef STAMPEDE_WORLD_H
#define STAMPEDE_WORLD_H

#include "cache.h"
#include "client.h"
#include "database.h"
#include "kernel/dist.h"
#include "workload.h"

/* Everything a run needs but the policy. */
struct model_config {
    double duration;     /* seconds, warmup included */
    double warmup;       /* seconds */
    double window;       /* seconds per output window */
    struct workload_config workload;
    struct cache_config cache;
    struct db_config db;         /* pool fields are the client's */
    struct dist service;         /* work per query, seconds on an idle db */
    struct client_config client;
};

#endif
