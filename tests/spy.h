/*
 * spy.h — runs a policy with every callback recorded: what each request
 * was told, in order, with its time and whether it had replied by the end
 * of the callback. A scripted test compares a request's trace with what
 * the policy's rules say, exactly (tests/unit/test_locking.c does the
 * same for the lock helper alone).
 *
 * Events: "read:fresh", "read:stale", "read:missing" (a lease read that
 * got the lease adds "+lease"), "lock:got", "lock:held", "wake",
 * "recomputed:ok", "recomputed:failed", "recomputed:rejected",
 * "unlocked:released", "unlocked:gone", and "stored" (the policy chose
 * the delta its write stores: `measured` and `delta`; left out of the
 * traces spy_assert_trace and spy_assert_time compare).
 */
#ifndef STAMPEDE_TEST_SPY_H
#define STAMPEDE_TEST_SPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "experiment/summary.h"
#include "scenario/scenario.h"

#define SPY_MAX_EVENTS 100000

struct spy_event {
    double t;
    uint64_t id;
    long key, instance;
    char what[32];
    bool replied;   /* the request had replied when the callback returned */
    double expires_at, written_at;   /* a read: the value it showed */
    double delta;                    /* a read: the value's delta; stored:
                                        the delta the write stores */
    double measured;                 /* stored: the query's duration */
};

struct spy_trace {
    struct spy_event ev[SPY_MAX_EVENTS];
    size_t n;
};

/* A trace to fill (free it). */
struct spy_trace *spy_trace_new(void);

/* Runs policy `index` of s once, its callbacks recorded in tr (emptied
 * first); the run must reach its end. */
struct run_summary spy_run(const struct scenario *s, size_t index,
                           struct spy_trace *tr);

/* Fails the test unless request `id`'s events are `expected` ("what"
 * each, space-separated, a '*' after the callback in which it replied). */
void spy_assert_trace(const struct spy_trace *tr, uint64_t id,
                      const char *expected);
/* Fails the test unless the k-th event (from 0) of request `id` is at
 * `expected` seconds (to 1e-9). */
void spy_assert_time(const struct spy_trace *tr, uint64_t id, size_t k,
                     double expected);

/* A scripted scenario of one key: closed-loop workers that each send one
 * request, the first at 1 s, one more 1 s after each of `starts`
 * (seconds, traffic incidents); the cache round trip is 1 ms; `cache`
 * holds the cache's other fields, `service` the query's duration,
 * `client` the client's fields, `policy` the policy object. */
struct scenario *spy_scripted(const double *starts, size_t n_starts,
                              const char *cache, const char *service,
                              const char *duration, const char *client,
                              const char *policy);

#endif
