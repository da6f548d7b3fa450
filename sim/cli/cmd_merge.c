/*
 * cmd_merge.c — `stampede merge`: joins the partial results of `run
 * --shard` or `sweep --shard` into the files the whole command writes.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "kernel/strutil.h"
#include "output/merge.h"
#include "output/outdir.h"
#include "output/report.h"
#include "scenario/scenario.h"

static const char USAGE[] =
    "Usage: stampede merge PART... [--out DIR] [--plot] [--no-plot]\n"
    "                      [--fail-on-slo] [--quiet]\n"
    "\n"
    "Joins the N partial result folders written by 'stampede run ... --reps\n"
    "R --shard I/N' or 'stampede sweep ... --shard I/N' (I = 1..N) into\n"
    "exactly the files the command writes without --shard, byte for byte:\n"
    "  run    timeseries.csv, summary.json, scenario.json (and the table on\n"
    "         stdout)\n"
    "  sweep  sweep.csv, its figures (a single --vary of numbers), and the\n"
    "         verdicts on stdout with --max or --min\n"
    "It refuses partials that are not the N slices of one command: another\n"
    "scenario, seed, grid, policies, replications, constraints, number of\n"
    "slices or version of stampede; a slice given twice or missing.\n"
    "\n"
    "Options:\n"
    "  --out DIR       where to write (default results/<name>/ for a run,\n"
    "                  results/<name>-sweep/ for a sweep)\n"
    "  --plot          a run: draw its figures too, as 'run --plot'\n"
    "  --no-plot       a sweep: write sweep.csv only, as 'sweep --no-plot'\n"
    "  --fail-on-slo   a run: exit with status 3 when a run of any policy\n"
    "                  broke the scenario's slo, as 'run --fail-on-slo'\n"
    "  --quiet         no progress on stderr\n"
    "  -h, --help      show this help\n"
    "\n"
    "Exit status: 0 done, 1 failure while writing (or plotting), 2 bad usage\n"
    "or partials that do not make one whole, 3 with --fail-on-slo: an\n"
    "objective broke.\n";

struct merge_options {
    const char *out_dir;
    bool plot, no_plot, fail_on_slo, quiet;
    const char *const *parts;
    size_t n_parts;
};

static int parse_options(int argc, char **argv, struct merge_options *o)
{
    static const struct option OPTIONS[] = {
        {"out", required_argument, NULL, 'o'},
        {"plot", no_argument, NULL, 'P'},
        {"no-plot", no_argument, NULL, 'N'},
        {"fail-on-slo", no_argument, NULL, 'F'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, st = EXIT_OK;
    opterr = 0;
    optind = 1;
    while (st == EXIT_OK &&
           (c = getopt_long(argc, argv, ":hq", OPTIONS, NULL)) != -1) {
        switch (c) {
        case 'o': st = cli_out_dir_option("merge", optarg, &o->out_dir); break;
        case 'P': o->plot = true; break;
        case 'N': o->no_plot = true; break;
        case 'F': o->fail_on_slo = true; break;
        case 'q': o->quiet = true; break;
        case 'h': fputs(USAGE, stdout); return -1;
        default: st = cli_getopt_error("merge", c, argv);
        }
    }
    if (st != EXIT_OK)
        return st;
    if (optind >= argc)
        return cli_usage_error("merge", "which partial results? give the "
                               "folders of the N slices");
    o->parts = (const char *const *)argv + optind;
    o->n_parts = (size_t)(argc - optind);
    return EXIT_OK;
}

/* The options that only one kind of command takes. */
static int check_kind(const struct merge_options *o, enum partial_kind kind)
{
    if (kind == PARTIAL_SWEEP && o->fail_on_slo)
        return cli_usage_error("merge", "--fail-on-slo: the partials are a "
                               "sweep's; it is an option of a run's");
    if (kind == PARTIAL_SWEEP && o->plot && o->no_plot)
        return cli_usage_error("merge", "--plot or --no-plot?");
    if (kind == PARTIAL_RUN && o->no_plot && o->plot)
        return cli_usage_error("merge", "--plot or --no-plot?");
    return EXIT_OK;
}

/* ---- a run ---- */

/* Says which policies broke their SLO; whether any did. */
static bool report_broken(const struct experiment *e)
{
    bool any = false;
    for (size_t i = 0; i < e->n; i++) {
        if (!report_slo_broken(&e->results[i]))
            continue;
        fprintf(stderr, "%s %s", any ? "," : "stampede merge: SLO broken by",
                e->results[i].spec->label);
        any = true;
    }
    if (any)
        fprintf(stderr, "\n");
    return any;
}

/* The run's three files into out->tmp, the directory being written in
 * out->path's place (with --plot, the figures too), then put in place;
 * the table on stdout. As run: whole or not at all (outdir.h). */
static int write_run(struct merge *m, const struct scenario *s,
                     struct outdir *out, const struct merge_options *o,
                     const struct cli_env *env, bool *broken)
{
    char err[1024];
    char *csv = str_printf("%s/timeseries.csv", out->tmp);
    char *summary = str_printf("%s/summary.json", out->tmp);
    char *scen = str_printf("%s/scenario.json", out->tmp);
    struct experiment e = {0};
    int status = EXIT_USAGE;   /* partials that do not add up */
    if (!csv || !summary || !scen) {
        snprintf(err, sizeof err, "out of memory");
        status = EXIT_FAILED;
    } else if (merge_run(m, s, &e, err, sizeof err) &&
               merge_index_timeseries(m, err, sizeof err)) {
        status = EXIT_FAILED;   /* from here, only writing can fail */
        if (merge_write_timeseries(m, csv, e.complete, err, sizeof err) &&
            report_write_summary(summary, s, &e, err, sizeof err) &&
            merge_write_scenario(m, scen, err, sizeof err))
            status = EXIT_OK;
        else
            status = cli_results_failed("merge", out, err, env);
    }
    if (status == EXIT_USAGE)
        fprintf(stderr, "stampede merge: %s\n", err);
    int plotted = EXIT_OK;
    if (status == EXIT_OK && o->plot) {
        /* as run --plot: into the folder before it replaces DIR */
        struct plot_request req = {
            .dir = out->tmp, .shown = out->path,
            .limits = {PLOT_TIMEOUT_DEFAULT, env->stop},
            .progress = o->quiet ? NULL : stderr, .log_y = AXIS_AUTO,
        };
        struct plot_error perr;
        enum plot_status st = plot_render(&req, &perr);
        plotted = cli_figures_outcome("merge", out, st, &perr, env);
        if (!out->tmp)
            status = plotted;   /* a figure could not be written */
    }
    if (status == EXIT_OK && !outdir_commit(out, err, sizeof err)) {
        fprintf(stderr, "stampede merge: %s\n", err);
        status = EXIT_FAILED;
    }
    if (status == EXIT_OK) {
        report_print_table(stdout, &e);
        fflush(stdout);
        report_print_risks(stderr, s, &e);
        *broken = o->fail_on_slo && report_broken(&e);
        if (!o->quiet)
            fprintf(stderr, "stampede: results in %s%s%s%s\n", out->path,
                    e.complete ? "" : " (incomplete: ",
                    e.complete ? "" : e.reason, e.complete ? "" : ")");
        status = plotted;
    }
    experiment_free(&e);
    free(csv);
    free(summary);
    free(scen);
    return status;
}

static int merge_run_files(struct merge *m, const struct merge_options *o,
                           const struct cli_env *env)
{
    char *path = str_printf("%s/%s", m->parts[0].dir, PARTIAL_SCENARIO);
    struct scenario_errors errors = {0};
    struct scenario *s = path ? scenario_load(path, NULL, 0, &errors) : NULL;
    free(path);
    if (!s) {
        scenario_errors_print(&errors, stderr);
        scenario_errors_free(&errors);
        return EXIT_USAGE;
    }
    if (o->fail_on_slo && !s->model.slo.set) {
        scenario_free(s);
        return cli_usage_error("merge", "--fail-on-slo: the scenario has no "
                               "slo to hold");
    }
    char *dir = o->out_dir ? str_printf("%s", o->out_dir)
                           : str_printf("results/%s", s->name);
    bool broken = false;
    /* as run: the folder is replaced whole (outdir.h), by one writer */
    struct outdir out = {0};
    int status = !dir ? EXIT_FAILED : cli_results_dir("merge", dir);
    if (status == EXIT_OK && !cli_begin_results("merge", &out, dir))
        status = EXIT_FAILED;
    else if (status == EXIT_OK)
        status = write_run(m, s, &out, o, env, &broken);
    outdir_abort(&out);
    if (status == EXIT_OK && broken)
        status = EXIT_SLO_BROKEN;
    free(dir);
    scenario_free(s);
    return status;
}

/* ---- a sweep ---- */

static int merge_sweep_files(const struct merge *m,
                             const struct merge_options *o,
                             const struct cli_env *env)
{
    char err[1024];
    struct merge_sweep ms;
    if (!merge_sweep(m, &ms, err, sizeof err)) {
        fprintf(stderr, "stampede merge: %s\n", err);
        merge_sweep_free(&ms);
        return EXIT_USAGE;
    }
    char *dir = o->out_dir ? str_printf("%s", o->out_dir)
                           : str_printf("results/%s-sweep", m->m->scenario);
    int status = !dir ? EXIT_FAILED : cli_results_dir("merge", dir);
    struct outdir out = {0};
    /* as sweep: the folder replaced whole, by one writer */
    if (status == EXIT_OK && !cli_begin_results("merge", &out, dir))
        status = EXIT_FAILED;
    else if (status == EXIT_OK)
        status = cmd_sweep_write(&ms.p, &ms.s, &out, o->quiet, !o->no_plot,
                                 m->m->scenario, env);
    outdir_abort(&out);
    free(dir);
    merge_sweep_free(&ms);
    return status;
}

int cmd_merge(int argc, char **argv, const struct cli_env *env)
{
    struct merge_options o = {0};
    int status = parse_options(argc, argv, &o);
    if (status != EXIT_OK)
        return status < 0 ? EXIT_OK : status;
    char err[2048];
    struct merge m;
    if (!merge_open(o.parts, o.n_parts, &m, err, sizeof err)) {
        fprintf(stderr, "stampede merge: %s\n", err);
        return EXIT_USAGE;
    }
    status = check_kind(&o, m.m->kind);
    if (status == EXIT_OK)
        status = m.m->kind == PARTIAL_RUN ? merge_run_files(&m, &o, env)
                                          : merge_sweep_files(&m, &o, env);
    merge_free(&m);
    return status;
}
