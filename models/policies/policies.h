/*
 * policies.h — what every policy file includes. Only the policy files and
 * registry.c (the one table naming them) see it.
 */
#ifndef STAMPEDE_POLICIES_H
#define STAMPEDE_POLICIES_H

#include <stdio.h>

#include "policy.h"

#endif
