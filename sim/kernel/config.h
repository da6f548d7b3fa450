/*
 * config.h — typed, strict reading of JSON configuration.
 *
 * The scenario loader and every policy read their fields through these
 * helpers, so all of them accept the same value forms and report mistakes
 * the same way: an error names the field by its path
 * (`policies[1].beta`), says what was expected and what was found, and is
 * collected (not printed) so that all errors of a file can be reported at
 * once, with positions, by whoever owns the source text.
 *
 * A getter that finds its key absent stores the default; one that finds a
 * bad value records an error and stores the default too, so parsing can go
 * on and find the next mistake.
 *
 * Values set from the command line (`--set path=text`) arrive as strings
 * whose text is to be read as the field's own type; the loader registers
 * those nodes with cfg_mark_raw and every getter honours them.
 */
#ifndef STAMPEDE_CONFIG_H
#define STAMPEDE_CONFIG_H

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#define CFG_PATH_MAX 256

struct cfg_error {
    char *path;          /* field path, e.g. "database.cores" */
    char *message;       /* e.g. "expected an integer >= 1, got 0" */
    bool at_key;         /* points at the key rather than at the value */
    unsigned occurrence; /* 0: first place the path appears; 1: second... */
    char *file;          /* a data file the field names, when the mistake
                            is in it (NULL: in the scenario itself) */
    long line, col;      /* where in that file (1-based) */
};

/* Errors kept; the rest are only counted (n_dropped), so that a hostile
 * file with a million mistakes costs neither a million messages nor the
 * memory to hold them. */
#define CFG_MAX_ERRORS 100

/* A value accepted as it was written but likely not as it was meant (a
 * bare number of seconds above an hour: 60000 for a minute in
 * milliseconds?), for the owner of the source text to report as a
 * warning. */
struct cfg_note {
    char *path;
    char *message;
};

/* A bare number in a duration field above this many seconds is noted. */
#define CFG_BARE_DURATION_NOTE 3600.0

struct cfg {
    struct cfg_error *errors;
    size_t n_errors, cap_errors;
    struct cfg_note *notes;     /* at most CFG_MAX_ERRORS, in order */
    size_t n_notes, cap_notes;
    size_t n_dropped;    /* errors beyond CFG_MAX_ERRORS */
    const cJSON **raw;   /* string nodes holding command-line text */
    size_t n_raw, cap_raw;
    bool out_of_memory;
    /* The folder data files named by the configuration are read from
     * (the scenario file's); NULL or "": the working directory. */
    const char *base_dir;
    /* Allocations the parsed result points to (the data of empirical
     * distributions): freed by cfg_free unless taken (cfg_take_kept). */
    void **kept;
    size_t n_kept, cap_kept;
};

/* An object being read: its node (NULL when absent: every field takes its
 * default) and its path. */
struct cfg_obj {
    struct cfg *cfg;
    const cJSON *node;
    char path[CFG_PATH_MAX];
};

/* A closed or open interval; infinite ends mean unbounded. */
struct cfg_range {
    double lo, hi;
    bool lo_open, hi_open;
};

#define CFG_ANY ((struct cfg_range){-INFINITY, INFINITY, false, false})
#define CFG_POSITIVE ((struct cfg_range){0, INFINITY, true, false})
#define CFG_NONNEG ((struct cfg_range){0, INFINITY, false, false})
#define CFG_FRACTION ((struct cfg_range){0, 1, false, false})
#define CFG_AT_LEAST(x) ((struct cfg_range){(x), INFINITY, false, false})
#define CFG_BETWEEN(a, b) ((struct cfg_range){(a), (b), false, false})

void cfg_init(struct cfg *cfg);
void cfg_free(struct cfg *cfg);
bool cfg_ok(const struct cfg *cfg);

void cfg_error(struct cfg *cfg, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cfg_error_at_key(struct cfg *cfg, const char *path, unsigned occurrence,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A mistake inside a data file that the field at `path` names: reported
 * as FILE:LINE:COL: PATH: MESSAGE. */
void cfg_error_in_file(struct cfg *cfg, const char *path, const char *file,
                       long line, long col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Notes a value at `path` that is valid but probably a mistake. */
void cfg_note(struct cfg *cfg, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A problem a reader found in the data file that member `key` of o names
 * (`shown`: the file as messages name it): at its line and column when it
 * has one (col 0: the line's start), else at the field, "FILE: message"
 * (opening or reading it). */
void cfg_file_problem(const struct cfg_obj *o, const char *key,
                      const char *shown, long line, long col,
                      const char *message);

/* Keeps p for as long as what is being parsed lives; false (p freed, the
 * cfg out of memory) if the list cannot grow. */
bool cfg_keep(struct cfg *cfg, void *p);
/* Hands the kept allocations over to the caller (free each, then the
 * array); the cfg keeps none. */
void **cfg_take_kept(struct cfg *cfg, size_t *n);

/* The member `key` of o, a file name, as a path to open: relative names
 * are relative to cfg->base_dir. A new string (*shown: the same, as
 * messages name the file; may be NULL), or NULL with the problem
 * recorded (absent, not a string, empty, not found: the path is made
 * absolute, so that the file is found again from anywhere). */
char *cfg_file(const struct cfg_obj *o, const char *key, char **shown);

/* Registers a string node whose text came from the command line. */
void cfg_mark_raw(struct cfg *cfg, const cJSON *node);
bool cfg_is_raw(const struct cfg *cfg, const cJSON *node);
/* Forgets the raw marks of a subtree about to be deleted (its addresses
 * may be reused by new nodes). */
void cfg_forget_raw(struct cfg *cfg, const cJSON *subtree);

/* Path building: "a" + "b" -> "a.b"; "a" + 3 -> "a[3]". */
void cfg_path_key(char out[CFG_PATH_MAX], const char *parent, const char *key);
void cfg_path_index(char out[CFG_PATH_MAX], const char *parent, size_t index);

/* Opens `node` as an object at `path`. A NULL node is an absent object
 * (all defaults); anything but an object is an error. Returns false when
 * the node is present but not an object. */
bool cfg_open(struct cfg *cfg, const cJSON *node, const char *path,
              struct cfg_obj *out);
/* Opens the member `key` of an object. */
bool cfg_open_member(const struct cfg_obj *parent, const char *key,
                     struct cfg_obj *out);

/* The member every object may hold for the reader's sake: a string, or
 * a list of strings; nothing reads it (JSON has no comments). */
#define CFG_COMMENT_KEY "_comment"

/* Reports members not in `known` (NULL-terminated; with a "did you mean")
 * and members that appear twice; a CFG_COMMENT_KEY member is known to
 * every object and must be text. */
void cfg_check_keys(const struct cfg_obj *o, const char *const *known);

const cJSON *cfg_member(const struct cfg_obj *o, const char *key);
bool cfg_has(const struct cfg_obj *o, const char *key);

/* The getters: absent -> default, returns false; valid -> stored, returns
 * true; invalid -> error recorded, default stored, returns false. */
bool cfg_number(const struct cfg_obj *o, const char *key, double *out,
                double def, struct cfg_range range);
/* The largest integer a JSON number holds exactly (2^53 - 1): pass it as
 * `hi` for "no upper bound". */
#define CFG_INT_MAX 9007199254740991LL
bool cfg_integer(const struct cfg_obj *o, const char *key, long long *out,
                 long long def, long long lo, long long hi);
bool cfg_duration(const struct cfg_obj *o, const char *key, double *out,
                  double def, struct cfg_range range);
/* A duration or "none" (stored as INFINITY). */
bool cfg_duration_or_none(const struct cfg_obj *o, const char *key,
                          double *out, double def, struct cfg_range range);
/* A duration or `word`, stored as word_value ("measured" as NAN...); a
 * mistake that is neither says that the word is allowed. */
bool cfg_duration_or_word(const struct cfg_obj *o, const char *key,
                          double *out, double def, struct cfg_range range,
                          const char *word, double word_value);
/* Writes what cfg_duration_or_none reads back: the seconds, or "none"
 * when infinite (for scenario.json and the policies' own knobs). */
void cfg_add_duration_or_none(cJSON *o, const char *key, double seconds);
bool cfg_bool(const struct cfg_obj *o, const char *key, bool *out, bool def);
/* Stores a pointer into the JSON tree (or `def`). */
bool cfg_string(const struct cfg_obj *o, const char *key, const char **out,
                const char *def);
/* One of `names` (NULL-terminated); stores its index. */
bool cfg_enum(const struct cfg_obj *o, const char *key,
              const char *const *names, int *out, int def);

/* The same readings for a node that is not a member (array elements). */
bool cfg_node_number(struct cfg *cfg, const cJSON *node, const char *path,
                     double *out, struct cfg_range range);
bool cfg_node_duration(struct cfg *cfg, const cJSON *node, const char *path,
                       double *out, struct cfg_range range);

/* Parses "250us", "200ms", "5s", "2m", "1h" (also "ns"). On failure
 * returns false and sets *why to a short reason. */
bool duration_parse(const char *text, double *seconds, const char **why);
/* A finite number, or a duration (then in seconds): the values of
 * --vary and --range. */
bool number_or_duration_parse(const char *text, double *out);

/* A short rendering of a JSON value for "got ..." in messages. */
void cfg_describe_value(const cJSON *node, char *out, size_t n);

/* "> 0", ">= 1", "between 0 and 1" ... for messages. */
void cfg_describe_range(struct cfg_range r, char *out, size_t n);

#endif
