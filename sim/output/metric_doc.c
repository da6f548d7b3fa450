/*
 * metric_doc.c — see metric_doc.h.
 */
#include "output/metric_doc.h"

#include <string.h>

#include "metric_registry.h"
#include "output/json_out.h"
#include "output/report.h"
#include "output/sweep_csv.h"

const char *const METRIC_DOC_SECTIONS[] = {
    "timeseries", "summary", "table", "sweep", NULL,
};

/* What a metric of a policy is of, for the text and Markdown: "lock: ". */
static void owner_prefix(const struct metric_info *m, char *out, size_t n)
{
    if (m->policy)
        snprintf(out, n, "%s policy: ", m->policy->name);
    else
        out[0] = '\0';
}

/* ---- text ---- */

static void write_text(FILE *out)
{
    fprintf(out, "%-34s %-26s %-10s %-10s %s\n", "summary.json field",
            "timeseries.csv column", "unit", "fold", "meaning");
    size_t n = metric_count();
    for (size_t i = 0; i < n; i++) {
        struct metric_info m;
        metric_get(i, &m);
        char owner[64];
        owner_prefix(&m, owner, sizeof owner);
        fprintf(out, "%-34s %-26s %-10s %-10s %s%s\n",
                m.field[0] ? m.field : "-", m.column[0] ? m.column : "-",
                m.unit[0] ? m.unit : "-", METRIC_FOLD_NAMES[m.fold], owner,
                m.meaning);
    }
    fprintf(out, "\nOver windows, a fold means: ");
    for (int f = FOLD_SUM; f < N_METRIC_FOLDS; f++)
        fprintf(out, "%s%s: %s", f > FOLD_SUM ? "; " : "",
                METRIC_FOLD_NAMES[f], METRIC_FOLD_MEANINGS[f]);
    fprintf(out, ".\nOver replications, every metric is the mean of the "
            "replications' values, with its 95 %% Student-t half-width; "
            "--max and --min also judge a share on the Clopper-Pearson "
            "interval of its counts pooled over the replications.\n");
}

/* ---- Markdown ---- */

static void md_timeseries(FILE *out)
{
    fprintf(out, "| column | unit | meaning |\n|---|---|---|\n");
    size_t n = metric_count();
    for (size_t i = 0; i < n; i++) {
        struct metric_info m;
        metric_get(i, &m);
        if (!m.column[0])
            continue;
        char owner[64];
        owner_prefix(&m, owner, sizeof owner);
        fprintf(out, "| `%s` | %s | %s%s |\n", m.column, m.unit, owner,
                m.meaning);
    }
}

static void md_summary(FILE *out)
{
    fprintf(out, "| field | unit | over windows | meaning |\n"
            "|---|---|---|---|\n");
    size_t n = metric_count();
    for (size_t i = 0; i < n; i++) {
        struct metric_info m;
        metric_get(i, &m);
        if (!m.field[0])
            continue;
        char owner[64];
        owner_prefix(&m, owner, sizeof owner);
        fprintf(out, "| `%s` | %s | %s | %s%s%s |\n", m.field, m.unit,
                METRIC_FOLD_MEANINGS[m.fold], owner,
                m.slo ? "with an slo: "
                : m.fleet ? "with more than one instance: "
                : m.risk ? "for a policy with a risk figure: " : "",
                m.meaning);
    }
}

/* A policy's metric with a header shows once, under the first policy
 * that has it (two policies share a helper's). */
static bool header_listed(const struct metric_info *m, size_t before)
{
    for (size_t i = 0; i < before; i++) {
        struct metric_info e;
        metric_get(i, &e);
        if (e.table && strcmp(e.field, m->field) == 0)
            return true;
    }
    return false;
}

static void md_table(FILE *out)
{
    fprintf(out, "| header | field | meaning |\n|---|---|---|\n");
    size_t n = metric_count();
    for (size_t i = 0; i < n; i++) {
        struct metric_info m;
        metric_get(i, &m);
        if (m.table && !header_listed(&m, i))
            fprintf(out, "| %s | `%s` | %s%s%s |\n", m.table, m.field,
                    m.slo ? "with an slo: " : "",
                    m.policy ? "a policy's own (\"-\" for the others): "
                             : "", m.meaning);
    }
}

static void md_sweep(FILE *out)
{
    struct metric_info m[SWEEP_CSV_MAX_METRICS];
    size_t n = sweep_csv_metrics(m, SWEEP_CSV_MAX_METRICS, true);
    fprintf(out, "| columns | field | meaning |\n|---|---|---|\n");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "| `%s_mean`, `%s_ci95` | `%s` | %s%s |\n", m[i].sweep,
                m[i].sweep, m[i].field, m[i].slo ? "with an slo: " : "",
                m[i].meaning);
}

static bool write_markdown(FILE *out, const char *section)
{
    static void (*const WRITERS[])(FILE *) = {
        md_timeseries, md_summary, md_table, md_sweep,
    };
    bool found = false;
    for (size_t i = 0; METRIC_DOC_SECTIONS[i]; i++) {
        if (section && strcmp(section, METRIC_DOC_SECTIONS[i]) != 0)
            continue;
        if (!section)
            fprintf(out, "%s### %s\n\n", found ? "\n" : "",
                    METRIC_DOC_SECTIONS[i]);
        WRITERS[i](out);
        found = true;
    }
    return found;
}

/* ---- JSON ---- */

static void json_string_or_null(struct json_out *j, const char *key,
                                const char *value)
{
    json_out_key(j, key);
    if (value && value[0])
        json_out_string(j, value);
    else
        json_out_null(j);
}

static void json_metric(struct json_out *j, const struct metric_info *m)
{
    json_out_begin_object(j);
    json_string_or_null(j, "field", m->field);
    json_string_or_null(j, "column", m->column);
    json_out_key(j, "sweep_columns");
    json_out_begin_array(j);
    struct metric_info in_sweep[SWEEP_CSV_MAX_METRICS];
    size_t n = sweep_csv_metrics(in_sweep, SWEEP_CSV_MAX_METRICS, true);
    for (size_t i = 0; i < n; i++)
        if (m->field[0] && strcmp(in_sweep[i].field, m->field) == 0) {
            char col[METRIC_NAME_MAX + 8];
            snprintf(col, sizeof col, "%s_mean", m->sweep);
            json_out_string(j, col);
            snprintf(col, sizeof col, "%s_ci95", m->sweep);
            json_out_string(j, col);
        }
    json_out_end_array(j);
    json_string_or_null(j, "table", m->table);
    json_string_or_null(j, "unit", m->unit);
    json_string_or_null(j, "label", m->label);
    json_string_or_null(j, "meaning", m->meaning);
    json_string_or_null(j, "fold", METRIC_FOLD_NAMES[m->fold]);
    json_string_or_null(j, "policy", m->policy ? m->policy->name : NULL);
    json_out_end_object(j);
}

static void write_json(FILE *out)
{
    struct json_out j;
    json_out_init(&j, out);
    json_out_begin_object(&j);
    json_out_provenance_tool(&j);
    json_out_key(&j, "metrics");
    json_out_begin_array(&j);
    size_t n = metric_count();
    for (size_t i = 0; i < n; i++) {
        struct metric_info m;
        metric_get(i, &m);
        json_metric(&j, &m);
    }
    json_out_end_array(&j);
    json_out_key(&j, "summary_fields");
    json_out_begin_array(&j);
    for (const struct report_field *f = REPORT_SUMMARY_FIELDS; f->name; f++) {
        json_out_begin_object(&j);
        json_string_or_null(&j, "field", f->name);
        json_string_or_null(&j, "meaning", f->meaning);
        json_out_end_object(&j);
    }
    json_out_end_array(&j);
    json_out_end_object(&j);
}

bool metric_doc_write(FILE *out, enum metric_doc_format format,
                      const char *section)
{
    switch (format) {
    case DOC_TEXT: write_text(out); return true;
    case DOC_MARKDOWN: return write_markdown(out, section);
    case DOC_JSON: write_json(out); return true;
    }
    return false;
}
