/*
 * test_scenario.c — the scenario loader (sim/scenario/, sim/scenario/setpath.c):
 * defaults, every kind of error with its exact message and position,
 * --set on each field type, and the round trip of the resolved scenario.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support.h"
#include "scenario/scenario.h"

static struct scenario *load(const char *json, const char *const *sets,
                             size_t n_sets, struct scenario_errors *errors)
{
    return scenario_load_text("t.json", json, strlen(json), sets, n_sets,
                              errors);
}

static struct scenario *load_ok(const char *json, const char *const *sets,
                                size_t n_sets)
{
    struct scenario_errors errors = {0};
    struct scenario *s = load(json, sets, n_sets, &errors);
    ck_assert_msg(s != NULL, "%s", errors.n ? errors.lines[0] : "?");
    scenario_errors_free(&errors);
    return s;
}

START_TEST(every_default)
{
    struct scenario *s = load_ok("{}", NULL, 0);
    const struct model_config *m = &s->model;
    ck_assert_str_eq(s->name, "t");
    ck_assert_str_eq(s->description, "");
    ck_assert_uint_eq(s->seed, 1);
    ck_assert_double_eq(m->duration, 60);
    ck_assert_double_eq(m->warmup, 0);
    ck_assert_double_eq(m->window, 1);
    ck_assert_int_eq(m->workload.process, ARRIVALS_POISSON);
    ck_assert_double_eq(m->workload.rate, 1000);
    ck_assert_uint_eq(m->workload.n_profile, 0);
    ck_assert_int_eq(m->workload.keys, 1);
    ck_assert_int_eq(m->workload.popularity, KEYS_UNIFORM);
    ck_assert_double_eq(m->cache.ttl, 60);
    ck_assert_double_eq(m->cache.ttl_jitter, 0);
    ck_assert_double_eq(m->cache.stale_for, 0);
    ck_assert_int_eq(m->cache.latency.kind, DIST_CONSTANT);
    ck_assert_double_eq_tol(m->cache.latency.mean, 0.0005, 1e-15);
    ck_assert_int_eq(m->cache.warm, WARM_STAGGERED);
    ck_assert_int_eq(m->db.discipline, DB_PS);
    ck_assert(!m->db.capacity.usl);
    ck_assert_int_eq(m->db.capacity.cores, 8);
    ck_assert_double_eq_tol(m->service.mean, 0.010, 1e-15);
    ck_assert_int_eq(m->db.max_connections, 100);
    ck_assert(!m->db.cancel_on_timeout);
    ck_assert_double_eq(m->db.background_rate, 0);
    ck_assert_double_eq_tol(m->db.background_service.mean, 0.010, 1e-15);
    ck_assert_int_eq(m->client.pool_size, 50);
    ck_assert_double_eq(m->client.pool_timeout, 1);
    ck_assert_double_eq(m->client.timeout, 1);
    ck_assert_int_eq(m->client.retries, 0);
    ck_assert_double_eq_tol(m->client.backoff, 0.05, 1e-15);
    ck_assert_double_eq(m->client.backoff_max, 1);
    ck_assert_int_eq(m->db.pool_size, 50);
    ck_assert_int_eq(m->client.fleet.instances, 1);
    ck_assert_ptr_null(m->client.fleet.weights);
    ck_assert_int_eq(m->db.pools, 1);
    ck_assert_uint_eq(s->n_policies, 1);
    ck_assert_str_eq(s->policies[0].label, "none");
    ck_assert_str_eq(s->policies[0].ops->name, "none");
    scenario_free(s);

    /* closed loop and zipf defaults */
    s = load_ok("{\"workload\": {\"arrivals\": {\"process\": \"closed\"}, "
                "\"keys\": {\"count\": 10, \"popularity\": \"zipf\"}}}",
                NULL, 0);
    ck_assert_int_eq(s->model.workload.workers, 100);
    ck_assert_double_eq_tol(s->model.workload.think.mean, 0.01, 1e-15);
    ck_assert_double_eq(s->model.workload.zipf_s, 0.99);
    scenario_free(s);

    /* background service defaults to the database's; backoff_max follows
     * a larger backoff */
    s = load_ok("{\"database\": {\"service\": \"3ms\", \"background\": "
                "{\"rate\": 5}}, \"client\": {\"backoff\": \"2s\"}}", NULL, 0);
    ck_assert_double_eq_tol(s->model.db.background_service.mean, 0.003, 1e-15);
    ck_assert_double_eq(s->model.client.backoff_max, 2);
    scenario_free(s);
}
END_TEST

/* One bad scenario and the exact first line it must produce. */
struct bad_case {
    const char *json;
    const char *line;
};

static void expect_error(const struct bad_case *c, const char *const *sets,
                         size_t n_sets)
{
    struct scenario_errors errors = {0};
    struct scenario *s = load(c->json, sets, n_sets, &errors);
    ck_assert_msg(s == NULL, "accepted: %s", c->json);
    ck_assert_uint_ge(errors.n, 1);
    ck_assert_str_eq(errors.lines[0], c->line);
    scenario_errors_free(&errors);
}

START_TEST(errors_have_message_and_position)
{
    static const struct bad_case cases[] = {
        {"", "t.json:1:1: the file is empty (expected a JSON object)"},
        {"[1]", "t.json:1:1: expected a JSON object at the top level, got [1]"},
        {"{\"duration\": 60", "t.json:1:16: expected ',' or '}', got end of file"},
        {"{\n  \"duraton\": 60\n}",
         "t.json:2:3: duraton: unknown field \"duraton\" (did you mean "
         "\"duration\"?)"},
        {"{\"seed\": 1,\n \"seed\": 2}",
         "t.json:2:2: seed: duplicate field \"seed\" (already given above)"},
        {"{\"duration\": \"5 s\"}",
         "t.json:1:14: duration: bad duration \"5 s\": no space is allowed "
         "between the number and its unit"},
        {"{\"duration\": \"5sec\"}",
         "t.json:1:14: duration: bad duration \"5sec\": unknown unit (use ns, "
         "us, ms, s, m or h)"},
        {"{\"cache\": {\"ttl\": \"-1ms\"}}",
         "t.json:1:19: cache.ttl: bad duration \"-1ms\": a duration cannot be "
         "negative"},
        {"{\"window\": \"1e400s\"}",
         "t.json:1:12: window: bad duration \"1e400s\": the duration is too "
         "large to represent"},
        {"{\"database\": {\"cores\": 4, \"usl\": {\"kappa\": 0.001}}}",
         "t.json:1:34: database.usl: give cores or usl, not both (the USL fit "
         "already includes the database's CPUs)"},
        {"{\"database\": {\"discipline\": \"fcfs\", \"usl\": {\"kappa\": 0.1}}}",
         "t.json:1:44: database.usl: usl applies to discipline \"ps\" only "
         "(\"fcfs\" needs cores: its number of servers)"},
        {"{\"database\": {\"usl\": {\"sigma\": 0}}}",
         "t.json:1:22: database.usl: usl needs sigma > 0 or kappa > 0 (with "
         "both 0 the capacity grows without bound)"},
        {"{\"database\": {\"cores\": 2.5}}",
         "t.json:1:24: database.cores: expected an integer between 1 and "
         "100000, got 2.5"},
        {"{\"workload\": {\"keys\": {\"count\": 0}}}",
         "t.json:1:33: workload.keys.count: expected an integer between 1 "
         "and 1000000000, got 0"},
        {"{\"workload\": {\"keys\": {\"count\": 5, \"popularity\": \"zipf\", "
         "\"s\": 0}}}",
         "t.json:1:63: workload.keys.s: expected a number > 0, got 0"},
        {"{\"workload\": {\"keys\": {\"count\": 5, \"popularity\": \"single\"}}}",
         "t.json:1:50: workload.keys.popularity: \"single\" means one key, but "
         "count is 5 (use \"uniform\" or \"zipf\", or count 1)"},
        {"{\"workload\": {\"arrivals\": {\"rate\": 10, \"workers\": 5}}}",
         "t.json:1:51: workload.arrivals.workers: workers applies to closed "
         "arrivals only (\"process\": \"closed\")"},
        {"{\"workload\": {\"arrivals\": {\"rate\": 10, \"profile\": [{\"at\": 0, "
         "\"rate\": 5}]}}}",
         "t.json:1:36: workload.arrivals.rate: give rate or profile, not both"},
        {"{\"workload\": {\"arrivals\": {\"profile\": [{\"at\": \"5s\", \"rate\": 1},"
         " {\"at\": \"2s\", \"rate\": 2}]}}}",
         "t.json:1:72: workload.arrivals.profile[1].at: profile times must not "
         "decrease (2s comes after 5s)"},
        {"{\"cache\": {\"ttl_jitter\": 1}}",
         "t.json:1:26: cache.ttl_jitter: expected a number >= 0 and < 1, got 1"},
        {"{\"cache\": {\"warm\": \"hot\"}}",
         "t.json:1:20: cache.warm: expected \"staggered\", \"synchronized\" or "
         "\"cold\", got \"hot\""},
        {"{\"client\": {\"timeout\": 0}}",
         "t.json:1:24: client.timeout: expected a duration > 0, got 0"},
        {"{\"client\": {\"backoff\": \"2s\", \"backoff_max\": \"1s\"}}",
         "t.json:1:45: client.backoff_max: backoff_max (1s) must not be below "
         "backoff (2s)"},
        {"{\"database\": {\"service\": {\"dist\": \"uniform\", \"min\": 2, "
         "\"max\": 1}}}",
         "t.json:1:63: database.service.max: max (1 s) must not be below min "
         "(2 s)"},
        {"{\"database\": {\"service\": {\"dist\": \"gamma\", \"mean\": 1, "
         "\"cv\": -1}}}",
         "t.json:1:61: database.service.cv: expected a number between 0.001 "
         "and 3, got -1"},
        /* rates past 10^9 a second: arrivals closer than the clock's step */
        {"{\"workload\": {\"arrivals\": {\"rate\": 2e9}}}",
         "t.json:1:36: workload.arrivals.rate: expected a number > 0 and <= "
         "1000000000, got 2000000000"},
        {"{\"database\": {\"background\": {\"rate\": 1e300}}}",
         "t.json:1:38: database.background.rate: expected a number between 0 "
         "and 1000000000, got 1e+300"},
        {"{\"workload\": {\"arrivals\": {\"rate\": 1e6}}, \"timeline\": "
         "[{\"at\": 1, \"event\": \"traffic\", \"rate_multiplier\": 2000}]}",
         "t.json:1:105: timeline[0].rate_multiplier: expected a number between "
         "0 and 1000, got 2000"},
        {"{\"policies\": []}",
         "t.json:1:14: policies: expected a list of 1 to 32 policies, got []"},
        {"{\"policies\": [{\"policy\": \"nonee\"}]}",
         "t.json:1:26: policies[0].policy: unknown policy \"nonee\" (did you "
         "mean \"none\"?)"},
        {"{\"policies\": [{\"label\": \"x\"}]}",
         "t.json:1:15: policies[0]: a policy needs \"policy\" (one of: none, "
         "lock, per, singleflight, swr, lease, xlocked, refresh_ahead)"},
        {"{\"policies\": [{\"policy\": \"none\"}, {\"policy\": \"none\"}]}",
         "t.json:1:35: policies[1]: duplicate label \"none\" (policies[0] has "
         "it; give each policy a distinct \"label\")"},
        {"{\"policies\": [{\"policy\": \"none\", \"label\": \"9x\"}]}",
         "t.json:1:43: policies[0].label: a label starts with a letter, then "
         "letters, digits, '-' or '_' (at most 64), got \"9x\""},
        {"{\"policies\": [{\"policy\": \"none\", \"beta\": 1}]}",
         "t.json:1:34: policies[0].beta: unknown field \"beta\""},
        {"{\"name\": \"a/b\"}",
         "t.json:1:10: name: expected 1 to 100 letters, digits, '-', '_' or "
         "'.' (it names the results directory), got \"a/b\""},
        {"{\"warmup\": 60}",
         "t.json:1:12: warmup: the warmup (60s) must end before the run does "
         "(duration 60s)"},
        {"{\"window\": \"1us\"}",
         "t.json:1:12: window: 60000000 windows is too many (at most 1000000: "
         "make the window longer)"},
        {"{\"duration\": 1e300, \"window\": 1e295}",
         "t.json:1:14: duration: expected a duration > 0 and <= 10000000, got "
         "1e+300"},
        {"{\"window\": 1e-300}",
         "t.json:1:12: window: 6e+301 windows is too many (at most 1000000: "
         "make the window longer)"},
        {"{\"seed\": -1}",
         "t.json:1:10: seed: expected an integer >= 0, got -1"},
        {"{\"database\": {\"max_connections\": 0}}",
         "t.json:1:34: database.max_connections: expected an integer >= 1, "
         "got 0"},
        {"{\"database\": {\"max_connections\": \"unlimited\"}}",
         "t.json:1:34: database.max_connections: expected an integer >= 1 or "
         "\"none\", got \"unlimited\""},
        {"{\"client\": {\"timeout\": \"forever\"}}",
         "t.json:1:24: client.timeout: expected a duration > 0 (seconds, or a "
         "string like \"200ms\") or \"none\", got \"forever\""},
        {"{\"client\": {\"pool_timeout\": false}}",
         "t.json:1:29: client.pool_timeout: expected a duration >= 0 (seconds, "
         "or a string like \"200ms\") or \"none\", got false"},
        {"{\"database\": 5}",
         "t.json:1:14: database: expected an object, got 5"},
        {"{\"client\": {\"instances\": 0}}",
         "t.json:1:26: client.instances: expected an integer between 1 and "
         "100000, got 0"},
        {"{\"client\": {\"instances\": 3, \"weights\": [1, 2]}}",
         "t.json:1:40: client.weights: 2 weights for 3 instances (give one "
         "per instance)"},
        {"{\"client\": {\"weights\": [1, 0]}}",
         "t.json:1:28: client.weights[1]: expected a number > 0, got 0"},
        {"{\"client\": {\"weights\": [1e308, 1e308]}}",
         "t.json:1:24: client.weights: the weights add up to more than a "
         "double holds (they are relative: scale them down)"},
        {"{\"client\": {\"weights\": []}}",
         "t.json:1:24: client.weights: expected a list of 1 to 100000 weights "
         "> 0, one per instance, got []"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_error(&cases[i], NULL, 0);
}
END_TEST

/* A fleet: instances, weights (their count the instances when those are
 * not given), each instance's pool in the database model; scenario.json
 * names them only for a fleet, so one instance reads as before. */
START_TEST(instances_and_weights)
{
    struct scenario *s = load_ok("{\"client\": {\"instances\": 20}}", NULL,
                                 0);
    ck_assert_int_eq(s->model.client.fleet.instances, 20);
    ck_assert_ptr_null(s->model.client.fleet.weights);
    ck_assert_int_eq(s->model.db.pools, 20);
    scenario_free(s);
    s = load_ok("{\"client\": {\"weights\": [3, 1]}}", NULL, 0);
    ck_assert_int_eq(s->model.client.fleet.instances, 2);
    ck_assert_double_eq(s->model.client.fleet.weights[0], 3);
    ck_assert_double_eq(s->model.client.fleet.weights[1], 1);
    cJSON *j = scenario_to_json(s);
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "client"));
    ck_assert(strncmp(text, "{\"instances\":2,\"weights\":[3,1],"
                      "\"pool_size\":50,", 39) == 0);
    cJSON_free(text);
    cJSON_Delete(j);
    scenario_free(s);
    s = load_ok("{\"client\": {\"instances\": 1}}", NULL, 0);
    j = scenario_to_json(s);
    ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "client"),
                                           "instances"));
    cJSON_Delete(j);
    scenario_free(s);
    const char *sets[] = {"client.instances=4"};
    s = load_ok("{}", sets, 1);
    ck_assert_int_eq(s->model.db.pools, 4);
    scenario_free(s);
}
END_TEST

START_TEST(binary_files_are_refused)
{
    const char text[] = "{\"a\": 1}\n\x00\x01\x02";
    struct scenario_errors errors = {0};
    ck_assert_ptr_null(scenario_load_text("t.json", text, sizeof text - 1,
                                          NULL, 0, &errors));
    ck_assert_uint_eq(errors.n, 1);
    ck_assert_str_eq(errors.lines[0],
                     "t.json:2:1: not a text file (it contains a NUL byte)");
    scenario_errors_free(&errors);
}
END_TEST

START_TEST(all_errors_of_a_file_are_reported_in_order)
{
    const char *json = "{\n"
                       "  \"duration\": \"5sec\",\n"
                       "  \"cache\": {\"ttl\": true},\n"
                       "  \"client\": {\"retries\": -1}\n"
                       "}";
    struct scenario_errors errors = {0};
    ck_assert_ptr_null(load(json, NULL, 0, &errors));
    ck_assert_uint_eq(errors.n, 3);
    ck_assert_ptr_nonnull(strstr(errors.lines[0], "t.json:2:15: duration:"));
    ck_assert_ptr_nonnull(strstr(errors.lines[1], "t.json:3:20: cache.ttl:"));
    ck_assert_ptr_nonnull(strstr(errors.lines[2],
                                 "t.json:4:25: client.retries:"));
    scenario_errors_free(&errors);
}
END_TEST

/* A hostile file with many members: reporting them used to take time
 * quadratic in their number (two minutes for 200,000 unknown keys). The
 * test case's timeout catches a regression. */
START_TEST(many_mistakes_are_cheap_and_capped)
{
    enum { N = 200000 };
    size_t cap = (size_t)N * 24 + 16, len = 0;
    char *unknown = malloc(cap), *dup = malloc(cap);
    ck_assert_ptr_nonnull(unknown);
    ck_assert_ptr_nonnull(dup);
    len += (size_t)snprintf(unknown + len, cap - len, "{");
    for (int i = 0; i < N; i++)
        len += (size_t)snprintf(unknown + len, cap - len, "%s\"k%d\": 1",
                                i ? ", " : "", i);
    snprintf(unknown + len, cap - len, "}");
    struct scenario_errors errors = {0};
    ck_assert_ptr_null(load(unknown, NULL, 0, &errors));
    ck_assert_uint_eq(errors.n, CFG_MAX_ERRORS + 1);
    ck_assert_str_eq(errors.lines[0], "t.json:1:2: k0: unknown field \"k0\"");
    ck_assert_str_eq(errors.lines[CFG_MAX_ERRORS],
                     "t.json: 199900 more problems not shown (fix the first "
                     "100 above and check again)");
    scenario_errors_free(&errors);

    len = 0;
    len += (size_t)snprintf(dup + len, cap - len, "{");
    for (int i = 0; i < N; i++)
        len += (size_t)snprintf(dup + len, cap - len, "%s\"seed\": %d",
                                i ? ", " : "", i);
    snprintf(dup + len, cap - len, "}");
    ck_assert_ptr_null(load(dup, NULL, 0, &errors));
    ck_assert_uint_eq(errors.n, 1);
    ck_assert_str_eq(errors.lines[0], "t.json:1:13: seed: duplicate field "
                     "\"seed\" (already given above)");
    scenario_errors_free(&errors);
    free(unknown);
    free(dup);
}
END_TEST

START_TEST(set_reads_each_field_type)
{
    const char *json =
        "{\"policies\": [{\"policy\": \"none\"}, {\"policy\": \"none\", "
        "\"label\": \"base\"}]}";
    const char *sets[] = {
        "duration=30",                           /* number as a duration */
        "warmup=5s",                             /* a duration string */
        "database.cores=4",                      /* integer */
        "database.cancel_on_timeout=true",       /* bool */
        "cache.warm=cold",                       /* enum */
        "description=a b c",                     /* string */
        "client.timeout=none",                   /* "none" */
        "database.service={\"dist\": \"exponential\", \"mean\": \"5ms\"}",
        "workload.keys.count=7",                 /* inside a default object */
        "policies[base].label=renamed",          /* by label */
        "name=\"quoted\"",                       /* explicit JSON string */
        "seed=99",
    };
    struct scenario *s = load_ok(json, sets, sizeof sets / sizeof sets[0]);
    ck_assert_double_eq(s->model.duration, 30);
    ck_assert_double_eq(s->model.warmup, 5);
    ck_assert_int_eq(s->model.db.capacity.cores, 4);
    ck_assert(s->model.db.cancel_on_timeout);
    ck_assert_int_eq(s->model.cache.warm, WARM_COLD);
    ck_assert_str_eq(s->description, "a b c");
    ck_assert(isinf(s->model.client.timeout));
    ck_assert_int_eq(s->model.service.kind, DIST_EXPONENTIAL);
    ck_assert_double_eq_tol(s->model.service.mean, 0.005, 1e-15);
    ck_assert_int_eq(s->model.workload.keys, 7);
    ck_assert_str_eq(s->policies[1].label, "renamed");
    ck_assert_str_eq(s->name, "quoted");
    ck_assert_uint_eq(s->seed, 99);
    scenario_free(s);
}
END_TEST

START_TEST(set_errors_name_the_argument)
{
    const char *json = "{\"policies\": [{\"policy\": \"none\"}], "
                       "\"cache\": {\"warm\": \"cold\"}}";
    static const struct {
        const char *set, *line;
    } cases[] = {
        {"database.corez=4",
         "--set database.corez=4: database.corez: unknown field \"corez\" "
         "(did you mean \"cores\"?)"},
        {"policies[0]={\"policy\": \"nope\"}",
         "--set policies[0]={\"policy\": \"nope\"}: policies[0].policy: "
         "unknown policy \"nope\" (did you mean \"none\"?)"},
        {"database.cores=four",
         "--set database.cores=four: database.cores: expected an integer "
         "between 1 and 100000, got \"four\""},
        {"policies[3].label=x",
         "--set policies[3].label=x: policies[3] does not exist (policies has "
         "1 element)"},
        {"policies[per].beta=1",
         "--set policies[per].beta=1: policies has no element labelled \"per\""},
        {"cache", "--set cache: expected PATH=VALUE (for example "
                  "database.cores=4)"},
        {"cache..ttl=1", "--set cache..ttl=1: bad path \"cache..ttl\": expected "
                         "a field name at \".ttl\""},
        {"cache.ttl.x=1", "--set cache.ttl.x=1: cache.ttl: expected a "
                          "duration (seconds, or a string like \"200ms\"), "
                          "got {\"x\":\"1\"}"},
        {"cache.warm.x=1", "--set cache.warm.x=1: cache.warm is not an object"},
        {"database.service={\"dist\":", "--set database.service={\"dist\":: "
                                        "the value is not valid JSON (it ends "
                                        "too soon)"},
        {"database.service={\"dist\" 1}", "--set database.service={\"dist\" "
                                          "1}: the value is not valid JSON "
                                          "(near \"1}\")"},
        {"duration=1e400",
         "--set duration=1e400: duration: expected a finite duration, got a "
         "number too large to represent"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct bad_case c = {json, cases[i].line};
        expect_error(&c, &cases[i].set, 1);
    }

    /* A --set that fails changes nothing: an element of a list the file
     * does not give cannot be set, and the file is not blamed for an
     * object the --set would have created on its way. */
    static const struct {
        const char *set, *line;
    } absent[] = {
        {"policies[3].beta=1", "--set policies[3].beta=1: policies[3] does not "
                               "exist (the scenario has no policies)"},
        {"policies[per].beta=1", "--set policies[per].beta=1: policies[per] "
                                 "does not exist (the scenario has no "
                                 "policies)"},
        {"database.x[0]=1", "--set database.x[0]=1: database.x[0] does not "
                            "exist (the scenario has no database.x)"},
    };
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++) {
        struct scenario_errors errors = {0};
        ck_assert_ptr_null(load("{}", &absent[i].set, 1, &errors));
        ck_assert_uint_eq(errors.n, 1);
        ck_assert_str_eq(errors.lines[0], absent[i].line);
        scenario_errors_free(&errors);
    }
}
END_TEST

/* to_json -> text -> load gives a scenario whose to_json is identical
 * (every field survives, defaults included), for a varied scenario. */
START_TEST(resolved_scenario_round_trips)
{
    const char *jsons[] = {
        "{}",
        "{\"name\": \"rt\", \"description\": \"d\", \"duration\": \"2m\", "
        "\"warmup\": \"10s\", \"window\": \"500ms\", \"seed\": 42, "
        "\"workload\": {\"arrivals\": {\"profile\": [{\"at\": 0, \"rate\": 100},"
        " {\"at\": \"30s\", \"rate\": 300}]}, \"keys\": {\"count\": 1000, "
        "\"popularity\": \"zipf\", \"s\": 1.1}}, \"cache\": {\"ttl\": \"30s\", "
        "\"ttl_jitter\": 0.1, \"stale_for\": \"5s\", \"latency\": {\"dist\": "
        "\"lognormal\", \"p50\": \"300us\", \"p99\": \"2ms\"}, \"warm\": "
        "\"synchronized\"}, \"database\": {\"usl\": {\"sigma\": 0.05, \"kappa\": "
        "0.001}, \"service\": {\"dist\": \"gamma\", \"mean\": \"20ms\", \"cv\": "
        "0.5}, \"max_connections\": \"none\", \"cancel_on_timeout\": true, "
        "\"background\": {\"rate\": 50, \"service\": \"1ms\"}}, \"client\": "
        "{\"pool_size\": 20, \"pool_timeout\": \"none\", \"timeout\": \"250ms\","
        " \"retries\": 3, \"backoff\": \"10ms\", \"backoff_max\": \"200ms\"}, "
        "\"policies\": [{\"policy\": \"none\", \"label\": \"a\"}, {\"policy\": "
        "\"none\", \"label\": \"b\"}]}",
        "{\"workload\": {\"arrivals\": {\"process\": \"closed\", \"workers\": 7,"
        " \"think\": {\"dist\": \"exponential\", \"mean\": \"1s\"}}}, "
        "\"database\": {\"discipline\": \"fcfs\", \"cores\": 3}}",
        /* found by make fuzz: a run shorter than the default window wrote
         * "window": 1 and its scenario.json was then refused */
        "{\"duration\": \".060s\"}",
        "{\"client\": {\"instances\": 20, \"pool_size\": 5}}",
        "{\"client\": {\"weights\": [3, 1, 0.5]}}",
    };
    for (size_t i = 0; i < sizeof jsons / sizeof jsons[0]; i++) {
        struct scenario *a = load_ok(jsons[i], NULL, 0);
        cJSON *ja = scenario_to_json(a);
        char *ta = cJSON_Print(ja);
        struct scenario_errors errors = {0};
        struct scenario *b = scenario_load_text("t.json", ta, strlen(ta), NULL,
                                                0, &errors);
        ck_assert_msg(b != NULL, "%s\n%s", ta, errors.n ? errors.lines[0] : "");
        cJSON *jb = scenario_to_json(b);
        char *tb = cJSON_Print(jb);
        ck_assert_str_eq(ta, tb);
        ck_assert_double_eq(a->model.service.mean, b->model.service.mean);
        ck_assert_double_eq(a->model.cache.latency.b, b->model.cache.latency.b);
        free(ta);
        free(tb);
        cJSON_Delete(ja);
        cJSON_Delete(jb);
        scenario_free(a);
        scenario_free(b);
    }
}
END_TEST

START_TEST(files_that_cannot_be_read)
{
    char *dir = make_temp_dir();
    struct scenario_errors errors = {0};
    char missing[512];
    snprintf(missing, sizeof missing, "%s/missing.json", dir);
    ck_assert_ptr_null(scenario_load(missing, NULL, 0, &errors));
    ck_assert_uint_eq(errors.n, 1);
    ck_assert_ptr_nonnull(strstr(errors.lines[0],
                                 "missing.json: cannot open: No such file"));
    scenario_errors_free(&errors);
    ck_assert_ptr_null(scenario_load(dir, NULL, 0, &errors));
    ck_assert_ptr_nonnull(strstr(errors.lines[0],
                                 ": is a directory, not a scenario file"));
    scenario_errors_free(&errors);
    /* a FIFO without a writer: refused at once, not waited on */
    char fifo[512];
    snprintf(fifo, sizeof fifo, "%s/fifo.json", dir);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    ck_assert_ptr_null(scenario_load(fifo, NULL, 0, &errors));
    ck_assert_ptr_nonnull(strstr(errors.lines[0],
                                 "fifo.json: not a regular file (a FIFO)"));
    scenario_errors_free(&errors);
    /* a regular file whose read fails (as root can read any file, this is
     * what "unreadable" means for everyone): /proc/self/mem at offset 0 */
    ck_assert_ptr_null(scenario_load("/proc/self/mem", NULL, 0, &errors));
    ck_assert_str_eq(errors.lines[0],
                     "/proc/self/mem: cannot read: Input/output error");
    scenario_errors_free(&errors);
    /* /proc files report a size of 0 but have text: it is read anyway */
    ck_assert_ptr_null(scenario_load("/proc/self/status", NULL, 0, &errors));
    ck_assert_ptr_nonnull(strstr(errors.lines[0], "/proc/self/status:1:1: "
                                 "expected a value"));
    scenario_errors_free(&errors);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(default_name_comes_from_the_file_name)
{
    struct scenario_errors errors = {0};
    struct scenario *s = scenario_load_text("dir/my scenario.json", "{}", 2,
                                            NULL, 0, &errors);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s->name, "my-scenario");
    scenario_free(s);
}
END_TEST

TEST_SUITE(scenario_suite)
{
    Suite *s = suite_create("scenario");
    TCase *tc = tcase_create("loader");
    tcase_add_test(tc, every_default);
    tcase_add_test(tc, errors_have_message_and_position);
    tcase_add_test(tc, instances_and_weights);
    tcase_add_test(tc, binary_files_are_refused);
    tcase_add_test(tc, all_errors_of_a_file_are_reported_in_order);
    tcase_add_test(tc, many_mistakes_are_cheap_and_capped);
    tcase_add_test(tc, set_reads_each_field_type);
    tcase_add_test(tc, set_errors_name_the_argument);
    tcase_add_test(tc, resolved_scenario_round_trips);
    tcase_add_test(tc, files_that_cannot_be_read);
    tcase_add_test(tc, default_name_comes_from_the_file_name);
    suite_add_tcase(s, tc);
    return s;
}
