/*
 * scenario_timeline.c — the "timeline" of a scenario: incidents at set
 * times (models/timeline.h), read strictly like every other field.
 *
 *   {"at": "30s", "event": "cache_flush"}
 *   {"at": "40s", "event": "database", "cores": 4}            (or "usl",
 *                                       and/or "service_multiplier")
 *   {"at": "50s", "event": "traffic", "rate_multiplier": 3}   (or "rate",
 *                                       or "workers" for a closed loop)
 *
 * Each may carry a "label" for the plots; by default one is made up.
 */
#include "scenario/scenario_timeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/strutil.h"

static const char *const KEYS[] = {
    "at", "event", "label", "cores", "usl", "service_multiplier", "rate",
    "rate_multiplier", "workers", NULL,
};

/* Reports each of `keys` present that does not belong to this event. */
static void only_for(const struct cfg_obj *o, const char *const *keys,
                     const char *event)
{
    for (const char *const *k = keys; *k; k++) {
        if (!cfg_has(o, *k))
            continue;
        char path[CFG_PATH_MAX];
        cfg_path_key(path, o->path, *k);
        cfg_error(o->cfg, path, "%s applies to \"%s\" events only", *k, event);
    }
}

static void parse_database(const struct cfg_obj *o, const struct model_config *m,
                           struct incident *in)
{
    static const char *const TRAFFIC[] = {"rate", "rate_multiplier",
                                          "workers", NULL};
    only_for(o, TRAFFIC, "traffic");
    if (!cfg_has(o, "cores") && !cfg_has(o, "usl") &&
        !cfg_has(o, "service_multiplier"))
        cfg_error(o->cfg, o->path, "a database event needs cores, usl or "
                  "service_multiplier");
    cfg_number(o, "service_multiplier", &in->service_multiplier, NAN,
               CFG_BETWEEN(1 / SCENARIO_MAX_SERVICE_MULTIPLIER,
                           SCENARIO_MAX_SERVICE_MULTIPLIER));
    if (cfg_has(o, "usl") || cfg_has(o, "cores")) {
        scenario_read_capacity(o, m->db.discipline, 1, &in->capacity);
        in->set_capacity = true;
    }
}

static void parse_traffic(const struct cfg_obj *o, const struct model_config *m,
                          struct incident *in)
{
    static const char *const DATABASE[] = {"cores", "usl",
                                           "service_multiplier", NULL};
    only_for(o, DATABASE, "database");
    int given = cfg_has(o, "rate") + cfg_has(o, "rate_multiplier") +
                cfg_has(o, "workers");
    if (m->workload.replay) {
        cfg_error(o->cfg, o->path, "a traffic event changes generated "
                  "arrivals; a replayed trace brings its own (replay it "
                  "faster with workload.trace.speed)");
        return;
    }
    if (given != 1) {
        cfg_error(o->cfg, o->path, "a traffic event takes exactly one of "
                  "rate, rate_multiplier or workers");
        return;
    }
    bool closed = m->workload.process == ARRIVALS_CLOSED;
    char path[CFG_PATH_MAX];
    if (cfg_has(o, "workers")) {
        long long workers;
        if (!closed) {
            cfg_path_key(path, o->path, "workers");
            cfg_error(o->cfg, path, "workers applies to closed arrivals only");
        }
        cfg_integer(o, "workers", &workers, 0, 0, MAX_WORKERS);
        in->workers = (long)workers;
        return;
    }
    if (closed) {
        cfg_path_key(path, o->path,
                     cfg_has(o, "rate") ? "rate" : "rate_multiplier");
        cfg_error(o->cfg, path, "a closed loop changes its traffic with "
                  "workers, not a rate");
    }
    cfg_number(o, "rate", &in->rate, NAN, CFG_BETWEEN(0, SCENARIO_MAX_RATE));
    /* the multiplied rate is a rate too: at most SCENARIO_MAX_RATE */
    double peak = workload_peak_rate(&m->workload);
    cfg_number(o, "rate_multiplier", &in->rate_multiplier, NAN,
               CFG_BETWEEN(0, peak > 0 ? SCENARIO_MAX_RATE / peak
                                       : SCENARIO_MAX_RATE));
}

/* "database: 4 cores, service x2", "traffic x3", ... */
static char *default_label(const struct incident *in)
{
    char buf[128] = "";
    switch (in->kind) {
    case INCIDENT_CACHE_FLUSH:
        return str_printf("cache flush");
    case INCIDENT_DATABASE:
        if (in->set_capacity && !in->capacity.usl)
            snprintf(buf, sizeof buf, "%d cores", in->capacity.cores);
        else if (in->set_capacity)
            snprintf(buf, sizeof buf, "USL %g/%g", in->capacity.sigma,
                     in->capacity.kappa);
        if (!isnan(in->service_multiplier)) {
            size_t len = strlen(buf);
            snprintf(buf + len, sizeof buf - len, "%sservice x%g",
                     len ? ", " : "", in->service_multiplier);
        }
        return str_printf("database: %s", buf);
    case INCIDENT_TRAFFIC:
        if (in->workers >= 0)
            return str_printf("workers: %ld", in->workers);
        if (!isnan(in->rate))
            return str_printf("traffic: %g req/s", in->rate);
        return str_printf("traffic x%g", in->rate_multiplier);
    }
    return str_printf("incident");
}

static void parse_incident(struct cfg *cfg, const cJSON *node,
                           const char *path, const struct scenario *s,
                           struct incident *in)
{
    *in = (struct incident){.service_multiplier = NAN, .rate = NAN,
                            .rate_multiplier = NAN, .workers = -1};
    struct cfg_obj o;
    if (!cfg_open(cfg, node, path, &o) || !o.node)
        return;
    cfg_check_keys(&o, KEYS);
    if (!cfg_has(&o, "at") || !cfg_has(&o, "event"))
        cfg_error(cfg, path, "an incident needs \"at\" (a time) and \"event\" "
                  "(cache_flush, database or traffic)");
    /* An incident at or after the end never happens; it is allowed so
     * that a shorter --set duration keeps a scenario valid. */
    cfg_duration(&o, "at", &in->at, 0, CFG_NONNEG);
    int kind;
    if (!cfg_enum(&o, "event", EVENT_NAMES, &kind, INCIDENT_CACHE_FLUSH) &&
        cfg_has(&o, "event"))
        return;
    in->kind = (enum incident_kind)kind;
    if (in->kind == INCIDENT_DATABASE) {
        parse_database(&o, &s->model, in);
    } else if (in->kind == INCIDENT_TRAFFIC) {
        parse_traffic(&o, &s->model, in);
    } else {
        static const char *const OTHERS[] = {"cores", "usl",
            "service_multiplier", "rate", "rate_multiplier", "workers", NULL};
        for (const char *const *k = OTHERS; *k; k++)
            if (cfg_has(&o, *k)) {
                char kpath[CFG_PATH_MAX];
                cfg_path_key(kpath, path, *k);
                cfg_error(cfg, kpath, "a cache_flush event takes no %s", *k);
            }
    }
    const char *label;
    if (cfg_string(&o, "label", &label, NULL) && label[0])
        in->label = str_printf("%s", label);
    else
        in->label = default_label(in);
}

/* Stable: incidents at the same time keep the order they were given. */
static void sort_by_time(struct incident *e, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct incident x = e[i];
        size_t j = i;
        while (j > 0 && e[j - 1].at > x.at) {
            e[j] = e[j - 1];
            j--;
        }
        e[j] = x;
    }
}

void scenario_timeline_parse(const struct cfg_obj *top, struct scenario *s)
{
    const cJSON *list = cfg_member(top, "timeline");
    if (!list)
        return;
    int n = cJSON_GetArraySize(list);
    if (!cJSON_IsArray(list) || n > TIMELINE_MAX_INCIDENTS) {
        char got[64];
        cfg_describe_value(list, got, sizeof got);
        cfg_error(top->cfg, "timeline", "expected a list of at most %d "
                  "incidents, got %s", TIMELINE_MAX_INCIDENTS, got);
        return;
    }
    struct timeline *t = &s->model.timeline;
    t->events = calloc(n ? (size_t)n : 1, sizeof *t->events);
    if (!t->events) {
        top->cfg->out_of_memory = true;
        return;
    }
    t->n = (size_t)n;
    size_t i = 0;
    for (const cJSON *e = list->child; e; e = e->next, i++) {
        char path[CFG_PATH_MAX];
        cfg_path_index(path, "timeline", i);
        parse_incident(top->cfg, e, path, s, &t->events[i]);
    }
    sort_by_time(t->events, t->n);
}
