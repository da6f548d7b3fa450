/*
 * db_ps.c — the processor-sharing discipline: the n queries in execution
 * share W(n) work-seconds per second (cores or the USL curve), each
 * progressing at W(n)/n (DESIGN.md §4).
 *
 * V is a virtual clock that advances at W(n)/n per second, the rate at
 * which each of the n queries progresses; a query admitted at virtual time
 * V0 with work x finishes when V reaches V0 + x (its tag). Tags sit in a
 * binary heap (kernel/heap.h) whose tie packs (push sequence << 32 | record
 * index). A query removed early becomes a zombie: its record stays out of
 * the free list until its node reaches the top and is dropped, so a heap
 * node always names its own record. One kernel event waits for the
 * smallest tag; every arrival and departure moves it (O(log n)). On
 * completion V is snapped to the tag, so rounding in V never makes a query
 * finish early or late in virtual time, and the next completion is never
 * scheduled before now. When n drops to 0 the heap holds only zombies;
 * they are dropped and V restarts at 0, which keeps V small (and its ulp
 * far below any work) in runs that ever idle.
 *
 * Work done is n·dV and wasted work n_abandoned·dV, so a segment's work
 * is exact wherever it is cut.
 */
#include <math.h>
#include <stdlib.h>

#include "database.h"
#include "db_discipline.h"
#include "kernel/heap.h"

#define INDEX_MASK UINT64_C(0xffffffff)

struct db_ps {
    struct db_discipline_env env;
    struct heap tags;      /* finish tags (zombies included) */
    long n;                /* queries executing */
    long n_abandoned;      /* of which abandoned */
    double v;              /* virtual time at the last db_account */
    double rate;           /* dV/dt = W(n)/n; 0 when n = 0 */
    double max_w;          /* max over n of W(n), work-seconds per second */
    double util;           /* current W / max_w */
    uint32_t push_seq;
    event_id next_ev;      /* the one pending completion */
    struct db_job *next_q;  /* whose tag next_ev waits for */
    double next_rate;      /* the rate next_ev was computed with */
};

static void ps_complete(struct sim *sim, void *payload);

static struct db_job *ps_tag_owner(const struct db_ps *ps,
                                  const struct heap_node *node)
{
    return db_record(ps->env.db, (uint32_t)(node->tie & INDEX_MASK));
}

/* Recomputes the rate and utilisation after n or the capacity changed. */
static void ps_refresh(struct db_ps *ps)
{
    double w = db_capacity_at(ps->env.capacity, ps->n);
    ps->rate = ps->n > 0 ? w / (double)ps->n : 0;
    ps->util = isfinite(ps->max_w) ? w / ps->max_w : 0;
}

/* Drops zombies from the top of the heap; restarts V when idle. */
static void ps_prune(struct db_ps *ps)
{
    while (!heap_empty(&ps->tags)) {
        struct db_job *q = ps_tag_owner(ps, heap_top(&ps->tags));
        if (q->state != Q_ZOMBIE)
            break;
        heap_pop(&ps->tags);
        db_record_free(ps->env.db, q);
    }
    if (ps->n == 0)
        ps->v = 0;
}

/* Moves the one completion event to the smallest tag's finishing time.
 * Kept as it is when neither the top nor the rate changed: the time it
 * was computed with is then still exact. */
static void ps_reschedule(struct db_ps *ps)
{
    struct sim *sim = ps->env.sim;
    ps_prune(ps);
    if (heap_empty(&ps->tags)) {
        sim_cancel(sim, ps->next_ev);
        ps->next_ev = 0;
        ps->next_q = NULL;
        return;
    }
    const struct heap_node *top = heap_top(&ps->tags);
    struct db_job *q = ps_tag_owner(ps, top);
    if (ps->next_ev && ps->next_q == q && ps->next_rate == ps->rate)
        return;
    double left = top->key - ps->v;   /* may be a hair below 0: rounding */
    double delay = left > 0 ? left / ps->rate : 0;
    sim_cancel(sim, ps->next_ev);
    ps->next_ev = sim_after(sim, delay, ps_complete, ps);
    ps->next_q = q;
    ps->next_rate = ps->rate;
}

/* The smallest tag is reached: its query leaves, V is snapped to the tag
 * (the step is rounding only, and counted as work like any other dV). */
static void ps_complete(struct sim *sim, void *payload)
{
    (void)sim;
    struct db_ps *ps = payload;
    struct db_stats *seg = ps->env.seg;
    struct db_job *q = ps->next_q;
    ps->next_ev = 0;
    ps->next_q = NULL;
    db_account(ps->env.db);
    double snap = heap_top(&ps->tags)->key - ps->v;
    ps->v += snap;
    seg->work_done += (double)ps->n * snap;
    seg->wasted_work += (double)ps->n_abandoned * snap;
    heap_pop(&ps->tags);
    ps->n--;
    if (q->abandoned)
        ps->n_abandoned--;
    ps_refresh(ps);
    ps_reschedule(ps);
    db_depart(ps->env.db, q);
}

/* ---- the ops ------------------------------------------------------------- */

static void *ps_create(const struct db_discipline_env *env)
{
    struct db_ps *ps = calloc(1, sizeof *ps);
    if (!ps)
        return NULL;
    ps->env = *env;
    ps->max_w = db_capacity_max(env->capacity);
    /* sized by ps_reserve as records are added */
    if (!heap_init(&ps->tags, 0)) {
        free(ps);
        return NULL;
    }
    ps_refresh(ps);
    return ps;
}

static void ps_destroy(void *state)
{
    struct db_ps *ps = state;
    sim_cancel(ps->env.sim, ps->next_ev);
    heap_free(&ps->tags);
    free(ps);
}

/* The heap never holds more nodes than there are records (a zombie keeps
 * its record), so growing it with the records means a push never fails
 * mid-way through an arrival. */
static bool ps_reserve(void *state, size_t records)
{
    struct db_ps *ps = state;
    while (ps->tags.capacity < records)
        if (!heap_grow(&ps->tags))
            return false;
    return true;
}

static void ps_admit(void *state, struct db_job *q)
{
    struct db_ps *ps = state;
    q->state = Q_SERVICE;
    q->start = ps->v;
    uint64_t tie = (uint64_t)ps->push_seq++ << 32 | q->index;
    heap_push(&ps->tags, ps->v + q->work, tie);   /* room reserved */
    ps->n++;
    ps_refresh(ps);
    ps_reschedule(ps);
}

static void ps_abandon(void *state, struct db_job *q)
{
    (void)q;
    struct db_ps *ps = state;
    ps->n_abandoned++;
}

/* q leaves before its tag: a zombie until its node comes to the top. */
static void ps_remove(void *state, struct db_job *q)
{
    struct db_ps *ps = state;
    q->state = Q_ZOMBIE;
    ps->n--;
    ps_refresh(ps);
    ps_reschedule(ps);
}

static double ps_progress(const void *state, const struct db_job *q)
{
    const struct db_ps *ps = state;
    return ps->v - q->start;
}

static void ps_accrue(void *state, double dt)
{
    struct db_ps *ps = state;
    struct db_stats *s = ps->env.seg;
    s->util_area += ps->util * dt;
    double dv = ps->rate * dt;
    ps->v += dv;
    s->work_done += (double)ps->n * dv;
    s->wasted_work += (double)ps->n_abandoned * dv;
}

static void ps_capacity_changed(void *state)
{
    struct db_ps *ps = state;
    ps->max_w = db_capacity_max(ps->env.capacity);
    ps_refresh(ps);
    ps_reschedule(ps);
}

const struct db_discipline_ops db_ps_ops = {
    .usl_refusal = NULL,
    .create = ps_create,
    .destroy = ps_destroy,
    .reserve = ps_reserve,
    .admit = ps_admit,
    .abandon = ps_abandon,
    .remove = ps_remove,
    .progress = ps_progress,
    .accrue = ps_accrue,
    .capacity_changed = ps_capacity_changed,
};
