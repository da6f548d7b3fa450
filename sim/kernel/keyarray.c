/*
 * keyarray.c — see keyarray.h.
 */
#define _DEFAULT_SOURCE   /* MADV_HUGEPAGE */
#include "kernel/keyarray.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_BYTES ((uintptr_t)2 << 20)   /* a huge page */

void *key_array_alloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
#ifdef MADV_HUGEPAGE
    if (p && n >= 2 * HUGE_BYTES / (size ? size : 1)) {
        /* a hint, on the whole huge pages inside the array (a large
         * calloc is a mapping of its own, not touched yet): without
         * transparent huge pages it changes nothing */
        uintptr_t lo = ((uintptr_t)p + HUGE_BYTES - 1) & ~(HUGE_BYTES - 1);
        uintptr_t hi = ((uintptr_t)p + n * size) & ~(HUGE_BYTES - 1);
        if (hi > lo)
            (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
#endif
    return p;
}
