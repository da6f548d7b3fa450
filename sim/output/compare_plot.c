/*
 * compare_plot.c — see compare_plot.h.
 */
#define _GNU_SOURCE   /* getline */
#include "output/compare_plot.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/csv.h"
#include "kernel/strutil.h"
#include "output/outfile.h"
#include "output/plot.h"

/* The columns of timeseries.csv the figure reads. */
enum { C_LABEL, C_REP, C_T, C_SPAN, C_HIT, C_INFLIGHT, C_P99, C_COMPLETED,
       C_ERROR, N_COLS };
static const char *const COLUMNS[N_COLS] = {
    "label", "rep", "t_s", "span_s", "hit_ratio", "db_inflight_mean",
    "p99_ms", "completed", "error",
};

#define MAX_FIELDS 256

static double cell(const struct csv_field *f, size_t n, int col)
{
    double v;
    if (col < 0 || (size_t)col >= n || !str_parse_number(f[col].text, &v))
        return NAN;
    return v;
}

static void write_value(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, " %.10g", v);
    else
        fputs(" NaN", out);
}

/* The header's columns into idx (-1: missing); false if a needed one is
 * missing. */
static bool find_columns(char *header, int *idx)
{
    struct csv_field f[MAX_FIELDS];
    long bad;
    const char *why;
    size_t n = csv_split(header, f, MAX_FIELDS, &bad, &why);
    for (int c = 0; c < N_COLS; c++) {
        idx[c] = -1;
        for (size_t i = 0; i < n && i < MAX_FIELDS; i++)
            if (strcmp(f[i].text, COLUMNS[c]) == 0)
                idx[c] = (int)i;
    }
    return idx[C_LABEL] >= 0 && idx[C_REP] >= 0 && idx[C_T] >= 0 &&
           idx[C_SPAN] >= 0;
}

/* One row of the block, if the line is label's at replication 0. */
static void block_row(FILE *out, char *line, const int *idx,
                      const char *label)
{
    struct csv_field f[MAX_FIELDS];
    long bad;
    const char *why;
    size_t n = csv_split(line, f, MAX_FIELDS, &bad, &why);
    if ((size_t)idx[C_LABEL] >= n || strcmp(f[idx[C_LABEL]].text, label) ||
        cell(f, n, idx[C_REP]) != 0)
        return;
    double completed = cell(f, n, idx[C_COMPLETED]);
    write_value(out, cell(f, n, idx[C_T]) + cell(f, n, idx[C_SPAN]) / 2);
    write_value(out, 100 * cell(f, n, idx[C_HIT]));
    write_value(out, cell(f, n, idx[C_INFLIGHT]));
    write_value(out, cell(f, n, idx[C_P99]));
    write_value(out, completed > 0 ? 100 * cell(f, n, idx[C_ERROR]) / completed
                                   : NAN);
    fputc('\n', out);
}

/* The block of `label` from folder dir's timeseries.csv. */
static bool write_block(FILE *out, const char *dir, const char *label,
                        char *err, size_t n_err)
{
    char *path = str_printf("%s/timeseries.csv", dir);
    FILE *in = path ? fopen(path, "r") : NULL;
    if (!in) {
        snprintf(err, n_err, "%s/timeseries.csv: cannot read: %s", dir,
                 path ? strerror(errno) : "out of memory");
        free(path);
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    int idx[N_COLS];
    bool ok = getline(&line, &cap, in) > 0 && find_columns(line, idx);
    if (!ok)
        snprintf(err, n_err, "%s: not a timeseries.csv of stampede", path);
    while (ok && getline(&line, &cap, in) > 0) {
        line[strcspn(line, "\r\n")] = '\0';
        block_row(out, line, idx, label);
    }
    free(line);
    fclose(in);
    free(path);
    return ok;
}

bool compare_plot_data(FILE *out, const struct comparison *c, char *err,
                       size_t n)
{
    fputs("# t_mid_s hit_ratio_pct db_inflight_mean p99_ms error_pct\n", out);
    size_t block = 0;
    for (size_t g = 0; g < c->n_groups; g++)
        for (size_t i = 0; i < c->groups[g].n; i++) {
            const struct comparison_entry *e =
                &c->entries[c->groups[g].entries[i]];
            const struct comparison_folder *f = &c->folders[e->folder];
            fprintf(out, "%s# %s %s\n", block++ ? "\n\n" : "", f->name,
                    e->label);
            if (!write_block(out, f->path, e->label, err, n))
                return false;
        }
    return true;
}

/* The blocks for the script, one a line: "FOLDER LABEL COLOUR DASH" (the
 * colour: the label's group; the dash: the folder). */
static char *blocks_text(const struct comparison *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return NULL;
    for (size_t g = 0; g < c->n_groups; g++)
        for (size_t i = 0; i < c->groups[g].n; i++) {
            const struct comparison_entry *e =
                &c->entries[c->groups[g].entries[i]];
            fprintf(out, "%s %s %zu %zu\n", c->folders[e->folder].name,
                    e->label, g + 1, e->folder + 1);
        }
    if (fclose(out) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* "A: PATH (scenario)" per folder, one a line, for the legend. */
static char *folders_text(const struct comparison *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return NULL;
    for (size_t f = 0; f < c->n_folders; f++) {
        fprintf(out, "%s: ", c->folders[f].name);
        for (const char *p = c->folders[f].path; *p; p++)
            fputc(*p == '\n' ? ' ' : *p, out);
        fputc('\n', out);
    }
    if (fclose(out) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static enum plot_status write_data(const struct comparison *c,
                                   const char *path, struct plot_error *err)
{
    char *e = err->message;
    size_t n = sizeof err->message;
    struct outfile f;
    if (!outfile_open(&f, path, e, n))
        return PLOT_WRITE_FAILED;
    if (!compare_plot_data(f.fp, c, e, n)) {
        outfile_abort(&f);
        return PLOT_FAILED;
    }
    return outfile_commit(&f, e, n) ? PLOT_OK : PLOT_WRITE_FAILED;
}

enum plot_status compare_plot_render(const struct comparison *c,
                                     const char *dir, const char *shown,
                                     const char *title, bool quiet,
                                     const struct plot_limits *limits,
                                     struct plot_error *err)
{
    err->message[0] = '\0';
    err->detail = NULL;
    char *data = str_printf("%s/compare_figure.dat", dir);
    char *png = str_printf("%s/compare.png", dir);
    char *shown_png = str_printf("%s/compare.png", shown);
    char *blocks = blocks_text(c), *folders = folders_text(c);
    enum plot_status st = PLOT_FAILED;
    if (!data || !png || !shown_png || !blocks || !folders)
        snprintf(err->message, sizeof err->message, "out of memory");
    else
        st = write_data(c, data, err);
    const char *extra[] = {blocks, folders, title, ""};
    struct plot_job job = {"compare", data, png, shown_png, shown, extra, 4,
                           *limits};
    if (st == PLOT_OK)
        st = plot_script(&job, err);
    if (st == PLOT_OK && !quiet)
        fprintf(stderr, "stampede: %s\n", shown_png);
    free(data);
    free(png);
    free(shown_png);
    free(blocks);
    free(folders);
    return st;
}
