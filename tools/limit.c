/*
 * limit.c — the least work the hot-key-steady benchmark's outputs need,
 * hand-written: what `stampede bench` measures the simulator against
 * (limit_ratio = this program's CPU time / the simulator's, for the same
 * number of requests; docs/performance.md).
 *
 *   build/limit [REQUESTS [SEED]]
 *
 * The model is scenarios/bench/hot-key-steady.json's, written out by
 * hand: Poisson arrivals at 5000/s on one key; each request's GET takes
 * an exponential round trip (mean 500 us); at its completion the TTL is
 * checked: a fresh value (TTL 10 s, written at t = 0) is the reply, its
 * latency recorded in the window's histogram; a miss draws its query's
 * work (lognormal, mean 5 ms, cv 0.3) on a database of 8 cores taken
 * first come first served, then a SET round trip writes the value and the
 * request replies. Every second a window closes: its quantiles are read
 * and it is added to the run's histogram.
 *
 * It draws from the simulator's own streams and samplers (kernel/rng.h,
 * kernel/dist.h) and records into its histogram (kernel/hist.h), and its
 * events sit in the kernel's heap (kernel/heap.h), without the event
 * layer around it: no handlers, no cancellation, no policy, no per-key
 * tables. What the simulator does beyond this is its overhead.
 *
 * Prints one line: requests, hits, misses, the run's p50 and p99 (s), and
 * the CPU and wall seconds of the simulation loop.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/dist.h"
#include "kernel/heap.h"
#include "kernel/hist.h"
#include "kernel/rng.h"
#include "kernel/wallclock.h"

#define RATE 5000.0
#define TTL 10.0
#define CACHE_RTT 500e-6
#define WORK_MEAN 5e-3
#define WORK_CV 0.3
#define CORES 8
#define WINDOW 1.0
#define MAX_REQUESTS 4096   /* in flight at once: far more than happen */

enum kind { ARRIVAL, GET_DONE, QUERY_DONE, SET_DONE, WINDOW_END };

/* A heap node's tie: sequence number, kind, request slot. */
#define SLOT_BITS 12
#define KIND_BITS 3

struct limit {
    struct heap queue;
    uint64_t seq;
    double now;
    gsl_rng *arrivals, *latency, *work;
    struct dist gap, rtt, service;   /* between arrivals, a round trip,
                                        a query's work */
    double expires_at;          /* the key's value */
    double core_free[CORES];    /* when each core finishes its queries */
    double arrival[MAX_REQUESTS];
    uint32_t free_slots[MAX_REQUESTS];
    uint32_t n_free;
    struct hist *window, *total;
    double quantile_sum;        /* keeps the window quantiles computed */
    uint64_t requests, hits, misses;
};

static void schedule(struct limit *l, double at, enum kind kind,
                     uint32_t slot)
{
    uint64_t tie = (l->seq++ << (KIND_BITS + SLOT_BITS)) |
                   (uint64_t)kind << SLOT_BITS | slot;
    if (!heap_push(&l->queue, at, tie)) {
        fprintf(stderr, "limit: out of memory\n");
        exit(1);
    }
}

static void reply(struct limit *l, uint32_t slot)
{
    hist_record(l->window, l->now - l->arrival[slot]);
    l->free_slots[l->n_free++] = slot;
}

static void on_arrival(struct limit *l)
{
    schedule(l, l->now + dist_sample(&l->gap, l->arrivals), ARRIVAL, 0);
    if (l->n_free == 0) {
        fprintf(stderr, "limit: more than %d requests in flight\n",
                MAX_REQUESTS);
        exit(1);
    }
    uint32_t slot = l->free_slots[--l->n_free];
    l->arrival[slot] = l->now;
    l->requests++;
    schedule(l, l->now + dist_sample(&l->rtt, l->latency), GET_DONE, slot);
}

/* First come first served on CORES cores: a query starts when it arrives
 * or when the core that frees first does, whichever is later. */
static void on_get_done(struct limit *l, uint32_t slot)
{
    if (l->now < l->expires_at) {
        l->hits++;
        reply(l, slot);
        return;
    }
    l->misses++;
    int first = 0;
    for (int c = 1; c < CORES; c++)
        if (l->core_free[c] < l->core_free[first])
            first = c;
    double start = fmax(l->now, l->core_free[first]);
    l->core_free[first] = start + dist_sample(&l->service, l->work);
    schedule(l, l->core_free[first], QUERY_DONE, slot);
}

static void on_window_end(struct limit *l)
{
    l->quantile_sum += hist_quantile(l->window, 0.5) +
                       hist_quantile(l->window, 0.99);
    hist_merge(l->total, l->window);
    hist_reset(l->window);
    schedule(l, l->now + WINDOW, WINDOW_END, 0);
}

static void dispatch(struct limit *l, enum kind kind, uint32_t slot)
{
    switch (kind) {
    case ARRIVAL: on_arrival(l); break;
    case GET_DONE: on_get_done(l, slot); break;
    case QUERY_DONE:
        schedule(l, l->now + dist_sample(&l->rtt, l->latency), SET_DONE, slot);
        break;
    case SET_DONE:
        l->expires_at = l->now + TTL;
        reply(l, slot);
        break;
    case WINDOW_END: on_window_end(l); break;
    }
}

static void run(struct limit *l, uint64_t requests)
{
    schedule(l, 0, ARRIVAL, 0);
    schedule(l, WINDOW, WINDOW_END, 0);
    while (l->requests < requests) {
        struct heap_node n = heap_pop(&l->queue);
        l->now = n.key;
        dispatch(l, (enum kind)(n.tie >> SLOT_BITS & ((1u << KIND_BITS) - 1)),
                 (uint32_t)(n.tie & ((1u << SLOT_BITS) - 1)));
    }
    hist_merge(l->total, l->window);
}

static struct dist lognormal(double mean, double cv)
{
    struct dist d = {.kind = DIST_LOGNORMAL, .mean = mean};
    d.b = sqrt(log1p(cv * cv));
    d.a = log(mean) - d.b * d.b / 2;
    return d;
}

int main(int argc, char **argv)
{
    uint64_t requests = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    static struct limit l;
    l.arrivals = rng_stream_create(seed, 0, "arrivals");
    l.latency = rng_stream_create(seed, 0, "cache.latency");
    l.work = rng_stream_create(seed, 0, "work");
    l.window = hist_create();
    l.total = hist_create();
    if (requests == 0 || !l.arrivals || !l.latency || !l.work || !l.window ||
        !l.total || !heap_init(&l.queue, 64)) {
        fprintf(stderr, "usage: limit [REQUESTS [SEED]] (REQUESTS > 0)\n");
        return 2;
    }
    l.gap = (struct dist){.kind = DIST_EXPONENTIAL, .mean = 1 / RATE};
    l.rtt = (struct dist){.kind = DIST_EXPONENTIAL, .mean = CACHE_RTT};
    l.service = lognormal(WORK_MEAN, WORK_CV);
    l.expires_at = TTL;   /* synchronized: written at t = 0 */
    for (uint32_t i = 0; i < MAX_REQUESTS; i++)
        l.free_slots[l.n_free++] = MAX_REQUESTS - 1 - i;
    double cpu = cpu_clock(), wall = wall_clock();
    run(&l, requests);
    cpu = cpu_clock() - cpu;
    wall = wall_clock() - wall;
    printf("requests %llu hits %llu misses %llu p50 %.6g p99 %.6g "
           "cpu_seconds %.6f wall_seconds %.6f\n",
           (unsigned long long)l.requests, (unsigned long long)l.hits,
           (unsigned long long)l.misses, hist_quantile(l.total, 0.5),
           hist_quantile(l.total, 0.99), cpu, wall);
    gsl_rng_free(l.arrivals);
    gsl_rng_free(l.latency);
    gsl_rng_free(l.work);
    hist_destroy(l.window);
    hist_destroy(l.total);
    heap_free(&l.queue);
    return l.quantile_sum >= 0 ? 0 : 1;
}
