/*
 * runner.c — runs every registered suite (see support.h).
 *
 *   TEST_SUITE=name   run only the suite of that name
 *   CK_FORK=no        run in-process (for valgrind and gdb)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "support.h"

int main(void)
{
    gsl_set_error_handler_off();
    const char *only = getenv("TEST_SUITE");
    SRunner *runner = NULL;
    for (size_t i = 0; i < test_suite_count(); i++) {
        Suite *s = test_suite_at(i)();
        if (!runner)
            runner = srunner_create(s);
        else
            srunner_add_suite(runner, s);
    }
    if (!runner) {
        fprintf(stderr, "no test suites registered\n");
        return 1;
    }
    if (only)
        setenv("CK_RUN_SUITE", only, 1);
    srunner_run_all(runner, CK_NORMAL);
    int ran = srunner_ntests_run(runner);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    if (ran == 0) {
        /* a misspelt suite name must not pass as a green run */
        const char *filter = getenv("CK_RUN_SUITE");
        fprintf(stderr, "no test ran (suite filter: %s)\n",
                filter ? filter : "none");
        return 1;
    }
    return failed == 0 ? 0 : 1;
}
