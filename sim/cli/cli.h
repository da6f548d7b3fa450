/*
 * cli.h — what the commands of `stampede` share: the exit statuses, the
 * environment main() hands them, and small helpers for options and errors.
 */
#ifndef STAMPEDE_CLI_H
#define STAMPEDE_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/plot.h"
#include "output/table.h"

enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,     /* something failed while running */
    EXIT_USAGE = 2,      /* bad usage or a bad scenario */
    EXIT_SLO_BROKEN = 3, /* run --fail-on-slo: a run broke its SLO */
};

struct cli_env {
    /* Non-zero once SIGINT or SIGTERM arrived (the signal's number). */
    const volatile sig_atomic_t *stop;
    bool stderr_is_tty;
};

struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv, const struct cli_env *env);
};

/* Prints "stampede CMD: message" and a pointer to --help on stderr;
 * returns EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Strict number parsing for option values: the whole text must be a
 * finite number (an unsigned integer for cli_parse_u64). */
bool cli_parse_double(const char *text, double *out);
bool cli_parse_u64(const char *text, uint64_t *out);

/* The `--set PATH=VALUE` arguments of a command, in order, and the
 * `--seed N` override (applied last, as "seed=N"). */
struct scenario_args {
    const char **sets;
    size_t n_sets, cap;
    char seed_set[48];
};

/* Returns false if memory runs out. */
bool scenario_args_add_set(struct scenario_args *a, const char *arg);
/* Returns false (and prints the usage error) for a bad seed. */
bool scenario_args_set_seed(struct scenario_args *a, const char *command,
                            const char *text);
void scenario_args_free(struct scenario_args *a);

/* --max-in-flight N (1 .. 10^8), for the commands that run worlds.
 * Returns EXIT_OK, or prints the usage error and returns EXIT_USAGE. */
int cli_max_in_flight_option(const char *command, const char *text,
                             long *out);

/* --max-memory SIZE ("4G", "500M": memguard.h), for the commands that
 * build worlds. Returns EXIT_OK, or prints the usage error and returns
 * EXIT_USAGE. */
int cli_max_memory_option(const char *command, const char *text,
                          double *out);

/* --out DIR: a directory, or a path where one can be made (checked now,
 * so that a file in the way is a usage error, not a failure half-way).
 * Returns EXIT_OK, or prints the usage error and returns EXIT_USAGE. */
int cli_out_dir_option(const char *command, const char *text,
                       const char **out);

struct shard;
/* --shard I/N (run, sweep): the slice of the work to run (shard.h).
 * Returns EXIT_OK, or prints the usage error and returns EXIT_USAGE. */
int cli_shard_option(const char *command, const char *text,
                     struct shard *out);

/* --plot-timeout SECONDS (a number of seconds, or a duration: "2m"):
 * how long gnuplot may take per figure, from 0.1 s to a day. Returns
 * EXIT_OK, or prints the usage error and returns EXIT_USAGE. */
int cli_plot_timeout_option(const char *command, const char *text,
                            double *out);

/* --format text|json|csv|markdown: what stdout gets. Returns EXIT_OK, or
 * prints the usage error and returns EXIT_USAGE. */
int cli_format_option(const char *command, const char *text,
                      enum out_format *out);

/* --log-x / --log-y (`flag`) auto|on|off: a figure's axis. Returns
 * EXIT_OK, or prints the usage error and returns EXIT_USAGE. */
int cli_axis_option(const char *command, const char *flag, const char *text,
                    enum axis_scale *out);

/* Begins writing the results directory `dir` (outdir_begin: its lock,
 * the temporary directory beside it), before any work; prints the
 * reason as "stampede COMMAND: ..." and returns false if it cannot. */
struct outdir;
bool cli_begin_results(const char *command, struct outdir *d,
                       const char *dir);

/* The message of a results directory that could not be written
 * (outdir_fail), printed as "stampede COMMAND: ..."; returns EXIT_FAILED,
 * or the signal's status when the command was interrupted too. */
int cli_results_failed(const char *command, struct outdir *d,
                       const char *why, const struct cli_env *env);

/* What the figures' outcome `st` (its message in err) makes of a
 * command whose data files are whole in `out`: PLOT_OK, EXIT_OK; a file
 * that could not be written (PLOT_WRITE_FAILED): the results are not
 * whole, so DIR stays as it was (cli_results_failed ends `out`),
 * EXIT_FAILED; gnuplot stopped by a signal: 128 + the signal; gnuplot
 * missing, failing or too slow: the message, EXIT_FAILED (a figure is
 * not data: the rest is written). `out` is still to commit unless it was
 * ended here (out->tmp NULL). */
struct plot_error;
int cli_figures_outcome(const char *command, struct outdir *out, int st,
                        struct plot_error *err, const struct cli_env *env);

/* A usage error unless the results directory `dir` may be replaced by
 * the command's results (outdir.h: absent, empty, or written by
 * stampede), checked before anything runs. */
int cli_results_dir(const char *command, const char *dir);

/* The options of the commands that run worlds (run, sweep, calibrate). */
struct world_options {
    struct scenario_args args;   /* --set, --seed */
    const char *out_dir;         /* --out; NULL: the command's default */
    unsigned reps;               /* --reps, from min_reps to 10000 */
    unsigned min_reps;
    unsigned jobs;               /* -j, 1 to 256 (sweep, calibrate) */
    long max_in_flight;          /* --max-in-flight; 0: the world's default */
    double max_memory;           /* --max-memory */
    bool quiet;                  /* --quiet, -q */
    double plot_timeout;         /* --plot-timeout, seconds per figure */
    enum out_format format;      /* --format: what stdout gets */
    const char *file;            /* the scenario operand (resolved) */
    char file_buf[4096];         /* a library scenario's path */
};

/* Their getopt_long entries; -q and -j go in the short options. */
#define WORLD_LONG_OPTIONS                                                   \
    {"seed", required_argument, NULL, 'S'},                                  \
    {"set", required_argument, NULL, 's'},                                   \
    {"out", required_argument, NULL, 'o'},                                   \
    {"reps", required_argument, NULL, 'r'},                                  \
    {"max-in-flight", required_argument, NULL, 'm'},                         \
    {"max-memory", required_argument, NULL, 'M'},                            \
    {"quiet", no_argument, NULL, 'q'},                                       \
    {"plot-timeout", required_argument, NULL, 'Y'},                          \
    {"format", required_argument, NULL, 'T'}

/* Defaults: `reps` replications (at least min_reps), a worker per CPU,
 * the memory guard's default limit. */
void world_options_init(struct world_options *o, unsigned reps,
                        unsigned min_reps);

/* Handles the getopt_long result `c` (with optarg `arg`) for `command`:
 * one of WORLD_LONG_OPTIONS, -q or -j, or an error (a missing value, an
 * unknown option: argv names it). Returns EXIT_OK, or the status to exit
 * with after the message. */
int world_option(const char *command, int c, const char *arg, char **argv,
                 struct world_options *o);

/* After the options: the one scenario file operand, and --seed applied
 * last. An operand that is not a file but names a scenario of the
 * library ("hot-key": cli_scenario_path) is that scenario. Returns
 * EXIT_OK or the status to exit with. */
int world_options_finish(const char *command, int argc, char **argv,
                         struct world_options *o);

/* `name` as a scenario of the library shipped with stampede
 * ($STAMPEDE_SCENARIOS; scenarios/ in a checkout, share/stampede/
 * scenarios/ where installed), with or without ".json", into out; false
 * if it is a path or no such scenario exists there. */
bool cli_scenario_path(const char *name, char *out, size_t n);

/* The usage error for what getopt_long returned for an option it could
 * not take (':' a missing value, anything else an unknown option). */
int cli_getopt_error(const char *command, int c, char **argv);

struct scenario;
/* The scenario's warnings (scenario_warnings) on stderr, each line
 * "warning: FILE:LINE:COL: PATH: message"; how many. */
size_t cli_print_warnings(const struct scenario *s);

/* The signals that stop a command cleanly (0-terminated): those whose
 * default action ends a process, but for SIGKILL, which cannot be
 * caught, SIGPIPE and SIGXFSZ (ignored: main.c), and the faults of a
 * crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT). Workers give them
 * back their default action (workers.c). */
const int *cli_stop_signals(void);

/* The exit status for a run stopped by a signal: 128 + its number. */
int cli_signal_status(const struct cli_env *env);

#endif
