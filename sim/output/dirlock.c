/*
 * dirlock.c — see dirlock.h.
 */
#define _DEFAULT_SOURCE   /* flock */
#include "output/dirlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output/outfile.h"

char *dirlock_path(const char *dir)
{
    return outfile_beside(dir, ".lock");
}

/* The PID the holder wrote; 0 if none yet. The holder writes it right
 * after taking the lock, so a reader that comes in between waits a
 * little (at most 0.2 s) for it. */
static long holder_pid(int fd)
{
    for (int i = 0; i < 20; i++) {
        char text[32] = "";
        ssize_t got = pread(fd, text, sizeof text - 1, 0);
        long pid = got > 0 ? strtol(text, NULL, 10) : 0;
        if (pid > 0)
            return pid;
        struct timespec ts = {0, 10000000L};
        nanosleep(&ts, NULL);
    }
    return 0;
}

/* Whether fd is still the file `path` names (nobody removed it between
 * our open and our lock). */
static bool still_named(int fd, const char *path)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

static enum dirlock_status busy(const char *dir, int fd, char *err, size_t n)
{
    long pid = holder_pid(fd);
    if (pid > 0)
        snprintf(err, n, "%s: another stampede (PID %ld) is writing these "
                 "results; wait for it to finish, or give another --out",
                 dir, pid);
    else
        snprintf(err, n, "%s: another stampede is writing these results; "
                 "wait for it to finish, or give another --out", dir);
    return DIRLOCK_BUSY;
}

/* Writes our PID into the lock file (a message for whoever is refused;
 * the lock itself is the flock). */
static void sign(int fd)
{
    char text[32];
    int len = snprintf(text, sizeof text, "%ld\n", (long)getpid());
    bool ok = ftruncate(fd, 0) == 0 && pwrite(fd, text, (size_t)len, 0) == len;
    (void)ok;   /* without it, the refused are told no PID: no harm */
}

enum dirlock_status dirlock_take(struct dirlock *l, const char *dir,
                                 char *err, size_t n)
{
    l->fd = -1;
    if (n > 0)
        err[0] = '\0';
    l->path = dirlock_path(dir);
    if (!l->path) {
        snprintf(err, n, "%s: out of memory", dir);
        return DIRLOCK_FAILED;
    }
    /* a few rounds at most: each is lost only to a holder that removed
     * the file it had just released */
    for (int round = 0; round < 100; round++) {
        int fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0) {
            snprintf(err, n, "%s: cannot write beside it (%s): %s", dir,
                     l->path, strerror(errno));
            break;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            enum dirlock_status st = errno == EWOULDBLOCK
                                         ? busy(dir, fd, err, n)
                                         : DIRLOCK_FAILED;
            if (st == DIRLOCK_FAILED)
                snprintf(err, n, "%s: cannot lock %s: %s", dir, l->path,
                         strerror(errno));
            close(fd);
            free(l->path);
            l->path = NULL;
            return st;
        }
        if (still_named(fd, l->path)) {
            sign(fd);
            l->fd = fd;
            return DIRLOCK_TAKEN;
        }
        close(fd);
    }
    if (n > 0 && err[0] == '\0')
        snprintf(err, n, "%s: cannot take its lock %s", dir, l->path);
    free(l->path);
    l->path = NULL;
    return DIRLOCK_FAILED;
}

void dirlock_release(struct dirlock *l)
{
    if (l->fd >= 0) {
        /* removed while still held: a taker that opened it meanwhile
         * finds the name gone (still_named) and starts again */
        unlink(l->path);
        close(l->fd);
    }
    free(l->path);
    l->fd = -1;
    l->path = NULL;
}
