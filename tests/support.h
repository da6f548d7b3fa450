/*
 * support.h — what every test file shares: suite registration and a way to
 * run the stampede binary and capture what it prints.
 *
 * A test file registers its suite with TEST_SUITE; the runner (runner.c)
 * runs every registered suite, so adding a test file needs nothing else.
 */
#ifndef STAMPEDE_TEST_SUPPORT_H
#define STAMPEDE_TEST_SUPPORT_H

#include <check.h>
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

typedef Suite *(*suite_maker)(void);
void test_register(suite_maker make);
size_t test_suite_count(void);
suite_maker test_suite_at(size_t i);

#define TEST_SUITE(name)                                                     \
    static Suite *name(void);                                                \
    __attribute__((constructor)) static void register_##name(void)           \
    {                                                                        \
        test_register(name);                                                 \
    }                                                                        \
    static Suite *name(void)

/* What a finished command left behind. */
struct cmd_result {
    int status;      /* exit status, or 128 + signal number */
    char *out;       /* everything written to stdout (NUL-terminated) */
    char *err;       /* everything written to stderr */
};

/* Runs the stampede binary ($STAMPEDE, default build/stampede) with the
 * given arguments (NULL-terminated), stdin from /dev/null. */
struct cmd_result run_stampede(const char *const *args);
void cmd_result_free(struct cmd_result *r);
/* The argv that runs the binary with these arguments: argv[0] is its
 * path, then args, then NULL. Free the array (not its strings). */
char **stampede_argv(const char *const *args);

/* A fresh empty directory under $TMPDIR; free the string, remove the tree
 * with remove_tree. */
char *make_temp_dir(void);
void remove_tree(const char *path);

/* "dir/name" (free it). */
char *path_in(const char *dir, const char *name);

/* The JSON of dir/name; fails the test if it is missing or not JSON. */
cJSON *read_json_in(const char *dir, const char *name);

/* Newlines in text. */
size_t count_lines(const char *text);

/* A CSV file stampede wrote (timeseries.csv, sweep.csv: no cell of it is
 * quoted) as a table of cells; row 0 is the header. */
struct csv_table {
    char *text;
    char **cell;        /* rows x cols */
    size_t rows, cols;
};

/* Fails the test if the file is missing or a row has the wrong number of
 * cells. */
void csv_table_read(const char *path, struct csv_table *t);
void csv_table_free(struct csv_table *t);
/* The cell of `row` under the column `name`; fails the test if there is
 * no such column. */
const char *csv_cell(const struct csv_table *t, size_t row,
                           const char *name);
/* The same as a number; an empty cell is NAN. */
double csv_num(const struct csv_table *t, size_t row, const char *name);

/* Writes text to dir/name and returns the full path (free it). */
char *write_text_file(const char *dir, const char *name, const char *text);

/* The same, gzip-compressed (zlib). */
char *write_gzip_file(const char *dir, const char *name, const char *text);

/* Reads a whole file (NUL-terminated); NULL if it cannot. *len may be NULL. */
char *read_text_file(const char *path, size_t *len);

/* Width and height from a PNG's IHDR chunk; fails the test unless the
 * file is a PNG. */
void test_png_size(const char *path, uint32_t *w, uint32_t *h);

#endif
