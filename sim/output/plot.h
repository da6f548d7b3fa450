/*
 * plot.h — the figures of a run: gnuplot renders the scripts in plots/
 * from a run directory (timeseries.csv, summary.json, scenario.json) into
 * hit_ratio.png, db_load.png, latency.png and comparison.png.
 *
 * gnuplot is started without a shell, its arguments passed as argv
 * entries (plots/common.gp documents them). Each PNG is written to a
 * temporary name beside its final one and renamed into place only once
 * gnuplot has succeeded, like every output (outfile.h). The data files
 * are only read.
 */
#ifndef STAMPEDE_PLOT_H
#define STAMPEDE_PLOT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "metric_registry.h"

enum plot_status {
    PLOT_OK,
    PLOT_BAD_INPUT,     /* the run directory or one of its files is
                           missing or unreadable */
    PLOT_NO_GNUPLOT,    /* gnuplot is not on PATH */
    PLOT_FAILED,        /* gnuplot failed or took too long */
    PLOT_WRITE_FAILED,  /* a file could not be written whole (a full disk,
                           the file size limit): the results being
                           written are not whole either (outdir.h) */
    PLOT_INTERRUPTED,   /* the stop flag was set: gnuplot was stopped */
};

/* What gnuplot may take: each figure at most timeout_s seconds (the
 * --plot-timeout of the commands that draw), and none once the stop flag
 * is set. */
struct plot_limits {
    double timeout_s;                    /* <= 0: no limit */
    const volatile sig_atomic_t *stop;   /* may be NULL */
};

/* --plot-timeout's default, in seconds: a figure takes a second or two. */
#define PLOT_TIMEOUT_DEFAULT 60.0

struct plot_error {
    char message[1024];   /* one line, naming the file concerned */
    char *detail;         /* gnuplot's stderr when it failed, or NULL;
                             plot_error_free() frees it */
};

/* How a figure's value axis is scaled: log where the values span
 * decades (auto), always, or never. */
enum axis_scale { AXIS_AUTO, AXIS_LOG, AXIS_LINEAR };

/* A value axis' label for metric m: its label from the registry, with
 * its unit of time or rate after it ("stall after a holder crash (s)")
 * unless the label says it already ("p99 latency (ms)", "recomputes per
 * second"). A count's unit (queries, locks) or a ratio's is the axis'
 * numbers themselves: not repeated. */
void plot_axis_label(const struct metric_info *m, char *out, size_t n);

/* "auto", "on" or "off" (the words of --log-y) into *out; false if none. */
bool axis_scale_parse(const char *text, enum axis_scale *out);

struct plot_request {
    const char *dir;       /* the run directory */
    const char *out_dir;   /* where the PNGs go; NULL: dir */
    const char *shown;     /* out_dir as messages name it; NULL: out_dir */
    struct plot_limits limits;
    FILE *progress;        /* a line per figure; NULL: none */
    FILE *written;         /* the path of each PNG written; NULL: none */
    enum axis_scale log_y; /* the database panels' value axis */
};

/* Renders every figure. Stops at the first failure, with the reason in
 * *err; figures already rendered stay, the others keep their previous
 * file, if any. */
enum plot_status plot_render(const struct plot_request *req,
                             struct plot_error *err);

/* "stampede COMMAND: message", then gnuplot's stderr if any. */
void plot_error_print(const char *command, const struct plot_error *err,
                      FILE *out);
void plot_error_free(struct plot_error *err);

/* One figure: plots/NAME.gp run as
 *     gnuplot -c SCRIPT DATA TMP EXTRA...
 * into `png` (TMP is a temporary name renamed to `png` once gnuplot has
 * succeeded and the file is a whole PNG). */
struct plot_job {
    const char *name;               /* the script, plots/NAME.gp */
    const char *data;               /* its data file */
    const char *png;                /* where the figure goes */
    const char *shown;              /* the figure as messages name it (the
                                       directory being written is not
                                       where the user will look); NULL:
                                       png */
    const char *dir;                /* names the data in messages */
    const char *const *extra;       /* the script's further arguments */
    size_t n_extra;
    struct plot_limits limits;
};

/* Renders one figure. *err is always set (free it). */
enum plot_status plot_script(const struct plot_job *job,
                             struct plot_error *err);

/* Whether the file is a whole PNG: its signature first, and last the
 * IEND chunk that ends every PNG (gnuplot exits 0 when the disk fills
 * under it, leaving a figure cut short). */
bool plot_png_whole(const char *path);

#endif
