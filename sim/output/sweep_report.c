/*
 * sweep_report.c — see sweep_report.h.
 */
#include "output/sweep_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output/sweep_csv.h"

static void print_constraints(FILE *out, const struct sweep_params *p)
{
    bool lower = false;
    for (size_t i = 0; i < p->n_constraints; i++)
        lower |= p->constraints[i].lower;
    fprintf(out, "Constraints, proven at the %s of the 95 %% interval%s:\n",
            lower ? "far end" : "upper end",
            lower ? " (the upper for --max, the lower for --min)" : "");
    for (size_t i = 0; i < p->n_constraints; i++) {
        const struct constraint *c = &p->constraints[i];
        char flag[128];
        constraint_flag(c, flag, sizeof flag);
        fprintf(out, "  %s %s %g   (%s)\n", c->what, c->lower ? ">=" : "<=",
                c->limit, flag);
    }
    fputc('\n', out);
}

/* "cache.ttl=10s, database.cores=4" into out; its length. */
static int point_text(const struct sweep_params *p, size_t point, char *out,
                      size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t v = 0; v < p->n_varies && len < n; v++)
        len += (size_t)snprintf(out + len, n - len, "%s%s=%s", v ? ", " : "",
                                p->varies[v].path, sweep_value(p, point, v));
    return (int)strlen(out);
}

static void print_verdict(FILE *out, const struct sweep_params *p,
                          const struct point_policy *pp)
{
    if (pp->meets) {
        fprintf(out, "meets\n");
        return;
    }
    if (pp->binding < 0) {
        fprintf(out, "incomplete (a replication stopped early)\n");
        return;
    }
    const struct constraint *c = &p->constraints[pp->binding];
    char name[96];
    constraint_name(c, name, sizeof name);
    struct judgement j;
    constraint_judge(&pp->agg, c, &j);
    const char *verdict = j.verdict == VERDICT_UNDECIDED ? "unproven"
                                                         : "fails";
    double b = c->lower ? j.lo : j.hi;
    if (pp->agg.bimodal)
        fprintf(out, "fails: %s (the replications split: some collapsed)\n",
                name);
    else if (!isfinite(b))
        fprintf(out, "%s: %s (undefined)\n", verdict, name);
    else if (j.verdict == VERDICT_UNDECIDED)
        fprintf(out, "unproven: %s (%s %.4g %s %g, %s %.4g)\n", name,
                c->lower ? "lower" : "upper", b, c->lower ? "<" : ">",
                c->limit, c->lower ? "upper" : "lower",
                c->lower ? j.hi : j.lo);
    else
        fprintf(out, "fails: %s (%s %.4g %s %g)\n", name,
                c->lower ? "upper" : "lower", c->lower ? j.hi : j.lo,
                c->lower ? "<" : ">", c->limit);
}

void sweep_report_print(FILE *out, const struct sweep_params *p,
                        const struct sweep *s)
{
    print_constraints(out, p);
    /* columns as wide as their widest cell */
    char text[512];
    int width = 5, points = 0;
    for (size_t i = 0; i < s->n_labels; i++)
        if ((int)strlen(s->labels[i]) > width)
            width = (int)strlen(s->labels[i]);
    for (size_t point = 0; point < s->n_points; point++) {
        int len = point_text(p, point, text, sizeof text);
        points = len > points ? len : points;
    }
    for (size_t point = 0; point < s->n_points; point++) {
        const struct sweep_point *pt = &s->points[point];
        point_text(p, point, text, sizeof text);
        for (size_t i = 0; pt->done && i < pt->n_policies; i++) {
            fprintf(out, "%-*s  %-*s  ", points, text, width, s->labels[i]);
            print_verdict(out, p, &pt->policies[i]);
        }
    }
}

/* ---- the table for tools ---- */

#define MAX_COLUMNS (SWEEP_CSV_MAX_METRICS + 16)

/* What the table's columns and cells point to, kept while it is
 * written. */
struct sweep_table {
    struct metric_info m[SWEEP_CSV_MAX_METRICS];
    size_t n_metrics;
    struct table_column c[MAX_COLUMNS];
    size_t n;
};

/* Whether every value of a vary is a number or a duration (then the
 * table has it in seconds, as sweep.csv does). */
static bool numeric(const struct vary *v)
{
    double x;
    for (size_t i = 0; i < v->n; i++)
        if (!number_or_duration_parse(v->values[i], &x))
            return false;
    return true;
}

/* Its columns: the varied paths, label, reps, complete, the metrics,
 * collapsed_share, and with constraints meets and binding. */
static void table_columns(const struct sweep_params *p, const struct sweep *s,
                          struct sweep_table *t)
{
    struct table_column *c = t->c;
    size_t n = 0;
    for (size_t v = 0; v < p->n_varies && v < 8; v++)
        c[n++] = (struct table_column){p->varies[v].path, p->varies[v].path,
                                       numeric(&p->varies[v]) ? COLUMN_NUMBER
                                                              : COLUMN_TEXT,
                                       1, -1};
    c[n++] = (struct table_column){"label", "label", COLUMN_TEXT, 1, 0};
    c[n++] = (struct table_column){"reps", "reps", COLUMN_NUMBER, 1, 0};
    c[n++] = (struct table_column){"complete", "complete", COLUMN_NUMBER, 1,
                                   0};
    t->n_metrics = sweep_csv_metrics(t->m, SWEEP_CSV_MAX_METRICS, s->slo);
    for (size_t k = 0; k < t->n_metrics; k++)
        c[n++] = (struct table_column){t->m[k].field, t->m[k].label,
                                       COLUMN_METRIC, 1, -1};
    c[n++] = (struct table_column){"collapsed_share", "collapsed",
                                   COLUMN_NUMBER, 1, -1};
    if (p->n_constraints > 0) {
        c[n++] = (struct table_column){"meets", "meets", COLUMN_NUMBER, 1, 0};
        c[n++] = (struct table_column){"binding", "binding", COLUMN_TEXT, 1,
                                       0};
    }
    t->n = n;
}

/* One row's cells; `binding` (96 bytes) holds its binding's text. */
static void table_row(const struct sweep_params *p, const struct sweep_table *t,
                      size_t point, const char *label,
                      const struct point_policy *pp, char *binding,
                      struct table_cell *row)
{
    size_t k = 0;
    for (size_t v = 0; v < p->n_varies && v < 8; v++) {
        double x = NAN;
        number_or_duration_parse(sweep_value(p, point, v), &x);
        row[k++] = (struct table_cell){x, NAN, sweep_value(p, point, v)};
    }
    row[k++] = (struct table_cell){NAN, NAN, label};
    row[k++] = (struct table_cell){(double)pp->agg.n, NAN, NULL};
    row[k++] = (struct table_cell){pp->complete ? 1 : 0, NAN, NULL};
    for (size_t m = 0; m < t->n_metrics; m++)
        row[k++] = (struct table_cell){summary_get(&pp->agg.mean,
                                                   t->m[m].field),
                                       summary_get(&pp->agg.ci95,
                                                   t->m[m].field), NULL};
    row[k++] = (struct table_cell){pp->agg.collapsed_share, NAN, NULL};
    if (p->n_constraints > 0) {
        sweep_csv_binding(p, pp, binding, 96);
        row[k++] = (struct table_cell){pp->meets ? 1 : 0, NAN, NULL};
        row[k++] = (struct table_cell){NAN, NAN, binding};
    }
}

void sweep_report_write_table(FILE *out, const struct sweep_params *p,
                              const struct sweep *s, enum out_format f)
{
    struct sweep_table t;
    table_columns(p, s, &t);
    size_t max_rows = s->n_points * s->n_labels + 1;
    struct table_cell *cells = calloc(max_rows * t.n, sizeof *cells);
    char *bindings = calloc(max_rows, 96);
    size_t rows = 0;
    for (size_t point = 0; cells && bindings && point < s->n_points; point++) {
        const struct sweep_point *pt = &s->points[point];
        for (size_t i = 0; i < s->n_labels; i++, rows++)
            table_row(p, &t, point, s->labels[i],
                      pt->done ? &pt->policies[i] : sweep_not_run(),
                      bindings + 96 * rows, cells + t.n * rows);
    }
    struct table table = {"sweep", t.c, t.n, cells, rows};
    if (cells && bindings)
        table_write(out, &table, f);
    free(cells);
    free(bindings);
}
