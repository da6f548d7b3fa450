/*
 * sweep_report.c — see sweep_report.h.
 */
#include "output/sweep_report.h"

#include <math.h>
#include <string.h>

static void print_constraints(FILE *out, const struct sweep_params *p)
{
    bool lower = false;
    for (size_t i = 0; i < p->n_constraints; i++)
        lower |= p->constraints[i].lower;
    fprintf(out, "Constraints, at the %s of the 95 %% interval:\n",
            lower ? "far end (upper for --max, lower for --min)"
                  : "upper end");
    for (size_t i = 0; i < p->n_constraints; i++) {
        const struct constraint *c = &p->constraints[i];
        char flag[128];
        constraint_flag(c, flag, sizeof flag);
        fprintf(out, "  %s %s %g   (%s)\n", c->what, c->lower ? ">=" : "<=",
                c->limit, flag);
    }
    fputc('\n', out);
}

/* "cache.ttl=10s, database.cores=4" */
static void print_point(FILE *out, const struct sweep_params *p, size_t point)
{
    for (size_t v = 0; v < p->n_varies; v++)
        fprintf(out, "%s%s=%s", v ? ", " : "", p->varies[v].path,
                sweep_value(p, point, v));
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
    double b = constraint_bound(&pp->agg, c);
    if (pp->agg.bimodal)
        fprintf(out, "fails: %s (the replications split: some collapsed)\n",
                name);
    else if (!isfinite(b))
        fprintf(out, "fails: %s (undefined)\n", name);
    else
        fprintf(out, "fails: %s (%s %.4g %s %g)\n", name,
                c->lower ? "lower" : "upper", b, c->lower ? "<" : ">",
                c->limit);
}

void sweep_report_print(FILE *out, const struct sweep_params *p,
                        const struct sweep *s)
{
    print_constraints(out, p);
    size_t width = 5;
    for (size_t i = 0; i < s->n_labels; i++)
        if (strlen(s->labels[i]) > width)
            width = strlen(s->labels[i]);
    for (size_t point = 0; point < s->n_points; point++) {
        const struct sweep_point *pt = &s->points[point];
        for (size_t i = 0; pt->done && i < pt->n_policies; i++) {
            print_point(out, p, point);
            fprintf(out, "  %-*s  ", (int)width, s->labels[i]);
            print_verdict(out, p, &pt->policies[i]);
        }
    }
}
