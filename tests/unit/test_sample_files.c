/*
 * test_sample_files.c — the data files in scenarios/data/ are the
 * project's own: build/gen-samples (tools/gen_samples.c) writes them again
 * byte for byte, and the scenarios that use them load.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../support.h"

extern char **environ;

static const char *const FILES[] = {"requests.csv", "requests.twemcache",
                                    "rate.csv", "db_latency.csv",
                                    "recompute_ms.txt"};

START_TEST(the_generator_writes_the_files_in_the_tree)
{
    const char *gen = getenv("GEN_SAMPLES") ? getenv("GEN_SAMPLES")
                                            : "build/gen-samples";
    char *tmp = make_temp_dir();
    char *argv[] = {(char *)gen, tmp, NULL};
    pid_t pid;
    ck_assert_msg(posix_spawn(&pid, gen, NULL, NULL, argv, environ) == 0,
                  "cannot run %s (make build/gen-samples)", gen);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++) {
        char tree[256];
        snprintf(tree, sizeof tree, "scenarios/data/%s", FILES[i]);
        char *made = path_in(tmp, FILES[i]);
        size_t na, nb;
        char *a = read_text_file(tree, &na), *b = read_text_file(made, &nb);
        ck_assert_msg(a != NULL, "%s: run the tests from the repository's "
                      "root", tree);
        ck_assert_msg(b && na == nb && memcmp(a, b, na) == 0, "%s is not what "
                      "build/gen-samples writes (make samples)", tree);
        ck_assert_uint_gt(na, 100);
        free(a);
        free(b);
        free(made);
    }
    remove_tree(tmp);
    free(tmp);
}
END_TEST

TEST_SUITE(sample_files_suite)
{
    Suite *s = suite_create("sample_files");
    TCase *tc = tcase_create("files");
    tcase_add_test(tc, the_generator_writes_the_files_in_the_tree);
    suite_add_tcase(s, tc);
    return s;
}
