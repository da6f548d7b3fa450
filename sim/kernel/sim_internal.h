/*
 * sim_internal.h — the event kernel's state, and sim_schedule inline.
 *
 * Nearly every handler schedules an event, so sim_schedule is on the path
 * of every event the simulator dispatches: a call across translation
 * units, with its registers saved and restored, cost as much as the
 * scheduling itself. It is inline here, with the state it needs; only
 * sim.c (and this header's inline functions) may touch that state. The
 * rest of the simulator includes sim.h, which includes this at its end.
 *
 * Each pending event owns a slot holding its handler and payload; the heap
 * node's tie-breaker packs (sequence number << SIM_SLOT_BITS | slot index),
 * and so does the event id handed to the caller. A slot is freed when its
 * node leaves the heap, dispatched or dead, so a node always points at its
 * own slot; the sequence number recorded per slot tells a live id from a
 * stale one whose slot has since been reused.
 */
#ifndef STAMPEDE_SIM_INTERNAL_H
#define STAMPEDE_SIM_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/heap.h"
#include "kernel/sim.h"

#define SIM_SLOT_BITS 24
#define SIM_SLOT_MASK ((UINT64_C(1) << SIM_SLOT_BITS) - 1)
#define SIM_MAX_SLOTS ((size_t)1 << SIM_SLOT_BITS)   /* pending at once */
#define SIM_SEQ_LIMIT (UINT64_C(1) << (64 - SIM_SLOT_BITS))
#define SIM_NO_SLOT UINT32_MAX

struct sim_slot {
    event_fn fn;       /* NULL once cancelled, and while it runs */
    void *payload;
    uint64_t seq;      /* sequence number of the slot's current event */
};

struct sim {
    double now;          /* the clock (sim_now) */
    struct heap queue;
    struct sim_slot *slots;
    uint32_t *free;      /* stack of free slot indices */
    size_t n_free;
    size_t n_slots;      /* slots ever allocated (array size in use) */
    size_t slots_cap;
    uint64_t next_seq;
    uint64_t dispatched;
    size_t n_dead;       /* cancelled events still in the heap */
    const volatile sig_atomic_t *stop_flag;   /* never NULL */
    /* The loop's one test after a handler: `dispatched` has reached
     * next_check, the next tick's count, or 0 once the run is stopping. */
    uint64_t next_check;
    /* the ticker: called when `dispatched` reaches next_tick, then every
     * tick_every events (UINT64_MAX: never) */
    uint64_t next_tick, tick_every;
    sim_tick_fn tick;
    void *tick_ctx;
    bool halted;
    bool out_of_memory;
    bool stopping;       /* halted or out_of_memory */
    /* While a handler runs, its own node still sits at the top of the heap,
     * and its slot (cleared) is still taken: the first event the
     * handler schedules replaces the node (one sift instead of a pop and a
     * push) and takes the slot over; if it schedules none, the node is
     * popped and the slot freed after the handler returns. */
    bool top_consumed;
    /* the source (sim_source_set): pending when fn is not NULL; `rank`
     * orders it with the heap's nodes as a node of its time and sequence
     * number would be */
    struct heap_node source;
    event_fn source_fn;
    void *source_payload;
};

static inline double sim_now(const struct sim *sim) { return sim->now; }

/* Doubles the slot arrays. False if memory runs out (or the slots would
 * pass SIM_MAX_SLOTS). */
bool sim_grow_slots(struct sim *sim);

/* Memory ran out (or the sequence numbers did): gives `slot` back (unless
 * SIM_NO_SLOT) and stops the run after the current handler. Returns 0. */
event_id sim_schedule_failed(struct sim *sim, uint32_t slot);

/* Returns a free slot index, or SIM_NO_SLOT. */
static inline uint32_t sim_take_slot(struct sim *sim)
{
    if (sim->n_free > 0)
        return sim->free[--sim->n_free];
    if (sim->n_slots == sim->slots_cap && !sim_grow_slots(sim))
        return SIM_NO_SLOT;
    return (uint32_t)sim->n_slots++;
}

/* The stack has room: it holds at most the n_slots slots ever taken.
 * Clearing fn makes a late sim_cancel of the departed event a no-op. */
static inline void sim_release_slot(struct sim *sim, uint32_t i)
{
    sim->slots[i].fn = NULL;
    sim->free[sim->n_free++] = i;
}

/* Always inlined: a copy per translation unit, called, saved as little
 * as a call across units did. */
__attribute__((always_inline)) static inline event_id
sim_schedule(struct sim *sim, double at, event_fn fn, void *payload)
{
    if (!(at >= sim->now))   /* also catches NaN */
        at = sim->now;
    if (sim->next_seq >= SIM_SEQ_LIMIT)
        return sim_schedule_failed(sim, SIM_NO_SLOT);
    uint64_t seq = sim->next_seq++;
    uint32_t slot;
    if (sim->top_consumed) {
        /* the running handler's node and slot, taken over */
        slot = (uint32_t)(heap_top(&sim->queue)->tie & SIM_SLOT_MASK);
        heap_replace_top(&sim->queue, at, seq << SIM_SLOT_BITS | slot);
        sim->top_consumed = false;
    } else {
        slot = sim_take_slot(sim);
        if (slot == SIM_NO_SLOT ||
            !heap_push(&sim->queue, at, seq << SIM_SLOT_BITS | slot))
            return sim_schedule_failed(sim, slot);
    }
    sim->slots[slot] = (struct sim_slot){fn, payload, seq};
    /* seq + 1: the id 0 stays free to mean "no event" */
    return (seq + 1) << SIM_SLOT_BITS | slot;
}

#endif
