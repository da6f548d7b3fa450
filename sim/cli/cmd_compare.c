/*
 * cmd_compare.c — `stampede compare`: result folders side by side.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "kernel/strutil.h"
#include "output/compare_plot.h"
#include "output/comparison_out.h"
#include "output/outdir.h"
#include "output/outfile.h"

static const char USAGE[] =
    "Usage: stampede compare DIR1 DIR2 [DIR3]... [--out DIR] [--no-plot]\n"
    "                        [--format text|json|csv|markdown] [--quiet]\n"
    "                        [--plot-timeout S]\n"
    "\n"
    "Puts the results of two or more runs side by side (folders 'stampede\n"
    "run' wrote: the same scenario with other settings, or other\n"
    "scenarios), named A, B, C... in the order given. For each policy label,\n"
    "each metric of summary.json ('stampede metrics'): every folder's value\n"
    "(the mean over its replications, with its 95 % half-width), its\n"
    "difference from A's, and whether the two 95 % intervals separate\n"
    "(\"separate\": the difference is not chance; \"overlap\": it may be; with\n"
    "one replication there is no interval: \"cannot tell\" — rerun with\n"
    "--reps). Metrics no folder has are left out. Each folder after A is\n"
    "said to differ from A in the fields of its scenario.json that do\n"
    "(\"differs from A: cache.ttl 20 -> 5\").\n"
    "\n"
    "Writes into DIR (default results/compare/; a rerun replaces it):\n"
    "  compare.json        the comparison, as --format json prints it\n"
    "  compare.png         the timelines overlaid: hit ratio, queries at the\n"
    "                      database, p99 latency and errors; a colour per\n"
    "                      label, a dash pattern per folder (gnuplot, from\n"
    "                      compare_figure.dat)\n"
    "\n"
    "Options:\n"
    "  --out DIR          where to write\n"
    "  --no-plot          no figure\n"
    "  --plot-timeout S   stop gnuplot after S seconds (default 60)\n"
    "  --format FORMAT    stdout: text (default), json, csv or markdown\n"
    "  --quiet            no progress on stderr\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 done, 1 failure (or the figure failed: the rest is\n"
    "written; or another command is writing DIR), 2 bad usage or a folder\n"
    "that is not a run's results, 130/143 interrupted.\n";

struct compare_options {
    const char *out_dir;
    bool no_plot, quiet;
    double plot_timeout;
    enum out_format format;
    const char **dirs;
    size_t n_dirs;
};

static int parse_options(int argc, char **argv, struct compare_options *o)
{
    static const struct option OPTIONS[] = {
        {"out", required_argument, NULL, 'o'},
        {"no-plot", no_argument, NULL, 'N'},
        {"format", required_argument, NULL, 'T'},
        {"quiet", no_argument, NULL, 'q'},
        {"plot-timeout", required_argument, NULL, 'Y'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":hq", OPTIONS, NULL)) != -1) {
        switch (c) {
        case 'o':
            if (cli_out_dir_option("compare", optarg, &o->out_dir))
                return EXIT_USAGE;
            break;
        case 'N': o->no_plot = true; break;
        case 'q': o->quiet = true; break;
        case 'Y':
            if (cli_plot_timeout_option("compare", optarg, &o->plot_timeout))
                return EXIT_USAGE;
            break;
        case 'T':
            if (cli_format_option("compare", optarg, &o->format))
                return EXIT_USAGE;
            break;
        case 'h': fputs(USAGE, stdout); return -1;
        default: return cli_getopt_error("compare", c, argv);
        }
    }
    if (argc - optind < 2)
        return cli_usage_error("compare", "give two or more result folders "
                               "(what 'stampede run --out DIR' wrote)");
    o->dirs = (const char **)argv + optind;
    o->n_dirs = (size_t)(argc - optind);
    return EXIT_OK;
}

/* compare.json and the figure into the directory being written, which
 * then replaces DIR: compare.json whole or not at all; the figure when
 * gnuplot can draw it. */
static int write_files(const struct comparison *c,
                       const struct compare_options *o, struct outdir *out,
                       const struct cli_env *env)
{
    char err[1024];
    const char *dir = out->path;
    char *json = str_printf("%s/compare.json", out->tmp);
    struct outfile f;
    bool ok = json && outfile_open(&f, json, err, sizeof err);
    if (ok) {
        comparison_write(f.fp, c, ROWS_ALL, FORMAT_JSON);
        ok = outfile_commit(&f, err, sizeof err);
    }
    if (!json)
        snprintf(err, sizeof err, "out of memory");
    free(json);
    if (!ok)
        return cli_results_failed("compare", out, err, env);
    int status = EXIT_OK;
    if (!o->no_plot) {
        char title[256] = "";
        for (size_t i = 0; i < c->n_folders; i++) {
            size_t len = strlen(title);
            snprintf(title + len, sizeof title - len, "%s%s %s",
                     i ? " vs " : "", c->folders[i].name,
                     c->folders[i].scenario);
        }
        struct plot_limits limits = {o->plot_timeout, env->stop};
        struct plot_error perr;
        enum plot_status st = compare_plot_render(c, out->tmp, dir, title,
                                                  o->quiet, &limits, &perr);
        status = cli_figures_outcome("compare", out, st, &perr, env);
        if (!out->tmp)
            return status;   /* the figure could not be written */
    }
    if (!outdir_commit(out, err, sizeof err)) {
        fprintf(stderr, "stampede compare: %s\n", err);
        return EXIT_FAILED;
    }
    if (!o->quiet)
        fprintf(stderr, "stampede: %s/compare.json\n", dir);
    return *env->stop ? cli_signal_status(env) : status;
}

int cmd_compare(int argc, char **argv, const struct cli_env *env)
{
    struct compare_options o = {.plot_timeout = PLOT_TIMEOUT_DEFAULT};
    int status = parse_options(argc, argv, &o);
    if (status != EXIT_OK)
        return status < 0 ? EXIT_OK : status;
    const char *dir = o.out_dir ? o.out_dir : "results/compare";
    if ((status = cli_results_dir("compare", dir)) != EXIT_OK)
        return status;
    struct outdir out;
    if (!cli_begin_results("compare", &out, dir))
        return EXIT_FAILED;
    char err[1024];
    struct comparison c;
    if (!comparison_of_folders(o.dirs, o.n_dirs, &c, err, sizeof err)) {
        fprintf(stderr, "stampede compare: %s\n", err);
        comparison_free(&c);
        outdir_abort(&out);
        return EXIT_USAGE;
    }
    comparison_write(stdout, &c, ROWS_ALL, o.format);
    fflush(stdout);
    status = write_files(&c, &o, &out, env);
    outdir_abort(&out);
    comparison_free(&c);
    return status;
}
