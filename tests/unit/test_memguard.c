/*
 * test_memguard.c — the memory guard (sim/experiment/memguard.c,
 * world_memory_estimate): sizes, the estimate against what a world really
 * allocates, and scenarios refused before anything runs.
 */
#define _GNU_SOURCE   /* mallinfo2 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <valgrind/valgrind.h>

#include "../runs.h"
#include "../support.h"
#include "experiment/memguard.h"
#include "experiment/sweep.h"
#include "scenario/scenario.h"

START_TEST(sizes_parse_and_print)
{
    static const struct {
        const char *text;
        double bytes;
    } good[] = {
        {"4G", 4.0 * (1 << 30)}, {"500M", 500.0 * (1 << 20)},
        {"1.5g", 1.5 * (1 << 30)}, {"64K", 65536}, {"2GB", 2.0 * (1 << 30)},
        {"2GiB", 2.0 * (1 << 30)}, {"1T", 1099511627776.0}, {"123", 123},
        {"100b", 100},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double v = 0;
        ck_assert_msg(memguard_parse_size(good[i].text, &v), "%s",
                      good[i].text);
        ck_assert_double_eq(v, good[i].bytes);
    }
    static const char *const bad[] = {"", "0", "-1G", "+1G", "G", "4X",
                                      "4 G", "nan", "inf", "1e400", "0.5",
                                      "4Gx", NULL};
    for (const char *const *t = bad; *t; t++) {
        double v;
        ck_assert_msg(!memguard_parse_size(*t, &v), "took '%s'", *t);
    }
    char out[32];
    memguard_format_size(4.0 * (1 << 30), out, sizeof out);
    ck_assert_str_eq(out, "4 GB");
    memguard_format_size(1.25 * (1 << 30), out, sizeof out);
    ck_assert_str_eq(out, "1.3 GB");
    memguard_format_size(80.4 * (1 << 30), out, sizeof out);
    ck_assert_str_eq(out, "80 GB");
    memguard_format_size(500.0 * (1 << 20), out, sizeof out);
    ck_assert_str_eq(out, "500 MB");
    memguard_format_size(2048, out, sizeof out);
    ck_assert_str_eq(out, "2 KB");
    double def = memguard_default_limit();
    ck_assert(def > 0 && def <= MEMGUARD_DEFAULT_CAP);
}
END_TEST

static struct scenario *load(const char *json, const char *const *sets,
                             size_t n_sets)
{
    return test_scenario("m.json", json, sets, n_sets);
}

static size_t heap_in_use(void)
{
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

/* The estimate against the heap a world of 10^6 Zipf keys really takes
 * once built (malloc's own count: the pages need not be touched). Under a
 * sanitizer malloc is not glibc's and reports nothing: then only the
 * arithmetic is checked. The fixed part is a measured RSS allowance, more
 * than the world's fixed heap, so the estimate may exceed by it. */
START_TEST(estimate_matches_what_a_world_allocates)
{
    const char *json = "{\"workload\": {\"keys\": {\"count\": 1000000, "
                       "\"popularity\": \"zipf\"}}, \"policies\": "
                       "[{\"policy\": \"none\"}, {\"policy\": \"per\"}]}";
    struct scenario *s = load(json, NULL, 0);
    int measured = 0;
    for (size_t k = 0; k < 2; k++) {
        const struct policy_spec *spec = &s->policies[k];
        double by_keys;
        double est = world_memory_estimate(&s->model, spec->ops, &by_keys);
        /* cache 16 + a bit (no locks: neither takes them), episode 24 +
         * a bit, counter 4, + per 16 */
        ck_assert_double_eq(by_keys, 1e6 * (k == 0 ? 44.25 : 60.25));
        size_t before = heap_in_use();
        struct world_params wp = {.model = &s->model, .policy = spec->ops,
                                  .knobs = spec->knobs, .label = spec->label,
                                  .seed = 1};
        char err[256];
        struct world *w = world_create(&wp, err, sizeof err);
        ck_assert_msg(w != NULL, "%s", err);
        double used = (double)(heap_in_use() - before);
        world_destroy(w);
        if (before == 0)
            continue;   /* not glibc's malloc */
        measured++;
        ck_assert_msg(used > 0.97 * by_keys && used < est,
                      "%s: allocated %.1f MB, estimated %.1f MB (%.1f by keys)",
                      spec->label, used / 1e6, est / 1e6, by_keys / 1e6);
    }
#ifndef __SANITIZE_ADDRESS__
    /* with glibc's malloc the allocation was measured, not skipped */
    if (!RUNNING_ON_VALGRIND)
        ck_assert_int_eq(measured, 2);
#endif
    /* the closed loop's workers count too */
    const char *set = "workload.arrivals.process=closed";
    const char *sets[] = {set, "workload.arrivals.workers=1000000"};
    struct scenario *c = load("{}", sets, 2);
    double by_keys;
    double est = world_memory_estimate(&c->model, c->policies[0].ops, &by_keys);
    ck_assert_double_gt(est - by_keys, 1e6 * 16);
    scenario_free(c);
    scenario_free(s);
}
END_TEST

static double world_heap(const struct scenario *s)
{
    const struct policy_spec *spec = &s->policies[0];
    struct world_params wp = {.model = &s->model, .policy = spec->ops,
                              .knobs = spec->knobs, .label = spec->label,
                              .seed = 1};
    char err[256];
    size_t before = heap_in_use();
    struct world *w = world_create(&wp, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    double used = (double)(heap_in_use() - before);
    world_destroy(w);
    return used;
}

/* An slo holds its SLO window's windows, each with its two histograms,
 * until the SLO window closes: the estimate counts them, and a world
 * with a 100-window SLO window allocates that much more than without. */
START_TEST(the_windows_an_slo_holds_count)
{
    const char *sets[] = {"slo={\"p99\": \"1s\", \"window\": \"100s\"}"};
    struct scenario *plain = load("{\"duration\": \"200s\"}", NULL, 0);
    struct scenario *slo = load("{\"duration\": \"200s\"}", sets, 1);
    const struct policy_ops *ops = plain->policies[0].ops;
    double more = world_memory_estimate(&slo->model, ops, NULL) -
                  world_memory_estimate(&plain->model, ops, NULL);
    ck_assert_double_gt(more, 100 * 2 * sizeof(struct hist));
    double used = world_heap(slo) - world_heap(plain);
    /* glibc's malloc only (see above); within 10 % of the estimate */
    if (heap_in_use() > 0)
        ck_assert_msg(used > 0.9 * more && used < 1.1 * more,
                      "an slo of 100 windows allocated %.0f bytes more, "
                      "estimated %.0f", used, more);
    scenario_free(plain);
    scenario_free(slo);
}
END_TEST

START_TEST(problems_name_the_field_and_where_it_came_from)
{
    const char *json = "{\n  \"workload\": {\"keys\": {\"count\": 1000000000, "
                       "\"popularity\": \"zipf\"}}\n}";
    struct scenario *s = load(json, NULL, 0);
    char *msg = memguard_problem(s, NULL, 0, 1, NULL, 4.0 * (1 << 30));
    ck_assert_str_eq(msg, "m.json:2:34: workload.keys.count: 1000000000 keys "
                          "need about 41 GB at start, over the limit of 4 GB "
                          "(raise it with --max-memory)");
    free(msg);
    ck_assert_ptr_null(memguard_problem(s, NULL, 0, 1, NULL, 200.0 * (1 << 30)));
    /* several worlds at once (sweep -j) */
    msg = memguard_problem(s, NULL, 0, 4, NULL, 100.0 * (1 << 30));
    ck_assert_ptr_nonnull(strstr(msg, "in each of 4 worker processes (165 GB "
                                      "in all), over the limit of 100 GB "
                                      "(raise it with --max-memory, or run "
                                      "fewer at once with -j)"));
    free(msg);
    scenario_free(s);

    /* what the results take counts too: 7 KB a replication and policy for
     * run, 27 KB a point and policy for sweep (the mean, the half-width
     * and the pooled totals of each metric, with room for a fleet's pool
     * peaks) */
    s = load("{}", NULL, 0);
    struct memguard_results kept;
    memguard_run_results(10000, 32, &kept);
    msg = memguard_problem(s, NULL, 0, 1, &kept, 1.0 * (1 << 30));
    ck_assert_str_eq(msg, "stampede run: --reps 10000 with 32 policies: the "
                          "results need about 2.7 GB (2.7 GB in all), over the "
                          "limit of 1 GB (raise it with --max-memory, or run "
                          "fewer replications)");
    free(msg);
    sweep_results_memory(1000000, 5, 1, 2, &kept);
    msg = memguard_results_problem(&kept, 4.0 * (1 << 30));
    ck_assert_str_eq(msg, "stampede sweep: a grid of 1000000 points with 1 "
                          "policy: the results need about 25 GB (25 GB in "
                          "all), over the limit of 4 GB (raise it with "
                          "--max-memory, or vary fewer values)");
    free(msg);
    ck_assert_ptr_null(memguard_results_problem(&kept, 26.0 * (1 << 30)));
    scenario_free(s);

    const char *set = "workload.keys.count=100000000";
    s = load("{}", &set, 1);
    msg = memguard_problem(s, NULL, 0, 1, NULL, 1.0 * (1 << 30));
    ck_assert_str_eq(msg, "--set workload.keys.count=100000000: "
                          "workload.keys.count: 100000000 keys need about "
                          "4.1 GB at start, over the limit of 1 GB (raise it "
                          "with --max-memory)");
    free(msg);
    scenario_free(s);
}
END_TEST

/* The process's own limits (ulimit -v) are checked too, whatever
 * --max-memory says, and they lower the default limit: in a child with
 * 64 MB of address space left, a world of 2 x 10^6 keys (about 90 MB) is
 * refused naming its field, one of 1000 keys is not. (Not under
 * valgrind, whose address space is its own.) */
START_TEST(the_address_space_limit_counts)
{
    if (RUNNING_ON_VALGRIND)
        return;
    struct scenario *big = load("{\n  \"workload\": {\"keys\": {\"count\": "
                                "2000000, \"popularity\": \"zipf\"}}\n}",
                                NULL, 0);
    struct scenario *small = load("{\"workload\": {\"keys\": {\"count\": "
                                  "1000}}}", NULL, 0);
    ck_assert(isinf(memguard_process_room()) ||
              memguard_process_room() > 64.0 * (1 << 20));
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        /* the address space now, plus 64 MB */
        FILE *f = fopen("/proc/self/statm", "r");
        unsigned long pages = 0;
        if (!f || fscanf(f, "%lu", &pages) != 1)
            _exit(3);
        fclose(f);
        struct rlimit r;
        getrlimit(RLIMIT_AS, &r);
        r.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGE_SIZE) +
                     (64u << 20);
        if (setrlimit(RLIMIT_AS, &r) != 0)
            _exit(4);
        double room = memguard_process_room();
        char *refused = memguard_problem(big, NULL, 0, 1, NULL,
                                         4.0 * (1 << 30));
        char *taken = memguard_problem(small, NULL, 0, 1, NULL,
                                       4.0 * (1 << 30));
        char line[1024];
        int n = snprintf(line, sizeof line, "%.0f|%.0f|%s|%s", room,
                         memguard_default_limit(),
                         refused ? refused : "(none)",
                         taken ? taken : "(none)");
        _exit(write(fds[1], line, (size_t)n) == n ? 0 : 5);
    }
    close(fds[1]);
    char line[1024] = "";
    ssize_t got = read(fds[0], line, sizeof line - 1);
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the child failed: %d", status);
    ck_assert_int_gt(got, 0);
    double room, limit;
    char refused[900];
    ck_assert_int_eq(sscanf(line, "%lf|%lf|%899[^|]", &room, &limit,
                            refused), 3);
    /* what the child allocated after reading statm comes off the 64 MB */
    ck_assert_msg(room > 40.0 * (1 << 20) && room <= 64.0 * (1 << 20),
                  "room %.0f", room);
    ck_assert_double_eq(limit, room / 2);
    ck_assert_msg(strstr(refused, "m.json:2:34: workload.keys.count: a world "
                                  "needs about ") == refused, "%s", refused);
    ck_assert_msg(strstr(refused, "the process's limits leave it (ulimit -v "
                                  "or -d: raise them, or make the scenario "
                                  "smaller)") != NULL, "%s", refused);
    ck_assert_msg(strstr(line, "|(none)") != NULL, "%s", line);
    scenario_free(big);
    scenario_free(small);
}
END_TEST

/* Through the command line: refused with status 2 before anything is
 * created; check reports the estimate. */
START_TEST(commands_refuse_before_running)
{
    char *dir = make_temp_dir();
    char *file = write_text_file(dir, "big.json",
                                 "{\"workload\": {\"keys\": {\"count\": "
                                 "1000000000}}}");
    char out[600];
    snprintf(out, sizeof out, "%s/out", dir);
    const char *expect = "big.json:1:33: workload.keys.count: 1000000000 keys "
                         "need about 41 GB at start, over the limit of 4 GB "
                         "(raise it with --max-memory)\n";
    const char *run[] = {"run", file, "--out", out, "--max-memory", "4G",
                         NULL};
    const char *check[] = {"check", file, "--max-memory", "4G", NULL};
    const char *sweep[] = {"sweep", file, "--vary", "seed=1,2", "-j", "1",
                           "--out", out, "--max-memory", "4G", NULL};
    const char *const *cmds[] = {run, check, sweep};
    for (int i = 0; i < 3; i++) {
        struct cmd_result r = run_stampede(cmds[i]);
        ck_assert_int_eq(r.status, 2);
        ck_assert_msg(strstr(r.err, expect) != NULL, "%s", r.err);
        ck_assert_str_eq(r.out, "");
        struct stat st;
        ck_assert_int_ne(stat(out, &st), 0);   /* nothing created */
        cmd_result_free(&r);
    }
    char *small = write_text_file(dir, "small.json",
                                  "{\"workload\": {\"keys\": {\"count\": "
                                  "1000000}}}");
    const char *ok[] = {"check", small, NULL};
    struct cmd_result r = run_stampede(ok);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "memory    about 46 MB at start; "
                                        "limit "));
    cmd_result_free(&r);
    const char *bad[] = {"run", small, "--max-memory", "lots", NULL};
    r = run_stampede(bad);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "stampede run: --max-memory: expected "
                                        "a size such as 4G, 500M or 64K, got "
                                        "'lots'"));
    cmd_result_free(&r);
    remove_tree(dir);
    free(file);
    free(small);
    free(dir);
}
END_TEST

TEST_SUITE(memguard_suite)
{
    Suite *s = suite_create("memguard");
    TCase *tc = tcase_create("memory at start");
    tcase_add_test(tc, sizes_parse_and_print);
    tcase_add_test(tc, estimate_matches_what_a_world_allocates);
    tcase_add_test(tc, the_windows_an_slo_holds_count);
    tcase_add_test(tc, problems_name_the_field_and_where_it_came_from);
    tcase_add_test(tc, the_address_space_limit_counts);
    tcase_add_test(tc, commands_refuse_before_running);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
