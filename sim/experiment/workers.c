/*
 * workers.c — see workers.h.
 *
 * Each worker has two pipes: jobs go down as a size_t index; results come
 * up as a size_t length and the bytes. A worker dies with its parent
 * (PR_SET_PDEATHSIG), so that a SIGKILL of stampede leaves no worker
 * computing a point nobody will read. The parent polls the result pipes
 * and gives a worker its next job as soon as it has answered, so a slow
 * job does not hold the others up.
 */
#define _DEFAULT_SOURCE   /* NSIG, SIGXCPU, SIGVTALRM, SIGPROF */
#include "experiment/workers.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct worker_proc {
    pid_t pid;
    int to_worker;       /* write job indices */
    int from_worker;     /* read results */
    bool busy;
    size_t job;
};

unsigned workers_default_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

static bool write_all(int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static bool read_all(int fd, void *data, size_t n)
{
    char *p = data;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

/* The child: answer jobs until the job pipe closes. */
static void worker_loop(int jobs, int results, job_fn job, void *ctx)
{
    size_t index;
    while (read_all(jobs, &index, sizeof index)) {
        size_t size = 0;
        void *out = job(index, &size, ctx);
        if (!out)
            _exit(1);
        bool ok = write_all(results, &size, sizeof size) &&
                  write_all(results, out, size);
        free(out);
        if (!ok)
            _exit(1);
    }
    _exit(0);
}

/* The child's first steps: it dies with its parent, whatever kills the
 * parent (SIGKILL included: the kernel sends it SIGKILL then), and a
 * signal simply ends it (the parent keeps what finished): every handler
 * the parent set goes back to the default action. */
static void become_worker(pid_t parent, const sigset_t *saved)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);   /* the parent died before prctl took effect */
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction sa;
        if (sig == SIGKILL || sig == SIGSTOP ||
            sigaction(sig, NULL, &sa) != 0)
            continue;
        if (sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN)
            signal(sig, SIG_DFL);
    }
    sigprocmask(SIG_SETMASK, saved, NULL);
}

/* Forks worker `self` of w[0..self]. The child closes the pipes of the
 * workers forked before it: holding their job pipes open would keep them
 * from ever seeing the end of their jobs. */
static bool spawn(struct worker_proc *w, unsigned self, job_fn job, void *ctx)
{
    int down[2], up[2];
    if (pipe(down) != 0)
        return false;
    if (pipe(up) != 0) {
        close(down[0]);
        close(down[1]);
        return false;
    }
    /* Signals stay blocked across fork until the child has reset their
     * handlers, so a signal arriving meanwhile kills it by default instead
     * of running a handler inherited from the parent. */
    sigset_t block, saved;
    sigfillset(&block);
    sigprocmask(SIG_BLOCK, &block, &saved);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0)
        sigprocmask(SIG_SETMASK, &saved, NULL);
    if (pid < 0) {
        close(down[0]);
        close(down[1]);
        close(up[0]);
        close(up[1]);
        return false;
    }
    if (pid == 0) {
        become_worker(parent, &saved);
        for (unsigned i = 0; i < self; i++) {
            close(w[i].to_worker);
            close(w[i].from_worker);
        }
        close(down[1]);
        close(up[0]);
        worker_loop(down[0], up[1], job, ctx);
    }
    close(down[0]);
    close(up[1]);
    w[self] = (struct worker_proc){pid, down[1], up[0], false, 0};
    return true;
}

static void stop_workers(struct worker_proc *w, unsigned n, bool kill_them)
{
    for (unsigned i = 0; i < n; i++) {
        if (w[i].pid <= 0)
            continue;
        close(w[i].to_worker);
        if (kill_them)
            kill(w[i].pid, SIGTERM);
        waitpid(w[i].pid, NULL, 0);
        close(w[i].from_worker);
        w[i].pid = 0;
    }
}

/* In-process, for one worker. */
static enum workers_status run_here(size_t n_jobs, job_fn job,
                                    result_fn result, void *ctx,
                                    const volatile sig_atomic_t *stop)
{
    for (size_t i = 0; i < n_jobs; i++) {
        if (stop && *stop)
            return WORKERS_STOPPED;
        size_t size = 0;
        void *out = job(i, &size, ctx);
        if (stop && *stop) {
            free(out);   /* it may have been cut short */
            return WORKERS_STOPPED;
        }
        if (!out)
            return WORKERS_FAILED;
        result(i, out, size, i + 1, ctx);
    }
    return WORKERS_DONE;
}

/* Reads one worker's answer; false if it died or lied. */
static bool collect(struct worker_proc *w, result_fn result, void *ctx,
                    size_t *done)
{
    size_t size;
    if (!read_all(w->from_worker, &size, sizeof size) || size > (1u << 30))
        return false;
    void *out = malloc(size ? size : 1);
    if (!out || !read_all(w->from_worker, out, size)) {
        free(out);
        return false;
    }
    w->busy = false;
    (*done)++;
    result(w->job, out, size, *done, ctx);
    return true;
}

static bool give(struct worker_proc *w, size_t job)
{
    w->job = job;
    w->busy = true;
    return write_all(w->to_worker, &job, sizeof job);
}

void workers_beat(const struct workers_beat *b)
{
    if (b && b->fn && b->owner == getpid())
        b->fn(b->ctx);
}

enum workers_status workers_run(size_t n_jobs, unsigned n_workers, job_fn job,
                                result_fn result, void *ctx,
                                const volatile sig_atomic_t *stop,
                                struct workers_beat *beat)
{
    if (beat)
        beat->owner = getpid();
    if (n_workers > n_jobs)
        n_workers = n_jobs > 0 ? (unsigned)n_jobs : 1;
    if (n_workers <= 1)
        return run_here(n_jobs, job, result, ctx, stop);
    struct worker_proc *w = calloc(n_workers, sizeof *w);
    if (!w)
        return WORKERS_FAILED;
    enum workers_status status = WORKERS_DONE;
    size_t next = 0, done = 0;
    for (unsigned i = 0; i < n_workers; i++)
        if (!spawn(w, i, job, ctx) || !give(&w[i], next++))
            status = WORKERS_FAILED;
    struct pollfd *fds = calloc(n_workers, sizeof *fds);
    while (status == WORKERS_DONE && fds && done < n_jobs) {
        if (stop && *stop) {
            status = WORKERS_STOPPED;
            break;
        }
        for (unsigned i = 0; i < n_workers; i++)
            fds[i] = (struct pollfd){w[i].busy ? w[i].from_worker : -1,
                                     POLLIN, 0};
        if (poll(fds, n_workers, 200) < 0 && errno != EINTR)
            status = WORKERS_FAILED;
        workers_beat(beat);
        for (unsigned i = 0; i < n_workers && status == WORKERS_DONE; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            if (!collect(&w[i], result, ctx, &done))
                status = WORKERS_FAILED;
            else if (next < n_jobs && !give(&w[i], next++))
                status = WORKERS_FAILED;
        }
    }
    if (!fds)
        status = WORKERS_FAILED;
    stop_workers(w, n_workers, status != WORKERS_DONE);
    free(fds);
    free(w);
    return status;
}
