/*
 * calibrate_compare.c — see calibrate_compare.h.
 */
#include "experiment/calibrate_compare.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/strutil.h"

bool calibrate_sets_make(const struct calibrate_params *p,
                         const calibration_sets extra, size_t n_extra,
                         struct calibrate_sets *out)
{
    memset(out, 0, sizeof *out);
    out->sets = calloc(p->n_sets + n_extra + 1, sizeof *out->sets);
    out->own = calloc(n_extra + 1, sizeof *out->own);
    if (!out->sets || !out->own) {
        calibrate_sets_free(out);
        return false;
    }
    for (size_t i = 0; i < p->n_sets; i++)
        out->sets[out->n++] = p->sets[i];
    for (size_t i = 0; i < n_extra; i++) {
        char *set = str_printf("policies[%s].%s", p->label, extra[i]);
        if (!set) {
            calibrate_sets_free(out);
            return false;
        }
        out->own[out->n_own++] = set;
        out->sets[out->n++] = set;
    }
    return true;
}

void calibrate_sets_free(struct calibrate_sets *s)
{
    for (size_t i = 0; i < s->n_own; i++)
        free(s->own[i]);
    free(s->own);
    free(s->sets);
    memset(s, 0, sizeof *s);
}

/* Whether a value's runs show it: `when` per TTL period, their mean. */
static bool shows(const struct calibrate_point *pt,
                  const struct calibration_compare *cmp, double ttl,
                  double measured)
{
    double periods = measured / ttl;
    return pt->reps > 0 && periods > 0 &&
           summary_get(&pt->agg.mean, cmp->when) / periods > cmp->per_ttl;
}

size_t calibrate_compare_count(const struct calibration *c,
                               const struct calibration_compare *cmp,
                               double ttl, double measured)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += shows(&c->points[i], cmp, ttl, measured);
    return n;
}

bool calibrate_compare_due(const struct calibration *c,
                           const struct calibration_compare *cmp, double ttl,
                           double measured)
{
    if (!cmp || c->stopped)
        return false;
    if (c->recommended >= 0)
        return shows(&c->points[c->recommended], cmp, ttl, measured);
    return calibrate_compare_count(c, cmp, ttl, measured) > 0;
}
