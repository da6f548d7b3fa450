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
 * Disciplines. What happens to a query between admission and the end of
 * its execution is its discipline's: processor sharing (db_ps.c) or
 * servers and a FIFO (db_fcfs.c), reached through one ops table
 * (db_discipline.h). Everything else is here.
 *
 * Accounting. Everything that varies with the number of queries (the
 * inflight and utilisation integrals, work done, wasted work) is integrated
 * by db_account() just before each change, and at stats collection; the
 * discipline integrates its own part (accrue). Work an abandoned query did
 * before abandonment is added when it is abandoned (it could not be known
 * as wasted before).
 */
#include "database.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db_discipline.h"
#include "kernel/rng.h"

#define CHUNK_BITS 10
#define CHUNK_SIZE (UINT32_C(1) << CHUNK_BITS)
#define MAX_CHUNKS (UINT32_C(1) << (32 - CHUNK_BITS))
#define INDEX_MASK UINT64_C(0xffffffff)

/* A record: what the discipline sees of the query, then the client's side
 * of it, which only this file reads. */
struct query {
    struct db_job job;     /* first, so a job's address is its record's */
    double submitted;      /* when db_submit (or the arrival) happened */
    db_done_fn done;
    void *owner;
    event_id ev;           /* deadline or refusal event of a client query */
    uint32_t gen;          /* >= 1, so an id is never 0 */
    uint32_t pool;         /* a client query's pool (its instance's) */
    bool client;
};

/* One application instance's connection pool. */
struct pool {
    long free;             /* connections not in use */
    long peak;             /* the most in use at once in the segment */
    struct db_fifo wait;   /* client queries waiting for one, FIFO */
};

/* The record a job (from a FIFO, the free list or a discipline) is part
 * of; NULL for NULL. */
static struct query *query_of(struct db_job *job)
{
    return (struct query *)job;
}

struct db {
    struct sim *sim;
    struct db_config cfg;
    gsl_rng *bg_arrivals, *bg_work;
    double multiplier;     /* applied to work at submission */
    event_id bg_ev;
    /* records */
    struct query **chunks;
    uint32_t n_chunks, chunks_cap;
    struct db_job *free_list;
    long in_use;           /* records off the free list (zombies included) */
    long max_in_use;       /* 0: no limit (db_set_limit) */
    bool over_limit;       /* a record was refused for the limit */
    bool out_of_memory;    /* a record could not be allocated */
    long refusing;         /* records in Q_REFUSING */
    /* the client's pools, one per instance */
    struct pool *pools;
    long n_pools;
    long waiting;          /* client queries waiting, all pools */
    /* the database */
    long inflight;         /* all queries at the db, queued or executing */
    long clients;          /* client queries at the db (max_connections) */
    const struct db_discipline_ops *ops;
    void *disc;            /* the discipline's state */
    /* the current stats segment */
    struct db_stats seg;
    double seg_start;
    double last;           /* time of the last db_account() */
};

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

/* ---- disciplines --------------------------------------------------------- */

/* The one place that maps a discipline's name in the config to its ops;
 * NULL for a value outside the enum. */
static const struct db_discipline_ops *discipline_ops(enum db_discipline d)
{
    switch (d) {
    case DB_PS:
        return &db_ps_ops;
    case DB_FCFS:
        return &db_fcfs_ops;
    }
    return NULL;
}

static const char *capacity_error(const struct db_capacity *c,
                                  const struct db_discipline_ops *ops)
{
    if (!c->usl)
        return c->cores >= 1 ? NULL : "cores must be at least 1";
    if (ops->usl_refusal)
        return ops->usl_refusal;
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
    const struct db_discipline_ops *ops = discipline_ops(c->discipline);
    if (!ops)
        return "discipline must be ps or fcfs";
    const char *e = capacity_error(&c->capacity, ops);
    if (e)
        return e;
    if (c->max_connections < 0)
        return "max_connections must be >= 0 (0: no limit)";
    if (!(c->background_rate >= 0 && isfinite(c->background_rate)))
        return "background rate must be a finite number >= 0";
    if (c->pool_size < 1)
        return "pool_size must be at least 1";
    if (c->pools < 1)
        return "pools must be at least 1";
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

struct db_job *db_record(const struct db *db, uint32_t index)
{
    return &record_at(db, index)->job;
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
    if (db->ops->reserve && !db->ops->reserve(db->disc, records))
        return false;
    struct query *chunk = calloc(CHUNK_SIZE, sizeof *chunk);
    if (!chunk)
        return false;
    uint32_t base = db->n_chunks * CHUNK_SIZE;
    db->chunks[db->n_chunks++] = chunk;
    for (uint32_t i = CHUNK_SIZE; i-- > 0;) {   /* low indices first */
        chunk[i] = (struct query){.job = {.db = db, .index = base + i},
                                  .gen = 1};
        chunk[i].job.next = db->free_list;
        db->free_list = &chunk[i].job;
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
    struct query *q = query_of(db->free_list);
    db->in_use++;
    db->free_list = q->job.next;
    q->job.prev = q->job.next = NULL;
    q->ev = q->job.svc = 0;
    q->job.abandoned = false;
    return q;
}

void db_record_free(struct db *db, struct db_job *job)
{
    db->in_use--;
    job->state = Q_FREE;
    job->next = db->free_list;
    db->free_list = job;
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
    db_record_free(db, &q->job);
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
    return (uint64_t)q->gen << 32 | q->job.index;
}

static struct query *lookup(const struct db *db, db_query_id id)
{
    uint64_t index = id & INDEX_MASK;
    if (id == 0 || index >= (uint64_t)db->n_chunks * CHUNK_SIZE)
        return NULL;
    struct query *q = record_at(db, (uint32_t)index);
    if (q->gen != id >> 32 || !q->client || q->job.abandoned ||
        q->job.state == Q_FREE || q->job.state == Q_ZOMBIE)
        return NULL;
    return q;
}

/* ---- FIFOs (O(1) push, pop and unlink) ----------------------------------- */

void db_fifo_push(struct db_fifo *f, struct db_job *job)
{
    job->next = NULL;
    job->prev = f->tail;
    if (f->tail)
        f->tail->next = job;
    else
        f->head = job;
    f->tail = job;
    f->len++;
}

void db_fifo_unlink(struct db_fifo *f, struct db_job *job)
{
    if (job->prev)
        job->prev->next = job->next;
    else
        f->head = job->next;
    if (job->next)
        job->next->prev = job->prev;
    else
        f->tail = job->prev;
    job->prev = job->next = NULL;
    f->len--;
}

struct db_job *db_fifo_pop(struct db_fifo *f)
{
    struct db_job *job = f->head;
    if (job)
        db_fifo_unlink(f, job);
    return job;
}

/* ---- accounting ---------------------------------------------------------- */

/* Call before any change of what the database holds or of its capacity. */
void db_account(struct db *db)
{
    double t = sim_now(db->sim);
    double dt = t - db->last;
    if (!(dt > 0))
        return;
    db->last = t;
    db->seg.inflight_area += (double)db->inflight * dt;
    db->ops->accrue(db->disc, dt);
}

static void inflight_add(struct db *db, long delta)
{
    db->inflight += delta;
    if (db->inflight > db->seg.inflight_max)
        db->seg.inflight_max = db->inflight;
}

/* Work q has executed so far (q at the db, after db_account()). */
static double progress(const struct db *db, const struct query *q)
{
    if (q->job.state != Q_SERVICE)
        return 0;
    return db->ops->progress(db->disc, &q->job);
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
    db->pools[q->pool].free++;
    q->job.state = Q_REFUSING;
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
    db_account(db);
    inflight_add(db, 1);
    if (q->client) {
        db->clients++;
        db->seg.started++;
    } else {
        db->seg.background_started++;
    }
    db->ops->admit(db->disc, &q->job);
}

/* When a waiter stops waiting for a connection: its pool deadline, or
 * its client timeout if that comes first. */
static double pool_deadline(const struct db *db, const struct query *q)
{
    double pool_at = q->submitted + db->cfg.pool_timeout;
    double at = q->submitted + db->cfg.timeout;
    return pool_at < at ? pool_at : at;
}

/* The first waiter whose deadline is still ahead. A deadline at t has
 * expired at t: a waiter whose deadline is now gets no connection freed
 * at the same instant (its deadline event, due now, reports it). Every
 * waiter has the same timeouts, so deadlines grow along the FIFO and the
 * expired ones are a prefix, walked in O(their number). */
static struct query *first_live_waiter(const struct db *db,
                                       const struct pool *p)
{
    double now = sim_now(db->sim);
    struct db_job *job = p->wait.head;
    while (job && pool_deadline(db, query_of(job)) <= now)
        job = job->next;
    return query_of(job);
}

/* A connection of q's pool goes to q. */
static void take_connection(struct db *db, struct query *q)
{
    struct pool *p = &db->pools[q->pool];
    p->free--;
    if (db->cfg.pool_size - p->free > p->peak)
        p->peak = db->cfg.pool_size - p->free;
}

static void unwait(struct db *db, struct query *q)
{
    db_fifo_unlink(&db->pools[q->pool].wait, &q->job);
    db->waiting--;
}

/* Hands the pool's free connections to its waiters in FIFO order. A
 * refused waiter gives its connection back at once, so the loop goes
 * on. */
static void pool_dispatch(struct db *db, struct pool *p)
{
    struct query *q;
    while (p->free > 0 && (q = first_live_waiter(db, p))) {
        unwait(db, q);
        take_connection(db, q);
        /* the armed event was the pool deadline if that came first */
        if (db->cfg.pool_timeout < db->cfg.timeout)
            arm_deadline(db, q, q->submitted + db->cfg.timeout);
        enter_db(db, q);
    }
}

static void pool_release(struct db *db, uint32_t pool)
{
    struct pool *p = &db->pools[pool];
    p->free++;
    pool_dispatch(db, p);
}

/* Bookkeeping common to every way of leaving the database. */
static void leave_db(struct db *db, struct query *q)
{
    db->inflight--;
    if (q->client)
        db->clients--;
}

/* Everything is settled before the callback runs, so the callback may
 * submit or cancel freely. */
void db_depart(struct db *db, struct db_job *job)
{
    struct query *q = query_of(job);
    leave_db(db, q);
    if (!q->client || q->job.abandoned) {
        db_record_free(db, &q->job);
        return;
    }
    struct delivery d = delivery_of(db, q);
    uint32_t pool = q->pool;
    sim_cancel(db->sim, q->ev);
    db->seg.completed++;
    hist_record(db->seg.response, d.response);
    retire(db, q);
    pool_release(db, pool);
    d.done(d.owner, DB_OK, d.response);
}

/* The caller no longer waits for q, which is at the database: its
 * connection goes back to the pool; the query goes on executing unless
 * cancel_on_timeout. */
static void abandon(struct db *db, struct query *q)
{
    uint32_t pool = q->pool;
    detach(q);
    q->job.abandoned = true;
    db_account(db);
    db->seg.wasted_work += progress(db, q);
    if (db->cfg.cancel_on_timeout) {
        leave_db(db, q);
        db->ops->remove(db->disc, &q->job);
    } else if (q->job.state == Q_SERVICE) {
        db->ops->abandon(db->disc, &q->job);
    }
    pool_release(db, pool);
}

/* ---- event handlers ------------------------------------------------------ */

/* The query's deadline: the pool deadline while it waits for a connection
 * (when that comes first; a tie counts as a pool timeout), else the
 * client timeout. */
static void deadline_event(struct sim *sim, void *payload)
{
    struct query *q = payload;
    struct db *db = q->job.db;
    (void)sim;
    struct delivery d = delivery_of(db, q);
    enum db_result result = DB_TIMEOUT;
    q->ev = 0;
    if (q->job.state == Q_POOL) {
        unwait(db, q);
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
    struct db *db = q->job.db;
    (void)sim;
    struct delivery d = delivery_of(db, q);
    q->ev = 0;
    db->refusing--;
    retire(db, q);
    d.done(d.owner, DB_REFUSED, d.response);
}

static void schedule_background(struct db *db)
{
    double gap = rng_exponential(db->bg_arrivals,
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
    q->job.work = dist_sample(&db->cfg.background_service, db->bg_work) *
              db->multiplier;
    if (!(q->job.work >= 0))
        q->job.work = 0;
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
    db->n_pools = config->pools;
    db->pools = calloc((size_t)db->n_pools, sizeof *db->pools);
    if (!db->pools) {
        free(db);
        return NULL;
    }
    for (long i = 0; i < db->n_pools; i++)
        db->pools[i].free = config->pool_size;
    db->ops = discipline_ops(config->discipline);
    db->seg_start = db->last = sim_now(sim);
    db->seg.response = hist_create();
    struct db_discipline_env env = {db, sim, &db->cfg.capacity, &db->seg};
    db->disc = db->seg.response ? db->ops->create(&env) : NULL;
    if (!db->disc) {
        db_destroy(db);
        return NULL;
    }
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
    if (db->disc)
        db->ops->destroy(db->disc);
    for (uint32_t c = 0; c < db->n_chunks; c++) {
        for (uint32_t i = 0; i < CHUNK_SIZE; i++) {
            sim_cancel(db->sim, db->chunks[c][i].ev);
            sim_cancel(db->sim, db->chunks[c][i].job.svc);
        }
        free(db->chunks[c]);
    }
    free(db->chunks);
    hist_destroy(db->seg.response);
    free(db->pools);
    free(db);
}

db_query_id db_submit(struct db *db, long pool, double work, db_done_fn done,
                      void *owner)
{
    struct query *q = take_record(db);
    if (!q) {
        sim_halt(db->sim);
        return 0;
    }
    double now = sim_now(db->sim);
    q->client = true;
    q->job.work = work >= 0 ? work * db->multiplier : 0;   /* NaN -> 0 too */
    q->submitted = now;
    q->done = done;
    q->owner = owner;
    q->pool = (uint32_t)pool;
    db->seg.submitted++;
    /* a free connection means nobody waits for one, but waiters whose
     * deadline is this instant (first_live_waiter) */
    struct pool *p = &db->pools[pool];
    if (p->free > 0) {
        take_connection(db, q);
        arm_deadline(db, q, now + db->cfg.timeout);
        enter_db(db, q);
    } else {
        q->job.state = Q_POOL;
        db_fifo_push(&p->wait, &q->job);
        if (++db->waiting > db->seg.pool_waiting_max)
            db->seg.pool_waiting_max = db->waiting;
        arm_deadline(db, q, pool_deadline(db, q));
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
    switch (q->job.state) {
    case Q_POOL:
        unwait(db, q);
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
    if (capacity_error(&capacity, db->ops))
        return false;
    db_account(db);
    db->cfg.capacity = capacity;
    db->ops->capacity_changed(db->disc);
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
    if (into->pool_peak && s->pool_peak)
        for (long i = 0; i < into->n_pools && i < s->n_pools; i++)
            if (s->pool_peak[i] > into->pool_peak[i])
                into->pool_peak[i] = s->pool_peak[i];
}

/* Each pool's peak of the segment into `into` (where it has room), and a
 * new segment's peak: what is in use now. */
static void collect_pool_peaks(struct db *db, struct db_stats *into)
{
    for (long i = 0; i < db->n_pools; i++) {
        struct pool *p = &db->pools[i];
        if (into->pool_peak && i < into->n_pools &&
            p->peak > into->pool_peak[i])
            into->pool_peak[i] = p->peak;
        p->peak = db->cfg.pool_size - p->free;
    }
}

void db_stats_collect(struct db *db, struct db_stats *into)
{
    db_account(db);
    double now = sim_now(db->sim);
    struct db_stats *s = &db->seg;
    s->span = now - db->seg_start;
    db_stats_add(into, s);
    collect_pool_peaks(db, into);
    struct hist *h = s->response;
    hist_reset(h);
    memset(s, 0, sizeof *s);
    s->response = h;
    /* a segment's maxima include the state it starts in */
    s->inflight_max = db->inflight;
    s->pool_waiting_max = db->waiting;
    db->seg_start = now;
}

long db_queries_held(const struct db *db)
{
    return db->waiting + db->inflight + db->refusing;
}

void db_set_limit(struct db *db, long max_queries)
{
    db->max_in_use = max_queries > 0 ? max_queries : 0;
}

bool db_over_limit(const struct db *db) { return db->over_limit; }

bool db_out_of_memory(const struct db *db) { return db->out_of_memory; }

void *db_discipline_state(const struct db *db) { return db->disc; }
