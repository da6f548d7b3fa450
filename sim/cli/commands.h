/*
 * commands.h — the entry point of each `stampede` command (cmd_*.c).
 */
#ifndef STAMPEDE_COMMANDS_H
#define STAMPEDE_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"
#include "output/plot.h"

int cmd_run(int argc, char **argv, const struct cli_env *env);
int cmd_sweep(int argc, char **argv, const struct cli_env *env);
int cmd_calibrate(int argc, char **argv, const struct cli_env *env);
int cmd_check(int argc, char **argv, const struct cli_env *env);
int cmd_fit(int argc, char **argv, const struct cli_env *env);
int cmd_bench(int argc, char **argv, const struct cli_env *env);
int cmd_plot(int argc, char **argv, const struct cli_env *env);
int cmd_metrics(int argc, char **argv, const struct cli_env *env);
int cmd_merge(int argc, char **argv, const struct cli_env *env);
int cmd_compare(int argc, char **argv, const struct cli_env *env);
int cmd_report(int argc, char **argv, const struct cli_env *env);
int cmd_init(int argc, char **argv, const struct cli_env *env);

/* The figures of the run in `dir` (into out_dir; NULL: dir), for `plot`
 * and `run --plot`: progress on stderr unless quiet, each image's path on
 * `written` (may be NULL), the database panels' scale `log_y`, a failure
 * reported as "stampede COMMAND: ...". Returns the exit status. */
int cmd_plot_dir(const char *command, const char *dir, const char *out_dir,
                 bool quiet, FILE *written, enum axis_scale log_y,
                 const struct cli_env *env);

/* --log-y WHEN: into *out, or the usage error's status. */
int cli_log_y_option(const char *command, const char *text,
                     enum axis_scale *out);

struct sweep_params;
struct sweep;
/* The files of a sweep that has run (`sweep`, and `merge` of a sweep's
 * slices), written into `tmp`, the directory being written in `dir`'s
 * place (outdir.h), and named by `dir` in messages: sweep.csv, the
 * verdicts on stdout with constraints, and with `figures` the figures of
 * a single numeric --vary (scenario `name` in their titles). *written:
 * sweep.csv was (the figures may still have failed). Returns the exit
 * status. */
int cmd_sweep_write(const struct sweep_params *p, const struct sweep *s,
                    const char *tmp, const char *dir, bool quiet,
                    bool figures, const char *name,
                    const struct cli_env *env, bool *written);

#endif
