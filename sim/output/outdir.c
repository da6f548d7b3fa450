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

/* The parent of dir, "." if it has none ("a/b/" -> "a"). */
static char *parent_of(const char *dir)
{
    char *p = str_printf("%s", dir);
    if (!p)
        return NULL;
    size_t len = strlen(p);
    while (len > 1 && p[len - 1] == '/')
        p[--len] = '\0';
    char *slash = strrchr(p, '/');
    if (!slash) {
        free(p);
        return str_printf(".");
    }
    if (slash == p)
        slash[1] = '\0';   /* "/x": the root */
    else
        *slash = '\0';
    return p;
}

/* ".BASE.tmp-XXXXXX" beside dir, for mkdtemp. */
static char *temp_template(const char *dir, const char *parent)
{
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    const char *base = dir;
    for (size_t i = 0; i < len; i++)
        if (dir[i] == '/')
            base = dir + i + 1;
    return str_printf("%s/.%.*s.tmp-XXXXXX", parent,
                      (int)(dir + len - base), base);
}

bool outdir_begin(struct outdir *d, const char *dir, char *err, size_t n)
{
    memset(d, 0, sizeof *d);
    if (!outdir_check(dir, err, n))
        return false;
    char *parent = parent_of(dir);
    d->path = str_printf("%s", dir);
    d->tmp = parent && d->path ? temp_template(dir, parent) : NULL;
    if (!d->tmp) {
        snprintf(err, n, "%s: out of memory", dir);
        free(parent);
        free(d->path);
        return false;
    }
    bool ok = outfile_mkdirs(parent, err, n);
    free(parent);
    if (ok && !mkdtemp(d->tmp)) {
        snprintf(err, n, "%s: cannot create a directory beside it: %s", dir,
                 strerror(errno));
        ok = false;
    }
    if (!ok) {
        free(d->tmp);
        free(d->path);
        memset(d, 0, sizeof *d);
        return false;
    }
    /* mkdtemp makes it 0700; results are ordinary directories */
    mode_t mask = umask(0);
    umask(mask);
    chmod(d->tmp, 0777 & ~mask);
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
    char *parent = parent_of(dir);
    char *aside = parent ? temp_template(dir, parent) : NULL;
    free(parent);
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

bool outdir_commit(struct outdir *d, char *err, size_t n)
{
    bool ok = outdir_replace(d->tmp, d->path, err, n);
    if (!ok)
        outdir_remove_tree(d->tmp);
    free(d->tmp);
    free(d->path);
    memset(d, 0, sizeof *d);
    return ok;
}

void outdir_abort(struct outdir *d)
{
    if (d->tmp)
        outdir_remove_tree(d->tmp);
    free(d->tmp);
    free(d->path);
    memset(d, 0, sizeof *d);
}
