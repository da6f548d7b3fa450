/*
 * test_outfile.c — atomic output files (sim/output/outfile.c).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support.h"
#include "output/outfile.h"

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

START_TEST(commit_replaces_and_abort_leaves_the_old_file)
{
    char *dir = make_temp_dir();
    char *path = write_text_file(dir, "out.csv", "old\n");
    char err[256];
    struct outfile f;
    ck_assert(outfile_open(&f, path, err, sizeof err));
    fputs("new half", f.fp);
    /* while open, the final name still holds the old content */
    char *text = read_text_file(path, NULL);
    ck_assert_str_eq(text, "old\n");
    free(text);
    outfile_abort(&f);
    text = read_text_file(path, NULL);
    ck_assert_str_eq(text, "old\n");
    free(text);
    ck_assert_int_eq(count_entries(dir), 1);   /* no temporary file left */

    ck_assert(outfile_write_all(path, "new\n", 4, err, sizeof err));
    text = read_text_file(path, NULL);
    ck_assert_str_eq(text, "new\n");
    free(text);
    ck_assert_int_eq(count_entries(dir), 1);
    remove_tree(dir);
    free(path);
    free(dir);
}
END_TEST

START_TEST(errors_name_the_file)
{
    char err[256];
    struct outfile f;
    ck_assert(!outfile_open(&f, "/nonexistent-dir/x.json", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/x.json: cannot create"));
}
END_TEST

START_TEST(mkdirs_creates_parents)
{
    char *dir = make_temp_dir();
    char deep[512], err[256];
    snprintf(deep, sizeof deep, "%s/a/b c/d", dir);
    ck_assert(outfile_mkdirs(deep, err, sizeof err));
    struct stat st;
    ck_assert_int_eq(stat(deep, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert(outfile_mkdirs(deep, err, sizeof err));   /* exists: fine */
    char *file = write_text_file(dir, "plain", "x");
    char below[600];
    snprintf(below, sizeof below, "%s/sub", file);
    ck_assert(!outfile_mkdirs(below, err, sizeof err));
    remove_tree(dir);
    free(file);
    free(dir);
}
END_TEST

TEST_SUITE(outfile_suite)
{
    Suite *s = suite_create("outfile");
    TCase *tc = tcase_create("atomic files");
    tcase_add_test(tc, commit_replaces_and_abort_leaves_the_old_file);
    tcase_add_test(tc, errors_name_the_file);
    tcase_add_test(tc, mkdirs_creates_parents);
    suite_add_tcase(s, tc);
    return s;
}
