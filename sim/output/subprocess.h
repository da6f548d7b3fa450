/*
 * subprocess.h — runs another program and waits for it, without a shell,
 * for at most a given time.
 *
 * The program is found on PATH and given its arguments as an argv array,
 * so nothing in them (spaces, quotes, ';', '$') is ever interpreted. Its
 * stdin and stdout are /dev/null; its stderr is captured, to be shown if
 * it fails. It dies with this process (PR_SET_PDEATHSIG: even a SIGKILL
 * of stampede leaves no gnuplot behind), when its time is up, and when
 * the stop flag is set (a signal asked the command to stop).
 */
#ifndef STAMPEDE_SUBPROCESS_H
#define STAMPEDE_SUBPROCESS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* Of a program's stderr, at most this much is kept (the start of it,
 * where the first error is). */
#define SUBPROCESS_MAX_STDERR 16384

struct subprocess_limits {
    double timeout_s;                    /* <= 0: none */
    const volatile sig_atomic_t *stop;   /* set: killed at once; may be
                                            NULL */
};

struct subprocess_result {
    int spawn_error;   /* 0, or the errno that kept it from starting
                          (ENOENT: not found on PATH) */
    int status;        /* its exit status, or 128 + the signal that
                          killed it */
    bool timed_out;    /* killed: its time was up */
    bool stopped;      /* killed: the stop flag was set */
    char *err;         /* what it wrote on stderr, NUL-terminated (the
                          first SUBPROCESS_MAX_STDERR bytes); free() it */
};

/* Runs argv[0] (searched on PATH) with argv (NULL-terminated) and waits
 * for it, within `lim` (may be NULL: no limit). Returns false only if
 * this process could not do its part (no pipe, no memory, no fork), with
 * errno set; then *r holds nothing to free. */
bool subprocess_run(const char *const *argv,
                    const struct subprocess_limits *lim,
                    struct subprocess_result *r);

void subprocess_result_free(struct subprocess_result *r);

#endif
