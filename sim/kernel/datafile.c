/*
 * datafile.c — see datafile.h. One buffer holds the unread part of the
 * file; a line is found with memchr and handed out in place (no copy), the
 * rest slides to the front when more must be read.
 */
#include "kernel/datafile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define FIRST_BUFFER (64u << 10)
/* zlib's own input buffer: larger than its 8 KB default, fewer reads */
#define ZLIB_BUFFER (128u << 10)

struct datafile {
    gzFile gz;
    char *buf;
    size_t cap;         /* bytes of buf (one kept for a NUL) */
    size_t start, end;  /* the unread bytes are buf[start, end) */
    bool eof;
    long line;
    long error_col;
    char error[160];
};

static const char *kind_of(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    return "not a regular file";
}

struct datafile *datafile_open(const char *path, char *err, size_t n)
{
    /* O_NONBLOCK: a FIFO without a writer must not hang the open; it is
     * refused below before anything is read */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, n, "cannot open: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, n, "cannot read it: %s", kind_of(st.st_mode));
        close(fd);
        return NULL;
    }
    struct datafile *f = calloc(1, sizeof *f);
    if (f)
        f->buf = malloc(FIRST_BUFFER);
    if (!f || !f->buf || fcntl(fd, F_SETFL, 0) != 0 ||
        !(f->gz = gzdopen(fd, "rb"))) {
        snprintf(err, n, "cannot open: %s",
                 f && f->buf ? strerror(errno) : "out of memory");
        close(fd);
        if (f)
            free(f->buf);
        free(f);
        return NULL;
    }
    gzbuffer(f->gz, ZLIB_BUFFER);
    f->cap = FIRST_BUFFER;
    return f;
}

void datafile_close(struct datafile *f)
{
    if (!f)
        return;
    gzclose_r(f->gz);
    free(f->buf);
    free(f);
}

static enum datafile_status fail(struct datafile *f, long col,
                                 const char *why)
{
    f->error_col = col;
    snprintf(f->error, sizeof f->error, "%s", why);
    return DATAFILE_ERROR;
}

/* Makes room after the unread bytes: slides them to the front, or grows
 * the buffer when they fill it. */
static enum datafile_status make_room(struct datafile *f)
{
    if (f->start > 0) {
        memmove(f->buf, f->buf + f->start, f->end - f->start);
        f->end -= f->start;
        f->start = 0;
    }
    if (f->end + 1 < f->cap)
        return DATAFILE_LINE;
    if (f->cap > DATAFILE_MAX_LINE) {
        f->line++;
        return fail(f, 0, "line too long (more than 1 MB: not a text file?)");
    }
    char *b = realloc(f->buf, f->cap * 2);
    if (!b)
        return fail(f, 0, "out of memory");
    f->buf = b;
    f->cap *= 2;
    return DATAFILE_LINE;
}

/* Reads more of the file after the unread bytes. */
static enum datafile_status fill(struct datafile *f)
{
    if (make_room(f) != DATAFILE_LINE)
        return DATAFILE_ERROR;
    size_t want = f->cap - 1 - f->end;
    int got = gzread(f->gz, f->buf + f->end, want > INT_MAX ? INT_MAX
                                                          : (unsigned)want);
    int code = Z_OK;
    const char *why = got < 0 || got == 0 ? gzerror(f->gz, &code) : NULL;
    if (got < 0 || (got == 0 && code != Z_OK && code != Z_STREAM_END)) {
        f->line++;
        return fail(f, 0, code == Z_ERRNO ? strerror(errno)
                          : code == Z_BUF_ERROR
                              ? "the compressed file is cut short"
                              : why);
    }
    if (got == 0)
        f->eof = true;
    f->end += (size_t)got;
    return DATAFILE_LINE;
}

/* Hands out buf[start, stop) as the next line. */
static enum datafile_status take(struct datafile *f, size_t stop,
                                 size_t next, char **line, size_t *len)
{
    char *l = f->buf + f->start;
    size_t n = stop - f->start;
    f->start = next;
    f->line++;
    if (n > 0 && l[n - 1] == '\r')
        n--;
    l[n] = '\0';
    const char *nul = memchr(l, '\0', n);
    if (nul)
        return fail(f, (long)(nul - l) + 1, "a NUL byte: not a text file");
    *line = l;
    *len = n;
    return DATAFILE_LINE;
}

enum datafile_status datafile_next(struct datafile *f, char **line,
                                   size_t *len)
{
    for (;;) {
        char *nl = memchr(f->buf + f->start, '\n', f->end - f->start);
        if (nl) {
            size_t stop = (size_t)(nl - f->buf);
            return take(f, stop, stop + 1, line, len);
        }
        if (f->eof) {
            if (f->start == f->end)
                return DATAFILE_END;
            return take(f, f->end, f->end, line, len);
        }
        if (fill(f) != DATAFILE_LINE)
            return DATAFILE_ERROR;
    }
}

long datafile_line(const struct datafile *f) { return f->line; }
long datafile_error_col(const struct datafile *f) { return f->error_col; }
const char *datafile_error(const struct datafile *f) { return f->error; }

void data_error_set(struct data_error *e, long line, long col,
                    const char *fmt, ...)
{
    e->line = line;
    e->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

void data_error_from(struct data_error *e, const struct datafile *f)
{
    data_error_set(e, f->line, f->error_col, "%s", f->error);
}
