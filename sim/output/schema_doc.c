/*
 * schema_doc.c — see schema_doc.h.
 */
#include "output/schema_doc.h"

#include <stdbool.h>

#include "kernel/dist.h"
#include "output/json_out.h"
#include "policy.h"
#include "scenario/scenario_schema.h"
#include "timeline.h"
#include "trace.h"

/* A field whose value is one of a list of words. */
struct word_field {
    const char *path;
    const char *const *words;
};

static const struct word_field WORD_FIELDS[] = {
    {"workload.arrivals.process", PROCESS_NAMES},
    {"workload.keys.popularity", POPULARITY_NAMES},
    {"workload.trace.format", TRACE_FORMAT_NAMES},
    {"cache.warm", WARM_NAMES},
    {"database.discipline", DISCIPLINE_NAMES},
    {"timeline[i].event", EVENT_NAMES},
    {"(any distribution).dist", DIST_KIND_NAMES},
};
#define N_WORD_FIELDS (sizeof WORD_FIELDS / sizeof WORD_FIELDS[0])

/* A limit on how many of something a scenario holds. */
static const struct {
    const char *what;
    long most;
} LIMITS[] = {
    {"policies", SCENARIO_MAX_POLICIES},
    {"incidents in the timeline", TIMELINE_MAX_INCIDENTS},
    {"windows in a run (duration / window)", SCENARIO_MAX_WINDOWS},
    {"closed-loop workers", MAX_WORKERS},
    {"requests or queries per second (any rate)", (long)SCENARIO_MAX_RATE},
};
#define N_LIMITS (sizeof LIMITS / sizeof LIMITS[0])

/* The words of a list, each formatted by `item` ("`%s`" in Markdown),
 * separated by ", ". */
static void words(FILE *out, const char *const *list, const char *item)
{
    for (size_t i = 0; list[i]; i++) {
        fputs(i ? ", " : "", out);
        fprintf(out, item, list[i]);
    }
}

static void policy_names(const char **names, size_t max)
{
    size_t n = 0;
    for (const struct policy_ops *const *p = policy_all(); *p && n + 1 < max;
         p++)
        names[n++] = (*p)->name;
    names[n] = NULL;
}

static void write_markdown(FILE *out)
{
    const char *names[64];
    policy_names(names, 64);
    fputs("| field | one of |\n|---|---|\n", out);
    for (size_t i = 0; i < N_WORD_FIELDS; i++) {
        fprintf(out, "| `%s` | ", WORD_FIELDS[i].path);
        words(out, WORD_FIELDS[i].words, "`\"%s\"`");
        fputs(" |\n", out);
    }
    fputs("| `policies[i].policy` | ", out);
    words(out, names, "`\"%s\"`");
    fputs(" |\n", out);
    for (const struct policy_ops *const *p = policy_all(); *p; p++) {
        fprintf(out, "| `policies[i]` of `%s`: its knobs | ", (*p)->name);
        if (!policy_knob_names(*p)[0])
            fputs("none", out);
        words(out, policy_knob_names(*p), "`%s`");
        fputs(" |\n", out);
    }
    fputs("\n| a scenario holds | at most |\n|---|---:|\n", out);
    for (size_t i = 0; i < N_LIMITS; i++)
        fprintf(out, "| %s | %ld |\n", LIMITS[i].what, LIMITS[i].most);
}

static void write_text(FILE *out)
{
    const char *names[64];
    policy_names(names, 64);
    for (size_t i = 0; i < N_WORD_FIELDS; i++) {
        fprintf(out, "%-28s ", WORD_FIELDS[i].path);
        words(out, WORD_FIELDS[i].words, "%s");
        fputc('\n', out);
    }
    fprintf(out, "%-28s ", "policies[i].policy");
    words(out, names, "%s");
    fputc('\n', out);
    for (const struct policy_ops *const *p = policy_all(); *p; p++) {
        fprintf(out, "%-28s knobs of %s: ", "policies[i]", (*p)->name);
        words(out, policy_knob_names(*p), "%s");
        fputc('\n', out);
    }
    for (size_t i = 0; i < N_LIMITS; i++)
        fprintf(out, "at most %ld %s\n", LIMITS[i].most, LIMITS[i].what);
}

static void json_words(struct json_out *j, const char *const *list)
{
    json_out_begin_array(j);
    for (size_t i = 0; list[i]; i++)
        json_out_string(j, list[i]);
    json_out_end_array(j);
}

static void write_json(FILE *out)
{
    const char *names[64];
    policy_names(names, 64);
    struct json_out j;
    json_out_init(&j, out);
    json_out_begin_object(&j);
    json_out_provenance_tool(&j);
    json_out_key(&j, "words");
    json_out_begin_object(&j);
    for (size_t i = 0; i < N_WORD_FIELDS; i++) {
        json_out_key(&j, WORD_FIELDS[i].path);
        json_words(&j, WORD_FIELDS[i].words);
    }
    json_out_key(&j, "policies[i].policy");
    json_words(&j, names);
    json_out_end_object(&j);
    json_out_key(&j, "knobs");
    json_out_begin_object(&j);
    for (const struct policy_ops *const *p = policy_all(); *p; p++) {
        json_out_key(&j, (*p)->name);
        json_words(&j, policy_knob_names(*p));
    }
    json_out_end_object(&j);
    json_out_key(&j, "limits");
    json_out_begin_object(&j);
    for (size_t i = 0; i < N_LIMITS; i++) {
        json_out_key(&j, LIMITS[i].what);
        json_out_number(&j, (double)LIMITS[i].most);
    }
    json_out_end_object(&j);
    json_out_end_object(&j);
}

void schema_doc_write(FILE *out, enum out_format f)
{
    if (f == FORMAT_MARKDOWN)
        write_markdown(out);
    else if (f == FORMAT_JSON)
        write_json(out);
    else
        write_text(out);
}
