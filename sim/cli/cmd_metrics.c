/*
 * cmd_metrics.c — `stampede metrics`: the metric registry, for people
 * (text), for the docs (Markdown) and for tools (JSON).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "output/metric_doc.h"

static const char USAGE[] =
    "Usage: stampede metrics [--format text|markdown|json] [--section NAME]\n"
    "\n"
    "Lists every metric stampede reports, as it names it in each output:\n"
    "its field in summary.json, its column in timeseries.csv (and in\n"
    "sweep.csv, and its header in the run table), its unit, what it means,\n"
    "and how windows fold into the run's value (sum, max, ratio of the\n"
    "pooled counts, ...). The policies' own metrics follow the model's:\n"
    "the field policy_metrics.NAME, the column POLICY_NAME.\n"
    "\n"
    "Options:\n"
    "  --format FORMAT  text (default), markdown (the tables of the docs),\n"
    "                   or json (every column and field by name, with the\n"
    "                   fields of summary.json that are not metrics)\n"
    "  --section NAME   markdown only: one table, of timeseries, summary,\n"
    "                   table (the run table's headers) or sweep\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 done, 2 bad usage.\n";

static const char *const FORMATS[] = {"text", "markdown", "json", NULL};

static int parse_format(const char *text, enum metric_doc_format *out)
{
    for (int i = 0; FORMATS[i]; i++)
        if (strcmp(text, FORMATS[i]) == 0) {
            *out = (enum metric_doc_format)i;
            return EXIT_OK;
        }
    return cli_usage_error("metrics", "--format: expected text, markdown "
                           "or json, got \"%s\"", text);
}

int cmd_metrics(int argc, char **argv, const struct cli_env *env)
{
    (void)env;
    static const struct option OPTIONS[] = {
        {"format", required_argument, NULL, 'f'},
        {"section", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    enum metric_doc_format format = DOC_TEXT;
    const char *section = NULL;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", OPTIONS, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (parse_format(optarg, &format) != EXIT_OK)
                return EXIT_USAGE;
            break;
        case 's': section = optarg; break;
        case 'h': fputs(USAGE, stdout); return EXIT_OK;
        default: return cli_getopt_error("metrics", c, argv);
        }
    }
    if (optind != argc)
        return cli_usage_error("metrics", "unexpected argument \"%s\"",
                               argv[optind]);
    if (section && format != DOC_MARKDOWN)
        return cli_usage_error("metrics", "--section goes with --format "
                               "markdown");
    if (!metric_doc_write(stdout, format, section))
        return cli_usage_error("metrics", "--section: expected timeseries, "
                               "summary, table or sweep, got \"%s\"",
                               section);
    return EXIT_OK;
}
