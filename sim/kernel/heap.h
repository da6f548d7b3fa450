/*
 * heap.h — a 4-ary min-heap of (key, tie) pairs held in one array.
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
 * back to its record without a second lookup. Four children of a node share
 * one 64-byte cache line, which is why the heap is 4-ary: the array is
 * 64-byte aligned and offset by three nodes so that each group of siblings
 * (logical indices 4i+1 .. 4i+4) starts on a cache-line boundary.
 *
 * There is no removal from the middle: owners cancel lazily (they mark their
 * record dead and drop the node when it reaches the top). That keeps push
 * and pop free of position bookkeeping; the cost is that a dead node stays
 * in the array until its key comes up, unless the owner sweeps the array
 * and calls heap_build.
 *
 * Complexity: push O(log4 n), pop O(4 log4 n) comparisons, top O(1).
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
        size_t parent = (i - 1) / 4;
        if (!heap_node_less(&n, &h->nodes[parent]))
            break;
        h->nodes[i] = h->nodes[parent];
        i = parent;
    }
    h->nodes[i] = n;
}

/* Index of the smallest of the (up to four) children starting at first:
 * a tournament of three comparisons the compiler turns into conditional
 * moves. */
static inline size_t heap_min_child(const struct heap_node *a, size_t first,
                                    size_t size)
{
    if (first + 3 < size) {
        size_t b01 = heap_node_less(&a[first + 1], &a[first]) ? first + 1 : first;
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

/* Places n at the hole i and moves it down to where it belongs. */
static inline void heap_sift_down(struct heap *h, size_t i, struct heap_node n)
{
    struct heap_node *a = h->nodes;
    size_t size = h->size;
    for (;;) {
        size_t first = 4 * i + 1;
        if (first >= size)
            break;
        /* Start loading the grandchildren (four cache lines) now: in a
         * large heap each level is a cache miss, and this overlaps them. */
        size_t grand = 4 * first + 1;
        if (grand < size)
            for (size_t g = 0; g < 16; g += 4)
                __builtin_prefetch(&a[grand + g]);
        size_t best = heap_min_child(a, first, size);
        if (!heap_node_less(&a[best], &n))
            break;
        a[i] = a[best];
        i = best;
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
    for (size_t i = (h->size - 2) / 4 + 1; i-- > 0;)
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
