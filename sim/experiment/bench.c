/*
 * bench.c — the kernel hold model, the limit program, memory and times.
 * See bench.h.
 */
#include "experiment/bench.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kernel/rng.h"
#include "kernel/sim.h"
#include "kernel/wallclock.h"

double bench_peak_rss_mb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (double)ru.ru_maxrss / 1024.0;   /* Linux reports KiB */
}

double bench_rss_bytes(void)
{
    /* /proc/self/statm: total and resident pages */
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long total = 0, resident = 0;
    bool ok = f && fscanf(f, "%lu %lu", &total, &resident) == 2;
    if (f)
        fclose(f);
    return ok ? (double)resident * (double)sysconf(_SC_PAGESIZE) : 0;
}

static double ratio(double num, double den) { return den > 0 ? num / den : 0; }

void bench_rates(struct bench_result *r)
{
    r->events_per_s = ratio((double)r->events, r->cpu_seconds);
    r->requests_per_s = ratio((double)r->requests, r->cpu_seconds);
    r->events_per_wall_s = ratio((double)r->events, r->wall_seconds);
    r->requests_per_wall_s = ratio((double)r->requests, r->wall_seconds);
    r->events_per_request = ratio((double)r->events, (double)r->requests);
}

struct hold {
    gsl_rng *rng;
};

static void hold_event(struct sim *sim, void *payload)
{
    struct hold *h = payload;
    sim_after(sim, rng_exponential(h->rng, 1.0), hold_event, h);
}

bool bench_hold(size_t pending, double seconds, struct bench_result *out)
{
    struct sim *sim = sim_create();
    struct hold h = {rng_stream_create(1, 0, "bench-hold")};
    if (!sim || !h.rng) {
        sim_destroy(sim);
        if (h.rng)
            gsl_rng_free(h.rng);
        return false;
    }
    for (size_t i = 0; i < pending; i++)
        sim_schedule(sim, rng_exponential(h.rng, 1.0), hold_event, &h);
    /* Warm the queue up (caches, branch predictors) before timing. */
    sim_run(sim, 100000.0 / (double)pending);
    uint64_t start_events = sim_events(sim);
    double wall = wall_clock(), cpu = cpu_clock(), elapsed = 0;
    /* With `pending` events of mean spacing 1, simulated time advances by
     * about 1/pending per event: run in chunks of ~10^6 events. */
    double chunk = 1e6 / (double)pending;
    while (elapsed < seconds) {
        sim_run(sim, sim_now(sim) + chunk);
        elapsed = cpu_clock() - cpu;
    }
    snprintf(out->name, sizeof out->name, "hold-%zu", pending);
    out->pending = pending;
    out->events = sim_events(sim) - start_events;
    out->requests = 0;
    out->cpu_seconds = elapsed;
    out->wall_seconds = wall_clock() - wall;
    bench_rates(out);
    out->hold_events_per_s = out->events_per_s;
    out->hold_events_per_wall_s = out->events_per_wall_s;
    out->peak_rss_mb = bench_peak_rss_mb();
    gsl_rng_free(h.rng);
    sim_destroy(sim);
    return true;
}

/* The CPU seconds in the limit program's line of output. */
static bool parse_limit(const char *line, double *cpu_seconds)
{
    const char *at = strstr(line, "cpu_seconds ");
    if (!at)
        return false;
    char *end;
    *cpu_seconds = strtod(at + strlen("cpu_seconds "), &end);
    return end != at + strlen("cpu_seconds ") && *cpu_seconds > 0;
}

/* Reads what fd delivers until its end, into buf (NUL-terminated). */
static void read_all(int fd, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n - 1) {
        ssize_t r = read(fd, buf + got, n - 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    buf[got] = '\0';
}

bool bench_limit(const char *limit, uint64_t requests, double *cpu_seconds)
{
    char count[32];
    snprintf(count, sizeof count, "%llu", (unsigned long long)requests);
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (dup2(fds[1], STDOUT_FILENO) >= 0)
            execl(limit, limit, count, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[512] = "";
    if (pid > 0)
        read_all(fds[0], line, sizeof line);
    close(fds[0]);
    int status = 0;
    if (pid > 0)
        waitpid(pid, &status, 0);
    bool ok = pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
              parse_limit(line, cpu_seconds);
    if (!ok)
        fprintf(stderr, "stampede bench: %s did not run (make builds it "
                "beside stampede; an installed stampede has none): no "
                "limit_ratio\n", limit);
    return ok;
}

bool bench_in_child(bool (*fn)(void *ctx, struct bench_result *out),
                    void *ctx, struct bench_result *out)
{
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid == 0) {
        close(fds[0]);
        struct bench_result r;
        memset(&r, 0, sizeof r);
        r.limit_ratio = r.start_bytes_per_key = r.start_cpu_seconds = NAN;
        r.state_bytes_per_key = r.end_bytes_per_key = NAN;
        bool ok = fn(ctx, &r);
        r.peak_rss_mb = bench_peak_rss_mb();
        ssize_t w = ok ? write(fds[1], &r, sizeof r) : -1;
        _exit(w == (ssize_t)sizeof r ? 0 : 1);
    }
    close(fds[1]);
    ssize_t got;
    do
        got = read(fds[0], out, sizeof *out);
    while (got < 0 && errno == EINTR);
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    return got == (ssize_t)sizeof *out && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}
