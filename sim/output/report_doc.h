/*
 * report_doc.h — `stampede report DIR`: the page to paste into a
 * postmortem or a design review, as DIR/report.md (beside the figures it
 * links) and DIR/report.html (self-contained: the figures embedded as
 * data: URIs, the style inline, no script, nothing fetched).
 *
 * Both hold, in order: the scenario in words (check's description, and
 * its warnings), the policies compared with the first (comparison.h,
 * the run table's metrics), the SLO's verdict per policy, the figures,
 * and a calibration when there is one.
 */
#ifndef STAMPEDE_REPORT_DOC_H
#define STAMPEDE_REPORT_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "output/comparison.h"
#include "scenario/scenario.h"

struct report_doc {
    const char *dir;                   /* the run's results */
    const char *shown;                 /* the directory as messages name it */
    const struct scenario *scenario;   /* DIR/scenario.json, loaded */
    const char *description;           /* what `check` prints for it */
    const char *const *warnings;       /* scenario_warnings */
    size_t n_warnings;
    const struct comparison *comparison;   /* of the run's policies */
    const char *calibration;           /* a folder with calibrate.json, or
                                          NULL */
};

/* The figures a report shows, if DIR has them: the run's four, and
 * calibrate.png (of the calibration folder). NULL-terminated. */
extern const char *const REPORT_FIGURES[];

/* Writes DIR/report.md and DIR/report.html (each atomically), and with a
 * calibration from another folder a copy of its calibrate.png into DIR,
 * which report.md links. false with a message naming the file. */
bool report_doc_write(const struct report_doc *r, char *err, size_t n);

#endif
