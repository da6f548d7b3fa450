/*
 * test_workers.c — the worker pool (sim/experiment/workers.c).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../support.h"
#include "experiment/workers.h"

struct collected {
    long value[64];
    int seen[64];
    size_t last_done;
};

/* Job i: i squared, after a pause that makes later jobs finish first. */
static void *square(size_t index, size_t *size, void *ctx)
{
    (void)ctx;
    struct timespec pause = {0, (long)(20 - index % 20) * 300000L};
    nanosleep(&pause, NULL);
    long *v = malloc(sizeof *v);
    *v = (long)(index * index);
    *size = sizeof *v;
    return v;
}

static void keep(size_t index, void *result, size_t size, size_t done,
                 void *ctx)
{
    struct collected *c = ctx;
    ck_assert_uint_eq(size, sizeof(long));
    c->value[index] = *(long *)result;
    c->seen[index]++;
    c->last_done = done;
    free(result);
}

START_TEST(every_job_once_whatever_the_workers)
{
    for (unsigned workers = 1; workers <= 4; workers++) {
        struct collected c;
        memset(&c, 0, sizeof c);
        ck_assert_int_eq(workers_run(40, workers, square, keep, &c, NULL, NULL),
                         WORKERS_DONE);
        for (size_t i = 0; i < 40; i++) {
            ck_assert_int_eq(c.seen[i], 1);
            ck_assert_int_eq(c.value[i], (long)(i * i));
        }
        ck_assert_uint_eq(c.last_done, 40);
    }
}
END_TEST

static void *fail_on_seven(size_t index, size_t *size, void *ctx)
{
    (void)ctx;
    if (index == 7)
        return NULL;
    return square(index, size, ctx);
}

START_TEST(a_failing_job_fails_the_run)
{
    struct collected c;
    memset(&c, 0, sizeof c);
    ck_assert_int_eq(workers_run(20, 3, fail_on_seven, keep, &c, NULL, NULL),
                     WORKERS_FAILED);
    memset(&c, 0, sizeof c);
    ck_assert_int_eq(workers_run(20, 1, fail_on_seven, keep, &c, NULL, NULL),
                     WORKERS_FAILED);
}
END_TEST

START_TEST(the_stop_flag_keeps_what_finished)
{
    struct collected c;
    memset(&c, 0, sizeof c);
    volatile sig_atomic_t stop = 1;
    ck_assert_int_eq(workers_run(20, 2, square, keep, &c, &stop, NULL),
                     WORKERS_STOPPED);
    ck_assert_uint_lt(c.last_done, 20);
    /* what was delivered is right, and delivered once */
    size_t delivered = 0;
    for (size_t i = 0; i < 20; i++) {
        ck_assert_int_le(c.seen[i], 1);
        if (c.seen[i])
            ck_assert_int_eq(c.value[i], (long)(i * i));
        delivered += (size_t)c.seen[i];
    }
    ck_assert_uint_eq(delivered, c.last_done);
}
END_TEST

/* A job that tells its worker's PID up a pipe, then works for a minute
 * (a point of a large sweep). */
static void *report_and_wait(size_t index, size_t *size, void *ctx)
{
    (void)index;
    const int *fd = ctx;
    pid_t me = getpid();
    ck_assert_int_eq(write(*fd, &me, sizeof me), (ssize_t)sizeof me);
    struct timespec minute = {60, 0};
    nanosleep(&minute, NULL);
    *size = 0;
    return malloc(1);
}

/* Whether pid has gone: no such process, or a zombie waiting to be
 * reaped (it runs no more). */
static bool gone(pid_t pid)
{
    char path[64], stat[256] = "";
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return true;
    size_t n = fread(stat, 1, sizeof stat - 1, f);
    fclose(f);
    stat[n] = '\0';
    const char *state = strrchr(stat, ')');
    return !state || state[2] == 'Z' || state[2] == 'X';
}

/* The workers die with their parent, whatever kills it: a SIGKILL, which
 * no handler sees, leaves none of them computing (within a second). */
START_TEST(workers_die_with_their_parent)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t parent = fork();
    ck_assert_int_ge(parent, 0);
    if (parent == 0) {
        close(fds[0]);
        struct collected c;
        memset(&c, 0, sizeof c);
        workers_run(4, 2, report_and_wait, keep, &fds[1], NULL, NULL);
        _exit(0);
    }
    close(fds[1]);
    pid_t worker[2];
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(read(fds[0], &worker[i], sizeof worker[i]),
                         (ssize_t)sizeof worker[i]);
    close(fds[0]);
    ck_assert(!gone(worker[0]) && !gone(worker[1]));
    ck_assert_int_eq(kill(parent, SIGKILL), 0);
    ck_assert_int_eq(waitpid(parent, NULL, 0), parent);
    bool both = false;
    for (int i = 0; i < 100 && !(both = gone(worker[0]) && gone(worker[1]));
         i++) {
        struct timespec tick = {0, 10000000L};
        nanosleep(&tick, NULL);
    }
    ck_assert_msg(both, "a worker outlived its parent by a second");
}
END_TEST

TEST_SUITE(workers_suite)
{
    Suite *s = suite_create("workers");
    TCase *tc = tcase_create("worker pool");
    tcase_add_test(tc, every_job_once_whatever_the_workers);
    tcase_add_test(tc, a_failing_job_fails_the_run);
    tcase_add_test(tc, the_stop_flag_keeps_what_finished);
    tcase_add_test(tc, workers_die_with_their_parent);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
