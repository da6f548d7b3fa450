/*
 * wallclock.c — see wallclock.h.
 */
#include "kernel/wallclock.h"

#include <time.h>

static double seconds_of(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double wall_clock(void) { return seconds_of(CLOCK_MONOTONIC); }

double cpu_clock(void) { return seconds_of(CLOCK_PROCESS_CPUTIME_ID); }
