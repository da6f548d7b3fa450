/*
 * cmd_run.c — `stampede run`: simulate the policies of a scenario and
 * write the results.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/sharded.h"
#include "experiment/experiment.h"
#include "kernel/strutil.h"
#include "experiment/memguard.h"
#include "output/outdir.h"
#include "output/report.h"
#include "cli/progress.h"
#include "scenario/scenario.h"

static const char USAGE[] =
    "Usage: stampede run SCENARIO [--policy LABEL]... [--reps N] [--seed N]\n"
    "                    [--set PATH=VALUE]... [--out DIR] [--plot] [--quiet]\n"
    "                    [--fail-on-slo] [--log-y auto|on|off]\n"
    "                    [--plot-timeout S]\n"
    "                    [--format text|json|csv|markdown]\n"
    "                    [--max-memory SIZE]\n"
    "                    [--max-in-flight N] [--shard I/N]\n"
    "\n"
    "Simulates each policy of the scenario (or those named) on the same\n"
    "traffic (common random numbers), prints a comparison table, and writes\n"
    "into DIR (default results/<scenario name>/):\n"
    "  timeseries.csv  one row per policy label and window\n"
    "  summary.json    the run after the warmup, per policy\n"
    "  scenario.json   the scenario as run, after --set\n"
    "Same scenario and seed: byte-identical files. A rerun into DIR\n"
    "replaces everything in it at once, or, if it cannot write all of it\n"
    "(a full disk, ulimit -f), leaves DIR as it was and keeps what it wrote\n"
    "in DIR.unfinished-PID; a DIR holding files stampede did not write is\n"
    "refused, and so is a second command while one writes DIR. With --plot,\n"
    "also the figures of 'stampede plot' (hit_ratio.png, db_load.png,\n"
    "latency.png, comparison.png).\n"
    "\n"
    "Options:\n"
    "  --policy LABEL     run only this policy (repeat for several)\n"
    "  --reps N           N independent replications (default 1): the\n"
    "                     summary gives each metric's mean, 95 % confidence\n"
    "                     half-width and per-replication values\n"
    "  --seed N           the random seed (same as --set seed=N)\n"
    "  --set PATH=VALUE   override a field (see 'stampede check --help')\n"
    "  --out DIR          where to write the results\n"
    "  --plot             then draw the figures with gnuplot (see\n"
    "                     'stampede plot --help'); if that fails, the data\n"
    "                     is still written and the exit status is 1\n"
    "  --log-y WHEN       with --plot: the database panels on a log scale\n"
    "                     (auto, on, off; see 'stampede plot --help')\n"
    "  --plot-timeout S   with --plot: stop gnuplot after S seconds on one\n"
    "                     figure (default 60)\n"
    "  --max-memory SIZE  refuse a scenario whose state at start would need\n"
    "                     more than SIZE (4G, 500M; default 4G, or half the\n"
    "                     memory, or of what ulimit -v leaves, if less)\n"
    "  --max-in-flight N  stop a run as overloaded when more than N requests\n"
    "                     are in flight, or N queries at the database\n"
    "                     (abandoned and background ones included; default\n"
    "                     1000000); it then writes what it measured with\n"
    "                     \"complete\": false and the reason\n"
    "  --fail-on-slo      exit with status 3 when a run of any policy (any\n"
    "                     replication) has a window out of the scenario's\n"
    "                     slo; the files are written all the same (a usage\n"
    "                     error without an slo: add one, or --set\n"
    "                     slo.p99=250ms)\n"
    "  --shard I/N        run only the I-th of N slices of the runs (policies\n"
    "                     x replications, dealt round-robin, each with the\n"
    "                     random streams it has in the whole run) and write a\n"
    "                     partial result into DIR (default\n"
    "                     results/<name>.shard-I-of-N/); 'stampede merge'\n"
    "                     joins the N of them into the run's files (--plot\n"
    "                     and --fail-on-slo go to the merge)\n"
    "  --format FORMAT    the table on stdout: text (default), json, csv or\n"
    "                     markdown (the fields under their summary.json\n"
    "                     paths, ratios as ratios, with 95 % half-widths)\n"
    "  --quiet            no progress on stderr\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 done (an overloaded run is a result, not an error),\n"
    "1 failure while running (or while plotting), 2 bad usage or scenario,\n"
    "3 with --fail-on-slo: an objective broke (a failure, 1, or an\n"
    "interruption, 130/143, comes first), 128 + the signal when a signal\n"
    "stops it (130 SIGINT, 143 SIGTERM, 129 SIGHUP...: the results measured\n"
    "so far are written, marked incomplete in every file).\n";

struct run_options {
    struct world_options w;
    const char **labels;
    size_t n_labels;
    bool plot;
    bool fail_on_slo;
    enum axis_scale log_y;
    struct shard shard;     /* --shard; count 0: the whole run */
};

/* getopt_long's value of --shard. */
enum { OPT_SHARD = 1000 };

static int parse_options(int argc, char **argv, struct run_options *o)
{
    static const struct option OPTIONS[] = {
        WORLD_LONG_OPTIONS,
        {"policy", required_argument, NULL, 'p'},
        {"plot", no_argument, NULL, 'P'},
        {"fail-on-slo", no_argument, NULL, 'F'},
        {"log-y", required_argument, NULL, 'L'},
        {"shard", required_argument, NULL, OPT_SHARD},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    o->labels = calloc((size_t)argc, sizeof *o->labels);
    if (!o->labels)
        return EXIT_FAILED;
    world_options_init(&o->w, 1, 1);
    int c, st = EXIT_OK;
    opterr = 0;
    optind = 1;
    while (st == EXIT_OK &&
           (c = getopt_long(argc, argv, ":hq", OPTIONS, NULL)) != -1) {
        switch (c) {
        case 'p': o->labels[o->n_labels++] = optarg; break;
        case 'P': o->plot = true; break;
        case 'F': o->fail_on_slo = true; break;
        case 'L': st = cli_axis_option("run", "--log-y", optarg, &o->log_y); break;
        case OPT_SHARD:
            st = cli_shard_option("run", optarg, &o->shard);
            break;
        case 'h': fputs(USAGE, stdout); return -1;
        default: st = world_option("run", c, optarg, argv, &o->w);
        }
    }
    if (st == EXIT_OK && o->shard.count > 0 && (o->plot || o->fail_on_slo))
        return cli_usage_error("run", "%s: a slice writes a partial result; "
                               "give it to 'stampede merge', which writes the "
                               "run's files", o->plot ? "--plot"
                                                      : "--fail-on-slo");
    return st != EXIT_OK ? st : world_options_finish("run", argc, argv, &o->w);
}

/* The policies to run, as indices; all of them when none is named. */
static int select_policies(const struct scenario *s, const struct run_options *o,
                           size_t *selected, size_t *n)
{
    *n = 0;
    if (o->n_labels == 0) {
        for (size_t i = 0; i < s->n_policies; i++)
            selected[(*n)++] = i;
        return EXIT_OK;
    }
    size_t *named = calloc(o->n_labels, sizeof *named);
    char err[256];
    if (!named)
        return EXIT_FAILED;
    if (!scenario_policy_indices(s, o->labels, o->n_labels, named, err,
                                 sizeof err)) {
        free(named);
        return cli_usage_error("run", "%s", err);
    }
    for (size_t k = 0; k < o->n_labels; k++) {
        bool dup = false;
        for (size_t m = 0; m < *n; m++)
            dup |= selected[m] == named[k];
        if (!dup)
            selected[(*n)++] = named[k];
    }
    free(named);
    return EXIT_OK;
}

/* What run shows while it goes: on a terminal, the line of progress.h;
 * after each run, a line saying how it went. */
struct run_progress {
    struct progress line;
    double duration;         /* of one run, simulated seconds */
    size_t runs, n_runs;     /* finished, and in all */
    unsigned reps;
    double done_before;      /* simulated seconds of the finished runs */
    uint64_t events_before;
};

static void run_ticked(const struct policy_spec *spec, unsigned rep,
                       double now, uint64_t events, void *ctx)
{
    struct run_progress *rp = ctx;
    char what[160];
    if (rp->reps > 1)
        snprintf(what, sizeof what, "%s rep %u/%u: t %.1f s of %.0f s",
                 spec->label, rep + 1, rp->reps, now, rp->duration);
    else
        snprintf(what, sizeof what, "%s (%zu/%zu): t %.1f s of %.0f s",
                 spec->label, rp->runs + 1, rp->n_runs, now, rp->duration);
    progress_time(&rp->line, rp->done_before + now,
                  rp->events_before + events, what);
}

static void report_progress(const struct policy_spec *spec, unsigned rep,
                            const struct world_result *r, double wall_s,
                            void *ctx)
{
    struct run_progress *rp = ctx;
    rp->runs++;
    rp->done_before += rp->duration;
    rp->events_before += r->events;
    progress_clear(&rp->line);
    fprintf(stderr, "stampede: %s", spec->label);
    if (rep > 0 || !r)
        fprintf(stderr, " rep %u", rep);
    fprintf(stderr, ": %.0f s simulated in %.2f s (%.2f M "
            "events)%s%s\n", r->ended_at, wall_s,
            (double)r->events / 1e6, r->end == WORLD_COMPLETE ? "" : ": ",
            r->reason);
}

static char *path_in(const char *dir, const char *file)
{
    return str_printf("%s/%s", dir, file);
}

/* Says which policies broke their SLO; whether any did. */
static bool report_broken(const struct experiment *e)
{
    bool any = false;
    for (size_t i = 0; i < e->n; i++) {
        const struct policy_result *pr = &e->results[i];
        if (!report_slo_broken(pr))
            continue;
        fprintf(stderr, "%s %s", any ? "," : "stampede run: SLO broken by",
                pr->spec->label);
        any = true;
    }
    if (any)
        fprintf(stderr, "\n");
    return any;
}

/* The three files into the directory being written; false with the
 * reason in err. */
static bool write_files(const struct scenario *s, const struct experiment *e,
                        struct timeseries *ts, const char *tmp, char *err,
                        size_t n)
{
    char *summary = path_in(tmp, "summary.json");
    char *scen = path_in(tmp, "scenario.json");
    bool ok = summary && scen;
    if (!ok) {
        timeseries_abort(ts);
        snprintf(err, n, "out of memory");
    }
    ok = ok && timeseries_commit(ts, e->complete, err, n) &&
         report_write_summary(summary, s, e, err, n) &&
         report_write_scenario(scen, s, err, n);
    free(summary);
    free(scen);
    return ok;
}

/* The figures, into the directory being written, before it replaces DIR
 * (run --plot): see cli_figures_outcome. */
static int draw_figures(const struct run_options *o, struct outdir *out,
                        const struct cli_env *env)
{
    struct plot_request req = {
        .dir = out->tmp, .shown = out->path,
        .limits = {o->w.plot_timeout, env->stop},
        .progress = o->w.quiet ? NULL : stderr, .log_y = o->log_y,
    };
    struct plot_error err;
    enum plot_status st = plot_render(&req, &err);
    return cli_figures_outcome("run", out, st, &err, env);
}

/* What run says once the files are in place; the exit status. */
static int say_done(const struct run_options *o, const struct scenario *s,
                    const struct experiment *e, const char *dir, int plotted,
                    const struct cli_env *env, bool *broken)
{
    if (o->w.format == FORMAT_TEXT)
        report_print_table(stdout, e);
    else
        report_write_table(stdout, e, o->w.format);
    fflush(stdout);
    report_print_risks(stderr, s, e);
    *broken = o->fail_on_slo && report_broken(e);
    if (!o->w.quiet && e->complete)
        fprintf(stderr, "stampede: results in %s\n", dir);
    else if (!o->w.quiet)
        fprintf(stderr, "stampede: results in %s (incomplete: %s)\n", dir,
                e->reason);
    /* A signal that came after the last run, while the files were being
     * written, still says the command was interrupted. */
    if (e->interrupted || *env->stop)
        return cli_signal_status(env);
    return plotted;
}

/* Runs the experiment and writes its results into `out` (outdir.h):
 * whole, or not at all; *broken: a run broke its SLO (said on stderr
 * when o->fail_on_slo). */
static int run_and_write(const struct scenario *s, const struct run_options *o,
                         const size_t *selected, size_t n_selected,
                         struct outdir *out, const struct cli_env *env,
                         bool *broken)
{
    char err[1024];
    char *csv = path_in(out->tmp, "timeseries.csv");
    struct timeseries ts;
    struct experiment e = {0};
    int status = EXIT_FAILED;
    if (!csv ||
        !timeseries_open(&ts, csv, s, selected, n_selected, err, sizeof err)) {
        free(csv);
        return cli_results_failed("run", out, csv ? err : "out of memory",
                                  env);
    }
    free(csv);
    struct run_progress rp = {
        .duration = s->model.duration, .n_runs = n_selected * o->w.reps,
        .reps = o->w.reps,
    };
    progress_init_time(&rp.line, "run", s->model.duration *
                       (double)rp.n_runs, o->w.quiet, env->stderr_is_tty);
    struct experiment_params p = {
        .scenario = s, .policies = selected, .n_policies = n_selected,
        .replications = o->w.reps, .stop = env->stop,
        .max_in_flight = o->w.max_in_flight,
        .sink = timeseries_row, .sink_ctx = &ts,
        .observer = o->w.quiet ? NULL : report_progress, .observer_ctx = &rp,
        .ticker = rp.line.enabled ? run_ticked : NULL, .ticker_ctx = &rp,
    };
    bool ran = !*env->stop && experiment_run(&p, &e, err, sizeof err);
    progress_clear(&rp.line);
    if (!ran) {
        timeseries_abort(&ts);
        if (*env->stop) {
            /* stopped before anything was measured: DIR stays as it was */
            status = cli_signal_status(env);
            fprintf(stderr, "stampede run: interrupted before it started; "
                    "%s is left as it was\n", out->path);
        } else {
            fprintf(stderr, "stampede run: %s\n", err);
        }
    } else if (!write_files(s, &e, &ts, out->tmp, err, sizeof err)) {
        status = cli_results_failed("run", out, err, env);
    } else {
        int plotted = o->plot ? draw_figures(o, out, env) : EXIT_OK;
        if (!out->tmp)
            status = plotted;   /* the figures could not be written */
        else if (!outdir_commit(out, err, sizeof err))
            fprintf(stderr, "stampede run: %s\n", err);
        else
            status = say_done(o, s, &e, out->path, plotted, env, broken);
    }
    experiment_free(&e);
    return status;
}

int cmd_run(int argc, char **argv, const struct cli_env *env)
{
    struct run_options o = {0};
    int status = parse_options(argc, argv, &o);
    struct scenario *s = NULL;
    char *dir = NULL;
    if (status != EXIT_OK)
        goto out;
    struct scenario_errors errors = {0};
    s = scenario_load(o.w.file, o.w.args.sets, o.w.args.n_sets, &errors);
    if (!s) {
        scenario_errors_print(&errors, stderr);
        scenario_errors_free(&errors);
        status = EXIT_USAGE;
        goto out;
    }
    cli_print_warnings(s);
    size_t selected[SCENARIO_MAX_POLICIES], n_selected;
    status = select_policies(s, &o, selected, &n_selected);
    if (status != EXIT_OK)
        goto out;
    if (o.fail_on_slo && !s->model.slo.set) {
        status = cli_usage_error("run", "--fail-on-slo: the scenario has no "
                                 "slo to hold (add an \"slo\" block, or "
                                 "--set slo.p99=250ms)");
        goto out;
    }
    /* before anything is created or run: a scenario too large for memory
     * is a bad scenario, not a crash minutes later */
    struct memguard_results kept;
    memguard_run_results(o.w.reps, n_selected, &kept);
    char *too_large = memguard_problem(s, selected, n_selected, 1, &kept,
                                       o.w.max_memory);
    if (too_large) {
        fprintf(stderr, "%s\n", too_large);
        free(too_large);
        status = EXIT_USAGE;
        goto out;
    }
    if (o.shard.count > 0) {
        struct sharded_run r = {s, selected, n_selected, o.w.reps,
                                o.w.max_in_flight,
                                o.w.quiet ? NULL : report_progress};
        dir = o.w.out_dir ? str_printf("%s", o.w.out_dir)
                          : sharded_default_dir(s->name, &o.shard);
        status = dir ? sharded_run(&r, &o.shard, dir, o.w.quiet, env)
                     : EXIT_FAILED;
        goto out;
    }
    dir = o.w.out_dir ? str_printf("%s", o.w.out_dir)
                    : str_printf("results/%s", s->name);
    if (!dir) {
        status = EXIT_FAILED;
        goto out;
    }
    if ((status = cli_results_dir("run", dir)) != EXIT_OK)
        goto out;
    struct outdir out_dir;
    if (!cli_begin_results("run", &out_dir, dir)) {
        status = EXIT_FAILED;
        goto out;
    }
    bool broken = false;
    status = run_and_write(s, &o, selected, n_selected, &out_dir, env,
                           &broken);
    outdir_abort(&out_dir);
    /* the gate comes last: a failure or an interruption says more */
    if (status == EXIT_OK && broken)
        status = EXIT_SLO_BROKEN;
out:
    scenario_free(s);
    scenario_args_free(&o.w.args);
    free(o.labels);
    free(dir);
    return status < 0 ? EXIT_OK : status;
}
