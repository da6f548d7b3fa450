/*
 * scenario_json.c — the resolved scenario as JSON (what scenario.json
 * holds): every field, defaults included, durations in seconds, so that
 * loading it again gives the same scenario.
 */
#include <math.h>

#include "scenario/scenario.h"
#include "scenario/scenario_schema.h"

/* cores, or usl {sigma, kappa} */
static void add_capacity(cJSON *o, const struct db_capacity *c)
{
    if (c->usl) {
        cJSON *u = cJSON_AddObjectToObject(o, "usl");
        cJSON_AddNumberToObject(u, "sigma", c->sigma);
        cJSON_AddNumberToObject(u, "kappa", c->kappa);
    } else {
        cJSON_AddNumberToObject(o, "cores", c->cores);
    }
}

static cJSON *arrivals_json(const struct workload_config *w)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "process", PROCESS_NAMES[w->process]);
    if (w->process == ARRIVALS_CLOSED) {
        cJSON_AddNumberToObject(a, "workers", (double)w->workers);
        cJSON_AddItemToObject(a, "think", dist_to_json(&w->think));
    } else if (w->profile_file) {
        cJSON *f = cJSON_AddObjectToObject(a, "profile");
        cJSON_AddStringToObject(f, "file", w->profile_file);
        cJSON_AddNumberToObject(f, "scale", w->profile_scale);
        cJSON_AddNumberToObject(f, "speed", w->profile_speed);
    } else if (w->n_profile > 0) {
        cJSON *list = cJSON_AddArrayToObject(a, "profile");
        for (size_t i = 0; i < w->n_profile; i++) {
            cJSON *p = cJSON_CreateObject();
            cJSON_AddNumberToObject(p, "at", w->profile[i].at);
            cJSON_AddNumberToObject(p, "rate", w->profile[i].rate);
            cJSON_AddItemToArray(list, p);
        }
    } else {
        cJSON_AddNumberToObject(a, "rate", w->rate);
    }
    return a;
}

static cJSON *workload_json(const struct workload_config *w)
{
    cJSON *o = cJSON_CreateObject();
    if (w->replay) {
        cJSON *t = cJSON_AddObjectToObject(o, "trace");
        cJSON_AddStringToObject(t, "file", w->trace.file);
        cJSON_AddStringToObject(t, "format",
                                TRACE_FORMAT_NAMES[w->trace.format]);
        cJSON_AddNumberToObject(t, "speed", w->trace.speed);
        return o;
    }
    cJSON_AddItemToObject(o, "arrivals", arrivals_json(w));
    cJSON *k = cJSON_AddObjectToObject(o, "keys");
    cJSON_AddNumberToObject(k, "count", (double)w->keys);
    cJSON_AddStringToObject(k, "popularity", POPULARITY_NAMES[w->popularity]);
    if (w->popularity == KEYS_ZIPF)
        cJSON_AddNumberToObject(k, "s", w->zipf_s);
    return o;
}

static cJSON *cache_json(const struct cache_config *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "ttl", c->ttl);
    cJSON_AddNumberToObject(o, "ttl_jitter", c->ttl_jitter);
    cJSON_AddNumberToObject(o, "stale_for", c->stale_for);
    cJSON_AddItemToObject(o, "latency", dist_to_json(&c->latency));
    cJSON_AddStringToObject(o, "warm", WARM_NAMES[c->warm]);
    return o;
}

static cJSON *database_json(const struct model_config *m)
{
    const struct db_config *db = &m->db;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "discipline", DISCIPLINE_NAMES[db->discipline]);
    add_capacity(o, &db->capacity);
    cJSON_AddItemToObject(o, "service", dist_to_json(&m->service));
    if (db->max_connections > 0)
        cJSON_AddNumberToObject(o, "max_connections",
                                (double)db->max_connections);
    else
        cJSON_AddStringToObject(o, "max_connections", "none");
    cJSON_AddBoolToObject(o, "cancel_on_timeout", db->cancel_on_timeout);
    cJSON *b = cJSON_AddObjectToObject(o, "background");
    cJSON_AddNumberToObject(b, "rate", db->background_rate);
    cJSON_AddItemToObject(b, "service", dist_to_json(&db->background_service));
    return o;
}

/* Only a fleet is written: a scenario of one instance reads as it was
 * before instances existed, and so does its scenario.json. */
static void add_fleet(cJSON *o, const struct fleet_config *f)
{
    if (f->instances > 1 || f->weights)
        cJSON_AddNumberToObject(o, "instances", (double)f->instances);
    if (!f->weights)
        return;
    cJSON *list = cJSON_AddArrayToObject(o, "weights");
    for (long i = 0; i < f->instances; i++)
        cJSON_AddItemToArray(list, cJSON_CreateNumber(f->weights[i]));
}

static cJSON *client_json(const struct client_config *c)
{
    cJSON *o = cJSON_CreateObject();
    add_fleet(o, &c->fleet);
    cJSON_AddNumberToObject(o, "pool_size", (double)c->pool_size);
    cfg_add_duration_or_none(o, "pool_timeout", c->pool_timeout);
    cfg_add_duration_or_none(o, "timeout", c->timeout);
    cJSON_AddNumberToObject(o, "retries", (double)c->retries);
    cJSON_AddNumberToObject(o, "backoff", c->backoff);
    cJSON_AddNumberToObject(o, "backoff_max", c->backoff_max);
    return o;
}

static cJSON *policies_json(const struct scenario *s)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < s->n_policies; i++) {
        const struct policy_spec *p = &s->policies[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "policy", p->ops->name);
        cJSON_AddStringToObject(o, "label", p->label);
        policy_knob_write(p->ops, p->knobs, o);
        cJSON_AddItemToArray(list, o);
    }
    return list;
}

static cJSON *incident_json(const struct incident *in)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "at", in->at);
    cJSON_AddStringToObject(o, "event", EVENT_NAMES[in->kind]);
    cJSON_AddStringToObject(o, "label", in->label);
    if (in->set_capacity)
        add_capacity(o, &in->capacity);
    if (!isnan(in->service_multiplier))
        cJSON_AddNumberToObject(o, "service_multiplier", in->service_multiplier);
    if (!isnan(in->rate))
        cJSON_AddNumberToObject(o, "rate", in->rate);
    if (!isnan(in->rate_multiplier))
        cJSON_AddNumberToObject(o, "rate_multiplier", in->rate_multiplier);
    if (in->workers >= 0)
        cJSON_AddNumberToObject(o, "workers", (double)in->workers);
    return o;
}

static cJSON *timeline_json(const struct timeline *t)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < t->n; i++)
        cJSON_AddItemToArray(list, incident_json(&t->events[i]));
    return list;
}

/* The objectives set, and the SLO window. */
static cJSON *slo_json(const struct slo_config *c)
{
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < N_SLO_OBJECTIVES; i++)
        if (!isnan(c->limit[i]))
            cJSON_AddNumberToObject(o, SLO_OBJECTIVE_NAMES[i], c->limit[i]);
    cJSON_AddNumberToObject(o, "window", c->window);
    return o;
}

cJSON *scenario_to_json(const struct scenario *s)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "name", s->name);
    cJSON_AddStringToObject(o, "description", s->description);
    cJSON_AddNumberToObject(o, "duration", s->model.duration);
    cJSON_AddNumberToObject(o, "warmup", s->model.warmup);
    cJSON_AddNumberToObject(o, "window", s->model.window);
    cJSON_AddNumberToObject(o, "seed", (double)s->seed);
    cJSON_AddItemToObject(o, "workload", workload_json(&s->model.workload));
    cJSON_AddItemToObject(o, "cache", cache_json(&s->model.cache));
    cJSON_AddItemToObject(o, "database", database_json(&s->model));
    cJSON_AddItemToObject(o, "client", client_json(&s->model.client));
    cJSON_AddItemToObject(o, "policies", policies_json(s));
    cJSON_AddItemToObject(o, "timeline", timeline_json(&s->model.timeline));
    if (s->model.slo.set)
        cJSON_AddItemToObject(o, "slo", slo_json(&s->model.slo));
    return o;
}
