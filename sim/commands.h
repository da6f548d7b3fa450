/*
 * commands.h — the entry point of each `stampede` command (cmd_*.c).
 */
#ifndef STAMPEDE_COMMANDS_H
#define STAMPEDE_COMMANDS_H

#include "cli.h"

int cmd_run(int argc, char **argv, const struct cli_env *env);
int cmd_sweep(int argc, char **argv, const struct cli_env *env);
int cmd_check(int argc, char **argv, const struct cli_env *env);
int cmd_bench(int argc, char **argv, const struct cli_env *env);

#endif
