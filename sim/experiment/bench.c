/*
 * bench.c — the kernel hold model. See bench.h.
 */
#include "experiment/bench.h"

#include <errno.h>
#include <gsl/gsl_randist.h>
#include <signal.h>
#include <stdio.h>
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

struct hold {
    gsl_rng *rng;
};

static void hold_event(struct sim *sim, void *payload)
{
    struct hold *h = payload;
    sim_after(sim, gsl_ran_exponential(h->rng, 1.0), hold_event, h);
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
        sim_schedule(sim, gsl_ran_exponential(h.rng, 1.0), hold_event, &h);
    /* Warm the queue up (caches, branch predictors) before timing. */
    sim_run(sim, 100000.0 / (double)pending);
    uint64_t start_events = sim_events(sim);
    double start = wall_clock(), elapsed = 0;
    /* With `pending` events of mean spacing 1, simulated time advances by
     * about 1/pending per event: run in chunks of ~10^6 events. */
    double chunk = 1e6 / (double)pending;
    while (elapsed < seconds) {
        sim_run(sim, sim_now(sim) + chunk);
        elapsed = wall_clock() - start;
    }
    snprintf(out->name, sizeof out->name, "hold-%zu", pending);
    out->pending = pending;
    out->events = sim_events(sim) - start_events;
    out->requests = 0;
    out->seconds = elapsed;
    out->events_per_s = (double)out->events / elapsed;
    out->requests_per_s = 0;
    out->peak_rss_mb = bench_peak_rss_mb();
    gsl_rng_free(h.rng);
    sim_destroy(sim);
    return true;
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
