/*
 * scenario_slo.c — the "slo" of a scenario, read strictly like every
 * other field:
 *
 *   "slo": {"p99": "250ms", "error_rate": 0.001,
 *           "hit_ratio": 0.9, "db_utilization": 0.8, "window": "5s"}
 *
 * At least one objective; "window" (default: the scenario's window) must
 * be a whole number of the scenario's windows, at most SLO_MAX_WINDOWS.
 */
#include "scenario/scenario_slo.h"

#include <math.h>

static const char *const KEYS[] = {"p99", "error_rate", "hit_ratio",
                                   "db_utilization", "window", NULL};

/* The ratios' ranges: an error or hit ratio may be 0 or 1; a utilisation
 * of 0 can never be met (the database does some work). */
#define UTILIZATION ((struct cfg_range){0, 1, true, false})

static void read_objectives(const struct cfg_obj *o, struct slo_config *c)
{
    double *lim = c->limit;
    cfg_duration(o, SLO_OBJECTIVE_NAMES[SLO_P99], &lim[SLO_P99], NAN,
                 CFG_POSITIVE);
    cfg_number(o, SLO_OBJECTIVE_NAMES[SLO_ERROR_RATE], &lim[SLO_ERROR_RATE],
               NAN, CFG_FRACTION);
    cfg_number(o, SLO_OBJECTIVE_NAMES[SLO_HIT_RATIO], &lim[SLO_HIT_RATIO],
               NAN, CFG_FRACTION);
    cfg_number(o, SLO_OBJECTIVE_NAMES[SLO_DB_UTILIZATION],
               &lim[SLO_DB_UTILIZATION], NAN, UTILIZATION);
    bool any = false;
    for (int i = 0; i < N_SLO_OBJECTIVES; i++)
        any = any || cfg_has(o, SLO_OBJECTIVE_NAMES[i]);
    if (!any)
        cfg_error(o->cfg, o->path, "an slo needs at least one objective: "
                  "p99, error_rate, hit_ratio or db_utilization");
}

/* A whole number of output windows, from one to SLO_MAX_WINDOWS. */
static void read_window(const struct cfg_obj *o, double window,
                        struct slo_config *c)
{
    if (!cfg_duration(o, "window", &c->window, window, CFG_POSITIVE)) {
        c->window = window;
        return;
    }
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, "window");
    double k = round(c->window / window);
    if (k < 1 || fabs(k * window - c->window) > 1e-9 * c->window)
        cfg_error(o->cfg, path, "an SLO window is a whole number of the "
                  "scenario's windows (%gs), got %gs", window, c->window);
    else if (k > SLO_MAX_WINDOWS)
        cfg_error(o->cfg, path, "an SLO window spans at most %d of the "
                  "scenario's windows (%gs), got %.0f (make the window "
                  "longer)", SLO_MAX_WINDOWS, window, k);
    c->window = k >= 1 ? k * window : window;
}

void scenario_slo_parse(const struct cfg_obj *top, struct scenario *s)
{
    struct slo_config *c = &s->model.slo;
    *c = (struct slo_config){.set = false};
    for (int i = 0; i < N_SLO_OBJECTIVES; i++)
        c->limit[i] = NAN;
    c->window = s->model.window;
    struct cfg_obj o;
    if (!cfg_has(top, "slo") || !cfg_open_member(top, "slo", &o) || !o.node)
        return;
    cfg_check_keys(&o, KEYS);
    c->set = true;
    read_objectives(&o, c);
    read_window(&o, s->model.window, c);
}
