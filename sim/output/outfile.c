/*
 * outfile.c — atomic output files. See outfile.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "output/outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/strutil.h"

/* ".name.tmp-XXXXXX" in the directory of path. */
static char *temp_name_for(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    int dir_len = slash ? (int)(slash - path + 1) : 0;
    return str_printf("%.*s.%s.tmp-XXXXXX", dir_len, path, base);
}

bool outfile_open(struct outfile *f, const char *path, char *err, size_t n)
{
    memset(f, 0, sizeof *f);
    f->path = str_printf("%s", path);
    f->tmp_path = temp_name_for(path);
    if (!f->path || !f->tmp_path) {
        snprintf(err, n, "%s: out of memory", path);
        outfile_abort(f);
        return false;
    }
    int fd = mkstemp(f->tmp_path);
    if (fd < 0) {
        snprintf(err, n, "%s: cannot create: %s", path, strerror(errno));
        free(f->tmp_path);
        f->tmp_path = NULL;
        outfile_abort(f);
        return false;
    }
    /* mkstemp creates 0600; outputs are ordinary files. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    f->fp = fdopen(fd, "w");
    if (!f->fp) {
        snprintf(err, n, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
        outfile_abort(f);
        return false;
    }
    return true;
}

bool outfile_commit(struct outfile *f, char *err, size_t n)
{
    bool ok = !ferror(f->fp);
    int saved = errno;
    if (fclose(f->fp) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    f->fp = NULL;
    if (ok && rename(f->tmp_path, f->path) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        snprintf(err, n, "%s: cannot write: %s", f->path, strerror(saved));
        outfile_abort(f);
        return false;
    }
    free(f->tmp_path);
    free(f->path);
    memset(f, 0, sizeof *f);
    return true;
}

void outfile_abort(struct outfile *f)
{
    if (f->fp)
        fclose(f->fp);
    if (f->tmp_path)
        unlink(f->tmp_path);
    free(f->tmp_path);
    free(f->path);
    memset(f, 0, sizeof *f);
}

bool outfile_write_all(const char *path, const void *data, size_t len,
                       char *err, size_t n)
{
    struct outfile f;
    if (!outfile_open(&f, path, err, n))
        return false;
    if (len > 0 && fwrite(data, 1, len, f.fp) != len) {
        snprintf(err, n, "%s: cannot write: %s", path, strerror(errno));
        outfile_abort(&f);
        return false;
    }
    return outfile_commit(&f, err, n);
}

char *outfile_beside(const char *path, const char *suffix)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    size_t base = len;
    while (base > 0 && path[base - 1] != '/')
        base--;
    if (base == 0)
        return str_printf("./.%.*s%s", (int)len, path, suffix);
    return str_printf("%.*s.%.*s%s", (int)base, path, (int)(len - base),
                      path + base, suffix);
}

bool outfile_mkdirs(const char *dir, char *err, size_t n)
{
    if (!dir[0])
        return true;   /* the current directory */
    char *p = str_printf("%s", dir);
    if (!p) {
        snprintf(err, n, "%s: out of memory", dir);
        return false;
    }
    bool ok = true;
    for (char *s = p + 1; ok; s++) {
        bool end = *s == '\0';
        if (*s != '/' && !end)
            continue;
        char saved = *s;
        *s = '\0';
        struct stat st;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            snprintf(err, n, "%s: cannot create directory: %s", p,
                     strerror(errno));
            ok = false;
        } else if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
            snprintf(err, n, "%s: exists and is not a directory", p);
            ok = false;
        }
        *s = saved;
        if (end)
            break;
    }
    free(p);
    return ok;
}
