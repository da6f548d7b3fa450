/*
 * flights.c — see flights.h.
 */
#include "flights.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- metrics ---- */

static const struct policy_metric COALESCE_LIST[FLIGHTS_N_METRICS] = {
    [FLIGHTS_COALESCED] = {"coalesced", FOLD_SUM, 0, 0, "requests",
                           "coalesced waits",
                           "requests that found the value missing while "
                           "their instance was already recomputing it, and "
                           "waited for that recompute instead of querying",
                           NULL},
    [FLIGHTS_COALESCED_FAILED] = {"coalesced_failed", FOLD_SUM, 0, 0,
                                  "requests", "coalesced waits failed",
                                  "of those, the ones handed the recompute's "
                                  "error", NULL},
    [FLIGHTS_WAIT_TOTAL] = {"coalesced_wait_total_s", FOLD_SUM, 0, 0, "s",
                            "coalesced waiting, total (s)",
                            "sum of the coalesced waits", NULL},
    [FLIGHTS_MEAN_WAIT] = {"coalesced_mean_wait_s", FOLD_RATIO,
                           FLIGHTS_WAIT_TOTAL, FLIGHTS_COALESCED, "s",
                           "mean coalesced wait (s)",
                           "coalesced_wait_total_s / coalesced", NULL},
    [FLIGHTS_MAX_WAIT] = {"coalesced_max_wait_s", FOLD_MAX, 0, 0, "s",
                          "longest coalesced wait (s)",
                          "the longest coalesced wait", NULL},
};

const struct policy_metric_table FLIGHTS_METRICS = {COALESCE_LIST,
                                                   FLIGHTS_N_METRICS};

/* ---- the table of flights ---- */

enum role { NONE, LEADER, WAITER, REFRESHER };

/* What (instance, key) has under way. */
struct slot {
    uint64_t id;                    /* instance * keys + key + 1; 0: empty */
    bool flying;                    /* a leader's recompute */
    bool refreshing;                /* a background refresh */
    struct flights_request *head, *tail;   /* the flight's waiters */
};

struct flights {
    long keys;
    struct slot *slots;
    size_t cap;                     /* a power of 2 */
    size_t used;
    double m[FLIGHTS_N_METRICS];
};

#define INITIAL_CAP 16

struct flights *flights_create(struct world *w)
{
    struct flights *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->keys = world_keys(w);
    f->cap = INITIAL_CAP;
    f->slots = calloc(f->cap, sizeof *f->slots);
    if (!f->slots) {
        free(f);
        return NULL;
    }
    return f;
}

void flights_destroy(struct flights *f)
{
    if (!f)
        return;
    free(f->slots);
    free(f);
}

void flights_collect(struct flights *f, double *acc)
{
    policy_metrics_add(&FLIGHTS_METRICS, acc, f->m);
    memset(f->m, 0, sizeof f->m);
}

static uint64_t id_of(const struct flights *f, const struct request *r)
{
    return (uint64_t)req_instance(r) * (uint64_t)f->keys +
           (uint64_t)req_key(r) + 1;
}

/* A 64-bit mix (splitmix64's finaliser): consecutive ids spread out. */
static size_t home(const struct flights *f, uint64_t id)
{
    id ^= id >> 30;
    id *= UINT64_C(0xbf58476d1ce4e5b9);
    id ^= id >> 27;
    id *= UINT64_C(0x94d049bb133111eb);
    id ^= id >> 31;
    return (size_t)id & (f->cap - 1);
}

/* The slot of id, or the empty one where it would go. O(1) expected. */
static struct slot *find(const struct flights *f, uint64_t id)
{
    size_t i = home(f, id);
    while (f->slots[i].id != 0 && f->slots[i].id != id)
        i = (i + 1) & (f->cap - 1);
    return &f->slots[i];
}

/* Doubles the table; false (nothing changed) if memory runs out. */
static bool grow(struct flights *f)
{
    struct slot *old = f->slots;
    size_t old_cap = f->cap;
    struct slot *slots = calloc(2 * old_cap, sizeof *slots);
    if (!slots)
        return false;
    f->slots = slots;
    f->cap = 2 * old_cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].id != 0)
            *find(f, old[i].id) = old[i];
    free(old);
    return true;
}

/* The slot of r's instance and key, made if none is (NULL if memory
 * runs out). */
static struct slot *slot_of(struct flights *f, const struct request *r)
{
    uint64_t id = id_of(f, r);
    struct slot *s = find(f, id);
    if (s->id == id)
        return s;
    if (2 * (f->used + 1) > f->cap) {
        if (!grow(f))
            return NULL;
        s = find(f, id);
    }
    *s = (struct slot){.id = id};
    f->used++;
    return s;
}

/* Empties s once nothing is under way: the entries after it in its
 * probe run move back (backward-shift deletion keeps every entry
 * reachable from its home without tombstones). */
static void release(struct flights *f, struct slot *s)
{
    if (s->flying || s->refreshing)
        return;
    size_t hole = (size_t)(s - f->slots);
    size_t i = hole;
    f->used--;
    for (;;) {
        i = (i + 1) & (f->cap - 1);
        if (f->slots[i].id == 0)
            break;
        size_t h = home(f, f->slots[i].id);
        /* movable unless its home lies cyclically in (hole, i] */
        bool stays = hole <= i ? (hole < h && h <= i) : (hole < h || h <= i);
        if (stays)
            continue;
        f->slots[hole] = f->slots[i];
        hole = i;
    }
    f->slots[hole] = (struct slot){0};
}

/* ---- coalescing ---- */

bool flights_join(struct flights *f, struct flights_request *q,
                  struct request *r)
{
    struct slot *s = slot_of(f, r);
    q->r = r;
    if (!s || !s->flying) {
        /* out of memory: it queries on its own, as without coalescing */
        if (s)
            s->flying = true;
        q->role = s ? LEADER : NONE;
        return true;
    }
    q->role = WAITER;
    q->since = req_now(r);
    q->next = NULL;
    if (s->tail)
        s->tail->next = q;
    else
        s->head = q;
    s->tail = q;
    f->m[FLIGHTS_COALESCED]++;
    req_wait(r);
    return false;
}

bool flights_leads(const struct flights_request *q) { return q->role == LEADER; }

bool flights_waits(const struct flights_request *q) { return q->role == WAITER; }

void flights_land(struct flights *f, struct flights_request *q,
                  struct request *r, enum recompute_result result)
{
    /* a leader wakes its waiters; a request that queried on its own (no
     * memory for a flight) has none */
    if (q->role == LEADER) {
        q->role = NONE;
        struct slot *s = find(f, id_of(f, r));
        for (struct flights_request *w = s->head; w; w = w->next) {
            w->result = (unsigned char)result;
            req_wake(w->r);
        }
        s->head = s->tail = NULL;
        s->flying = false;
        release(f, s);
    }
    if (result == RECOMPUTE_OK)
        req_reply(r, OUTCOME_COMPUTED);
    else
        req_fail(r, recompute_error(result), true);
}

void flights_on_wake(struct flights *f, struct flights_request *q,
                     struct request *r)
{
    double wait = req_now(r) - q->since;
    q->role = NONE;
    f->m[FLIGHTS_WAIT_TOTAL] += wait;
    if (wait > f->m[FLIGHTS_MAX_WAIT])
        f->m[FLIGHTS_MAX_WAIT] = wait;
    enum recompute_result result = (enum recompute_result)q->result;
    if (result == RECOMPUTE_OK) {
        req_reply(r, OUTCOME_WAITED);
        return;
    }
    f->m[FLIGHTS_COALESCED_FAILED]++;
    req_fail(r, recompute_error(result), true);
}

/* ---- background refreshes ---- */

bool flights_refresh(struct flights *f, struct flights_request *q,
                     struct request *r)
{
    struct slot *s = slot_of(f, r);
    if (!s || s->refreshing)
        return false;
    s->refreshing = true;
    q->role = REFRESHER;
    q->r = r;
    return true;
}

bool flights_refreshes(const struct flights_request *q)
{
    return q->role == REFRESHER;
}

void flights_refreshed(struct flights *f, struct flights_request *q,
                       struct request *r)
{
    if (q->role != REFRESHER)
        return;
    q->role = NONE;
    struct slot *s = find(f, id_of(f, r));
    s->refreshing = false;
    release(f, s);
}
