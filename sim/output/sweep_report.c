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
