/*
 * subprocess.c — see subprocess.h.
 *
 * fork and exec rather than posix_spawn: the child must ask the kernel
 * to kill it when its parent dies (prctl), which posix_spawn cannot do.
 * An exec that fails reports its errno up a close-on-exec pipe, which an
 * exec that succeeds closes.
 */
#define _GNU_SOURCE   /* pipe2 */
#include "output/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/wallclock.h"

/* How often the parent looks at the clock and the stop flag while the
 * child runs: a tenth of a second, so that a signal stops it "at once". */
#define POLL_MS 100

/* The child's side: stdin, stdout to /dev/null, stderr to the pipe; the
 * signals as a fresh program expects them; death with the parent. */
static void child(const char *const *argv, pid_t parent, int err_fd,
                  int report_fd)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);   /* the parent died before prctl took effect */
    /* its own process group, so that killing it kills what it started */
    setpgid(0, 0);
    int null_in = open("/dev/null", O_RDONLY);
    int null_out = open("/dev/null", O_WRONLY);
    if (null_in < 0 || null_out < 0 || dup2(null_in, 0) < 0 ||
        dup2(null_out, 1) < 0 || dup2(err_fd, 2) < 0)
        _exit(127);
    /* stampede ignores SIGPIPE and SIGXFSZ (its writes check errors);
     * gnuplot gets the defaults, and SIGXFSZ shows in its status */
    signal(SIGPIPE, SIG_DFL);
    signal(SIGXFSZ, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvp(argv[0], (char *const *)argv);
    int e = errno;
    ssize_t w = write(report_fd, &e, sizeof e);
    (void)w;
    _exit(127);
}

/* The errno of a failed exec, or 0 once exec succeeded (the pipe closed
 * without a word). */
static int exec_error(int fd)
{
    int e = 0;
    ssize_t n;
    while ((n = read(fd, &e, sizeof e)) < 0 && errno == EINTR)
        ;
    return n == (ssize_t)sizeof e ? e : 0;
}

/* Appends what fd has to buf (keeping at most SUBPROCESS_MAX_STDERR);
 * false at its end. */
static bool drain(int fd, char *buf, size_t *len)
{
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    size_t keep = SUBPROCESS_MAX_STDERR - *len;
    if ((size_t)n < keep)
        keep = (size_t)n;
    memcpy(buf + *len, chunk, keep);
    *len += keep;
    return true;
}

static int decode(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Reads the child's stderr until it exits, its time is up or the stop
 * flag is set (then it is killed). */
static void wait_child(pid_t pid, int fd, const struct subprocess_limits *lim,
                       struct subprocess_result *r, char *buf)
{
    double deadline = lim && lim->timeout_s > 0
                          ? wall_clock() + lim->timeout_s : 0;
    size_t len = 0;
    bool open_fd = true;
    for (;;) {
        struct pollfd p = {open_fd ? fd : -1, POLLIN, 0};
        /* once its stderr is closed, it is about to exit: look often */
        if (poll(&p, 1, open_fd ? POLL_MS : 5) > 0 &&
            (p.revents & (POLLIN | POLLHUP)))
            open_fd = drain(fd, buf, &len);
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            while (open_fd && drain(fd, buf, &len))
                ;   /* what it wrote last */
            r->status = decode(status);
            break;
        }
        r->stopped = lim && lim->stop && *lim->stop;
        r->timed_out = !r->stopped && deadline > 0 && wall_clock() > deadline;
        if (r->stopped || r->timed_out) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            r->status = decode(status);
            break;
        }
    }
    buf[len] = '\0';
}

bool subprocess_run(const char *const *argv,
                    const struct subprocess_limits *lim,
                    struct subprocess_result *r)
{
    memset(r, 0, sizeof *r);
    int err_pipe[2], report[2];
    char *buf = malloc(SUBPROCESS_MAX_STDERR + 1);
    if (!buf || pipe2(err_pipe, O_CLOEXEC) != 0) {
        free(buf);
        errno = ENOMEM;
        return false;
    }
    if (pipe2(report, O_CLOEXEC) != 0) {
        close(err_pipe[0]);
        close(err_pipe[1]);
        free(buf);
        return false;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0)
        child(argv, parent, err_pipe[1], report[1]);
    close(err_pipe[1]);
    close(report[1]);
    int e = pid < 0 ? errno : exec_error(report[0]);
    close(report[0]);
    if (pid < 0) {
        close(err_pipe[0]);
        free(buf);
        errno = e;
        return false;
    }
    if (e != 0) {
        /* not started: reap the child, say why */
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        r->spawn_error = e;
        r->status = 127;
        buf[0] = '\0';
    } else {
        wait_child(pid, err_pipe[0], lim, r, buf);
    }
    close(err_pipe[0]);
    r->err = buf;
    return true;
}

void subprocess_result_free(struct subprocess_result *r)
{
    free(r->err);
    r->err = NULL;
}
