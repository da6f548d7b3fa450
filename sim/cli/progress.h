/*
 * progress.h — progress of a long command on stderr: a bar with the count
 * and an ETA when stderr is a terminal, a plain line now and then when it
 * is not (a log file), nothing when quiet.
 */
#ifndef STAMPEDE_PROGRESS_H
#define STAMPEDE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

struct progress {
    const char *command;    /* "sweep" */
    const char *unit;       /* "points" */
    size_t total;
    bool enabled, tty;
    double start;           /* wall clock */
    int last_decile;        /* plain mode: the last tenth reported */
};

void progress_init(struct progress *p, const char *command, const char *unit,
                   size_t total, bool quiet, bool tty);
void progress_update(struct progress *p, size_t done);
/* Ends the bar's line (terminal). */
void progress_finish(struct progress *p);

#endif
