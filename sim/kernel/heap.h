/*
 * heap.h — a binary min-heap of (key, tie) pairs held in one array.
 *
 * The event queue orders events by (time, sequence number); the database
 * orders finish tags the same way. Both need the same few operations, fast,
 * so they live here as static inline functions (the hot path of every run
 * goes through them; a call across translation units would cost more than
 * the work).
 *
 * A node is 16 bytes: the key and a 64-bit tie-breaker. Owners pack a
 * monotone sequence number in the high bits of `tie` and an index of their
 * own in the low bits, so ties break first-pushed-first and the owner gets
 * back to its record without a second lookup. The array is 64-byte aligned
 * and offset by one node, so that the four grandchildren of a node
 * (logical indices 4i+3 .. 4i+6) share one cache line, loaded ahead while
 * the children are compared.
 *
 * Binary, not 4-ary, by measurement (tools/queues.c; the figures are in
 * docs/performance.md): on the hold model at 10, 10^3 and 10^5 events the
 * binary heap was the faster of the two at every size, and the
 * simulator's own benchmarks ran up to 8 % faster on it. A 4-ary sift
 * saves levels, but its three-comparison tournament sits on the critical
 * path of every level. A pairing heap was slower than the binary heap at
 * every size; a calendar queue was faster at 10^3 and 10^5 with
 * exponential gaps, but fell behind every heap once one event in ten is
 * a timeout far ahead, as in the simulator.
 *
 * There is no removal from the middle: owners cancel lazily (they mark their
 * record dead and drop the node when it reaches the top). That keeps push
 * and pop free of position bookkeeping; the cost is that a dead node stays
 * in the array until its key comes up, unless the owner sweeps the array
 * and calls heap_build.
 *
 * Complexity: push O(log2 n), pop O(2 log2 n) comparisons, top O(1).
 */
#ifndef STAMPEDE_HEAP_H
#define STAMPEDE_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Keys must be non-negative and not -0 (times, virtual-time tags): for
 * those, the IEEE-754 bit pattern read as an integer orders like the
 * number, so (key, tie) compares as one 128-bit integer — no branch, which
 * matters because with random keys a branch here is mispredicted half the
 * time. The field order puts `tie` in the low half on little-endian. */
struct heap_node {
    uint64_t tie; /* unique; breaks ties between equal keys */
    double key;   /* ordering key: a time, a finish tag; >= +0 */
};

struct heap {
    struct heap_node *nodes; /* nodes[0] is the minimum */
    size_t size;
    size_t capacity;
    void *block;             /* the aligned allocation nodes point into */
};

/* Returns false if memory runs out; the heap is then unchanged. */
bool heap_init(struct heap *h, size_t initial_capacity);
void heap_free(struct heap *h);
/* Grows the array (doubling). Returns false if memory runs out. */
bool heap_grow(struct heap *h);

__extension__ typedef unsigned __int128 heap_rank_t;

static inline heap_rank_t heap_rank(const struct heap_node *n)
{
    uint64_t bits;
    memcpy(&bits, &n->key, sizeof bits);
    return (heap_rank_t)bits << 64 | n->tie;
}

static inline bool heap_node_less(const struct heap_node *a,
                                  const struct heap_node *b)
{
    return heap_rank(a) < heap_rank(b);
}

static inline bool heap_empty(const struct heap *h) { return h->size == 0; }

static inline const struct heap_node *heap_top(const struct heap *h)
{
    return &h->nodes[0];
}

static inline void heap_sift_up(struct heap *h, size_t i, struct heap_node n)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!heap_node_less(&n, &h->nodes[parent]))
            break;
        h->nodes[i] = h->nodes[parent];
        i = parent;
    }
    h->nodes[i] = n;
}

/* Places n at the hole i and moves it down to where it belongs. */
static inline void heap_sift_down(struct heap *h, size_t i, struct heap_node n)
{
    struct heap_node *a = h->nodes;
    size_t size = h->size;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= size)
            break;
        /* In a large heap each level is a cache miss: start loading the
         * grandchildren (one line) while the children are compared. */
        if (2 * child + 1 < size)
            __builtin_prefetch(&a[2 * child + 1]);
        if (child + 1 < size && heap_node_less(&a[child + 1], &a[child]))
            child++;
        if (!heap_node_less(&a[child], &n))
            break;
        a[i] = a[child];
        i = child;
    }
    a[i] = n;
}

/* Returns false (heap unchanged) only if growing the array fails. */
static inline bool heap_push(struct heap *h, double key, uint64_t tie)
{
    if (h->size == h->capacity && !heap_grow(h))
        return false;
    struct heap_node n = {tie, key + 0.0};   /* + 0.0 turns -0 into +0 */
    heap_sift_up(h, h->size++, n);
    return true;
}

/* Removes the minimum. The heap must not be empty. */
static inline struct heap_node heap_pop(struct heap *h)
{
    struct heap_node top = h->nodes[0];
    struct heap_node last = h->nodes[--h->size];
    if (h->size > 0)
        heap_sift_down(h, 0, last);
    return top;
}

/* Restores the heap order of nodes[0..size) after the owner rewrote the
 * array (dropping dead nodes): Floyd's bottom-up build, O(n). */
static inline void heap_build(struct heap *h)
{
    if (h->size < 2)
        return;
    for (size_t i = (h->size - 2) / 2 + 1; i-- > 0;)
        heap_sift_down(h, i, h->nodes[i]);
}

/* Replaces the minimum by a new node: one sift instead of pop + push.
 * The heap must not be empty. Returns the node that was removed. */
static inline struct heap_node heap_replace_top(struct heap *h, double key,
                                                uint64_t tie)
{
    struct heap_node top = h->nodes[0];
    struct heap_node n = {tie, key + 0.0};
    heap_sift_down(h, 0, n);
    return top;
}

#endif
