/*
 * test_report.c — `stampede report DIR`: report.md and a self-contained
 * report.html holding every figure, opened in a real browser (headless
 * Chromium) to see every image load.
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support.h"
#include "output/base64.h"

extern char **environ;

START_TEST(base64_matches_rfc_4648)
{
    static const char *const VECTORS[][2] = {
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    for (size_t i = 0; i < sizeof VECTORS / sizeof VECTORS[0]; i++) {
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        base64_write(out, (const unsigned char *)VECTORS[i][0],
                     strlen(VECTORS[i][0]));
        fclose(out);
        ck_assert_str_eq(text, VECTORS[i][1]);
        free(text);
    }
}
END_TEST

/* ---- decoding what the report embedded ---- */

static int b64_value(char c)
{
    const char *A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                    "0123456789+/";
    const char *p = c ? strchr(A, c) : NULL;
    return p ? (int)(p - A) : -1;
}

/* Decodes base64 text up to its first character outside the alphabet
 * (and '='); *len gets the bytes. */
static unsigned char *b64_decode(const char *text, size_t *len)
{
    size_t n = strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
                            "vwxyz0123456789+/=");
    unsigned char *out = malloc(n / 4 * 3 + 3);
    *len = 0;
    for (size_t i = 0; i + 3 < n; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++)
            v[k] = b64_value(text[i + k]);
        out[(*len)++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
        if (v[2] >= 0)
            out[(*len)++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
        if (v[3] >= 0)
            out[(*len)++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
    }
    return out;
}

static const char SCENARIO[] =
    "{\"name\": \"tiny\", \"duration\": \"6s\", \"warmup\": \"1s\",\n"
    " \"workload\": {\"arrivals\": {\"rate\": 200}},\n"
    " \"cache\": {\"ttl\": \"2s\", \"warm\": \"synchronized\"},\n"
    " \"database\": {\"cores\": 2, \"service\": \"50ms\"},\n"
    " \"slo\": {\"p99\": \"100ms\"},\n"
    " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"lock\"},\n"
    "              {\"policy\": \"per\"}]}\n";

struct fixture {
    char *tmp, *file, *run, *cal;
};

static void make_fixture(struct fixture *f, bool calibrate)
{
    f->tmp = make_temp_dir();
    f->file = write_text_file(f->tmp, "tiny.json", SCENARIO);
    f->run = path_in(f->tmp, "run");
    f->cal = path_in(f->tmp, "cal");
    const char *run[] = {"run", f->file, "--reps", "2", "--quiet", "--out",
                         f->run, NULL};
    struct cmd_result r = run_stampede(run);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    if (!calibrate)
        return;
    const char *cal[] = {"calibrate", f->file, "--policy", "per", "--range",
                         "0.5:4", "--reps", "2", "-j", "2", "--quiet",
                         "--out", f->cal, NULL};
    r = run_stampede(cal);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
}

static void free_fixture(struct fixture *f)
{
    remove_tree(f->tmp);
    free(f->tmp);
    free(f->file);
    free(f->run);
    free(f->cal);
}

/* Every <img> of html is a data: URI; the n-th decodes to exactly the
 * bytes of dir/files[n]. Returns how many images there are. */
static int check_embedded(const char *html, const char *const *dirs,
                          const char *const *files, int n_files)
{
    static const char TAG[] = "<img src=\"data:image/png;base64,";
    int n = 0;
    for (const char *p = html; (p = strstr(p, "<img ")); p++) {
        ck_assert_msg(strncmp(p, TAG, strlen(TAG)) == 0,
                      "an image that is not embedded: %.80s", p);
        ck_assert_int_lt(n, n_files);
        size_t len;
        unsigned char *png = b64_decode(p + strlen(TAG), &len);
        char *path = path_in(dirs[n], files[n]);
        size_t file_len;
        char *file = read_text_file(path, &file_len);
        ck_assert_msg(file && file_len == len && memcmp(file, png, len) == 0,
                      "image %d is not %s", n, path);
        free(file);
        free(path);
        free(png);
        n++;
    }
    return n;
}

START_TEST(report_holds_every_figure)
{
    struct fixture f;
    make_fixture(&f, true);
    const char *args[] = {"report", f.run, "--calibration", f.cal, "--quiet",
                          NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    char *html_path = path_in(f.run, "report.html");
    char *md_path = path_in(f.run, "report.md");
    char *html = read_text_file(html_path, NULL);
    char *md = read_text_file(md_path, NULL);
    ck_assert_ptr_nonnull(html);
    ck_assert_ptr_nonnull(md);
    /* the run's four figures (drawn for the report: the run had none),
     * then the calibration's, each embedded byte for byte */
    const char *dirs[] = {f.run, f.run, f.run, f.run, f.cal};
    const char *files[] = {"comparison.png", "hit_ratio.png", "db_load.png",
                           "latency.png", "calibrate.png"};
    ck_assert_int_eq(check_embedded(html, dirs, files, 5), 5);
    /* self-contained: nothing to fetch, no script */
    ck_assert_ptr_null(strstr(html, "http://"));
    ck_assert_ptr_null(strstr(html, "https://"));
    ck_assert_ptr_null(strstr(html, "<script"));
    ck_assert_ptr_null(strstr(html, "<link"));
    /* Markdown links the figures beside it: the calibration's too, copied
     * there from its own folder */
    for (int i = 0; i < 5; i++) {
        char link[64];
        snprintf(link, sizeof link, "](%s)", files[i]);
        ck_assert_msg(strstr(md, link) != NULL, "report.md lacks %s",
                      files[i]);
    }
    char *copied_path = path_in(f.run, "calibrate.png");
    char *original_path = path_in(f.cal, "calibrate.png");
    size_t copied_len, original_len;
    char *copied = read_text_file(copied_path, &copied_len);
    char *original = read_text_file(original_path, &original_len);
    ck_assert_msg(copied && original && copied_len == original_len &&
                  memcmp(copied, original, copied_len) == 0,
                  "%s is not a copy of %s", copied_path, original_path);
    free(copied);
    free(original);
    free(copied_path);
    free(original_path);
    /* the sections: the scenario in words, the comparison, the SLO's
     * verdicts, the calibration */
    const char *const SECTIONS[] = {
        "## The scenario", "| **workload** | Poisson arrivals at 200 req/s",
        "## The policies compared",
        "| metric | none | lock | per | lock − none | 95 % intervals |",
        "## Service level objective", "| per | ", "## Calibration",
        "Calibrating policies[per].beta (policy per)",
        "- error rate ≤ 0.001 (--max-error-rate)",
        "| value | verdict | replications | recomputes per second | error "
        "rate |",
    };
    for (size_t i = 0; i < sizeof SECTIONS / sizeof SECTIONS[0]; i++) {
        ck_assert_msg(strstr(md, SECTIONS[i]) != NULL, "report.md lacks %s",
                      SECTIONS[i]);
    }
    /* each value evaluated, with the verdict calibrate gave it (an
     * undecided value is not a failed one) */
    cJSON *cal = read_json_in(f.cal, "calibrate.json");
    const cJSON *point;
    int rows = 0;
    cJSON_ArrayForEach(point, cJSON_GetObjectItem(cal, "points")) {
        char row[128];
        snprintf(row, sizeof row, "| %.6g | %s",
                 cJSON_GetObjectItem(point, "value")->valuedouble,
                 cJSON_GetStringValue(cJSON_GetObjectItem(point, "verdict")));
        ck_assert_msg(strstr(md, row) != NULL, "report.md lacks %s", row);
        rows++;
    }
    ck_assert_int_gt(rows, 2);
    cJSON_Delete(cal);
    ck_assert_ptr_nonnull(strstr(html, "<h2>The scenario</h2>"));
    ck_assert_ptr_nonnull(strstr(html, "<h2>Calibration</h2>"));
    /* Markdown's inline code is code in HTML, not backquotes */
    ck_assert_ptr_nonnull(strstr(html, "<code>stampede compare</code>"));
    ck_assert_ptr_null(strstr(html, "`stampede compare`"));
    /* a policy's line in words, not in the terminal's columns */
    ck_assert_ptr_nonnull(strstr(md, "<br>per: beta 1, sync refresh"));
    free(html);
    free(md);
    free(html_path);
    free(md_path);
    free_fixture(&f);
}
END_TEST

/* Four policies and more: the values in one table and the differences,
 * each with its verdict, in another, so that neither runs off a page
 * (four policies in one would take 11 columns; the fleet's nine, 26). */
START_TEST(many_policies_split_values_and_differences)
{
    char *tmp = make_temp_dir();
    char *file = write_text_file(
        tmp, "four.json",
        "{\"name\": \"four\", \"duration\": \"4s\",\n"
        " \"workload\": {\"arrivals\": {\"rate\": 200}},\n"
        " \"cache\": {\"ttl\": \"2s\", \"warm\": \"synchronized\"},\n"
        " \"database\": {\"cores\": 2, \"service\": \"50ms\"},\n"
        " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"lock\"},\n"
        "              {\"policy\": \"per\"}, {\"policy\": \"swr\"}]}\n");
    char *run = path_in(tmp, "run");
    const char *args[] = {"run", file, "--reps", "2", "--quiet", "--out", run,
                          "--plot", NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    const char *report[] = {"report", run, "--quiet", NULL};
    r = run_stampede(report);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    char *md_path = path_in(run, "report.md");
    char *md = read_text_file(md_path, NULL);
    ck_assert_ptr_nonnull(md);
    ck_assert_ptr_nonnull(strstr(md, "| metric | none | lock | per | swr |\n"
                                     "|---|---:|---:|---:|---:|\n"));
    ck_assert_ptr_nonnull(strstr(md, "Differences from none, and whether "
                                     "the 95 % intervals separate:\n\n"
                                     "| metric | lock − none | per − none | "
                                     "swr − none |\n"));
    /* every difference cell carries its verdict */
    const char *row = strstr(md, "| recomputes | ");
    ck_assert_ptr_nonnull(row);
    row = strstr(row + 1, "| recomputes | ");   /* the differences' row */
    ck_assert_ptr_nonnull(row);
    char line[512];
    snprintf(line, sizeof line, "%.*s", (int)strcspn(row, "\n"), row);
    ck_assert_msg(strstr(line, "(separate) |") || strstr(line, "(overlap) |"),
                  "%s", line);
    free(md);
    free(md_path);
    remove_tree(tmp);
    free(run);
    free(file);
    free(tmp);
}
END_TEST

START_TEST(report_usage_errors)
{
    char *tmp = make_temp_dir();
    const char *none[] = {"report", NULL};
    struct cmd_result r = run_stampede(none);
    ck_assert_int_eq(r.status, 2);
    cmd_result_free(&r);
    const char *empty[] = {"report", tmp, NULL};
    r = run_stampede(empty);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "/scenario.json: cannot read it"));
    cmd_result_free(&r);
    const char *cal[] = {"report", tmp, "--calibration", tmp, NULL};
    r = run_stampede(cal);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "no calibrate.json there"));
    cmd_result_free(&r);
    remove_tree(tmp);
    free(tmp);
}
END_TEST

/* ---- in a real browser ---- */

/* A script appended to a copy of the report (the report itself has
 * none): once the page has loaded, it writes each image's state into
 * the page, which --dump-dom prints. An image whose data does not decode
 * has naturalWidth 0. */
static const char PROBE[] =
    "<script>\n"
    "window.addEventListener('load', function () {\n"
    "  var lines = ['images ' + document.images.length];\n"
    "  for (var i = 0; i < document.images.length; i++) {\n"
    "    var im = document.images[i];\n"
    "    lines.push((im.complete && im.naturalWidth > 0 ? 'loaded ' :\n"
    "                'broken ') + im.naturalWidth + 'x' + im.naturalHeight);\n"
    "  }\n"
    "  var p = document.createElement('pre');\n"
    "  p.id = 'probe';\n"
    "  p.textContent = lines.join(';');\n"
    "  document.body.appendChild(p);\n"
    "});\n"
    "</script>\n";

static const char *find_chromium(void)
{
    static const char *const NAMES[] = {"/usr/bin/chromium",
                                        "/usr/bin/chromium-browser", NULL};
    for (size_t i = 0; NAMES[i]; i++)
        if (access(NAMES[i], X_OK) == 0)
            return NAMES[i];
    return NULL;
}

/* The probe's line from Chromium's DOM of `html` (a file); NULL if
 * Chromium printed none. */
static char *probe(const char *chromium, const char *dir, const char *html)
{
    char *url, *profile, *out_path, *flag;
    if (asprintf(&url, "file://%s", html) < 0 ||
        asprintf(&profile, "%s/chromium-profile", dir) < 0 ||
        asprintf(&flag, "--user-data-dir=%s", profile) < 0 ||
        asprintf(&out_path, "%s/dom.html", dir) < 0)
        abort();
    const char *argv[] = {chromium, "--headless", "--no-sandbox",
                          "--disable-gpu", "--no-first-run", flag,
                          "--virtual-time-budget=10000", "--dump-dom", url,
                          NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int status = -1;
    if (posix_spawn(&pid, chromium, &fa, NULL, (char *const *)argv,
                    environ) == 0)
        waitpid(pid, &status, 0);
    posix_spawn_file_actions_destroy(&fa);
    char *dom = read_text_file(out_path, NULL);
    char *line = NULL;
    const char *p = dom ? strstr(dom, "<pre id=\"probe\">") : NULL;
    if (p) {
        p += strlen("<pre id=\"probe\">");
        line = strndup(p, strcspn(p, "<"));
    }
    free(dom);
    free(url);
    free(profile);
    free(flag);
    free(out_path);
    return line;
}

/* A copy of report.html with the probe, optionally with one image's data
 * spoiled (its first bytes: the PNG signature). */
static char *probe_copy(const char *dir, const char *html, const char *name,
                        bool spoil)
{
    char *text = strdup(html);
    if (spoil) {
        char *img = strstr(text, "base64,");
        ck_assert_ptr_nonnull(img);
        memcpy(img + strlen("base64,"), "AAAAAAAA", 8);
    }
    char *end = strstr(text, "</body>");
    ck_assert_ptr_nonnull(end);
    char *with;
    if (asprintf(&with, "%.*s%s%s", (int)(end - text), text, PROBE, end) < 0)
        abort();
    char *path = write_text_file(dir, name, with);
    free(with);
    free(text);
    return path;
}

START_TEST(report_renders_in_a_browser)
{
    const char *chromium = find_chromium();
    if (!chromium) {
        fprintf(stderr, "report_renders_in_a_browser: skipped: Chromium is "
                "not installed (tools/deps.sh test installs it as root on "
                "Debian: apt-get install chromium)\n");
        return;
    }
    struct fixture f;
    make_fixture(&f, false);
    const char *args[] = {"report", f.run, "--quiet", NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    cmd_result_free(&r);
    char *html_path = path_in(f.run, "report.html");
    char *html = read_text_file(html_path, NULL);
    char *good = probe_copy(f.tmp, html, "good.html", false);
    char *line = probe(chromium, f.tmp, good);
    ck_assert_msg(line != NULL, "Chromium printed no probe for %s", good);
    /* the four figures, at their sizes (plot's defaults) */
    ck_assert_str_eq(line, "images 4;loaded 1200x900;loaded 1200x600;"
                           "loaded 1200x800;loaded 1200x800");
    free(line);
    /* the check itself: a spoiled image is seen as broken */
    char *bad = probe_copy(f.tmp, html, "bad.html", true);
    line = probe(chromium, f.tmp, bad);
    ck_assert_ptr_nonnull(line);
    ck_assert_msg(strncmp(line, "images 4;broken 0x0;", 20) == 0, "%s", line);
    free(line);
    free(bad);
    free(good);
    free(html);
    free(html_path);
    free_fixture(&f);
}
END_TEST

TEST_SUITE(report_suite)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, base64_matches_rfc_4648);
    tcase_add_test(tc, report_holds_every_figure);
    tcase_add_test(tc, report_usage_errors);
    tcase_add_test(tc, many_policies_split_values_and_differences);
    tcase_add_test(tc, report_renders_in_a_browser);
    suite_add_tcase(s, tc);
    return s;
}
