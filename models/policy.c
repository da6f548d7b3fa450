/*
 * policy.c — helpers shared by every policy and its callers.
 */
#include "policy.h"

#include <math.h>

const char *const OUTCOME_NAMES[N_OUTCOMES] = {
    "hit", "stale", "waited", "computed", "error",
};
const char *const ERROR_CAUSE_NAMES[N_ERROR_CAUSES] = {
    "timeout", "pool_timeout", "too_many_connections", "lock_give_up",
    "holder_crash",
};
const char *const RECOMPUTE_CAUSE_NAMES[N_RECOMPUTE_CAUSES] = {
    "miss", "early", "lock",
};

void policy_metrics_add(const struct policy_metric *metrics, size_t n,
                        double *into, const double *from)
{
    for (size_t i = 0; i < n; i++) {
        if (metrics[i].fold == FOLD_SUM)
            into[i] += from[i];
        else if (metrics[i].fold == FOLD_MAX && from[i] > into[i])
            into[i] = from[i];
    }
}

void policy_metrics_finish(const struct policy_ops *ops, double *acc)
{
    for (size_t i = 0; i < ops->n_metrics; i++) {
        const struct policy_metric *m = &ops->metrics[i];
        if (m->fold != FOLD_RATIO)
            continue;
        double den = acc[m->den];
        /* nothing to divide by: undefined (null in the outputs), not 0,
         * so that "no cycle seen" never reads as "no cycle missed" */
        acc[i] = den > 0 ? acc[m->num] / den : NAN;
    }
}

enum error_cause recompute_error(enum recompute_result result)
{
    switch (result) {
    case RECOMPUTE_POOL_TIMEOUT: return ERR_POOL_TIMEOUT;
    case RECOMPUTE_REFUSED: return ERR_TOO_MANY_CONNECTIONS;
    case RECOMPUTE_TIMEOUT:
    case RECOMPUTE_OK: break;
    }
    return ERR_TIMEOUT;
}
