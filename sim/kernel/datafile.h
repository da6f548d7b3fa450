/*
 * datafile.h — reading a data file line by line: samples, rate profiles,
 * request traces. The file may be gzip-compressed (zlib reads both forms
 * and tells them apart by the gzip magic bytes), and is streamed through a
 * fixed buffer: memory does not grow with the file, only with its longest
 * line (at most DATAFILE_MAX_LINE).
 *
 * Lines end with "\n" or "\r\n"; a last line without either counts. Lines
 * are numbered from 1, columns (bytes) from 1, so that every mistake can
 * be reported as FILE:LINE:COL.
 */
#ifndef STAMPEDE_DATAFILE_H
#define STAMPEDE_DATAFILE_H

#include <stddef.h>

/* Longer lines are refused: no data file of ours has one, and a binary
 * file opened by mistake must not be read whole into one line. */
#define DATAFILE_MAX_LINE (1u << 20)

struct datafile;

/* A mistake found at a place in a data file: what its readers return, for
 * the caller to report with the file's name. */
struct data_error {
    long line, col;       /* 1-based; 0: not at a line, or a column */
    char message[256];
};

void data_error_set(struct data_error *e, long line, long col,
                    const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The reader's own error (an unreadable file, a NUL byte, a long line). */
void data_error_from(struct data_error *e, const struct datafile *f);

enum datafile_status {
    DATAFILE_LINE,    /* a line was read */
    DATAFILE_END,     /* the end of the file */
    DATAFILE_ERROR,   /* see datafile_error (and datafile_line) */
};

/* Opens `path` for reading; it must be a regular file (a FIFO or a device
 * is refused before it is read). NULL with the reason in err. */
struct datafile *datafile_open(const char *path, char *err, size_t n);
void datafile_close(struct datafile *f);

/* The next line, without its end of line, NUL-terminated, in a buffer
 * that the next call reuses (the caller may modify it). A line with a
 * NUL byte, or longer than DATAFILE_MAX_LINE, is an error; so is a file
 * that cannot be read or decompressed. */
enum datafile_status datafile_next(struct datafile *f, char **line,
                                   size_t *len);

/* The number of the line last returned, or of the line where the error
 * is (0: before any line). */
long datafile_line(const struct datafile *f);
/* The column of the error in that line (0: none), and what it is. */
long datafile_error_col(const struct datafile *f);
const char *datafile_error(const struct datafile *f);

#endif
