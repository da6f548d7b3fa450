/*
 * schema_doc.h — the words and limits of the scenario schema, from the
 * tables the loader reads them with (scenario_schema.h, the policy
 * registry, the distributions), for `stampede check --schema` and the
 * generated table of docs/scenarios.md: a word or a policy added to the
 * code shows in the docs, and `make test` fails until they are
 * regenerated.
 */
#ifndef STAMPEDE_SCHEMA_DOC_H
#define STAMPEDE_SCHEMA_DOC_H

#include <stdio.h>

#include "output/table.h"

/* f: text (a line per field), json or markdown (csv: as text). */
void schema_doc_write(FILE *out, enum out_format f);

#endif
