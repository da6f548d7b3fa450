/*
 * timestamp.h — times as data files write them: a number of seconds, or
 * an RFC 3339 date and time as metric systems export them
 * ("2024-05-01T12:00:00Z", "2024-05-01 12:00:00.250+02:00"; without a
 * zone, as spreadsheets export them, UTC).
 */
#ifndef STAMPEDE_TIMESTAMP_H
#define STAMPEDE_TIMESTAMP_H

#include <stdbool.h>

enum timestamp_form {
    TIMESTAMP_SECONDS,    /* a number */
    TIMESTAMP_RFC3339,    /* a date and time */
};

struct timestamp {
    double seconds;       /* the number; or seconds since 1970-01-01 UTC */
    enum timestamp_form form;
    bool whole;           /* written without a fraction of a second */
};

/* Reads the whole text as a time; false with *why (a short reason) if it
 * is not one. Leap seconds (":60") count as the next second's start. */
bool timestamp_parse(const char *text, struct timestamp *out,
                     const char **why);

#endif
