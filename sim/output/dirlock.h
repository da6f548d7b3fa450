/*
 * dirlock.h — one writer per results directory.
 *
 * A command that writes into DIR first takes DIR's lock: the file
 * ".NAME.lock" beside DIR (NAME: DIR's last component), locked with
 * flock(2) and holding the holder's PID. A second command aimed at DIR
 * while the first holds it is refused at once, with that PID. The kernel
 * drops a flock when its holder dies, however it dies (SIGKILL
 * included), so a lock is never stale; the file itself is removed by its
 * holder at the end, or taken over by the next command after a SIGKILL.
 *
 * Removing a lock file while others may have opened it is safe because
 * a taker checks, once it holds the lock, that the name still leads to
 * the file it locked (and starts again if not).
 */
#ifndef STAMPEDE_DIRLOCK_H
#define STAMPEDE_DIRLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct dirlock {
    int fd;        /* -1: not held */
    char *path;    /* the lock file */
};

enum dirlock_status {
    DIRLOCK_TAKEN,
    DIRLOCK_BUSY,     /* another process holds it: err names its PID */
    DIRLOCK_FAILED,   /* the lock file cannot be made (err says why) */
};

/* Takes the lock of `dir` (which need not exist; its parent must). The
 * descriptor is close-on-exec (gnuplot does not hold it); forked workers
 * share it, and die with their parent (workers.h). */
enum dirlock_status dirlock_take(struct dirlock *l, const char *dir,
                                 char *err, size_t n);

/* Removes the lock file and drops the lock; nothing when not held. */
void dirlock_release(struct dirlock *l);

/* The lock file's path for `dir` (free it); NULL if memory runs out. */
char *dirlock_path(const char *dir);

#endif
