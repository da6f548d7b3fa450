/*
 * sim.h — the discrete-event kernel: simulated clock, event queue, run loop.
 *
 * An event is a callback (time, handler, payload). Events are kept in a
 * binary heap (heap.h) ordered by (time, sequence number), so events at the
 * same time run in the order they were scheduled and every run is
 * deterministic. Handlers schedule further events; `sim_run` dispatches them
 * in order until a time limit, an empty queue, or a stop request.
 *
 * Cancellation is lazy: `sim_cancel` marks the event dead in O(1) and the
 * run loop drops it when it reaches the top of the heap. Dead events are not
 * counted as dispatched. Event ids carry a generation, so cancelling an
 * event that already ran (its slot since reused) is a harmless no-op.
 *
 * The kernel knows nothing of what it simulates; all model state hangs off
 * the payloads. A `struct sim` is one run's clock and queue, with no global
 * state, so runs can be repeated in one process.
 */
#ifndef STAMPEDE_SIM_H
#define STAMPEDE_SIM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim;

typedef void (*event_fn)(struct sim *sim, void *payload);

/* Identifies a scheduled event; 0 never names one. */
typedef uint64_t event_id;

/* Why sim_run returned. */
enum sim_status {
    SIM_REACHED_END,   /* the clock reached the time limit */
    SIM_DRAINED,       /* no event was left before the time limit */
    SIM_INTERRUPTED,   /* the stop flag was set (a signal) */
    SIM_HALTED,        /* a handler called sim_halt (e.g. an overload guard) */
    SIM_OUT_OF_MEMORY, /* the event queue could not grow */
};

struct sim *sim_create(void);
void sim_destroy(struct sim *sim);

/* Current simulated time, in seconds. Inline (sim_internal.h): read by
 * nearly every handler. */
static inline double sim_now(const struct sim *sim);

/* Schedules fn(sim, payload) at absolute time `at` (clamped to now if in
 * the past). Returns 0 and marks the run as failed if memory runs out;
 * sim_run then stops after the current handler. Inline (sim_internal.h):
 * it is on the path of nearly every event. */
static inline event_id sim_schedule(struct sim *sim, double at, event_fn fn,
                                    void *payload);

__attribute__((always_inline)) static inline event_id
sim_after(struct sim *sim, double delay, event_fn fn, void *payload)
{
    return sim_schedule(sim, sim_now(sim) + delay, fn, payload);
}

/* The run's source: one event kept beside the queue instead of in it, for
 * what recurs at every step of a run and is replaced each time (open-loop
 * arrivals: each schedules the next). Setting it replaces the one pending,
 * if any. It takes a sequence number as sim_schedule does and runs in the
 * same (time, sequence) order with the queue's events, so a run is the
 * one it would be with the source in the queue; it saves the queue a sift
 * at every occurrence. O(1). */
void sim_source_set(struct sim *sim, double at, event_fn fn, void *payload);
/* Drops the pending source event, if any (as a cancel would). */
void sim_source_clear(struct sim *sim);

/* Cancels a pending event. Returns true if it was pending. O(1). */
bool sim_cancel(struct sim *sim, event_id id);

/* Runs events with time <= until. At SIM_REACHED_END and SIM_DRAINED the
 * clock is left at `until`; otherwise at the last dispatched event. */
enum sim_status sim_run(struct sim *sim, double until);

/* The run loop checks *flag before every event and stops when it is
 * non-zero (signal handlers set it). NULL disables the check. Set it
 * before sim_run: a run reads the pointer once (the flag itself before
 * every event). */
void sim_set_stop_flag(struct sim *sim, const volatile sig_atomic_t *flag);

/* A ticker: told the clock and the events dispatched so far, now and
 * then, so that a progress display can follow a long run. It must not
 * schedule, cancel or halt (the run stays what it would be without it). */
typedef void (*sim_tick_fn)(void *ctx, double now, uint64_t events);

/* Calls fn every `every` dispatched events, after the handler of the
 * every-th, counted from now; fn NULL or every 0: no ticker. */
void sim_set_ticker(struct sim *sim, uint64_t every, sim_tick_fn fn,
                    void *ctx);

/* Asks the run loop to stop after the current handler (SIM_HALTED). */
void sim_halt(struct sim *sim);

/* Handlers dispatched so far (dead events excluded). */
uint64_t sim_events(const struct sim *sim);

/* Events in the queue, including cancelled ones not yet dropped, and the
 * source's if one is pending. */
size_t sim_pending(const struct sim *sim);

/* Event slots held: one for each event in the queue, and the running
 * handler's while it runs. Between runs it equals sim_pending: a slot
 * not given back would be a leak (a check for tests). */
size_t sim_slots_held(const struct sim *sim);

/* sim_schedule's body, and the state it reads */
#include "kernel/sim_internal.h"

#endif
