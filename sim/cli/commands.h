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

/* The figures `req` asks for, for `plot` and `run --plot`, a failure
 * reported as "stampede COMMAND: ...". Returns the exit status (128 +
 * the signal when one stopped gnuplot). */
int cmd_plot_dir(const char *command, const struct plot_request *req,
                 const struct cli_env *env);

struct sweep_params;
struct sweep;
struct outdir;
/* The files of a sweep that has run (`sweep`, and `merge` of a sweep's
 * slices), written into out->tmp, the directory being written in
 * out->path's place (outdir.h): sweep.csv, the verdicts on stdout with
 * constraints, and with `figures` the figures of a single numeric --vary
 * (scenario `name` in their titles); then the directory is put in place,
 * or, when a file could not be written, kept aside (outdir_fail).
 * Returns the exit status. */
int cmd_sweep_write(const struct sweep_params *p, const struct sweep *s,
                    struct outdir *out, bool quiet, bool figures,
                    const char *name, const struct cli_env *env);

#endif
