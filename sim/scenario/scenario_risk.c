/*
 * scenario_risk.c — the load a policy's knobs meet, estimated from the
 * scenario without running it, and the risk figures `check` prints and
 * warns about (policy.h: struct policy_risk).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/strutil.h"
#include "scenario/scenario.h"

/* The chain is cut here when the database has no connection limit: far
 * beyond any queue a stable load builds. */
#define CHAIN_MAX 100000
/* Mass left beyond the cut that still counts as a stable chain. */
#define CHAIN_TAIL 1e-9

/* The mean number of queries at the database when `load` work-seconds
 * per second arrive (Poisson) and n of them are served together at W(n):
 * the birth-death chain p(n) ~ load^n / (W(1) ... W(n)), whose mean does
 * not depend on the work's distribution for processor sharing (a
 * symmetric queue) and is M/M/c's for fcfs. INFINITY when the chain does
 * not settle within `limit` queries (the load reaches the capacity).
 * O(the queue's length). */
static double mean_in_system(const struct db_capacity *c, double load,
                             long limit)
{
    double term = 1, sum = 1, mean = 0;
    long n = 1;
    for (; n <= limit; n++) {
        term *= load / db_capacity_at(c, n);
        sum += term;
        mean += (double)n * term;
        if (term < CHAIN_TAIL * sum && (double)n > load)
            break;
    }
    if (n > limit || !isfinite(sum))
        return INFINITY;
    return mean / sum;
}

double scenario_recompute_p99(const struct scenario *s)
{
    const struct model_config *m = &s->model;
    const struct db_config *db = &m->db;
    double load = db->background_rate * db->background_service.mean;
    double p99 = dist_quantile(&m->service, 0.99);
    if (load > 0) {
        long limit = db->max_connections > 0 ? db->max_connections
                                             : CHAIN_MAX;
        double n = mean_in_system(&db->capacity, load, limit);
        /* ps: a query is slowed in proportion (M/G/1-PS: x / (1 - rho));
         * fcfs: it waits, then runs at full speed */
        p99 = db->discipline == DB_PS
                  ? p99 * (n / load)
                  : p99 + (n / db->background_rate -
                           db->background_service.mean);
    }
    /* a recompute slower than the timeout writes nothing, and stores no
     * delta */
    return fmin(p99, m->client.timeout);
}

bool scenario_policy_risk(const struct scenario *s, size_t i,
                          struct policy_risk *out)
{
    const struct model_config *m = &s->model;
    if (m->workload.process == ARRIVALS_CLOSED)
        return false;
    struct policy_load load = {
        .rate = workload_peak_rate(&m->workload) *
                workload_hottest_share(&m->workload),
        .recompute_p99 = scenario_recompute_p99(s),
        .ttl = m->cache.ttl,
    };
    const struct policy_spec *p = &s->policies[i];
    return policy_knob_risk(p->ops, p->knobs, &load, out);
}

void scenario_risk_warnings(const struct scenario *s,
                            struct scenario_errors *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < s->n_policies; i++) {
        struct policy_risk r;
        if (!scenario_policy_risk(s, i, &r) || !(r.value > r.limit))
            continue;
        char path[CFG_PATH_MAX], where[CFG_PATH_MAX + 64];
        cfg_path_index(path, "policies", i);
        scenario_origin(s, path, where, sizeof where);
        char *line = str_printf("%s: %s: %s: %s: %s", where, path,
                                s->policies[i].label, r.says, r.fix);
        char **lines = line ? realloc(out->lines,
                                      (out->n + 1) * sizeof *lines)
                            : NULL;
        if (!lines) {
            free(line);
            continue;
        }
        out->lines = lines;
        out->lines[out->n++] = line;
    }
}
