/*
 * runs.c — see runs.h.
 */
#include "runs.h"

#include <string.h>

#include "experiment/summary.h"
#include "support.h"
#include "world.h"

struct scenario *test_scenario(const char *file, const char *json,
                               const char *const *sets, size_t n_sets)
{
    struct scenario_errors errors = {0};
    struct scenario *s = scenario_load_text(file, json, strlen(json), sets,
                                            n_sets, &errors);
    ck_assert_msg(s != NULL, "%s", errors.n ? errors.lines[0] : "?");
    scenario_errors_free(&errors);
    return s;
}

struct run_summary test_run_policy(const struct scenario *s, size_t index,
                                   row_sink sink, void *ctx)
{
    struct experiment_params p = {
        .scenario = s, .policies = &index, .n_policies = 1, .replications = 1,
        .sink = sink, .sink_ctx = ctx,
    };
    struct experiment e;
    char err[256];
    ck_assert_msg(experiment_run(&p, &e, err, sizeof err), "%s", err);
    ck_assert_msg(e.complete, "the run stopped early");
    struct run_summary out = e.results[0].reps[0].summary;
    experiment_free(&e);
    return out;
}

struct run_summary test_run_text(const char *file, const char *json,
                                 const char *const *sets, size_t n_sets)
{
    struct scenario *s = test_scenario(file, json, sets, n_sets);
    struct run_summary out = test_run_policy(s, 0, NULL, NULL);
    scenario_free(s);
    return out;
}

struct run_summary test_run_ops(const struct scenario *s,
                                const struct policy_ops *ops,
                                const void *knobs)
{
    struct world_params p = {
        .model = &s->model, .policy = ops, .knobs = knobs, .label = ops->name,
        .seed = s->seed,
    };
    char err[256];
    struct world *w = world_create(&p, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    struct world_result res;
    world_run(w, &res);
    ck_assert_int_eq(res.end, WORLD_COMPLETE);
    struct run_summary out;
    summary_build(res.totals, ops, &out);
    world_destroy(w);
    return out;
}

double test_get(const struct run_summary *r, const char *path)
{
    ck_assert_msg(summary_has(r, path), "the summary has no %s", path);
    return summary_get(r, path);
}

struct dist test_dist(const char *json, struct cfg *cfg)
{
    cJSON *root = cJSON_Parse(json);
    ck_assert_msg(root != NULL, "not JSON: %s", json);
    cfg_init(cfg);
    struct cfg_obj o;
    cfg_open(cfg, root, "", &o);
    struct dist def = dist_constant(1), d;
    bool ok = dist_parse(&o, "d", &d, &def) && cfg_ok(cfg);
    cJSON_Delete(root);
    ck_assert_msg(ok, "%s: %s", json,
                  cfg->n_errors ? cfg->errors[0].message : "?");
    return d;
}
