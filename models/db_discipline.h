/*
 * db_discipline.h — how the database (database.c) and its two scheduling
 * disciplines, processor sharing (db_ps.c) and servers with a FIFO
 * (db_fcfs.c), talk to each other. Nothing else includes it.
 *
 * database.c owns what both share: query records, the client's pool,
 * admission and max_connections, timeouts and cancel, background traffic
 * and the stats segment. A discipline owns only what happens to a query
 * between admission and the end of its execution, and the integrals that
 * depend on it (utilisation, work done, wasted work). database.c reaches
 * it through one ops table; it calls back through the db_* services
 * below. Neither side re-enters the other's callers: a discipline
 * delivers results only from its own event handlers, through db_depart.
 */
#ifndef STAMPEDE_DB_DISCIPLINE_H
#define STAMPEDE_DB_DISCIPLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/sim.h"

struct db;
struct db_capacity;
struct db_stats;

enum query_state {
    Q_FREE,      /* on the free list */
    Q_POOL,      /* waiting for a pool connection */
    Q_QUEUED,    /* fcfs: at the database, waiting for a server */
    Q_SERVICE,   /* at the database, executing */
    Q_REFUSING,  /* refused; the zero-delay result event is pending */
    Q_ZOMBIE,    /* ps: removed early, its heap node not yet dropped */
};

/* One query (client or background) as its discipline sees it: the work
 * to execute. It is part of a record of database.c's, which never moves
 * (event payloads point at it) and is reused through the free list; the
 * client's side of the query (callback, deadline, id) stays there. */
struct db_job {
    struct db_job *prev, *next; /* pool or fcfs FIFO; next: free list */
    struct db *db;
    double work;           /* seconds on an idle database, scaled */
    double start;          /* ps: V at admission; fcfs: service start time */
    event_id svc;          /* fcfs: end of service (db_destroy cancels it) */
    uint32_t index;        /* the record's, for db_record */
    uint8_t state;         /* enum query_state */
    bool abandoned;        /* timed out or cancelled, still at the db */
};

/* A FIFO of jobs linked through prev/next: O(1) push, pop and unlink. */
struct db_fifo {
    struct db_job *head, *tail;
    long len;
};

void db_fifo_push(struct db_fifo *f, struct db_job *job);
void db_fifo_unlink(struct db_fifo *f, struct db_job *job);
/* NULL when empty. */
struct db_job *db_fifo_pop(struct db_fifo *f);

/* What a discipline is given when it is created; every pointer outlives
 * the discipline's state. */
struct db_discipline_env {
    struct db *db;                       /* for the services below */
    struct sim *sim;
    const struct db_capacity *capacity;  /* the current one: db_set_capacity
                                            changes it, then calls
                                            capacity_changed */
    struct db_stats *seg;                /* the current stats segment; the
                                            discipline feeds util_area,
                                            work_done and wasted_work */
};

/*
 * A discipline. `state` is what create returned. Every call that changes
 * what is executing comes after db_account, so the integrals up to now
 * were taken with the old state.
 */
struct db_discipline_ops {
    /* Why this discipline takes no USL curve (a config error message);
     * NULL if it does. */
    const char *usl_refusal;

    /* Per-database state; NULL if memory runs out. */
    void *(*create)(const struct db_discipline_env *env);
    /* Cancels the discipline's own pending events (not the records'). */
    void (*destroy)(void *state);
    /* Records now number `records`: make sure admitting every one of them
     * cannot fail. False if memory runs out. */
    bool (*reserve)(void *state, size_t records);

    /* q (state unset) enters the database: it executes or waits. */
    void (*admit)(void *state, struct db_job *q);
    /* q, executing, was just marked abandoned and goes on executing: its
     * work from now on is wasted. */
    void (*abandon)(void *state, struct db_job *q);
    /* Takes q (executing or waiting) out of the database before its end;
     * its record goes back to the free list, now or once the discipline
     * no longer refers to it. */
    void (*remove)(void *state, struct db_job *q);
    /* Work-seconds q has executed so far (q executing, integrals taken up
     * to now). */
    double (*progress)(const void *state, const struct db_job *q);

    /* Adds dt seconds of the current state to the segment's utilisation
     * and work integrals. */
    void (*accrue)(void *state, double dt);
    /* *env->capacity has just changed. */
    void (*capacity_changed)(void *state);
};

extern const struct db_discipline_ops db_ps_ops;
extern const struct db_discipline_ops db_fcfs_ops;

/* ---- what database.c offers its discipline ---- */

/* Integrates everything that depends on the state from the last change
 * to now; call before changing what executes. */
void db_account(struct db *db);
/* q finished executing and the discipline no longer refers to it: it
 * leaves the database and its result (if anyone waits) is delivered. Call
 * last, with the discipline's state settled: the owner's callback may
 * submit or cancel. */
void db_depart(struct db *db, struct db_job *q);
/* The record with this index (an index the database gave out). */
struct db_job *db_record(const struct db *db, uint32_t index);
/* Back to the free list. */
void db_record_free(struct db *db, struct db_job *q);
/* What the discipline's create returned (for handlers that start from a
 * record). */
void *db_discipline_state(const struct db *db);

#endif
