/*
 * outdir.c — see outdir.h.
 */
#define _GNU_SOURCE   /* renameat2 */
#include "output/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/strutil.h"
#include "output/outfile.h"

/* The files a results directory of stampede holds: every command's, so
 * that one command may write where another wrote before. A new output
 * file goes here too (the tests rerun each command into its own
 * directory, which fails on a name missing here). */
static const char *const OUR_FILES[] = {
    "timeseries.csv", "summary.json", "scenario.json",      /* run */
    "sweep.csv", "sweep_figures.dat",                       /* sweep */
    "calibrate.json", "calibrate.csv",                      /* calibrate */
    "compare.json", "compare.csv", "compare.md",            /* compare */
    "compare_figure.dat",
    "report.html", "report.md",                             /* report */
    "manifest.json", "replications.jsonl",       /* run or sweep --shard */
    NULL,
};

static bool ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

/* A name stampede writes: one of OUR_FILES, a figure, or the temporary
 * file of an atomic write (outfile.h: ".NAME.tmp-XXXXXX"). */
static bool ours(const char *name)
{
    for (size_t i = 0; OUR_FILES[i]; i++)
        if (strcmp(name, OUR_FILES[i]) == 0)
            return true;
    return ends_with(name, ".png") ||
           (name[0] == '.' && strstr(name, ".tmp-") != NULL);
}

bool outdir_check(const char *dir, char *err, size_t n)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return true;   /* absent: created when written */
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, n, "%s: exists and is not a directory", dir);
        return false;
    }
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, n, "%s: cannot read: %s", dir, strerror(errno));
        return false;
    }
    bool ok = true;
    for (struct dirent *e; ok && (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        struct stat est;
        char *path = str_printf("%s/%s", dir, e->d_name);
        bool file = path && lstat(path, &est) == 0 && S_ISREG(est.st_mode);
        free(path);
        if (!file || !ours(e->d_name)) {
            snprintf(err, n, "%s: holds \"%s\", which stampede did not write; "
                     "the results replace the whole directory, so give a new "
                     "or empty one (or one stampede wrote)", dir, e->d_name);
            ok = false;
        }
    }
    closedir(d);
    return ok;
}

/* ".BASE.tmp-" beside dir, split: its directory (`parent`) and the
 * name's start (`prefix`), for mkdtemp and for finding leftovers. false
 * if memory runs out. */
static bool temp_parts(const char *dir, char **parent, char **prefix)
{
    char *beside = outfile_beside(dir, ".tmp-");
    char *slash = beside ? strrchr(beside, '/') : NULL;
    *parent = slash ? str_printf("%.*s", (int)(slash - beside), beside) : NULL;
    *prefix = slash ? str_printf("%s", slash + 1) : NULL;
    free(beside);
    if (*parent && *prefix)
        return true;
    free(*parent);
    free(*prefix);
    return false;
}

/* Whether `name` is a temporary name made from `prefix`: the prefix and
 * the six characters mkstemp or mkdtemp put after it. */
static bool temp_of(const char *name, const char *prefix)
{
    size_t p = strlen(prefix);
    return strncmp(name, prefix, p) == 0 && strlen(name + p) == 6;
}

/* Whether `name` is an output file's temporary (outfile.h:
 * ".NAME.tmp-XXXXXX"), whatever NAME (`prefix` unused). */
static bool file_temp(const char *name, const char *prefix)
{
    (void)prefix;
    const char *t = name[0] == '.' ? strstr(name + 1, ".tmp-") : NULL;
    return t && t > name + 1 && strlen(t + 5) == 6;
}

/* Removes what commands killed while writing left in `parent`: the
 * entries for which `is_temp` holds. Only called with the lock held, so
 * that none of them can be a live command's. */
static void remove_leftovers(const char *parent,
                             bool (*is_temp)(const char *name,
                                             const char *prefix),
                             const char *prefix)
{
    DIR *d = opendir(parent);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!is_temp(e->d_name, prefix))
            continue;
        char *path = str_printf("%s/%s", parent, e->d_name);
        if (path)
            outdir_remove_tree(path);
        free(path);
    }
    if (d)
        closedir(d);
}

/* A DIR that is there must let its files be removed when the results
 * replace it (access() answers for root too, who may write anywhere but
 * on a read-only file system). */
static bool replaceable(const char *dir, bool *existed, char *err, size_t n)
{
    struct stat st;
    *existed = stat(dir, &st) == 0;
    if (!*existed || access(dir, W_OK | X_OK) == 0)
        return true;
    snprintf(err, n, "%s: cannot replace the results there: %s", dir,
             strerror(errno));
    return false;
}

/* Everything outdir_begin does once DIR's parent exists and the lock is
 * held: leftovers removed, the temporary directory made. */
static bool make_temp(struct outdir *d, const char *parent,
                      const char *prefix, char *err, size_t n)
{
    remove_leftovers(parent, temp_of, prefix);
    d->tmp = str_printf("%s/%sXXXXXX", parent, prefix);
    if (!d->tmp) {
        snprintf(err, n, "%s: out of memory", d->path);
        return false;
    }
    if (!mkdtemp(d->tmp)) {
        snprintf(err, n, "%s: cannot write beside it (in %s): %s", d->path,
                 parent, strerror(errno));
        free(d->tmp);
        d->tmp = NULL;
        return false;
    }
    /* mkdtemp makes it 0700; results are ordinary directories */
    mode_t mask = umask(0);
    umask(mask);
    chmod(d->tmp, 0777 & ~mask);
    return true;
}

bool outdir_begin(struct outdir *d, const char *dir, char *err, size_t n)
{
    memset(d, 0, sizeof *d);
    d->lock.fd = -1;
    char *parent = NULL, *prefix = NULL;
    if (!outdir_check(dir, err, n))
        return false;
    d->path = str_printf("%s", dir);
    if (!d->path || !temp_parts(dir, &parent, &prefix)) {
        snprintf(err, n, "%s: out of memory", dir);
        free(d->path);
        d->path = NULL;
        return false;
    }
    bool ok = outfile_mkdirs(parent, err, n) &&
              replaceable(dir, &d->existed, err, n) &&
              dirlock_take(&d->lock, dir, err, n) == DIRLOCK_TAKEN &&
              make_temp(d, parent, prefix, err, n);
    free(parent);
    free(prefix);
    if (!ok)
        outdir_abort(d);
    return ok;
}

bool outdir_lock_in_place(struct dirlock *l, const char *dir, char *err,
                          size_t n)
{
    if (dirlock_take(l, dir, err, n) != DIRLOCK_TAKEN)
        return false;
    remove_leftovers(dir, file_temp, NULL);
    return true;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return (flag == FTW_DP ? rmdir(path) : unlink(path)) == 0 ? 0 : -1;
}

bool outdir_remove_tree(const char *path)
{
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0;
}

/* Where renameat2 cannot swap: DIR aside under a temporary name, the
 * fresh one in its place, then the old one removed. */
static bool replace_in_steps(const char *fresh, const char *dir,
                             char *err, size_t n)
{
    char *aside = outfile_beside(dir, ".tmp-XXXXXX");
    bool ok = aside && mkdtemp(aside) && rename(dir, aside) == 0;
    if (ok && rename(fresh, dir) != 0) {
        int e = errno;
        rename(aside, dir);   /* put the earlier results back */
        errno = e;
        ok = false;
    }
    if (!ok)
        snprintf(err, n, "%s: cannot replace it: %s", dir, strerror(errno));
    if (aside)
        outdir_remove_tree(aside);
    free(aside);
    return ok;
}

bool outdir_replace(const char *fresh, const char *dir, char *err, size_t n)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (rename(fresh, dir) == 0)
            return true;
        snprintf(err, n, "%s: cannot create it: %s", dir, strerror(errno));
        return false;
    }
    if (!outdir_check(dir, err, n))
        return false;
    if (renameat2(AT_FDCWD, fresh, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
        /* `fresh` now names the earlier results */
        outdir_remove_tree(fresh);
        return true;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
        snprintf(err, n, "%s: cannot replace it: %s", dir, strerror(errno));
        return false;
    }
    return replace_in_steps(fresh, dir, err, n);
}

/* The temporary directory removed (if still there) and the lock dropped;
 * d->path stays, for messages, until outdir_abort. */
static void end_writing(struct outdir *d)
{
    if (d->tmp)
        outdir_remove_tree(d->tmp);
    if (d->lock.path)
        dirlock_release(&d->lock);
    free(d->tmp);
    d->tmp = NULL;
}

/* `text` with every `from` replaced by `to`, into out. */
static void replace_all(const char *text, const char *from, const char *to,
                        char *out, size_t n)
{
    size_t len = 0, f = strlen(from);
    out[0] = '\0';
    for (const char *p = text; *p && len + 1 < n;) {
        if (f > 0 && strncmp(p, from, f) == 0) {
            len += (size_t)snprintf(out + len, n - len, "%s", to);
            p += f;
        } else {
            out[len++] = *p++;
            out[len] = '\0';
        }
    }
}

/* Whether a directory holds anything. */
static bool holds_files(const char *dir)
{
    DIR *d = opendir(dir);
    bool any = false;
    for (struct dirent *e; d && !any && (e = readdir(d));)
        any = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return any;
}

/* Moves d->tmp to "DIR.unfinished-PID" (or -PID-2, ...: never over
 * another); the new name, or NULL if it could not be moved. */
static char *keep_aside(const struct outdir *d)
{
    size_t len = strlen(d->path);
    while (len > 1 && d->path[len - 1] == '/')
        len--;
    for (int k = 1; k < 100; k++) {
        char *kept = k == 1 ? str_printf("%.*s.unfinished-%ld", (int)len,
                                         d->path, (long)getpid())
                            : str_printf("%.*s.unfinished-%ld-%d", (int)len,
                                         d->path, (long)getpid(), k);
        if (!kept)
            return NULL;
        if (renameat2(AT_FDCWD, d->tmp, AT_FDCWD, kept, RENAME_NOREPLACE) ==
            0)
            return kept;
        free(kept);
        if (errno != EEXIST)
            return NULL;
    }
    return NULL;
}

void outdir_fail(struct outdir *d, const char *why, char *err, size_t n)
{
    char said[1024];
    replace_all(why, d->tmp ? d->tmp : "", d->path ? d->path : "", said,
                sizeof said);
    const char *dir = d->path ? d->path : "";
    const char *was = d->existed ? "is left as it was" : "is not created";
    char *kept = d->tmp && holds_files(d->tmp) ? keep_aside(d) : NULL;
    if (kept)
        snprintf(err, n, "%s; %s %s; what was written is in %s", said, dir,
                 was, kept);
    else
        snprintf(err, n, "%s; %s %s", said, dir, was);
    free(kept);
    end_writing(d);   /* the temporary directory, if it was not kept */
}

bool outdir_commit(struct outdir *d, char *err, size_t n)
{
    char why[1024];
    if (!outdir_replace(d->tmp, d->path, why, sizeof why)) {
        outdir_fail(d, why, err, n);
        return false;
    }
    free(d->tmp);
    d->tmp = NULL;
    end_writing(d);
    return true;
}

void outdir_abort(struct outdir *d)
{
    end_writing(d);
    free(d->path);
    memset(d, 0, sizeof *d);
    d->lock.fd = -1;
}
