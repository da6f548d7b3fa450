/*
 * cmd_fit.c — `stampede fit`: a distribution for measured samples.
 *
 * Reads the samples as an empirical distribution would (one a line,
 * samples.h), fits a lognormal and a gamma (kernel/fit.h), and prints the
 * samples' numbers beside each model's, the Kolmogorov–Smirnov distance of
 * each, a table of quantiles (a QQ plot in numbers), and the JSON to paste
 * into a scenario. --plot draws the QQ plot with gnuplot.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "kernel/dist.h"
#include "kernel/fit.h"
#include "kernel/samples.h"
#include "kernel/strutil.h"
#include "output/outfile.h"
#include "output/plot.h"

static const char USAGE[] =
    "Usage: stampede fit FILE [--unit UNIT] [--plot PNG]\n"
    "\n"
    "Fits a lognormal and a gamma distribution to measured samples (a\n"
    "recompute time, a query latency) by maximum likelihood, and says how\n"
    "well each fits. FILE holds one sample a line: a number in UNIT, or a\n"
    "duration with its own (\"12.5ms\"); blank lines, '#' comments and a\n"
    "header line are skipped; it may be gzip-compressed. Every sample must\n"
    "be above 0.\n"
    "\n"
    "Prints the samples' mean, cv and quantiles beside each fit's, the\n"
    "Kolmogorov-Smirnov distance of each fit (the largest gap between the\n"
    "samples' cumulative distribution and the model's; above 1.36/sqrt(n)\n"
    "the model is rejected at 5 %), and the JSON to paste into a scenario:\n"
    "the better fit, or the samples themselves as an empirical\n"
    "distribution.\n"
    "\n"
    "Options:\n"
    "  --unit UNIT  what a bare number means: ns, us, ms, s (default), m, h\n"
    "  --plot PNG   draw the QQ plot (each fit's quantiles against the\n"
    "               samples') into PNG with gnuplot, its data beside it\n"
    "               (PNG with .csv for .png)\n"
    "  -h, --help   show this help\n"
    "\n"
    "Exit status: 0 done, 1 gnuplot failed, 2 bad usage or a bad file.\n";

static const char *const MODEL_NAMES[] = {"lognormal", "gamma"};

/* The quantiles of the table, and their names. */
static const double QUANTILES[] = {0.5, 0.9, 0.99, 0.999};
static const char *const QUANTILE_NAMES[] = {"p50", "p90", "p99", "p99.9"};
#define N_QUANTILES (sizeof QUANTILES / sizeof QUANTILES[0])

struct fit_options {
    const char *file;
    int unit;            /* index in SAMPLE_UNITS */
    const char *plot;
};

static int parse_unit(const char *text, int *unit)
{
    for (int i = 0; SAMPLE_UNITS[i]; i++)
        if (strcmp(text, SAMPLE_UNITS[i]) == 0) {
            *unit = i;
            return EXIT_OK;
        }
    return cli_usage_error("fit", "--unit: expected ns, us, ms, s, m or h, "
                           "got \"%s\"", text);
}

/* EXIT_OK, or the status to exit with (-1: help was shown). */
static int parse_options(int argc, char **argv, struct fit_options *o)
{
    static const struct option OPTIONS[] = {
        {"unit", required_argument, NULL, 'u'},
        {"plot", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    optind = 1;
    o->unit = 3;   /* s */
    while ((c = getopt_long(argc, argv, ":h", OPTIONS, NULL)) != -1) {
        switch (c) {
        case 'u':
            if (parse_unit(optarg, &o->unit) != EXIT_OK)
                return EXIT_USAGE;
            break;
        case 'p': o->plot = optarg; break;
        case 'h': fputs(USAGE, stdout); return -1;
        default: return cli_getopt_error("fit", c, argv);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("fit", optind == argc ? "missing the samples "
                               "file" : "one samples file, please");
    o->file = argv[optind];
    return EXIT_OK;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static const char *dur(double seconds, char buf[32])
{
    duration_format(seconds, buf, 32);
    return buf;
}

static void print_table(const double *x, size_t n, const struct fit_result *f,
                        FILE *out)
{
    struct sample_summary s;
    fit_summarize(x, n, &s);
    char a[32], b[32], c[32];
    fprintf(out, "%-10s %-12s %-12s %-12s\n", "", "samples", "lognormal",
            "gamma");
    fprintf(out, "%-10s %-12s %-12s %-12s\n", "mean", dur(s.mean, a),
            dur(f[0].mean, b), dur(f[1].mean, c));
    fprintf(out, "%-10s %-12.4g %-12.4g %-12.4g\n", "cv", s.cv, f[0].cv,
            f[1].cv);
    for (size_t i = 0; i < N_QUANTILES; i++)
        fprintf(out, "%-10s %-12s %-12s %-12s\n", QUANTILE_NAMES[i],
                dur(fit_sample_quantile(x, n, QUANTILES[i]), a),
                dur(fit_quantile(&f[0], QUANTILES[i]), b),
                dur(fit_quantile(&f[1], QUANTILES[i]), c));
    fprintf(out, "%-10s %-12s %-12.4f %-12.4f (5%% bound for %zu samples: "
            "%.4f)\n", "KS", "-", f[0].ks, f[1].ks, n, fit_ks_bound(n));
    fprintf(out, "%-10s %s .. %s\n", "range", dur(s.min, a), dur(s.max, b));
}

/* What to paste: the better fit, and the samples themselves. */
static void print_snippets(const char *file, int unit,
                           const struct fit_result *f, size_t n, FILE *out)
{
    const struct fit_result *best = f[1].ks < f[0].ks ? &f[1] : &f[0];
    bool fits = best->ks <= fit_ks_bound(n);
    char mean[32];
    duration_format(best->mean, mean, sizeof mean);
    fprintf(out, "\n%s fits better (the smaller KS distance), %s the 5%% "
            "bound.\n", MODEL_NAMES[best->model],
            fits ? "within" : "but beyond");
    fprintf(out, "Paste as the distribution, the fit by its mean and cv:\n"
            "  {\"dist\": \"%s\", \"mean\": \"%s\", \"cv\": %.4g}\n",
            MODEL_NAMES[best->model], mean, best->cv);
    fprintf(out, "or the samples themselves (the file relative to the "
            "scenario's folder):\n  {\"dist\": \"empirical\", \"file\": "
            "\"%s\", \"unit\": \"%s\"}\n", file, SAMPLE_UNITS[unit]);
}

/* The QQ data: p, then each quantile in the file's unit. */
static bool write_qq(const char *path, const double *x, size_t n,
                     const struct fit_result *f, double unit, char *err,
                     size_t err_n)
{
    struct outfile o;
    if (!outfile_open(&o, path, err, err_n))
        return false;
    fprintf(o.fp, "p,samples,lognormal,gamma\n");
    for (int i = 1; i < 200; i++) {
        double p = i / 200.0;
        fprintf(o.fp, "%.4f,%.9g,%.9g,%.9g\n", p,
                fit_sample_quantile(x, n, p) / unit,
                fit_quantile(&f[0], p) / unit, fit_quantile(&f[1], p) / unit);
    }
    for (double p = 0.999; p < 1 - 0.5 / (double)n; p = 1 - (1 - p) / 10)
        fprintf(o.fp, "%.6f,%.9g,%.9g,%.9g\n", p,
                fit_sample_quantile(x, n, p) / unit,
                fit_quantile(&f[0], p) / unit, fit_quantile(&f[1], p) / unit);
    return outfile_commit(&o, err, err_n);
}

static int plot_qq(const struct fit_options *o, const double *x, size_t n,
                   const struct fit_result *f, const struct cli_env *env)
{
    size_t len = strlen(o->plot);
    bool png = len > 4 && strcmp(o->plot + len - 4, ".png") == 0;
    char *data = str_printf("%.*s.csv", (int)(png ? len - 4 : len), o->plot);
    char err[512];
    struct plot_error pe = {{0}, NULL};
    int status = EXIT_OK;
    if (!data || !write_qq(data, x, n, f, sample_unit_seconds(o->unit), err,
                           sizeof err)) {
        fprintf(stderr, "stampede fit: %s\n", data ? err : "out of memory");
        status = EXIT_FAILED;
    } else {
        const char *extra[] = {"", o->file, SAMPLE_UNITS[o->unit]};
        struct plot_job job = {"fit", data, o->plot, NULL, data, extra, 3,
                               {PLOT_TIMEOUT_DEFAULT, env->stop}};
        if (plot_script(&job, &pe) != PLOT_OK) {
            plot_error_print("fit", &pe, stderr);
            status = EXIT_FAILED;
        } else {
            printf("\nQQ plot: %s (data: %s)\n", o->plot, data);
        }
    }
    plot_error_free(&pe);
    free(data);
    return status;
}

int cmd_fit(int argc, char **argv, const struct cli_env *env)
{
    struct fit_options o = {0};
    int status = parse_options(argc, argv, &o);
    if (status != EXIT_OK)
        return status < 0 ? EXIT_OK : status;
    double *x;
    size_t n;
    struct data_error e;
    if (!samples_read(o.file, sample_unit_seconds(o.unit), DIST_MAX_SAMPLES,
                      &x, &n, &e)) {
        if (e.line > 0)
            fprintf(stderr, "%s:%ld:%ld: %s\n", o.file, e.line,
                    e.col > 0 ? e.col : 1, e.message);
        else
            fprintf(stderr, "stampede fit: %s: %s\n", o.file, e.message);
        return EXIT_USAGE;
    }
    qsort(x, n, sizeof *x, by_value);
    struct fit_result f[N_FIT_MODELS];
    if (!fit_model(FIT_LOGNORMAL, x, n, &f[0]) ||
        !fit_model(FIT_GAMMA, x, n, &f[1])) {
        fprintf(stderr, "stampede fit: %s: %s\n", o.file, n < 2
                ? "at least two samples are needed"
                : x[0] <= 0 ? "every sample must be above 0 (a lognormal or "
                              "a gamma has no zero)"
                            : "every sample is the same: a constant");
        free(x);
        return EXIT_USAGE;
    }
    printf("%zu samples from %s (unit %s)\n\n", n, o.file,
           SAMPLE_UNITS[o.unit]);
    print_table(x, n, f, stdout);
    print_snippets(o.file, o.unit, f, n, stdout);
    if (o.plot)
        status = plot_qq(&o, x, n, f, env);
    free(x);
    return status;
}
