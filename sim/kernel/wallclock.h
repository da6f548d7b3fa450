/*
 * wallclock.h — elapsed real time, for progress, run times and the
 * benchmarks (never for the simulation, whose time is its own).
 */
#ifndef STAMPEDE_WALLCLOCK_H
#define STAMPEDE_WALLCLOCK_H

/* Seconds from an arbitrary origin, monotonic. */
double wall_clock(void);

#endif
