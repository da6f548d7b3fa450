/*
 * slo.h — a service level objective: what a window must meet, whether it
 * did, and what a run's windows add up to (time out of the objective, the
 * first violation, the recovery).
 *
 * An SLO is judged over SLO windows: `window` seconds, a whole number of
 * output windows, aligned to t = 0, so that every output window belongs
 * to exactly one. A window meets the SLO when it meets every objective
 * set:
 *   p99             the p99 of its successful replies is at most this; a
 *                   window in which requests arrived or completed but none
 *                   succeeded has no p99 and breaks it (an all-error
 *                   window is not a fast one);
 *   error_rate      errors / completed is at most this (0 when nothing
 *                   completed);
 *   hit_ratio       (hit + stale) / completed is at least this; a window
 *                   in which requests arrived but none completed breaks it;
 *   db_utilization  the database's time-average utilisation is at most
 *                   this.
 * A window in which nothing arrived and nothing completed holds: there
 * was nobody to serve.
 */
#ifndef STAMPEDE_SLO_H
#define STAMPEDE_SLO_H

#include <stdbool.h>
#include <stdint.h>

enum slo_objective {
    SLO_P99,
    SLO_ERROR_RATE,
    SLO_HIT_RATIO,
    SLO_DB_UTILIZATION,
    N_SLO_OBJECTIVES,
};

/* The scenario's field names of the objectives, in enum order. */
extern const char *const SLO_OBJECTIVE_NAMES[N_SLO_OBJECTIVES];

/* The most output windows an SLO window may span: the rows of an SLO
 * window are held until it closes, each with its tally (two ~52 KiB
 * histograms). */
#define SLO_MAX_WINDOWS 100

struct slo_config {
    bool set;                          /* the scenario has an slo */
    double limit[N_SLO_OBJECTIVES];    /* NAN: that objective is not set;
                                          p99 in seconds, the others ratios */
    double window;                     /* seconds (a multiple of the
                                          scenario's window) */
};

/* What an SLO window measured: its pooled counts and figures. */
struct slo_sample {
    uint64_t arrivals, completed, errors, served;   /* served: hit + stale */
    uint64_t replies;          /* successful replies (those with a latency) */
    double p99;                /* seconds; NaN without a successful reply */
    double db_utilization;
};

/* A window's verdict: 1 held, 0 broken, NaN not judged (no slo, an
 * objective not set, a window not measured). */
struct slo_verdict {
    double ok;
    double objective_ok[N_SLO_OBJECTIVES];
};

/* The verdict of c on a window that measured s (c->set). */
void slo_judge(const struct slo_config *c, const struct slo_sample *s,
               struct slo_verdict *out);
/* The verdict of a window not judged: every field NaN. */
void slo_verdict_none(struct slo_verdict *out);

/* A run's measured windows, in time order, as the SLO saw them. */
struct slo_track {
    uint64_t violations;       /* windows that broke the SLO */
    double out_of_slo;         /* their seconds */
    double first_violation;    /* start of the first; NaN: none */
    double last_violation_end; /* end of the last; NaN: none */
    bool last_broken;          /* the latest window broke it */
};

void slo_track_init(struct slo_track *t);
void slo_track_window(struct slo_track *t, double start, double span,
                      bool ok);

/* What summary.json says of a run's SLO. */
struct slo_totals {
    bool set;                  /* the run had an slo */
    uint64_t violations;
    double out_of_slo;         /* seconds */
    double first_violation;    /* seconds; NaN: no violation */
    double recovery;           /* seconds; NaN: not recovered */
    bool recovered;
};

/* The run's SLO totals. Recovery is measured from `reference` (the time
 * of the last incident of the timeline; NaN without one: from the first
 * violation) to the end of the last window that broke the SLO, which is
 * the start of the first window after which every window holds; 0 when
 * that is no later than the reference, or when nothing broke. A run whose
 * last measured window broke the SLO has not recovered. */
void slo_track_result(const struct slo_track *t, double reference,
                      struct slo_totals *out);

#endif
