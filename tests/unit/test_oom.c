/*
 * test_oom.c — out of memory in one policy ends that policy's run,
 * marked incomplete with the reason; the other policies still run
 * (sim/experiment/experiment.c, the world's allocation checks).
 *
 * Each case runs in a child process whose address space is capped
 * (RLIMIT_AS, as `ulimit -v` does) a fixed amount above what it uses,
 * and sends its findings up a pipe. Not under AddressSanitizer, whose
 * shadow memory and quarantine make the cap meaningless (and whose
 * allocator aborts when it is reached), nor under valgrind.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <valgrind/valgrind.h>

#include "../runs.h"
#include "../support.h"
#include "experiment/experiment.h"
#include "kernel/sim.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#else
#define UNDER_ASAN 0
#endif

/* none: 100,000 requests a second on 2 cores, nobody gives up: its
 * requests in flight grow by the tens of thousands a second (tens of MB);
 * lock: one recompute per expiry, a few requests in flight. */
static const char GROWING[] =
    "{\"duration\": \"30s\", \"window\": \"1s\","
    " \"workload\": {\"arrivals\": {\"rate\": 100000}},"
    " \"cache\": {\"ttl\": \"5s\", \"warm\": \"synchronized\"},"
    " \"database\": {\"cores\": 2, \"service\": \"200ms\","
    "   \"max_connections\": 100000},"
    " \"client\": {\"pool_size\": 100000, \"timeout\": \"none\","
    "   \"pool_timeout\": \"none\"},"
    " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"lock\"}]}";

/* 10^6 uniform keys: about 44 bytes each for none, 16 more for per's
 * own table (world_memory_estimate): 46 MB and 61 MB at start. */
static const char MANY_KEYS[] =
    "{\"duration\": \"2s\", \"workload\": {\"arrivals\": {\"rate\": 100},"
    "  \"keys\": {\"count\": 1000000, \"popularity\": \"uniform\"}},"
    " \"policies\": [{\"policy\": \"per\"}, {\"policy\": \"none\"}]}";

/* Caps this process's address space at what it uses now plus `room`. */
static bool cap_address_space(double room)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    bool ok = f && fscanf(f, "%lu", &pages) == 1;
    if (f)
        fclose(f);
    struct rlimit r;
    if (!ok || getrlimit(RLIMIT_AS, &r) != 0)
        return false;
    r.rlim_cur = (rlim_t)((double)pages * (double)sysconf(_SC_PAGE_SIZE) +
                          room);
    return setrlimit(RLIMIT_AS, &r) == 0;
}

/* Runs every policy of `json` once in a child capped at `room` bytes
 * above its use; the child's line: "OK|complete|reason|" then for each
 * policy "label:n_done:end:not_built;". */
static char *run_capped(const char *json, double room)
{
    struct scenario *s = test_scenario("oom.json", json, NULL, 0);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        size_t all[SCENARIO_MAX_POLICIES];
        for (size_t i = 0; i < s->n_policies; i++)
            all[i] = i;
        struct experiment_params p = {.scenario = s, .policies = all,
                                      .n_policies = s->n_policies,
                                      .replications = 1};
        struct experiment e;
        char err[256], line[2048];
        if (!cap_address_space(room))
            _exit(3);
        bool ran = experiment_run(&p, &e, err, sizeof err);
        int n = snprintf(line, sizeof line, "%s|%d|%s|", ran ? "OK" : err,
                         ran && e.complete, ran ? e.reason : "");
        for (size_t i = 0; ran && i < e.n && n < (int)sizeof line; i++) {
            const struct policy_result *pr = &e.results[i];
            n += snprintf(line + n, sizeof line - (size_t)n, "%s:%u:%d:%s;",
                          pr->spec->label, pr->n_done,
                          pr->n_done ? (int)pr->reps[0].end : -1,
                          pr->not_built);
        }
        _exit(write(fds[1], line, strlen(line)) > 0 ? 0 : 4);
    }
    close(fds[1]);
    char *line = calloc(1, 4096);
    ssize_t got = read(fds[0], line, 4095);
    close(fds[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the child ended with %d (%s)", status, line);
    ck_assert_int_gt(got, 0);
    scenario_free(s);
    return line;
}

/* Out of memory while running: the policy whose requests pile up stops
 * there, out of memory, incomplete; the next policy runs to its end. */
START_TEST(out_of_memory_while_running_ends_that_policy_only)
{
    if (UNDER_ASAN || RUNNING_ON_VALGRIND)
        return;
    char *line = run_capped(GROWING, 80.0 * (1 << 20));
    const char *head = "OK|0|none: stopped at t = ";
    ck_assert_msg(strncmp(line, head, strlen(head)) == 0, "%s", line);
    ck_assert_msg(strstr(line, " s: out of memory|") != NULL, "%s", line);
    char expect[64];
    snprintf(expect, sizeof expect, "none:1:%d:;lock:1:%d:;",
             WORLD_OUT_OF_MEMORY, WORLD_COMPLETE);
    ck_assert_msg(strstr(line, expect) != NULL, "%s", line);
    free(line);
}
END_TEST

/* Out of memory building a world: that policy does not run (named in
 * the reason), the next one, smaller, does. 10^6 keys take 60 MB with
 * per (its XFetch table) and 44 MB with none: 52 MB of room lets only
 * the second be built. */
START_TEST(a_world_that_cannot_be_built_leaves_the_others)
{
    if (UNDER_ASAN || RUNNING_ON_VALGRIND)
        return;
    char *line = run_capped(MANY_KEYS, 52.0 * (1 << 20));
    const char *head = "OK|0|per: not run: out of memory while building "
                       "the world";
    ck_assert_msg(strncmp(line, head, strlen(head)) == 0, "%s", line);
    char expect[64];
    snprintf(expect, sizeof expect, "none:1:%d:;", WORLD_COMPLETE);
    ck_assert_msg(strstr(line, "per:0:-1:out of memory while building") !=
                      NULL, "%s", line);
    ck_assert_msg(strstr(line, expect) != NULL, "%s", line);
    free(line);
}
END_TEST

/* The event queue out of memory: the handler whose event could not be
 * scheduled is the last to run (SIM_OUT_OF_MEMORY), not the events
 * already queued after it. In a child capped 32 MB above its use, a
 * handler at t = 1 schedules events until one cannot be; one at t = 2
 * must not run. */
struct flood {
    bool failed;
    bool later_ran;
};

static void idle(struct sim *sim, void *p)
{
    (void)sim;
    (void)p;
}

static void flood_queue(struct sim *sim, void *p)
{
    struct flood *f = p;
    for (long i = 0; i < 100000000 && !f->failed; i++)
        f->failed = sim_schedule(sim, 1e6 + (double)i, idle, NULL) == 0;
}

static void mark_later(struct sim *sim, void *p)
{
    (void)sim;
    ((struct flood *)p)->later_ran = true;
}

START_TEST(a_queue_out_of_memory_stops_after_the_handler)
{
    if (UNDER_ASAN || RUNNING_ON_VALGRIND)
        return;
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct sim *sim = sim_create();
        struct flood f = {false, false};
        if (!sim || !cap_address_space(32.0 * (1 << 20)))
            _exit(3);
        sim_schedule(sim, 1, flood_queue, &f);
        sim_schedule(sim, 2, mark_later, &f);
        enum sim_status st = sim_run(sim, 10);
        _exit(!f.failed ? 4 : f.later_ran ? 5
                        : st != SIM_OUT_OF_MEMORY ? 6 : 0);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the child ended with %d (3: no cap, 4: never ran out, "
                  "5: the later event ran, 6: another status)",
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}
END_TEST

TEST_SUITE(oom_suite)
{
    Suite *s = suite_create("oom");
    TCase *tc = tcase_create("out of memory");
    tcase_add_test(tc, out_of_memory_while_running_ends_that_policy_only);
    tcase_add_test(tc, a_world_that_cannot_be_built_leaves_the_others);
    tcase_add_test(tc, a_queue_out_of_memory_stops_after_the_handler);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
