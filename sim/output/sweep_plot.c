/*
 * sweep_plot.c — see sweep_plot.h.
 */
#include "output/sweep_plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/config.h"
#include "kernel/strutil.h"
#include "output/json_out.h"
#include "output/outfile.h"
#include "output/plot.h"
#include "output/sweep_csv.h"

int sweep_plot_column(size_t k)
{
    return 2 + 3 * (int)k;
}

/* The varied value of a point as a number (the caller checked that each
 * is one: plottable). */
static double x_of(const struct sweep_params *p, size_t point)
{
    double x = NAN;
    number_or_duration_parse(sweep_value(p, point, 0), &x);
    return x;
}

/* The points done, by increasing value of vary 0 (insertion sort: a
 * sweep has few points per vary). Returns how many. */
static size_t points_in_order(const struct sweep_params *p,
                              const struct sweep *s, size_t *order)
{
    size_t n = 0;
    for (size_t point = 0; point < s->n_points; point++) {
        if (!s->points[point].done)
            continue;
        size_t k = n++;
        while (k > 0 && x_of(p, order[k - 1]) > x_of(p, point)) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = point;
    }
    return n;
}

/* The largest value a metric can take: 1 for a ratio or a yes/no share,
 * else none. */
static double upper_bound(const struct metric_info *m)
{
    return strcmp(m->unit, "ratio") == 0 || m->boolean ? 1 : INFINITY;
}

static void cell(FILE *out, double v)
{
    char text[64];
    if (isfinite(v))
        json_format_number(v, text, sizeof text);
    else
        snprintf(text, sizeof text, "NaN");
    fprintf(out, " %s", text);
}

/* The mean, and the band clipped at the metric's bounds: every metric of
 * a sweep is >= 0. Without a half-width (one replication, or replications
 * that split), the band is the mean alone. */
static void metric_cells(FILE *out, const struct point_policy *pp,
                         const struct metric_info *m)
{
    double mean = summary_get(&pp->agg.mean, m->field);
    double hw = summary_get(&pp->agg.ci95, m->field);
    if (!isfinite(hw))
        hw = 0;
    cell(out, mean);
    cell(out, isfinite(mean) ? fmax(0, mean - hw) : NAN);
    cell(out, isfinite(mean) ? fmin(upper_bound(m), mean + hw) : NAN);
}

void sweep_plot_data(FILE *out, const struct sweep_params *p,
                     const struct sweep *s)
{
    struct metric_info m[SWEEP_CSV_MAX_METRICS];
    size_t n_metrics = sweep_csv_metrics(m, SWEEP_CSV_MAX_METRICS, s->slo);
    size_t *order = calloc(s->n_points ? s->n_points : 1, sizeof *order);
    if (!order)
        return;
    size_t n = points_in_order(p, s, order);
    fprintf(out, "# %s", p->varies[0].path);
    for (size_t k = 0; k < n_metrics; k++)
        fprintf(out, " %s_mean %s_low %s_high", m[k].sweep, m[k].sweep,
                m[k].sweep);
    fputc('\n', out);
    for (size_t l = 0; l < s->n_labels; l++) {
        fprintf(out, "%s# label %s\n", l ? "\n\n" : "", s->labels[l]);
        for (size_t i = 0; i < n; i++) {
            const struct sweep_point *pt = &s->points[order[i]];
            cell(out, x_of(p, order[i]));
            for (size_t k = 0; k < n_metrics; k++)
                metric_cells(out, &pt->policies[l], &m[k]);
            fputc('\n', out);
        }
    }
    free(order);
}

bool sweep_plot_log_y(const struct sweep *s, const struct metric_info *m,
                      enum axis_scale scale)
{
    if (scale != AXIS_AUTO)
        return scale == AXIS_LOG;
    double lo = INFINITY, hi = 0;
    for (size_t point = 0; point < s->n_points; point++)
        for (size_t l = 0; s->points[point].done && l < s->n_labels; l++) {
            double v = summary_get(&s->points[point].policies[l].agg.mean,
                                   m->field);
            if (isnan(v))
                continue;
            if (!(v > 0))
                return false;   /* a 0 has no place on a log axis */
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
    return hi > 0 && hi >= 30 * lo;
}

bool sweep_plot_log_x(const struct sweep_params *p, enum axis_scale scale)
{
    const struct vary *v = &p->varies[0];
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < v->n; i++) {
        double x = NAN;
        number_or_duration_parse(v->values[i], &x);
        if (!(x > 0))
            return false;
        lo = fmin(lo, x);
        hi = fmax(hi, x);
    }
    if (scale != AXIS_AUTO)
        return scale == AXIS_LOG;
    return v->log || (!v->range && hi >= 30 * lo);
}

/* The x axis' label: the varied path, "(s)" after it when its values are
 * durations. */
static void x_label(const struct sweep_params *p, char *out, size_t n)
{
    snprintf(out, n, "%s%s", p->varies[0].path,
             p->varies[0].durations ? " (s)" : "");
}

/* Space-separated labels, for the script. */
static char *labels_text(const struct sweep *s)
{
    size_t len = 1;
    for (size_t l = 0; l < s->n_labels; l++)
        len += strlen(s->labels[l]) + 1;
    char *text = calloc(len, 1);
    for (size_t l = 0; text && l < s->n_labels; l++) {
        if (l)
            strcat(text, " ");
        strcat(text, s->labels[l]);
    }
    return text;
}

static enum plot_status write_data(const struct sweep_plot_request *r,
                                   const char *path, struct plot_error *err)
{
    struct outfile f;
    if (!outfile_open(&f, path, err->message, sizeof err->message))
        return PLOT_WRITE_FAILED;
    sweep_plot_data(f.fp, r->params, r->sweep);
    if (!outfile_commit(&f, err->message, sizeof err->message))
        return PLOT_WRITE_FAILED;
    return PLOT_OK;
}

/* " (3 of 16 points incomplete)" when replications stopped early at
 * some points (or "" when none did), for the titles: a figure says what
 * its file says. */
static void incomplete_note(const struct sweep *s, char *out, size_t n)
{
    size_t bad = 0, all = 0;
    for (size_t point = 0; point < s->n_points; point++) {
        const struct sweep_point *pt = &s->points[point];
        bool whole = pt->done;
        for (size_t l = 0; pt->done && l < pt->n_policies; l++)
            whole &= pt->policies[l].complete;
        bad += !whole;
        all++;
    }
    if (bad == 0)
        out[0] = '\0';
    else
        snprintf(out, n, " (%zu of %zu points incomplete)", bad, all);
}

/* One figure: plots/sweep.gp's arguments are DATA PNG XLABEL COLUMN
 * YLABEL LABELS AXES TITLE SIZE. */
static enum plot_status render_metric(const struct sweep_plot_request *r,
                                      const char *data,
                                      const struct metric_info *m, size_t k,
                                      const char *labels,
                                      struct plot_error *err)
{
    char xlabel[CFG_PATH_MAX + 8], ylabel[160], column[16], axes[16];
    char title[512], note[96];
    incomplete_note(r->sweep, note, sizeof note);
    x_label(r->params, xlabel, sizeof xlabel);
    plot_axis_label(m, ylabel, sizeof ylabel);
    snprintf(column, sizeof column, "%d", sweep_plot_column(k));
    snprintf(axes, sizeof axes, "%s%s",
             sweep_plot_log_x(r->params, r->log_x) ? "logx " : "",
             sweep_plot_log_y(r->sweep, m, r->log_y) ? "logy" : "");
    snprintf(title, sizeof title, "%s: %s against %s%s", r->name, m->label,
             r->params->varies[0].path, note);
    char *png = str_printf("%s/sweep_%s.png", r->dir, m->sweep);
    char *shown = str_printf("%s/sweep_%s.png", r->shown, m->sweep);
    const char *extra[] = {xlabel, column, ylabel, labels, axes, title, ""};
    enum plot_status st = PLOT_FAILED;
    if (!png || !shown)
        snprintf(err->message, sizeof err->message, "out of memory");
    else
        st = plot_script(&(struct plot_job){"sweep", data, png, shown,
                                            r->shown, extra, 7, r->limits},
                         err);
    if (st == PLOT_OK && !r->quiet)
        fprintf(stderr, "stampede: %s\n", shown);
    free(png);
    free(shown);
    return st;
}

enum plot_status sweep_plot_render(const struct sweep_plot_request *r,
                                   struct plot_error *err)
{
    err->message[0] = '\0';
    err->detail = NULL;
    struct metric_info m[SWEEP_CSV_MAX_METRICS];
    size_t n = sweep_csv_metrics(m, SWEEP_CSV_MAX_METRICS, r->sweep->slo);
    char *data = str_printf("%s/sweep_figures.dat", r->dir);
    char *labels = labels_text(r->sweep);
    enum plot_status st = PLOT_FAILED;
    if (!data || !labels)
        snprintf(err->message, sizeof err->message, "out of memory");
    else
        st = write_data(r, data, err);
    for (size_t k = 0; st == PLOT_OK && k < n; k++) {
        plot_error_free(err);
        st = render_metric(r, data, &m[k], k, labels, err);
    }
    free(data);
    free(labels);
    return st;
}
