/*
 * report_doc.c — see report_doc.h.
 */
#include "output/report_doc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/strutil.h"
#include "metric_registry.h"
#include "output/base64.h"
#include "output/check_report.h"
#include "output/comparison_out.h"
#include "output/outfile.h"
#include "output/results_file.h"
#include "output/table.h"
#include "output/version.h"

const char *const REPORT_FIGURES[] = {
    "comparison.png", "hit_ratio.png", "db_load.png", "latency.png",
    "calibrate.png", NULL,
};

/* What each figure shows, for its caption. */
static const char *const CAPTIONS[] = {
    "Hit ratio, queries at the database and p99 latency with the errors, "
    "per policy on one time axis (and the windows out of the SLO)",
    "Hit ratio per policy",
    "Queries at the database and queries per second, against its capacity "
    "and connection limit",
    "Reply latency (p50, p99) and errors per policy",
    "The calibrated knob's trade-off: each constraint and cost against it, "
    "its limit, and the recommended value",
};

/* ---- a document: Markdown or HTML ---- */

struct doc {
    FILE *out;
    bool html;
};

static void doc_text(struct doc *d, const char *text)
{
    if (d->html)
        html_text(d->out, text);
    else
        fputs(text, d->out);
}

static void doc_heading(struct doc *d, int level, const char *text)
{
    if (d->html) {
        fprintf(d->out, "<h%d>", level);
        html_text(d->out, text);
        fprintf(d->out, "</h%d>\n", level);
    } else {
        fprintf(d->out, "\n%.*s %s\n\n", level, "####", text);
    }
}

static void doc_para(struct doc *d, const char *text)
{
    fputs(d->html ? "<p>" : "", d->out);
    doc_text(d, text);
    fputs(d->html ? "</p>\n" : "\n\n", d->out);
}

static void doc_code(struct doc *d, const char *text)
{
    fputs(d->html ? "<pre><code>" : "```\n", d->out);
    doc_text(d, text);
    fputs(d->html ? "</code></pre>\n" : "\n```\n\n", d->out);
}

/* A list item (call doc_list_end after the last). */
static void doc_item(struct doc *d, bool first, const char *text)
{
    if (d->html && first)
        fputs("<ul>\n", d->out);
    fputs(d->html ? "<li>" : "- ", d->out);
    doc_text(d, text);
    fputs(d->html ? "</li>\n" : "\n", d->out);
}

static void doc_list_end(struct doc *d)
{
    fputs(d->html ? "</ul>\n" : "\n", d->out);
}

/* A table row; `head`: the header row (Markdown: with its rule). */
static void doc_row(struct doc *d, const char *const *cells, size_t n,
                    bool head)
{
    if (d->html && head)
        fputs("<table>\n", d->out);
    fputs(d->html ? "<tr>" : "|", d->out);
    for (size_t i = 0; i < n; i++) {
        if (d->html) {
            fputs(head ? "<th>" : "<td>", d->out);
            html_text(d->out, cells[i] ? cells[i] : "");
            fputs(head ? "</th>" : "</td>", d->out);
        } else {
            fputc(' ', d->out);
            table_markdown_text(d->out, cells[i] ? cells[i] : "");
            fputs(" |", d->out);
        }
    }
    fputs(d->html ? "</tr>\n" : "\n", d->out);
    if (!d->html && head) {
        fputc('|', d->out);
        for (size_t i = 0; i < n; i++)
            fputs("---|", d->out);
        fputc('\n', d->out);
    }
}

static void doc_table_end(struct doc *d)
{
    fputs(d->html ? "</table>\n" : "\n", d->out);
}

/* A figure: Markdown links the file beside report.md; HTML embeds it. A
 * figure that cannot be read is left out (false). */
static bool doc_figure(struct doc *d, const char *dir, const char *file,
                       const char *caption)
{
    char *path = str_printf("%s/%s", dir, file);
    bool ok = path && access(path, R_OK) == 0;
    if (ok && d->html) {
        fputs("<figure><img src=\"data:image/png;base64,", d->out);
        ok = base64_file(d->out, path);
        fputs("\" alt=\"", d->out);
        html_text(d->out, caption);
        fputs("\"><figcaption>", d->out);
        html_text(d->out, caption);
        fprintf(d->out, " (%s)</figcaption></figure>\n", file);
    } else if (ok) {
        fprintf(d->out, "![%s](%s)\n\n*%s*\n\n", caption, file, caption);
    }
    free(path);
    return ok;
}

/* ---- the sections ---- */

static void title_section(struct doc *d, const struct report_doc *r)
{
    const struct scenario *s = r->scenario;
    const struct comparison_folder *f = &r->comparison->folders[0];
    char *title = str_printf("%s: stampede report", s->name);
    char *about = str_printf(
        "Scenario %s, seed %llu, %.0f replication%s per policy; simulated by "
        "stampede %s. The results are in %s; this reproduces them "
        "(byte for byte):",
        s->name, (unsigned long long)s->seed, f->replications,
        f->replications == 1 ? "" : "s", STAMPEDE_VERSION, r->shown);
    char *again = str_printf("stampede run %s/scenario.json --reps %.0f",
                             r->shown, f->replications);
    if (d->html) {
        fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
              "<meta charset=\"utf-8\">\n<title>", d->out);
        html_text(d->out, title ? title : "");
        fputs("</title>\n<style>\n"
              "body { font-family: sans-serif; max-width: 1260px; "
              "margin: 2em auto; padding: 0 1em; color: #222; }\n"
              "table { border-collapse: collapse; margin: 1em 0; }\n"
              "th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; "
              "text-align: left; vertical-align: top; }\n"
              "table.comparison td { text-align: right; }\n"
              "th { background: #f3f3f3; }\n"
              "figure { margin: 1.5em 0; }\n"
              "img { max-width: 100%; border: 1px solid #eee; }\n"
              "figcaption { color: #555; font-size: 0.9em; }\n"
              "pre { background: #f6f6f6; padding: 0.6em; }\n"
              "</style>\n</head>\n<body>\n", d->out);
        doc_heading(d, 1, title ? title : "");
    } else {
        fprintf(d->out, "# %s\n\n", title ? title : "");
    }
    doc_para(d, about ? about : "");
    doc_code(d, again ? again : "");
    free(title);
    free(about);
    free(again);
}

static void scenario_section(struct doc *d, const struct report_doc *r)
{
    doc_heading(d, 2, "The scenario");
    if (d->html)
        check_report_html(d->out, r->description);
    else
        check_report_markdown(d->out, r->description);
    if (!d->html)
        fputc('\n', d->out);
    for (size_t i = 0; i < r->n_warnings; i++) {
        char *w = str_printf("warning: %s", r->warnings[i]);
        doc_item(d, i == 0, w ? w : "");
        free(w);
    }
    if (r->n_warnings > 0)
        doc_list_end(d);
}

static void comparison_section(struct doc *d, const struct report_doc *r)
{
    const struct comparison *c = r->comparison;
    const struct comparison_group *g = &c->groups[0];
    doc_heading(d, 2, "The policies compared");
    char *text = str_printf(
        "Each policy against the first, %s: the mean over the replications "
        "with its 95 %% half-width, the difference, and whether the two 95 %% "
        "intervals separate (\"overlap\": the difference may be chance; with "
        "one replication there is no interval). `stampede compare` puts "
        "several runs side by side the same way.",
        g->n ? c->entries[g->entries[0]].label : "-");
    doc_para(d, text ? text : "");
    free(text);
    if (d->html)
        comparison_write_html(d->out, c, ROWS_BRIEF);
    else
        comparison_write(d->out, c, ROWS_BRIEF, FORMAT_MARKDOWN);
    if (!d->html)
        fputc('\n', d->out);
}

/* A policy's SLO verdict in words; NULL without an slo. */
static char *slo_verdict(const struct comparison_entry *e)
{
    double violations, out, first, recovery, recovered, ci;
    if (!comparison_value(e, "slo.violations", &violations, &ci))
        return NULL;
    if (violations == 0)
        return str_printf("held: no window out of the SLO");
    comparison_value(e, "slo.out_of_slo_s", &out, &ci);
    if (!comparison_value(e, "slo.first_violation_s", &first, &ci))
        first = NAN;
    bool back = comparison_value(e, "slo.recovered", &recovered, &ci) &&
                recovered > 0;
    bool timed = comparison_value(e, "slo.recovery_s", &recovery, &ci);
    char tail[160];
    if (back && timed && recovered < 1)
        snprintf(tail, sizeof tail, "recovered in %.0f %% of the "
                 "replications, after %.3g s on average", 100 * recovered,
                 recovery);
    else if (back && timed)
        snprintf(tail, sizeof tail, "recovered after %.3g s", recovery);
    else
        snprintf(tail, sizeof tail, "not recovered by the end");
    return str_printf("broken: %.3g s out of the SLO (%.3g windows), the "
                      "first at %.3g s; %s", out, violations, first, tail);
}

static void slo_section(struct doc *d, const struct report_doc *r)
{
    const struct comparison *c = r->comparison;
    const struct comparison_group *g = &c->groups[0];
    if (!r->scenario->model.slo.set)
        return;
    doc_heading(d, 2, "Service level objective");
    doc_para(d, "Each window is judged against the scenario's slo (its "
                "objectives are in the scenario above); the time to recover "
                "counts from the last incident of the timeline, or without "
                "one from the first violation.");
    static const char *const HEAD[] = {"policy", "verdict"};
    doc_row(d, HEAD, 2, true);
    for (size_t i = 0; i < g->n; i++) {
        const struct comparison_entry *e = &c->entries[g->entries[i]];
        char *verdict = slo_verdict(e);
        const char *cells[] = {e->label, verdict ? verdict : "-"};
        doc_row(d, cells, 2, false);
        free(verdict);
    }
    doc_table_end(d);
}

static void figures_section(struct doc *d, const struct report_doc *r)
{
    doc_heading(d, 2, "Figures");
    for (size_t i = 0; i < 4; i++)
        doc_figure(d, r->dir, REPORT_FIGURES[i], CAPTIONS[i]);
}

/* ---- the calibration ---- */

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char *str(const cJSON *o, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
                                                                          key));
    return s ? s : "";
}

static void calibration_points(struct doc *d, const cJSON *cal)
{
    const cJSON *points = cJSON_GetObjectItemCaseSensitive(cal, "points");
    const cJSON *first = cJSON_GetArrayItem(points, 0);
    const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(first, "metrics");
    const char *key[20] = {"value", "verdict"}, *head[20] = {"value",
                                                             "verdict"};
    size_t n = 2;
    for (const cJSON *m = metrics ? metrics->child : NULL; m && n < 20;
         m = m->next, n++) {
        key[n] = m->string;
        head[n] = metric_label(m->string);
    }
    doc_row(d, head, n, true);
    const cJSON *p;
    cJSON_ArrayForEach(p, points) {
        char cells[20][64];
        const char *row[20];
        snprintf(cells[0], 64, "%.6g", num(p, "value"));
        snprintf(cells[1], 64, "%s%s",
                 cJSON_IsTrue(cJSON_GetObjectItem(p, "feasible")) ? "holds"
                                                                  : "fails: ",
                 str(p, "binding"));
        const cJSON *pm = cJSON_GetObjectItemCaseSensitive(p, "metrics");
        for (size_t k = 2; k < n; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(pm, key[k]);
            double mean = num(v, "mean"), ci = num(v, "ci95");
            snprintf(cells[k], 64, isfinite(ci) ? "%.4g ±%.2g" : "%.4g", mean,
                     ci);
        }
        for (size_t k = 0; k < n; k++)
            row[k] = cells[k];
        doc_row(d, row, n, false);
    }
    doc_table_end(d);
}

static bool calibration_section(struct doc *d, const struct report_doc *r,
                                char *err, size_t n)
{
    if (!r->calibration)
        return true;
    char *path = str_printf("%s/calibrate.json", r->calibration);
    cJSON *cal = path ? results_read_json(path, err, n) : NULL;
    free(path);
    if (!cal)
        return false;
    doc_heading(d, 2, "Calibration");
    const cJSON *rec = cJSON_GetObjectItemCaseSensitive(cal, "recommended");
    char *text = cJSON_IsNumber(rec)
        ? str_printf("Calibrating %s of policy %s over %.0f replications per "
                     "value: the smallest value that meets every constraint "
                     "at the far end of its 95 %% interval is %.6g.",
                     str(cal, "knob"), str(cal, "policy"),
                     num(cal, "replications"), rec->valuedouble)
        : str_printf("Calibrating %s of policy %s: no value evaluated meets "
                     "every constraint.", str(cal, "knob"),
                     str(cal, "policy"));
    doc_para(d, text ? text : "");
    free(text);
    const cJSON *c;
    bool first = true;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(cal,
                                                           "constraints")) {
        char *line = str_printf("%s %s %g", str(c, "metric"),
                                strcmp(str(c, "bound"), "min") ? "<=" : ">=",
                                num(c, "limit"));
        doc_item(d, first, line ? line : "");
        free(line);
        first = false;
    }
    if (!first)
        doc_list_end(d);
    calibration_points(d, cal);
    doc_figure(d, r->calibration, "calibrate.png", CAPTIONS[4]);
    cJSON_Delete(cal);
    return true;
}

/* ---- the files ---- */

static bool write_one(const struct report_doc *r, bool html, char *err,
                      size_t n)
{
    char *path = str_printf("%s/report.%s", r->dir, html ? "html" : "md");
    struct outfile f;
    if (!path || !outfile_open(&f, path, err, n)) {
        if (!path)
            snprintf(err, n, "out of memory");
        free(path);
        return false;
    }
    struct doc d = {f.fp, html};
    title_section(&d, r);
    scenario_section(&d, r);
    comparison_section(&d, r);
    slo_section(&d, r);
    figures_section(&d, r);
    bool ok = calibration_section(&d, r, err, n);
    if (html)
        fputs("</body>\n</html>\n", f.fp);
    free(path);
    if (!ok) {
        outfile_abort(&f);
        return false;
    }
    return outfile_commit(&f, err, n);
}

bool report_doc_write(const struct report_doc *r, char *err, size_t n)
{
    return write_one(r, false, err, n) && write_one(r, true, err, n);
}
