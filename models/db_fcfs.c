/*
 * db_fcfs.c — the fcfs discipline: `cores` servers and one FIFO queue
 * (M/M/c with exponential work; DESIGN.md §4).
 *
 * Each query in service has its own end-of-service event (in its record's
 * `svc`, which db_destroy cancels); the rest wait in the FIFO. Servers
 * above a lowered core count finish their query and then stay idle, so
 * `busy` may exceed the core count for a while; utilisation counts at
 * most `cores` of them. Work done is busy·dt and wasted work
 * busy_abandoned·dt: an abandoned query counts as wasted only while it is
 * on a server.
 */
#include <stdlib.h>

#include "database.h"
#include "db_discipline.h"

struct db_fcfs {
    struct db_discipline_env env;
    long busy;             /* servers executing a query */
    long busy_abandoned;   /* of which on abandoned queries */
    double util;           /* min(busy, cores) / cores */
    struct db_fifo queue;     /* admitted, waiting for a server */
};

static void fcfs_complete(struct sim *sim, void *payload);

/* Recomputes the utilisation after busy or the core count changed. */
static void fcfs_refresh(struct db_fcfs *f)
{
    long cores = f->env.capacity->cores;
    long used = f->busy < cores ? f->busy : cores;
    f->util = (double)used / (double)cores;
}

static void fcfs_start(struct db_fcfs *f, struct db_job *q)
{
    struct sim *sim = f->env.sim;
    q->state = Q_SERVICE;
    q->start = sim_now(sim);
    q->svc = sim_after(sim, q->work, fcfs_complete, q);
    f->busy++;
    if (q->abandoned)
        f->busy_abandoned++;
    fcfs_refresh(f);
}

/* Starts queued queries while servers below the core count are idle. */
static void fcfs_fill(struct db_fcfs *f)
{
    while (f->busy < f->env.capacity->cores && f->queue.head)
        fcfs_start(f, db_fifo_pop(&f->queue));
}

/* q's server frees: the next in line takes it. */
static void fcfs_vacate(struct db_fcfs *f)
{
    f->busy--;
    fcfs_fill(f);
    fcfs_refresh(f);
}

static void fcfs_complete(struct sim *sim, void *payload)
{
    (void)sim;
    struct db_job *q = payload;
    struct db_fcfs *f = db_discipline_state(q->db);
    q->svc = 0;
    db_account(f->env.db);
    if (q->abandoned)
        f->busy_abandoned--;
    fcfs_vacate(f);
    db_depart(f->env.db, q);
}

/* ---- the ops ------------------------------------------------------------- */

static void *fcfs_create(const struct db_discipline_env *env)
{
    struct db_fcfs *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->env = *env;
    fcfs_refresh(f);
    return f;
}

/* Nothing of its own is pending: the end-of-service events live in the
 * records. */
static void fcfs_destroy(void *state) { free(state); }

static void fcfs_admit(void *state, struct db_job *q)
{
    struct db_fcfs *f = state;
    if (f->busy < f->env.capacity->cores) {
        fcfs_start(f, q);
    } else {
        q->state = Q_QUEUED;
        db_fifo_push(&f->queue, q);
    }
}

static void fcfs_abandon(void *state, struct db_job *q)
{
    (void)q;
    struct db_fcfs *f = state;
    f->busy_abandoned++;
}

/* Takes q out of the queue or off its server (cancel_on_timeout). */
static void fcfs_remove(void *state, struct db_job *q)
{
    struct db_fcfs *f = state;
    if (q->state == Q_QUEUED) {
        db_fifo_unlink(&f->queue, q);
    } else {
        sim_cancel(f->env.sim, q->svc);
        fcfs_vacate(f);
    }
    db_record_free(f->env.db, q);
}

static double fcfs_progress(const void *state, const struct db_job *q)
{
    const struct db_fcfs *f = state;
    return sim_now(f->env.sim) - q->start;
}

static void fcfs_accrue(void *state, double dt)
{
    struct db_fcfs *f = state;
    struct db_stats *s = f->env.seg;
    s->util_area += f->util * dt;
    s->work_done += (double)f->busy * dt;
    s->wasted_work += (double)f->busy_abandoned * dt;
}

/* More cores take queued queries at once; with fewer, busy servers above
 * the count finish first (fcfs_fill starts nothing until they have). */
static void fcfs_capacity_changed(void *state)
{
    struct db_fcfs *f = state;
    fcfs_fill(f);
    fcfs_refresh(f);
}

const struct db_discipline_ops db_fcfs_ops = {
    .usl_refusal = "usl needs the ps discipline (fcfs takes cores)",
    .create = fcfs_create,
    .destroy = fcfs_destroy,
    .reserve = NULL,
    .admit = fcfs_admit,
    .abandon = fcfs_abandon,
    .remove = fcfs_remove,
    .progress = fcfs_progress,
    .accrue = fcfs_accrue,
    .capacity_changed = fcfs_capacity_changed,
};
