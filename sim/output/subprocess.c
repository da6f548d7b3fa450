/*
 * subprocess.c — see subprocess.h.
 */
#include "output/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Reads fd to its end, keeping the first SUBPROCESS_MAX_STDERR bytes and
 * draining the rest (a child blocked on a full pipe would never exit). */
static char *read_all(int fd)
{
    char *buf = malloc(SUBPROCESS_MAX_STDERR + 1);
    size_t len = 0;
    char chunk[4096];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t keep = SUBPROCESS_MAX_STDERR - len;
        if ((size_t)n < keep)
            keep = (size_t)n;
        if (buf && keep > 0) {
            memcpy(buf + len, chunk, keep);
            len += keep;
        }
    }
    if (buf)
        buf[len] = '\0';
    return buf;
}

static int wait_for(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 127;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool subprocess_run(const char *const *argv, struct subprocess_result *r)
{
    memset(r, 0, sizeof *r);
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    /* Neither end leaks into the child: the write end reaches it as fd 2
     * through dup2, which clears close-on-exec on the copy only. */
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    pid_t pid;
    /* posix_spawnp takes char *const[]; it does not modify the strings. */
    int e = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv,
                         environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (e != 0) {
        close(fds[0]);
        r->spawn_error = e;
        r->status = 127;
        r->err = calloc(1, 1);
        return r->err != NULL;
    }
    r->err = read_all(fds[0]);
    close(fds[0]);
    r->status = wait_for(pid);
    if (!r->err) {
        errno = ENOMEM;
        return false;
    }
    return true;
}

void subprocess_result_free(struct subprocess_result *r)
{
    free(r->err);
    r->err = NULL;
}
