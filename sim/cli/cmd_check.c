/*
 * cmd_check.c — `stampede check`: validate a scenario and say what it will
 * simulate.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "experiment/memguard.h"
#include "scenario/scenario.h"

static const char USAGE[] =
    "Usage: stampede check SCENARIO [--set PATH=VALUE]... [--seed N]\n"
    "                      [--max-memory SIZE]\n"
    "\n"
    "Checks a scenario file strictly and prints, on one screen, what will be\n"
    "simulated: the traffic, the keys, the TTL, the database's capacity, the\n"
    "expected stampede size for the hottest key, the policies, and the\n"
    "memory a run needs at start. Every problem in the file is reported as\n"
    "FILE:LINE:COL: PATH: MESSAGE.\n"
    "\n"
    "Options:\n"
    "  --set PATH=VALUE  override a field: database.cores=4,\n"
    "                    policies[1].beta=2 (by index), policies[per].beta=2\n"
    "                    (by label); the value is read as the field's type;\n"
    "                    JSON for objects ('{\"dist\": \"exponential\", ...}')\n"
    "  --seed N          the random seed (same as --set seed=N)\n"
    "  --max-memory SIZE the limit 'run' will apply (4G, 500M; default 4G,\n"
    "                    or half the memory if that is less): a scenario\n"
    "                    whose state at start needs more is refused\n"
    "  -h, --help        show this help\n"
    "\n"
    "Exit status: 0 the scenario is valid, 2 it is not (or bad usage, or\n"
    "it needs more memory than the limit).\n";

int cmd_check(int argc, char **argv, const struct cli_env *env)
{
    static const struct option OPTIONS[] = {
        {"set", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'S'},
        {"max-memory", required_argument, NULL, 'M'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    (void)env;
    struct world_options o = {0};
    world_options_init(&o, 1, 1);
    int c, status = EXIT_OK;
    opterr = 0;
    optind = 1;
    while (status == EXIT_OK &&
           (c = getopt_long(argc, argv, ":h", OPTIONS, NULL)) != -1) {
        if (c == 'h') {
            fputs(USAGE, stdout);
            scenario_args_free(&o.args);
            return EXIT_OK;
        }
        status = world_option("check", c, optarg, argv, &o);
    }
    if (status == EXIT_OK)
        status = world_options_finish("check", argc, argv, &o);
    if (status != EXIT_OK) {
        scenario_args_free(&o.args);
        return status;
    }
    struct scenario_errors errors = {0};
    struct scenario *s = scenario_load(o.file, o.args.sets, o.args.n_sets,
                                       &errors);
    scenario_args_free(&o.args);
    if (!s) {
        scenario_errors_print(&errors, stderr);
        scenario_errors_free(&errors);
        return EXIT_USAGE;
    }
    /* what `run` would refuse, `check` refuses too */
    char *too_large = memguard_problem(s, NULL, 0, 1, NULL, o.max_memory);
    if (too_large) {
        fprintf(stderr, "%s\n", too_large);
        free(too_large);
        scenario_free(s);
        return EXIT_USAGE;
    }
    scenario_describe(s, stdout);
    memguard_describe(s, o.max_memory, stdout);
    scenario_free(s);
    return EXIT_OK;
}
