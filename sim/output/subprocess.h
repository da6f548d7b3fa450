/*
 * subprocess.h — runs another program and waits for it, without a shell.
 *
 * The program is found on PATH and given its arguments as an argv array,
 * so nothing in them (spaces, quotes, ';', '$') is ever interpreted. Its
 * stdin and stdout are /dev/null; its stderr is captured, to be shown if
 * it fails.
 */
#ifndef STAMPEDE_SUBPROCESS_H
#define STAMPEDE_SUBPROCESS_H

#include <stdbool.h>
#include <stddef.h>

/* Of a program's stderr, at most this much is kept (the start of it,
 * where the first error is). */
#define SUBPROCESS_MAX_STDERR 16384

struct subprocess_result {
    int spawn_error;   /* 0, or the errno that kept it from starting
                          (ENOENT: not found on PATH) */
    int status;        /* its exit status, or 128 + the signal that
                          killed it */
    char *err;         /* what it wrote on stderr, NUL-terminated (the
                          first SUBPROCESS_MAX_STDERR bytes); free() it */
};

/* Runs argv[0] (searched on PATH) with argv (NULL-terminated) and waits
 * for it. Returns false only if this process could not do its part (no
 * pipe, no memory), with errno set; then *r holds nothing to free. */
bool subprocess_run(const char *const *argv, struct subprocess_result *r);

void subprocess_result_free(struct subprocess_result *r);

#endif
