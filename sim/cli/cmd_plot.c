/*
 * cmd_plot.c — `stampede plot`: the figures of a run directory.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "output/outdir.h"
#include "output/outfile.h"
#include "output/plot.h"

static const char USAGE[] =
    "Usage: stampede plot DIR [--out DIR2] [--log-y auto|on|off] [--quiet]\n"
    "\n"
    "Draws the figures of a run with gnuplot, from what 'stampede run' wrote\n"
    "into DIR (timeseries.csv, summary.json, scenario.json):\n"
    "  hit_ratio.png   the hit ratio over time, per policy\n"
    "  db_load.png     queries at the database and queries per second,\n"
    "                  against its capacity and connection limit\n"
    "  latency.png     p50 and p99 latency (log scale) and the error rate\n"
    "  comparison.png  hit ratio, database load and p99 latency with the\n"
    "                  errors on one time axis: the figure for a postmortem\n"
    "Incidents of the scenario's timeline are dashed vertical lines; the\n"
    "warmup is shaded. With an slo, latency.png and comparison.png draw its\n"
    "p99 and a panel of the windows out of it per policy, with the time\n"
    "each took to recover. Prints the path of each image written. The\n"
    "scripts are in plots/ ($STAMPEDE_PLOTS to use others); 'gnuplot -c\n"
    "plots/NAME.gp' runs them by hand (their arguments are at their top).\n"
    "\n"
    "Options:\n"
    "  --out DIR2    write the images into DIR2 (default: DIR)\n"
    "  --log-y WHEN  the database panels (queries at the database, queries\n"
    "                per second) on a log scale (log(1 + y), so that 0\n"
    "                shows): auto (default: where their lines and limits\n"
    "                span more than a decade), on, or off; latency is\n"
    "                always on a log scale\n"
    "  --plot-timeout S\n"
    "                stop gnuplot after S seconds on one figure (default 60;\n"
    "                a duration such as 2m also); the figure is then not\n"
    "                written and the exit status is 1\n"
    "  --quiet       no progress on stderr\n"
    "  -h, --help    show this help\n"
    "\n"
    "Only whole figures are written (a PNG gnuplot left cut short, on a full\n"
    "disk, is not). One command at a time writes into a directory: another\n"
    "'stampede plot' or 'run' aimed at it meanwhile is refused (exit 1).\n"
    "\n"
    "Exit status: 0 done, 1 gnuplot is missing, failed or took too long, or\n"
    "another command is writing there (the data is left as it was), 2 bad\n"
    "usage or DIR is not a run directory, 130/143 interrupted (gnuplot is\n"
    "stopped at once).\n";

struct plot_options {
    const char *dir;
    const char *out_dir;
    bool quiet;
    enum axis_scale log_y;
    double plot_timeout;
};

/* EXIT_OK, or the status to exit with (-1: help was shown). */
static int parse_options(int argc, char **argv, struct plot_options *o)
{
    static const struct option OPTIONS[] = {
        {"out", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"log-y", required_argument, NULL, 'L'},
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
            if (cli_out_dir_option("plot", optarg, &o->out_dir))
                return EXIT_USAGE;
            break;
        case 'q': o->quiet = true; break;
        case 'Y':
            if (cli_plot_timeout_option("plot", optarg, &o->plot_timeout))
                return EXIT_USAGE;
            break;
        case 'L':
            if (cli_axis_option("plot", "--log-y", optarg, &o->log_y))
                return EXIT_USAGE;
            break;
        case 'h': fputs(USAGE, stdout); return -1;
        default: return cli_getopt_error("plot", c, argv);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("plot", optind >= argc
                                           ? "which run? give the directory "
                                             "'stampede run' wrote"
                                           : "give one run directory");
    o->dir = argv[optind];
    return EXIT_OK;
}

int cmd_plot_dir(const char *command, const struct plot_request *req,
                 const struct cli_env *env)
{
    struct plot_error err;
    enum plot_status status = plot_render(req, &err);
    if (status != PLOT_OK && (status == PLOT_INTERRUPTED || *env->stop)) {
        plot_error_free(&err);
        return cli_signal_status(env);
    }
    if (status != PLOT_OK)
        plot_error_print(command, &err, stderr);
    plot_error_free(&err);
    return status == PLOT_OK          ? EXIT_OK
           : status == PLOT_BAD_INPUT ? EXIT_USAGE
                                      : EXIT_FAILED;
}

int cmd_plot(int argc, char **argv, const struct cli_env *env)
{
    struct plot_options o = {.plot_timeout = PLOT_TIMEOUT_DEFAULT};
    int status = parse_options(argc, argv, &o);
    if (status != EXIT_OK)
        return status < 0 ? EXIT_OK : status;
    /* one writer per folder: the one the figures go into */
    const char *into = o.out_dir ? o.out_dir : o.dir;
    char err[1024];
    struct dirlock lock = {-1, NULL};
    struct stat st;
    if (o.out_dir && !outfile_mkdirs(o.out_dir, err, sizeof err)) {
        fprintf(stderr, "stampede plot: %s\n", err);
        return EXIT_FAILED;
    }
    if (stat(into, &st) == 0 && S_ISDIR(st.st_mode) &&
        !outdir_lock_in_place(&lock, into, err, sizeof err)) {
        fprintf(stderr, "stampede plot: %s\n", err);
        return EXIT_FAILED;
    }
    struct plot_request req = {
        .dir = o.dir, .out_dir = o.out_dir,
        .limits = {o.plot_timeout, env->stop},
        .progress = o.quiet ? NULL : stderr, .written = stdout,
        .log_y = o.log_y,
    };
    status = cmd_plot_dir("plot", &req, env);
    dirlock_release(&lock);
    return status;
}
