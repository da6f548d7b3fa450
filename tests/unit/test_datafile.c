/*
 * test_datafile.c — reading data files (sim/kernel/datafile.c), splitting
 * their rows (csv.c), times in them (timestamp.c), and strings to dense
 * ids (keymap.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support.h"
#include "kernel/csv.h"
#include "kernel/datafile.h"
#include "kernel/keymap.h"
#include "kernel/timestamp.h"

/* Every line of the file at path, joined by '|', or the error as
 * "ERROR line:col: message". */
static char *read_lines(const char *path)
{
    char err[200];
    struct datafile *f = datafile_open(path, err, sizeof err);
    if (!f) {
        size_t n = strlen(err) + 8;
        char *out = malloc(n);
        snprintf(out, n, "OPEN %s", err);
        return out;
    }
    size_t cap = 1 << 20, len = 0;
    char *out = calloc(cap, 1);
    char *line;
    size_t n;
    enum datafile_status st;
    while ((st = datafile_next(f, &line, &n)) == DATAFILE_LINE) {
        ck_assert_uint_eq(strlen(line), n);
        len += (size_t)snprintf(out + len, cap - len, "%s|", line);
    }
    if (st == DATAFILE_ERROR)
        snprintf(out + len, cap - len, "ERROR %ld:%ld: %s", datafile_line(f),
                 datafile_error_col(f), datafile_error(f));
    datafile_close(f);
    return out;
}

START_TEST(lines_plain_and_gzip_read_alike)
{
    char *dir = make_temp_dir();
    const char *text = "a,b\r\n\nlast without newline";
    char *plain = write_text_file(dir, "x.txt", text);
    char *gz = write_gzip_file(dir, "x.txt.gz", text);
    char *a = read_lines(plain), *b = read_lines(gz);
    /* CRLF and LF both end a line; a last line without one counts */
    ck_assert_str_eq(a, "a,b||last without newline|");
    ck_assert_str_eq(b, a);
    free(a);
    free(b);
    free(plain);
    free(gz);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(line_numbers_follow_the_file)
{
    char *dir = make_temp_dir();
    char *path = write_text_file(dir, "n.txt", "one\ntwo\n\nfour\n");
    char err[200];
    struct datafile *f = datafile_open(path, err, sizeof err);
    ck_assert_ptr_nonnull(f);
    char *line;
    size_t n;
    long want[] = {1, 2, 3, 4};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(datafile_next(f, &line, &n), DATAFILE_LINE);
        ck_assert_int_eq(datafile_line(f), want[i]);
    }
    ck_assert_str_eq(line, "four");
    ck_assert_int_eq(datafile_next(f, &line, &n), DATAFILE_END);
    datafile_close(f);
    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* Lines longer than the first buffer (64 KB) grow it; beyond 1 MB, and a
 * NUL byte, are errors with their line and column. */
START_TEST(long_lines_nul_bytes_and_what_is_not_a_file)
{
    char *dir = make_temp_dir();
    size_t big = 200000;
    char *text = malloc(big + 16);
    memset(text, 'x', big);
    strcpy(text + big, "\nshort\n");
    char *path = write_text_file(dir, "long.txt", text);
    char *got = read_lines(path);
    ck_assert_uint_eq(strlen(got), big + strlen("|short|"));
    free(got);
    free(path);
    free(text);

    char *huge = malloc((2u << 20) + 2);
    memset(huge, 'y', 2u << 20);
    huge[2u << 20] = '\0';
    path = write_text_file(dir, "huge.txt", huge);
    got = read_lines(path);
    ck_assert_msg(strstr(got, "ERROR 1:0: line too long") != NULL, "%s", got);
    free(got);
    free(path);
    free(huge);

    path = path_in(dir, "nul.txt");
    FILE *fp = fopen(path, "wb");
    fwrite("ok\nab\0c\n", 1, 8, fp);
    fclose(fp);
    got = read_lines(path);
    ck_assert_str_eq(got, "ok|ERROR 2:3: a NUL byte: not a text file");
    free(got);
    free(path);

    got = read_lines(dir);
    ck_assert_str_eq(got, "OPEN cannot read it: a directory");
    free(got);
    path = path_in(dir, "fifo");
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    got = read_lines(path);   /* refused without waiting for a writer */
    ck_assert_str_eq(got, "OPEN cannot read it: a FIFO");
    free(got);
    free(path);
    got = read_lines("/nonexistent/file");
    ck_assert_str_eq(got, "OPEN cannot open: No such file or directory");
    free(got);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(a_gzip_file_cut_short_is_an_error)
{
    char *dir = make_temp_dir();
    char *text = malloc(100001);
    for (int i = 0; i < 100000; i++)
        text[i] = (char)('a' + (i * 7919) % 26);
    text[100000] = '\0';
    char *gz = write_gzip_file(dir, "cut.gz", text);
    struct stat st;
    ck_assert_int_eq(stat(gz, &st), 0);
    ck_assert_int_eq(truncate(gz, st.st_size / 2), 0);
    char *got = read_lines(gz);
    ck_assert_msg(strstr(got, "ERROR") && strstr(got, "cut short"), "%.80s",
                  got + strlen(got) - (strlen(got) > 80 ? 80 : strlen(got)));
    free(got);
    free(gz);
    free(text);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(csv_fields_quotes_and_columns)
{
    char line[] = " a , \"b,\"\"c\"\" \",,d";
    struct csv_field f[8];
    long col = 0;
    const char *why = NULL;
    ck_assert_uint_eq(csv_split(line, f, 8, &col, &why), 4);
    ck_assert_str_eq(f[0].text, "a");
    ck_assert_int_eq(f[0].col, 2);
    ck_assert_str_eq(f[1].text, "b,\"c\" ");
    ck_assert_int_eq(f[1].col, 6);
    ck_assert_str_eq(f[2].text, "");
    ck_assert_str_eq(f[3].text, "d");
    ck_assert_int_eq(f[3].col, 18);
    /* more fields than room: counted, the first ones filled */
    char many[] = "1,2,3,4";
    ck_assert_uint_eq(csv_split(many, f, 2, &col, &why), 4);
    ck_assert_str_eq(f[1].text, "2");
    char open[] = "x,\"unclosed";
    ck_assert_uint_eq(csv_split(open, f, 8, &col, &why), 0);
    ck_assert_int_eq(col, 3);
    ck_assert_str_eq(why, "a quoted field is not closed");
    char after[] = "\"q\"x,y";
    ck_assert_uint_eq(csv_split(after, f, 8, &col, &why), 0);
    ck_assert_int_eq(col, 4);
    ck_assert(csv_blank(" \t"));
    ck_assert(!csv_blank(" x"));
}
END_TEST

START_TEST(times_as_seconds_and_rfc3339)
{
    struct timestamp t;
    const char *why;
    ck_assert(timestamp_parse("1714564800", &t, &why));
    ck_assert_double_eq(t.seconds, 1714564800);
    ck_assert(t.whole && t.form == TIMESTAMP_SECONDS);
    ck_assert(timestamp_parse("12.5", &t, &why));
    ck_assert(!t.whole);
    /* 2024-05-01T12:00:00Z is 1714564800 s after the epoch (date -d) */
    ck_assert(timestamp_parse("2024-05-01T12:00:00Z", &t, &why));
    ck_assert_double_eq(t.seconds, 1714564800);
    ck_assert(t.whole && t.form == TIMESTAMP_RFC3339);
    ck_assert(timestamp_parse("2024-05-01 14:00:00.25+02:00", &t, &why));
    ck_assert_double_eq(t.seconds, 1714564800.25);
    ck_assert(!t.whole);
    ck_assert(timestamp_parse("2024-05-01T08:30:00-03:30", &t, &why));
    ck_assert_double_eq(t.seconds, 1714564800);
    ck_assert(timestamp_parse("2024-05-01T12:00:00", &t, &why));   /* UTC */
    ck_assert_double_eq(t.seconds, 1714564800);
    /* a leap day, and before the epoch */
    ck_assert(timestamp_parse("2024-02-29T00:00:00Z", &t, &why));
    ck_assert_double_eq(t.seconds, 1709164800);
    ck_assert(timestamp_parse("1969-12-31T23:59:59Z", &t, &why));
    ck_assert_double_eq(t.seconds, -1);
    static const char *const BAD[] = {
        "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-05-01T24:00:00Z",
        "2024-05-01", "2024-05-01T12:00:00Zjunk", "2024-05-01T12:00:00+2",
        "noon", "", "1e999",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++)
        ck_assert_msg(!timestamp_parse(BAD[i], &t, &why), "took %s", BAD[i]);
}
END_TEST

START_TEST(keys_get_dense_ids_in_order_of_appearance)
{
    struct keymap *m = keymap_create();
    bool added;
    char key[32];
    /* enough keys to grow the table several times */
    for (long i = 0; i < 50000; i++) {
        int n = snprintf(key, sizeof key, "k%ld", i * 7);
        ck_assert_int_eq(keymap_intern(m, key, (size_t)n, &added), i);
        ck_assert(added);
    }
    for (long i = 49999; i >= 0; i--) {
        int n = snprintf(key, sizeof key, "k%ld", i * 7);
        ck_assert_int_eq(keymap_intern(m, key, (size_t)n, &added), i);
        ck_assert(!added);
    }
    /* the bytes count, not a NUL: "a\0b" and "a" differ */
    long ab = keymap_intern(m, "a\0b", 3, &added);
    ck_assert(added);
    ck_assert_int_ne(keymap_intern(m, "a", 1, &added), ab);
    ck_assert(added);
    ck_assert_int_eq(keymap_count(m), 50002);
    keymap_destroy(m);
}
END_TEST

TEST_SUITE(datafile_suite)
{
    Suite *s = suite_create("datafile");
    TCase *tc = tcase_create("reading");
    tcase_add_test(tc, lines_plain_and_gzip_read_alike);
    tcase_add_test(tc, line_numbers_follow_the_file);
    tcase_add_test(tc, long_lines_nul_bytes_and_what_is_not_a_file);
    tcase_add_test(tc, a_gzip_file_cut_short_is_an_error);
    tcase_add_test(tc, csv_fields_quotes_and_columns);
    tcase_add_test(tc, times_as_seconds_and_rfc3339);
    tcase_add_test(tc, keys_get_dense_ids_in_order_of_appearance);
    suite_add_tcase(s, tc);
    return s;
}
