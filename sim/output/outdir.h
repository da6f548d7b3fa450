/*
 * outdir.h — a results directory written whole or not at all, by one
 * writer at a time.
 *
 * A command that writes a results directory (run, sweep, calibrate,
 * compare) takes DIR's lock (dirlock.h: a second command aimed at DIR is
 * refused at once), writes every file into a fresh temporary directory
 * beside it (".NAME.tmp-XXXXXX"), then outdir_commit() puts that
 * directory in DIR's place in one step. A rerun into DIR so leaves no
 * file of the earlier results behind (an old figure next to new data
 * would be read as the new run's).
 *
 * A command that cannot finish writing (a full disk, a file size limit,
 * a failed replacement) leaves DIR as it was and keeps what it wrote
 * aside, in "DIR.unfinished-PID", which its error names (outdir_fail).
 * A command that stops before it measured anything removes its
 * temporary directory (outdir_abort). Whatever stops a command short of
 * SIGKILL ends in one of the three; what a SIGKILL leaves (the temporary
 * directory, the lock file) the next command on DIR removes, once it
 * holds the lock.
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

#include "output/dirlock.h"

struct outdir {
    char *path;          /* DIR, as given */
    char *tmp;           /* the directory being written: write the files
                            here */
    bool existed;        /* DIR was there at the start */
    struct dirlock lock;
};

/* Whether DIR may be replaced by a command's results (see above); false
 * with a message naming what is in the way. */
bool outdir_check(const char *dir, char *err, size_t n);

/* Before any work: checks DIR (outdir_check; a DIR that exists must be
 * writable, its files removed when replaced), creates its parents, takes
 * its lock, removes what a killed command left beside it, and creates
 * the temporary directory (d->tmp), which proves the parent writable.
 * false with a message (another writer: its PID). */
bool outdir_begin(struct outdir *d, const char *dir, char *err, size_t n);

/* Puts d->tmp in DIR's place (outdir_replace) and drops the lock; d->tmp
 * is NULL after it, d->path stays until outdir_abort. On failure DIR is
 * left as it was, the new results are kept aside as outdir_fail keeps
 * them, and false returned with the message. */
bool outdir_commit(struct outdir *d, char *err, size_t n);

/* A write failed with `why`: DIR is left as it was; what d->tmp holds
 * is kept as "DIR.unfinished-PID" (nothing kept when it is empty); the
 * lock is dropped and d->tmp is NULL after it. Into err: `why` (the
 * temporary directory named as DIR, where the user will look for the
 * file), then what became of DIR and where the new files are. */
void outdir_fail(struct outdir *d, const char *why, char *err, size_t n);

/* Removes the temporary directory (if still there: a command stopped
 * before it measured anything), drops the lock and frees d. Always
 * called last, after outdir_commit or outdir_fail too. */
void outdir_abort(struct outdir *d);

/* For a command that adds files to an existing DIR in place (plot,
 * report): DIR's lock, and the temporary files a command killed while
 * writing there left removed. false with a message. */
bool outdir_lock_in_place(struct dirlock *l, const char *dir, char *err,
                          size_t n);

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
