/*
 * outfile.h — every output file is written through here: to a temporary
 * file in the same directory, renamed over the final name only once
 * complete. A reader never sees a half-written file, and an interrupted or
 * failed write leaves the previous file (if any) untouched.
 */
#ifndef STAMPEDE_OUTFILE_H
#define STAMPEDE_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct outfile {
    FILE *fp;          /* write here between open and commit */
    char *path;        /* the final name */
    char *tmp_path;    /* the temporary name while open */
};

/* Opens a temporary file beside `path`. On failure returns false and puts
 * a message naming the file in err. */
bool outfile_open(struct outfile *f, const char *path, char *err, size_t n);

/* Flushes, closes and renames into place. On failure (a write error, a full
 * disk) the temporary file is removed and false returned with a message. */
bool outfile_commit(struct outfile *f, char *err, size_t n);

/* Closes and removes the temporary file; the final name is untouched. */
void outfile_abort(struct outfile *f);

/* Writes a whole buffer atomically. */
bool outfile_write_all(const char *path, const void *data, size_t len,
                       char *err, size_t n);

/* "PARENT/.BASE" + suffix for `path` ("a/b/" -> "a/.b" + suffix; "b" ->
 * "./.b" + suffix): the hidden names stampede keeps beside a file or a
 * directory while it writes it. NULL if memory runs out. */
char *outfile_beside(const char *path, const char *suffix);

/* Creates a directory and its parents (like mkdir -p). */
bool outfile_mkdirs(const char *dir, char *err, size_t n);

#endif
