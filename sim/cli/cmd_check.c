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
#include "output/check_report.h"
#include "output/schema_doc.h"
#include "scenario/scenario.h"

static const char USAGE[] =
    "Usage: stampede check SCENARIO [--set PATH=VALUE]... [--seed N]\n"
    "                      [--max-memory SIZE]\n"
    "                      [--format text|json|csv|markdown]\n"
    "       stampede check --schema [--format text|json|markdown]\n"
    "\n"
    "Checks a scenario file (- : standard input, named <stdin> in messages)\n"
    "strictly and prints, on one screen, what will be\n"
    "simulated: the traffic, the keys, the TTL, the database's capacity, the\n"
    "expected stampede size for the hottest key, the policies, and the\n"
    "memory a run needs at start. Every problem in the file is reported as\n"
    "FILE:LINE:COL: PATH: MESSAGE. What is valid but likely a mistake is\n"
    "said on stderr as \"warning: FILE:LINE:COL: PATH: MESSAGE\" (the status\n"
    "stays 0): a bare number above 3600 in a duration field (seconds:\n"
    "\"ttl\": 60000 is 16.7 hours), a TTL shorter than the median recompute,\n"
    "a recompute p99 above client.timeout, background load at or above the\n"
    "database's capacity, a run shorter than two TTL cycles (unless its\n"
    "timeline flushes the cache), a run of more than 10^9 events (how many,\n"
    "and roughly how long), a PER policy whose early refreshes would start\n"
    "more than a third of the TTL before the expiry with the recompute's\n"
    "p99 as delta (its measured delta can feed back; the fix is named).\n"
    "run, sweep and calibrate say the same before they run.\n"
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
    "  --format FORMAT   text (default), or the description cut into its\n"
    "                    sections, with the warnings, as json, csv or\n"
    "                    markdown\n"
    "  --schema          no scenario: the words the schema takes (each\n"
    "                    field's enumeration, the policies and their knobs)\n"
    "                    and its limits, from the loader's own tables\n"
    "  -h, --help        show this help\n"
    "\n"
    "Exit status: 0 the scenario is valid, 2 it is not (or bad usage, or\n"
    "it needs more memory than the limit).\n";

/* What check prints on stdout: the description and the memory line, as
 * text or (--format) for tools. */
static int describe(const struct scenario *s, const struct world_options *o)
{
    if (o->format == FORMAT_TEXT) {
        scenario_describe(s, stdout);
        memguard_describe(s, o->max_memory, stdout);
        return EXIT_OK;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return EXIT_FAILED;
    scenario_describe(s, mem);
    memguard_describe(s, o->max_memory, mem);
    if (fclose(mem) != 0) {
        free(text);
        return EXIT_FAILED;
    }
    struct scenario_errors w;
    scenario_warnings(s, &w);
    struct check_report r = {s, text, (const char *const *)w.lines, w.n};
    check_report_write(stdout, &r, o->format);
    scenario_errors_free(&w);
    free(text);
    return EXIT_OK;
}

int cmd_check(int argc, char **argv, const struct cli_env *env)
{
    static const struct option OPTIONS[] = {
        {"set", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'S'},
        {"max-memory", required_argument, NULL, 'M'},
        {"format", required_argument, NULL, 'T'},
        {"schema", no_argument, NULL, 'K'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    (void)env;
    struct world_options o = {0};
    bool schema = false;
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
        if (c == 'K')
            schema = true;
        else
            status = world_option("check", c, optarg, argv, &o);
    }
    if (status == EXIT_OK && schema) {
        scenario_args_free(&o.args);
        if (optind != argc)
            return cli_usage_error("check", "--schema takes no scenario");
        schema_doc_write(stdout, o.format);
        return EXIT_OK;
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
    cli_print_warnings(s);
    status = describe(s, &o);
    scenario_free(s);
    return status;
}
