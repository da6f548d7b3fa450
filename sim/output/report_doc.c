/*
 * report_doc.c — see report_doc.h.
 */
#include "output/report_doc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Text with Markdown's `code` and **strong**: as it is in Markdown, as
 * <code> and <strong> in HTML (an unpaired mark stays as it is). */
static void doc_inline(struct doc *d, const char *text)
{
    static const struct {
        const char *mark, *open, *close;
    } MARKS[] = {{"`", "<code>", "</code>"}, {"**", "<strong>", "</strong>"}};
    if (!d->html) {
        fputs(text, d->out);
        return;
    }
    char *copy = strdup(text);
    char *p = copy;
    while (p && *p) {
        /* the next mark with a partner after it */
        char *at = NULL, *close = NULL;
        size_t m = 0, len = 0;
        for (size_t k = 0; k < 2; k++) {
            size_t l = strlen(MARKS[k].mark);
            char *a = strstr(p, MARKS[k].mark);
            char *c = a ? strstr(a + l, MARKS[k].mark) : NULL;
            if (c && (!at || a < at)) {
                at = a;
                close = c;
                m = k;
                len = l;
            }
        }
        if (!at) {
            html_text(d->out, p);
            break;
        }
        *at = '\0';
        html_text(d->out, p);
        *close = '\0';
        fputs(MARKS[m].open, d->out);
        html_text(d->out, at + len);
        fputs(MARKS[m].close, d->out);
        p = close + len;
    }
    free(copy);
}

static void doc_para(struct doc *d, const char *text)
{
    fputs(d->html ? "<p>" : "", d->out);
    doc_inline(d, text);
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
              /* a table of many policies scrolls on its own rather than
               * run off the page */
              ".wide { overflow-x: auto; }\n"
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
    if (d->html) {
        fputs("<div class=\"wide\">\n", d->out);
        comparison_write_html(d->out, c, ROWS_BRIEF);
        fputs("</div>\n", d->out);
    } else {
        comparison_write(d->out, c, ROWS_BRIEF, FORMAT_MARKDOWN);
        fputc('\n', d->out);
    }
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
    return str_printf("broken: %.3g s out of the SLO (%.3g window%s), the "
                      "first at %.3g s; %s", out, violations,
                      violations == 1 ? "" : "s", first, tail);
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

/* "0/79.7k [0, 7.9e-05]": a constraint's evidence at one value. */
static void evidence_cell(const cJSON *c, char *out, size_t n)
{
    double events = num(c, "events"), trials = num(c, "trials");
    if (isfinite(events) && isfinite(trials))
        snprintf(out, n, "%.0f/%.0f [%.3g, %.3g]", events, trials,
                 num(c, "lower"), num(c, "upper"));
    else
        snprintf(out, n, "%.4g [%.3g, %.3g]", num(c, "estimate"),
                 num(c, "lower"), num(c, "upper"));
}

static void mean_cell(const cJSON *v, char *out, size_t n)
{
    double mean = num(v, "mean"), ci = num(v, "ci95");
    if (!isfinite(mean))
        snprintf(out, n, "-");
    else
        snprintf(out, n, isfinite(ci) ? "%.4g ±%.2g" : "%.4g", mean, ci);
}

#define CAL_COLUMNS 20

/* The table: a row per value evaluated, by value: its verdict (and the
 * constraint that decided it), its replications, its cost, each
 * constraint's evidence, and what explains the cost. */
static void calibration_points(struct doc *d, const cJSON *cal)
{
    const cJSON *points = cJSON_GetObjectItemCaseSensitive(cal, "points");
    const cJSON *first = cJSON_GetArrayItem(points, 0);
    const cJSON *cons = cJSON_GetObjectItemCaseSensitive(first, "constraints");
    const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(first, "metrics");
    const cJSON *cost = cJSON_GetObjectItemCaseSensitive(cal, "cost");
    const char *head[CAL_COLUMNS] = {"value", "verdict", "replications",
                                     cJSON_IsObject(cost)
                                         ? metric_label(str(cost, "metric"))
                                         : "cost"};
    size_t n = 4, n_cons = 0;
    for (const cJSON *c = cons ? cons->child : NULL; c && n < CAL_COLUMNS;
         c = c->next, n_cons++)
        head[n++] = metric_label(str(c, "metric"));
    for (const cJSON *m = metrics ? metrics->child : NULL;
         m && n < CAL_COLUMNS; m = m->next)
        head[n++] = metric_label(m->string);
    doc_row(d, head, n, true);
    const cJSON *p;
    cJSON_ArrayForEach(p, points) {
        char cells[CAL_COLUMNS][96];
        const char *row[CAL_COLUMNS];
        const char *verdict = str(p, "verdict"), *binding = str(p, "binding");
        snprintf(cells[0], 96, "%.6g", num(p, "value"));
        snprintf(cells[1], 96, "%s%s%s", verdict, binding[0] ? ": " : "",
                 binding);
        snprintf(cells[2], 96, "%.0f", num(p, "replications"));
        mean_cell(cJSON_GetObjectItemCaseSensitive(p, "cost"), cells[3], 96);
        size_t k = 4;
        const cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(p,
                                                               "constraints"))
            if (k < 4 + n_cons)
                evidence_cell(c, cells[k++], 96);
        const cJSON *pm = cJSON_GetObjectItemCaseSensitive(p, "metrics");
        for (const cJSON *m = metrics ? metrics->child : NULL; m && k < n;
             m = m->next)
            mean_cell(cJSON_GetObjectItemCaseSensitive(pm, m->string),
                      cells[k++], 96);
        for (; k < n; k++)
            snprintf(cells[k], 96, "-");
        for (k = 0; k < n; k++)
            row[k] = cells[k];
        doc_row(d, row, n, false);
    }
    doc_table_end(d);
}

/* The point of value v, or NULL. */
static const cJSON *point_at(const cJSON *cal, double v)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(cal, "points"))
        if (num(p, "value") == v)
            return p;
    return NULL;
}

/* What was recommended, in words, and on what evidence. */
static char *calibration_answer(const cJSON *cal)
{
    const cJSON *rec = cJSON_GetObjectItemCaseSensitive(cal, "recommended");
    const cJSON *cost = cJSON_GetObjectItemCaseSensitive(cal, "cost");
    const char *cost_text = cJSON_IsObject(cost)
                                ? metric_label(str(cost, "metric"))
                                : "the knob's value itself";
    char spent[160];
    snprintf(spent, sizeof spent, "%.0f of a budget of %.0f simulated "
             "seconds spent", num(cal, "spent_s"), num(cal, "budget_s"));
    if (!cJSON_IsNumber(rec))
        return str_printf(
            "Calibrating %s (policy %s) against %s: no value evaluated was "
            "proven to meet every constraint (%s%s). The table says what "
            "each value lacks.", str(cal, "knob"), str(cal, "policy"),
            cost_text, spent,
            cJSON_IsTrue(cJSON_GetObjectItem(cal, "budget_spent"))
                ? ": a larger --budget may decide it" : "");
    const cJSON *p = point_at(cal, rec->valuedouble);
    const cJSON *pc = p ? cJSON_GetObjectItemCaseSensitive(p, "cost") : NULL;
    char cost_value[64] = "";
    if (pc)
        mean_cell(pc, cost_value, sizeof cost_value);
    return str_printf(
        "Calibrating %s (policy %s): of the values proven to meet every "
        "constraint, the one of least cost (%s) is **%.6g**%s%s, over %.0f "
        "replications (%s). A constraint is proven when its interval lies "
        "within the limit; the intervals of all the values evaluated hold "
        "together at 95 %%.", str(cal, "knob"), str(cal, "policy"),
        cost_text, rec->valuedouble, pc ? ": cost " : "", cost_value,
        p ? num(p, "replications") : NAN, spent);
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
    char *text = calibration_answer(cal);
    doc_para(d, text ? text : "");
    free(text);
    const cJSON *c;
    bool first = true;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(cal,
                                                           "constraints")) {
        char *line = str_printf("%s %s %g (--%s)",
                                metric_label(str(c, "metric")),
                                strcmp(str(c, "bound"), "min") ? "≤" : "≥",
                                num(c, "limit"), str(c, "option"));
        doc_item(d, first, line ? line : "");
        free(line);
        first = false;
    }
    if (!first)
        doc_list_end(d);
    if (d->html)
        fputs("<div class=\"wide\">\n", d->out);
    calibration_points(d, cal);
    if (d->html)
        fputs("</div>\n", d->out);
    doc_figure(d, r->calibration, "calibrate.png", CAPTIONS[4]);
    cJSON_Delete(cal);
    return true;
}

/* ---- the files ---- */

/* The calibration's figure beside report.md, where its link points, when
 * the calibration is another folder's (a copy, written atomically); a
 * calibration without a figure leaves nothing to copy. */
static bool copy_calibration_figure(const struct report_doc *r, char *err,
                                    size_t n)
{
    if (!r->calibration)
        return true;
    char *from = str_printf("%s/calibrate.png", r->calibration);
    char *to = str_printf("%s/calibrate.png", r->dir);
    struct stat a, b;
    bool ok = from && to;
    FILE *in = ok ? fopen(from, "rb") : NULL;
    /* DIR's own calibration (one file under two names): nothing to do */
    bool same = in && stat(from, &a) == 0 && stat(to, &b) == 0 &&
                a.st_dev == b.st_dev && a.st_ino == b.st_ino;
    struct outfile f;
    if (in && !same && (ok = outfile_open(&f, to, err, n))) {
        char buf[8192];
        for (size_t got; (got = fread(buf, 1, sizeof buf, in)) > 0;)
            fwrite(buf, 1, got, f.fp);
        if (ferror(in)) {
            snprintf(err, n, "%s: cannot read", from);
            outfile_abort(&f);
            ok = false;
        } else {
            ok = outfile_commit(&f, err, n);
        }
    }
    if (!from || !to)
        snprintf(err, n, "out of memory");
    if (in)
        fclose(in);
    free(from);
    free(to);
    return ok;
}

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
    return copy_calibration_figure(r, err, n) &&
           write_one(r, false, err, n) && write_one(r, true, err, n);
}
