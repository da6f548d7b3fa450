/*
 * cmd_report.c — `stampede report`: a run's results as one page.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "output/outdir.h"
#include "experiment/memguard.h"
#include "kernel/strutil.h"
#include "output/comparison.h"
#include "output/report_doc.h"
#include "scenario/scenario.h"

static const char USAGE[] =
    "Usage: stampede report DIR [--calibration DIR2] [--quiet]\n"
    "\n"
    "Writes the page to paste into a postmortem or a design review, from\n"
    "what 'stampede run' wrote into DIR:\n"
    "  DIR/report.html  self-contained (the figures embedded, no script,\n"
    "                   nothing fetched): open it, mail it, attach it\n"
    "  DIR/report.md    the same in Markdown, linking the figures beside it\n"
    "Both hold the scenario in words (as 'stampede check' says it, with its\n"
    "warnings), the policies compared with the first (each metric of the\n"
    "run table with its 95 % interval, the difference, and whether the\n"
    "intervals separate), each policy's verdict against the scenario's slo,\n"
    "the figures (drawn first if DIR has none, as 'stampede plot' does),\n"
    "and the calibration of DIR2 (or of DIR) when there is one.\n"
    "\n"
    "Options:\n"
    "  --calibration DIR2  a folder 'stampede calibrate' wrote: its\n"
    "                      recommendation, its table and calibrate.png\n"
    "  --quiet             no progress on stderr\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 done, 1 failure (a figure could not be drawn, a file\n"
    "not written), 2 bad usage or DIR is not a run's results.\n";

struct report_options {
    const char *dir, *calibration;
    bool quiet;
};

static int parse_options(int argc, char **argv, struct report_options *o)
{
    static const struct option OPTIONS[] = {
        {"calibration", required_argument, NULL, 'c'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":hq", OPTIONS, NULL)) != -1) {
        switch (c) {
        case 'c': o->calibration = optarg; break;
        case 'q': o->quiet = true; break;
        case 'h': fputs(USAGE, stdout); return -1;
        default: return cli_getopt_error("report", c, argv);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("report", optind >= argc
                                             ? "which run? give the directory "
                                               "'stampede run' wrote"
                                             : "give one run directory");
    o->dir = argv[optind];
    return EXIT_OK;
}

static bool has_file(const char *dir, const char *name)
{
    char *path = str_printf("%s/%s", dir, name);
    bool yes = path && access(path, R_OK) == 0;
    free(path);
    return yes;
}

/* The calibration to show: --calibration, or DIR's own; a folder without
 * calibrate.json is a usage error. */
static int calibration_dir(const struct report_options *o, const char **out)
{
    *out = NULL;
    if (!o->calibration) {
        if (has_file(o->dir, "calibrate.json"))
            *out = o->dir;
        return EXIT_OK;
    }
    if (!has_file(o->calibration, "calibrate.json"))
        return cli_usage_error("report", "--calibration %s: no calibrate.json "
                               "there (give the folder 'stampede calibrate' "
                               "wrote)", o->calibration);
    *out = o->calibration;
    return EXIT_OK;
}

/* What check prints for the scenario: the description, then the memory
 * line. NULL if memory runs out. */
static char *describe(const struct scenario *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return NULL;
    scenario_describe(s, mem);
    memguard_describe(s, memguard_default_limit(), mem);
    if (fclose(mem) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* The run's figures, drawn if DIR has none of them. */
static int ensure_figures(const struct report_options *o,
                          const struct cli_env *env)
{
    for (size_t i = 0; i < 4; i++)
        if (!has_file(o->dir, REPORT_FIGURES[i]))
            return cmd_plot_dir("report", &(struct plot_request){
                                    .dir = o->dir,
                                    .limits = {PLOT_TIMEOUT_DEFAULT,
                                               env->stop},
                                    .progress = o->quiet ? NULL : stderr,
                                    .log_y = AXIS_AUTO},
                                env);
    return EXIT_OK;
}

static int write_report(const struct report_options *o,
                        const struct scenario *s, const char *calibration)
{
    char err[1024];
    struct comparison c;
    if (!comparison_of_run(o->dir, &c, err, sizeof err)) {
        fprintf(stderr, "stampede report: %s\n", err);
        comparison_free(&c);
        return EXIT_USAGE;
    }
    struct scenario_errors w;
    scenario_warnings(s, &w);
    char *text = describe(s);
    struct report_doc r = {o->dir, o->dir, s, text ? text : "",
                           (const char *const *)w.lines, w.n, &c,
                           calibration};
    int status = EXIT_OK;
    if (!report_doc_write(&r, err, sizeof err)) {
        fprintf(stderr, "stampede report: %s\n", err);
        status = EXIT_FAILED;
    } else if (!o->quiet) {
        fprintf(stderr, "stampede: %s/report.html, %s/report.md\n", o->dir,
                o->dir);
    }
    free(text);
    scenario_errors_free(&w);
    comparison_free(&c);
    return status;
}

int cmd_report(int argc, char **argv, const struct cli_env *env)
{
    struct report_options o = {0};
    int status = parse_options(argc, argv, &o);
    if (status != EXIT_OK)
        return status < 0 ? EXIT_OK : status;
    const char *calibration;
    if ((status = calibration_dir(&o, &calibration)) != EXIT_OK)
        return status;
    char *path = str_printf("%s/scenario.json", o.dir);
    struct scenario_errors errors = {0};
    struct scenario *s = path && has_file(o.dir, "scenario.json")
                             ? scenario_load(path, NULL, 0, &errors)
                             : NULL;
    if (!s) {
        if (errors.n)
            scenario_errors_print(&errors, stderr);
        else
            fprintf(stderr, "stampede report: %s/scenario.json: cannot read "
                    "it: is %s the results of 'stampede run'?\n", o.dir,
                    o.dir);
        scenario_errors_free(&errors);
        free(path);
        return EXIT_USAGE;
    }
    /* one writer per folder: the figures and the report go into DIR */
    char err[1024];
    struct dirlock lock = {-1, NULL};
    if (!outdir_lock_in_place(&lock, o.dir, err, sizeof err)) {
        fprintf(stderr, "stampede report: %s\n", err);
        status = EXIT_FAILED;
    } else {
        status = ensure_figures(&o, env);
        if (status == EXIT_OK)
            status = write_report(&o, s, calibration);
    }
    dirlock_release(&lock);
    scenario_free(s);
    free(path);
    return status;
}
