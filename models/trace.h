/*
 * trace.h — a request trace, replayed: arrivals and keys come from a log
 * of production requests instead of the generators of workload.h.
 *
 * Formats (both may be gzip-compressed):
 *   csv        a header row names the columns: time and key, optionally
 *              op and ttl, in any order ("time,key,op,ttl"); time is
 *              seconds or an RFC 3339 date and time.
 *   twemcache  the public production cache traces' layout, no header:
 *              timestamp,key,key size,value size,client id,operation,TTL.
 * Operations: get, gets (reads: they go through the policy); set, add,
 * replace, cas, append, prepend, incr, decr (writes: the value is written
 * at that instant, with the row's TTL if it gives one above 0, else the
 * cache's); delete (the value is dropped). Without an op column every row
 * is a read.
 *
 * Time: t = 0 is the trace's first timestamp, and the replay clock is the
 * trace's clock divided by `speed`. In a trace whose timestamps are all
 * whole seconds, the k rows of second s arrive at s + i/k, i = 0..k-1 (in
 * file order): the trace cannot say when in its second each arrived, and
 * spreading them evenly keeps a second's burst from becoming one instant.
 * Timestamps must not decrease.
 *
 * Keys are strings, mapped to dense ids 0, 1, 2, ... in the order they
 * first appear (keymap.h). The trace is read twice: once when the scenario
 * is loaded (trace_scan: every row checked, keys counted, so that the
 * per-key arrays of a world are sized before it starts and a bad row is a
 * FILE:LINE:COL error before anything runs), and once per run, streamed
 * (trace_reader). Memory grows with the number of distinct keys, never
 * with the trace's length.
 */
#ifndef STAMPEDE_TRACE_H
#define STAMPEDE_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/datafile.h"

enum trace_format { TRACE_CSV, TRACE_TWEMCACHE };
enum trace_op { TRACE_READ, TRACE_WRITE, TRACE_DELETE };

/* The format names, NULL-terminated, in enum order. */
extern const char *const TRACE_FORMAT_NAMES[];

/* What a pass over the whole trace found. */
struct trace_stats {
    uint64_t rows;              /* requests (data rows) */
    uint64_t reads, writes, deletes;
    long keys;                  /* distinct keys */
    double key_bytes;           /* their bytes in all */
    double first, last;         /* the first and last timestamp, seconds */
    bool whole_seconds;         /* every timestamp a whole second */
    double span;                /* trace seconds from the first arrival to
                                   the end of the trace: last - first, + 1
                                   for whole seconds (the last second's) */
    uint64_t hottest_reads;     /* reads of the most read key */
    uint64_t peak_reads;        /* reads in the busiest trace second (from
                                   the first timestamp) */
};

struct trace_config {
    const char *file;           /* the path to read */
    enum trace_format format;
    double speed;               /* replay clock = trace clock / speed */
    struct trace_stats stats;   /* from trace_scan */
};

/* Reads the whole trace, checking every row. False with the place and the
 * problem in *err (line 0: opening or reading the file). */
bool trace_scan(const char *path, enum trace_format format,
                struct trace_stats *out, struct data_error *err);

/* One row, on the replay clock. */
struct trace_record {
    double at;                  /* seconds */
    long key;                   /* dense id */
    bool first;                 /* the key's first appearance */
    enum trace_op op;
    double ttl;                 /* writes: seconds; 0: the cache's TTL */
};

struct trace_reader;

/* NULL with the problem in *err. */
struct trace_reader *trace_reader_open(const struct trace_config *c,
                                       struct data_error *err);
void trace_reader_close(struct trace_reader *r);

/* 1: a record; 0: the end; -1: a problem (the file changed since it was
 * scanned, or memory ran out), in *err. */
int trace_reader_next(struct trace_reader *r, struct trace_record *out,
                      struct data_error *err);

/* Bytes a reader of the scanned trace holds at most (its key map). */
double trace_reader_bytes(const struct trace_stats *s);

#endif
