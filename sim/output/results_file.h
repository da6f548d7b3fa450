/*
 * results_file.h — reading back what stampede wrote into a results
 * directory (summary.json, scenario.json, calibrate.json, a CSV), for the
 * commands that start from one: plot, compare, report.
 */
#ifndef STAMPEDE_RESULTS_FILE_H
#define STAMPEDE_RESULTS_FILE_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The whole file, NUL-terminated; NULL with "PATH: cannot read: why" in
 * err (also for a file above 64 MB: results files are small). */
char *results_read_text(const char *path, char *err, size_t n);

/* The file as a JSON object; NULL with a message naming it in err. */
cJSON *results_read_json(const char *path, char *err, size_t n);

#endif
