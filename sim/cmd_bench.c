/*
 * cmd_bench.c — `stampede bench`: how fast the simulator runs.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "cli.h"
#include "commands.h"

static const char USAGE[] =
    "Usage: stampede bench --kernel [--seconds S] [--json]\n"
    "\n"
    "Measures the speed of the discrete-event kernel with the classic hold\n"
    "model: the earliest event is popped and one is pushed at its time plus\n"
    "an exponential draw, so the queue holds a constant number of pending\n"
    "events (10, 10^3 and 10^5). An event is one handler dispatched.\n"
    "\n"
    "Options:\n"
    "  --kernel       run the kernel hold model (the only suite so far)\n"
    "  --seconds S    wall time per benchmark (default 1)\n"
    "  --json         print a JSON array instead of a table: one object per\n"
    "                 benchmark with name, pending, events, events_per_s\n"
    "  -h, --help     show this help\n";

static void print_table(const struct bench_result *r, size_t n)
{
    printf("%-12s %10s %14s %9s %14s\n", "benchmark", "pending", "events",
           "seconds", "events/s");
    for (size_t i = 0; i < n; i++)
        printf("%-12s %10zu %14llu %9.2f %12.2f M\n", r[i].name, r[i].pending,
               (unsigned long long)r[i].events, r[i].seconds,
               r[i].events_per_s / 1e6);
}

static void print_json(const struct bench_result *r, size_t n)
{
    printf("[\n");
    for (size_t i = 0; i < n; i++)
        printf("  {\"name\": \"%s\", \"pending\": %zu, \"events\": %llu, "
               "\"events_per_s\": %.0f}%s\n",
               r[i].name, r[i].pending, (unsigned long long)r[i].events,
               r[i].events_per_s, i + 1 < n ? "," : "");
    printf("]\n");
}

int cmd_bench(int argc, char **argv, const struct cli_env *env)
{
    static const struct option OPTIONS[] = {
        {"kernel", no_argument, NULL, 'k'},
        {"seconds", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool kernel = false, json = false;
    double seconds = 1;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", OPTIONS, NULL)) != -1) {
        switch (c) {
        case 'k': kernel = true; break;
        case 'j': json = true; break;
        case 's':
            if (!cli_parse_double(optarg, &seconds) || seconds <= 0 ||
                seconds > 3600)
                return cli_usage_error("bench", "--seconds: expected a "
                                       "number of seconds in (0, 3600], got "
                                       "'%s'", optarg);
            break;
        case 'h': fputs(USAGE, stdout); return EXIT_OK;
        case ':':
            return cli_usage_error("bench", "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("bench", "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("bench", "unexpected argument '%s'", argv[optind]);
    if (!kernel)
        return cli_usage_error("bench", "choose a suite: --kernel");
    static const size_t SIZES[] = {10, 1000, 100000};
    struct bench_result results[3];
    for (size_t i = 0; i < 3; i++) {
        if (*env->stop)
            return cli_signal_status(env);
        if (!bench_hold(SIZES[i], seconds, &results[i])) {
            fprintf(stderr, "stampede bench: out of memory\n");
            return EXIT_FAILED;
        }
    }
    if (json)
        print_json(results, 3);
    else
        print_table(results, 3);
    return EXIT_OK;
}
