/*
 * cli.c — see cli.h.
 */
#define _DEFAULT_SOURCE   /* NSIG, SIGXCPU, SIGVTALRM, SIGPROF */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/datadir.h"
#include "kernel/strutil.h"
#include "experiment/memguard.h"
#include "experiment/shard.h"
#include "experiment/workers.h"
#include "kernel/config.h"
#include "output/outdir.h"
#include "output/plot.h"
#include "scenario/scenario.h"

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "stampede %s: ", command);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'stampede %s --help'.\n", command);
    va_end(ap);
    return EXIT_USAGE;
}

bool cli_parse_double(const char *text, double *out)
{
    double v;
    if (!str_parse_number(text, &v) || !isfinite(v))
        return false;
    *out = v;
    return true;
}

bool cli_parse_u64(const char *text, uint64_t *out)
{
    if (text[0] < '0' || text[0] > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno == ERANGE)
        return false;
    *out = v;
    return true;
}

int cli_max_in_flight_option(const char *command, const char *text,
                             long *out)
{
    uint64_t v;
    if (!cli_parse_u64(text, &v) || v < 1 || v > 100000000)
        return cli_usage_error(command, "--max-in-flight: expected an integer "
                               "from 1 to 10^8, got '%s'", text);
    *out = (long)v;
    return EXIT_OK;
}

int cli_max_memory_option(const char *command, const char *text,
                          double *out)
{
    if (!memguard_parse_size(text, out))
        return cli_usage_error(command, "--max-memory: expected a size such "
                               "as 4G, 500M or 64K, got '%s'", text);
    return EXIT_OK;
}

int cli_out_dir_option(const char *command, const char *text,
                       const char **out)
{
    struct stat st;
    if (!text[0])
        return cli_usage_error(command, "--out: give a directory");
    if (strcmp(text, "-") == 0)
        return cli_usage_error(command, "--out -: the results are files in a "
                               "directory, not a stream; give a directory "
                               "(the table on stdout can be read by tools "
                               "with --format json, csv or markdown)");
    if (stat(text, &st) == 0 && !S_ISDIR(st.st_mode))
        return cli_usage_error(command, "--out %s: exists and is not a "
                               "directory", text);
    if (stat(text, &st) != 0 && errno == ENOTDIR)
        return cli_usage_error(command, "--out %s: a part of the path is not "
                               "a directory", text);
    *out = text;
    return EXIT_OK;
}

int cli_shard_option(const char *command, const char *text,
                     struct shard *out)
{
    char err[256];
    if (!shard_parse(text, out, err, sizeof err))
        return cli_usage_error(command, "--shard: %s", err);
    return EXIT_OK;
}

int cli_plot_timeout_option(const char *command, const char *text,
                            double *out)
{
    double v;
    if (!number_or_duration_parse(text, &v) || !(v >= 0.1) || v > 86400)
        return cli_usage_error(command, "--plot-timeout: expected seconds "
                               "from 0.1 to 86400 (or a duration: 2m), got "
                               "'%s'", text);
    *out = v;
    return EXIT_OK;
}

int cli_format_option(const char *command, const char *text,
                      enum out_format *out)
{
    if (!out_format_parse(text, out))
        return cli_usage_error(command, "--format: expected text, json, csv "
                               "or markdown, got '%s'", text);
    return EXIT_OK;
}

int cli_axis_option(const char *command, const char *flag, const char *text,
                    enum axis_scale *out)
{
    if (!axis_scale_parse(text, out))
        return cli_usage_error(command, "%s: expected auto, on or off, got "
                               "'%s'", flag, text);
    return EXIT_OK;
}

bool cli_begin_results(const char *command, struct outdir *d,
                       const char *dir)
{
    char err[1024];
    if (outdir_begin(d, dir, err, sizeof err))
        return true;
    fprintf(stderr, "stampede %s: %s\n", command, err);
    return false;
}

int cli_results_failed(const char *command, struct outdir *d,
                       const char *why, const struct cli_env *env)
{
    char err[2048];
    outdir_fail(d, why, err, sizeof err);
    fprintf(stderr, "stampede %s: %s\n", command, err);
    return *env->stop ? cli_signal_status(env) : EXIT_FAILED;
}

int cli_figures_outcome(const char *command, struct outdir *out, int st,
                        struct plot_error *err, const struct cli_env *env)
{
    int status = EXIT_OK;
    if (st == PLOT_WRITE_FAILED)
        status = cli_results_failed(command, out, err->message, env);
    else if (st == PLOT_INTERRUPTED || (st != PLOT_OK && *env->stop))
        status = cli_signal_status(env);
    else if (st != PLOT_OK) {
        plot_error_print(command, err, stderr);
        status = EXIT_FAILED;
    }
    plot_error_free(err);
    return status;
}

int cli_results_dir(const char *command, const char *dir)
{
    char err[1024];
    if (!outdir_check(dir, err, sizeof err))
        return cli_usage_error(command, "--out %s", err);
    return EXIT_OK;
}

void world_options_init(struct world_options *o, unsigned reps,
                        unsigned min_reps)
{
    o->reps = reps;
    o->min_reps = min_reps;
    o->jobs = workers_default_count();
    o->max_memory = memguard_default_limit();
    o->plot_timeout = PLOT_TIMEOUT_DEFAULT;
}

static int count_option(const char *command, const char *what,
                        const char *text, unsigned lo, unsigned hi,
                        unsigned *out)
{
    uint64_t v;
    if (!cli_parse_u64(text, &v) || v < lo || v > hi)
        return cli_usage_error(command, "%s: expected an integer from %u to "
                               "%u, got '%s'", what, lo, hi, text);
    *out = (unsigned)v;
    return EXIT_OK;
}

int world_option(const char *command, int c, const char *arg, char **argv,
                 struct world_options *o)
{
    switch (c) {
    case 'S':
        return scenario_args_set_seed(&o->args, command, arg) ? EXIT_OK
                                                               : EXIT_USAGE;
    case 's':
        return scenario_args_add_set(&o->args, arg) ? EXIT_OK : EXIT_FAILED;
    case 'o': return cli_out_dir_option(command, arg, &o->out_dir);
    case 'r':
        return count_option(command, "--reps", arg, o->min_reps, 10000,
                            &o->reps);
    case 'j': return count_option(command, "-j", arg, 1, 256, &o->jobs);
    case 'm': return cli_max_in_flight_option(command, arg, &o->max_in_flight);
    case 'M': return cli_max_memory_option(command, arg, &o->max_memory);
    case 'q': o->quiet = true; return EXIT_OK;
    case 'Y': return cli_plot_timeout_option(command, arg, &o->plot_timeout);
    case 'T': return cli_format_option(command, arg, &o->format);
    default: return cli_getopt_error(command, c, argv);
    }
}

int cli_getopt_error(const char *command, int c, char **argv)
{
    if (c == ':')
        return cli_usage_error(command, "%s needs a value", argv[optind - 1]);
    return cli_usage_error(command, "unknown option '%s'", argv[optind - 1]);
}

int world_options_finish(const char *command, int argc, char **argv,
                         struct world_options *o)
{
    if (optind != argc - 1)
        return cli_usage_error(command, optind >= argc
                                            ? "which scenario? give a file "
                                              "(- for standard input)"
                                            : "give one scenario file");
    o->file = argv[optind];
    if (access(o->file, F_OK) != 0 &&
        cli_scenario_path(o->file, o->file_buf, sizeof o->file_buf))
        o->file = o->file_buf;
    bool seeded = !o->args.seed_set[0] ||
                  scenario_args_add_set(&o->args, o->args.seed_set);
    return seeded ? EXIT_OK : EXIT_FAILED;
}

size_t cli_print_warnings(const struct scenario *s)
{
    struct scenario_errors w;
    scenario_warnings(s, &w);
    for (size_t i = 0; i < w.n; i++)
        fprintf(stderr, "warning: %s\n", w.lines[i]);
    size_t n = w.n;
    scenario_errors_free(&w);
    return n;
}

bool cli_scenario_path(const char *name, char *out, size_t n)
{
    static const char *const BESIDE[] = {"scenarios",
                                         "share/stampede/scenarios"};
    struct data_dir d = {.env = "STAMPEDE_SCENARIOS", .beside = BESIDE,
                         .n_beside = 2, .probe = "hot-key.json",
                         .fallback = "scenarios"};
    if (!name[0] || strchr(name, '/'))
        return false;
    char *dir = data_dir_find(&d);
    size_t len = strlen(name);
    bool json = len > 5 && strcmp(name + len - 5, ".json") == 0;
    bool found = false;
    if (dir) {
        snprintf(out, n, "%s/%s%s", dir, name, json ? "" : ".json");
        found = access(out, R_OK) == 0;
    }
    free(dir);
    return found;
}

const int *cli_stop_signals(void)
{
    static const int SIGNALS[] = {SIGINT,  SIGTERM,   SIGHUP,  SIGQUIT,
                                  SIGXCPU, SIGALRM,   SIGUSR1, SIGUSR2,
                                  SIGVTALRM, SIGPROF, 0};
    return SIGNALS;
}

int cli_signal_status(const struct cli_env *env)
{
    return 128 + (int)*env->stop;
}

bool scenario_args_add_set(struct scenario_args *a, const char *arg)
{
    if (a->n_sets == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 8;
        const char **s = realloc(a->sets, cap * sizeof *s);
        if (!s)
            return false;
        a->sets = s;
        a->cap = cap;
    }
    a->sets[a->n_sets++] = arg;
    return true;
}

bool scenario_args_set_seed(struct scenario_args *a, const char *command,
                            const char *text)
{
    uint64_t seed;
    if (!cli_parse_u64(text, &seed) || seed > 9007199254740991ULL) {
        cli_usage_error(command, "--seed: expected an integer from 0 to "
                        "2^53-1, got '%s'", text);
        return false;
    }
    snprintf(a->seed_set, sizeof a->seed_set, "seed=%llu",
             (unsigned long long)seed);
    return true;
}

void scenario_args_free(struct scenario_args *a)
{
    free(a->sets);
    a->sets = NULL;
    a->n_sets = a->cap = 0;
}
