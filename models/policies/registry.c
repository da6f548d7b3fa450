/*
 * registry.c — the one table that names every policy.
 */
#include <string.h>

#include "policies.h"

extern const struct policy_ops policy_none;
extern const struct policy_ops policy_lock;
extern const struct policy_ops policy_per;

static const struct policy_ops *const REGISTRY[] = {
    &policy_none,
    &policy_lock,
    &policy_per,
    NULL,
};

const struct policy_ops *const *policy_all(void) { return REGISTRY; }

const struct policy_ops *policy_find(const char *name)
{
    for (const struct policy_ops *const *p = REGISTRY; *p; p++)
        if (strcmp((*p)->name, name) == 0)
            return *p;
    return NULL;
}
