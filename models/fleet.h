/*
 * fleet.h — the application instances in front of the cache, and how
 * requests are spread over them.
 *
 * A request lands on one instance, as a load balancer sends it: uniformly
 * at random, or in proportion to each instance's weight. Each instance
 * has its own connection pool (database.h) and its own in-process state
 * (what a policy keeps per instance: in-flight loads, background
 * refreshes); the cache and the database are shared. The instance is
 * drawn at arrival, in arrival order, from a stream of its own, so every
 * policy of an experiment sees the same assignment (common random
 * numbers); with one instance nothing is drawn.
 */
#ifndef STAMPEDE_FLEET_H
#define STAMPEDE_FLEET_H

#include <gsl/gsl_rng.h>

/* The most instances a scenario may have. */
#define FLEET_MAX_INSTANCES 100000

struct fleet_config {
    long instances;          /* >= 1 */
    double *weights;         /* instances entries > 0, relative; NULL:
                                uniform. Owned by the scenario. */
};

struct fleet_picker;

/* NULL if memory runs out (or the weights cannot make a table). */
struct fleet_picker *fleet_picker_create(const struct fleet_config *c);
void fleet_picker_destroy(struct fleet_picker *p);
/* The instance of the next request: O(1) (an alias table for weights). */
long fleet_pick(struct fleet_picker *p, gsl_rng *r);

/* Bytes the picker of `c` holds. */
double fleet_picker_bytes(const struct fleet_config *c);

#endif
