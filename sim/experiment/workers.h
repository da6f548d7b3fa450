/*
 * workers.h — runs independent jobs in worker processes (fork), handing
 * each job to the next free worker and collecting its result as bytes.
 *
 * Results are returned by job index, so what the caller writes does not
 * depend on the number of workers or on which finished first: `-j 1` and
 * `-j 8` give byte-identical outputs. With one worker the jobs run in the
 * calling process (no fork), which also keeps debugging simple.
 *
 * Workers are forked from the caller, so they share its read-only state
 * (the loaded scenario) at no cost. A signal stops everything: workers die
 * with the default action, the caller's stop flag ends the loop, and the
 * jobs that finished are kept.
 */
#ifndef STAMPEDE_WORKERS_H
#define STAMPEDE_WORKERS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Computes job `index`: returns a malloc'ed result of *size bytes, or NULL
 * on failure (the whole run then fails). */
typedef void *(*job_fn)(size_t index, size_t *size, void *ctx);

/* Receives job `index`'s result (the caller frees it), in completion order.
 * `done` counts the jobs finished so far (for progress). */
typedef void (*result_fn)(size_t index, void *result, size_t size,
                          size_t done, void *ctx);

/* A sign of life for a long command: fn(ctx) runs in the process that
 * called workers_run (never in a worker, whose stderr is shared), at
 * least every 0.2 s while it waits for its workers, and whenever a job
 * it runs itself (one worker) calls workers_beat. */
struct workers_beat {
    void (*fn)(void *ctx);
    void *ctx;
    pid_t owner;   /* set by workers_run */
};

/* Calls b->fn if b is set and this is its owner's process. */
void workers_beat(const struct workers_beat *b);

enum workers_status {
    WORKERS_DONE,
    WORKERS_STOPPED,      /* the stop flag was set */
    WORKERS_FAILED,       /* a job failed, a worker died, or fork failed */
};

enum workers_status workers_run(size_t n_jobs, unsigned n_workers, job_fn job,
                                result_fn result, void *ctx,
                                const volatile sig_atomic_t *stop,
                                struct workers_beat *beat);

/* The number of CPUs online (at least 1): the default for -j. */
unsigned workers_default_count(void);

#endif
