/*
 * setpath.h — PATH=VALUE overrides applied to a scenario's JSON tree
 * (`--set`, and the points of `sweep --vary`).
 *
 * Paths name fields as error messages do: `database.cores`,
 * `policies[1].beta` (by index), `policies[per].beta` (by label; a policy
 * without a label is found by its policy name). Missing objects on the way
 * are created, so a field left to its default can be set.
 *
 * The value is JSON when it starts with '{', '[' or '"'. Otherwise it is
 * kept as text and read as the field's own type when the scenario is parsed
 * (a number, a duration, a boolean, a string): the node is registered with
 * cfg_mark_raw for that.
 */
#ifndef STAMPEDE_SETPATH_H
#define STAMPEDE_SETPATH_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "kernel/config.h"

/* Splits "PATH=VALUE". Returns false if there is no '=' or no path. */
bool setpath_split(const char *arg, char *path, size_t path_n,
                   const char **value);

/* Applies value at path in root. On success writes the path in index form
 * (labels resolved: "policies[2].beta") into canon. On failure returns
 * false with a message (without the argument) in err. */
bool setpath_apply(cJSON *root, const char *path, const char *value,
                   struct cfg *cfg, char *canon, size_t canon_n, char *err,
                   size_t err_n);

/* Checks a path's syntax only. */
bool setpath_valid(const char *path, char *err, size_t err_n);

#endif
