/*
 * plot_input.c — see plot_input.h.
 */
#include "output/plot_input.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "database.h"
#include "kernel/config.h"
#include "kernel/strutil.h"
#include "metric_registry.h"
#include "output/results_file.h"
#include "scenario/scenario.h"

/* What a run directory must hold to be plotted, checked in the order a
 * user would fix it. */
static enum plot_input_status check_dir(const char *dir, const char *csv,
                                        char *err, size_t n)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        snprintf(err, n, "%s: cannot open the run directory: %s", dir,
                 strerror(errno));
        return PLOT_INPUT_BAD;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, n, "%s: not a directory (give the directory "
                 "'stampede run' wrote)", dir);
        return PLOT_INPUT_BAD;
    }
    FILE *f = fopen(csv, "r");
    if (!f) {
        snprintf(err, n, "%s: cannot read: %s", csv, strerror(errno));
        return PLOT_INPUT_BAD;
    }
    fclose(f);
    return PLOT_INPUT_OK;
}

/* summary.json's policies[].label, in order, separated by spaces. The
 * scripts take labels as words, so a label must be one as the scenario
 * loader accepts it: [A-Za-z][A-Za-z0-9_-]*. */
static enum plot_input_status read_labels(const char *path, char **labels,
                                          char *err, size_t n)
{
    cJSON *root = results_read_json(path, err, n);
    if (!root)
        return PLOT_INPUT_BAD;
    const cJSON *policies = cJSON_GetObjectItemCaseSensitive(root, "policies");
    enum plot_input_status status = PLOT_INPUT_OK;
    size_t len = 0;
    char *buf = NULL;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        status = PLOT_INPUT_NO_MEMORY;
    if (status == PLOT_INPUT_OK &&
        (!cJSON_IsArray(policies) || cJSON_GetArraySize(policies) == 0)) {
        snprintf(err, n, "%s: no policies", path);
        status = PLOT_INPUT_BAD;
    }
    int i = 0;
    const cJSON *p, *list = status == PLOT_INPUT_OK ? policies : NULL;
    cJSON_ArrayForEach(p, list) {
        const char *label =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "label"));
        if (status == PLOT_INPUT_OK &&
            (!label || !scenario_label_valid(label))) {
            snprintf(err, n, "%s: policies[%d].label: expected a policy "
                     "label", path, i);
            status = PLOT_INPUT_BAD;
        }
        if (status == PLOT_INPUT_OK)
            fprintf(out, "%s%s", i > 0 ? " " : "", label);
        i++;
    }
    if (out && fclose(out) != 0 && status == PLOT_INPUT_OK)
        status = PLOT_INPUT_NO_MEMORY;
    if (status == PLOT_INPUT_NO_MEMORY)
        snprintf(err, n, "%s: out of memory", path);
    cJSON_Delete(root);
    if (status != PLOT_INPUT_OK)
        free(buf);
    else
        *labels = buf;
    return status;
}

/* ---- the timeline ---- */

/* One "AT LABEL" line per incident, in time order (the loader sorted
 * them). A label's control characters become spaces: a newline would end
 * its line. */
static char *incidents_text(const struct timeline *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return NULL;
    for (size_t i = 0; i < t->n; i++) {
        fprintf(out, "%.10g ", t->events[i].at);
        for (const unsigned char *c = (const unsigned char *)t->events[i].label;
             *c; c++)
            fputc(*c < 0x20 || *c == 0x7f ? ' ' : *c, out);
        fputc('\n', out);
    }
    if (fclose(out) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* ---- the SLO ---- */

/* A metric's value in replication 0: the number (or boolean) of a single
 * run, or values[0] over replications; NaN if there is none. */
static double rep0(const cJSON *policy, const char *group, const char *key)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(policy, group);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(g, key);
    if (cJSON_IsObject(v))
        v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(v, "values"),
                               0);
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? 1 : 0;
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* One line per policy of summary.json: how its replication 0 fared.
 * `reference`: the last incident's time (NaN: none), from which the
 * recovery is counted (else from the first violation). */
static void policy_slo_lines(const cJSON *policies, double reference,
                             FILE *out)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, policies) {
        const char *label =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "label"));
        double violations = rep0(p, "slo", "violations");
        double recovery = rep0(p, "slo", "recovery_s");
        double first = rep0(p, "slo", "first_violation_s");
        if (!label || isnan(violations))
            continue;
        double from = isnan(reference) ? first : reference;
        if (violations == 0)
            fprintf(out, "%s held\n", label);
        else if (isnan(recovery) || isnan(from))
            fprintf(out, "%s never\n", label);
        else
            fprintf(out, "%s recovered %.10g %.10g\n", label, from + recovery,
                    recovery);
    }
}

/* The SLO argument of the scripts (plot_input.h), "" without an slo. */
static enum plot_input_status read_slo(const char *path,
                                       const struct scenario *s, char **out,
                                       char *err, size_t n)
{
    const struct slo_config *c = &s->model.slo;
    if (!c->set) {
        *out = str_printf("%s", "");
        return *out ? PLOT_INPUT_OK : PLOT_INPUT_NO_MEMORY;
    }
    cJSON *root = results_read_json(path, err, n);
    if (!root)
        return PLOT_INPUT_BAD;
    size_t len = 0;
    FILE *f = open_memstream(out, &len);
    double reference = timeline_last_at(&s->model.timeline,
                                        s->model.duration);
    if (f) {
        fprintf(f, "slo");
        if (!isnan(c->limit[SLO_P99]))
            fprintf(f, " p99_ms=%.10g", c->limit[SLO_P99] * 1e3);
        fprintf(f, " since=%s\n", isnan(reference) ? "violation"
                                                   : "incident");
        policy_slo_lines(cJSON_GetObjectItemCaseSensitive(root, "policies"),
                         reference, f);
    }
    cJSON_Delete(root);
    if (!f || fclose(f) != 0) {
        snprintf(err, n, "%s: out of memory", path);
        return PLOT_INPUT_NO_MEMORY;
    }
    return PLOT_INPUT_OK;
}

/* ---- marks: a policy's own counts, where they happened ---- */

/* The summary's policy labelled `label`, or NULL. */
static const cJSON *policy_of(const cJSON *policies, const char *label)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, policies) {
        const char *l =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "label"));
        if (l && strcmp(l, label) == 0)
            return p;
    }
    return NULL;
}

/* "=mark LABEL COLUMN TITLE" for each metric of a policy's own with a
 * run-table header whose replication 0 counted some. */
static void policy_marks(const struct policy_spec *spec, const cJSON *policy,
                         FILE *out)
{
    for (size_t i = 0; policy && i < policy_metric_count(spec->ops); i++) {
        struct metric_info m;
        metric_policy_info(spec->ops, i, &m);
        const char *name = policy_metric_at(spec->ops, i, NULL)->name;
        if (m.table && rep0(policy, "policy_metrics", name) > 0)
            fprintf(out, "=mark %s %s %s\n", spec->label, m.column, m.label);
    }
}

/* The marks appended to the SLO argument (plot_input.h). */
static enum plot_input_status read_marks(const char *path,
                                         const struct scenario *s,
                                         char **slo, char *err, size_t n)
{
    cJSON *root = results_read_json(path, err, n);
    if (!root)
        return PLOT_INPUT_BAD;
    size_t len = 0;
    char *text = NULL;
    FILE *f = open_memstream(&text, &len);
    if (f) {
        fputs(*slo, f);
        const cJSON *policies =
            cJSON_GetObjectItemCaseSensitive(root, "policies");
        for (size_t i = 0; i < s->n_policies; i++)
            policy_marks(&s->policies[i],
                         policy_of(policies, s->policies[i].label), f);
    }
    cJSON_Delete(root);
    if (!f || fclose(f) != 0) {
        snprintf(err, n, "%s: out of memory", path);
        return PLOT_INPUT_NO_MEMORY;
    }
    free(*slo);
    *slo = text;
    return PLOT_INPUT_OK;
}

/* ---- the scenario ---- */

/* The reference lines of the database's capacity (plots/common.gp):
 * queries in execution at full capacity — the cores, or the USL curve's
 * peak n* = sqrt((1 - sigma) / kappa) (none when kappa = 0: the curve
 * never peaks) —, the most queries per second, max W / mean work, and the
 * connection limit. */
static void capacity_words(FILE *out, const struct db_capacity *c,
                           double mean_work)
{
    double qps = db_capacity_qps(c, mean_work);
    const char *sep = "";
    if (!c->usl) {
        fprintf(out, "cores=%d", c->cores);
        sep = " ";
    } else if (isfinite(db_capacity_peak_n(c))) {
        fprintf(out, "peak=%.6g", db_capacity_peak_n(c));
        sep = " ";
    }
    if (isfinite(qps) && qps > 0)
        fprintf(out, "%sqps=%.6g", sep, qps);
}

/* The capacity as it was at the start, the connection limit and the
 * value axis' scale on the first line; then a line "AT WORDS" for each
 * incident of the timeline that changed it (cores, usl, or the work of a
 * query), so that the figures draw it as steps over time. */
static char *capacity_text(const struct scenario *s, const char *scale)
{
    const struct model_config *m = &s->model;
    struct db_capacity cap = m->db.capacity;
    double work = m->service.mean;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return NULL;
    capacity_words(out, &cap, work);
    if (m->db.max_connections > 0)
        fprintf(out, " conns=%ld", m->db.max_connections);
    fprintf(out, " scale=%s\n", scale);
    for (size_t i = 0; i < m->timeline.n; i++) {
        const struct incident *e = &m->timeline.events[i];
        if (e->kind != INCIDENT_DATABASE || e->at >= m->duration)
            continue;
        if (e->set_capacity)
            cap = e->capacity;
        if (!isnan(e->service_multiplier))
            work = m->service.mean * e->service_multiplier;
        fprintf(out, "%.10g ", e->at);
        capacity_words(out, &cap, work);
        fputc('\n', out);
    }
    if (fclose(out) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* The figures' title: the scenario's name, and what summary.json says
 * when the run is incomplete ("hot-key (incomplete: interrupted by SIGINT
 * at t = 12.3 s of none)"), so that a figure says what its files say. */
static char *title_text(const char *name, const char *summary)
{
    char err[256];
    cJSON *root = results_read_json(summary, err, sizeof err);
    const cJSON *complete = cJSON_GetObjectItemCaseSensitive(root,
                                                             "complete");
    const char *reason = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(root, "reason"));
    char *title = cJSON_IsFalse(complete)
                      ? str_printf("%s (incomplete: %s)", name,
                                   reason ? reason : "stopped early")
                      : str_printf("%s", name);
    cJSON_Delete(root);
    return title;
}

static enum plot_input_status read_scenario(const char *path,
                                            const char *summary,
                                            const char *scale,
                                            struct plot_input *in, char *err,
                                            size_t n)
{
    struct scenario_errors errors = {0};
    struct scenario *s = scenario_load(path, NULL, 0, &errors);
    if (!s) {
        snprintf(err, n, "%s%s", errors.n ? errors.lines[0] : path,
                 errors.n > 1 ? " (and more: run 'stampede check' on it)"
                 : errors.n ? "" : ": cannot load");
        scenario_errors_free(&errors);
        return PLOT_INPUT_BAD;
    }
    enum plot_input_status status = PLOT_INPUT_OK;
    in->title = title_text(s->name, summary);
    in->warmup = str_printf("%.10g", s->model.warmup);
    in->capacity = capacity_text(s, scale);
    in->incidents = incidents_text(&s->model.timeline);
    if (!in->title || !in->warmup || !in->capacity || !in->incidents) {
        snprintf(err, n, "%s: out of memory", path);
        status = PLOT_INPUT_NO_MEMORY;
    } else if ((status = read_slo(summary, s, &in->slo, err, n)) ==
               PLOT_INPUT_OK) {
        status = read_marks(summary, s, &in->slo, err, n);
    }
    scenario_free(s);
    return status;
}

enum plot_input_status plot_input_read(const char *dir, const char *scale,
                                       struct plot_input *in, char *err,
                                       size_t n)
{
    memset(in, 0, sizeof *in);
    in->csv = str_printf("%s/timeseries.csv", dir);
    char *summary = str_printf("%s/summary.json", dir);
    char *scenario = str_printf("%s/scenario.json", dir);
    enum plot_input_status status = PLOT_INPUT_NO_MEMORY;
    if (!in->csv || !summary || !scenario)
        snprintf(err, n, "%s: out of memory", dir);
    else if ((status = check_dir(dir, in->csv, err, n)) == PLOT_INPUT_OK &&
             (status = read_labels(summary, &in->labels, err, n)) ==
                 PLOT_INPUT_OK)
        status = read_scenario(scenario, summary, scale, in, err, n);
    free(summary);
    free(scenario);
    if (status != PLOT_INPUT_OK)
        plot_input_free(in);
    return status;
}

void plot_input_free(struct plot_input *in)
{
    free(in->csv);
    free(in->title);
    free(in->labels);
    free(in->warmup);
    free(in->capacity);
    free(in->incidents);
    free(in->slo);
    memset(in, 0, sizeof *in);
}
