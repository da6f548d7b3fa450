/*
 * progress.h — progress of a long command on stderr. On a terminal, one
 * line rewritten in place: a bar, the percentage to a tenth, the
 * simulated time (run), the points done of all (sweep) or the simulated
 * seconds spent of a budget (calibrate), the events simulated per
 * second, and an ETA; the bar is coloured unless
 * NO_COLOR is set (no-color.org). Not on a terminal (a log file), plain
 * lines: one at each tenth done (sweep, calibrate) and, whatever
 * happens, one at least every PROGRESS_EVERY seconds, so that a long
 * command shows it is alive; nothing when quiet.
 */
#ifndef STAMPEDE_PROGRESS_H
#define STAMPEDE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Seconds between two plain lines at most (not on a terminal), unless
 * $STAMPEDE_PROGRESS_SECONDS (a number > 0) says otherwise. */
#define PROGRESS_EVERY 30.0

struct progress {
    const char *command;    /* "sweep" */
    const char *unit;       /* "points"; NULL: simulated seconds (run) */
    double total;           /* points, or simulated seconds */
    bool budget;            /* total is a ceiling the work may stop short
                               of (calibrate): the ETA is an upper bound */
    bool enabled, tty, colour;
    double start;           /* wall clock */
    double last_draw;       /* wall clock of the last line drawn */
    int last_width;         /* characters of that line */
    int last_decile;        /* plain mode: the last tenth reported */
    double every;           /* plain mode: seconds between lines, at most */
    double last_line;       /* plain mode: wall clock of the last line */
    double done;            /* points, or simulated seconds */
    uint64_t events;        /* simulated so far */
};

/* Counting `total` units (sweep: points; calibrate: values). */
void progress_init(struct progress *p, const char *command, const char *unit,
                   size_t total, bool quiet, bool tty);
/* Counting simulated seconds against a budget of `total` that the work
 * may stop well short of (calibrate stops once its answer is proven):
 * the line says "of budget", and its ETA is "at most". */
void progress_init_budget(struct progress *p, const char *command,
                          double total, bool quiet, bool tty);
/* `done` units, `events` simulated in all so far. */
void progress_update(struct progress *p, size_t done, uint64_t events);

/* A sign of life (call it often: it costs a clock read): not on a
 * terminal, a plain line with where it is if none was printed for
 * `every` seconds. */
void progress_tick(struct progress *p);

/* Following `total` simulated seconds (run: each policy's replications
 * one after another). */
void progress_init_time(struct progress *p, const char *command,
                        double total, bool quiet, bool tty);
/* `done` simulated seconds and `events` in all; `what` says where the
 * run going is ("lock 2/3: t 23.4 s of 60 s"). Redrawn at most ten times
 * a second on a terminal; elsewhere a plain line every `every` seconds. */
void progress_time(struct progress *p, double done, uint64_t events,
                   const char *what);

/* Erases the line (terminal), so that another can be printed. */
void progress_clear(struct progress *p);
/* Ends the line (terminal). */
void progress_finish(struct progress *p);

#endif
