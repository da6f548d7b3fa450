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

enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,     /* something failed while running */
    EXIT_USAGE = 2,      /* bad usage or a bad scenario */
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

/* The exit status for a run stopped by a signal: 128 + its number. */
int cli_signal_status(const struct cli_env *env);

#endif
