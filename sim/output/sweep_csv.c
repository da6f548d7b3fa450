/*
 * sweep_csv.c — see sweep_csv.h.
 */
#include "output/sweep_csv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/json_out.h"
#include "kernel/config.h"
#include "output/outfile.h"

/* The layout of sweep.csv: these fields of the metric registry, each as
 * its sweep stem with _mean and _ci95 (the SLO's only with an slo). */
static const char *const FIELDS[] = {
    "hit_ratio", "latency_ms.p99", "error_rate", "db.peak_inflight",
    "db.queries", "recomputes.total", "recomputes.overlapping",
    "episodes.count",
    "worst_window.p99_ms", "worst_window.error_rate",
    "worst_window.hit_ratio", "worst_window.db_utilization",
    "slo.out_of_slo_s", "slo.recovery_s", "slo.recovered",
};

#define N_FIELDS (sizeof FIELDS / sizeof FIELDS[0])

size_t sweep_csv_metrics(struct metric_info *out, size_t max, bool slo)
{
    size_t n = 0;
    for (size_t i = 0; i < N_FIELDS && n < max; i++)
        if (metric_find(FIELDS[i], &out[n]) && (slo || !out[n].slo))
            n++;
    return n;
}

void sweep_csv_value(const char *text, char *out, size_t n)
{
    double v;
    if (!number_or_duration_parse(text, &v)) {
        /* text: quoted, with quotes doubled, if it needs it */
        if (!strpbrk(text, ",\"\n")) {
            snprintf(out, n, "%s", text);
            return;
        }
        size_t k = 0;
        out[k++] = '"';
        for (const char *c = text; *c && k + 3 < n; c++) {
            if (*c == '"')
                out[k++] = '"';
            out[k++] = *c;
        }
        out[k++] = '"';
        out[k] = '\0';
        return;
    }
    json_format_number(v, out, n);
}

static void write_header(FILE *fp, const struct sweep_params *p,
                         const struct metric_info *m, size_t n)
{
    for (size_t v = 0; v < p->n_varies; v++)
        fprintf(fp, "%s,", p->varies[v].path);
    fputs("label,reps,complete", fp);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, ",%s_mean,%s_ci95", m[i].sweep, m[i].sweep);
    fputs(",collapsed_share", fp);
    if (p->n_constraints > 0)
        fputs(",meets,binding", fp);
    fputc('\n', fp);
}

void sweep_csv_binding(const struct sweep_params *p,
                       const struct point_policy *pp, char *out, size_t n)
{
    if (pp->binding >= 0)
        constraint_name(&p->constraints[pp->binding], out, n);
    else
        snprintf(out, n, "%s", pp->complete     ? ""
                               : pp->agg.n == 0 ? "not run"
                                                : "incomplete");
}

static void write_values(FILE *fp, const struct sweep_params *p, size_t point)
{
    for (size_t v = 0; v < p->n_varies; v++) {
        char value[256];
        sweep_csv_value(sweep_value(p, point, v), value, sizeof value);
        fprintf(fp, "%s,", value);
    }
}

static void write_row(FILE *fp, const struct sweep_params *p, size_t point,
                      const char *label, const struct point_policy *pp,
                      const struct metric_info *m, size_t n)
{
    write_values(fp, p, point);
    fprintf(fp, "%s,%zu,%d", label, pp->agg.n, pp->complete ? 1 : 0);
    for (size_t i = 0; i < n; i++) {
        json_csv_cell(fp, summary_get(&pp->agg.mean, m[i].field));
        json_csv_cell(fp, summary_get(&pp->agg.ci95, m[i].field));
    }
    json_csv_cell(fp, pp->agg.collapsed_share);
    if (p->n_constraints > 0) {
        /* a binding's name holds no comma or quote: a plain cell */
        char binding[96];
        sweep_csv_binding(p, pp, binding, sizeof binding);
        fprintf(fp, ",%d,%s", pp->meets ? 1 : 0, binding);
    }
    fputc('\n', fp);
}

bool sweep_csv_write(const char *path, const struct sweep_params *p,
                     const struct sweep *s, char *err, size_t n)
{
    struct outfile f;
    if (!outfile_open(&f, path, err, n))
        return false;
    struct metric_info m[SWEEP_CSV_MAX_METRICS];
    size_t n_metrics = sweep_csv_metrics(m, SWEEP_CSV_MAX_METRICS, s->slo);
    write_header(f.fp, p, m, n_metrics);
    for (size_t point = 0; point < s->n_points; point++) {
        const struct sweep_point *pt = &s->points[point];
        for (size_t i = 0; pt->done && i < pt->n_policies; i++)
            write_row(f.fp, p, point, s->labels[i], &pt->policies[i], m,
                      n_metrics);
        for (size_t i = 0; !pt->done && i < s->n_labels; i++)
            write_row(f.fp, p, point, s->labels[i], sweep_not_run(), m,
                      n_metrics);
    }
    return outfile_commit(&f, err, n);
}
