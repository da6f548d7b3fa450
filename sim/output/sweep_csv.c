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

const struct sweep_metric SWEEP_METRICS[] = {
    {"hit_ratio", "hit_ratio"},
    {"p99_ms", "latency_ms.p99"},
    {"error_rate", "error_rate"},
    {"db_peak_inflight", "db.peak_inflight"},
    {"db_queries", "db.queries"},
    {"recomputes", "recomputes.total"},
    {"overlapping", "recomputes.overlapping"},
    {"episodes", "episodes.count"},
};
const size_t N_SWEEP_METRICS = sizeof SWEEP_METRICS / sizeof SWEEP_METRICS[0];

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

static void write_header(FILE *fp, const struct sweep_params *p)
{
    for (size_t v = 0; v < p->n_varies; v++)
        fprintf(fp, "%s,", p->varies[v].path);
    fputs("label,reps,complete", fp);
    for (size_t m = 0; m < N_SWEEP_METRICS; m++)
        fprintf(fp, ",%s_mean,%s_ci95", SWEEP_METRICS[m].column,
                SWEEP_METRICS[m].column);
    fputs(",collapsed_share\n", fp);
}

static void write_row(FILE *fp, const struct sweep_params *p, size_t point,
                      const char *label, const struct point_policy *pp)
{
    for (size_t v = 0; v < p->n_varies; v++) {
        char value[256];
        sweep_csv_value(sweep_value(p, point, v), value, sizeof value);
        fprintf(fp, "%s,", value);
    }
    fprintf(fp, "%s,%zu,%d", label, pp->agg.n, pp->complete ? 1 : 0);
    for (size_t m = 0; m < N_SWEEP_METRICS; m++) {
        json_csv_cell(fp, summary_get(&pp->agg.mean, SWEEP_METRICS[m].path));
        json_csv_cell(fp, summary_get(&pp->agg.ci95, SWEEP_METRICS[m].path));
    }
    json_csv_cell(fp, pp->agg.collapsed_share);
    fputc('\n', fp);
}

bool sweep_csv_write(const char *path, const struct sweep_params *p,
                     const struct sweep *s, char *err, size_t n)
{
    struct outfile f;
    if (!outfile_open(&f, path, err, n))
        return false;
    write_header(f.fp, p);
    for (size_t point = 0; point < s->n_points; point++) {
        const struct sweep_point *pt = &s->points[point];
        for (size_t i = 0; pt->done && i < pt->n_policies; i++)
            write_row(f.fp, p, point, s->labels[i], &pt->policies[i]);
    }
    return outfile_commit(&f, err, n);
}
