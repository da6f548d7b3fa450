/*
 * plot.c — see plot.h.
 */
#include "output/plot.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/datadir.h"
#include "kernel/strutil.h"
#include "output/outfile.h"
#include "output/plot_input.h"
#include "output/subprocess.h"

/* The figures, each a script plots/NAME.gp writing NAME.png at the size
 * the script chooses. */
static const char *const FIGURES[] = {"hit_ratio", "db_load", "latency",
                                      "comparison"};
#define N_FIGURES (sizeof FIGURES / sizeof FIGURES[0])

/* Where the scripts are: $STAMPEDE_PLOTS; else, in the directory above
 * the binary's, plots/ (build/stampede in a checkout) or
 * share/stampede/plots (an installed bin/stampede); else ./plots. NULL if
 * memory runs out. */
static char *scripts_dir(void)
{
    static const char *const BESIDE[] = {"plots", "share/stampede/plots"};
    struct data_dir d = {.env = "STAMPEDE_PLOTS", .beside = BESIDE,
                         .n_beside = 2, .probe = "common.gp",
                         .fallback = "plots"};
    return data_dir_find(&d);
}

static enum plot_status fail(struct plot_error *err, enum plot_status status,
                             const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum plot_status fail(struct plot_error *err, enum plot_status status,
                             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

/* Why gnuplot did not produce a figure, for the user. */
static enum plot_status gnuplot_failed(struct subprocess_result *r,
                                       const struct plot_job *job,
                                       const char *script,
                                       struct plot_error *err)
{
    const char *shown = job->shown ? job->shown : job->png;
    if (r->spawn_error == ENOENT)
        return fail(err, PLOT_NO_GNUPLOT, "gnuplot is not installed "
                    "(apt-get install gnuplot-nox); the data in %s is "
                    "unaffected", job->dir);
    if (r->spawn_error != 0)
        return fail(err, PLOT_FAILED, "cannot start gnuplot: %s; the data in "
                    "%s is unaffected", strerror(r->spawn_error), job->dir);
    if (r->stopped)
        return fail(err, PLOT_INTERRUPTED, "%s: gnuplot stopped: the command "
                    "was interrupted", shown);
    if (r->timed_out)
        return fail(err, PLOT_FAILED, "%s: gnuplot took longer than %g s on "
                    "%s and was stopped (--plot-timeout)", shown,
                    job->limits.timeout_s, script);
    if (r->status == 128 + SIGXFSZ)
        return fail(err, PLOT_WRITE_FAILED, "%s: cannot write: the file size "
                    "limit (ulimit -f) stopped gnuplot", shown);
    err->detail = r->err;
    r->err = NULL;
    return fail(err, PLOT_FAILED, "gnuplot failed on %s (exit status %d); "
                "the data in %s is unaffected", script, r->status, job->dir);
}

bool plot_png_whole(const char *path)
{
    static const unsigned char SIGNATURE[8] = {0x89, 'P', 'N', 'G',
                                               '\r', '\n', 0x1a, '\n'};
    /* length 0, "IEND", and the CRC of "IEND" */
    static const unsigned char IEND[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D',
                                           0xae, 0x42, 0x60, 0x82};
    unsigned char head[8], tail[12];
    FILE *f = fopen(path, "rb");
    bool ok = f && fread(head, 1, 8, f) == 8 &&
              memcmp(head, SIGNATURE, 8) == 0 && fseek(f, -12, SEEK_END) == 0 &&
              fread(tail, 1, 12, f) == 12 && memcmp(tail, IEND, 12) == 0;
    if (f)
        fclose(f);
    return ok;
}

/* Runs one script into a temporary file beside `png` and renames it into
 * place once gnuplot succeeded and left a whole PNG. The temporary comes
 * from outfile_open: gnuplot writes it by name, and committing the
 * untouched stream only renames it (a stream nothing was written to
 * flushes nothing). */
static enum plot_status render_one(const struct plot_job *job,
                                   const char *script, struct plot_error *err)
{
    const char *shown = job->shown ? job->shown : job->png;
    struct outfile f;
    if (!outfile_open(&f, job->png, err->message, sizeof err->message))
        return PLOT_WRITE_FAILED;
    fcntl(fileno(f.fp), F_SETFD, FD_CLOEXEC);
    const char *argv[16] = {"gnuplot", "-c", script, job->data, f.tmp_path};
    size_t n = 5;
    for (size_t i = 0; i < job->n_extra && n < 15; i++)
        argv[n++] = job->extra[i];
    argv[n] = NULL;
    struct subprocess_result r;
    struct subprocess_limits lim = {job->limits.timeout_s, job->limits.stop};
    if (!subprocess_run(argv, &lim, &r)) {
        outfile_abort(&f);
        return fail(err, PLOT_FAILED, "cannot run gnuplot: %s",
                    strerror(errno));
    }
    enum plot_status status = PLOT_OK;
    struct stat st;
    if (r.spawn_error != 0 || r.status != 0 || r.stopped || r.timed_out)
        status = gnuplot_failed(&r, job, script, err);
    else if (stat(f.tmp_path, &st) != 0 || st.st_size == 0)
        status = fail(err, PLOT_WRITE_FAILED, "%s: cannot write: gnuplot "
                      "wrote nothing (%s; a full disk?)", shown, script);
    else if (!plot_png_whole(f.tmp_path))
        status = fail(err, PLOT_WRITE_FAILED, "%s: cannot write: gnuplot "
                      "left the figure cut short (a full disk?)", shown);
    subprocess_result_free(&r);
    if (status != PLOT_OK)
        outfile_abort(&f);
    else if (!outfile_commit(&f, err->message, sizeof err->message))
        status = PLOT_WRITE_FAILED;
    return status;
}

enum plot_status plot_script(const struct plot_job *job,
                             struct plot_error *err)
{
    err->message[0] = '\0';
    err->detail = NULL;
    char *scripts = scripts_dir();
    char *script = scripts ? str_printf("%s/%s.gp", scripts, job->name)
                           : NULL;
    enum plot_status status;
    if (!script)
        status = fail(err, PLOT_FAILED, "out of memory");
    else if (access(script, R_OK) != 0)
        status = fail(err, PLOT_FAILED, "%s: cannot read the gnuplot "
                      "script: %s (set STAMPEDE_PLOTS to the directory of "
                      "the scripts)", script, strerror(errno));
    else if (job->limits.stop && *job->limits.stop)
        status = fail(err, PLOT_INTERRUPTED, "interrupted before %s",
                      job->shown ? job->shown : job->png);
    else
        status = render_one(job, script, err);
    free(script);
    free(scripts);
    return status;
}

static enum plot_status render_all(const struct plot_request *req,
                                   const struct plot_input *in,
                                   const char *out_dir, struct plot_error *err)
{
    /* after DATA and PNG, in the order of plots/common.gp; "" leaves the
     * size to the script */
    const char *extra[] = {"", in->title, in->labels, in->warmup,
                           in->capacity, in->incidents, in->slo};
    const char *shown_dir = req->shown ? req->shown : out_dir;
    enum plot_status status = PLOT_OK;
    for (size_t i = 0; status == PLOT_OK && i < N_FIGURES; i++) {
        char *png = str_printf("%s/%s.png", out_dir, FIGURES[i]);
        char *shown = str_printf("%s/%s.png", shown_dir, FIGURES[i]);
        if (!png || !shown) {
            status = fail(err, PLOT_FAILED, "out of memory");
            free(png);
            free(shown);
            break;
        }
        if (req->progress)
            fprintf(req->progress, "stampede: plotting %s\n", shown);
        struct plot_job job = {FIGURES[i], in->csv, png, shown,
                               req->shown ? req->shown : req->dir, extra, 7,
                               req->limits};
        status = plot_script(&job, err);
        if (status == PLOT_OK && req->written)
            fprintf(req->written, "%s\n", shown);
        free(png);
        free(shown);
    }
    return status;
}

void plot_axis_label(const struct metric_info *m, char *out, size_t n)
{
    static const struct {
        const char *unit, *said[3];   /* ... said by any of these */
    } SHOWN[] = {
        {"s", {"(s)", " s)", NULL}},
        {"ms", {"(ms)", " ms)", NULL}},
        {"1/s", {"/s", "per second", NULL}},
    };
    const char *unit = NULL;
    for (size_t i = 0; i < sizeof SHOWN / sizeof SHOWN[0]; i++) {
        if (strcmp(m->unit ? m->unit : "", SHOWN[i].unit) != 0)
            continue;
        unit = SHOWN[i].unit;
        for (size_t k = 0; k < 3 && SHOWN[i].said[k]; k++)
            if (strstr(m->label, SHOWN[i].said[k]))
                unit = NULL;
    }
    if (unit)
        snprintf(out, n, "%s (%s)", m->label, strcmp(unit, "1/s") == 0
                                                  ? "per second" : unit);
    else
        snprintf(out, n, "%s", m->label);
}

bool axis_scale_parse(const char *text, enum axis_scale *out)
{
    static const char *const WORDS[] = {"auto", "on", "off"};
    for (int i = 0; i < 3; i++)
        if (strcmp(text, WORDS[i]) == 0) {
            *out = (enum axis_scale)i;
            return true;
        }
    return false;
}

/* The capacity argument's scale= word for each enum axis_scale. */
static const char *const SCALE_WORDS[] = {"auto", "log", "linear"};

enum plot_status plot_render(const struct plot_request *req,
                             struct plot_error *err)
{
    err->message[0] = '\0';
    err->detail = NULL;
    const char *out_dir = req->out_dir ? req->out_dir : req->dir;
    struct plot_input in;
    enum plot_input_status read =
        plot_input_read(req->dir, SCALE_WORDS[req->log_y], &in, err->message,
                        sizeof err->message);
    if (read != PLOT_INPUT_OK)
        return read == PLOT_INPUT_BAD ? PLOT_BAD_INPUT : PLOT_FAILED;
    enum plot_status status;
    if (!outfile_mkdirs(out_dir, err->message, sizeof err->message))
        status = PLOT_WRITE_FAILED;
    else
        status = render_all(req, &in, out_dir, err);
    plot_input_free(&in);
    return status;
}

void plot_error_print(const char *command, const struct plot_error *err,
                      FILE *out)
{
    fprintf(out, "stampede %s: %s\n", command, err->message);
    size_t n = err->detail ? strlen(err->detail) : 0;
    if (n > 0)
        fprintf(out, "%s%s", err->detail, err->detail[n - 1] == '\n' ? "" : "\n");
}

void plot_error_free(struct plot_error *err)
{
    free(err->detail);
    err->detail = NULL;
}
