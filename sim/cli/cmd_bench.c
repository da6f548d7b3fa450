/*
 * cmd_bench.c — `stampede bench`: how fast the simulator runs, and how its
 * memory and its parallel sweeps behave.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/bench.h"
#include "experiment/bench_suite.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "kernel/strutil.h"

static const char USAGE[] =
    "Usage: stampede bench [--kernel] [--seconds S] [--json]\n"
    "\n"
    "Runs the benchmark scenarios of scenarios/bench/ (each policy,\n"
    "replication after replication, for S seconds of wall time) and the\n"
    "kernel's hold model (the earliest event is popped and one pushed at its\n"
    "time plus an exponential draw, so the queue holds a constant number of\n"
    "events: 10, 10^3, 10^5, and each scenario's own mean queue size). For\n"
    "each: events (handlers dispatched), events/s, simulated requests/s,\n"
    "events per request, peak RSS, and for a scenario the hold model's\n"
    "events/s at the same queue size. Then three checks: the peak RSS of a\n"
    "run ten times longer, a Zipf catalog of 10^6 keys, and a sweep with\n"
    "-j 1 against -j 2.\n"
    "\n"
    "Options:\n"
    "  --kernel       the hold model only (10, 10^3, 10^5 events)\n"
    "  --seconds S    wall time per benchmark (default 3; 1 with --kernel)\n"
    "  --json         a JSON array instead of a table: one object per\n"
    "                 benchmark with name, pending, events, events_per_s,\n"
    "                 requests_per_s, events_per_request, peak_rss_mb,\n"
    "                 hold_events_per_s; then the checks\n"
    "  -h, --help     show this help\n"
    "\n"
    "Set STAMPEDE_BENCH to use another directory of scenarios.\n";

#define MAX_BENCH 32

struct bench_options {
    bool kernel, json;
    double seconds;
};

struct check {
    char name[64];
    double value, reference, ratio;
    const char *unit;
};

static int parse_options(int argc, char **argv, struct bench_options *o)
{
    static const struct option OPTIONS[] = {
        {"kernel", no_argument, NULL, 'k'},
        {"seconds", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    optind = 1;
    o->seconds = 0;
    while ((c = getopt_long(argc, argv, ":h", OPTIONS, NULL)) != -1) {
        switch (c) {
        case 'k': o->kernel = true; break;
        case 'j': o->json = true; break;
        case 's':
            if (!cli_parse_double(optarg, &o->seconds) || o->seconds <= 0 ||
                o->seconds > 3600)
                return cli_usage_error("bench", "--seconds: expected a "
                                       "number of seconds in (0, 3600], got "
                                       "'%s'", optarg);
            break;
        case 'h': fputs(USAGE, stdout); return -1;
        default: return cli_getopt_error("bench", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("bench", "unexpected argument '%s'", argv[optind]);
    if (o->seconds == 0)
        o->seconds = o->kernel ? 1 : 3;
    return EXIT_OK;
}

/* ---- running ---- */

struct hold_job {
    size_t pending;
    double seconds;
};

static bool hold_in_child(void *ctx, struct bench_result *out)
{
    const struct hold_job *h = ctx;
    return bench_hold(h->pending, h->seconds, out);
}

static bool hold(size_t pending, double seconds, struct bench_result *out)
{
    struct hold_job h = {pending ? pending : 1, seconds};
    return bench_in_child(hold_in_child, &h, out);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The scenario files of the benchmark directory, sorted. */
static size_t list_scenarios(const char *dir, char **files, size_t max)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    for (struct dirent *e; d && (e = readdir(d)) && n < max;) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
            files[n++] = str_printf("%s/%s", dir, e->d_name);
    }
    if (d)
        closedir(d);
    qsort(files, n, sizeof *files, by_name);
    return n;
}

static bool run_scenarios(const struct bench_options *o, const char *dir,
                          struct bench_result *r, size_t *n,
                          const struct cli_env *env)
{
    char *files[MAX_BENCH];
    size_t count = list_scenarios(dir, files, MAX_BENCH);
    bool ok = count > 0;
    if (!ok)
        fprintf(stderr, "stampede bench: no scenario in %s (set "
                "STAMPEDE_BENCH)\n", dir);
    for (size_t i = 0; ok && i < count && !*env->stop; i++) {
        struct bench_scenario b = {files[i], o->seconds, 0, 0};
        if (!o->json)
            fprintf(stderr, "stampede bench: %s\n", files[i]);
        struct bench_result at_queue;
        ok = bench_in_child(bench_scenario_run, &b, &r[*n]) &&
             hold(r[*n].pending, 1, &at_queue);
        r[*n].hold_events_per_s = ok ? at_queue.events_per_s : 0;
        (*n)++;
    }
    for (size_t i = 0; i < count; i++)
        free(files[i]);
    return ok;
}

static bool run_kernel(double seconds, struct bench_result *r, size_t *n)
{
    static const size_t SIZES[] = {10, 1000, 100000};
    for (size_t i = 0; i < 3; i++) {
        if (!hold(SIZES[i], seconds, &r[*n]))
            return false;
        r[*n].hold_events_per_s = r[*n].events_per_s;
        (*n)++;
    }
    return true;
}

/* Peak RSS of hot-key-steady at its length and ten times it; of a 10^6-key
 * catalog; a sweep with one worker and with two. */
static bool run_checks(const char *dir, struct check *c, size_t *n)
{
    char *steady = str_printf("%s/hot-key-steady.json", dir);
    char *catalog = str_printf("%s/catalog.json", dir);
    struct bench_result a = {0}, b = {0}, z = {0};
    struct bench_scenario short_run = {steady, 0, 0, 60};
    struct bench_scenario long_run = {steady, 0, 0, 600};
    struct bench_scenario big = {catalog, 0, 1000000, 10};
    double one, two;
    bool ok = steady && catalog &&
              bench_in_child(bench_scenario_run, &short_run, &a) &&
              bench_in_child(bench_scenario_run, &long_run, &b) &&
              bench_in_child(bench_scenario_run, &big, &z) &&
              bench_sweep_seconds(steady, 8, 1, &one) &&
              bench_sweep_seconds(steady, 8, 2, &two);
    if (ok) {
        c[(*n)++] = (struct check){"rss-10x-longer", b.peak_rss_mb,
                                   a.peak_rss_mb, b.peak_rss_mb / a.peak_rss_mb,
                                   "MB"};
        c[(*n)++] = (struct check){"rss-zipf-1e6-keys", z.peak_rss_mb, 300,
                                   z.peak_rss_mb / 300, "MB"};
        c[(*n)++] = (struct check){"sweep-j2-speedup", two, one, one / two,
                                   "s"};
    }
    free(steady);
    free(catalog);
    return ok;
}

/* ---- printing ---- */

static void print_table(const struct bench_result *r, size_t n,
                        const struct check *c, size_t n_checks)
{
    printf("%-16s %7s %12s %10s %12s %8s %9s %12s %6s\n", "benchmark",
           "queue", "events", "events/s", "requests/s", "ev/req", "RSS MB",
           "hold at queue", "ratio");
    for (size_t i = 0; i < n; i++) {
        printf("%-16s %7zu %12llu %9.2fM %11.2fM %8.2f %9.1f %11.2fM %5.0f%%\n",
               r[i].name, r[i].pending, (unsigned long long)r[i].events,
               r[i].events_per_s / 1e6, r[i].requests_per_s / 1e6,
               r[i].events_per_request, r[i].peak_rss_mb,
               r[i].hold_events_per_s / 1e6,
               100 * r[i].events_per_s / r[i].hold_events_per_s);
    }
    for (size_t i = 0; i < n_checks; i++)
        printf("%-20s %.3g %s against %.3g %s: ratio %.3f\n", c[i].name,
               c[i].value, c[i].unit, c[i].reference, c[i].unit, c[i].ratio);
}

static void print_json(const struct bench_result *r, size_t n,
                       const struct check *c, size_t n_checks)
{
    printf("[\n");
    for (size_t i = 0; i < n; i++)
        printf("  {\"name\": \"%s\", \"pending\": %zu, \"events\": %llu, "
               "\"events_per_s\": %.0f, \"requests_per_s\": %.0f, "
               "\"events_per_request\": %.3f, \"peak_rss_mb\": %.1f, "
               "\"hold_events_per_s\": %.0f}%s\n",
               r[i].name, r[i].pending, (unsigned long long)r[i].events,
               r[i].events_per_s, r[i].requests_per_s, r[i].events_per_request,
               r[i].peak_rss_mb, r[i].hold_events_per_s,
               i + 1 < n || n_checks ? "," : "");
    for (size_t i = 0; i < n_checks; i++)
        printf("  {\"name\": \"%s\", \"value\": %.4g, \"reference\": %.4g, "
               "\"ratio\": %.4f, \"unit\": \"%s\"}%s\n", c[i].name, c[i].value,
               c[i].reference, c[i].ratio, c[i].unit,
               i + 1 < n_checks ? "," : "");
    printf("]\n");
}

int cmd_bench(int argc, char **argv, const struct cli_env *env)
{
    struct bench_options o = {0};
    int status = parse_options(argc, argv, &o);
    if (status != EXIT_OK)
        return status < 0 ? EXIT_OK : status;
    struct bench_result r[MAX_BENCH + 3];
    struct check c[3];
    size_t n = 0, n_checks = 0;
    memset(r, 0, sizeof r);
    char *dir = o.kernel ? NULL : bench_scenarios_dir();
    bool ok = (o.kernel || (dir && run_scenarios(&o, dir, r, &n, env))) &&
              run_kernel(o.kernel ? o.seconds : 1, r, &n);
    if (ok && !o.kernel && !*env->stop) {
        if (!o.json)
            fprintf(stderr, "stampede bench: memory and parallel checks\n");
        ok = run_checks(dir, c, &n_checks);
    }
    free(dir);
    if (*env->stop)
        return cli_signal_status(env);
    if (!ok) {
        fprintf(stderr, "stampede bench: a benchmark failed\n");
        return EXIT_FAILED;
    }
    if (o.json)
        print_json(r, n, c, n_checks);
    else
        print_table(r, n, c, n_checks);
    return EXIT_OK;
}
