/*
 * queues.c — which event queue the kernel keeps: four priority queues
 * measured on the classic hold model (docs/performance.md).
 *
 *   build/queues [SECONDS]
 *
 * The hold model keeps n events pending: each step removes the earliest
 * (time t) and inserts one at t + Exp(1), so the queue size stays n. It
 * is run at n = 10, 10^3 and 10^5 for SECONDS of CPU time each (default
 * 1), for:
 *
 *   binary heap    the kernel's (kernel/heap.h): one sift per step
 *                  (heap_replace_top, as sim_run does for a handler that
 *                  schedules);
 *   4-ary heap     the same nodes and comparison, four children a node
 *                  sharing a cache line, the smallest found by a
 *                  tournament of three branch-free comparisons (the
 *                  kernel's heap until this measurement);
 *   pairing heap   Fredman, Sedgewick, Sleator and Tarjan (1986): O(1)
 *                  insert, two-pass delete-min, nodes from a pool;
 *   calendar queue Brown (1988): buckets of one "day" each, sorted lists,
 *                  resized (and the day re-estimated) as the size halves
 *                  or doubles: O(1) expected per step on this model.
 *
 * Twice: with Exp(1) increments (the classic model, a calendar queue's
 * best case), and with the simulator's mix, where one event in ten is a
 * timeout or a window boundary set 2000 times further ahead than the
 * round trips and queries that make up the rest (a 1 s client timeout
 * against 500 us cache round trips).
 *
 * Every queue orders by (time, sequence number), as the kernel must for
 * deterministic ties, and draws the same increments (a table of draws
 * made once, so the generator's cost is not in the figures). Each
 * run's sum of the popped times is printed: equal sums show the queues
 * popped the same events in the same order.
 *
 * Prints, per model and size, each queue's million hold steps per CPU
 * second.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/heap.h"
#include "kernel/rng.h"
#include "kernel/wallclock.h"

#define N_INCREMENTS 65536   /* a power of two */
#define CHUNK 4096           /* hold steps between two looks at the clock */
#define FAR_EVERY 10         /* the mix: one increment in ten is far */
#define FAR_SCALE 2000.0     /* and that many times the mean further */

static double increments[N_INCREMENTS];

static void die(const char *what)
{
    fprintf(stderr, "queues: %s\n", what);
    exit(1);
}

/* ---- the interface each queue offers the hold loop ---- */

struct queue_ops {
    const char *name;
    void *(*create)(size_t n);
    void (*push)(void *q, double t, uint64_t seq);
    /* removes the earliest and inserts (t', seq'); returns the removed
     * time (the push-after-pop of one hold step) */
    double (*hold)(void *q, double dt, uint64_t seq);
    void (*destroy)(void *q);
};

/* ---- binary heap: the kernel's ---- */

static void *binary_create(size_t n)
{
    struct heap *h = malloc(sizeof *h);
    if (!h || !heap_init(h, n))
        die("out of memory");
    return h;
}

static void binary_push(void *q, double t, uint64_t seq)
{
    if (!heap_push(q, t, seq))
        die("out of memory");
}

static double binary_hold(void *q, double dt, uint64_t seq)
{
    struct heap *h = q;
    double t = heap_top(h)->key;
    heap_replace_top(h, t + dt, seq);
    return t;
}

static void binary_destroy(void *q)
{
    heap_free(q);
    free(q);
}

/* ---- 4-ary heap ---- */

/* The array is 64-byte aligned and offset by three nodes, so that the
 * four children of a node (4i+1 .. 4i+4) share one cache line. */
struct quad {
    struct heap_node *a;
    void *block;
    size_t size;
};

static void *quad_create(size_t n)
{
    struct quad *h = calloc(1, sizeof *h);
    size_t bytes = ((n + 3) * sizeof(struct heap_node) + 63) / 64 * 64;
    if (!h || !(h->block = aligned_alloc(64, bytes)))
        die("out of memory");
    h->a = (struct heap_node *)h->block + 3;
    return h;
}

static void quad_push(void *q, double t, uint64_t seq)
{
    struct quad *h = q;
    struct heap_node n = {seq, t};
    size_t i = h->size++;
    while (i > 0 && heap_node_less(&n, &h->a[(i - 1) / 4])) {
        h->a[i] = h->a[(i - 1) / 4];
        i = (i - 1) / 4;
    }
    h->a[i] = n;
}

/* The smallest of the children from first: a tournament of three
 * comparisons, which the compiler turns into conditional moves. */
static size_t quad_min_child(const struct heap_node *a, size_t first,
                             size_t size)
{
    if (first + 3 < size) {
        size_t b01 = heap_node_less(&a[first + 1], &a[first]) ? first + 1
                                                               : first;
        size_t b23 = heap_node_less(&a[first + 3], &a[first + 2]) ? first + 3
                                                                   : first + 2;
        return heap_node_less(&a[b23], &a[b01]) ? b23 : b01;
    }
    size_t best = first;
    for (size_t c = first + 1; c < size; c++)
        if (heap_node_less(&a[c], &a[best]))
            best = c;
    return best;
}

static double quad_hold(void *q, double dt, uint64_t seq)
{
    struct quad *h = q;
    double t = h->a[0].key;
    struct heap_node n = {seq, t + dt};
    size_t i = 0;
    for (;;) {
        size_t first = 4 * i + 1;
        if (first >= h->size)
            break;
        size_t grand = 4 * first + 1;
        if (grand < h->size)
            for (size_t g = 0; g < 16; g += 4)
                __builtin_prefetch(&h->a[grand + g]);
        size_t best = quad_min_child(h->a, first, h->size);
        if (!heap_node_less(&h->a[best], &n))
            break;
        h->a[i] = h->a[best];
        i = best;
    }
    h->a[i] = n;
    return t;
}

static void quad_destroy(void *q)
{
    struct quad *h = q;
    free(h->block);
    free(h);
}

/* ---- pairing heap ---- */

struct pnode {
    struct heap_node n;
    struct pnode *child, *sibling;
};

struct pairing {
    struct pnode *root, *pool, *free;
    struct pnode **pairs;   /* delete-min's scratch: the first pass */
};

static struct pnode *meld(struct pnode *a, struct pnode *b)
{
    if (heap_node_less(&b->n, &a->n)) {
        struct pnode *t = a;
        a = b;
        b = t;
    }
    b->sibling = a->child;
    a->child = b;
    return a;
}

static void *pairing_create(size_t n)
{
    struct pairing *p = calloc(1, sizeof *p);
    if (!p || !(p->pool = malloc(n * sizeof *p->pool)) ||
        !(p->pairs = malloc(n * sizeof *p->pairs)))
        die("out of memory");
    for (size_t i = 0; i < n; i++) {
        p->pool[i].sibling = p->free;
        p->free = &p->pool[i];
    }
    return p;
}

static void pairing_insert(struct pairing *p, struct pnode *x, double t,
                           uint64_t seq)
{
    *x = (struct pnode){{seq, t}, NULL, NULL};
    p->root = p->root ? meld(p->root, x) : x;
}

static void pairing_push(void *q, double t, uint64_t seq)
{
    struct pairing *p = q;
    struct pnode *x = p->free;
    p->free = x->sibling;
    pairing_insert(p, x, t, seq);
}

/* Two passes over the root's children: meld them in pairs left to right,
 * then the pairs right to left. */
static struct pnode *merge_children(struct pairing *p, struct pnode *c)
{
    size_t n = 0;
    while (c) {
        struct pnode *a = c, *b = c->sibling;
        if (!b) {
            a->sibling = NULL;
            p->pairs[n++] = a;
            break;
        }
        c = b->sibling;
        a->sibling = b->sibling = NULL;
        p->pairs[n++] = meld(a, b);
    }
    if (n == 0)
        return NULL;
    struct pnode *r = p->pairs[--n];
    while (n > 0)
        r = meld(p->pairs[--n], r);
    return r;
}

static double pairing_hold(void *q, double dt, uint64_t seq)
{
    struct pairing *p = q;
    struct pnode *top = p->root;
    double t = top->n.key;
    p->root = merge_children(p, top->child);
    pairing_insert(p, top, t + dt, seq);
    return t;
}

static void pairing_destroy(void *q)
{
    struct pairing *p = q;
    free(p->pool);
    free(p->pairs);
    free(p);
}

/* ---- calendar queue ---- */

struct cnode {
    struct heap_node n;
    struct cnode *next;
};

/* Buckets are "days" of width `width` of a "year" of n_buckets days; an
 * event at t lives in bucket floor(t / width) mod n_buckets, in a list
 * sorted by (time, seq). Dequeue scans from the current day for an event
 * of this year; after a year without one, it takes the earliest directly. */
struct calendar {
    struct cnode **buckets;
    size_t n_buckets;       /* a power of two */
    double width;
    size_t size;
    size_t day;             /* the bucket being served */
    double day_end;         /* the end of that day's slot this year */
    struct cnode *pool, *free;
};

static size_t bucket_of(const struct calendar *c, double t)
{
    return (size_t)(uint64_t)(t / c->width) & (c->n_buckets - 1);
}

static void calendar_place(struct calendar *c, struct cnode *x)
{
    struct cnode **at = &c->buckets[bucket_of(c, x->n.key)];
    while (*at && heap_node_less(&(*at)->n, &x->n))
        at = &(*at)->next;
    x->next = *at;
    *at = x;
}

/* Serves the day holding t: the next dequeue starts there. */
static void calendar_start_at(struct calendar *c, double t)
{
    double day_index = floor(t / c->width);
    c->day = (size_t)(uint64_t)day_index & (c->n_buckets - 1);
    c->day_end = (day_index + 1) * c->width;
}

static struct cnode *calendar_earliest(struct calendar *c)
{
    struct cnode *best = NULL;
    for (size_t i = 0; i < c->n_buckets; i++)
        if (c->buckets[i] && (!best || heap_node_less(&c->buckets[i]->n,
                                                      &best->n)))
            best = c->buckets[i];
    return best;
}

static struct cnode *calendar_pop(struct calendar *c)
{
    for (size_t scanned = 0; scanned < c->n_buckets; scanned++) {
        struct cnode *x = c->buckets[c->day];
        if (x && x->n.key < c->day_end) {
            c->buckets[c->day] = x->next;
            c->size--;
            return x;
        }
        c->day = (c->day + 1) & (c->n_buckets - 1);
        c->day_end += c->width;
    }
    /* a year without an event: jump straight to the earliest */
    struct cnode *x = calendar_earliest(c);
    calendar_start_at(c, x->n.key);
    c->buckets[c->day] = x->next;
    c->size--;
    return x;
}

/* The day's width: three times the mean gap between the next few events
 * (Brown's estimate), found by popping them and putting them back. */
static double estimate_width(struct calendar *c)
{
    enum { SAMPLE = 25 };
    struct cnode *taken[SAMPLE];
    size_t n = c->size < SAMPLE ? c->size : SAMPLE;
    for (size_t i = 0; i < n; i++)
        taken[i] = calendar_pop(c);
    double width = c->width;
    if (n > 1 && taken[n - 1]->n.key > taken[0]->n.key)
        width = 3 * (taken[n - 1]->n.key - taken[0]->n.key) / (double)(n - 1);
    for (size_t i = 0; i < n; i++) {
        calendar_place(c, taken[i]);
        c->size++;
    }
    if (n > 0)
        calendar_start_at(c, taken[0]->n.key);
    return width;
}

static void calendar_resize(struct calendar *c, size_t n_buckets)
{
    double width = estimate_width(c);
    struct cnode *all = NULL;
    for (size_t i = 0; i < c->n_buckets; i++)
        while (c->buckets[i]) {
            struct cnode *x = c->buckets[i];
            c->buckets[i] = x->next;
            x->next = all;
            all = x;
        }
    free(c->buckets);
    c->buckets = calloc(n_buckets, sizeof *c->buckets);
    if (!c->buckets)
        die("out of memory");
    c->n_buckets = n_buckets;
    c->width = width;
    double first = INFINITY;
    while (all) {
        struct cnode *x = all;
        all = x->next;
        first = fmin(first, x->n.key);
        calendar_place(c, x);
    }
    calendar_start_at(c, isfinite(first) ? first : 0);
}

static void *calendar_create(size_t n)
{
    struct calendar *c = calloc(1, sizeof *c);
    if (!c || !(c->pool = malloc(n * sizeof *c->pool)) ||
        !(c->buckets = calloc(2, sizeof *c->buckets)))
        die("out of memory");
    c->n_buckets = 2;
    c->width = 1;
    calendar_start_at(c, 0);
    for (size_t i = 0; i < n; i++) {
        c->pool[i].next = c->free;
        c->free = &c->pool[i];
    }
    return c;
}

static void calendar_enqueue(struct calendar *c, struct cnode *x, double t,
                             uint64_t seq)
{
    x->n = (struct heap_node){seq, t};
    calendar_place(c, x);
    c->size++;
    if (t < c->day_end - c->width)   /* earlier than the day served */
        calendar_start_at(c, t);
}

static void calendar_push(void *q, double t, uint64_t seq)
{
    struct calendar *c = q;
    struct cnode *x = c->free;
    c->free = x->next;
    calendar_enqueue(c, x, t, seq);
    if (c->size > 2 * c->n_buckets)
        calendar_resize(c, 2 * c->n_buckets);
}

/* The size is constant in the hold model: no resize after the fill. */
static double calendar_hold(void *q, double dt, uint64_t seq)
{
    struct calendar *c = q;
    struct cnode *x = calendar_pop(c);
    double t = x->n.key;
    calendar_enqueue(c, x, t + dt, seq);
    return t;
}

static void calendar_destroy(void *q)
{
    struct calendar *c = q;
    free(c->buckets);
    free(c->pool);
    free(c);
}

/* ---- the hold model ---- */

static const struct queue_ops QUEUES[] = {
    {"binary heap", binary_create, binary_push, binary_hold, binary_destroy},
    {"4-ary heap", quad_create, quad_push, quad_hold, quad_destroy},
    {"pairing heap", pairing_create, pairing_push, pairing_hold,
     pairing_destroy},
    {"calendar queue", calendar_create, calendar_push, calendar_hold,
     calendar_destroy},
};
#define N_QUEUES (sizeof QUEUES / sizeof QUEUES[0])

struct hold_figures {
    double steps_per_s;   /* per CPU second */
    double checksum;      /* sum of the popped times of the first steps */
};

static struct hold_figures hold(const struct queue_ops *ops, size_t n,
                                double seconds)
{
    void *q = ops->create(n);
    uint64_t seq = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        ops->push(q, increments[k++ & (N_INCREMENTS - 1)], seq++);
    struct hold_figures f = {0, 0};
    /* warm-up, which also fixes the checksum: the same steps for all */
    for (size_t i = 0; i < 10 * CHUNK; i++)
        f.checksum += ops->hold(q, increments[k++ & (N_INCREMENTS - 1)], seq++);
    uint64_t steps = 0;
    double cpu = cpu_clock(), elapsed = 0, sink = 0;
    while (elapsed < seconds) {
        for (size_t i = 0; i < CHUNK; i++)
            sink += ops->hold(q, increments[k++ & (N_INCREMENTS - 1)], seq++);
        steps += CHUNK;
        elapsed = cpu_clock() - cpu;
    }
    f.steps_per_s = (double)steps / elapsed;
    ops->destroy(q);
    if (sink < 0)   /* keeps the popped times used */
        die("a time went negative");
    return f;
}

/* Fills the increments: Exp(1), or the mix with its far events. */
static void draw_increments(bool mixed)
{
    gsl_rng *r = rng_stream_create(1, 0, "bench-hold");
    if (!r)
        die("out of memory");
    for (size_t i = 0; i < N_INCREMENTS; i++) {
        double scale = mixed && i % FAR_EVERY == 0 ? FAR_SCALE : 1.0;
        increments[i] = rng_exponential(r, scale);
    }
    gsl_rng_free(r);
}

static void print_model(const char *title, double seconds)
{
    static const size_t SIZES[] = {10, 1000, 100000};
    printf("%s (M hold steps per CPU second)\n%-10s", title, "pending");
    for (size_t q = 0; q < N_QUEUES; q++)
        printf(" %15s", QUEUES[q].name);
    printf("\n");
    for (size_t s = 0; s < sizeof SIZES / sizeof SIZES[0]; s++) {
        printf("%-10zu", SIZES[s]);
        double checksum = NAN;
        for (size_t q = 0; q < N_QUEUES; q++) {
            struct hold_figures f = hold(&QUEUES[q], SIZES[s], seconds);
            if (q == 0)
                checksum = f.checksum;
            else if (f.checksum != checksum)
                die("two queues popped different events");
            printf(" %15.2f", f.steps_per_s / 1e6);
            fflush(stdout);
        }
        printf("\n");
    }
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? strtod(argv[1], NULL) : 1;
    if (!(seconds > 0 && seconds <= 600)) {
        fprintf(stderr, "usage: queues [SECONDS] (0 < SECONDS <= 600)\n");
        return 2;
    }
    draw_increments(false);
    print_model("hold model, Exp(1) increments", seconds);
    draw_increments(true);
    print_model("hold model, one increment in ten 2000 times longer",
                seconds);
    return 0;
}
