/*
 * wallclock.h — elapsed real time and processor time, for progress, run
 * times and the benchmarks (never for the simulation, whose time is its
 * own).
 */
#ifndef STAMPEDE_WALLCLOCK_H
#define STAMPEDE_WALLCLOCK_H

/* Seconds from an arbitrary origin, monotonic. */
double wall_clock(void);

/* Processor seconds this process has used (user and system, all its
 * threads). On a machine shared with other work it is what a benchmark
 * should measure: wall time there counts other processes' turns too. */
double cpu_clock(void);

#endif
