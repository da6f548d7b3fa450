/*
 * fleet.c — see fleet.h.
 */
#include "fleet.h"

#include <gsl/gsl_randist.h>
#include <stdlib.h>

struct fleet_picker {
    long instances;
    gsl_ran_discrete_t *weighted;   /* NULL: uniform */
};

struct fleet_picker *fleet_picker_create(const struct fleet_config *c)
{
    struct fleet_picker *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->instances = c->instances;
    if (!c->weights)
        return p;
    p->weighted = gsl_ran_discrete_preproc((size_t)c->instances, c->weights);
    if (!p->weighted) {
        free(p);
        return NULL;
    }
    return p;
}

void fleet_picker_destroy(struct fleet_picker *p)
{
    if (!p)
        return;
    if (p->weighted)
        gsl_ran_discrete_free(p->weighted);
    free(p);
}

long fleet_pick(struct fleet_picker *p, gsl_rng *r)
{
    if (p->weighted)
        return (long)gsl_ran_discrete(r, p->weighted);
    return (long)gsl_rng_uniform_int(r, (unsigned long)p->instances);
}

double fleet_picker_bytes(const struct fleet_config *c)
{
    /* gsl_ran_discrete_t: A (size_t) and F (double) per instance */
    return sizeof(struct fleet_picker) +
           (c->weights ? (double)c->instances *
                             (sizeof(size_t) + sizeof(double))
                       : 0);
}
