/*
 * cmd_init.c — `stampede init`: a starter scenario to edit, commented.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "kernel/strutil.h"
#include "output/outfile.h"
#include "scenario/scenario.h"

static const char USAGE[] =
    "Usage: stampede init NAME [--force]\n"
    "\n"
    "Writes NAME.json (NAME itself if it ends in .json): a starter scenario\n"
    "to edit — one hot key, its recompute, the database behind it, the\n"
    "client, three policies and an slo — with a \"_comment\" in each part\n"
    "saying what its fields mean and which units they take. JSON has no\n"
    "comments: every object of a scenario may hold a \"_comment\" (a string\n"
    "or a list of strings) that nothing reads. Then:\n"
    "  stampede check NAME.json   what it will simulate\n"
    "  stampede run NAME.json --plot\n"
    "\n"
    "Options:\n"
    "  --force      replace NAME.json if it exists\n"
    "  -h, --help   show this help\n"
    "\n"
    "Exit status: 0 written, 1 it could not be written, 2 bad usage (or\n"
    "the file exists: --force).\n";

/* The starter. Every value has its unit; the comments say what the
 * simulator does with it. A test loads and runs it. */
static const char STARTER[] =
    "{\n"
    "  \"_comment\": [\n"
    "    \"A starter scenario: one hot key read 5000 times a second; its value\",\n"
    "    \"takes about 200 ms to recompute on the database. Edit it to your\",\n"
    "    \"service, then: stampede check FILE, stampede run FILE --plot.\",\n"
    "    \"Durations take a unit: 250us, 200ms, 5s, 2m, 1h (a bare number is\",\n"
    "    \"seconds). Every field is optional; docs/scenarios.md of stampede's\",\n"
    "    \"source lists them, stampede check --schema the words they take.\"\n"
    "  ],\n"
    "  \"name\": \"%s\",\n"
    "  \"description\": \"A hot key expires under load; three policies on the same traffic.\",\n"
    "  \"duration\": \"60s\",\n"
    "  \"warmup\": \"5s\",\n"
    "  \"window\": \"1s\",\n"
    "  \"seed\": 1,\n"
    "  \"workload\": {\n"
    "    \"_comment\": \"Poisson arrivals (requests/s) over the keys; zipf popularity for a catalog.\",\n"
    "    \"arrivals\": {\"process\": \"poisson\", \"rate\": 5000},\n"
    "    \"keys\": {\"count\": 1}\n"
    "  },\n"
    "  \"cache\": {\n"
    "    \"_comment\": \"ttl: how long a written value stays fresh; synchronized: every key written at t = 0, so the first expiry is at ttl.\",\n"
    "    \"ttl\": \"20s\",\n"
    "    \"latency\": {\"dist\": \"lognormal\", \"mean\": \"500us\", \"cv\": 0.3},\n"
    "    \"warm\": \"synchronized\"\n"
    "  },\n"
    "  \"database\": {\n"
    "    \"_comment\": [\n"
    "      \"service: the work of one query on an idle database (the recompute);\",\n"
    "      \"cores: queries share them (processor sharing); background: the other\",\n"
    "      \"traffic that keeps it busy (queries/s, each with its own work).\"\n"
    "    ],\n"
    "    \"cores\": 8,\n"
    "    \"service\": {\"dist\": \"lognormal\", \"mean\": \"200ms\", \"cv\": 0.1},\n"
    "    \"max_connections\": 100,\n"
    "    \"background\": {\"rate\": 60, \"service\": {\"dist\": \"exponential\", \"mean\": \"20ms\"}}\n"
    "  },\n"
    "  \"client\": {\n"
    "    \"_comment\": \"A pool of connections; timeout bounds one query from asking for a connection to its result.\",\n"
    "    \"pool_size\": 50,\n"
    "    \"pool_timeout\": \"1s\",\n"
    "    \"timeout\": \"1s\"\n"
    "  },\n"
    "  \"policies\": [\n"
    "    {\"_comment\": \"every miss queries the database\", \"policy\": \"none\"},\n"
    "    {\"_comment\": \"the first miss recomputes; the others wait and re-read\",\n"
    "     \"policy\": \"lock\", \"lock_ttl\": \"2s\", \"retry_interval\": \"50ms\", \"max_wait\": \"5s\"},\n"
    "    {\"_comment\": \"reads refresh early, more likely as the expiry nears\",\n"
    "     \"policy\": \"per\", \"beta\": 1}\n"
    "  ],\n"
    "  \"slo\": {\n"
    "    \"_comment\": \"What the service promises, judged window by window.\",\n"
    "    \"p99\": \"250ms\",\n"
    "    \"error_rate\": 0.001\n"
    "  }\n"
    "}\n";

/* NAME.json, or NAME if it ends in .json. */
static char *file_name(const char *name)
{
    size_t n = strlen(name);
    bool json = n > 5 && strcmp(name + n - 5, ".json") == 0;
    return json ? str_printf("%s", name) : str_printf("%s.json", name);
}

/* The scenario's name: the file's, without folder and ".json", made of
 * the characters a name may hold. */
static char *scenario_name(const char *file)
{
    const char *slash = strrchr(file, '/');
    const char *base = slash ? slash + 1 : file;
    char *name = str_printf("%.*s", (int)(strlen(base) - 5), base);
    for (char *c = name; c && *c; c++)
        if (!scenario_name_char(*c))
            *c = '-';
    return name;
}

int cmd_init(int argc, char **argv, const struct cli_env *env)
{
    (void)env;
    static const struct option OPTIONS[] = {
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool force = false;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", OPTIONS, NULL)) != -1) {
        if (c == 'h') {
            fputs(USAGE, stdout);
            return EXIT_OK;
        }
        if (c != 'f')
            return cli_getopt_error("init", c, argv);
        force = true;
    }
    if (optind != argc - 1 || !argv[optind][0])
        return cli_usage_error("init", "give the new scenario's name (or "
                               "file): stampede init my-service");
    char *file = file_name(argv[optind]);
    char *name = file ? scenario_name(file) : NULL;
    int status = EXIT_FAILED;
    char err[512];
    if (!file || !name || !name[0]) {
        status = file && name ? cli_usage_error("init", "%s: no name left for "
                                                "the scenario", file)
                              : EXIT_FAILED;
    } else if (!force && access(file, F_OK) == 0) {
        status = cli_usage_error("init", "%s exists (--force replaces it)",
                                 file);
    } else {
        char *text = str_printf(STARTER, name);
        if (text && outfile_write_all(file, text, strlen(text), err,
                                      sizeof err)) {
            fprintf(stderr, "stampede: wrote %s; next: stampede check %s\n",
                    file, file);
            status = EXIT_OK;
        } else {
            fprintf(stderr, "stampede init: %s\n", text ? err
                                                       : "out of memory");
        }
        free(text);
    }
    free(file);
    free(name);
    return status;
}
