/*
 * registry.c — the one table that names every policy.
 */
#include <string.h>

#include "policies.h"

/* One row per policy, in the order messages and outputs list them:
 * X(name) is the `const struct policy_ops policy_name` of
 * models/policies/name.c. Adding a policy adds its row, nothing else. */
#define POLICIES(X) \
    X(none)          \
    X(lock)          \
    X(per)           \
    X(singleflight)  \
    X(swr)           \
    X(lease)         \
    X(xlocked)       \
    X(refresh_ahead)

#define DECLARE(name) extern const struct policy_ops policy_##name;
POLICIES(DECLARE)

#define ENTRY(name) &policy_##name,
static const struct policy_ops *const REGISTRY[] = {POLICIES(ENTRY) NULL};

const struct policy_ops *const *policy_all(void) { return REGISTRY; }

const struct policy_ops *policy_find(const char *name)
{
    for (const struct policy_ops *const *p = REGISTRY; *p; p++)
        if (strcmp((*p)->name, name) == 0)
            return *p;
    return NULL;
}
