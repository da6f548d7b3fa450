/*
 * test_bad_inputs.c — what a user meets when the input is wrong: one table
 * of bad scenarios and bad command lines, each given to `check`, `run` and
 * `sweep` (those it applies to) through the real binary.
 *
 * Every case must end with exit status 2, nothing on stdout, no results
 * directory created, and a first line on stderr that names the file and,
 * where there is one, the line, column and field path:
 *
 *     FILE:LINE:COL: PATH: MESSAGE
 *
 * The expected line is exact ("{file}" stands for the scenario's path,
 * "{cmd}" for the command), or, for the few whose wording depends on the
 * system, a prefix and the words the rest must contain.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support.h"

enum { CHECK = 1, RUN = 2, SWEEP = 4, ALL = CHECK | RUN | SWEEP };

/* A scenario that needs more than a file with text: returns its path (or
 * NULL for no file at all); may replace the expected line. */
typedef char *(*make_fn)(const char *dir, char *expect, size_t n);

struct bad_input {
    const char *what;
    unsigned cmds;
    const char *text;          /* the scenario file's contents */
    make_fn make;              /* or this */
    const char *args[6];       /* after the file */
    const char *expect;        /* the first line of stderr */
    const char *words[3];      /* if set, expect is a prefix and these must
                                  follow it */
    bool no_vary;              /* sweep: do not add a --vary */
};

/* ---- scenarios that are not plain text files ---- */

static char *missing_file(const char *dir, char *expect, size_t n)
{
    (void)expect;
    (void)n;
    return path_in(dir, "missing.json");
}

static char *a_directory(const char *dir, char *expect, size_t n)
{
    (void)expect;
    (void)n;
    char *p = path_in(dir, "scenarios.json");
    ck_assert_int_eq(mkdir(p, 0755), 0);
    return p;
}

/* A file that cannot be read. chmod 000 stops everyone but root, and the
 * tests often run as root, for whom permissions do not stop a read (nor
 * does a directory without permissions, nor a FIFO, which the loader
 * refuses as not a regular file anyway). What fails for root too is a
 * regular file whose read fails: /proc/self/mem, read at offset 0 (never
 * mapped), gives EIO, and "self" is the stampede process reading it. */
static char *unreadable_file(const char *dir, char *expect, size_t n)
{
    if (geteuid() == 0) {
        snprintf(expect, n, "{file}: cannot read: Input/output error");
        return strdup("/proc/self/mem");
    }
    char *p = path_in(dir, "secret.json");
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0000);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "{}", 2), 2);
    close(fd);
    snprintf(expect, n, "{file}: cannot open: Permission denied");
    return p;
}

/* A FIFO without a writer: opening it for reading would wait forever. */
static char *a_fifo(const char *dir, char *expect, size_t n)
{
    (void)expect;
    (void)n;
    char *p = path_in(dir, "fifo.json");
    ck_assert_int_eq(mkfifo(p, 0600), 0);
    return p;
}

/* 50 MB (sparse: the loader must refuse it by its size, not read it). */
static char *fifty_megabytes(const char *dir, char *expect, size_t n)
{
    (void)expect;
    (void)n;
    char *p = path_in(dir, "huge.json");
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, 50L << 20), 0);
    close(fd);
    return p;
}

static char *write_bytes(const char *dir, const char *name, const char *data,
                         size_t len)
{
    char *p = path_in(dir, name);
    FILE *f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
    return p;
}

/* Bytes of a compiled program: a NUL among the first of them. */
static char *binary_garbage(const char *dir, char *expect, size_t n)
{
    (void)expect;
    (void)n;
    static const char elf[] = "\x7f" "ELF\x02\x01\x01\x00\x00\x00\x00\x00";
    return write_bytes(dir, "a.out.json", elf, sizeof elf - 1);
}

static char *deep_nesting(const char *dir, char *expect, size_t n)
{
    (void)expect;
    (void)n;
    enum { DEPTH = 10000 };
    char *text = malloc(2 * DEPTH + 16);
    size_t len = 0;
    len += (size_t)sprintf(text, "{\"a\": ");
    for (int i = 0; i < DEPTH; i++)
        text[len++] = '[';
    for (int i = 0; i < DEPTH; i++)
        text[len++] = ']';
    text[len++] = '}';
    char *p = write_bytes(dir, "deep.json", text, len);
    free(text);
    return p;
}

static char *no_file(const char *dir, char *expect, size_t n)
{
    (void)dir;
    (void)expect;
    (void)n;
    return NULL;
}

/* ---- the table ---- */

#define MSG_VALUE "expected a value (an object, array, string, number, " \
                  "true, false or null), got "

static const struct bad_input CASES[] = {
    /* the file */
    {"empty file", ALL, "", NULL, {NULL},
     "{file}:1:1: the file is empty (expected a JSON object)", {NULL}, 0},
    {"only white space", ALL, "  \n\t\n", NULL, {NULL},
     "{file}:3:1: the file is empty (expected a JSON object)", {NULL}, 0},
    {"missing file", ALL, NULL, missing_file, {NULL},
     "{file}: cannot open: No such file or directory", {NULL}, 0},
    {"a directory", ALL, NULL, a_directory, {NULL},
     "{file}: is a directory, not a scenario file", {NULL}, 0},
    {"unreadable file", ALL, NULL, unreadable_file, {NULL}, NULL, {NULL}, 0},
    {"a FIFO", ALL, NULL, a_fifo, {NULL},
     "{file}: not a regular file (a FIFO)", {NULL}, 0},
    {"a 50 MB file", ALL, NULL, fifty_megabytes, {NULL},
     "{file}: too large (50.0 MB; a scenario file is at most 16 MB)", {NULL},
     0},
    {"binary garbage", ALL, NULL, binary_garbage, {NULL},
     "{file}:1:8: not a text file (it contains a NUL byte)", {NULL}, 0},
    {"garbage without a NUL", ALL, "\x80\x81{", NULL, {NULL},
     "{file}:1:1: " MSG_VALUE "byte 0x80", {NULL}, 0},
    {"invalid UTF-8 in a string", ALL, "{\"name\": \"\xff\"}", NULL, {NULL},
     "{file}:1:11: invalid UTF-8 in a string", {NULL}, 0},
    {"10,000-deep nesting", ALL, NULL, deep_nesting, {NULL},
     "{file}:1:518: nested deeper than 512 levels", {NULL}, 0},

    /* the syntax */
    {"not JSON", ALL, "hello", NULL, {NULL},
     "{file}:1:1: " MSG_VALUE "'h'", {NULL}, 0},
    {"truncated object", ALL, "{\"duration\": \"5s\", \"cache\": {", NULL,
     {NULL}, "{file}:1:30: expected a key in double quotes, got end of file",
     {NULL}, 0},
    {"truncated string", ALL, "{\"name\": \"abc", NULL, {NULL},
     "{file}:1:14: unterminated string (no closing '\"')", {NULL}, 0},
    {"truncated after a value", ALL, "{\n  \"duration\": 60", NULL, {NULL},
     "{file}:2:17: expected ',' or '}', got end of file", {NULL}, 0},
    {"top level is a list", ALL, "[1, 2]", NULL, {NULL},
     "{file}:1:1: expected a JSON object at the top level, got [1,2]", {NULL},
     0},
    {"top level is a string", ALL, "\"hot-key\"", NULL, {NULL},
     "{file}:1:1: expected a JSON object at the top level, got \"hot-key\"",
     {NULL}, 0},
    {"two objects", ALL, "{} {}", NULL, {NULL},
     "{file}:1:4: unexpected '{' after the end of the JSON value", {NULL}, 0},
    {"a comment", ALL, "// the hot key\n{}", NULL, {NULL},
     "{file}:1:1: " MSG_VALUE "'/'", {NULL}, 0},
    {"a trailing comma", ALL, "{\"seed\": 1,}", NULL, {NULL},
     "{file}:1:12: expected a key (no comma before '}'), got '}'", {NULL}, 0},
    {"NaN", ALL, "{\"duration\": NaN}", NULL, {NULL},
     "{file}:1:14: " MSG_VALUE "'N'", {NULL}, 0},
    {"Infinity", ALL, "{\"duration\": Infinity}", NULL, {NULL},
     "{file}:1:14: " MSG_VALUE "'I'", {NULL}, 0},

    /* the schema */
    {"duplicate key", ALL, "{\"cache\": {\"ttl\": \"1s\",\n \"ttl\": \"2s\"}}",
     NULL, {NULL},
     "{file}:2:2: cache.ttl: duplicate field \"ttl\" (already given above)",
     {NULL}, 0},
    {"unknown key, with a suggestion", ALL, "{\"duraton\": \"5s\"}", NULL,
     {NULL}, "{file}:1:2: duraton: unknown field \"duraton\" (did you mean "
             "\"duration\"?)", {NULL}, 0},
    {"unknown nested key", ALL, "{\"database\": {\"corse\": 4}}", NULL, {NULL},
     "{file}:1:15: database.corse: unknown field \"corse\" (did you mean "
     "\"cores\"?)", {NULL}, 0},
    {"unknown key, nothing like it", ALL, "{\"frobnicate\": 1}", NULL, {NULL},
     "{file}:1:2: frobnicate: unknown field \"frobnicate\"", {NULL}, 0},
    {"a boolean for a duration", ALL, "{\"duration\": true}", NULL, {NULL},
     "{file}:1:14: duration: expected a duration (seconds, or a string like "
     "\"200ms\"), got true", {NULL}, 0},
    {"a word for an integer", ALL, "{\"database\": {\"cores\": \"eight\"}}",
     NULL, {NULL}, "{file}:1:24: database.cores: expected an integer between "
                   "1 and 100000, got \"eight\"", {NULL}, 0},
    {"an object for a list", ALL, "{\"policies\": {\"policy\": \"none\"}}",
     NULL, {NULL}, "{file}:1:14: policies: expected a list of 1 to 32 "
                   "policies, got {\"policy\":\"none\"}", {NULL}, 0},
    {"a list for an object", ALL, "{\"cache\": []}", NULL, {NULL},
     "{file}:1:11: cache: expected an object, got []", {NULL}, 0},
    {"a negative duration", ALL, "{\"duration\": -5}", NULL, {NULL},
     "{file}:1:14: duration: expected a duration > 0 and <= 10000000, got -5",
     {NULL}, 0},
    {"a zero duration", ALL, "{\"duration\": 0}", NULL, {NULL},
     "{file}:1:14: duration: expected a duration > 0 and <= 10000000, got 0",
     {NULL}, 0},
    {"1e400", ALL, "{\"duration\": 1e400}", NULL, {NULL},
     "{file}:1:14: duration: expected a finite duration, got a number too "
     "large to represent", {NULL}, 0},
    {"a huge duration", ALL, "{\"duration\": 1e300, \"window\": 1e295}", NULL,
     {NULL}, "{file}:1:14: duration: expected a duration > 0 and <= "
             "10000000, got 1e+300", {NULL}, 0},
    {"a negative rate", ALL,
     "{\"workload\": {\"arrivals\": {\"rate\": -10}}}", NULL, {NULL},
     "{file}:1:36: workload.arrivals.rate: expected a number > 0 and <= 1000000000, got -10",
     {NULL}, 0},
    {"\"5 s\"", ALL, "{\"cache\": {\"ttl\": \"5 s\"}}", NULL, {NULL},
     "{file}:1:19: cache.ttl: bad duration \"5 s\": no space is allowed "
     "between the number and its unit", {NULL}, 0},
    {"\"5sec\"", ALL, "{\"cache\": {\"ttl\": \"5sec\"}}", NULL, {NULL},
     "{file}:1:19: cache.ttl: bad duration \"5sec\": unknown unit (use ns, us, "
     "ms, s, m or h)", {NULL}, 0},
    {"\"-1ms\"", ALL, "{\"cache\": {\"ttl\": \"-1ms\"}}", NULL, {NULL},
     "{file}:1:19: cache.ttl: bad duration \"-1ms\": a duration cannot be "
     "negative", {NULL}, 0},
    {"\"1e400s\"", ALL, "{\"window\": \"1e400s\"}", NULL, {NULL},
     "{file}:1:12: window: bad duration \"1e400s\": the duration is too large "
     "to represent", {NULL}, 0},
    {"cv < 0", ALL,
     "{\"database\": {\"service\": {\"dist\": \"lognormal\", \"mean\": \"5ms\", "
     "\"cv\": -1}}}", NULL, {NULL},
     "{file}:1:69: database.service.cv: expected a number between 0.001 and 100, got -1", {NULL},
     0},
    {"min > max", ALL,
     "{\"database\": {\"service\": {\"dist\": \"uniform\", \"min\": \"5ms\", "
     "\"max\": \"1ms\"}}}", NULL, {NULL},
     "{file}:1:67: database.service.max: max (0.001 s) must not be below min "
     "(0.005 s)", {NULL}, 0},
    {"zero keys", ALL, "{\"workload\": {\"keys\": {\"count\": 0}}}", NULL,
     {NULL}, "{file}:1:33: workload.keys.count: expected an integer between 1 "
             "and 1000000000, got 0", {NULL}, 0},
    {"a fraction of a key", ALL,
     "{\"workload\": {\"keys\": {\"count\": 2.5}}}", NULL, {NULL},
     "{file}:1:33: workload.keys.count: expected an integer between 1 and "
     "1000000000, got 2.5", {NULL}, 0},
    {"Zipf s = 0", ALL,
     "{\"workload\": {\"keys\": {\"count\": 10, \"popularity\": \"zipf\", "
     "\"s\": 0}}}", NULL, {NULL},
     "{file}:1:64: workload.keys.s: expected a number > 0, got 0", {NULL}, 0},
    {"Zipf s < 0", ALL,
     "{\"workload\": {\"keys\": {\"count\": 10, \"popularity\": \"zipf\", "
     "\"s\": -1}}}", NULL, {NULL},
     "{file}:1:64: workload.keys.s: expected a number > 0, got -1", {NULL}, 0},
    {"too many keys for memory", ALL,
     "{\"workload\": {\"keys\": {\"count\": 1000000000}}}", NULL,
     {"--max-memory", "4G", NULL},
     "{file}:1:33: workload.keys.count: 1000000000 keys need about 41 GB at "
     "start, over the limit of 4 GB (raise it with --max-memory)", {NULL}, 0},
    {"a closed loop in which time cannot advance", ALL,
     "{\"workload\": {\"arrivals\": {\"process\": \"closed\", \"think\": 0}},"
     " \"cache\": {\"latency\": 0}}", NULL, {NULL},
     "{file}:1:58: workload.arrivals.think: a think time of 0 with a cache "
     "latency of 0 never lets simulated time advance (every hit takes no "
     "time); give think or cache.latency a mean above 0", {NULL}, 0},
    {"an unknown policy", ALL, "{\"policies\": [{\"policy\": \"lok\"}]}", NULL,
     {NULL}, "{file}:1:26: policies[0].policy: unknown policy \"lok\" (did you "
             "mean \"lock\"?)", {NULL}, 0},
    {"duplicate labels", ALL,
     "{\"policies\": [{\"policy\": \"lock\"}, {\"policy\": \"lock\"}]}", NULL,
     {NULL}, "{file}:1:35: policies[1]: duplicate label \"lock\" (policies[0] "
             "has it; give each policy a distinct \"label\")", {NULL}, 0},
    {"a label with a space", ALL,
     "{\"policies\": [{\"policy\": \"none\", \"label\": \"my label\"}]}", NULL,
     {NULL}, "{file}:1:43: policies[0].label: a label starts with a letter, "
             "then letters, digits, '-' or '_' (at most 64), got \"my label\"",
     {NULL}, 0},
    {"a knob out of range", ALL,
     "{\"policies\": [{\"policy\": \"per\", \"beta\": 0}]}", NULL, {NULL},
     "{file}:1:41: policies[0].beta: expected a number > 0, got 0", {NULL}, 0},
    {"knobs that contradict", ALL,
     "{\"policies\": [{\"policy\": \"lock\", \"retry_interval\": \"10ms\", "
     "\"retry_jitter\": \"20ms\"}]}", NULL, {NULL},
     "{file}:1:76: policies[0].retry_jitter: retry_jitter (0.02s) must not "
     "exceed retry_interval (0.01s): a sleep cannot be negative", {NULL}, 0},
    {"a word where \"none\" is allowed", ALL,
     "{\"database\": {\"max_connections\": \"unlimited\"}}", NULL, {NULL},
     "{file}:1:34: database.max_connections: expected an integer >= 1 or "
     "\"none\", got \"unlimited\"", {NULL}, 0},
    {"a jitter of 1", ALL, "{\"cache\": {\"ttl_jitter\": 1}}", NULL, {NULL},
     "{file}:1:26: cache.ttl_jitter: expected a number >= 0 and < 1, got 1",
     {NULL}, 0},
    {"an incident with a field of another event", ALL,
     "{\"timeline\": [{\"at\": \"1s\", \"event\": \"cache_flush\", "
     "\"cores\": 4}]}", NULL, {NULL},
     "{file}:1:61: timeline[0].cores: a cache_flush event takes no cores",
     {NULL}, 0},
    {"an unknown event", ALL,
     "{\"timeline\": [{\"at\": \"1s\", \"event\": \"flush\"}]}", NULL, {NULL},
     "{file}:1:37: timeline[0].event: expected \"cache_flush\", \"database\" or "
     "\"traffic\", got \"flush\"", {NULL}, 0},
    {"an incident without a time", ALL,
     "{\"timeline\": [{\"event\": \"cache_flush\"}]}", NULL, {NULL},
     "{file}:1:15: timeline[0]: an incident needs \"at\" (a time) and "
     "\"event\" (cache_flush, database or traffic)", {NULL}, 0},
    {"a traffic change given twice", ALL,
     "{\"timeline\": [{\"at\": \"1s\", \"event\": \"traffic\", \"rate\": 5, "
     "\"rate_multiplier\": 2}]}", NULL, {NULL},
     "{file}:1:15: timeline[0]: a traffic event takes exactly one of rate, "
     "rate_multiplier or workers", {NULL}, 0},
    {"a profile going back in time", ALL,
     "{\"workload\": {\"arrivals\": {\"profile\": [{\"at\": \"5s\", \"rate\": 1},"
     " {\"at\": \"2s\", \"rate\": 2}]}}}", NULL, {NULL},
     "{file}:1:72: workload.arrivals.profile[1].at: profile times must not "
     "decrease (2s comes after 5s)", {NULL}, 0},
    {"warmup >= duration", ALL, "{\"duration\": \"1m\", \"warmup\": \"1m\"}",
     NULL, {NULL}, "{file}:1:30: warmup: the warmup (60s) must end before the "
                   "run does (duration 60s)", {NULL}, 0},
    {"a window too small", ALL, "{\"window\": \"1us\"}", NULL, {NULL},
     "{file}:1:12: window: 60000000 windows is too many (at most 1000000: "
     "make the window longer)", {NULL}, 0},
    {"a window longer than the run", ALL, "{\"window\": \"2m\"}", NULL, {NULL},
     "{file}:1:12: window: a window (120s) cannot be longer than the run "
     "(duration 60s)", {NULL}, 0},

    {"an slo without an objective", ALL, "{\"slo\": {\"window\": \"2s\"}}",
     NULL, {NULL}, "{file}:1:9: slo: an slo needs at least one objective: "
                   "p99, error_rate, hit_ratio or db_utilization", {NULL}, 0},
    {"an SLO window that is not a whole number of windows", ALL,
     "{\"window\": \"2s\",\n \"slo\": {\"p99\": \"1s\", \"window\": \"3s\"}}",
     NULL, {NULL}, "{file}:2:33: slo.window: an SLO window is a whole number "
                   "of the scenario's windows (2s), got 3s", {NULL}, 0},

    /* --set */
    {"--set of a field that does not exist", ALL, "{}", NULL,
     {"--set", "database.corez=4", NULL},
     "--set database.corez=4: database.corez: unknown field \"corez\" (did "
     "you mean \"cores\"?)", {NULL}, 0},
    {"--set without '='", ALL, "{}", NULL, {"--set", "database.cores", NULL},
     "--set database.cores: expected PATH=VALUE (for example "
     "database.cores=4)", {NULL}, 0},
    {"--set of an element of an absent list", ALL, "{}", NULL,
     {"--set", "policies[3].beta=1", NULL},
     "--set policies[3].beta=1: policies[3] does not exist (the scenario has "
     "no policies)", {NULL}, 0},
    {"--set of a word for a number", ALL, "{}", NULL,
     {"--set", "database.cores=abc", NULL},
     "--set database.cores=abc: database.cores: expected an integer between "
     "1 and 100000, got \"abc\"", {NULL}, 0},
    {"--set of nan", ALL, "{}", NULL, {"--set", "duration=nan", NULL},
     "--set duration=nan: duration: bad duration \"nan\": a duration is a "
     "number followed by a unit, like \"200ms\"", {NULL}, 0},
    {"--set of broken JSON", ALL, "{}", NULL,
     {"--set", "database.service={\"dist\":", NULL},
     "--set database.service={\"dist\":: the value is not valid JSON (it ends "
     "too soon)", {NULL}, 0},
    {"--set of a bad path", ALL, "{}", NULL, {"--set", "cache..ttl=1", NULL},
     "--set cache..ttl=1: bad path \"cache..ttl\": expected a field name at "
     "\".ttl\"", {NULL}, 0},
    {"--set of a label with a dot", ALL,
     "{\"policies\": [{\"policy\": \"none\"}]}", NULL,
     {"--set", "policies[none].label=a.b", NULL},
     "--set policies[none].label=a.b: policies[0].label: a label starts with "
     "a letter, then letters, digits, '-' or '_' (at most 64), got \"a.b\"",
     {NULL}, 0},

    {"--set of a word for the SLO's p99", ALL, "{}", NULL,
     {"--set", "slo.p99=soon", NULL},
     "--set slo.p99=soon: slo.p99: bad duration \"soon\": a duration is a "
     "number followed by a unit, like \"200ms\"", {NULL}, 0},

    /* the command line */
    {"--seed below 0", ALL, "{}", NULL, {"--seed", "-1", NULL},
     "stampede {cmd}: --seed: expected an integer from 0 to 2^53-1, got '-1'",
     {NULL}, 0},
    {"--seed above 2^53-1", ALL, "{}", NULL,
     {"--seed", "9007199254740992", NULL},
     "stampede {cmd}: --seed: expected an integer from 0 to 2^53-1, got "
     "'9007199254740992'", {NULL}, 0},
    {"an unknown option", ALL, "{}", NULL, {"--frobnicate", NULL},
     "stampede {cmd}: unknown option '--frobnicate'", {NULL}, 0},
    {"a missing argument", ALL, "{}", NULL, {"--set", NULL},
     "stampede {cmd}: --set needs a value", {NULL}, 0},
    {"no scenario", ALL, NULL, no_file, {NULL},
     "stampede {cmd}: which scenario? give a file (- for standard input)",
     {NULL}, 0},
    {"two scenarios", ALL, "{}", NULL, {"other.json", NULL},
     "stampede {cmd}: give one scenario file", {NULL}, 0},
    {"--max-memory that is not a size", ALL, "{}", NULL,
     {"--max-memory", "lots", NULL},
     "stampede {cmd}: --max-memory: expected a size such as 4G, 500M or 64K, "
     "got 'lots'", {NULL}, 0},
    {"--out naming a file", RUN | SWEEP, "{}", NULL, {"--out", "/dev/null", NULL},
     "stampede {cmd}: --out /dev/null: exists and is not a directory", {NULL},
     0},
    {"--reps 0", RUN | SWEEP, "{}", NULL, {"--reps", "0", NULL},
     "stampede {cmd}: --reps: expected an integer from 1 to 10000, got '0'",
     {NULL}, 0},
    {"--max-in-flight 0", RUN | SWEEP, "{}", NULL,
     {"--max-in-flight", "0", NULL},
     "stampede {cmd}: --max-in-flight: expected an integer from 1 to 10^8, "
     "got '0'", {NULL}, 0},
    {"--policy of no policy", RUN, "{}", NULL, {"--policy", "lock", NULL},
     "stampede run: --policy lock: the scenario has no policy labelled "
     "\"lock\"", {NULL}, 0},
    {"--policy with a typo", RUN, "{}", NULL, {"--policy", "none_", NULL},
     "stampede run: --policy none_: the scenario has no policy labelled "
     "\"none_\" (did you mean \"none\"?)", {NULL}, 0},
    {"--fail-on-slo without an slo", RUN, "{}", NULL, {"--fail-on-slo", NULL},
     "stampede run: --fail-on-slo: the scenario has no slo to hold (add an "
     "\"slo\" block, or --set slo.p99=250ms)", {NULL}, 0},
    {"--max of an unknown metric", SWEEP, "{}", NULL,
     {"--max", "worst_window.p99=500", NULL},
     "stampede sweep: --max worst_window.p99=500: no metric "
     "\"worst_window.p99\" (did you mean \"worst_window.p99_ms\"?) ('stampede "
     "metrics' lists them)", {NULL}, 0},
    {"--min of a per-window column", SWEEP, "{}", NULL,
     {"--min", "db_qps=10", NULL},
     "stampede sweep: --min db_qps=10: \"db_qps\" is a column of "
     "timeseries.csv, a figure of each window; bound a field of summary.json "
     "('stampede metrics' lists them)", {NULL}, 0},
    {"--min without a number", SWEEP, "{}", NULL,
     {"--min", "hit_ratio=high", NULL},
     "stampede sweep: --min hit_ratio=high: expected a number after '=', got "
     "\"high\"", {NULL}, 0},
    {"--max of the SLO without an slo", SWEEP, "{}", NULL,
     {"--max", "slo.out_of_slo_s=0", NULL},
     "stampede sweep: --max slo.out_of_slo_s=0: the scenario has no slo (add "
     "an \"slo\" block, or --set slo.p99=250ms)", {NULL}, 0},
    {"-j 0", SWEEP, "{}", NULL, {"-j", "0", NULL},
     "stampede sweep: -j: expected an integer from 1 to 256, got '0'", {NULL},
     0},
    {"nothing to vary", SWEEP, "{}", NULL, {NULL},
     "stampede sweep: nothing to vary: give --vary PATH=SPEC", {NULL}, 1},
    {"--vary of a field that does not exist", SWEEP, "{}", NULL,
     {"--vary", "database.corez=1,2", NULL},
     "--vary database.corez=1: database.corez: unknown field \"corez\" (did "
     "you mean \"cores\"?)", {NULL}, 1},
    {"--vary with a bad spec", SWEEP, "{}", NULL,
     {"--vary", "cache.ttl=1:2", NULL},
     "stampede sweep: --vary cache.ttl=1:2: expected a,b,c or lo:hi:n or "
     "lo:hi:n:log, got \"1:2\"", {NULL}, 1},
    {"--vary with a value out of range", SWEEP, "{}", NULL,
     {"--vary", "duration=10s,-1", NULL},
     "--vary duration=-1: duration: expected a duration > 0 and <= 10000000, "
     "got \"-1\"", {NULL}, 1},
};

#define N_CASES (sizeof CASES / sizeof CASES[0])

/* ---- running a case ---- */

/* Replaces "{file}" and "{cmd}" in a template. */
static void expand(const char *template, const char *file, const char *cmd,
                   char *out, size_t n)
{
    size_t len = 0;
    for (const char *t = template; *t && len + 1 < n;) {
        const char *with = NULL;
        if (strncmp(t, "{file}", 6) == 0)
            with = file;
        else if (strncmp(t, "{cmd}", 5) == 0)
            with = cmd;
        if (with) {
            len += (size_t)snprintf(out + len, n - len, "%s", with);
            if (len >= n)
                len = n - 1;
            t += t[1] == 'f' ? 6 : 5;
        } else {
            out[len++] = *t++;
        }
    }
    out[len] = '\0';
}

static void run_case(const struct bad_input *c, unsigned cmd, const char *dir)
{
    char expect_template[512];
    snprintf(expect_template, sizeof expect_template, "%s",
             c->expect ? c->expect : "");
    char *file = c->make ? c->make(dir, expect_template,
                                   sizeof expect_template)
                         : write_text_file(dir, "scenario.json", c->text);
    const char *name = cmd == CHECK ? "check" : cmd == RUN ? "run" : "sweep";
    char *out = path_in(dir, "results");
    const char *argv[24];
    size_t n = 0;
    argv[n++] = name;
    if (file)
        argv[n++] = file;
    if (cmd != CHECK) {
        argv[n++] = "--out";
        argv[n++] = out;
        argv[n++] = "--quiet";
    }
    if (cmd == SWEEP) {
        argv[n++] = "--no-plot";
        argv[n++] = "-j";
        argv[n++] = "1";
        if (!c->no_vary) {
            argv[n++] = "--vary";
            argv[n++] = "seed=1,2";
        }
    }
    for (size_t i = 0; c->args[i]; i++)
        argv[n++] = c->args[i];
    argv[n] = NULL;

    struct cmd_result r = run_stampede(argv);
    char expect[1024];
    expand(expect_template, file ? file : "", name, expect, sizeof expect);
    char *first = strdup(r.err);
    char *nl = strchr(first, '\n');
    if (nl)
        *nl = '\0';
    ck_assert_msg(r.status == 2, "%s (%s): status %d, stderr:\n%s", c->what,
                  name, r.status, r.err);
    if (c->words[0]) {
        ck_assert_msg(strncmp(first, expect, strlen(expect)) == 0,
                      "%s (%s):\n got: %s\nwant: %s...", c->what, name, first,
                      expect);
        for (size_t i = 0; i < 3 && c->words[i]; i++)
            ck_assert_msg(strstr(first + strlen(expect), c->words[i]),
                          "%s (%s): no '%s' in: %s", c->what, name,
                          c->words[i], first);
    } else {
        ck_assert_msg(strcmp(first, expect) == 0, "%s (%s):\n got: %s\nwant: %s",
                      c->what, name, first, expect);
    }
    ck_assert_msg(r.out[0] == '\0', "%s (%s): stdout: %s", c->what, name,
                  r.out);
    struct stat st;
    ck_assert_msg(stat(out, &st) != 0, "%s (%s): %s was created", c->what,
                  name, out);
    free(first);
    cmd_result_free(&r);
    free(out);
    free(file);
}

/* Each case in a fresh directory, under every command it applies to. */
START_TEST(bad_input)
{
    const struct bad_input *c = &CASES[_i];
    static const unsigned COMMANDS[] = {CHECK, RUN, SWEEP};
    for (size_t k = 0; k < 3; k++) {
        if (!(c->cmds & COMMANDS[k]))
            continue;
        char *dir = make_temp_dir();
        run_case(c, COMMANDS[k], dir);
        remove_tree(dir);
        free(dir);
    }
}
END_TEST

/* The issue asks for at least 40 bad inputs, each run by some command. */
_Static_assert(N_CASES >= 40, "the table of bad inputs is too small");

START_TEST(every_case_runs_under_some_command)
{
    for (size_t i = 0; i < N_CASES; i++)
        ck_assert_msg(CASES[i].cmds & ALL, "%s: no command", CASES[i].what);
}
END_TEST

TEST_SUITE(bad_inputs_suite)
{
    Suite *s = suite_create("bad_inputs");
    TCase *tc = tcase_create("exit 2 with file:line:col: path: message");
    tcase_add_loop_test(tc, bad_input, 0, (int)N_CASES);
    tcase_add_test(tc, every_case_runs_under_some_command);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
