/*
 * cmd_bench.c — `stampede bench`: how fast the simulator runs, and how its
 * memory and its parallel sweeps behave.
 */
#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/bench.h"
#include "experiment/bench_suite.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "kernel/datadir.h"
#include "kernel/strutil.h"

static const char USAGE[] =
    "Usage: stampede bench [--kernel] [--seconds S] [--json]\n"
    "\n"
    "Runs the benchmark scenarios of scenarios/bench/ (each policy,\n"
    "replication after replication, for S seconds of CPU time) and the\n"
    "kernel's hold model (the earliest event is popped and one pushed at its\n"
    "time plus an exponential draw, so the queue holds a constant number of\n"
    "events: 10, 10^3, 10^5, and each scenario's own mean queue size). For\n"
    "each: events (handlers dispatched), events/s and simulated requests/s\n"
    "per CPU second and per wall second, events per request, peak RSS, and\n"
    "for a scenario the hold model's events/s at the same queue size.\n"
    "hot-key-steady is also measured against build/limit, the least work\n"
    "its outputs need written by hand (limit_ratio: the limit's CPU time\n"
    "over the simulator's for the same number of requests). Then the Zipf\n"
    "catalog (catalog.json) at 10^5, 10^6 and 10^7 keys: requests/s, the\n"
    "per-key state a world allocates, the resident memory per key it\n"
    "takes when it is built (a key's state is made when the key is first\n"
    "used) and when its run ends, and the CPU time building it takes\n"
    "(included in requests/s). Then two\n"
    "checks: the peak RSS of a run ten times longer, and a sweep with -j 1\n"
    "against -j 2.\n"
    "\n"
    "Options:\n"
    "  --kernel       the hold model only (10, 10^3, 10^5 events)\n"
    "  --seconds S    CPU time per benchmark (default 3; 1 with --kernel)\n"
    "  --json         a JSON array instead of a table: one object per\n"
    "                 benchmark with name, pending, events, requests,\n"
    "                 cpu_seconds, wall_seconds, events_per_s,\n"
    "                 events_per_wall_s, requests_per_s, requests_per_wall_s,\n"
    "                 events_per_request, peak_rss_mb, hold_events_per_s,\n"
    "                 hold_events_per_wall_s (rates without _wall_ are per\n"
    "                 CPU second); limit_ratio on hot-key-steady; keys,\n"
    "                 state_bytes_per_key (allocated), start_bytes_per_key\n"
    "                 and end_bytes_per_key (resident when the first world\n"
    "                 is built and when its run ends) and start_cpu_seconds\n"
    "                 on the catalogs; then the checks\n"
    "  -h, --help     show this help\n"
    "\n"
    "Set STAMPEDE_BENCH to use another directory of scenarios.\n";

#define MAX_BENCH 32
#define N_CATALOGS 3

struct bench_options {
    bool kernel, json;
    double seconds;
};

struct check {
    char name[64];
    double value, reference, ratio;
    const char *unit;
    double cpu_value, cpu_reference;   /* CPU seconds, where it is a time
                                          (NAN otherwise) */
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

/* hot-key-steady against build/limit: the same number of requests. */
/* limit_ratio, when build/limit is there to run: without it (an
 * installed stampede) the other figures stand, and the ratio is NAN. */
static void measure_limit(struct bench_result *r)
{
    char *limit = data_dir_beside_binary("limit");
    double cpu = 0;
    bool ok = limit && bench_limit(limit, r->requests, &cpu);
    r->limit_ratio = ok ? cpu / r->cpu_seconds : NAN;
    free(limit);
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
        r[*n].hold_events_per_wall_s = ok ? at_queue.events_per_wall_s : 0;
        if (ok && strcmp(r[*n].name, "hot-key-steady") == 0)
            measure_limit(&r[*n]);
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
        (*n)++;
    }
    return true;
}

/* The Zipf catalog at 10^5, 10^6 and 10^7 keys. */
static bool run_catalogs(const struct bench_options *o, const char *dir,
                         struct bench_result *r, size_t *n,
                         const struct cli_env *env)
{
    static const long KEYS[N_CATALOGS] = {100000, 1000000, 10000000};
    char *catalog = str_printf("%s/catalog.json", dir);
    bool ok = catalog != NULL;
    for (size_t i = 0; ok && i < N_CATALOGS && !*env->stop; i++) {
        struct bench_scenario b = {catalog, o->seconds, KEYS[i], 0};
        if (!o->json)
            fprintf(stderr, "stampede bench: %s at %ld keys\n", catalog,
                    KEYS[i]);
        ok = bench_in_child(bench_scenario_run, &b, &r[*n]);
        snprintf(r[*n].name, sizeof r[*n].name, "catalog-1e%d", (int)i + 5);
        r[*n].hold_events_per_s = NAN;
        r[*n].hold_events_per_wall_s = NAN;
        (*n)++;
    }
    free(catalog);
    return ok;
}

/* Peak RSS of hot-key-steady at its length and ten times it; a sweep with
 * one worker and with two. */
static bool run_checks(const char *dir, struct check *c, size_t *n)
{
    char *steady = str_printf("%s/hot-key-steady.json", dir);
    struct bench_result a = {0}, b = {0};
    struct bench_scenario short_run = {steady, 0, 0, 60};
    struct bench_scenario long_run = {steady, 0, 0, 600};
    double one, two, cpu_one, cpu_two;
    bool ok = steady &&
              bench_in_child(bench_scenario_run, &short_run, &a) &&
              bench_in_child(bench_scenario_run, &long_run, &b) &&
              bench_sweep_seconds(steady, 8, 1, &one, &cpu_one) &&
              bench_sweep_seconds(steady, 8, 2, &two, &cpu_two);
    if (ok) {
        c[(*n)++] = (struct check){"rss-10x-longer", b.peak_rss_mb,
                                   a.peak_rss_mb, b.peak_rss_mb / a.peak_rss_mb,
                                   "MB", NAN, NAN};
        c[(*n)++] = (struct check){"sweep-j2-speedup", two, one, one / two,
                                   "s", cpu_two, cpu_one};
    }
    free(steady);
    return ok;
}

/* ---- printing ---- */

static void print_rates(const struct bench_result *r)
{
    printf("%-16s %7zu %12llu %8.2fM %8.2fM %8.2fM %8.2fM %6.2f %8.1f",
           r->name, r->pending, (unsigned long long)r->events,
           r->events_per_s / 1e6, r->events_per_wall_s / 1e6,
           r->requests_per_s / 1e6, r->requests_per_wall_s / 1e6,
           r->events_per_request, r->peak_rss_mb);
}

static void print_table(const struct bench_result *r, size_t n,
                        const struct check *c, size_t n_checks)
{
    printf("%-16s %7s %12s %9s %9s %9s %9s %6s %8s %9s %6s\n", "benchmark",
           "queue", "events", "events/s", "(wall)", "req/s", "(wall)",
           "ev/req", "RSS MB", "hold at q", "ratio");
    for (size_t i = 0; i < n; i++) {
        if (r[i].keys > 0)
            continue;
        print_rates(&r[i]);
        printf(" %8.2fM %5.0f%%\n", r[i].hold_events_per_s / 1e6,
               100 * r[i].events_per_s / r[i].hold_events_per_s);
    }
    for (size_t i = 0; i < n; i++)
        if (!isnan(r[i].limit_ratio))
            printf("limit_ratio %.3f: build/limit takes %.3f of the CPU time "
                   "%s takes for its %llu requests\n", r[i].limit_ratio,
                   r[i].limit_ratio, r[i].name,
                   (unsigned long long)r[i].requests);
    for (size_t i = 0; i < n; i++)
        if (r[i].keys > 0) {
            print_rates(&r[i]);
            printf("  %ld keys: state %.1f bytes/key allocated; resident "
                   "%.1f bytes/key at start, %.1f at the end of the first "
                   "run; built in %.2f s of CPU\n", r[i].keys,
                   r[i].state_bytes_per_key, r[i].start_bytes_per_key,
                   r[i].end_bytes_per_key, r[i].start_cpu_seconds);
        }
    for (size_t i = 0; i < n_checks; i++) {
        printf("%-20s %.3g %s against %.3g %s: ratio %.3f", c[i].name,
               c[i].value, c[i].unit, c[i].reference, c[i].unit, c[i].ratio);
        if (!isnan(c[i].cpu_value))
            printf(" (CPU %.3g s against %.3g s)", c[i].cpu_value,
                   c[i].cpu_reference);
        printf("\n");
    }
}

/* A number, or null for one not measured. */
static void print_number(const char *key, double v, const char *format)
{
    printf(", \"%s\": ", key);
    if (isnan(v))
        printf("null");
    else
        printf(format, v);
}

static void print_json_result(const struct bench_result *r)
{
    printf("  {\"name\": \"%s\", \"pending\": %zu, \"events\": %llu, "
           "\"requests\": %llu", r->name, r->pending,
           (unsigned long long)r->events, (unsigned long long)r->requests);
    print_number("cpu_seconds", r->cpu_seconds, "%.4f");
    print_number("wall_seconds", r->wall_seconds, "%.4f");
    print_number("events_per_s", r->events_per_s, "%.0f");
    print_number("events_per_wall_s", r->events_per_wall_s, "%.0f");
    print_number("requests_per_s", r->requests_per_s, "%.0f");
    print_number("requests_per_wall_s", r->requests_per_wall_s, "%.0f");
    print_number("events_per_request", r->events_per_request, "%.3f");
    print_number("peak_rss_mb", r->peak_rss_mb, "%.1f");
    print_number("hold_events_per_s", r->hold_events_per_s, "%.0f");
    print_number("hold_events_per_wall_s", r->hold_events_per_wall_s, "%.0f");
    if (!isnan(r->limit_ratio))
        print_number("limit_ratio", r->limit_ratio, "%.4f");
    if (r->keys > 0) {
        printf(", \"keys\": %ld", r->keys);
        print_number("state_bytes_per_key", r->state_bytes_per_key, "%.1f");
        print_number("start_bytes_per_key", r->start_bytes_per_key, "%.1f");
        print_number("end_bytes_per_key", r->end_bytes_per_key, "%.1f");
        print_number("start_cpu_seconds", r->start_cpu_seconds, "%.3f");
    }
    printf("}");
}

static void print_json(const struct bench_result *r, size_t n,
                       const struct check *c, size_t n_checks)
{
    printf("[\n");
    for (size_t i = 0; i < n; i++) {
        print_json_result(&r[i]);
        printf("%s\n", i + 1 < n || n_checks ? "," : "");
    }
    for (size_t i = 0; i < n_checks; i++) {
        printf("  {\"name\": \"%s\", \"value\": %.4g, \"reference\": %.4g, "
               "\"ratio\": %.4f, \"unit\": \"%s\"", c[i].name, c[i].value,
               c[i].reference, c[i].ratio, c[i].unit);
        if (!isnan(c[i].cpu_value)) {
            print_number("cpu_value", c[i].cpu_value, "%.4g");
            print_number("cpu_reference", c[i].cpu_reference, "%.4g");
        }
        printf("}%s\n", i + 1 < n_checks ? "," : "");
    }
    printf("]\n");
}

int cmd_bench(int argc, char **argv, const struct cli_env *env)
{
    struct bench_options o = {0};
    int status = parse_options(argc, argv, &o);
    if (status != EXIT_OK)
        return status < 0 ? EXIT_OK : status;
    struct bench_result r[MAX_BENCH + 3 + N_CATALOGS];
    struct check c[2];
    size_t n = 0, n_checks = 0;
    memset(r, 0, sizeof r);
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        r[i].limit_ratio = r[i].start_bytes_per_key =
            r[i].start_cpu_seconds = r[i].state_bytes_per_key =
                r[i].end_bytes_per_key = NAN;
    char *dir = o.kernel ? NULL : bench_scenarios_dir();
    bool ok = (o.kernel || (dir && run_scenarios(&o, dir, r, &n, env))) &&
              run_kernel(o.kernel ? o.seconds : 1, r, &n);
    if (ok && !o.kernel && !*env->stop)
        ok = run_catalogs(&o, dir, r, &n, env);
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
