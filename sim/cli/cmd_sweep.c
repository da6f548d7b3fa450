/*
 * cmd_sweep.c — `stampede sweep`: a scenario over a grid of parameters,
 * with replications, in parallel worker processes.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "metric_registry.h"
#include "cli/commands.h"
#include "kernel/strutil.h"
#include "output/outdir.h"
#include "cli/progress.h"
#include "cli/sharded.h"
#include "scenario/scenario.h"
#include "experiment/sweep.h"
#include "output/sweep_csv.h"
#include "output/sweep_plot.h"
#include "output/sweep_report.h"

static const char USAGE[] =
    "Usage: stampede sweep SCENARIO --vary PATH=SPEC [--vary PATH=SPEC]...\n"
    "                      [--reps N] [-j N] [--policy LABEL]... [--seed N]\n"
    "                      [--set PATH=VALUE]... [--max METRIC=X]...\n"
    "                      [--min METRIC=X]... [--out DIR] [--quiet]\n"
    "                      [--max-memory SIZE] [--max-in-flight N] [--no-plot]\n"
    "                      [--shard I/N]\n"
    "                      [--log-x auto|on|off] [--log-y auto|on|off]\n"
    "                      [--plot-timeout S]\n"
    "                      [--format text|json|csv|markdown]\n"
    "\n"
    "Runs the scenario at every point of a grid (the cross product of the\n"
    "--vary values), each with N replications on common random numbers,\n"
    "and writes DIR/sweep.csv (default results/<name>-sweep/): one row per\n"
    "point and policy label with the varied values, then the mean and the\n"
    "95 % confidence half-width of the hit ratio, p99, error rate, database\n"
    "peak in-flight and queries, recomputes, overlapping recomputes, miss\n"
    "episodes, the worst window's p99, error rate, hit ratio and database\n"
    "utilisation (and with an slo the time out of it, the time to recover\n"
    "and the share that recovered), and the share of replications that\n"
    "collapsed. With --max or --min, each row also says whether its point\n"
    "meets them and which binds (and stdout lists the verdicts). With one\n"
    "--vary of numbers, it also draws each metric against it, one line per\n"
    "label with its 95 % band (DIR/sweep_METRIC.png, with gnuplot, from\n"
    "DIR/sweep_figures.dat). A rerun into DIR replaces everything in it.\n"
    "\n"
    "SPEC:  a,b,c          these values (numbers, durations, or text)\n"
    "       lo:hi:n        n values evenly spaced from lo to hi\n"
    "       lo:hi:n:log    n values evenly spaced on a log scale\n"
    "lo and hi may be durations: cache.ttl=10s:2m:5.\n"
    "PATH as for --set: database.cores, policies[per].beta (by label),\n"
    "policies[1].lock_ttl (by index).\n"
    "\n"
    "Options:\n"
    "  --vary PATH=SPEC   a parameter and its values (repeat for a grid)\n"
    "  --reps N           replications per point (default 5)\n"
    "  -j N               worker processes (default: the number of CPUs);\n"
    "                     the output is the same for any N\n"
    "  --policy LABEL     run only this policy (repeat for several)\n"
    "  --seed N           the random seed (same as --set seed=N)\n"
    "  --set PATH=VALUE   override a field for every point\n"
    "  --max METRIC=X     a constraint: the field of summary.json METRIC\n"
    "                     ('stampede metrics') at most X at the upper end of\n"
    "                     its 95 % interval (--max worst_window.p99_ms=500);\n"
    "                     repeat for several; a policy's own metric applies\n"
    "                     to that policy's rows only\n"
    "  --min METRIC=X     at least X at the lower end of its interval\n"
    "  --out DIR          where to write sweep.csv and the figures\n"
    "  --max-memory SIZE  refuse a grid whose worlds at start would need\n"
    "                     more than SIZE in all, over the -j workers (4G,\n"
    "                     500M; default 4G, or half the memory, or of what\n"
    "                     ulimit -v leaves, if less)\n"
    "  --max-in-flight N  stop a replication as overloaded past N requests\n"
    "                     in flight or N queries at the database (default\n"
    "                     1000000); its point is then marked complete 0\n"
    "  --no-plot          write sweep.csv only\n"
    "  --shard I/N        run only the I-th of N slices of the runs (points x\n"
    "                     replications, dealt round-robin, each with the\n"
    "                     random streams it has in the whole sweep) and write\n"
    "                     a partial result into DIR (default\n"
    "                     results/<name>-sweep.shard-I-of-N/); 'stampede\n"
    "                     merge' joins the N of them into the sweep's files\n"
    "  --log-x WHEN       the varied value's axis on a log scale: auto\n"
    "                     (default: for a lo:hi:n:log grid, or a list of\n"
    "                     values > 0 spanning 1.5 decades), on, or off\n"
    "  --plot-timeout S   stop gnuplot after S seconds on one figure\n"
    "                     (default 60)\n"
    "  --log-y WHEN       the figures' value axis on a log scale: auto\n"
    "                     (default: where a metric spans 1.5 decades), on,\n"
    "                     or off\n"
    "  --format FORMAT    stdout: text (default: the verdicts, with --max or\n"
    "                     --min), or the whole table as json, csv or\n"
    "                     markdown (the rows of sweep.csv, the metrics under\n"
    "                     their summary.json paths)\n"
    "  --quiet            no progress on stderr\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 done, 1 failure while running, 2 bad usage or scenario,\n"
    "130/143 interrupted (the finished points are written; every point not\n"
    "run has its rows too, complete 0 and empty).\n";

struct sweep_options {
    struct world_options w;
    struct vary *varies;
    size_t n_varies;
    const char **labels;
    size_t n_labels;
    struct constraint *constraints;   /* --max and --min, in order */
    struct partial_constraint *typed; /* the same, as typed (for a slice) */
    size_t n_constraints;
    bool no_plot;
    struct shard shard;               /* --shard; count 0: the whole */
    enum axis_scale log_x;   /* --log-x */
    enum axis_scale log_y;   /* --log-y */
};

/* getopt_long's values of the options that have no letter. */
enum { OPT_MAX = 1000, OPT_MIN, OPT_LOG_X, OPT_LOG_Y, OPT_SHARD };

static void free_options(struct sweep_options *o)
{
    for (size_t i = 0; i < o->n_varies; i++)
        vary_free(&o->varies[i]);
    free(o->varies);
    free(o->labels);
    free(o->constraints);
    free(o->typed);
    scenario_args_free(&o->w.args);
}

static int add_vary(struct sweep_options *o, const char *arg)
{
    char err[256];
    struct vary v;
    if (!vary_parse(arg, &v, err, sizeof err))
        return cli_usage_error("sweep", "--vary %s: %s", arg, err);
    o->varies[o->n_varies++] = v;
    return EXIT_OK;
}

static int add_constraint(struct sweep_options *o, bool lower,
                          const char *arg)
{
    char err[512];
    if (!constraint_parse(arg, lower, &o->constraints[o->n_constraints], err,
                          sizeof err))
        return cli_usage_error("sweep", "%s", err);
    o->typed[o->n_constraints] = (struct partial_constraint){arg, lower};
    o->n_constraints++;
    return EXIT_OK;
}

static int parse_options(int argc, char **argv, struct sweep_options *o)
{
    static const struct option OPTIONS[] = {
        WORLD_LONG_OPTIONS,
        {"max", required_argument, NULL, OPT_MAX},
        {"min", required_argument, NULL, OPT_MIN},
        {"vary", required_argument, NULL, 'v'},
        {"policy", required_argument, NULL, 'p'},
        {"no-plot", no_argument, NULL, 'N'},
        {"shard", required_argument, NULL, OPT_SHARD},
        {"log-x", required_argument, NULL, OPT_LOG_X},
        {"log-y", required_argument, NULL, OPT_LOG_Y},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    o->varies = calloc((size_t)argc, sizeof *o->varies);
    o->labels = calloc((size_t)argc, sizeof *o->labels);
    o->constraints = calloc((size_t)argc, sizeof *o->constraints);
    o->typed = calloc((size_t)argc, sizeof *o->typed);
    if (!o->varies || !o->labels || !o->constraints || !o->typed)
        return EXIT_FAILED;
    world_options_init(&o->w, 5, 1);
    int c, st = EXIT_OK;
    opterr = 0;
    optind = 1;
    while (st == EXIT_OK &&
           (c = getopt_long(argc, argv, ":hqj:", OPTIONS, NULL)) != -1) {
        switch (c) {
        case 'v': st = add_vary(o, optarg); break;
        case OPT_MAX: st = add_constraint(o, false, optarg); break;
        case OPT_MIN: st = add_constraint(o, true, optarg); break;
        case 'p': o->labels[o->n_labels++] = optarg; break;
        case 'N': o->no_plot = true; break;
        case OPT_SHARD:
            st = cli_shard_option("sweep", optarg, &o->shard);
            break;
        case OPT_LOG_X:
            st = cli_axis_option("sweep", "--log-x", optarg, &o->log_x);
            break;
        case OPT_LOG_Y:
            st = cli_axis_option("sweep", "--log-y", optarg, &o->log_y);
            break;
        case 'h': fputs(USAGE, stdout); return -1;
        default: st = world_option("sweep", c, optarg, argv, &o->w);
        }
    }
    if (st != EXIT_OK)
        return st;
    if ((st = world_options_finish("sweep", argc, argv, &o->w)) != EXIT_OK)
        return st;
    if (o->n_varies == 0)
        return cli_usage_error("sweep", "nothing to vary: give --vary "
                               "PATH=SPEC");
    return EXIT_OK;
}

static void show_progress(size_t done, size_t total, uint64_t events,
                          void *ctx)
{
    (void)total;
    progress_update(ctx, done, events);
}

/* The sign of life while points run (progress.h: a plain line every 30 s
 * when stderr is not a terminal). */
static void tick_progress(void *ctx)
{
    progress_tick(ctx);
}

/* Whether the figures can be drawn: one varied parameter, with numbers. */
static bool plottable(const struct sweep_params *p)
{
    if (p->n_varies != 1)
        return false;
    double v;
    for (size_t i = 0; i < p->varies[0].n; i++)
        if (!number_or_duration_parse(p->varies[0].values[i], &v))
            return false;
    return true;
}

/* Whether a sweep measured anything: a point done. */
static bool any_done(const struct sweep *s)
{
    for (size_t i = 0; i < s->n_points; i++)
        if (s->points[i].done)
            return true;
    return false;
}

/* The figures into the directory being written: see
 * cli_figures_outcome. */
static int draw_figures(const struct sweep_params *p, const struct sweep *s,
                        const struct sweep_options *o, struct outdir *out,
                        const char *name, const struct cli_env *env)
{
    if (o->no_plot || s->stopped)
        return EXIT_OK;
    if (!plottable(p)) {
        if (!o->w.quiet)
            fprintf(stderr, "stampede: no figures: they need a single "
                    "--vary of numbers (sweep.csv has the whole grid)\n");
        return EXIT_OK;
    }
    struct sweep_plot_request r = {p, s, out->tmp, out->path, name, o->log_x,
                                   o->log_y, o->w.quiet,
                                   {o->w.plot_timeout, env->stop}};
    struct plot_error err;
    enum plot_status st = sweep_plot_render(&r, &err);
    return cli_figures_outcome("sweep", out, st, &err, env);
}

/* Writes sweep.csv (and the figures) into the directory being written,
 * prints what stdout gets, and puts the directory in DIR's place. */
static int write_sweep(const struct sweep_params *p, const struct sweep *s,
                       const struct sweep_options *o, struct outdir *out,
                       const char *name, const struct cli_env *env)
{
    char err[1024];
    const char *dir = out->path;
    char *csv = str_printf("%s/sweep.csv", out->tmp);
    snprintf(err, sizeof err, "out of memory");
    bool written = csv && sweep_csv_write(csv, p, s, err, sizeof err);
    free(csv);
    if (!written)
        return cli_results_failed("sweep", out, err, env);
    int status = draw_figures(p, s, o, out, name, env);
    if (!out->tmp)
        return status;   /* a figure could not be written */
    if (!outdir_commit(out, err, sizeof err)) {
        fprintf(stderr, "stampede sweep: %s\n", err);
        return EXIT_FAILED;
    }
    if (o->w.format != FORMAT_TEXT)
        sweep_report_write_table(stdout, p, s, o->w.format);
    else if (p->n_constraints > 0)
        sweep_report_print(stdout, p, s);
    fflush(stdout);
    if (!o->w.quiet)
        fprintf(stderr, "stampede: %s/sweep.csv%s\n", dir,
                s->stopped ? " (interrupted: the points not run are marked "
                             "complete 0)" : "");
    if (s->stopped || *env->stop)
        return cli_signal_status(env);
    return status;
}

int cmd_sweep_write(const struct sweep_params *p, const struct sweep *s,
                    struct outdir *out, bool quiet, bool figures,
                    const char *name, const struct cli_env *env)
{
    /* the sweep's own defaults: text on stdout, axes chosen from the data */
    struct sweep_options o = {0};
    o.w.quiet = quiet;
    o.w.plot_timeout = PLOT_TIMEOUT_DEFAULT;
    o.no_plot = !figures;
    return write_sweep(p, s, &o, out, name, env);
}

/* Runs the grid and writes its results into dir, replacing what it held
 * (outdir.h). */
static int run_sweep(struct sweep_params *p, const struct sweep_options *o,
                     const char *dir, const char *name,
                     const struct cli_env *env)
{
    char err[512];
    struct outdir out;
    if (!cli_begin_results("sweep", &out, dir))
        return EXIT_FAILED;
    struct progress bar;
    progress_init(&bar, "sweep", "points", sweep_point_count(p), o->w.quiet,
                  env->stderr_is_tty);
    p->progress = show_progress;
    p->progress_ctx = &bar;
    struct workers_beat beat = {tick_progress, &bar, 0};
    p->beat = &beat;
    struct sweep s;
    bool ran = sweep_run(p, &s, err, sizeof err);
    progress_finish(&bar);
    int status = EXIT_FAILED;
    if (!ran) {
        fprintf(stderr, "stampede sweep: %s\n", err);
    } else if (s.stopped && !any_done(&s)) {
        /* nothing measured: the earlier results stay */
        fprintf(stderr, "stampede sweep: interrupted before any point "
                "finished; %s is left as it was\n", dir);
        status = cli_signal_status(env);
    } else {
        status = write_sweep(p, &s, o, &out, name, env);
    }
    outdir_abort(&out);
    sweep_free(&s);
    return status;
}

/* A usage error unless a run of the sweep measures c's field. */
static int check_constraint(const struct scenario *s,
                            const struct sweep_options *o,
                            const struct constraint *c)
{
    char flag[128];
    constraint_flag(c, flag, sizeof flag);
    if (c->slo && !s->model.slo.set)
        return cli_usage_error("sweep", "%s: the scenario has no slo (add an "
                               "\"slo\" block, or --set slo.p99=250ms)",
                               flag);
    if (c->fleet && s->model.client.fleet.instances <= 1)
        return cli_usage_error("sweep", "%s: the scenario has one "
                               "application instance (set client.instances)",
                               flag);
    struct metric_info m;
    if (!metric_find(c->path, &m) || !m.policy)
        return EXIT_OK;
    bool measured = false;
    for (size_t k = 0; k < s->n_policies; k++) {
        bool run = o->n_labels == 0;
        for (size_t l = 0; l < o->n_labels; l++)
            run |= strcmp(o->labels[l], s->policies[k].label) == 0;
        measured |= run && metric_policy_index(&m, s->policies[k].ops) >= 0;
    }
    if (!measured)
        return cli_usage_error("sweep", "%s: no policy of the sweep measures "
                               "it (a %s policy does)", flag, m.policy->name);
    return EXIT_OK;
}

/* Whether a constraint's field can be measured: one of the SLO needs an
 * slo, a policy's own metric one of the policies run (as the grid's first
 * point has them: a --vary may set the slo). */
static int check_constraints(const struct sweep_params *p,
                             const struct sweep_options *o)
{
    struct scenario_errors errors = {0};
    struct scenario *s = o->n_constraints ? sweep_load_point(p, 0, &errors)
                                          : NULL;
    scenario_errors_free(&errors);
    int st = o->n_constraints && !s ? EXIT_FAILED : EXIT_OK;
    for (size_t i = 0; i < o->n_constraints && st == EXIT_OK; i++)
        st = check_constraint(s, o, &o->constraints[i]);
    scenario_free(s);
    return st;
}

int cmd_sweep(int argc, char **argv, const struct cli_env *env)
{

    struct sweep_options o = {0};
    int status = parse_options(argc, argv, &o);
    char *text = NULL, *dir = NULL;
    struct scenario *base = NULL;
    struct scenario_errors errors = {0};
    size_t len = 0;
    if (status != EXIT_OK)
        goto out;
    status = EXIT_USAGE;
    text = scenario_read(o.w.file, &len, &errors);
    if (text)
        base = scenario_load_text(o.w.file, text, len, o.w.args.sets,
                                  o.w.args.n_sets, &errors);
    if (!base) {
        scenario_errors_print(&errors, stderr);
        goto out;
    }
    cli_print_warnings(base);
    struct sweep_params p = {
        .file = o.w.file, .text = text, .len = len, .sets = o.w.args.sets,
        .n_sets = o.w.args.n_sets, .varies = o.varies, .n_varies = o.n_varies,
        .labels = o.labels, .n_labels = o.n_labels, .reps = o.w.reps,
        .jobs = o.w.jobs, .stop = env->stop, .max_in_flight = o.w.max_in_flight,
        .max_memory = o.w.max_memory, .constraints = o.constraints,
        .n_constraints = o.n_constraints,
    };
    if (!sweep_validate(&p, stderr))
        goto out;
    if ((status = check_constraints(&p, &o)) != EXIT_OK)
        goto out;
    if (o.shard.count > 0) {
        char *name = str_printf("%s-sweep", base->name);
        dir = o.w.out_dir ? str_printf("%s", o.w.out_dir)
                          : name ? sharded_default_dir(name, &o.shard) : NULL;
        free(name);
        status = dir ? sharded_sweep(&p, base, o.typed, &o.shard, dir,
                                     o.w.quiet, env)
                     : EXIT_FAILED;
        goto out;
    }
    dir = o.w.out_dir ? str_printf("%s", o.w.out_dir)
                    : str_printf("results/%s-sweep", base->name);
    if (!dir) {
        status = EXIT_FAILED;
        goto out;
    }
    if ((status = cli_results_dir("sweep", dir)) != EXIT_OK)
        goto out;
    status = run_sweep(&p, &o, dir, base->name, env);
out:
    scenario_errors_free(&errors);
    scenario_free(base);
    free(text);
    free(dir);
    free_options(&o);
    return status < 0 ? EXIT_OK : status;
}
