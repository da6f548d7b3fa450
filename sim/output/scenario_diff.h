/*
 * scenario_diff.h — where two scenarios as run differ: the fields of one
 * scenario.json (what `run` wrote, after --set) whose values are not the
 * other's, for `stampede compare` to say what separates its folders
 * ("database.cores 8 -> 16") beside how their results differ.
 *
 * Fields are named by the paths --set takes; a policy by its label when
 * both scenarios have a policy of that label at that place
 * ("policies[lock].lock_ttl"), else by its index.
 */
#ifndef STAMPEDE_SCENARIO_DIFF_H
#define STAMPEDE_SCENARIO_DIFF_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "kernel/config.h"

struct scenario_difference {
    char path[CFG_PATH_MAX];
    const cJSON *a, *b;      /* the values (in the two trees); NULL: the
                                field is absent there */
};

/* The fields of b whose values differ from a's, depth first in a's
 * order, then b's fields a lacks; the first `max` into out. Returns how
 * many differ in all. O(size of the two trees x their widest object). */
size_t scenario_diff(const cJSON *a, const cJSON *b,
                     struct scenario_difference *out, size_t max);

/* A value as compact JSON, cut to n - 1 bytes ("..." ending a cut one);
 * "absent" for NULL. */
void scenario_diff_value(const cJSON *v, char *out, size_t n);

#endif
