/*
 * sim.c — event queue and run loop. See sim.h for the contract.
 * The state and the slots are described in sim_internal.h, where
 * sim_schedule is.
 *
 * Dead events are counted; when they make up more than half the queue
 * (and there are enough of them to matter) the heap is swept of them and
 * rebuilt. Without that, events cancelled long before their time — the
 * client timeout armed for every query and cancelled when the query
 * returns, an hour ahead with timeout "1h" — filled the queue until a
 * healthy run ran out of slots. A sweep costs O(n) after n/2 cancels, so
 * O(1) per cancel amortised; the order of events is unchanged, since it is
 * fixed by their (time, sequence) keys whatever the layout of the heap.
 *
 * The dispatch path touches only the event's slot (handler, payload,
 * sequence number: 24 bytes, written in one go when the event is
 * scheduled) and the top of the free-slot stack. In a queue of 10^5
 * events the slot read is a cache miss per event (prefetched while the
 * loop checks its conditions).
 */
#include "kernel/sim_internal.h"

#include <stdlib.h>

#define SWEEP_MIN_DEAD 4096   /* below this, dead events cost too little */
#define PREFETCH_QUEUE 4096   /* slots of larger queues are prefetched */

/* The stop flag of a run without one: read as the others, never set. */
static const volatile sig_atomic_t NO_STOP = 0;

struct sim *sim_create(void)
{
    struct sim *sim = calloc(1, sizeof *sim);
    if (!sim)
        return NULL;
    if (!heap_init(&sim->queue, 64)) {
        free(sim);
        return NULL;
    }
    sim->next_tick = sim->next_check = UINT64_MAX;
    sim->stop_flag = &NO_STOP;
    return sim;
}

void sim_destroy(struct sim *sim)
{
    if (!sim)
        return;
    heap_free(&sim->queue);
    free(sim->slots);
    free(sim->free);
    free(sim);
}

uint64_t sim_events(const struct sim *sim) { return sim->dispatched; }
size_t sim_pending(const struct sim *sim)
{
    return sim->queue.size - (sim->top_consumed ? 1 : 0) +
           (sim->source_fn ? 1 : 0);
}

void sim_source_set(struct sim *sim, double at, event_fn fn, void *payload)
{
    if (!(at >= sim->now))   /* also catches NaN */
        at = sim->now;
    if (sim->next_seq >= SIM_SEQ_LIMIT) {
        sim_source_clear(sim);
        sim_schedule_failed(sim, SIM_NO_SLOT);
        return;
    }
    /* the tie a queued event of this sequence number would have (its
     * slot bits 0: sequence numbers alone already differ) */
    sim->source = (struct heap_node){sim->next_seq++ << SIM_SLOT_BITS,
                                     at + 0.0};
    sim->source_fn = fn;
    sim->source_payload = payload;
}

void sim_source_clear(struct sim *sim) { sim->source_fn = NULL; }
size_t sim_slots_held(const struct sim *sim)
{
    return sim->n_slots - sim->n_free;
}

void sim_halt(struct sim *sim)
{
    sim->halted = sim->stopping = true;
    sim->next_check = 0;
}

void sim_set_stop_flag(struct sim *sim, const volatile sig_atomic_t *flag)
{
    sim->stop_flag = flag ? flag : &NO_STOP;
}

void sim_set_ticker(struct sim *sim, uint64_t every, sim_tick_fn fn,
                    void *ctx)
{
    bool on = fn && every > 0;
    sim->tick = fn;
    sim->tick_ctx = ctx;
    sim->tick_every = every;
    sim->next_tick = on ? sim->dispatched + every : UINT64_MAX;
    sim->next_check = sim->stopping ? 0 : sim->next_tick;
}

bool sim_grow_slots(struct sim *sim)
{
    if (sim->slots_cap >= SIM_MAX_SLOTS)
        return false;
    size_t cap = sim->slots_cap ? sim->slots_cap * 2 : 64;
    if (cap > SIM_MAX_SLOTS)
        cap = SIM_MAX_SLOTS;
    struct sim_slot *s = realloc(sim->slots, cap * sizeof *s);
    if (!s)
        return false;
    sim->slots = s;
    uint32_t *f = realloc(sim->free, cap * sizeof *f);
    if (!f)
        return false;
    sim->free = f;
    sim->slots_cap = cap;
    return true;
}

event_id sim_schedule_failed(struct sim *sim, uint32_t slot)
{
    if (slot != SIM_NO_SLOT)
        sim_release_slot(sim, slot);
    sim->out_of_memory = sim->stopping = true;
    sim->next_check = 0;
    return 0;
}

/* Drops every dead node and rebuilds the heap. The slot of a node that
 * is dropped is free again. While a handler runs, the top node is its own
 * (its slot cleared, so that cancelling it does nothing): it is dropped
 * and its slot freed, as the pop after the handler would have. */
static void sweep_dead(struct sim *sim)
{
    struct heap *h = &sim->queue;
    size_t kept = 0;
    for (size_t i = 0; i < h->size; i++) {
        struct heap_node n = h->nodes[i];
        uint32_t slot = (uint32_t)(n.tie & SIM_SLOT_MASK);
        /* a running handler's node (the top, its slot cleared) goes too */
        if (sim->slots[slot].fn == NULL) {
            sim_release_slot(sim, slot);
            continue;
        }
        h->nodes[kept++] = n;
    }
    h->size = kept;
    sim->top_consumed = false;
    sim->n_dead = 0;
    heap_build(h);
}

bool sim_cancel(struct sim *sim, event_id id)
{
    if (id == 0)
        return false;
    uint64_t slot = id & SIM_SLOT_MASK;
    uint64_t seq = (id >> SIM_SLOT_BITS) - 1;
    if (slot >= sim->n_slots || sim->slots[slot].seq != seq)
        return false;   /* its slot has been reused: the event ran */
    struct sim_slot *s = &sim->slots[slot];
    if (s->fn == NULL)
        return false;
    s->fn = NULL;
    sim->n_dead++;
    if (sim->n_dead >= SWEEP_MIN_DEAD && sim->n_dead * 2 > sim->queue.size)
        sweep_dead(sim);
    return true;
}

/* After a handler, when `dispatched` reached next_check: the ticker's
 * turn, or the end of a run that is stopping. */
static bool after_check(struct sim *sim, enum sim_status *status)
{
    if (sim->dispatched == sim->next_tick) {
        sim->next_tick += sim->tick_every;
        sim->tick(sim->tick_ctx, sim->now, sim->dispatched);
    }
    if (sim->stopping) {
        *status = sim->out_of_memory ? SIM_OUT_OF_MEMORY : SIM_HALTED;
        return true;
    }
    sim->next_check = sim->next_tick;
    return false;
}

/* Runs the source's event: it leaves the queue's top where it is. */
static void run_source(struct sim *sim)
{
    event_fn fn = sim->source_fn;
    sim->source_fn = NULL;
    sim->now = sim->source.key;
    sim->dispatched++;
    fn(sim, sim->source_payload);
}

/* Whether the source's event comes before the queue's top. */
static inline bool source_first(const struct sim *sim,
                                const struct heap *queue)
{
    return sim->source_fn &&
           (heap_empty(queue) || heap_node_less(&sim->source, heap_top(queue)));
}

enum sim_status sim_run(struct sim *sim, double until)
{
    struct heap *queue = &sim->queue;
    const volatile sig_atomic_t *stop = sim->stop_flag;
    while (!heap_empty(queue) || sim->source_fn) {
        if (*stop)
            return SIM_INTERRUPTED;
        enum sim_status status;
        if (source_first(sim, queue)) {
            if (sim->source.key > until) {
                sim->now = until;
                return SIM_REACHED_END;
            }
            run_source(sim);
            if (sim->dispatched >= sim->next_check &&
                after_check(sim, &status))
                return status;
            continue;
        }
        const struct heap_node *top = heap_top(queue);
        double at = top->key;
        if (at > until) {
            sim->now = until;
            return SIM_REACHED_END;
        }
        uint32_t slot = (uint32_t)(top->tie & SIM_SLOT_MASK);
        struct sim_slot s = sim->slots[slot];
        if (s.fn == NULL) {
            sim_release_slot(sim, slot);
            heap_pop(queue);
            sim->n_dead--;
            continue;
        }
        /* cleared: a cancel of the running event does nothing */
        sim->slots[slot].fn = NULL;
        sim->now = at;
        sim->dispatched++;
        sim->top_consumed = true;
        s.fn(sim, s.payload);
        if (sim->top_consumed) {
            heap_pop(queue);
            sim_release_slot(sim, slot);
            sim->top_consumed = false;
        }
        /* one comparison per event for the ticker and a halt */
        if (sim->dispatched >= sim->next_check && after_check(sim, &status))
            return status;
        /* In a large queue the next event's slot is likely out of cache:
         * start loading it while the loop checks its conditions (in a
         * small one it is in cache, and the hint costs more than it
         * saves). */
        if (queue->size > PREFETCH_QUEUE)
            __builtin_prefetch(&sim->slots[heap_top(queue)->tie & SIM_SLOT_MASK]);
    }
    if (until > sim->now)
        sim->now = until;
    return SIM_DRAINED;
}
