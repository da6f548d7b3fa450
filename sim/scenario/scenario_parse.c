/*
 * scenario_parse.c — the scenario schema: every field, its type, default
 * and range, read strictly from the JSON tree into a struct scenario.
 *
 * docs/scenarios.md documents the same table; change
 * both together (and every file in scenarios/, and the tests).
 */
#include "scenario/scenario_parse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/strutil.h"
#include "scenario/scenario_inputs.h"
#include "scenario/scenario_slo.h"
#include "scenario/scenario_timeline.h"

/* ---- defaults ---- */

#define DEFAULT_DURATION 60.0
#define DEFAULT_WINDOW 1.0
#define DEFAULT_SEED 1
#define DEFAULT_RATE 1000.0
#define DEFAULT_WORKERS 100
#define DEFAULT_THINK 0.010
#define DEFAULT_ZIPF_S 0.99
#define DEFAULT_TTL 60.0
#define DEFAULT_CACHE_LATENCY 0.0005
#define DEFAULT_CORES 8
#define DEFAULT_SERVICE 0.010
#define DEFAULT_MAX_CONNECTIONS 100
#define DEFAULT_POOL_SIZE 50
#define DEFAULT_POOL_TIMEOUT 1.0
#define DEFAULT_TIMEOUT 1.0
#define DEFAULT_BACKOFF 0.050
#define DEFAULT_BACKOFF_MAX 1.0

/* Simulated time is a double: at 10^7 s its resolution is still 2 ns,
 * finer than the finest unit; far beyond, events a microsecond apart
 * fall on the same instant and a run stops advancing (10^300 s hung). */
#define MAX_DURATION 1e7
#define MAX_KEYS 1000000000LL
#define MAX_POOL 10000000
#define MAX_RETRIES 100

/* ---- small helpers ---- */

static char *copy(const char *s) { return str_printf("%s", s ? s : ""); }

/* Reports that `key` (present) does not belong with the rest. */
static void not_here(const struct cfg_obj *o, const char *key, const char *why)
{
    if (!cfg_has(o, key))
        return;
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, key);
    cfg_error(o->cfg, path, "%s", why);
}

/* An integer >= 1, or "none" meaning no limit (stored as 0). */
static void integer_or_none(const struct cfg_obj *o, const char *key,
                            long *out, long def)
{
    const cJSON *node = cfg_member(o, key);
    if (cJSON_IsString(node) && strcmp(node->valuestring, "none") == 0) {
        *out = 0;
        return;
    }
    bool number = cJSON_IsNumber(node) ||
                  (cJSON_IsString(node) && cfg_is_raw(o->cfg, node) &&
                   str_number_length(node->valuestring) > 0);
    if (node && !number) {
        /* a word or a value of another type: say that "none" is allowed */
        char path[CFG_PATH_MAX], got[64];
        cfg_path_key(path, o->path, key);
        cfg_describe_value(node, got, sizeof got);
        cfg_error(o->cfg, path, "expected an integer >= 1 or \"none\", got %s",
                  got);
        *out = def;
        return;
    }
    long long v;
    cfg_integer(o, key, &v, def, 1, CFG_INT_MAX);
    *out = (long)v;
}

/* ---- the top level ---- */

static const char *const TOP_KEYS[] = {
    "name", "description", "duration", "warmup", "window", "seed",
    "workload", "cache", "database", "client", "policies", "timeline", "slo",
    NULL,
};

static bool name_is_safe(const char *name)
{
    if (!name[0] || strlen(name) > 100 || name[0] == '.')
        return false;
    for (const char *c = name; *c; c++)
        if (!scenario_name_char(*c))
            return false;
    return true;
}

static void parse_name(const struct cfg_obj *o, const char *default_name,
                       struct scenario *s)
{
    const char *name;
    cfg_string(o, "name", &name, default_name);
    if (!name_is_safe(name)) {
        cfg_error(o->cfg, "name", "expected 1 to 100 letters, digits, '-', "
                  "'_' or '.' (it names the results directory), got \"%s\"",
                  name);
        name = default_name;
    }
    s->name = copy(name);
    const char *description;
    cfg_string(o, "description", &description, "");
    s->description = copy(description);
}

/* A replayed trace lasts as long as it does on the replay clock. */
static double default_duration(const struct workload_config *w)
{
    if (!w->replay || !(w->trace.stats.span > 0))
        return DEFAULT_DURATION;
    return w->trace.stats.span / w->trace.speed;
}

static void parse_run(const struct cfg_obj *o, struct scenario *s)
{
    struct model_config *m = &s->model;
    cfg_duration(o, "duration", &m->duration,
                 default_duration(&m->workload),
                 (struct cfg_range){0, MAX_DURATION, true, false});
    /* a run shorter than the default window is one window: the resolved
     * scenario then says so, and loads again */
    cfg_duration(o, "window", &m->window, fmin(DEFAULT_WINDOW, m->duration),
                 CFG_POSITIVE);
    cfg_duration(o, "warmup", &m->warmup, 0, CFG_NONNEG);
    if (m->warmup >= m->duration && cfg_has(o, "warmup"))
        cfg_error(o->cfg, "warmup", "the warmup (%gs) must end before the "
                  "run does (duration %gs)", m->warmup, m->duration);
    if (m->window > m->duration && cfg_has(o, "window"))
        cfg_error(o->cfg, "window", "a window (%gs) cannot be longer than the "
                  "run (duration %gs)", m->window, m->duration);
    else if (m->duration / m->window > SCENARIO_MAX_WINDOWS)
        cfg_error(o->cfg, cfg_has(o, "window") ? "window" : "duration",
                  "%.*g windows is too many (at most %d: make the window "
                  "longer)", m->duration / m->window < 1e15 ? 15 : 3,
                  ceil(m->duration / m->window), SCENARIO_MAX_WINDOWS);
    long long seed;
    cfg_integer(o, "seed", &seed, DEFAULT_SEED, 0, CFG_INT_MAX);
    s->seed = (uint64_t)seed;
}

/* ---- workload ---- */

static const char *const WORKLOAD_KEYS[] = {"arrivals", "keys", "trace",
                                            NULL};
static const char *const ARRIVAL_KEYS[] = {"process", "rate", "profile",
                                           "workers", "think", NULL};
static const char *const PROFILE_KEYS[] = {"at", "rate", NULL};
static const char *const KEYS_KEYS[] = {"count", "popularity", "s", NULL};

static void parse_profile(const struct cfg_obj *o, struct workload_config *w)
{
    const cJSON *list = cfg_member(o, "profile");
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, "profile");
    int n = cJSON_GetArraySize(list);
    if (!cJSON_IsArray(list) || n == 0) {
        char got[64];
        cfg_describe_value(list, got, sizeof got);
        cfg_error(o->cfg, path, "expected a list of {\"at\": time, \"rate\": "
                  "requests/s} points, got %s", got);
        return;
    }
    w->profile = calloc((size_t)n, sizeof *w->profile);
    if (!w->profile) {
        o->cfg->out_of_memory = true;
        return;
    }
    double peak = 0;
    int i = 0;
    for (const cJSON *e = list->child; e; e = e->next, i++) {
        char epath[CFG_PATH_MAX];
        cfg_path_index(epath, path, (size_t)i);
        struct cfg_obj p;
        if (!cfg_open(o->cfg, e, epath, &p))
            continue;
        cfg_check_keys(&p, PROFILE_KEYS);
        struct rate_point *pt = &w->profile[i];
        if (!cfg_has(&p, "at") || !cfg_has(&p, "rate"))
            cfg_error(o->cfg, epath, "a profile point needs \"at\" and \"rate\"");
        cfg_duration(&p, "at", &pt->at, 0, CFG_NONNEG);
        cfg_number(&p, "rate", &pt->rate, 0,
                   CFG_BETWEEN(0, SCENARIO_MAX_RATE));
        if (i > 0 && pt->at < w->profile[i - 1].at) {
            char apath[CFG_PATH_MAX];
            cfg_path_key(apath, epath, "at");
            cfg_error(o->cfg, apath, "profile times must not decrease (%gs "
                      "comes after %gs)", pt->at, w->profile[i - 1].at);
        }
        if (pt->rate > peak)
            peak = pt->rate;
    }
    w->n_profile = (size_t)n;
    if (peak <= 0)
        cfg_error(o->cfg, path, "every rate of the profile is 0: no request "
                  "would arrive");
}

static void parse_arrivals(const struct cfg_obj *parent,
                           struct workload_config *w)
{
    struct cfg_obj o;
    if (!cfg_open_member(parent, "arrivals", &o))
        return;
    cfg_check_keys(&o, ARRIVAL_KEYS);
    int process;
    cfg_enum(&o, "process", PROCESS_NAMES, &process, ARRIVALS_POISSON);
    w->process = (enum arrival_process)process;
    w->workers = DEFAULT_WORKERS;
    w->think = dist_constant(DEFAULT_THINK);
    w->rate = DEFAULT_RATE;
    if (w->process == ARRIVALS_POISSON) {
        not_here(&o, "workers", "workers applies to closed arrivals only "
                 "(\"process\": \"closed\")");
        not_here(&o, "think", "think applies to closed arrivals only "
                 "(\"process\": \"closed\")");
        if (cJSON_IsObject(cfg_member(&o, "profile"))) {
            not_here(&o, "rate", "give rate or profile, not both");
            scenario_profile_file(&o, w);
        } else if (cfg_has(&o, "profile")) {
            not_here(&o, "rate", "give rate or profile, not both");
            parse_profile(&o, w);
        } else {
            cfg_number(&o, "rate", &w->rate, DEFAULT_RATE,
                       (struct cfg_range){0, SCENARIO_MAX_RATE, true, false});
        }
        return;
    }
    not_here(&o, "rate", "rate applies to poisson arrivals only");
    not_here(&o, "profile", "profile applies to poisson arrivals only");
    long long workers;
    cfg_integer(&o, "workers", &workers, DEFAULT_WORKERS, 1, MAX_WORKERS);
    w->workers = (long)workers;
    struct dist think = dist_constant(DEFAULT_THINK);
    dist_parse(&o, "think", &w->think, &think);
}

static void parse_keys(const struct cfg_obj *parent, struct workload_config *w)
{
    struct cfg_obj o;
    cfg_open_member(parent, "keys", &o);
    cfg_check_keys(&o, KEYS_KEYS);
    long long count;
    cfg_integer(&o, "count", &count, 1, 1, MAX_KEYS);
    w->keys = (long)count;
    int popularity;
    cfg_enum(&o, "popularity", POPULARITY_NAMES, &popularity, KEYS_UNIFORM);
    w->popularity = (enum key_popularity)popularity;
    w->zipf_s = DEFAULT_ZIPF_S;
    if (w->popularity == KEYS_ZIPF)
        cfg_number(&o, "s", &w->zipf_s, DEFAULT_ZIPF_S, CFG_POSITIVE);
    else
        not_here(&o, "s", "s applies to zipf popularity only");
    if (w->popularity == KEYS_SINGLE && w->keys != 1) {
        char path[CFG_PATH_MAX];
        cfg_path_key(path, o.path, "popularity");
        cfg_error(o.cfg, path, "\"single\" means one key, but count is %ld "
                  "(use \"uniform\" or \"zipf\", or count 1)", w->keys);
    }
}

static void parse_workload(const struct cfg_obj *top, struct workload_config *w)
{
    struct cfg_obj o;
    cfg_open_member(top, "workload", &o);
    cfg_check_keys(&o, WORKLOAD_KEYS);
    w->process = ARRIVALS_POISSON;
    w->rate = DEFAULT_RATE;
    w->workers = DEFAULT_WORKERS;
    w->think = dist_constant(DEFAULT_THINK);
    w->profile_scale = w->profile_speed = 1;
    if (cfg_has(&o, "trace")) {
        /* arrivals and keys come from the trace */
        not_here(&o, "arrivals", "arrivals come from the trace: give "
                 "workload.trace or workload.arrivals, not both");
        not_here(&o, "keys", "keys come from the trace: give workload.trace "
                 "or workload.keys, not both");
        scenario_trace_parse(&o, w, MAX_KEYS, MAX_DURATION);
        return;
    }
    parse_arrivals(&o, w);
    parse_keys(&o, w);
}

/* ---- cache ---- */

static const char *const CACHE_KEYS[] = {"ttl", "ttl_jitter", "stale_for",
                                         "latency", "warm", NULL};

static void parse_cache(const struct cfg_obj *top, struct cache_config *c)
{
    struct cfg_obj o;
    cfg_open_member(top, "cache", &o);
    cfg_check_keys(&o, CACHE_KEYS);
    cfg_duration(&o, "ttl", &c->ttl, DEFAULT_TTL, CFG_NONNEG);
    cfg_number(&o, "ttl_jitter", &c->ttl_jitter, 0,
               (struct cfg_range){0, 1, false, true});
    cfg_duration(&o, "stale_for", &c->stale_for, 0, CFG_NONNEG);
    struct dist latency = dist_constant(DEFAULT_CACHE_LATENCY);
    dist_parse(&o, "latency", &c->latency, &latency);
    int warm;
    cfg_enum(&o, "warm", WARM_NAMES, &warm, WARM_STAGGERED);
    c->warm = (enum warm_mode)warm;
}

/* ---- database ---- */

static const char *const DB_KEYS[] = {
    "discipline", "cores", "usl", "service", "max_connections",
    "cancel_on_timeout", "background", NULL,
};
static const char *const BACKGROUND_KEYS[] = {"rate", "service", NULL};

static void parse_background(const struct cfg_obj *db_obj,
                             struct db_config *db, const struct dist *service)
{
    struct cfg_obj o;
    cfg_open_member(db_obj, "background", &o);
    cfg_check_keys(&o, BACKGROUND_KEYS);
    cfg_number(&o, "rate", &db->background_rate, 0,
               CFG_BETWEEN(0, SCENARIO_MAX_RATE));
    dist_parse(&o, "service", &db->background_service, service);
}

static void parse_database(const struct cfg_obj *top, struct model_config *m)
{
    struct db_config *db = &m->db;
    struct cfg_obj o;
    cfg_open_member(top, "database", &o);
    cfg_check_keys(&o, DB_KEYS);
    int discipline;
    cfg_enum(&o, "discipline", DISCIPLINE_NAMES, &discipline, DB_PS);
    db->discipline = (enum db_discipline)discipline;
    scenario_read_capacity(&o, db->discipline, DEFAULT_CORES, &db->capacity);
    struct dist service = dist_constant(DEFAULT_SERVICE);
    dist_parse(&o, "service", &m->service, &service);
    integer_or_none(&o, "max_connections", &db->max_connections,
                    DEFAULT_MAX_CONNECTIONS);
    cfg_bool(&o, "cancel_on_timeout", &db->cancel_on_timeout, false);
    parse_background(&o, db, &m->service);
}

/* ---- client ---- */

static const char *const CLIENT_KEYS[] = {"instances", "weights",
                                          "pool_size", "pool_timeout",
                                          "timeout", "retries", "backoff",
                                          "backoff_max", NULL};

/* One weight per instance, each > 0; without `instances`, as many
 * instances as weights. */
static void parse_weights(const struct cfg_obj *o, struct fleet_config *f)
{
    const cJSON *list = cfg_member(o, "weights");
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, "weights");
    int n = cJSON_GetArraySize(list);
    if (!cJSON_IsArray(list) || n == 0 || n > FLEET_MAX_INSTANCES) {
        char got[64];
        cfg_describe_value(list, got, sizeof got);
        cfg_error(o->cfg, path, "expected a list of 1 to %d weights > 0, one "
                  "per instance, got %s", FLEET_MAX_INSTANCES, got);
        return;
    }
    if (!cfg_has(o, "instances")) {
        f->instances = n;
    } else if (n != f->instances) {
        cfg_error(o->cfg, path, "%d weights for %ld instances (give one per "
                  "instance)", n, f->instances);
        return;
    }
    f->weights = calloc((size_t)n, sizeof *f->weights);
    if (!f->weights) {
        o->cfg->out_of_memory = true;
        return;
    }
    int i = 0;
    double sum = 0;
    for (const cJSON *e = list->child; e; e = e->next, i++) {
        char epath[CFG_PATH_MAX];
        cfg_path_index(epath, path, (size_t)i);
        f->weights[i] = 1;
        cfg_node_number(o->cfg, e, epath, &f->weights[i], CFG_POSITIVE);
        sum += f->weights[i];
    }
    if (!isfinite(sum))
        cfg_error(o->cfg, path, "the weights add up to more than a double "
                  "holds (they are relative: scale them down)");
}

static void parse_fleet(const struct cfg_obj *o, struct fleet_config *f)
{
    long long instances;
    cfg_integer(o, "instances", &instances, 1, 1, FLEET_MAX_INSTANCES);
    f->instances = (long)instances;
    f->weights = NULL;
    if (cfg_has(o, "weights"))
        parse_weights(o, f);
}

static void parse_client(const struct cfg_obj *top, struct model_config *m)
{
    struct client_config *c = &m->client;
    struct cfg_obj o;
    cfg_open_member(top, "client", &o);
    cfg_check_keys(&o, CLIENT_KEYS);
    parse_fleet(&o, &c->fleet);
    long long pool, retries;
    cfg_integer(&o, "pool_size", &pool, DEFAULT_POOL_SIZE, 1, MAX_POOL);
    c->pool_size = (long)pool;
    cfg_duration_or_none(&o, "pool_timeout", &c->pool_timeout,
                         DEFAULT_POOL_TIMEOUT, CFG_NONNEG);
    cfg_duration_or_none(&o, "timeout", &c->timeout, DEFAULT_TIMEOUT,
                         CFG_POSITIVE);
    cfg_integer(&o, "retries", &retries, 0, 0, MAX_RETRIES);
    c->retries = (long)retries;
    cfg_duration(&o, "backoff", &c->backoff, DEFAULT_BACKOFF, CFG_NONNEG);
    double max_default = fmax(DEFAULT_BACKOFF_MAX, c->backoff);
    cfg_duration(&o, "backoff_max", &c->backoff_max, max_default, CFG_NONNEG);
    if (c->backoff_max < c->backoff) {
        char path[CFG_PATH_MAX];
        cfg_path_key(path, o.path, "backoff_max");
        cfg_error(o.cfg, path, "backoff_max (%gs) must not be below backoff "
                  "(%gs)", c->backoff_max, c->backoff);
    }
    /* the database model holds the pools, one per instance */
    m->db.pools = c->fleet.instances;
    m->db.pool_size = c->pool_size;
    m->db.pool_timeout = c->pool_timeout;
    m->db.timeout = c->timeout;
}

/* ---- policies ---- */

/* The policy names, for "did you mean" and messages. */
static void policy_names(const char **names, size_t cap, char *list, size_t n)
{
    size_t i = 0;
    list[0] = '\0';
    for (const struct policy_ops *const *p = policy_all(); *p && i + 1 < cap;
         p++, i++) {
        names[i] = (*p)->name;
        size_t len = strlen(list);
        snprintf(list + len, n - len, "%s%s", i ? ", " : "", (*p)->name);
    }
    names[i] = NULL;
}

static const struct policy_ops *parse_policy_name(const struct cfg_obj *o)
{
    const char *names[SCENARIO_MAX_POLICIES + 1];
    char list[256];
    policy_names(names, SCENARIO_MAX_POLICIES + 1, list, sizeof list);
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, "policy");
    if (!cfg_has(o, "policy")) {
        cfg_error(o->cfg, o->path, "a policy needs \"policy\" (one of: %s)",
                  list);
        return NULL;
    }
    const char *name;
    if (!cfg_string(o, "policy", &name, NULL))
        return NULL;
    const struct policy_ops *ops = policy_find(name);
    if (ops)
        return ops;
    const char *hint = str_suggest(name, names);
    if (hint)
        cfg_error(o->cfg, path, "unknown policy \"%s\" (did you mean \"%s\"?)",
                  name, hint);
    else
        cfg_error(o->cfg, path, "unknown policy \"%s\" (known: %s)", name,
                  list);
    return NULL;
}

/* The keys a policy object may hold: policy, label and its knobs. */
static const char **policy_keys(const struct policy_ops *ops)
{
    const char *const *knobs = policy_knob_names(ops);
    size_t n = 0;
    while (knobs[n])
        n++;
    const char **keys = calloc(n + 3, sizeof *keys);
    if (!keys)
        return NULL;
    keys[0] = "policy";
    keys[1] = "label";
    for (size_t i = 0; i < n; i++)
        keys[i + 2] = knobs[i];
    return keys;
}

static void parse_one_policy(struct cfg *cfg, const cJSON *node,
                             const char *path, struct policy_spec *spec)
{
    struct cfg_obj o;
    if (!cfg_open(cfg, node, path, &o) || !o.node)
        return;
    spec->ops = parse_policy_name(&o);
    if (!spec->ops)
        return;   /* its knobs cannot be checked without knowing it */
    const char **keys = policy_keys(spec->ops);
    if (!keys) {
        cfg->out_of_memory = true;
        return;
    }
    cfg_check_keys(&o, keys);
    free(keys);
    const char *label;
    cfg_string(&o, "label", &label, spec->ops->name);
    if (!scenario_label_valid(label)) {
        char lpath[CFG_PATH_MAX];
        cfg_path_key(lpath, path, "label");
        cfg_error(cfg, lpath, "a label starts with a letter, then letters, "
                  "digits, '-' or '_' (at most 64), got \"%s\"", label);
    }
    spec->label = copy(label);
    spec->knobs = calloc(1, spec->ops->knobs_size ? spec->ops->knobs_size : 1);
    if (!spec->knobs) {
        cfg->out_of_memory = true;
        return;
    }
    policy_knob_parse(spec->ops, &o, spec->knobs);
}

static void check_unique_labels(struct cfg *cfg, const struct scenario *s)
{
    for (size_t i = 1; i < s->n_policies; i++) {
        for (size_t j = 0; j < i; j++) {
            if (!s->policies[i].label || !s->policies[j].label ||
                strcmp(s->policies[i].label, s->policies[j].label) != 0)
                continue;
            char path[CFG_PATH_MAX];
            snprintf(path, sizeof path, "policies[%zu]", i);
            cfg_error(cfg, path, "duplicate label \"%s\" (policies[%zu] has "
                      "it; give each policy a distinct \"label\")",
                      s->policies[i].label, j);
            break;
        }
    }
}

static void parse_policies(const struct cfg_obj *top, struct scenario *s)
{
    const cJSON *list = cfg_member(top, "policies");
    cJSON *fallback = NULL;
    if (!list) {
        /* default: the baseline alone */
        fallback = cJSON_Parse("[{\"policy\": \"none\"}]");
        list = fallback;
    }
    int n = cJSON_GetArraySize(list);
    if (!cJSON_IsArray(list) || n == 0 || n > SCENARIO_MAX_POLICIES) {
        char got[64];
        cfg_describe_value(list, got, sizeof got);
        cfg_error(top->cfg, "policies", "expected a list of 1 to %d policies, "
                  "got %s", SCENARIO_MAX_POLICIES, got);
        cJSON_Delete(fallback);
        return;
    }
    s->policies = calloc((size_t)n, sizeof *s->policies);
    if (!s->policies) {
        top->cfg->out_of_memory = true;
        cJSON_Delete(fallback);
        return;
    }
    s->n_policies = (size_t)n;
    size_t i = 0;
    for (const cJSON *e = list->child; e; e = e->next, i++) {
        char path[CFG_PATH_MAX];
        cfg_path_index(path, "policies", i);
        parse_one_policy(top->cfg, e, path, &s->policies[i]);
    }
    check_unique_labels(top->cfg, s);
    cJSON_Delete(fallback);
}

/* ---- across sections ---- */

/* A closed loop whose workers think for no time, reading a cache that
 * answers in no time, issues its hits for ever at one instant: simulated
 * time would never advance. Both defaults are above 0, so the think time
 * was given as 0 and is the field to name. */
static void check_time_advances(const struct cfg_obj *top,
                                const struct model_config *m)
{
    if (m->workload.process != ARRIVALS_CLOSED ||
        m->workload.think.mean > 0 || m->cache.latency.mean > 0)
        return;
    cfg_error(top->cfg, "workload.arrivals.think",
              "a think time of 0 with a cache latency of 0 never lets "
              "simulated time advance (every hit takes no time); give "
              "think or cache.latency a mean above 0");
}

/* ---- entry ---- */

void scenario_parse_tree(struct cfg *cfg, const cJSON *root,
                         const char *default_name, struct scenario *s)
{
    struct cfg_obj top;
    cfg_open(cfg, root, "", &top);
    cfg_check_keys(&top, TOP_KEYS);
    parse_name(&top, default_name, s);
    parse_workload(&top, &s->model.workload);   /* a trace sets the duration */
    parse_run(&top, s);
    parse_cache(&top, &s->model.cache);
    check_time_advances(&top, &s->model);
    parse_database(&top, &s->model);
    parse_client(&top, &s->model);
    parse_policies(&top, s);
    scenario_timeline_parse(&top, s);
    scenario_slo_parse(&top, s);
}
