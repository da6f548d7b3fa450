/*
 * heap.c — allocation for the inline heap in heap.h.
 */
#include "kernel/heap.h"

#include <stdlib.h>
#include <string.h>

#define LINE 64
#define OFFSET 1   /* nodes before the root, so grandchildren align */

/* A 64-byte aligned block for `capacity` nodes after the offset. */
static bool allocate(struct heap *h, size_t capacity)
{
    size_t bytes = (capacity + OFFSET) * sizeof(struct heap_node);
    bytes = (bytes + LINE - 1) / LINE * LINE;   /* aligned_alloc wants this */
    void *block = aligned_alloc(LINE, bytes);
    if (!block)
        return false;
    struct heap_node *nodes = (struct heap_node *)block + OFFSET;
    if (h->size > 0)
        memcpy(nodes, h->nodes, h->size * sizeof *nodes);
    free(h->block);
    h->block = block;
    h->nodes = nodes;
    h->capacity = capacity;
    return true;
}

bool heap_init(struct heap *h, size_t initial_capacity)
{
    memset(h, 0, sizeof *h);
    return allocate(h, initial_capacity < 16 ? 16 : initial_capacity);
}

void heap_free(struct heap *h)
{
    free(h->block);
    memset(h, 0, sizeof *h);
}

bool heap_grow(struct heap *h)
{
    if (h->capacity > SIZE_MAX / 4 / sizeof(struct heap_node))
        return false;
    return allocate(h, h->capacity * 2);
}
