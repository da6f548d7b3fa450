/*
 * scenario.c — loading a scenario: the file, the syntax, the `--set`
 * overrides, the schema (scenario_parse.c), and errors with positions.
 */
#include "scenario/scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/json_pos.h"
#include "kernel/strutil.h"
#include "scenario/scenario_parse.h"
#include "scenario/setpath.h"

/* A --set that was applied: errors at or below its path are its. */
struct applied_set {
    char path[CFG_PATH_MAX];   /* index form */
    char *arg;                 /* as typed (a copy) */
};

/* What a loaded scenario keeps to say where its fields came from. */
struct scenario_source {
    struct json_pos_map *map;
    struct applied_set *sets;
    size_t n_sets;
    void **kept;               /* what the fields point to (cfg_keep) */
    size_t n_kept;
};

/* One error line and where it sorts (file order; --set errors last). */
struct error_line {
    long line, col;
    size_t order;
    char *text;
};

struct loader {
    const char *path;
    struct error_line *lines;
    size_t n, cap;
    bool out_of_memory;
};

static void add_line(struct loader *L, long line, long col, char *text)
{
    if (!text) {
        L->out_of_memory = true;
        return;
    }
    if (L->n == L->cap) {
        size_t cap = L->cap ? L->cap * 2 : 8;
        struct error_line *e = realloc(L->lines, cap * sizeof *e);
        if (!e) {
            free(text);
            L->out_of_memory = true;
            return;
        }
        L->lines = e;
        L->cap = cap;
    }
    L->lines[L->n] = (struct error_line){line, col, L->n, text};
    L->n++;
}

static int by_position(const void *a, const void *b)
{
    const struct error_line *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Moves the collected lines into *errors, sorted. A load without errors
 * leaves *errors empty (nothing to free). */
static void finish_errors(struct loader *L, struct scenario_errors *errors)
{
    if (L->out_of_memory)
        add_line(L, LONG_MAX, LONG_MAX, str_printf("%s: out of memory", L->path));
    if (L->n > 1)
        qsort(L->lines, L->n, sizeof *L->lines, by_position);
    errors->n = 0;
    errors->lines = L->n ? calloc(L->n, sizeof *errors->lines) : NULL;
    for (size_t i = 0; i < L->n; i++) {
        if (errors->lines)
            errors->lines[errors->n++] = L->lines[i].text;
        else
            free(L->lines[i].text);
    }
    free(L->lines);
    L->lines = NULL;
    L->n = L->cap = 0;
}

/* ---- reading the file ---- */

/* What a path is when it is not a regular file, for the message. */
static const char *file_kind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "a special file";
}

/* Reads to the end, at most `max` bytes plus one (to see that there is
 * more). st_size is not trusted: files under /proc report 0 and have
 * text, and a file may grow while it is read. */
static char *read_to_end(int fd, size_t max, size_t *len, int *error)
{
    size_t cap = 4096, n = 0;
    char *text = malloc(cap + 1);
    *error = text ? 0 : ENOMEM;
    while (text && n <= max) {
        if (n == cap) {
            cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            char *t = realloc(text, cap + 1);
            if (!t) {
                *error = ENOMEM;
                break;
            }
            text = t;
        }
        ssize_t got = read(fd, text + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            *error = errno;
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    if (*error) {
        free(text);
        return NULL;
    }
    text[n] = '\0';
    *len = n;
    return text;
}

/* Standard input, to its end (a pipe, a file, a terminal until ^D). */
static char *read_stdin(struct loader *L, size_t *len)
{
    int error = 0;
    size_t n = 0;
    char *text = read_to_end(0, SCENARIO_MAX_BYTES, &n, &error);
    if (!text) {
        add_line(L, 0, 0, str_printf("%s: cannot read: %s", L->path,
                                     strerror(error)));
    } else if (n > SCENARIO_MAX_BYTES) {
        add_line(L, 0, 0, str_printf("%s: too large (more than %u MB; a "
                                     "scenario is at most %u MB)", L->path,
                                     SCENARIO_MAX_BYTES >> 20,
                                     SCENARIO_MAX_BYTES >> 20));
        free(text);
        text = NULL;
    } else {
        *len = n;
    }
    return text;
}

static char *read_file(struct loader *L, size_t *len)
{
    /* O_NONBLOCK: opening a FIFO without a writer must not hang; the
     * type check below refuses it before anything is read. */
    int fd = open(L->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        add_line(L, 0, 0, str_printf("%s: cannot open: %s", L->path,
                                     strerror(errno)));
        return NULL;
    }
    struct stat st;
    char *text = NULL;
    int error = 0;
    size_t n = 0;
    if (fstat(fd, &st) != 0) {
        add_line(L, 0, 0, str_printf("%s: cannot read: %s", L->path,
                                     strerror(errno)));
    } else if (S_ISDIR(st.st_mode)) {
        add_line(L, 0, 0, str_printf("%s: is a directory, not a scenario file",
                                     L->path));
    } else if (!S_ISREG(st.st_mode)) {
        add_line(L, 0, 0, str_printf("%s: not a regular file (%s)", L->path,
                                     file_kind(st.st_mode)));
    } else if ((unsigned long long)st.st_size > SCENARIO_MAX_BYTES) {
        add_line(L, 0, 0, str_printf("%s: too large (%.1f MB; a scenario file "
                                     "is at most %u MB)", L->path,
                                     (double)st.st_size / (1 << 20),
                                     SCENARIO_MAX_BYTES >> 20));
    } else if (fcntl(fd, F_SETFL, 0) != 0 ||
               !(text = read_to_end(fd, SCENARIO_MAX_BYTES, &n, &error))) {
        add_line(L, 0, 0, str_printf("%s: cannot read: %s", L->path,
                                     strerror(error ? error : errno)));
    } else if (n > SCENARIO_MAX_BYTES) {
        add_line(L, 0, 0, str_printf("%s: too large (more than %u MB; a "
                                     "scenario file is at most %u MB)",
                                     L->path, SCENARIO_MAX_BYTES >> 20,
                                     SCENARIO_MAX_BYTES >> 20));
        free(text);
        text = NULL;
    } else {
        *len = n;
    }
    close(fd);
    return text;
}

/* ---- turning cfg errors into lines ---- */

/* Whether `path` is `base` or lies below it. */
static bool path_within(const char *path, const char *base)
{
    size_t len = strlen(base);
    return len > 0 && strncmp(path, base, len) == 0 &&
           (path[len] == '\0' || path[len] == '.' || path[len] == '[');
}

/* The --set an error belongs to: the last one at or above its path, or
 * one below it when the path itself is not in the file (the --set created
 * it on the way). NULL: the error is the file's. */
static const struct applied_set *owner_set(const struct applied_set *sets,
                                           size_t n, const char *path,
                                           const struct json_pos_map *map)
{
    for (size_t i = n; i-- > 0;)
        if (path_within(path, sets[i].path))
            return &sets[i];
    if (json_pos_has(map, path))
        return NULL;
    for (size_t i = n; i-- > 0;)
        if (path[0] && path_within(sets[i].path, path))
            return &sets[i];
    return NULL;
}

/* Where a field came from: a --set, or a place in the file (its nearest
 * ancestor's when the field itself is not written there). */
struct origin {
    const struct applied_set *set;   /* NULL: the file */
    struct json_pos pos;
};

static struct origin origin_of(const struct scenario_source *src,
                               const char *path, unsigned occurrence,
                               bool at_key)
{
    struct origin o = {owner_set(src->sets, src->n_sets, path, src->map),
                       {1, 1}};
    if (!o.set)
        json_pos_lookup(src->map, path, occurrence, at_key, &o.pos);
    return o;
}

static void add_cfg_errors(struct loader *L, const struct cfg *cfg,
                           const struct scenario_source *src)
{
    for (size_t i = 0; i < cfg->n_errors; i++) {
        const struct cfg_error *e = &cfg->errors[i];
        const char *sep = e->path[0] ? ": " : "";
        struct origin o = origin_of(src, e->path, e->occurrence, e->at_key);
        long line = o.set ? LONG_MAX : o.pos.line;
        long col = o.set ? (long)(o.set - src->sets) : o.pos.col;
        if (e->file)   /* in a data file the field names: its place */
            add_line(L, line, col,
                     str_printf("%s:%ld:%ld: %s%s%s", e->file, e->line,
                                e->col, e->path, sep, e->message));
        else if (o.set)
            add_line(L, line, col,
                     str_printf("--set %s: %s%s%s", o.set->arg, e->path, sep,
                                e->message));
        else
            add_line(L, line, col,
                     str_printf("%s:%d:%d: %s%s%s", L->path, o.pos.line,
                                o.pos.col, e->path, sep, e->message));
    }
    if (cfg->n_dropped > 0)
        add_line(L, LONG_MAX, LONG_MAX,
                 str_printf("%s: %zu more problem%s not shown (fix the first "
                            "%d above and check again)", L->path,
                            cfg->n_dropped, cfg->n_dropped == 1 ? "" : "s",
                            CFG_MAX_ERRORS));
    if (cfg->out_of_memory)
        L->out_of_memory = true;
}

/* ---- the pieces of a load ---- */

/* The name a scenario gets when it gives none: its file name without
 * directory and ".json", with characters unfit for a directory name
 * replaced by '-'. */
static char *default_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        n -= 5;
    if (n > 100)
        n = 100;
    char *name = str_printf("%.*s", (int)n, base);
    if (!name)
        return NULL;
    for (char *c = name; *c; c++)
        if (!scenario_name_char(*c))
            *c = '-';
    if (!name[0] || name[0] == '.')
        name[0] = name[0] ? '_' : '\0';
    if (!name[0]) {
        free(name);
        name = str_printf("scenario");
    }
    return name;
}

/* The folder of a file's path ("" for a bare name: the working
 * directory); NULL if memory runs out. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return str_printf("%s", "");
    if (slash == path)
        return str_printf("/");
    return str_printf("%.*s", (int)(slash - path), path);
}

/* Syntax first (precise messages), then cJSON builds the tree. */
static cJSON *parse_json(struct loader *L, const char *text, size_t len,
                         struct json_pos_map **map)
{
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        struct json_pos p = json_pos_of_offset(text, (size_t)(nul - text));
        add_line(L, p.line, p.col,
                 str_printf("%s:%d:%d: not a text file (it contains a NUL "
                            "byte)", L->path, p.line, p.col));
        return NULL;
    }
    struct json_syntax_error syntax;
    *map = json_pos_scan(text, len, &syntax);
    if (!*map) {
        add_line(L, syntax.at.line, syntax.at.col,
                 str_printf("%s:%d:%d: %s", L->path, syntax.at.line,
                            syntax.at.col, syntax.message));
        return NULL;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {
        size_t off = end && end >= text ? (size_t)(end - text) : 0;
        struct json_pos p = json_pos_of_offset(text, off);
        add_line(L, p.line, p.col,
                 str_printf("%s:%d:%d: not valid JSON", L->path, p.line, p.col));
        return NULL;
    }
    if (!cJSON_IsObject(root)) {
        struct json_pos p = {1, 1};
        json_pos_lookup(*map, "", 0, false, &p);
        char got[64];
        cfg_describe_value(root, got, sizeof got);
        add_line(L, p.line, p.col,
                 str_printf("%s:%d:%d: expected a JSON object at the top "
                            "level, got %s", L->path, p.line, p.col, got));
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

static void apply_sets(struct loader *L, cJSON *root, struct cfg *cfg,
                       const char *const *sets, size_t n_sets,
                       struct applied_set *applied)
{
    for (size_t i = 0; i < n_sets; i++) {
        char path[CFG_PATH_MAX], err[256];
        const char *value;
        applied[i].arg = str_printf("%s", sets[i]);
        applied[i].path[0] = '\0';
        if (!applied[i].arg)
            L->out_of_memory = true;
        if (!setpath_split(sets[i], path, sizeof path, &value)) {
            add_line(L, LONG_MAX, (long)i,
                     str_printf("--set %s: expected PATH=VALUE (for example "
                                "database.cores=4)", sets[i]));
        } else if (!setpath_apply(root, path, value, cfg, applied[i].path,
                                  sizeof applied[i].path, err, sizeof err)) {
            add_line(L, LONG_MAX, (long)i,
                     str_printf("--set %s: %s", sets[i], err));
            applied[i].path[0] = '\0';
        }
    }
}

static void source_free(struct scenario_source *src)
{
    if (!src)
        return;
    for (size_t i = 0; i < src->n_kept; i++)
        free(src->kept[i]);
    free(src->kept);
    json_pos_free(src->map);
    for (size_t i = 0; i < src->n_sets; i++)
        free(src->sets[i].arg);
    free(src->sets);
    free(src);
}

/* The loader's notes (config.h: a bare number of seconds above an hour)
 * as lines placed like errors, into s->notes. */
static void keep_notes(struct scenario *s, const struct cfg *cfg)
{
    s->notes = cfg->n_notes ? calloc(cfg->n_notes, sizeof *s->notes) : NULL;
    for (size_t i = 0; s->notes && i < cfg->n_notes; i++) {
        char where[CFG_PATH_MAX + 64];
        scenario_origin(s, cfg->notes[i].path, where, sizeof where);
        char *line = str_printf("%s: %s: %s", where, cfg->notes[i].path,
                                cfg->notes[i].message);
        if (line)
            s->notes[s->n_notes++] = line;
    }
}

/* Whether `path` means standard input. */
static bool is_stdin(const char *path)
{
    return strcmp(path, SCENARIO_STDIN) == 0;
}

struct scenario *scenario_load_text(const char *path, const char *text,
                                    size_t len, const char *const *sets,
                                    size_t n_sets,
                                    struct scenario_errors *errors)
{
    bool from_stdin = is_stdin(path);
    if (from_stdin)
        path = SCENARIO_STDIN_SHOWN;
    struct loader L = {.path = path};
    struct scenario *s = NULL;
    struct cfg cfg;
    cfg_init(&cfg);
    /* the data files a scenario names are beside it (standard input's:
     * in the working directory) */
    char *base_dir = from_stdin ? str_printf("%s", "") : folder_of(path);
    cfg.base_dir = base_dir;
    if (!base_dir)
        L.out_of_memory = true;
    struct scenario_source *src = calloc(1, sizeof *src);
    if (src) {
        src->sets = calloc(n_sets ? n_sets : 1, sizeof *src->sets);
        src->n_sets = n_sets;
    }
    cJSON *root = src && src->sets ? parse_json(&L, text, len, &src->map)
                                   : NULL;
    if (!src || !src->sets)
        L.out_of_memory = true;
    /* A --set that fails is reported; the others still apply, and the
     * schema is still checked, so that every problem shows at once. */
    if (root) {
        apply_sets(&L, root, &cfg, sets, n_sets, src->sets);
        s = calloc(1, sizeof *s);
        char *name = from_stdin ? str_printf("stdin") : default_name(path);
        if (s && name && (s->path = str_printf("%s", path))) {
            scenario_parse_tree(&cfg, root, name, s);
        } else {
            L.out_of_memory = true;
        }
        free(name);
        add_cfg_errors(&L, &cfg, src);
    }
    if (L.n > 0 || L.out_of_memory) {
        scenario_free(s);
        s = NULL;
    } else {
        s->source = src;   /* for scenario_origin */
        src->kept = cfg_take_kept(&cfg, &src->n_kept);
        src = NULL;
        keep_notes(s, &cfg);
    }
    finish_errors(&L, errors);
    cfg_free(&cfg);
    free(base_dir);
    cJSON_Delete(root);
    source_free(src);
    return s;
}

void scenario_origin(const struct scenario *s, const char *path, char *out,
                     size_t n)
{
    if (!s->source) {   /* not built by the loader */
        snprintf(out, n, "%s", s->path ? s->path : "scenario");
        return;
    }
    struct origin o = origin_of(s->source, path, 0, false);
    if (o.set)
        snprintf(out, n, "--set %s", o.set->arg);
    else
        snprintf(out, n, "%s:%d:%d", s->path, o.pos.line, o.pos.col);
}

bool scenario_field_given(const struct scenario *s, const char *path)
{
    if (!s->source)
        return false;
    return owner_set(s->source->sets, s->source->n_sets, path,
                     s->source->map) != NULL ||
           json_pos_has(s->source->map, path);
}

char *scenario_read(const char *path, size_t *len,
                    struct scenario_errors *errors)
{
    struct loader L = {.path = is_stdin(path) ? SCENARIO_STDIN_SHOWN : path};
    char *text = is_stdin(path) ? read_stdin(&L, len) : read_file(&L, len);
    finish_errors(&L, errors);
    return text;
}

struct scenario *scenario_load(const char *path, const char *const *sets,
                               size_t n_sets, struct scenario_errors *errors)
{
    size_t len = 0;
    char *text = scenario_read(path, &len, errors);
    if (!text)
        return NULL;
    struct scenario *s = scenario_load_text(path, text, len, sets, n_sets,
                                            errors);
    free(text);
    return s;
}

/* ---- the rest ---- */

void scenario_free(struct scenario *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_policies; i++) {
        free(s->policies[i].label);
        free(s->policies[i].knobs);
    }
    free(s->policies);
    free(s->model.workload.profile);
    free(s->model.client.fleet.weights);
    for (size_t i = 0; i < s->model.timeline.n; i++)
        free(s->model.timeline.events[i].label);
    free(s->model.timeline.events);
    source_free(s->source);
    for (size_t i = 0; i < s->n_notes; i++)
        free(s->notes[i]);
    free(s->notes);
    free(s->path);
    free(s->name);
    free(s->description);
    free(s);
}

void scenario_errors_free(struct scenario_errors *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->lines[i]);
    free(e->lines);
    e->lines = NULL;
    e->n = 0;
}

void scenario_errors_print(const struct scenario_errors *e, FILE *out)
{
    for (size_t i = 0; i < e->n; i++)
        fprintf(out, "%s\n", e->lines[i]);
}

int scenario_policy_index(const struct scenario *s, const char *label)
{
    for (size_t i = 0; i < s->n_policies; i++)
        if (strcmp(s->policies[i].label, label) == 0)
            return (int)i;
    return -1;
}

bool scenario_policy_indices(const struct scenario *s,
                             const char *const *labels, size_t n, size_t *idx,
                             char *err, size_t err_n)
{
    for (size_t k = 0; k < n; k++) {
        int i = scenario_policy_index(s, labels[k]);
        if (i >= 0) {
            idx[k] = (size_t)i;
            continue;
        }
        const char *known[SCENARIO_MAX_POLICIES + 1];
        for (size_t j = 0; j < s->n_policies; j++)
            known[j] = s->policies[j].label;
        known[s->n_policies] = NULL;
        const char *hint = str_suggest(labels[k], known);
        snprintf(err, err_n, "--policy %s: the scenario has no policy "
                 "labelled \"%s\"%s%s%s", labels[k], labels[k],
                 hint ? " (did you mean \"" : "", hint ? hint : "",
                 hint ? "\"?)" : "");
        return false;
    }
    return true;
}
