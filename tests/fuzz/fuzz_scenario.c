/*
 * fuzz_scenario.c — libFuzzer over the scenario loader and `--set`.
 *
 * An input is a scenario's text, then up to eight --set arguments, each
 * after a 0x01 byte (a control character, invalid anywhere in JSON, so a
 * valid scenario never contains one by accident):
 *
 *     {"duration": "5s"} \x01 database.cores=4 \x01 policies[0].label=x
 *
 * For each input the loader must return a scenario or errors, never
 * crash, leak or hang. When it returns a scenario, the rest of what a
 * command does before running is exercised too, and one property is
 * checked: the resolved scenario written as JSON (scenario.json) loads
 * again (DESIGN.md §6: "a run can be reproduced").
 *
 * Built and run by `make fuzz` (clang, -fsanitize=fuzzer,address,undefined).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/memguard.h"
#include "experiment/sweep.h"
#include "scenario/scenario.h"

#define MAX_SETS 8
#define SEPARATOR '\x01'

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Output of the description goes nowhere, but through the same code. */
static FILE *sink(void)
{
    static FILE *null;
    if (!null)
        null = fopen("/dev/null", "w");
    return null;
}

static void exercise(const struct scenario *s)
{
    scenario_describe(s, sink());
    memguard_describe(s, memguard_default_limit(), sink());
    struct memguard_results kept;
    sweep_results_memory(1000, 10, s->n_policies, 4, &kept);
    char *problem = memguard_problem(s, NULL, 0, 4, &kept, 1e9);
    free(problem);
    char origin[600];
    scenario_origin(s, "workload.keys.count", origin, sizeof origin);
    scenario_origin(s, "policies[0].label", origin, sizeof origin);

    /* scenario.json must load again */
    cJSON *tree = scenario_to_json(s);
    if (!tree)
        return;   /* out of memory */
    char *text = cJSON_Print(tree);
    cJSON_Delete(tree);
    if (!text)
        return;
    struct scenario_errors errors = {0};
    struct scenario *again = scenario_load_text("scenario.json", text,
                                                strlen(text), NULL, 0, &errors);
    if (!again) {
        fprintf(stderr, "the resolved scenario does not load again:\n%s\n",
                text);
        scenario_errors_print(&errors, stderr);
        abort();
    }
    scenario_free(again);
    scenario_errors_free(&errors);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const uint8_t *sep = memchr(data, SEPARATOR, size);
    size_t len = sep ? (size_t)(sep - data) : size;

    /* the --set arguments, as NUL-terminated strings like argv's */
    char *sets[MAX_SETS];
    size_t n_sets = 0;
    while (sep && n_sets < MAX_SETS) {
        const uint8_t *start = sep + 1;
        sep = memchr(start, SEPARATOR, size - (size_t)(start - data));
        size_t n = sep ? (size_t)(sep - start) : size - (size_t)(start - data);
        sets[n_sets] = malloc(n + 1);
        if (!sets[n_sets])
            break;
        memcpy(sets[n_sets], start, n);
        sets[n_sets][n] = '\0';
        n_sets++;
    }

    struct scenario_errors errors = {0};
    struct scenario *s = scenario_load_text("fuzz.json", text, len,
                                            (const char *const *)sets, n_sets,
                                            &errors);
    if (s)
        exercise(s);
    scenario_free(s);
    scenario_errors_free(&errors);
    for (size_t i = 0; i < n_sets; i++)
        free(sets[i]);
    return 0;
}
