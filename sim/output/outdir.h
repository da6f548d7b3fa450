/*
 * outdir.h — a results directory written whole.
 *
 * A command that writes a results directory (run, sweep, calibrate,
 * compare) writes every file into a fresh temporary directory beside it,
 * then outdir_commit() puts that directory in DIR's place. A rerun into
 * DIR so leaves no file of the earlier results behind (an old figure next
 * to new data would be read as the new run's), and a run that fails
 * before its commit leaves the earlier results as they were.
 *
 * Only a directory stampede could have written is replaced: one that is
 * absent, empty, or holds nothing but the files stampede writes (no
 * subdirectory). Anything else (--out ., --out ~) is refused before a run
 * starts, so that no one's files are ever removed.
 */
#ifndef STAMPEDE_OUTDIR_H
#define STAMPEDE_OUTDIR_H

#include <stdbool.h>
#include <stddef.h>

struct outdir {
    char *path;    /* DIR, as given */
    char *tmp;     /* the directory being written: write the files here */
};

/* Whether DIR may be replaced by a command's results (see above); false
 * with a message naming what is in the way. */
bool outdir_check(const char *dir, char *err, size_t n);

/* Checks DIR, creates its parents and the temporary directory beside it
 * (d->tmp). false with a message. */
bool outdir_begin(struct outdir *d, const char *dir, char *err, size_t n);

/* Puts d->tmp in DIR's place (outdir_replace) and frees d. On failure the
 * temporary directory is removed, DIR left as it was, and false returned
 * with a message. */
bool outdir_commit(struct outdir *d, char *err, size_t n);

/* Removes the temporary directory and frees d; DIR is untouched. */
void outdir_abort(struct outdir *d);

/* The replacement itself: `fresh`, a directory, takes the name `dir`, and
 * whatever `dir` held is removed. With renameat2(RENAME_EXCHANGE) the two
 * names swap at once, so that DIR never goes missing for a reader; where
 * the file system cannot swap, DIR is renamed aside first. The earlier
 * DIR is checked again (outdir_check) first: false, with nothing changed,
 * if it now holds what stampede did not write. */
bool outdir_replace(const char *fresh, const char *dir, char *err, size_t n);

/* Removes a directory tree (files and subdirectories, symlinks not
 * followed); false if some of it stayed. */
bool outdir_remove_tree(const char *path);

#endif
