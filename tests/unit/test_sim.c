/*
 * test_sim.c — the event queue and run loop (sim/kernel/sim.c, heap.h).
 */
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

#include "../support.h"
#include "kernel/heap.h"
#include "kernel/sim.h"

/* Records the order and times of dispatched events. */
struct trace {
    int order[64];
    double at[64];
    int n;
};

struct mark {
    struct trace *trace;
    int id;
};

static void record_mark(struct sim *sim, void *p)
{
    struct mark *m = p;
    m->trace->order[m->trace->n] = m->id;
    m->trace->at[m->trace->n] = sim_now(sim);
    m->trace->n++;
}

/* Records each call of a ticker. */
struct ticks {
    double now[16];
    uint64_t events[16];
    int n;
};

static void record_tick(void *ctx, double now, uint64_t events)
{
    struct ticks *t = ctx;
    if (t->n < 16) {
        t->now[t->n] = now;
        t->events[t->n] = events;
    }
    t->n++;
}

/* Ten events at t = 1..10, one of them cancelled (it never counts): a
 * ticker every 3 events sees events 3, 6 and 9 (at t = 3, 7 and 10),
 * counted from when it was set; without one, the same run. */
START_TEST(ticker_sees_every_nth_event)
{
    for (int with = 0; with < 2; with++) {
        struct sim *sim = sim_create();
        struct trace tr = {0};
        struct mark marks[11];
        event_id ids[11];
        for (int i = 1; i <= 10; i++) {
            marks[i] = (struct mark){&tr, i};
            ids[i] = sim_schedule(sim, i, record_mark, &marks[i]);
        }
        sim_cancel(sim, ids[5]);
        struct ticks t = {0};
        if (with)
            sim_set_ticker(sim, 3, record_tick, &t);
        ck_assert_int_eq(sim_run(sim, 100), SIM_DRAINED);
        ck_assert_int_eq(tr.n, 9);
        ck_assert_int_eq(tr.order[4], 6);
        ck_assert_int_eq(t.n, with ? 3 : 0);
        if (with) {
            ck_assert_uint_eq(t.events[0], 3);
            ck_assert_uint_eq(t.events[2], 9);
            ck_assert_double_eq(t.now[0], 3);
            ck_assert_double_eq(t.now[1], 7);
            ck_assert_double_eq(t.now[2], 10);
        }
        sim_destroy(sim);
    }
    /* set after some events: counted from there; every 0 or no function:
     * off */
    struct sim *sim = sim_create();
    struct trace tr = {0};
    struct mark marks[6];
    for (int i = 0; i < 6; i++) {
        marks[i] = (struct mark){&tr, i};
        sim_schedule(sim, i + 1, record_mark, &marks[i]);
    }
    struct ticks t = {0};
    sim_run(sim, 2);   /* two events */
    sim_set_ticker(sim, 2, record_tick, &t);
    sim_run(sim, 100);
    ck_assert_int_eq(t.n, 2);
    ck_assert_uint_eq(t.events[0], 4);
    ck_assert_uint_eq(t.events[1], 6);
    sim_set_ticker(sim, 0, record_tick, &t);
    sim_schedule(sim, 200, record_mark, &marks[0]);
    sim_run(sim, 300);
    ck_assert_int_eq(t.n, 2);
    sim_destroy(sim);
}
END_TEST

START_TEST(events_run_in_time_order)
{
    struct sim *sim = sim_create();
    struct trace t = {0};
    double times[] = {5, 1, 4, 2, 3};
    struct mark marks[5];
    for (int i = 0; i < 5; i++) {
        marks[i] = (struct mark){&t, i};
        sim_schedule(sim, times[i], record_mark, &marks[i]);
    }
    ck_assert_int_eq(sim_run(sim, 10), SIM_DRAINED);
    ck_assert_int_eq(t.n, 5);
    int expected[] = {1, 3, 4, 2, 0};
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(t.order[i], expected[i]);
        ck_assert_double_eq(t.at[i], i + 1);
    }
    ck_assert_double_eq(sim_now(sim), 10);
    ck_assert_uint_eq(sim_events(sim), 5);
    sim_destroy(sim);
}
END_TEST

START_TEST(ties_break_first_scheduled_first)
{
    struct sim *sim = sim_create();
    struct trace t = {0};
    struct mark marks[20];
    for (int i = 0; i < 20; i++) {
        marks[i] = (struct mark){&t, i};
        sim_schedule(sim, i % 2 ? 1.0 : 2.0, record_mark, &marks[i]);
    }
    sim_run(sim, 10);
    /* odd ids at t=1 in scheduling order, then even ids at t=2 */
    for (int i = 0; i < 10; i++) {
        ck_assert_int_eq(t.order[i], 2 * i + 1);
        ck_assert_int_eq(t.order[10 + i], 2 * i);
    }
    sim_destroy(sim);
}
END_TEST

START_TEST(cancelled_events_do_not_run)
{
    struct sim *sim = sim_create();
    struct trace t = {0};
    struct mark marks[4];
    event_id ids[4];
    for (int i = 0; i < 4; i++) {
        marks[i] = (struct mark){&t, i};
        ids[i] = sim_schedule(sim, i + 1, record_mark, &marks[i]);
    }
    ck_assert(sim_cancel(sim, ids[1]));
    ck_assert(!sim_cancel(sim, ids[1]));   /* already cancelled */
    ck_assert(!sim_cancel(sim, 0));
    sim_run(sim, 10);
    ck_assert_int_eq(t.n, 3);
    ck_assert_int_eq(t.order[1], 2);
    ck_assert(!sim_cancel(sim, ids[3]));   /* it already ran */
    ck_assert_uint_eq(sim_events(sim), 3);
    /* the slot of a dispatched event is reused: its old id must not cancel
     * the new event */
    struct mark again = {&t, 9};
    sim_schedule(sim, 20, record_mark, &again);
    ck_assert(!sim_cancel(sim, ids[0]));
    sim_run(sim, 30);
    ck_assert_int_eq(t.order[3], 9);
    sim_destroy(sim);
}
END_TEST

/* Events cancelled long before their time are swept from the queue once
 * they are the majority, so a run whose every query arms a timeout an
 * hour ahead does not fill memory; what is left runs in the same order. */
struct sweep_check {
    event_id *ids;
    size_t n;
    double last;
    uint64_t last_seq;
    size_t ran;
    size_t pending_in_handler;
};

struct sweep_event {
    struct sweep_check *c;
    uint64_t seq;
};

static void ordered(struct sim *sim, void *p)
{
    struct sweep_event *e = p;
    struct sweep_check *c = e->c;
    ck_assert(sim_now(sim) > c->last ||
              (sim_now(sim) == c->last && e->seq > c->last_seq));
    c->last = sim_now(sim);
    c->last_seq = e->seq;
    c->ran++;
}

/* Cancels every event but one in ten, from inside a handler (its own node
 * is then still at the top of the heap). */
static void cancel_most(struct sim *sim, void *p)
{
    struct sweep_check *c = p;
    for (size_t i = 0; i < c->n; i++)
        if (i % 10 != 0)
            ck_assert(sim_cancel(sim, c->ids[i]));
    c->pending_in_handler = sim_pending(sim);
}

START_TEST(dead_events_are_swept)
{
    enum { N = 100000 };
    struct sim *sim = sim_create();
    struct sweep_event *ev = calloc(N, sizeof *ev);
    struct sweep_check c = {.ids = calloc(N, sizeof(event_id)), .n = N};
    for (size_t i = 0; i < N; i++) {
        ev[i] = (struct sweep_event){&c, i};
        /* many share a time: ties must still break by scheduling order */
        c.ids[i] = sim_schedule(sim, 3600 + (double)(i % 977), ordered,
                                &ev[i]);
    }
    sim_schedule(sim, 1, cancel_most, &c);
    sim_run(sim, 2);
    /* the 90,000 dead were swept as they became the majority: at most as
     * many dead as live remain (without sweeping: 100,001) */
    ck_assert_uint_le(c.pending_in_handler, 2 * (N / 10) + 1);
    ck_assert_uint_le(sim_pending(sim), 2 * (N / 10));
    ck_assert_uint_eq(sim_events(sim), 1);
    /* a cancelled id stays cancelled; a live one can still be cancelled */
    ck_assert(!sim_cancel(sim, c.ids[1]));
    ck_assert(sim_cancel(sim, c.ids[0]));
    sim_run(sim, 1e9);
    ck_assert_uint_eq(c.ran, N / 10 - 1);
    ck_assert_uint_eq(sim_events(sim), N / 10);
    /* every slot given back, the handler's that swept included */
    ck_assert_uint_eq(sim_slots_held(sim), 0);
    free(ev);
    free(c.ids);
    sim_destroy(sim);
}
END_TEST

START_TEST(run_stops_at_the_time_limit_and_resumes)
{
    struct sim *sim = sim_create();
    struct trace t = {0};
    struct mark a = {&t, 1}, b = {&t, 2};
    sim_schedule(sim, 1, record_mark, &a);
    sim_schedule(sim, 3, record_mark, &b);
    ck_assert_int_eq(sim_run(sim, 2), SIM_REACHED_END);
    ck_assert_int_eq(t.n, 1);
    ck_assert_double_eq(sim_now(sim), 2);
    ck_assert_int_eq(sim_run(sim, 5), SIM_DRAINED);
    ck_assert_int_eq(t.n, 2);
    sim_destroy(sim);
}
END_TEST

static void set_flag(struct sim *sim, void *p)
{
    (void)sim;
    *(volatile sig_atomic_t *)p = 1;
}

START_TEST(stop_flag_stops_between_events)
{
    struct sim *sim = sim_create();
    volatile sig_atomic_t flag = 0;
    struct trace t = {0};
    struct mark m = {&t, 1};
    sim_set_stop_flag(sim, &flag);
    sim_schedule(sim, 1, set_flag, (void *)&flag);
    sim_schedule(sim, 2, record_mark, &m);
    ck_assert_int_eq(sim_run(sim, 10), SIM_INTERRUPTED);
    ck_assert_int_eq(t.n, 0);
    ck_assert_double_eq(sim_now(sim), 1);
    sim_destroy(sim);
}
END_TEST

/* 10^6 random pushes and pops checked against a sorted reference: the
 * reference is a plain array kept sorted by (key, insertion order). */
struct ref_item {
    double key;
    uint64_t seq;
};

static int ref_cmp(const void *a, const void *b)
{
    const struct ref_item *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Inserts x into ref[0..n), kept in descending order so the minimum is
 * at the end. */
static void ref_insert(struct ref_item *ref, size_t n, struct ref_item x)
{
    size_t lo = 0, hi = n;   /* first index whose item is < x */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ref_cmp(&ref[mid], &x) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(&ref[lo + 1], &ref[lo], (n - lo) * sizeof *ref);
    ref[lo] = x;
}

START_TEST(heap_matches_a_sorted_reference)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 12345);
    struct heap h;
    ck_assert(heap_init(&h, 4));
    size_t cap = 4096, n = 0;
    struct ref_item *ref = malloc(cap * sizeof *ref);
    uint64_t seq = 0;
    for (int op = 0; op < 1000000; op++) {
        bool push = n == 0 || (n < cap && gsl_rng_uniform(r) < 0.52);
        if (push) {
            /* coarse keys so that ties are frequent */
            double key = (double)gsl_rng_uniform_int(r, 200);
            ck_assert(heap_push(&h, key, seq));
            ref_insert(ref, n++, (struct ref_item){key, seq++});
        } else {
            struct heap_node top = heap_pop(&h);
            struct ref_item expect = ref[--n];
            ck_assert_double_eq(top.key, expect.key);
            ck_assert_uint_eq(top.tie, expect.seq);
        }
        ck_assert_uint_eq(h.size, n);
    }
    while (n > 0) {
        struct heap_node top = heap_pop(&h);
        ck_assert_uint_eq(top.tie, ref[--n].seq);
    }
    ck_assert(heap_empty(&h));
    free(ref);
    heap_free(&h);
    gsl_rng_free(r);
}
END_TEST

/* The same through the event queue, with cancellations: every dispatched
 * event must be the earliest live one, with ties in scheduling order. */
struct random_ops {
    struct sim *sim;
    gsl_rng *r;
    double last_time;
    uint64_t last_seq;
    uint64_t dispatched, scheduled, cancelled;
    event_id recent[64];
    uint64_t recent_seq[64];
};

struct tagged {
    struct random_ops *ops;
    uint64_t seq;
};

static struct tagged tags[1100000];

static void random_event(struct sim *sim, void *p)
{
    struct tagged *t = p;
    struct random_ops *o = t->ops;
    double now = sim_now(sim);
    ck_assert(now >= o->last_time);
    if (now == o->last_time)
        ck_assert_uint_gt(t->seq, o->last_seq);
    o->last_time = now;
    o->last_seq = t->seq;
    o->dispatched++;
    int children = (int)gsl_rng_uniform_int(o->r, 3);
    for (int i = 0; i < children && o->scheduled < 1000000; i++) {
        struct tagged *c = &tags[o->scheduled];
        *c = (struct tagged){o, o->scheduled};
        double delay = (double)gsl_rng_uniform_int(o->r, 5);
        event_id id = sim_after(sim, delay, random_event, c);
        o->recent[o->scheduled % 64] = id;
        o->scheduled++;
    }
    if (gsl_rng_uniform(o->r) < 0.2) {
        event_id victim = o->recent[gsl_rng_uniform_int(o->r, 64)];
        if (sim_cancel(sim, victim))
            o->cancelled++;
    }
}

START_TEST(random_schedule_and_cancel)
{
    struct random_ops o = {0};
    o.sim = sim_create();
    o.r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(o.r, 99);
    o.last_time = -1;
    for (int i = 0; i < 1000; i++) {
        tags[i] = (struct tagged){&o, (uint64_t)i};
        o.recent[i % 64] = sim_schedule(o.sim, (double)(i % 7), random_event,
                                        &tags[i]);
    }
    o.scheduled = 1000;
    sim_run(o.sim, 1e18);
    /* the mix really exercised cancellation (about 900 with this seed) */
    ck_assert_uint_gt(o.cancelled, 500);
    ck_assert_uint_eq(o.dispatched + o.cancelled, o.scheduled);
    ck_assert_uint_eq(sim_events(o.sim), o.dispatched);
    gsl_rng_free(o.r);
    sim_destroy(o.sim);
}
END_TEST

/* sim_run(until) runs the events at exactly `until` too. */
START_TEST(events_at_the_limit_run)
{
    struct sim *sim = sim_create();
    struct trace t = {0};
    struct mark a = {&t, 1};
    sim_schedule(sim, 2, record_mark, &a);
    ck_assert_int_eq(sim_run(sim, 2), SIM_DRAINED);
    ck_assert_int_eq(t.n, 1);
    ck_assert_double_eq(sim_now(sim), 2);
    sim_destroy(sim);
}
END_TEST

/* Inside a handler, the event being dispatched is no longer pending. */
static void count_pending(struct sim *sim, void *p)
{
    *(size_t *)p = sim_pending(sim);
}

START_TEST(a_running_event_is_not_pending)
{
    struct sim *sim = sim_create();
    size_t seen = 99, later = 99;
    sim_schedule(sim, 1, count_pending, &seen);
    sim_schedule(sim, 2, count_pending, &later);
    sim_schedule(sim, 3, count_pending, &later);
    sim_run(sim, 1);
    ck_assert_uint_eq(seen, 2);
    ck_assert_uint_eq(sim_pending(sim), 2);
    sim_destroy(sim);
}
END_TEST

static void nothing(struct sim *sim, void *p)
{
    (void)sim;
    (void)p;
}

/* Dead events are swept when they are more than half the queue and at
 * least 4096 — counting only those still in it: 3000 cancelled events
 * that came up and were dropped no longer count, so 1500 more cancelled
 * in a queue of 7000 stay (4500 would have been swept). */
START_TEST(dropped_dead_events_no_longer_count)
{
    enum { N = 10000 };
    struct sim *sim = sim_create();
    event_id *ids = calloc(N, sizeof *ids);
    for (int i = 0; i < N; i++)
        ids[i] = sim_schedule(sim, 1 + i, nothing, NULL);
    for (int i = 0; i < 3000; i++)
        ck_assert(sim_cancel(sim, ids[i]));
    ck_assert_uint_eq(sim_pending(sim), N);
    sim_run(sim, 3000.5);
    ck_assert_uint_eq(sim_pending(sim), N - 3000);
    ck_assert_uint_eq(sim_events(sim), 0);
    for (int i = 5000; i < 6500; i++)
        ck_assert(sim_cancel(sim, ids[i]));
    ck_assert_uint_eq(sim_pending(sim), N - 3000);
    free(ids);
    sim_destroy(sim);
}
END_TEST

/* A sweep from inside a handler drops the handler's own node with the
 * dead ones. 8192 events, all cancelled by the handler: the sweep comes
 * at the 4097th cancel (4097 dead of 8193 nodes, the handler's counted),
 * leaving the 4095 not yet cancelled; the 4095 cancels after it are too
 * few for another. So 4095 are pending — 4096 had the handler's node
 * stayed. */
static void cancel_all(struct sim *sim, void *p)
{
    struct sweep_check *c = p;
    for (size_t i = 0; i < c->n; i++)
        ck_assert(sim_cancel(sim, c->ids[i]));
    c->pending_in_handler = sim_pending(sim);
}

START_TEST(a_sweep_in_a_handler_drops_its_own_node)
{
    enum { N = 8192 };
    struct sim *sim = sim_create();
    struct sweep_check c = {.ids = calloc(N, sizeof(event_id)), .n = N};
    for (size_t i = 0; i < N; i++)
        c.ids[i] = sim_schedule(sim, 100 + (double)i, nothing, NULL);
    sim_schedule(sim, 1, cancel_all, &c);
    sim_run(sim, 1e9);
    ck_assert_uint_eq(c.pending_in_handler, 4095);
    ck_assert_uint_eq(sim_pending(sim), 0);
    ck_assert_uint_eq(sim_slots_held(sim), 0);
    ck_assert_uint_eq(sim_events(sim), 1);
    free(c.ids);
    sim_destroy(sim);
}
END_TEST

/* A handler that cancels its own event: it is running, not pending, so
 * nothing is cancelled; the events after it still run. */
struct self {
    event_id id;
    bool schedule_first;   /* the next event takes the slot over first */
    bool cancelled;
};

static void cancel_self(struct sim *sim, void *p)
{
    struct self *s = p;
    if (s->schedule_first)
        sim_after(sim, 0.5, nothing, NULL);
    s->cancelled = sim_cancel(sim, s->id);
}

START_TEST(a_running_event_cannot_be_cancelled)
{
    struct sim *sim = sim_create();
    struct self s = {0};
    size_t later = 99;
    s.id = sim_schedule(sim, 1, cancel_self, &s);
    sim_schedule(sim, 2, count_pending, &later);
    ck_assert_int_eq(sim_run(sim, 10), SIM_DRAINED);
    ck_assert(!s.cancelled);
    ck_assert_uint_eq(sim_events(sim), 2);
    ck_assert_uint_eq(later, 0);
    ck_assert_uint_eq(sim_slots_held(sim), 0);
    sim_destroy(sim);
    /* the event it scheduled has its slot now: cancelling the running
     * one's id must not cancel that one */
    sim = sim_create();
    s = (struct self){.schedule_first = true};
    s.id = sim_schedule(sim, 1, cancel_self, &s);
    ck_assert_int_eq(sim_run(sim, 10), SIM_DRAINED);
    ck_assert(!s.cancelled);
    ck_assert_uint_eq(sim_events(sim), 2);
    ck_assert_uint_eq(sim_slots_held(sim), 0);
    sim_destroy(sim);
}
END_TEST

/* Every event gives its slot back, whether its handler schedules another
 * (the slot passes to it), schedules none, or it was cancelled and is
 * dropped: after a run, the slots held are the events pending. */
static void schedule_one(struct sim *sim, void *p)
{
    (void)p;
    sim_after(sim, 1, nothing, NULL);
}

START_TEST(slots_are_given_back)
{
    struct sim *sim = sim_create();
    event_id dead = 0;
    for (int i = 0; i < 100; i++) {
        sim_schedule(sim, i, i % 2 ? schedule_one : nothing, NULL);
        if (i % 10 == 0)
            dead = sim_schedule(sim, i + 0.5, nothing, NULL);
        if (i % 10 == 0)
            ck_assert(sim_cancel(sim, dead));
    }
    ck_assert_uint_eq(sim_slots_held(sim), sim_pending(sim));
    sim_run(sim, 50.25);
    ck_assert_uint_gt(sim_pending(sim), 0);
    ck_assert_uint_eq(sim_slots_held(sim), sim_pending(sim));
    sim_run(sim, 1e9);
    ck_assert_uint_eq(sim_pending(sim), 0);
    ck_assert_uint_eq(sim_slots_held(sim), 0);
    ck_assert_uint_eq(sim_events(sim), 150);
    sim_destroy(sim);
}
END_TEST

/* The source runs in (time, sequence) order with the queue's events, as
 * if it were one of them: ties at one time break by when each was set or
 * scheduled, whichever holds it. A source that sets itself again from its
 * handler recurs; setting it replaces the one pending; clearing drops it;
 * it counts as pending; a run stops before it past the limit and resumes
 * with it. */
struct recurring {
    struct trace *trace;
    int left;
};

static void recur(struct sim *sim, void *p)
{
    struct recurring *r = p;
    struct mark m = {r->trace, 100 + r->left};
    record_mark(sim, &m);
    if (--r->left > 0)
        sim_source_set(sim, sim_now(sim) + 1, recur, r);
}

START_TEST(the_source_runs_in_order_with_the_queue)
{
    struct sim *sim = sim_create();
    struct trace t = {0};
    struct mark a = {&t, 1}, b = {&t, 2}, c = {&t, 3};
    struct recurring r = {&t, 3};
    sim_schedule(sim, 2, record_mark, &a);       /* before the source's */
    sim_source_set(sim, 2, recur, &r);           /* 2, 3, 4 */
    sim_schedule(sim, 2, record_mark, &b);       /* after it at t = 2 */
    sim_schedule(sim, 3.5, record_mark, &c);
    ck_assert_uint_eq(sim_pending(sim), 4);
    ck_assert_int_eq(sim_run(sim, 3.7), SIM_REACHED_END);
    ck_assert_double_eq(sim_now(sim), 3.7);
    ck_assert_uint_eq(sim_pending(sim), 1);      /* the source, at 4 */
    ck_assert_int_eq(sim_run(sim, 10), SIM_DRAINED);
    int order[] = {1, 103, 2, 102, 3, 101};
    double at[] = {2, 2, 2, 3, 3.5, 4};
    ck_assert_int_eq(t.n, 6);
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(t.order[i], order[i]);
        ck_assert_double_eq(t.at[i], at[i]);
    }
    ck_assert_uint_eq(sim_events(sim), 6);
    /* set twice: the second replaces the first; cleared: nothing runs */
    struct recurring once = {&t, 1};
    sim_source_set(sim, 11, recur, &once);
    sim_source_set(sim, 12, recur, &once);
    ck_assert_uint_eq(sim_pending(sim), 1);
    sim_run(sim, 20);
    ck_assert_int_eq(t.n, 7);
    ck_assert_double_eq(t.at[6], 12);
    once.left = 1;
    sim_source_set(sim, 21, recur, &once);
    sim_source_clear(sim);
    ck_assert_uint_eq(sim_pending(sim), 0);
    ck_assert_int_eq(sim_run(sim, 30), SIM_DRAINED);
    ck_assert_int_eq(t.n, 7);
    /* at the limit itself it runs, as a queued event would */
    once.left = 1;
    sim_source_set(sim, 40, recur, &once);
    ck_assert_int_eq(sim_run(sim, 40), SIM_DRAINED);
    ck_assert_int_eq(t.n, 8);
    sim_destroy(sim);
}
END_TEST

/* A stop flag set by the source's handler stops the run before the next
 * event; a halt from it ends the run after it. */
static void halt_now(struct sim *sim, void *p)
{
    (void)p;
    sim_halt(sim);
}

START_TEST(the_source_obeys_a_halt_and_the_stop_flag)
{
    struct sim *sim = sim_create();
    volatile sig_atomic_t flag = 0;
    struct trace t = {0};
    struct mark m = {&t, 1};
    sim_set_stop_flag(sim, &flag);
    sim_source_set(sim, 1, set_flag, (void *)&flag);
    sim_schedule(sim, 2, record_mark, &m);
    ck_assert_int_eq(sim_run(sim, 10), SIM_INTERRUPTED);
    ck_assert_int_eq(t.n, 0);
    ck_assert_double_eq(sim_now(sim), 1);
    sim_destroy(sim);
    sim = sim_create();
    sim_source_set(sim, 1, halt_now, NULL);
    sim_schedule(sim, 2, record_mark, &m);
    ck_assert_int_eq(sim_run(sim, 10), SIM_HALTED);
    ck_assert_int_eq(t.n, 0);
    ck_assert_uint_eq(sim_events(sim), 1);
    sim_destroy(sim);
}
END_TEST

/* heap_build orders any array: here one in decreasing order, of a size
 * whose last parent has a single child. */
START_TEST(heap_build_orders_any_array)
{
    for (size_t n = 2; n <= 60; n++) {
        struct heap h;
        ck_assert(heap_init(&h, 64));
        for (size_t i = 0; i < n; i++)
            h.nodes[i] = (struct heap_node){i, (double)(n - i)};
        h.size = n;
        heap_build(&h);
        for (size_t i = 1; i <= n; i++)
            ck_assert_double_eq(heap_pop(&h).key, (double)i);
        heap_free(&h);
    }
}
END_TEST

TEST_SUITE(sim_suite)
{
    Suite *s = suite_create("sim");
    TCase *tc = tcase_create("event queue");
    tcase_add_test(tc, events_run_in_time_order);
    tcase_add_test(tc, ties_break_first_scheduled_first);
    tcase_add_test(tc, cancelled_events_do_not_run);
    tcase_add_test(tc, dead_events_are_swept);
    tcase_add_test(tc, run_stops_at_the_time_limit_and_resumes);
    tcase_add_test(tc, stop_flag_stops_between_events);
    tcase_add_test(tc, heap_matches_a_sorted_reference);
    tcase_add_test(tc, random_schedule_and_cancel);
    tcase_add_test(tc, events_at_the_limit_run);
    tcase_add_test(tc, a_running_event_is_not_pending);
    tcase_add_test(tc, a_running_event_cannot_be_cancelled);
    tcase_add_test(tc, a_sweep_in_a_handler_drops_its_own_node);
    tcase_add_test(tc, slots_are_given_back);
    tcase_add_test(tc, the_source_runs_in_order_with_the_queue);
    tcase_add_test(tc, the_source_obeys_a_halt_and_the_stop_flag);
    tcase_add_test(tc, dropped_dead_events_no_longer_count);
    tcase_add_test(tc, heap_build_orders_any_array);
    tcase_add_test(tc, ticker_sees_every_nth_event);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
