/*
 * wallclock.c — see wallclock.h.
 */
#include "kernel/wallclock.h"

#include <time.h>

double wall_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
