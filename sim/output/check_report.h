/*
 * check_report.h — `stampede check`'s description of a scenario for tools
 * and documents: the text `check` prints (scenario_describe, then the
 * memory line) cut into its sections — "scenario", "run", "workload",
 * ... each a name at the start of a line, its lines after it — and the
 * warnings about the scenario.
 */
#ifndef STAMPEDE_CHECK_REPORT_H
#define STAMPEDE_CHECK_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "output/table.h"
#include "scenario/scenario.h"

struct check_report {
    const struct scenario *scenario;
    const char *description;           /* the text check prints */
    const char *const *warnings;       /* each without "warning: " */
    size_t n_warnings;
};

/* f: json ({"tool", "schema_version", "scenario", "file", "valid",
 * "sections": [{"name", "lines"}], "warnings"}), csv (section,text: a row
 * per line) or markdown (a table of the sections, then the warnings). */
void check_report_write(FILE *out, const struct check_report *r,
                        enum out_format f);

/* The description alone as a Markdown table (for report.md). */
void check_report_markdown(FILE *out, const char *description);

/* The same as HTML: a <table> of the sections, text escaped. */
void check_report_html(FILE *out, const char *description);

/* Text with &, <, > and " escaped for HTML. */
void html_text(FILE *out, const char *text);

#endif
