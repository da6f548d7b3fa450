/*
 * database.c — the database and the client's connection pool. See
 * database.h for the contract.
 *
 * Records. Every query (client or background) is a `struct query` taken
 * from a free list; records live in fixed chunks that are never moved or
 * freed before db_destroy, so event payloads can point at them. A client
 * query's id is (generation << 32 | index). The generation is bumped when
 * the caller's interest ends (callback delivered, db_cancel, timeout), so a
 * stale id never reaches a reused record, nor an abandoned query that is
 * still executing.
 *
 * Processor sharing. V is a virtual clock that advances at W(n)/n per
 * second, the rate at which each of the n queries progresses; a query
 * admitted at virtual time V0 with work x finishes when V reaches V0 + x
 * (its tag). Tags sit in a 4-ary heap (kernel/heap.h) whose tie packs
 * (push sequence << 32 | record index). A query removed early becomes a
 * zombie: its record stays out of the free list until its node reaches the
 * top and is dropped, so a heap node always names its own record. One
 * kernel event waits for the smallest tag; every arrival and departure
 * moves it (O(log n)). On completion V is snapped to the tag, so rounding
 * in V never makes a query finish early or late in virtual time, and the
 * next completion is never scheduled before now. When n drops to 0 the
 * heap holds only zombies; they are dropped and V restarts at 0, which
 * keeps V small (and its ulp far below any work) in runs that ever idle.
 *
 * FCFS. `cores` servers, each query in service has its own end-of-service
 * event; the rest wait in a FIFO. Servers above a lowered core count finish
 * their query and then stay idle.
 *
 * Accounting. Everything that varies with the number of queries (the
 * inflight and utilisation integrals, work done, wasted work) is integrated
 * by account() just before each change, and at stats collection: work done
 * in ps is n·dV, in fcfs busy·dt, so a segment's work is exact whatever
 * the cut. Work an abandoned query did before abandonment is added when it
 * is abandoned (it could not be known as wasted before).
 */
#include "database.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/heap.h"

#define CHUNK_BITS 10
#define CHUNK_SIZE (UINT32_C(1) << CHUNK_BITS)
#define MAX_CHUNKS (UINT32_C(1) << (32 - CHUNK_BITS))
#define INDEX_MASK UINT64_C(0xffffffff)

enum query_state {
    Q_FREE,      /* on the free list */
    Q_POOL,      /* waiting for a pool connection */
    Q_QUEUED,    /* fcfs: at the database, waiting for a server */
    Q_SERVICE,   /* at the database, executing */
    Q_REFUSING,  /* refused; the zero-delay result event is pending */
    Q_ZOMBIE,    /* ps: removed early, its heap node not yet dropped */
};

struct query {
    struct query *prev, *next; /* pool or fcfs FIFO; next: free list */
    struct db *db;
    double work;           /* seconds on an idle database, scaled */
    double submitted;      /* when db_submit (or the arrival) happened */
    double start;          /* ps: V at admission; fcfs: service start time */
    db_done_fn done;
    void *owner;
    event_id ev;           /* deadline or refusal event of a client query */
    event_id svc;          /* fcfs: end of service */
    uint32_t index;
    uint32_t gen;          /* >= 1, so an id is never 0 */
    uint8_t state;         /* enum query_state */
    bool client;
    bool abandoned;        /* timed out or cancelled, still at the db */
};

struct fifo {
    struct query *head, *tail;
    long len;
};

struct db {
    struct sim *sim;
    struct db_config cfg;
    gsl_rng *bg_arrivals, *bg_work;
    double multiplier;     /* applied to work at submission */
    event_id bg_ev;
    /* records */
    struct query **chunks;
    uint32_t n_chunks, chunks_cap;
    struct query *free_list;
    long in_use;           /* records off the free list (zombies included) */
    long max_in_use;       /* 0: no limit (db_set_limit) */
    bool over_limit;       /* a record was refused for the limit */
    bool out_of_memory;    /* a record could not be allocated */
    long refusing;         /* records in Q_REFUSING */
    /* the client's pool */
    long free_conns;
    struct fifo pool_wait;
    /* the database */
    long inflight;         /* all queries at the db, queued or executing */
    long clients;          /* client queries at the db (max_connections) */
    double max_w;          /* max over n of W(n), work-seconds per second */
    double util;           /* current W / max_w */
    /* ps */
    struct heap tags;      /* finish tags (zombies included) */
    long n;                /* queries executing */
    long n_abandoned;      /* of which abandoned */
    double v;              /* virtual time at `last` */
    double rate;           /* dV/dt = W(n)/n; 0 when n = 0 */
    uint32_t push_seq;
    event_id next_ev;      /* the one pending completion */
    struct query *next_q;  /* whose tag next_ev waits for */
    double next_rate;      /* the rate next_ev was computed with */
    /* fcfs */
    long busy, busy_abandoned;
    struct fifo queue;
    /* the current stats segment */
    struct db_stats seg;
    double seg_start;
    double last;           /* time of the last account() */
};

static void ps_complete(struct sim *sim, void *payload);
static void fcfs_complete(struct sim *sim, void *payload);
static void deadline_event(struct sim *sim, void *payload);
static void refused_event(struct sim *sim, void *payload);
static void background_arrival(struct sim *sim, void *payload);

/* ---- capacity ------------------------------------------------------------ */

double db_capacity_at(const struct db_capacity *c, long n)
{
    if (n <= 0)
        return 0;
    double x = (double)n;
    if (!c->usl)
        return n < c->cores ? x : (double)c->cores;
    return x / (1 + c->sigma * (x - 1) + c->kappa * x * (x - 1));
}

/* W is unimodal in n for κ > 0 (dW/dn has the sign of 1 − σ − κn²), so
 * the integer maximum is next to n* = sqrt((1 − σ)/κ). */
double db_capacity_peak_n(const struct db_capacity *c)
{
    if (!c->usl)
        return (double)c->cores;
    return c->kappa > 0 ? sqrt((1 - c->sigma) / c->kappa) : INFINITY;
}

double db_capacity_qps(const struct db_capacity *c, double mean_work)
{
    return db_capacity_max(c) / mean_work;
}

double db_capacity_max(const struct db_capacity *c)
{
    if (!c->usl)
        return (double)c->cores;
    if (c->kappa <= 0)
        return c->sigma > 0 ? 1 / c->sigma : INFINITY;
    double peak = db_capacity_peak_n(c);
    double lo = floor(peak) < 1 ? 1 : floor(peak);
    if (lo > 1e15)   /* beyond long's reach; W is flat there anyway */
        lo = 1e15;
    double w_lo = db_capacity_at(c, (long)lo);
    double w_hi = db_capacity_at(c, (long)lo + 1);
    return w_lo > w_hi ? w_lo : w_hi;
}

static const char *capacity_error(const struct db_capacity *c,
                                  enum db_discipline d)
{
    if (!c->usl)
        return c->cores >= 1 ? NULL : "cores must be at least 1";
    if (d == DB_FCFS)
        return "usl needs the ps discipline (fcfs takes cores)";
    if (!(c->sigma >= 0 && c->sigma <= 1))
        return "usl.sigma must be between 0 and 1";
    if (!(c->kappa >= 0 && isfinite(c->kappa)))
        return "usl.kappa must be a finite number >= 0";
    if (c->sigma == 0 && c->kappa == 0)
        return "usl needs sigma or kappa > 0 (else capacity is unbounded)";
    return NULL;
}

const char *db_config_error(const struct db_config *c)
{
    if (c->discipline != DB_PS && c->discipline != DB_FCFS)
        return "discipline must be ps or fcfs";
    const char *e = capacity_error(&c->capacity, c->discipline);
    if (e)
        return e;
    if (c->max_connections < 0)
        return "max_connections must be >= 0 (0: no limit)";
    if (!(c->background_rate >= 0 && isfinite(c->background_rate)))
        return "background rate must be a finite number >= 0";
    if (c->pool_size < 1)
        return "pool_size must be at least 1";
    if (!(c->pool_timeout >= 0))
        return "pool_timeout must be >= 0";
    if (!(c->timeout >= 0))
        return "timeout must be >= 0";
    return NULL;
}

/* ---- records ------------------------------------------------------------- */

static struct query *record_at(const struct db *db, uint32_t index)
{
    return &db->chunks[index >> CHUNK_BITS][index & (CHUNK_SIZE - 1)];
}

/* The ps heap never holds more nodes than there are records (a zombie
 * keeps its record), so growing it with the records means a push never
 * fails mid-way through an arrival. */
static bool reserve_tags(struct db *db, size_t records)
{
    while (db->tags.capacity < records)
        if (!heap_grow(&db->tags))
            return false;
    return true;
}

static bool add_chunk(struct db *db)
{
    if (db->n_chunks == MAX_CHUNKS - 1)
        return false;
    if (db->n_chunks == db->chunks_cap) {
        uint32_t cap = db->chunks_cap ? db->chunks_cap * 2 : 16;
        struct query **c = realloc(db->chunks, cap * sizeof *c);
        if (!c)
            return false;
        db->chunks = c;
        db->chunks_cap = cap;
    }
    size_t records = (size_t)(db->n_chunks + 1) * CHUNK_SIZE;
    if (db->cfg.discipline == DB_PS && !reserve_tags(db, records))
        return false;
    struct query *chunk = calloc(CHUNK_SIZE, sizeof *chunk);
    if (!chunk)
        return false;
    uint32_t base = db->n_chunks * CHUNK_SIZE;
    db->chunks[db->n_chunks++] = chunk;
    for (uint32_t i = CHUNK_SIZE; i-- > 0;) {   /* low indices first */
        chunk[i] = (struct query){.db = db, .index = base + i, .gen = 1};
        chunk[i].next = db->free_list;
        db->free_list = &chunk[i];
    }
    return true;
}

static struct query *take_record(struct db *db)
{
    if (db->max_in_use > 0 && db->in_use >= db->max_in_use) {
        db->over_limit = true;
        return NULL;
    }
    if (!db->free_list && !add_chunk(db)) {
        db->out_of_memory = true;
        return NULL;
    }
    struct query *q = db->free_list;
    db->in_use++;
    db->free_list = q->next;
    q->prev = q->next = NULL;
    q->ev = q->svc = 0;
    q->abandoned = false;
    return q;
}

static void put_free(struct db *db, struct query *q)
{
    db->in_use--;
    q->state = Q_FREE;
    q->next = db->free_list;
    db->free_list = q;
}

/* The caller's interest in q ends: its id goes stale. */
static void detach(struct query *q)
{
    if (++q->gen == 0)
        q->gen = 1;
}

/* The caller's interest in q ends and its record is free again. */
static void retire(struct db *db, struct query *q)
{
    detach(q);
    put_free(db, q);
}

/* What the owner of q is told, read before its record is retired. */
struct delivery {
    db_done_fn done;
    void *owner;
    double response;   /* seconds since submission */
};

static struct delivery delivery_of(const struct db *db, const struct query *q)
{
    return (struct delivery){q->done, q->owner,
                             sim_now(db->sim) - q->submitted};
}

static db_query_id query_id(const struct query *q)
{
    return (uint64_t)q->gen << 32 | q->index;
}

static struct query *lookup(const struct db *db, db_query_id id)
{
    uint64_t index = id & INDEX_MASK;
    if (id == 0 || index >= (uint64_t)db->n_chunks * CHUNK_SIZE)
        return NULL;
    struct query *q = record_at(db, (uint32_t)index);
    if (q->gen != id >> 32 || !q->client || q->abandoned ||
        q->state == Q_FREE || q->state == Q_ZOMBIE)
        return NULL;
    return q;
}

/* ---- FIFOs (O(1) push, pop and unlink) ----------------------------------- */

static void fifo_push(struct fifo *f, struct query *q)
{
    q->next = NULL;
    q->prev = f->tail;
    if (f->tail)
        f->tail->next = q;
    else
        f->head = q;
    f->tail = q;
    f->len++;
}

static void fifo_unlink(struct fifo *f, struct query *q)
{
    if (q->prev)
        q->prev->next = q->next;
    else
        f->head = q->next;
    if (q->next)
        q->next->prev = q->prev;
    else
        f->tail = q->prev;
    q->prev = q->next = NULL;
    f->len--;
}

static struct query *fifo_pop(struct fifo *f)
{
    struct query *q = f->head;
    if (q)
        fifo_unlink(f, q);
    return q;
}

/* ---- accounting ---------------------------------------------------------- */

/* Integrates everything that depends on the current state from the last
 * change to now. Call before any change of n, busy, inflight or capacity. */
static void account(struct db *db)
{
    double t = sim_now(db->sim);
    double dt = t - db->last;
    if (!(dt > 0))
        return;
    db->last = t;
    struct db_stats *s = &db->seg;
    s->inflight_area += (double)db->inflight * dt;
    s->util_area += db->util * dt;
    if (db->cfg.discipline == DB_PS) {
        double dv = db->rate * dt;
        db->v += dv;
        s->work_done += (double)db->n * dv;
        s->wasted_work += (double)db->n_abandoned * dv;
    } else {
        s->work_done += (double)db->busy * dt;
        s->wasted_work += (double)db->busy_abandoned * dt;
    }
}

/* Recomputes the rate and utilisation after n, busy or capacity changed. */
static void refresh(struct db *db)
{
    const struct db_capacity *c = &db->cfg.capacity;
    if (db->cfg.discipline == DB_PS) {
        double w = db_capacity_at(c, db->n);
        db->rate = db->n > 0 ? w / (double)db->n : 0;
        db->util = isfinite(db->max_w) ? w / db->max_w : 0;
    } else {
        long used = db->busy < c->cores ? db->busy : c->cores;
        db->util = (double)used / (double)c->cores;
    }
}

static void inflight_add(struct db *db, long delta)
{
    db->inflight += delta;
    if (db->inflight > db->seg.inflight_max)
        db->seg.inflight_max = db->inflight;
}

/* Work q has executed so far (state at the db, after account()). */
static double progress(const struct db *db, const struct query *q)
{
    if (q->state != Q_SERVICE)
        return 0;
    if (db->cfg.discipline == DB_PS)
        return db->v - q->start;
    return sim_now(db->sim) - q->start;
}

/* ---- processor sharing --------------------------------------------------- */

/* Drops zombies from the top of the heap; restarts V when idle. */
static void ps_prune(struct db *db)
{
    while (!heap_empty(&db->tags)) {
        struct query *q = record_at(db, (uint32_t)(heap_top(&db->tags)->tie &
                                                   INDEX_MASK));
        if (q->state != Q_ZOMBIE)
            break;
        heap_pop(&db->tags);
        put_free(db, q);
    }
    if (db->n == 0)
        db->v = 0;
}

/* Moves the one completion event to the smallest tag's finishing time.
 * Kept as it is when neither the top nor the rate changed: the time it
 * was computed with is then still exact. */
static void ps_reschedule(struct db *db)
{
    ps_prune(db);
    if (heap_empty(&db->tags)) {
        sim_cancel(db->sim, db->next_ev);
        db->next_ev = 0;
        db->next_q = NULL;
        return;
    }
    const struct heap_node *top = heap_top(&db->tags);
    struct query *q = record_at(db, (uint32_t)(top->tie & INDEX_MASK));
    if (db->next_ev && db->next_q == q && db->next_rate == db->rate)
        return;
    double left = top->key - db->v;   /* may be a hair below 0: rounding */
    double delay = left > 0 ? left / db->rate : 0;
    sim_cancel(db->sim, db->next_ev);
    db->next_ev = sim_after(db->sim, delay, ps_complete, db);
    db->next_q = q;
    db->next_rate = db->rate;
}

static void ps_arrive(struct db *db, struct query *q)
{
    q->state = Q_SERVICE;
    q->start = db->v;
    uint64_t tie = (uint64_t)db->push_seq++ << 32 | q->index;
    heap_push(&db->tags, db->v + q->work, tie);   /* room reserved */
    db->n++;
    refresh(db);
    ps_reschedule(db);
}

/* Takes q out of execution before its tag (cancel_on_timeout). */
static void ps_remove(struct db *db, struct query *q)
{
    q->state = Q_ZOMBIE;
    db->n--;
    refresh(db);
    ps_reschedule(db);
}

/* ---- fcfs ---------------------------------------------------------------- */

static void fcfs_start(struct db *db, struct query *q)
{
    q->state = Q_SERVICE;
    q->start = sim_now(db->sim);
    q->svc = sim_after(db->sim, q->work, fcfs_complete, q);
    db->busy++;
    if (q->abandoned)
        db->busy_abandoned++;
    refresh(db);
}

/* Starts queued queries while servers below the core count are idle. */
static void fcfs_fill(struct db *db)
{
    while (db->busy < db->cfg.capacity.cores && db->queue.head)
        fcfs_start(db, fifo_pop(&db->queue));
}

static void fcfs_arrive(struct db *db, struct query *q)
{
    if (db->busy < db->cfg.capacity.cores) {
        fcfs_start(db, q);
    } else {
        q->state = Q_QUEUED;
        fifo_push(&db->queue, q);
    }
}

/* Takes q out of the queue or off its server (cancel_on_timeout). */
static void fcfs_remove(struct db *db, struct query *q)
{
    if (q->state == Q_QUEUED) {
        fifo_unlink(&db->queue, q);
    } else {
        sim_cancel(db->sim, q->svc);
        db->busy--;
        fcfs_fill(db);
        refresh(db);
    }
    put_free(db, q);
}

/* ---- admission and departure --------------------------------------------- */

static void arm_deadline(struct db *db, struct query *q, double at)
{
    sim_cancel(db->sim, q->ev);
    q->ev = isfinite(at) ? sim_schedule(db->sim, at, deadline_event, q) : 0;
}

/* The database turns q away; its result comes from a zero-delay event so
 * the caller of db_submit is never re-entered. The connection is free. */
static void refuse(struct db *db, struct query *q)
{
    db->seg.refused++;
    db->free_conns++;
    q->state = Q_REFUSING;
    db->refusing++;
    sim_cancel(db->sim, q->ev);
    q->ev = sim_after(db->sim, 0, refused_event, q);
}

/* q (holding a pool connection if a client query) reaches the database. */
static void enter_db(struct db *db, struct query *q)
{
    long limit = db->cfg.max_connections;
    if (q->client && limit > 0 && db->clients >= limit) {
        refuse(db, q);
        return;
    }
    account(db);
    inflight_add(db, 1);
    if (q->client) {
        db->clients++;
        db->seg.started++;
    } else {
        db->seg.background_started++;
    }
    if (db->cfg.discipline == DB_PS)
        ps_arrive(db, q);
    else
        fcfs_arrive(db, q);
}

/* Hands free connections to waiters in FIFO order. A refused waiter gives
 * its connection back at once, so the loop goes on. */
static void pool_dispatch(struct db *db)
{
    while (db->free_conns > 0 && db->pool_wait.head) {
        struct query *q = fifo_pop(&db->pool_wait);
        db->free_conns--;
        /* the armed event was the pool deadline if that came first */
        if (db->cfg.pool_timeout < db->cfg.timeout)
            arm_deadline(db, q, q->submitted + db->cfg.timeout);
        enter_db(db, q);
    }
}

static void pool_release(struct db *db)
{
    db->free_conns++;
    pool_dispatch(db);
}

/* Bookkeeping common to every way of leaving the database. */
static void leave_db(struct db *db, struct query *q)
{
    db->inflight--;
    if (q->client)
        db->clients--;
}

/* q finished executing. Everything is settled before the callback runs,
 * so the callback may submit or cancel freely. */
static void depart(struct db *db, struct query *q)
{
    if (!q->client || q->abandoned) {
        put_free(db, q);
        return;
    }
    struct delivery d = delivery_of(db, q);
    sim_cancel(db->sim, q->ev);
    db->seg.completed++;
    hist_record(db->seg.response, d.response);
    retire(db, q);
    pool_release(db);
    d.done(d.owner, DB_OK, d.response);
}

/* The caller no longer waits for q, which is at the database: its
 * connection goes back to the pool; the query goes on executing unless
 * cancel_on_timeout. */
static void abandon(struct db *db, struct query *q)
{
    detach(q);
    q->abandoned = true;
    account(db);
    db->seg.wasted_work += progress(db, q);
    if (db->cfg.cancel_on_timeout) {
        leave_db(db, q);
        if (db->cfg.discipline == DB_PS)
            ps_remove(db, q);
        else
            fcfs_remove(db, q);
    } else if (q->state == Q_SERVICE) {
        if (db->cfg.discipline == DB_PS)
            db->n_abandoned++;
        else
            db->busy_abandoned++;
    }
    pool_release(db);
}

/* ---- event handlers ------------------------------------------------------ */

static void ps_complete(struct sim *sim, void *payload)
{
    (void)sim;
    struct db *db = payload;
    struct query *q = db->next_q;
    db->next_ev = 0;
    db->next_q = NULL;
    account(db);
    double snap = heap_top(&db->tags)->key - db->v;   /* rounding only */
    db->v += snap;
    db->seg.work_done += (double)db->n * snap;
    db->seg.wasted_work += (double)db->n_abandoned * snap;
    heap_pop(&db->tags);
    db->n--;
    if (q->abandoned)
        db->n_abandoned--;
    leave_db(db, q);
    refresh(db);
    ps_reschedule(db);
    depart(db, q);
}

static void fcfs_complete(struct sim *sim, void *payload)
{
    (void)sim;
    struct query *q = payload;
    struct db *db = q->db;
    q->svc = 0;
    account(db);
    db->busy--;
    if (q->abandoned)
        db->busy_abandoned--;
    leave_db(db, q);
    fcfs_fill(db);
    refresh(db);
    depart(db, q);
}

/* The query's deadline: the pool deadline while it waits for a connection
 * (when that comes first; a tie counts as a pool timeout), else the
 * client timeout. */
static void deadline_event(struct sim *sim, void *payload)
{
    struct query *q = payload;
    struct db *db = q->db;
    (void)sim;
    struct delivery d = delivery_of(db, q);
    enum db_result result = DB_TIMEOUT;
    q->ev = 0;
    if (q->state == Q_POOL) {
        fifo_unlink(&db->pool_wait, q);
        if (db->cfg.pool_timeout <= db->cfg.timeout)
            result = DB_POOL_TIMEOUT;
        retire(db, q);
    } else {
        abandon(db, q);
    }
    if (result == DB_TIMEOUT)
        db->seg.timeouts++;
    else
        db->seg.pool_timeouts++;
    d.done(d.owner, result, d.response);
}

static void refused_event(struct sim *sim, void *payload)
{
    struct query *q = payload;
    struct db *db = q->db;
    (void)sim;
    struct delivery d = delivery_of(db, q);
    q->ev = 0;
    db->refusing--;
    retire(db, q);
    d.done(d.owner, DB_REFUSED, d.response);
}

static void schedule_background(struct db *db)
{
    double gap = gsl_ran_exponential(db->bg_arrivals,
                                     1 / db->cfg.background_rate);
    db->bg_ev = sim_after(db->sim, gap, background_arrival, db);
}

static void background_arrival(struct sim *sim, void *payload)
{
    struct db *db = payload;
    db->bg_ev = 0;
    struct query *q = take_record(db);
    if (!q) {
        sim_halt(sim);
        return;
    }
    q->client = false;
    q->submitted = sim_now(sim);
    q->work = dist_sample(&db->cfg.background_service, db->bg_work) *
              db->multiplier;
    if (!(q->work >= 0))
        q->work = 0;
    enter_db(db, q);
    schedule_background(db);
}

/* ---- the interface ------------------------------------------------------- */

struct db *db_create(struct sim *sim, const struct db_config *config,
                     gsl_rng *background_arrivals, gsl_rng *background_work)
{
    if (db_config_error(config))
        return NULL;
    if (config->background_rate > 0 && (!background_arrivals ||
                                        !background_work))
        return NULL;
    struct db *db = calloc(1, sizeof *db);
    if (!db)
        return NULL;
    db->sim = sim;
    db->cfg = *config;
    db->bg_arrivals = background_arrivals;
    db->bg_work = background_work;
    db->multiplier = 1;
    db->free_conns = config->pool_size;
    db->max_w = db_capacity_max(&config->capacity);
    db->seg_start = db->last = sim_now(sim);
    db->seg.response = hist_create();
    if (!db->seg.response || !heap_init(&db->tags, CHUNK_SIZE)) {
        db_destroy(db);
        return NULL;
    }
    refresh(db);
    if (config->background_rate > 0)
        schedule_background(db);
    return db;
}

/* Pending events point into the records: cancel them so the simulation
 * can go on (or be destroyed) after the database is gone. */
void db_destroy(struct db *db)
{
    if (!db)
        return;
    sim_cancel(db->sim, db->bg_ev);
    sim_cancel(db->sim, db->next_ev);
    for (uint32_t c = 0; c < db->n_chunks; c++) {
        for (uint32_t i = 0; i < CHUNK_SIZE; i++) {
            sim_cancel(db->sim, db->chunks[c][i].ev);
            sim_cancel(db->sim, db->chunks[c][i].svc);
        }
        free(db->chunks[c]);
    }
    free(db->chunks);
    heap_free(&db->tags);
    hist_destroy(db->seg.response);
    free(db);
}

db_query_id db_submit(struct db *db, double work, db_done_fn done,
                      void *owner)
{
    struct query *q = take_record(db);
    if (!q) {
        sim_halt(db->sim);
        return 0;
    }
    double now = sim_now(db->sim);
    q->client = true;
    q->work = work >= 0 ? work * db->multiplier : 0;   /* NaN -> 0 too */
    q->submitted = now;
    q->done = done;
    q->owner = owner;
    db->seg.submitted++;
    if (db->free_conns > 0) {   /* then nobody waits: the FIFO is empty */
        db->free_conns--;
        arm_deadline(db, q, now + db->cfg.timeout);
        enter_db(db, q);
    } else {
        q->state = Q_POOL;
        fifo_push(&db->pool_wait, q);
        if (db->pool_wait.len > db->seg.pool_waiting_max)
            db->seg.pool_waiting_max = db->pool_wait.len;
        double pool_at = now + db->cfg.pool_timeout;
        double at = now + db->cfg.timeout;
        arm_deadline(db, q, pool_at < at ? pool_at : at);
    }
    return query_id(q);
}

void db_cancel(struct db *db, db_query_id id)
{
    struct query *q = lookup(db, id);
    if (!q)
        return;
    sim_cancel(db->sim, q->ev);
    q->ev = 0;
    switch (q->state) {
    case Q_POOL:
        fifo_unlink(&db->pool_wait, q);
        break;
    case Q_REFUSING:
        db->refusing--;
        break;
    default:
        abandon(db, q);
        return;
    }
    retire(db, q);
}

bool db_set_capacity(struct db *db, struct db_capacity capacity)
{
    if (capacity_error(&capacity, db->cfg.discipline))
        return false;
    account(db);
    db->cfg.capacity = capacity;
    db->max_w = db_capacity_max(&capacity);
    refresh(db);
    if (db->cfg.discipline == DB_PS) {
        ps_reschedule(db);
    } else {
        fcfs_fill(db);
        refresh(db);
    }
    return true;
}

bool db_set_service_multiplier(struct db *db, double factor)
{
    if (!(factor > 0 && isfinite(factor)))
        return false;
    db->multiplier = factor;
    return true;
}

void db_stats_add(struct db_stats *into, const struct db_stats *s)
{
    into->span += s->span;
    into->inflight_area += s->inflight_area;
    if (s->inflight_max > into->inflight_max)
        into->inflight_max = s->inflight_max;
    into->util_area += s->util_area;
    if (s->pool_waiting_max > into->pool_waiting_max)
        into->pool_waiting_max = s->pool_waiting_max;
    into->submitted += s->submitted;
    into->started += s->started;
    into->completed += s->completed;
    into->timeouts += s->timeouts;
    into->pool_timeouts += s->pool_timeouts;
    into->refused += s->refused;
    into->background_started += s->background_started;
    into->work_done += s->work_done;
    into->wasted_work += s->wasted_work;
    if (into->response)
        hist_merge(into->response, s->response);
}

void db_stats_collect(struct db *db, struct db_stats *into)
{
    account(db);
    double now = sim_now(db->sim);
    struct db_stats *s = &db->seg;
    s->span = now - db->seg_start;
    db_stats_add(into, s);
    struct hist *h = s->response;
    hist_reset(h);
    memset(s, 0, sizeof *s);
    s->response = h;
    /* a segment's maxima include the state it starts in */
    s->inflight_max = db->inflight;
    s->pool_waiting_max = db->pool_wait.len;
    db->seg_start = now;
}

long db_queries_held(const struct db *db)
{
    return db->pool_wait.len + db->inflight + db->refusing;
}

void db_set_limit(struct db *db, long max_queries)
{
    db->max_in_use = max_queries > 0 ? max_queries : 0;
}

bool db_over_limit(const struct db *db) { return db->over_limit; }

bool db_out_of_memory(const struct db *db) { return db->out_of_memory; }
