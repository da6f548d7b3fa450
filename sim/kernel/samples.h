/*
 * samples.h — numbers measured in production, read from data files: one
 * sample a line (a recompute time, a query latency), or the buckets of a
 * histogram as `le,count` rows.
 *
 * A value is a number in the file's unit, or a duration with its own
 * ("12.5ms"); it must be finite and >= 0. Blank lines and lines starting
 * with '#' are skipped; so is a first line that starts with a letter (a
 * column name), so that a column exported with its header reads as it is.
 * Files may be gzip-compressed (datafile.h).
 */
#ifndef STAMPEDE_SAMPLES_H
#define STAMPEDE_SAMPLES_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/datafile.h"

/* Unit names ("ns", "us", "ms", "s", "m", "h"), NULL-terminated, and the
 * seconds of each. */
extern const char *const SAMPLE_UNITS[];
double sample_unit_seconds(int unit);

/* Reads a value of a data file or of a list: a number times `unit`
 * seconds, or a duration; "+Inf" too when inf_ok (stored as INFINITY).
 * False with *why (for "expected ..., got ...") otherwise. */
bool sample_parse(const char *text, double unit, bool inf_ok, double *out,
                  const char **why);

/* Every sample of the file at `path`, in seconds (unit: seconds per
 * number), at most `max` of them; *out is the caller's to free. False
 * with the place and the problem in *err (line 0: opening or reading). */
bool samples_read(const char *path, double unit, size_t max, double **out,
                  size_t *n, struct data_error *err);

/* Whether a bucket (le, count) may follow the one before (prev_le,
 * prev_count; first: there is none): bounds strictly increase, +Inf comes
 * last, and cumulative counts do not decrease. False with *why and
 * *count_wrong (the count is at fault, not the bound). */
bool bucket_follows(bool first, double prev_le, double prev_count, double le,
                    double count, bool cumulative, const char **why,
                    bool *count_wrong);

/* The rows `le,count` of a histogram file, each checked by
 * bucket_follows: upper bounds in seconds (the last may be +Inf) and
 * their counts as written. *le and *count are the caller's to free. */
bool buckets_read(const char *path, double unit, bool cumulative, size_t max,
                  double **le, double **count, size_t *n,
                  struct data_error *err);

#endif
