/*
 * test_plot.c — the figures: `stampede plot`, `run --plot`, the gnuplot
 * scripts' own argument contract, and what plotting reads from a run
 * directory.
 *
 * One small run (5 s at 200 req/s, `none` and `per`) is simulated once per
 * test case, in an unchecked fixture; the tests plot it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../support.h"
#include "output/plot.h"
#include "output/plot_input.h"

extern char **environ;

static const char TINY[] =
    "{\"name\": \"tiny\", \"duration\": \"5s\", \"warmup\": \"1s\",\n"
    " \"workload\": {\"arrivals\": {\"rate\": 200}},\n"
    " \"cache\": {\"ttl\": \"2s\", \"warm\": \"synchronized\"},\n"
    " \"database\": {\"cores\": 2, \"service\": \"50ms\",\n"
    "              \"max_connections\": 20},\n"
    " \"policies\": [{\"policy\": \"none\"}, {\"policy\": \"per\"}]}\n";

/* The figures and the size each script draws by default. */
static const struct {
    const char *name;
    uint32_t width, height;
} FIGURES[] = {
    {"hit_ratio", 1200, 600},
    {"db_load", 1200, 800},
    {"latency", 1200, 800},
    {"comparison", 1200, 900},
};
#define N_FIGURES (sizeof FIGURES / sizeof FIGURES[0])

/* The fixture: a temporary directory holding the scenario and its run. */
static char *tmp;
static char *run_dir;

static void make_run(void)
{
    tmp = make_temp_dir();
    char *scenario = write_text_file(tmp, "tiny.json", TINY);
    if (asprintf(&run_dir, "%s/run", tmp) < 0)
        abort();
    const char *args[] = {"run", scenario, "--out", run_dir, "--quiet", NULL};
    struct cmd_result r = run_stampede(args);
    if (r.status != 0) {
        fprintf(stderr, "stampede run failed: %s\n", r.err);
        abort();
    }
    cmd_result_free(&r);
    free(scenario);
}

static void remove_run(void)
{
    remove_tree(tmp);
    free(tmp);
    free(run_dir);
}

static void assert_png(const char *dir, const char *figure, uint32_t width,
                       uint32_t height)
{
    char *name, *path;
    if (asprintf(&name, "%s.png", figure) < 0)
        abort();
    path = path_in(dir, name);
    uint32_t w, h;
    test_png_size(path, &w, &h);
    ck_assert_msg(w == width && h == height, "%s: %ux%u, expected %ux%u", path,
                  w, h, width, height);
    free(name);
    free(path);
}

static void assert_every_png(const char *dir)
{
    for (size_t i = 0; i < N_FIGURES; i++)
        assert_png(dir, FIGURES[i].name, FIGURES[i].width, FIGURES[i].height);
}

/* Files in dir whose name contains `part`. */
static int count_files(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, part) != NULL;
    closedir(d);
    return n;
}

/* Runs gnuplot (found on PATH) with args; its exit status. Its stderr
 * goes to the test's, unless a failure is expected (quiet). */
static int run_gnuplot_q(const char *const *args, bool quiet)
{
    const char *argv[16] = {"gnuplot"};
    for (size_t i = 0; args[i] && i < 14; i++)
        argv[i + 1] = args[i];
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (quiet)
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int e = posix_spawnp(&pid, "gnuplot", &fa, NULL, (char *const *)argv,
                         environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e != 0)
        return 127;
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_gnuplot(const char *const *args)
{
    return run_gnuplot_q(args, false);
}

/* Gives dir/scenario.json a timeline of cache flushes whose labels are
 * chosen to break naive quoting. */
static void add_timeline(const char *dir)
{
    char *path = path_in(dir, "scenario.json");
    char *text = read_text_file(path, NULL);
    cJSON *root = cJSON_Parse(text);
    ck_assert_ptr_nonnull(root);
    cJSON_DeleteItemFromObjectCaseSensitive(root, "timeline");
    cJSON *timeline = cJSON_AddArrayToObject(root, "timeline");
    static const struct {
        const char *at;
        const char *label;
    } EVENTS[] = {
        {"3.5", "failover \"db-2\"; 'replica'\nlag"},
        {"\"2s\"", "key expires `id`; $(touch pwned)"},
        {"4", ""},
    };
    for (size_t i = 0; i < 3; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToObject(e, "at", cJSON_Parse(EVENTS[i].at));
        cJSON_AddStringToObject(e, "event", "cache_flush");
        cJSON_AddStringToObject(e, "label", EVENTS[i].label);
        cJSON_AddItemToArray(timeline, e);
    }
    char *out = cJSON_Print(root);
    free(write_text_file(dir, "scenario.json", out));
    free(out);
    cJSON_Delete(root);
    free(text);
    free(path);
}

/* ---- stampede plot ---- */

START_TEST(plot_renders_every_figure)
{
    const char *args[] = {"plot", run_dir, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    assert_every_png(run_dir);
    /* stdout lists what was written, in order; progress is on stderr */
    for (size_t i = 0; i < N_FIGURES; i++) {
        char line[600];
        snprintf(line, sizeof line, "%s/%s.png\n", run_dir, FIGURES[i].name);
        ck_assert_msg(strstr(r.out, line), "%s not in: %s", line, r.out);
    }
    ck_assert_ptr_nonnull(strstr(r.err, "stampede: plotting "));
    ck_assert_int_eq(count_files(run_dir, ".tmp-"), 0);
    cmd_result_free(&r);

    /* --quiet: nothing on stderr; --out: another directory, created */
    char *out = path_in(tmp, "figures/here");
    const char *quiet[] = {"plot", run_dir, "--out", out, "--quiet", NULL};
    r = run_stampede(quiet);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    ck_assert_str_eq(r.err, "");
    assert_every_png(out);
    cmd_result_free(&r);
    free(out);
}
END_TEST

START_TEST(plot_marks_incidents_from_the_timeline)
{
    char *dir = path_in(tmp, "with-timeline");
    char *scenario = path_in(tmp, "tiny.json");
    const char *run[] = {"run", scenario, "--out", dir, "--quiet", NULL};
    struct cmd_result r = run_stampede(run);
    ck_assert_int_eq(r.status, 0);
    cmd_result_free(&r);
    add_timeline(dir);

    const char *args[] = {"plot", dir, "--quiet", NULL};
    r = run_stampede(args);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    assert_every_png(dir);
    ck_assert_int_eq(count_files(dir, "pwned"), 0);
    ck_assert_int_eq(count_files(".", "pwned"), 0);
    cmd_result_free(&r);
    free(dir);
    free(scenario);
}
END_TEST

START_TEST(plot_takes_any_directory_name)
{
    char *dir = path_in(tmp, "a run \"quoted\" 'twice'; touch pwned");
    char *scenario = path_in(tmp, "tiny.json");
    const char *run[] = {"run", scenario, "--out", dir, "--plot", "--quiet",
                         NULL};
    struct cmd_result r = run_stampede(run);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    assert_every_png(dir);
    cmd_result_free(&r);

    char *out = path_in(tmp, "<out | x; \"y\" 'z'");
    const char *args[] = {"plot", dir, "--out", out, "--quiet", NULL};
    r = run_stampede(args);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    assert_every_png(out);
    ck_assert_int_eq(count_files(tmp, "pwned") , 1);   /* the directory */
    ck_assert_int_eq(count_files(".", "pwned"), 0);
    cmd_result_free(&r);
    free(out);
    free(dir);
    free(scenario);
}
END_TEST

/* The sweep figures go through the same runner: a directory named like a
 * shell command, a --vary path with brackets and a label with '-' are
 * values, never commands. */
START_TEST(sweep_figures_take_any_directory_name)
{
    char *scenario = path_in(tmp, "tiny.json");
    char *out = path_in(tmp, "sweep \"q\" 'r'; touch pwned; $(touch pwned) "
                             "`touch pwned`");
    const char *args[] = {"sweep", scenario, "--vary",
                          "policies[per].beta=0.5,2", "--policy", "per",
                          "--reps", "2", "-j", "2", "--out", out, "--quiet",
                          NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    /* a figure per metric of sweep.csv (no slo: 12) */
    ck_assert_int_eq(count_files(out, "sweep_"), 13);   /* and the data */
    ck_assert_int_eq(count_files(out, ".png"), 12);
    /* no command ran: no file named pwned anywhere it could land */
    char *made = path_in(tmp, "pwned");
    ck_assert_int_ne(access(made, F_OK), 0);
    ck_assert_int_ne(access("pwned", F_OK), 0);
    ck_assert_int_eq(count_files(out, "pwned"), 0);
    cmd_result_free(&r);
    free(made);
    free(out);
    free(scenario);
}
END_TEST

/* gnuplot reads a data file named "<cmd" from a shell command and writes
 * output named "|cmd" into one: relative names like these must stay file
 * names. Runs from inside the temporary directory to make them relative. */
START_TEST(plot_never_pipes_through_a_shell)
{
    char *cwd = getcwd(NULL, 0);
    const char *bin = getenv("STAMPEDE");
    char *abs_bin = realpath(bin ? bin : "build/stampede", NULL);
    char *saved_bin = bin ? strdup(bin) : NULL;
    ck_assert_ptr_nonnull(abs_bin);
    setenv("STAMPEDE", abs_bin, 1);
    ck_assert_int_eq(chdir(tmp), 0);

    const char *in = "<touch pwned-in; echo x";
    const char *out = "|touch pwned-out; cat >";
    const char *run[] = {"run", "tiny.json", "--out", in, "--quiet", NULL};
    struct cmd_result r = run_stampede(run);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    cmd_result_free(&r);
    const char *args[] = {"plot", in, "--out", out, "--quiet", NULL};
    r = run_stampede(args);
    int status = r.status;
    char *err = strdup(r.err);
    cmd_result_free(&r);

    ck_assert_int_eq(chdir(cwd), 0);
    if (saved_bin)
        setenv("STAMPEDE", saved_bin, 1);
    else
        unsetenv("STAMPEDE");
    ck_assert_msg(status == 0, "exit %d: %s", status, err);
    char *out_dir = path_in(tmp, out);
    assert_every_png(out_dir);
    ck_assert_int_eq(count_files(tmp, "pwned-in"), 1);    /* the input dir */
    ck_assert_int_eq(count_files(tmp, "pwned-out"), 1);   /* the output dir */
    free(out_dir);
    free(err);
    free(saved_bin);
    free(abs_bin);
    free(cwd);
}
END_TEST

START_TEST(plot_without_gnuplot_leaves_the_data)
{
    char *empty = path_in(tmp, "empty-path");
    mkdir(empty, 0777);
    char *saved = strdup(getenv("PATH") ? getenv("PATH") : "");
    setenv("PATH", empty, 1);

    char *out = path_in(tmp, "no-gnuplot");
    const char *args[] = {"plot", run_dir, "--out", out, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_int_eq(r.status, 1);
    char expect[800];
    snprintf(expect, sizeof expect, "stampede plot: gnuplot is not installed "
             "(apt-get install gnuplot-nox); the data in %s is unaffected\n",
             run_dir);
    ck_assert_ptr_nonnull(strstr(r.err, expect));
    ck_assert_str_eq(r.out, "");
    ck_assert_int_eq(count_files(out, ".png"), 0);   /* not even temporaries */
    cmd_result_free(&r);

    /* run --plot: the data is written all the same, and the exit is 1 */
    char *scenario = path_in(tmp, "tiny.json");
    char *dir = path_in(tmp, "run-no-gnuplot");
    const char *run[] = {"run", scenario, "--out", dir, "--plot", "--quiet",
                         NULL};
    r = run_stampede(run);
    setenv("PATH", saved, 1);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "stampede run: gnuplot is not "
                                        "installed"));
    ck_assert_ptr_nonnull(strstr(r.out, "label"));   /* the table */
    char *csv = path_in(dir, "timeseries.csv");
    struct stat st;
    ck_assert_int_eq(stat(csv, &st), 0);
    ck_assert_int_eq(count_files(dir, ".png"), 0);
    cmd_result_free(&r);
    free(csv);
    free(dir);
    free(scenario);
    free(out);
    free(saved);
    free(empty);
}
END_TEST

START_TEST(plot_reports_a_missing_run)
{
    char *missing = path_in(tmp, "no-such-run");
    const char *args[] = {"plot", missing, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, missing));
    ck_assert_ptr_nonnull(strstr(r.err, "cannot open the run directory"));
    cmd_result_free(&r);

    /* a directory without timeseries.csv: named */
    char *empty = path_in(tmp, "not-a-run");
    mkdir(empty, 0777);
    const char *args2[] = {"plot", empty, NULL};
    r = run_stampede(args2);
    ck_assert_int_eq(r.status, 2);
    char expect[600];
    snprintf(expect, sizeof expect, "stampede plot: %s/timeseries.csv: cannot "
             "read: No such file or directory\n", empty);
    ck_assert_str_eq(r.err, expect);
    cmd_result_free(&r);

    const char *none[] = {"plot", NULL};
    r = run_stampede(none);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "which run?"));
    cmd_result_free(&r);

    const char *help[] = {"plot", "--help", NULL};
    r = run_stampede(help);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "Usage: stampede plot DIR"));
    cmd_result_free(&r);
    free(empty);
    free(missing);
}
END_TEST

START_TEST(plot_shows_why_gnuplot_failed)
{
    /* Scripts that fail, found through $STAMPEDE_PLOTS. */
    char *scripts = path_in(tmp, "broken-scripts");
    mkdir(scripts, 0777);
    free(write_text_file(scripts, "common.gp", "\n"));
    free(write_text_file(scripts, "hit_ratio.gp",
                         "set terminal pngcairo\nset output ARG2\n"
                         "plot sin(x)\nexit error \"the script broke\"\n"));
    setenv("STAMPEDE_PLOTS", scripts, 1);
    char *out = path_in(tmp, "broken-out");
    const char *args[] = {"plot", run_dir, "--out", out, "--quiet", NULL};
    struct cmd_result r = run_stampede(args);
    unsetenv("STAMPEDE_PLOTS");
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "stampede plot: gnuplot failed on "));
    ck_assert_ptr_nonnull(strstr(r.err, "the script broke"));
    /* what gnuplot had begun to write is gone */
    ck_assert_int_eq(count_files(out, "hit_ratio"), 0);
    cmd_result_free(&r);
    free(out);
    free(scripts);
}
END_TEST

/* ---- the scripts, called by hand ---- */

START_TEST(scripts_run_directly)
{
    char *csv = path_in(run_dir, "timeseries.csv");
    char *out = path_in(tmp, "direct");
    mkdir(out, 0777);
    for (size_t i = 0; i < N_FIGURES; i++) {
        char script[64], png[600];
        snprintf(script, sizeof script, "plots/%s.gp", FIGURES[i].name);
        snprintf(png, sizeof png, "%s/%s.png", out, FIGURES[i].name);
        /* CSV and PNG only: every other argument has a default */
        const char *two[] = {"-c", script, csv, png, NULL};
        ck_assert_int_eq(run_gnuplot(two), 0);
        assert_png(out, FIGURES[i].name, FIGURES[i].width, FIGURES[i].height);
        /* all of them, a size, one label of two, incidents */
        const char *all[] = {"-c", script, csv, png, "640,480", "tiny run",
                             "per", "1", "cores=2 qps=40 conns=20",
                             "2 key expires\n3.5 failover \"db\"; 'x'", NULL};
        ck_assert_int_eq(run_gnuplot(all), 0);
        assert_png(out, FIGURES[i].name, 640, 480);
        /* a USL peak, no connection limit */
        const char *usl[] = {"-c", script, csv, png, "800x500", "", "", "",
                             "peak=31.1 qps=15250", "", NULL};
        ck_assert_int_eq(run_gnuplot(usl), 0);
        assert_png(out, FIGURES[i].name, 800, 500);
        /* an slo (a run without its columns draws no box), a label it
         * does not know, a recovery, a policy that held */
        const char *slo[] = {"-c", script, csv, png, "", "", "", "", "", "",
                             "slo p99_ms=50 since=violation\n"
                             "none recovered 3 1\nper held\nother never",
                             NULL};
        ck_assert_int_eq(run_gnuplot(slo), 0);
        assert_png(out, FIGURES[i].name, FIGURES[i].width,
                   FIGURES[i].height);
    }
    /* without the two it needs: an error, not a figure */
    const char *bad[] = {"-c", "plots/comparison.gp", csv, NULL};
    ck_assert_int_ne(run_gnuplot_q(bad, true), 0);
    free(out);
    free(csv);
}
END_TEST

/* Empty cells are undefined values: gnuplot must break the line there,
 * not read them as 0 (a hit ratio of 0, a latency of 0 ms). Dumps the
 * curves common.gp builds as a table, for a CSV with holes. (As in
 * timeseries.csv, a column the scripts do not read comes last: gnuplot
 * does not count an empty last field as a column at all.) */
START_TEST(empty_cells_are_missing_not_zero)
{
    char *csv = write_text_file(tmp, "holes.csv",
        "label,rep,t_s,span_s,completed,error,hit_ratio,p50_ms,p99_ms,max_ms\n"
        "a,0,0,1,10,0,1,1,2,3\n"
        "a,0,1,1,0,0,,,,\n"
        "a,1,0,1,10,0,0.25,8,9,9\n"
        "a,0,2,1,10,5,0.5,2,4,5\n");
    char *table = path_in(tmp, "holes.txt");
    char *script, *png = path_in(tmp, "holes.png");
    if (asprintf(&script,
                 "array A[9]\n"
                 "do for [i = 1:9] { A[i] = \"\" }\n"
                 "A[1] = \"%s\"; A[2] = \"%s\"\n"
                 "DEFAULT_SIZE = \"300,200\"; PLOTS_DIR = \"plots/\"\n"
                 "load \"plots/common.gp\"\n"
                 "set table \"%s\"\n"
                 "plot CSV using (tmid(0)):(at(\"a\", \"hit_ratio\")), \\\n"
                 "     CSV using (tmid(0)):(at(\"a\", \"p99_ms\")), \\\n"
                 "     CSV using (tmid(0)):(err_pct(\"a\"))\n"
                 "unset table\n",
                 csv, png, table) < 0)
        abort();
    char *gp = write_text_file(tmp, "holes.gp", script);
    const char *args[] = {gp, NULL};
    ck_assert_int_eq(run_gnuplot(args), 0);
    char *text = read_text_file(table, NULL);
    ck_assert_ptr_nonnull(text);
    /* Each curve: window 1 (t = 1.5) undefined ("u"), not a point at 0;
     * rep 1 (0.25, 9) left out. */
    int defined_at_1_5 = 0, undefined_at_1_5 = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        double x, y;
        char type;
        if (line[0] == '#' || sscanf(line, " %lf %lf %c", &x, &y, &type) != 3)
            continue;
        if (x == 1.5) {
            defined_at_1_5 += type == 'i';
            undefined_at_1_5 += type == 'u';
        }
        ck_assert_msg(type != 'i' || (y != 0.25 && y != 9),
                      "rep 1 plotted: %s", line);
    }
    ck_assert_int_eq(defined_at_1_5, 0);
    ck_assert_int_eq(undefined_at_1_5, 3);
    free(text);
    free(gp);
    free(script);
    free(png);
    free(table);
    free(csv);
}
END_TEST

/* ---- what plotting reads from a run directory ---- */

START_TEST(input_reads_labels_capacity_and_incidents)
{
    char *dir = path_in(tmp, "input");
    mkdir(dir, 0777);
    free(write_text_file(dir, "timeseries.csv", "label\n"));
    free(write_text_file(dir, "summary.json",
                         "{\"policies\": [{\"label\": \"none\"}, "
                         "{\"label\": \"per_b-2\"}]}"));
    free(write_text_file(dir, "scenario.json",
                         "{\"name\": \"usl-run\", \"warmup\": \"2.5s\",\n"
                         " \"database\": {\"usl\": {\"sigma\": 0.062, "
                         "\"kappa\": 0.00097},\n"
                         "   \"service\": \"0.54ms\", \"max_connections\": "
                         "\"none\"},\n"
                         " \"timeline\": [{\"at\": 30, \"event\": \"cache_flush\","
                         " \"label\": \"b\\nc\"},"
                         " {\"at\": \"1m\", \"event\": \"cache_flush\"},"
                         " {\"at\": 2, \"event\": \"cache_flush\", \"label\": \"a\"}]}"));
    struct plot_input in;
    char err[512];
    ck_assert_int_eq(plot_input_read(dir, "auto", &in, err, sizeof err),
                     PLOT_INPUT_OK);
    ck_assert_str_eq(in.title, "usl-run");
    ck_assert_str_eq(in.labels, "none per_b-2");
    ck_assert_str_eq(in.warmup, "2.5");
    /* n* = sqrt(0.938 / 0.00097) = 31.0968; max W = W(31) =
     * 31 / (1 + 0.062 * 30 + 0.00097 * 31 * 30) = 8.24008, and
     * 8.24008 / 0.54 ms = 15259.4 queries/s */
    ck_assert_str_eq(in.capacity, "peak=31.0968 qps=15259.4 scale=auto\n");
    /* in time order, newlines made spaces, a missing label made up */
    ck_assert_str_eq(in.incidents, "2 a\n30 b c\n60 cache flush\n");
    plot_input_free(&in);

    /* cores and a connection limit; no timeline */
    free(write_text_file(dir, "scenario.json",
                         "{\"database\": {\"cores\": 4, \"service\": "
                         "\"20ms\"}}"));
    ck_assert_int_eq(plot_input_read(dir, "auto", &in, err, sizeof err),
                     PLOT_INPUT_OK);
    ck_assert_str_eq(in.capacity, "cores=4 qps=200 conns=100 scale=auto\n");
    ck_assert_str_eq(in.incidents, "");
    plot_input_free(&in);

    /* the capacity as the timeline changes it: a line per database
     * event, each with the capacity from then on (the work of a query
     * doubled at 45 s halves the queries per second); a traffic event,
     * or one at the end of the run, changes nothing drawn */
    free(write_text_file(dir, "scenario.json",
                         "{\"duration\": 90, \"database\": {\"cores\": 4, "
                         "\"service\": \"20ms\"},\n"
                         " \"timeline\": [{\"at\": 30, \"event\": \"database\", "
                         "\"cores\": 2},\n"
                         " {\"at\": 40, \"event\": \"traffic\", "
                         "\"rate_multiplier\": 2},\n"
                         " {\"at\": 45, \"event\": \"database\", "
                         "\"service_multiplier\": 2},\n"
                         " {\"at\": 60, \"event\": \"database\", "
                         "\"cores\": 4},\n"
                         " {\"at\": 90, \"event\": \"database\", "
                         "\"cores\": 1}]}"));
    ck_assert_int_eq(plot_input_read(dir, "log", &in, err, sizeof err),
                     PLOT_INPUT_OK);
    ck_assert_str_eq(in.capacity, "cores=4 qps=200 conns=100 scale=log\n"
                                  "30 cores=2 qps=100\n"
                                  "45 cores=2 qps=50\n"
                                  "60 cores=4 qps=100\n");
    plot_input_free(&in);

    /* a bad timeline, a bad label: named */
    free(write_text_file(dir, "scenario.json",
                         "{\"timeline\": [{\"at\": \"soon\", \"event\": "
                         "\"cache_flush\"}]}"));
    ck_assert_int_eq(plot_input_read(dir, "auto", &in, err, sizeof err),
                     PLOT_INPUT_BAD);
    ck_assert_ptr_nonnull(strstr(err, "scenario.json:1:"));
    ck_assert_ptr_nonnull(strstr(err, ": timeline[0].at: "));
    free(write_text_file(dir, "summary.json",
                         "{\"policies\": [{\"label\": \"a b\"}]}"));
    ck_assert_int_eq(plot_input_read(dir, "auto", &in, err, sizeof err),
                     PLOT_INPUT_BAD);
    ck_assert_ptr_nonnull(strstr(err, "summary.json: policies[0].label"));
    free(dir);
}
END_TEST

/* The SLO argument: the objective's p99, what the recovery counts from,
 * and per label how replication 0 fared; a run without an slo has none. */
START_TEST(input_reads_the_slo)
{
    char *dir = path_in(tmp, "slo-input");
    mkdir(dir, 0777);
    free(write_text_file(dir, "timeseries.csv", "label\n"));
    free(write_text_file(
        dir, "summary.json",
        "{\"policies\": ["
        "{\"label\": \"none\", \"slo\": {\"violations\": 26, "
        "\"recovery_s\": 4, \"first_violation_s\": 38, "
        "\"recovered\": true}},"
        "{\"label\": \"lock\", \"slo\": {\"violations\": {\"mean\": 1, "
        "\"values\": [0, 2]}, \"recovery_s\": {\"values\": [0, 3]}, "
        "\"first_violation_s\": {\"values\": [null, 31]}}},"
        "{\"label\": \"per\", \"slo\": {\"violations\": 30, "
        "\"recovery_s\": null, \"first_violation_s\": 34, "
        "\"recovered\": false}}]}"));
    free(write_text_file(dir, "scenario.json",
                         "{\"slo\": {\"p99\": \"250ms\", \"error_rate\": 0.001},"
                         " \"timeline\": [{\"at\": 30, \"event\": "
                         "\"cache_flush\"}, {\"at\": 60, \"event\": "
                         "\"cache_flush\"}], \"duration\": 90}"));
    struct plot_input in;
    char err[512];
    ck_assert_int_eq(plot_input_read(dir, "auto", &in, err, sizeof err),
                     PLOT_INPUT_OK);
    /* none: back 4 s after the last incident, at 64 s */
    ck_assert_str_eq(in.slo, "slo p99_ms=250 since=incident\n"
                             "none recovered 64 4\n"
                             "lock held\n"
                             "per never\n");
    plot_input_free(&in);
    /* no timeline: from the first violation; no p99 objective */
    free(write_text_file(dir, "scenario.json",
                         "{\"slo\": {\"error_rate\": 0.001}}"));
    ck_assert_int_eq(plot_input_read(dir, "auto", &in, err, sizeof err),
                     PLOT_INPUT_OK);
    ck_assert_str_eq(in.slo, "slo since=violation\n"
                             "none recovered 42 4\n"
                             "lock held\n"
                             "per never\n");
    plot_input_free(&in);
    free(write_text_file(dir, "scenario.json", "{}"));
    ck_assert_int_eq(plot_input_read(dir, "auto", &in, err, sizeof err),
                     PLOT_INPUT_OK);
    ck_assert_str_eq(in.slo, "");
    plot_input_free(&in);
    free(dir);
}
END_TEST

/* With an slo, latency.png and comparison.png get a panel more (the
 * windows out of it) at the same size, and the SLO's p99 line. */
START_TEST(plot_draws_the_slo)
{
    char *dir = path_in(tmp, "with-slo");
    char *scenario = path_in(tmp, "tiny.json");
    const char *run[] = {"run", scenario, "--out", dir, "--quiet", "--plot",
                         "--set", "slo.p99=20ms", "--set",
                         "slo.error_rate=0.001", NULL};
    struct cmd_result r = run_stampede(run);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    assert_every_png(dir);
    cmd_result_free(&r);
    free(dir);
    free(scenario);
}
END_TEST

/* plot_render in this process, so that the sanitizers see it work. */
START_TEST(render_in_process)
{
    char *out = path_in(tmp, "in-process");
    struct plot_request req = {.dir = run_dir, .out_dir = out};
    struct plot_error err;
    enum plot_status status = plot_render(&req, &err);
    ck_assert_msg(status == PLOT_OK, "%s", err.message);
    plot_error_free(&err);
    assert_every_png(out);
    free(out);
}
END_TEST

TEST_SUITE(plot_suite)
{
    Suite *s = suite_create("plot");
    TCase *tc = tcase_create("plot");
    tcase_add_unchecked_fixture(tc, make_run, remove_run);
    tcase_add_test(tc, plot_renders_every_figure);
    tcase_add_test(tc, plot_marks_incidents_from_the_timeline);
    tcase_add_test(tc, plot_takes_any_directory_name);
    tcase_add_test(tc, plot_never_pipes_through_a_shell);
    tcase_add_test(tc, sweep_figures_take_any_directory_name);
    tcase_add_test(tc, plot_without_gnuplot_leaves_the_data);
    tcase_add_test(tc, plot_reports_a_missing_run);
    tcase_add_test(tc, plot_shows_why_gnuplot_failed);
    tcase_add_test(tc, scripts_run_directly);
    tcase_add_test(tc, empty_cells_are_missing_not_zero);
    tcase_add_test(tc, input_reads_labels_capacity_and_incidents);
    tcase_add_test(tc, render_in_process);
    tcase_add_test(tc, input_reads_the_slo);
    tcase_add_test(tc, plot_draws_the_slo);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
