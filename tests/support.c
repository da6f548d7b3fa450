/*
 * support.c — see support.h.
 */
#define _GNU_SOURCE
#include "support.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

extern char **environ;

static suite_maker makers[256];
static size_t n_makers;

void test_register(suite_maker make)
{
    if (n_makers == sizeof makers / sizeof makers[0]) {
        fprintf(stderr, "test_register: more than %zu suites\n",
                sizeof makers / sizeof makers[0]);
        abort();
    }
    makers[n_makers++] = make;
}

size_t test_suite_count(void) { return n_makers; }
suite_maker test_suite_at(size_t i) { return makers[i]; }

struct buffer {
    char *data;
    size_t len, cap;
};

static void buffer_add(struct buffer *b, const char *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *d = realloc(b->data, cap);
        if (!d)
            abort();
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* Drains both pipes until both close. */
static void drain(int out_fd, int err_fd, struct buffer *out, struct buffer *err)
{
    struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    struct buffer *bufs[2] = {out, err};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0 && errno != EINTR)
            break;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            char chunk[65536];
            ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
            if (n > 0) {
                buffer_add(bufs[i], chunk, (size_t)n);
            } else {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
}

char **stampede_argv(const char *const *args)
{
    const char *bin = getenv("STAMPEDE");
    if (!bin)
        bin = "build/stampede";
    size_t n = 0;
    while (args[n])
        n++;
    char **argv = calloc(n + 2, sizeof *argv);
    if (!argv)
        abort();
    argv[0] = (char *)bin;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = (char *)args[i];
    return argv;
}

struct cmd_result run_stampede(const char *const *args)
{
    char **argv = stampede_argv(args);
    const char *bin = argv[0];

    int out_pipe[2], err_pipe[2];
    if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0)
        abort();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    posix_spawn_file_actions_addclose(&fa, out_pipe[0]);
    posix_spawn_file_actions_addclose(&fa, err_pipe[0]);
    pid_t pid;
    struct cmd_result r = {0};
    struct buffer out = {0}, err = {0};
    buffer_add(&out, "", 0);
    buffer_add(&err, "", 0);
    if (posix_spawn(&pid, bin, &fa, NULL, argv, environ) != 0) {
        r.status = 127;
        buffer_add(&err, "cannot start ", 13);
        buffer_add(&err, bin, strlen(bin));
        close(out_pipe[0]);
        close(err_pipe[0]);
    } else {
        close(out_pipe[1]);
        close(err_pipe[1]);
        out_pipe[1] = err_pipe[1] = -1;
        drain(out_pipe[0], err_pipe[0], &out, &err);
        int status;
        waitpid(pid, &status, 0);
        r.status = WIFEXITED(status) ? WEXITSTATUS(status)
                                     : 128 + WTERMSIG(status);
    }
    if (out_pipe[1] >= 0) {
        close(out_pipe[1]);
        close(err_pipe[1]);
    }
    posix_spawn_file_actions_destroy(&fa);
    free(argv);
    r.out = out.data;
    r.err = err.data;
    return r;
}

void cmd_result_free(struct cmd_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

char *make_temp_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    char *path;
    if (asprintf(&path, "%s/stampede-test-XXXXXX", tmp ? tmp : "/tmp") < 0)
        abort();
    if (!mkdtemp(path))
        abort();
    return path;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *path_in(const char *dir, const char *name)
{
    char *path;
    if (asprintf(&path, "%s/%s", dir, name) < 0)
        abort();
    return path;
}

cJSON *read_json_in(const char *dir, const char *name)
{
    char *path = path_in(dir, name);
    char *text = read_text_file(path, NULL);
    ck_assert_msg(text != NULL, "%s not written", path);
    cJSON *j = cJSON_Parse(text);
    ck_assert_msg(j != NULL, "%s is not JSON", path);
    free(text);
    free(path);
    return j;
}

size_t count_lines(const char *text)
{
    size_t n = 0;
    for (const char *c = text; *c; c++)
        n += *c == '\n';
    return n;
}

void csv_table_read(const char *path, struct csv_table *t)
{
    t->text = read_text_file(path, NULL);
    ck_assert_msg(t->text != NULL, "%s", path);
    t->cols = 1;
    for (const char *p = t->text; *p && *p != '\n'; p++)
        t->cols += *p == ',';
    t->rows = count_lines(t->text);
    t->cell = calloc(t->rows * t->cols, sizeof *t->cell);
    char *p = t->text;
    for (size_t k = 0; k < t->rows * t->cols; k++) {
        t->cell[k] = p;
        p += strcspn(p, ",\n");
        ck_assert_msg(*p == (k % t->cols == t->cols - 1 ? '\n' : ','),
                      "%s: row %zu has the wrong number of cells", path,
                      k / t->cols);
        *p++ = '\0';
    }
}

void csv_table_free(struct csv_table *t)
{
    free(t->cell);
    free(t->text);
}

const char *csv_cell(const struct csv_table *t, size_t row,
                           const char *name)
{
    for (size_t k = 0; k < t->cols; k++)
        if (strcmp(t->cell[k], name) == 0)
            return t->cell[row * t->cols + k];
    ck_abort_msg("no column %s", name);
    return NULL;
}

double csv_num(const struct csv_table *t, size_t row, const char *name)
{
    const char *s = csv_cell(t, row, name);
    return s[0] ? strtod(s, NULL) : NAN;
}

char *write_text_file(const char *dir, const char *name, const char *text)
{
    char *path = path_in(dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
    return path;
}

char *write_gzip_file(const char *dir, const char *name, const char *text)
{
    char *path = path_in(dir, name);
    gzFile f = gzopen(path, "wb");
    if (!f || gzputs(f, text) < 0 || gzclose(f) != Z_OK)
        abort();
    return path;
}

char *read_text_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buffer b = {0};
    buffer_add(&b, "", 0);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buffer_add(&b, chunk, n);
    fclose(f);
    if (len)
        *len = b.len;
    return b.data;
}

void test_png_size(const char *path, uint32_t *w, uint32_t *h)
{
    size_t len;
    char *data = read_text_file(path, &len);
    ck_assert_msg(data != NULL, "%s: not written", path);
    /* the signature, then the IHDR chunk: width and height big-endian in
     * bytes 16..23 */
    ck_assert_msg(len > 24 && !memcmp(data, "\x89PNG\r\n\x1a\n", 8) &&
                      !memcmp(data + 12, "IHDR", 4),
                  "%s: not a PNG (%zu bytes)", path, len);
    const unsigned char *b = (const unsigned char *)data;
    *w = (uint32_t)b[16] << 24 | (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 |
         b[19];
    *h = (uint32_t)b[20] << 24 | (uint32_t)b[21] << 16 | (uint32_t)b[22] << 8 |
         b[23];
    free(data);
}
