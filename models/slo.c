/*
 * slo.c — judging windows against an SLO and following a run through its
 * violations. See slo.h.
 */
#include "slo.h"

#include <math.h>

const char *const SLO_OBJECTIVE_NAMES[N_SLO_OBJECTIVES] = {
    [SLO_P99] = "p99",
    [SLO_ERROR_RATE] = "error_rate",
    [SLO_HIT_RATIO] = "hit_ratio",
    [SLO_DB_UTILIZATION] = "db_utilization",
};

void slo_verdict_none(struct slo_verdict *out)
{
    out->ok = NAN;
    for (int i = 0; i < N_SLO_OBJECTIVES; i++)
        out->objective_ok[i] = NAN;
}

/* Whether objective i holds for s (limit: its limit). */
static bool holds(enum slo_objective i, double limit,
                  const struct slo_sample *s)
{
    bool idle = s->arrivals == 0 && s->completed == 0;
    switch (i) {
    case SLO_P99:
        /* no successful reply: fast only if nobody was waiting for one */
        return s->replies > 0 ? s->p99 <= limit : idle;
    case SLO_ERROR_RATE:
        return s->completed == 0 ||
               (double)s->errors / (double)s->completed <= limit;
    case SLO_HIT_RATIO:
        return s->completed > 0
                   ? (double)s->served / (double)s->completed >= limit
                   : idle;
    case SLO_DB_UTILIZATION:
        return !(s->db_utilization > limit);
    case N_SLO_OBJECTIVES:
        break;
    }
    return true;
}

void slo_judge(const struct slo_config *c, const struct slo_sample *s,
               struct slo_verdict *out)
{
    slo_verdict_none(out);
    if (!c->set)
        return;
    bool all = true;
    for (int i = 0; i < N_SLO_OBJECTIVES; i++) {
        if (isnan(c->limit[i]))
            continue;
        bool ok = holds((enum slo_objective)i, c->limit[i], s);
        out->objective_ok[i] = ok ? 1 : 0;
        all = all && ok;
    }
    out->ok = all ? 1 : 0;
}

void slo_track_init(struct slo_track *t)
{
    *t = (struct slo_track){.first_violation = NAN,
                            .last_violation_end = NAN};
}

void slo_track_window(struct slo_track *t, double start, double span,
                      bool ok)
{
    t->last_broken = !ok;
    if (ok)
        return;
    t->violations++;
    t->out_of_slo += span;
    if (isnan(t->first_violation))
        t->first_violation = start;
    t->last_violation_end = start + span;
}

void slo_track_result(const struct slo_track *t, double reference,
                      struct slo_totals *out)
{
    out->set = true;
    out->violations = t->violations;
    out->out_of_slo = t->out_of_slo;
    out->first_violation = t->first_violation;
    out->recovered = !t->last_broken;
    if (t->violations == 0) {
        out->recovery = 0;
        return;
    }
    if (t->last_broken) {
        out->recovery = NAN;
        return;
    }
    double from = isnan(reference) ? t->first_violation : reference;
    out->recovery = fmax(0, t->last_violation_end - from);
}
