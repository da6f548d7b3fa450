/*
 * cmd_calibrate.c — `stampede calibrate`: recommend a value of a policy's
 * knob (PER's beta, the lock's TTL) for this scenario's traffic.
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metric_registry.h"
#include "experiment/calibrate.h"
#include "experiment/calibrate_compare.h"
#include "experiment/pilot.h"
#include "output/calibrate_report.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "kernel/strutil.h"
#include "experiment/memguard.h"
#include "output/outdir.h"
#include "cli/progress.h"
#include "scenario/scenario.h"

static const char USAGE_HEAD[] =
    "Usage: stampede calibrate SCENARIO --policy LABEL [--knob PATH]\n"
    "         [--range LO:HI] [--cost METRIC] [--max METRIC=X]...\n"
    "         [--min METRIC=X]... [--max-db-inflight N] [--max-p99-ms X]\n"
    "         [--max-error-rate E] [--max-GUARD X] [--budget SECONDS]\n"
    "         [--reps N] [-j N] [--seed N] [--set PATH=VALUE]... [--out DIR]\n"
    "         [--quiet] [--no-plot] [--max-memory SIZE] [--max-in-flight N]\n"
    "         [--format text|json|csv|markdown] [--plot-timeout S]\n"
    "\n"
    "Recommends the value of a policy's knob that costs least among those\n"
    "whose every constraint is proven to hold: its confidence interval lies\n"
    "within the limit (for a share such as the error rate, the\n"
    "Clopper-Pearson interval of the counts pooled over the replications).\n"
    "The intervals of the values evaluated hold together at 95 % (each at\n"
    "99.64 %: 0 errors in n requests bound the rate by about 6.3/n). A value\n"
    "whose interval straddles the limit is undecided, never \"holds\".\n"
    "\n"
    "The knob is evaluated on a log grid of 8 values over the range, each\n"
    "with --reps replications on common random numbers; undecided values\n"
    "get the replications that would decide them, cheapest first, until one\n"
    "is proven; then 6 more values around it, and evidence again for those\n"
    "that may beat it, until the budget is spent. For the lock's TTL, a\n"
    "pilot first measures the recompute time under the scenario's load\n"
    "(3000 samples: enough that their maximum reaches the p99.9 with 95 %\n"
    "confidence), and the range starts there.\n"
    "\n"
    "Options:\n"
    "  --policy LABEL        the policy to calibrate (required)\n"
    "  --knob PATH           the knob: a field of the policy or a full path;\n"
    "                        default the policy's own\n"
    "  --range LO:HI         the values to try (durations allowed); no pilot\n"
    "  --cost METRIC         the field of summary.json to minimise; default\n"
    "                        the policy's cost of its own knob (below), or\n"
    "                        the knob's value itself for another knob\n"
    "  --budget SECONDS      simulated time it may spend in all: pilot,\n"
    "                        search and evidence (seconds, or a duration:\n"
    "                        50h); default 300 runs of the scenario (300 x\n"
    "                        its duration)\n"
    "  --max METRIC=X        any field of summary.json ('stampede metrics'),\n"
    "                        at most X at the upper end of its interval:\n"
    "                        --max worst_window.p99_ms=500, --max\n"
    "                        slo.out_of_slo_s=0 (repeat for several)\n"
    "  --min METRIC=X        at least X at the lower end of its interval:\n"
    "                        --min worst_window.hit_ratio=0.9\n"
    "The flags below are shorthands for --max of one metric:\n"
    "  --max-db-inflight N   queries at the database, at the busiest moment\n"
    "                        (db.peak_inflight)\n"
    "  --max-p99-ms X        the p99 reply latency (latency_ms.p99)\n"
    "  --max-error-rate E    errors / requests (error_rate; default 0.001)\n";

static const char USAGE_TAIL[] =
    "  --reps N              replications per value to start with (default\n"
    "                        4, at least 2)\n"
    "  -j N                  worker processes (default: the number of CPUs);\n"
    "                        the output is the same for any N\n"
    "  --seed N              the random seed (same as --set seed=N)\n"
    "  --set PATH=VALUE      override a field of the scenario\n"
    "  --out DIR             where to write calibrate.json, calibrate.csv and\n"
    "                        calibrate.png (default\n"
    "                        results/<name>-calibrate-<label>/); a rerun\n"
    "                        replaces everything in it\n"
    "  --format FORMAT       stdout: text (default: the table and the\n"
    "                        recommendation), json (calibrate.json), csv\n"
    "                        (calibrate.csv) or markdown\n"
    "  --quiet               no progress on stderr\n"
    "  --no-plot             no figure\n"
    "  --plot-timeout S      stop gnuplot after S seconds (default 60)\n"
    "  --max-memory SIZE     refuse a scenario whose worlds at start would\n"
    "                        need more than SIZE in all, over the -j workers\n"
    "                        (4G, 500M; default 4G, or half the memory, or of\n"
    "                        what ulimit -v leaves, if less)\n"
    "  --max-in-flight N     stop a replication as overloaded past N requests\n"
    "                        in flight or N queries at the database (default\n"
    "                        1000000); its value then counts as failing\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 done (also when no value is proven: the answer says\n"
    "\"unproven\" and calibrate.json's \"recommended\" is null), 1 failure\n"
    "while running, 2 bad usage or scenario, 130/143 interrupted.\n";

/* "  FLAG    text", the text wrapped to the help's columns. */
static void print_option(const char *flag, const char *text)
{
    enum { INDENT = 24, WIDTH = 78 };
    printf("  %-*s", INDENT - 2, flag);
    int col = INDENT;
    for (const char *w = text; *w;) {
        size_t len = strcspn(w, " ");
        if (col > INDENT && col + 1 + (int)len > WIDTH) {
            printf("\n%*s", INDENT, "");
            col = INDENT;
        } else if (col > INDENT) {
            putchar(' ');
            col++;
        }
        printf("%.*s", (int)len, w);
        col += (int)len;
        w += len;
        w += strspn(w, " ");
    }
    putchar('\n');
}

/* Whether a policy before p in the registry has p's guard option (two
 * policies deciding alike share it: per and xlocked). */
static bool guard_listed(const struct policy_ops *const *p)
{
    for (const struct policy_ops *const *q = policy_all(); q != p; q++)
        if ((*q)->calibration &&
            strcmp((*q)->calibration->guard_option,
                   (*p)->calibration->guard_option) == 0)
            return true;
    return false;
}

/* The policies whose guard is `option`, "per, xlocked". */
static void guard_owners(const char *option, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (const struct policy_ops *const *p = policy_all(); *p; p++)
        if ((*p)->calibration &&
            strcmp((*p)->calibration->guard_option, option) == 0 && len < n)
            len += (size_t)snprintf(out + len, n - len, "%s%s",
                                    len ? ", " : "", (*p)->name);
}

/* Each policy that can be calibrated brings its knob, its default range
 * and a guard of its own (--max-miss-share for per...): the help lists
 * them from the registry, a guard once for the policies that share it. */
static void print_usage(void)
{
    fputs(USAGE_HEAD, stdout);
    for (const struct policy_ops *const *p = policy_all(); *p; p++) {
        const struct policy_calibration *cal = (*p)->calibration;
        if (!cal || guard_listed(p))
            continue;
        char flag[64], owners[128], text[1024];
        snprintf(flag, sizeof flag, "--%s X", cal->guard_option);
        guard_owners(cal->guard_option, owners, sizeof owners);
        snprintf(text, sizeof text, "%s: %s (default %g); its knob %s, by "
                 "default from %s; its cost %s: %s", owners,
                 metric_label(cal->guard_path), cal->guard_default, cal->knob,
                 cal->range_help, cal->cost, cal->cost_help);
        print_option(flag, text);
    }
    fputs(USAGE_TAIL, stdout);
}

/* The shorthand flags every policy has: option, summary metric, default
 * limit (NAN: none). The policies' guards follow them, from the policy
 * registry. */
static const struct {
    const char *option, *path;
    double limit;
} KNOWN[] = {
    {"max-db-inflight", "db.peak_inflight", NAN},
    {"max-p99-ms", "latency_ms.p99", NAN},
    {"max-error-rate", "error_rate", 0.001},
};
#define N_KNOWN (sizeof KNOWN / sizeof KNOWN[0])
#define MAX_CONSTRAINTS 16


/* The shorthand flags: KNOWN, then each calibrated policy's guard (its
 * default limit applies only when that policy is calibrated). */
static size_t all_constraints(struct constraint *out)
{
    size_t n = 0;
    for (size_t k = 0; k < N_KNOWN; k++)
        constraint_shorthand(KNOWN[k].option, KNOWN[k].path, KNOWN[k].limit,
                             &out[n++]);
    for (const struct policy_ops *const *p = policy_all();
         *p && n < MAX_CONSTRAINTS; p++) {
        const struct policy_calibration *cal = (*p)->calibration;
        if (cal && !guard_listed(p))
            constraint_shorthand(cal->guard_option, cal->guard_path, NAN,
                                 &out[n++]);
    }
    return n;
}

struct calibrate_options {
    struct world_options w;
    const char *label, *knob, *range, *cost;
    size_t policy;                    /* the label's index in the scenario */
    struct constraint flags[MAX_CONSTRAINTS];
    double limits[MAX_CONSTRAINTS];   /* given on the command line; NAN: not */
    size_t n_flags;
    struct constraint given[MAX_CONSTRAINTS];   /* --max and --min */
    size_t n_given;
    double budget;                    /* NAN: the default */
    char cost_field[METRIC_NAME_MAX]; /* --cost, as a field */
    bool no_plot;
};

/* Runs of the scenario the default budget allows. */
#define DEFAULT_BUDGET_RUNS 300
/* The pilot's share of the budget. */
#define PILOT_SHARE 0.1

static int parse_limit(struct calibrate_options *o, size_t k, const char *text)
{
    double v;
    if (!cli_parse_double(text, &v) || v < 0)
        return cli_usage_error("calibrate", "--%s: expected a number >= 0, "
                               "got '%s'", o->flags[k].option, text);
    o->limits[k] = v;
    return EXIT_OK;
}

/* --max METRIC=X or --min METRIC=X. */
static int parse_bound(struct calibrate_options *o, bool lower,
                       const char *text)
{
    char err[512];
    if (o->n_given == MAX_CONSTRAINTS)
        return cli_usage_error("calibrate", "at most %d --max and --min",
                               MAX_CONSTRAINTS);
    if (!constraint_parse(text, lower, &o->given[o->n_given], err,
                          sizeof err))
        return cli_usage_error("calibrate", "%s", err);
    o->n_given++;
    return EXIT_OK;
}

static int parse_budget(struct calibrate_options *o, const char *text)
{
    if (!number_or_duration_parse(text, &o->budget) ||
        !(o->budget > 0 && isfinite(o->budget)))
        return cli_usage_error("calibrate", "--budget: expected simulated "
                               "seconds > 0 (a number or a duration such as "
                               "50h), got '%s'", text);
    return EXIT_OK;
}

/* getopt_long's values of the options without a short form (the
 * shorthands return their index, below MAX_CONSTRAINTS). */
enum { OPT_MAX = 1000, OPT_MIN, OPT_BUDGET, OPT_COST };

static int take_option(struct calibrate_options *o, int c, char **argv)
{
    if (c >= 0 && c < (int)o->n_flags)
        return parse_limit(o, (size_t)c, optarg);
    switch (c) {
    case OPT_MAX: return parse_bound(o, false, optarg);
    case OPT_MIN: return parse_bound(o, true, optarg);
    case OPT_BUDGET: return parse_budget(o, optarg);
    case OPT_COST: o->cost = optarg; return EXIT_OK;
    case 'p': o->label = optarg; return EXIT_OK;
    case 'k': o->knob = optarg; return EXIT_OK;
    case 'R': o->range = optarg; return EXIT_OK;
    case 'N': o->no_plot = true; return EXIT_OK;
    case 'h': print_usage(); return -1;
    default: return world_option("calibrate", c, optarg, argv, &o->w);
    }
}

static int parse_options(int argc, char **argv, struct calibrate_options *o)
{
    static const struct option FIXED[] = {
        WORLD_LONG_OPTIONS,
        {"max", required_argument, NULL, OPT_MAX},
        {"min", required_argument, NULL, OPT_MIN},
        {"budget", required_argument, NULL, OPT_BUDGET},
        {"cost", required_argument, NULL, OPT_COST},
        {"policy", required_argument, NULL, 'p'},
        {"knob", required_argument, NULL, 'k'},
        {"range", required_argument, NULL, 'R'},
        {"no-plot", no_argument, NULL, 'N'},
        {"help", no_argument, NULL, 'h'},
    };
    enum { N_FIXED = sizeof FIXED / sizeof FIXED[0] };
    /* the constraint flags return their index in o->flags */
    struct option options[N_FIXED + MAX_CONSTRAINTS + 1];
    memcpy(options, FIXED, sizeof FIXED);
    o->n_flags = all_constraints(o->flags);
    for (size_t k = 0; k < o->n_flags; k++) {
        options[N_FIXED + k] = (struct option){o->flags[k].option,
                                               required_argument, NULL, (int)k};
        o->limits[k] = NAN;
    }
    options[N_FIXED + o->n_flags] = (struct option){NULL, 0, NULL, 0};
    o->budget = NAN;
    /* a confidence interval needs two replications */
    world_options_init(&o->w, 4, 2);
    int c, st = EXIT_OK;
    opterr = 0;
    optind = 1;
    while (st == EXIT_OK &&
           (c = getopt_long(argc, argv, ":hqj:", options, NULL)) != -1)
        st = take_option(o, c, argv);
    if (st != EXIT_OK ||
        (st = world_options_finish("calibrate", argc, argv, &o->w)) != EXIT_OK)
        return st;
    if (!o->label)
        return cli_usage_error("calibrate", "which policy? give --policy "
                               "LABEL");
    return EXIT_OK;
}

/* The knob's path and the policy's calibration, checked against the
 * scenario. */
static int resolve_knob(const struct scenario *s, struct calibrate_options *o,
                        struct calibrate_params *p,
                        const struct policy_calibration **cal)
{
    char err[256];
    if (!scenario_policy_indices(s, &o->label, 1, &o->policy, err, sizeof err))
        return cli_usage_error("calibrate", "%s", err);
    const struct policy_ops *ops = s->policies[o->policy].ops;
    *cal = ops->calibration;
    const char *knob = o->knob ? o->knob : *cal ? (*cal)->knob : NULL;
    if (!knob)
        return cli_usage_error("calibrate", "the %s policy has no knob to "
                               "calibrate", ops->name);
    bool bare = !strpbrk(knob, ".[");
    if (bare) {
        bool known = false;
        for (const char *const *k = policy_knob_names(ops); *k; k++)
            known |= strcmp(*k, knob) == 0;
        if (!known)
            return cli_usage_error("calibrate", "--knob %s: the %s policy has "
                                   "no knob \"%s\"", knob, ops->name, knob);
        snprintf(p->knob_path, sizeof p->knob_path, "policies[%s].%s",
                 o->label, knob);
    } else {
        snprintf(p->knob_path, sizeof p->knob_path, "%s", knob);
    }
    return EXIT_OK;
}

static bool is_knob(const struct calibrate_options *o, const char *knob,
                    const struct calibrate_params *p)
{
    char path[CFG_PATH_MAX];
    snprintf(path, sizeof path, "policies[%s].%s", o->label, knob);
    return strcmp(path, p->knob_path) == 0;
}

/* The policy's calibration of the knob calibrated: its own knob's (main:
 * beta, lock_ttl), or that of one of its other numeric knobs (PER's
 * delta_max), which share its cost and constraints; false for any other
 * knob. */
static bool own_knob(const struct calibrate_options *o,
                     const struct policy_calibration *cal,
                     const struct calibrate_params *p,
                     struct calibration_knob *out, bool *main)
{
    if (!cal)
        return false;
    *main = is_knob(o, cal->knob, p);
    if (*main) {
        *out = (struct calibration_knob){cal->knob, cal->default_range,
                                         cal->range_help, cal->pilot};
        return true;
    }
    for (size_t i = 0; i < cal->n_others; i++)
        if (is_knob(o, cal->others[i].knob, p)) {
            *out = cal->others[i];
            return true;
        }
    return false;
}

static bool calibrated_by_policy(const struct calibrate_options *o,
                                 const struct policy_calibration *cal,
                                 const struct calibrate_params *p)
{
    struct calibration_knob k;
    bool main;
    return own_knob(o, cal, p, &k, &main);
}

/* The recompute time the default range starts from: the pilot's, or the
 * service distribution's quantiles. */
static struct recompute_time recompute_time_of(const struct scenario *s,
                                               const struct pilot *pilot)
{
    if (pilot && pilot->measured)
        return (struct recompute_time){pilot->p50, pilot->p99, pilot->p999,
                                       true};
    return (struct recompute_time){dist_quantile(&s->model.service, 0.5),
                                   dist_quantile(&s->model.service, 0.99),
                                   dist_quantile(&s->model.service, 0.999),
                                   false};
}

static int resolve_range(const struct scenario *s,
                         const struct calibrate_options *o,
                         const struct policy_calibration *cal,
                         const struct pilot *pilot,
                         struct calibrate_params *p)
{
    struct calibration_knob k;
    bool main;
    if (o->range) {
        char lo[64], hi[64];
        if (sscanf(o->range, "%63[^:]:%63s", lo, hi) != 2 ||
            !number_or_duration_parse(lo, &p->lo) ||
            !number_or_duration_parse(hi, &p->hi))
            return cli_usage_error("calibrate", "--range: expected LO:HI, "
                                   "got '%s'", o->range);
    } else if (own_knob(o, cal, p, &k, &main)) {
        struct recompute_time t = recompute_time_of(s, pilot);
        k.default_range(&t, &p->lo, &p->hi);
    } else {
        return cli_usage_error("calibrate", "give --range LO:HI for the knob "
                               "%s", p->knob_path);
    }
    if (!(p->lo > 0 && p->hi > p->lo))
        return cli_usage_error("calibrate", "--range: need 0 < LO < HI, got "
                               "%g:%g", p->lo, p->hi);
    return EXIT_OK;
}

/* Whether a run of the calibrated policy has the field: a policy's own
 * metric only for that policy, the SLO's only with an slo. A usage error
 * (naming `flag`) if not. */
static int check_field(const struct scenario *s, const struct policy_ops *ops,
                       const char *path, const char *flag)
{
    struct metric_info m;
    const char *metric = strncmp(path, "policy_metrics.", 15) == 0
                             ? path + 15 : NULL;
    bool measured = !metric || policy_metric_index(ops, metric) >= 0;
    if (!measured)
        return cli_usage_error("calibrate", "%s: the %s policy does not "
                               "measure the %s", flag, ops->name,
                               metric_label(path));
    bool known = metric_find(path, &m);
    if (known && m.slo && !s->model.slo.set)
        return cli_usage_error("calibrate", "%s: the scenario has no slo (add "
                               "an \"slo\" block, or --set slo.p99=250ms)",
                               flag);
    if (known && m.fleet && s->model.client.fleet.instances <= 1)
        return cli_usage_error("calibrate", "%s: the scenario has one "
                               "application instance (set client.instances)",
                               flag);
    return EXIT_OK;
}

static int check_measured(const struct scenario *s,
                          const struct policy_ops *ops,
                          const struct constraint *c)
{
    char flag[128];
    constraint_flag(c, flag, sizeof flag);
    return check_field(s, ops, c->path, flag);
}

/* The constraints: the shorthands given, the error rate's default, the
 * policy's own guard with its default, then --max and --min in order. */
static int build_constraints(const struct scenario *s,
                             const struct calibrate_options *o,
                             const struct policy_calibration *cal,
                             struct constraint *out, size_t *n)
{
    const struct policy_ops *ops = s->policies[o->policy].ops;
    int st = EXIT_OK;
    *n = 0;
    for (size_t k = 0; k < o->n_flags && st == EXIT_OK; k++) {
        struct constraint c = o->flags[k];
        if (!isnan(o->limits[k]))
            c.limit = o->limits[k];
        else if (cal && strcmp(cal->guard_option, c.option) == 0)
            c.limit = cal->guard_default;
        if (isnan(c.limit))
            continue;
        if ((st = check_measured(s, ops, &c)) == EXIT_OK)
            out[(*n)++] = c;
    }
    for (size_t k = 0; k < o->n_given && st == EXIT_OK; k++) {
        if (*n == MAX_CONSTRAINTS)
            return cli_usage_error("calibrate", "at most %d constraints",
                                   MAX_CONSTRAINTS);
        if ((st = check_measured(s, ops, &o->given[k])) == EXIT_OK)
            out[(*n)++] = o->given[k];
    }
    return st;
}

/* The field minimised: --cost, the policy's for its own knob, or none
 * (the knob's value). */
static int resolve_cost(const struct scenario *s,
                        struct calibrate_options *o,
                        const struct policy_calibration *cal,
                        struct calibrate_params *p)
{
    struct metric_info m;
    if (!o->cost) {
        p->cost = calibrated_by_policy(o, cal, p) ? cal->cost : NULL;
        return EXIT_OK;
    }
    if (!metric_find(o->cost, &m) || !m.field[0])
        return cli_usage_error("calibrate", "--cost %s: no field of "
                               "summary.json of that name ('stampede metrics' "
                               "lists them)", o->cost);
    snprintf(o->cost_field, sizeof o->cost_field, "%s", m.field);
    p->cost = o->cost_field;
    return check_field(s, s->policies[o->policy].ops, p->cost, "--cost");
}

static void show_progress(double spent, uint64_t events, void *ctx)
{
    progress_update(ctx, (size_t)spent, events);
}

/* The sign of life while runs go (progress.h: a plain line every 30 s
 * when stderr is not a terminal). */
static void tick_progress(void *ctx)
{
    progress_tick(ctx);
}

/* NULL when the -j workers' worlds of s fit in max_memory; else the
 * message. */
static char *too_large(const struct calibrate_options *o,
                       const struct scenario *s)
{
    int k = scenario_policy_index(s, o->label);
    if (o->w.max_memory <= 0 || k < 0)
        return NULL;
    size_t idx = (size_t)k;
    return memguard_problem(s, &idx, 1, o->w.jobs, NULL, o->w.max_memory);
}

/* Loads the scenario at both ends of the range: a value the scenario
 * refuses, or worlds too large for --max-memory, is a usage error,
 * before anything runs. */
static int check_ends(const struct calibrate_params *p,
                      const struct calibrate_options *o)
{
    double ends[2] = {p->lo, p->hi};
    for (int i = 0; i < 2; i++) {
        char value[64];
        calibrate_value_text(ends[i], value, sizeof value);
        char *set = str_printf("%s=%s", p->knob_path, value);
        const char **sets = calloc(p->n_sets + 1, sizeof *sets);
        if (!set || !sets) {
            free(set);
            free(sets);
            return EXIT_FAILED;
        }
        for (size_t k = 0; k < p->n_sets; k++)
            sets[k] = p->sets[k];
        sets[p->n_sets] = set;
        struct scenario_errors errors = {0};
        struct scenario *s = scenario_load_text(p->file, p->text, p->len,
                                                sets, p->n_sets + 1, &errors);
        scenario_errors_print(&errors, stderr);
        scenario_errors_free(&errors);
        free(set);
        free(sets);
        if (!s)
            return EXIT_USAGE;
        char *problem = too_large(o, s);
        scenario_free(s);
        if (problem) {
            fprintf(stderr, "%s\n", problem);
            free(problem);
            return EXIT_USAGE;
        }
    }
    return EXIT_OK;
}

/* The budget: given or the default, at least what the search needs after
 * the pilot's share. */
static int resolve_budget(const struct scenario *s,
                          const struct calibrate_options *o, bool pilot,
                          struct calibrate_params *p)
{
    p->duration = s->model.duration;
    p->budget = isnan(o->budget) ? DEFAULT_BUDGET_RUNS * p->duration
                                 : o->budget;
    double search = calibrate_search_cost(p);
    double need = pilot ? search / (1 - PILOT_SHARE) : search;
    if (p->budget < need)
        return cli_usage_error("calibrate", "--budget %g: the search alone "
                               "takes %g simulated s (%d values x %u "
                               "replications x %g s%s); give at least %g",
                               p->budget, search, CALIBRATE_MAX_POINTS,
                               p->reps, p->duration,
                               pilot ? ", and the pilot a tenth of the "
                                       "budget" : "", ceil(need));
    return EXIT_OK;
}

/* The pilot, with the assignments the policy's calibration asks of it
 * (a measured delta fixed: its runs must not feed back). */
static int run_pilot(const struct calibrate_params *p,
                     const struct scenario *s,
                     const struct policy_calibration *cal,
                     const void *knobs, struct pilot *pilot,
                     struct progress *bar)
{
    calibration_sets extra;
    struct recompute_time nominal = recompute_time_of(s, NULL);
    const struct workload_config *w = &s->model.workload;
    struct policy_load load = {
        .rate = workload_peak_rate(w) * workload_hottest_share(w),
        .recompute_p99 = nominal.p99, .ttl = s->model.cache.ttl};
    double min_ttl = 0;
    size_t n_extra = cal && cal->pilot_sets
                         ? cal->pilot_sets(knobs, &nominal, &load, extra,
                                           &min_ttl)
                         : 0;
    struct calibrate_sets sets;
    char err[256] = "out of memory";
    bool ok = calibrate_sets_make(p, (const char (*)[CALIBRATION_SET_MAX])extra,
                                  n_extra, &sets);
    struct pilot_params pp = {
        .file = p->file, .text = p->text, .len = p->len, .sets = sets.sets,
        .n_sets = sets.n, .label = p->label, .jobs = p->jobs,
        .max_in_flight = p->max_in_flight, .stop = p->stop,
        .allowance = PILOT_SHARE * p->budget, .beat = p->beat,
        .min_ttl = min_ttl};
    ok = ok && pilot_run(&pp, pilot, err, sizeof err);
    calibrate_sets_free(&sets);
    if (!ok) {
        progress_finish(bar);
        fprintf(stderr, "stampede calibrate: %s\n", err);
        return EXIT_FAILED;
    }
    progress_update(bar, (size_t)pilot->spent, 0);
    return EXIT_OK;
}

/* A whole file, NUL-terminated; NULL if it cannot be read. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0;
    FILE *out = f ? open_memstream(&buf, &len) : NULL;
    char chunk[4096];
    for (size_t n; out && (n = fread(chunk, 1, sizeof chunk, f)) > 0;)
        fwrite(chunk, 1, n, out);
    bool ok = f && out && !ferror(f);
    if (out)
        fclose(out);
    if (f)
        fclose(f);
    if (!ok) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* --format json, csv or markdown: what calibrate.json or calibrate.csv
 * hold, as written (Markdown: calibrate.csv as a table, then the
 * recommendation). */
static bool print_formatted(const char *dir, enum out_format f)
{
    char *json_path = str_printf("%s/calibrate.json", dir);
    char *csv_path = str_printf("%s/calibrate.csv", dir);
    char *json = json_path ? read_text(json_path) : NULL;
    char *csv = csv_path ? read_text(csv_path) : NULL;
    bool ok = json && csv;
    if (!ok) {
        fprintf(stderr, "stampede calibrate: cannot read back %s\n",
                json ? csv_path : json_path);
    } else if (f == FORMAT_JSON) {
        fputs(json, stdout);
    } else if (f == FORMAT_CSV) {
        fputs(csv, stdout);
    } else {
        table_csv_to_markdown(stdout, csv);
        cJSON *root = cJSON_Parse(json);
        const cJSON *rec = cJSON_GetObjectItemCaseSensitive(root,
                                                            "recommended");
        const char *knob = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(root, "knob"));
        if (cJSON_IsNumber(rec))
            printf("\nRecommended: `%s` = %.6g\n", knob ? knob : "knob",
                   rec->valuedouble);
        else
            printf("\nNo value is proven to meet the constraints.\n");
        cJSON_Delete(root);
    }
    fflush(stdout);
    free(json);
    free(csv);
    free(json_path);
    free(csv_path);
    return ok;
}

/* Prints the report and writes its files into the directory being
 * written, then puts it in DIR's place (outdir.h): the data files whole
 * or not at all; the figure when gnuplot can draw it. */
static int report(struct calibrate_report *r, struct outdir *out,
                  const struct calibrate_options *o,
                  const struct cli_env *env)
{
    char err[1024];
    const char *dir = out->path;
    if (o->w.format == FORMAT_TEXT) {
        calibrate_print(r, stdout);
        fflush(stdout);
    }
    r->dir = out->tmp;
    r->shown = dir;
    r->limits = (struct plot_limits){o->w.plot_timeout, env->stop};
    if (!calibrate_write_data(r, err, sizeof err))
        return cli_results_failed("calibrate", out, err, env);
    if (!o->w.quiet)
        fprintf(stderr, "stampede: %s/calibrate.json, %s/calibrate.csv\n",
                dir, dir);
    int status = EXIT_OK;
    if (!o->no_plot) {
        struct plot_error perr = {{0}, NULL};
        enum plot_status st = calibrate_write_figure(r, o->w.quiet,
                                                     perr.message,
                                                     sizeof perr.message);
        status = cli_figures_outcome("calibrate", out, st, &perr, env);
        if (!out->tmp)
            return status;   /* the figure could not be written */
    }
    if (!outdir_commit(out, err, sizeof err)) {
        fprintf(stderr, "stampede calibrate: %s\n", err);
        return EXIT_FAILED;
    }
    if (status == EXIT_OK && o->w.format != FORMAT_TEXT &&
        !print_formatted(dir, o->w.format))
        status = EXIT_FAILED;
    if (status == EXIT_OK && (r->result->stopped || *env->stop))
        status = cli_signal_status(env);
    return status;
}

/* Samples of the pilot that estimate a p99 (ten above it, on average):
 * the comparison uses its p50 and p99 from there. */
#define COMPARE_SAMPLES 1000

/* What the comparison is run with: the calibration's parameters, the
 * pilot's, and where it writes. */
struct comparison {
    const struct calibrate_params *p;
    const struct scenario *s;
    const struct policy_calibration *cal;
    const void *knobs;
    const struct calibrate_options *o;
    const char *dir;
};

/* The comparison's calibration, reported under its heading into
 * DIR-compared (a results directory of its own: DIR holds only the files
 * calibrate writes): with the assignments the pilot's recompute time
 * gives. */
static int compare_with(const struct comparison *k, const struct pilot *pilot,
                        const calibration_sets extra, size_t n_extra,
                        const struct cli_env *env)
{
    char err[512] = "out of memory";
    struct calibrate_sets sets;
    struct calibrate_params q = *k->p;
    struct calibration *c = calloc(1, sizeof *c);
    char *dir = str_printf("%s-compared", k->dir);
    struct outdir out = {0};
    int status = EXIT_FAILED;
    bool ok = c && dir && calibrate_sets_make(k->p, extra, n_extra, &sets);
    if (ok) {
        q.sets = sets.sets;
        q.n_sets = sets.n;
        q.spent = pilot->spent;
        q.progress = NULL;
        q.beat = NULL;
        printf("\n== With %s:", k->cal->compare->what);
        for (size_t i = 0; i < n_extra; i++)
            printf(" %s", extra[i]);
        printf(" (calibrate.* in %s)\n", dir);
        fflush(stdout);
        ok = cli_results_dir("calibrate", dir) == EXIT_OK &&
             cli_begin_results("calibrate", &out, dir) &&
             calibrate_run(&q, c, err, sizeof err);
        if (ok) {
            char use[200];
            snprintf(use, sizeof use, pilot->n >= COMPARE_SAMPLES
                     ? "Its p50 and p99 are the clamp."
                     : "Fewer than %d samples: the clamp is database.service's "
                       "p50 and p99 instead.", COMPARE_SAMPLES);
            struct calibrate_report r = {k->s, &q, k->cal, c, pilot, NULL,
                                         NULL, {0, NULL}, use};
            status = report(&r, &out, k->o, env);
        }
        outdir_abort(&out);
        calibrate_sets_free(&sets);
    }
    if (!ok)
        fprintf(stderr, "stampede calibrate: %s\n", err);
    if (c)
        calibration_free(c);
    free(c);
    free(dir);
    return status;
}

/* The answer's runs misbehaved in a way the policy's comparison avoids:
 * say so, measure the recompute time under the load (a pilot, the policy
 * kept from feeding back), and calibrate the knob again with the other
 * setting, with a budget of its own. */
static int compare(const struct comparison *k, const struct calibration *c,
                   const struct cli_env *env)
{
    const struct calibration_compare *cmp = k->cal->compare;
    const struct model_config *m = &k->s->model;
    struct recompute_time nominal = recompute_time_of(k->s, NULL);
    calibration_sets extra;
    if (cmp->sets(k->knobs, &nominal, extra) == 0)
        return EXIT_OK;
    size_t n = calibrate_compare_count(c, cmp, m->cache.ttl,
                                       m->duration - m->warmup);
    printf("\n%s: above %g per TTL period in the runs of %zu of the %zu "
           "values%s; beside, %s.\n", metric_label(cmp->when), cmp->per_ttl,
           n, c->n, c->recommended >= 0 ? ", the answer's among them" : "",
           cmp->what);
    fflush(stdout);
    struct progress bar;
    progress_init_budget(&bar, "calibrate", k->p->budget, k->o->w.quiet,
                         env->stderr_is_tty);
    struct workers_beat beat = {tick_progress, &bar, 0};
    struct calibrate_params q = *k->p;
    q.beat = &beat;
    struct pilot pilot;
    int status = run_pilot(&q, k->s, k->cal, k->knobs, &pilot, &bar);
    progress_finish(&bar);
    if (status != EXIT_OK)
        return status;
    /* the p99 needs fewer samples than the p99.9 the pilot aims at */
    struct recompute_time t = recompute_time_of(k->s, &pilot);
    if (pilot.n >= COMPARE_SAMPLES)
        t = (struct recompute_time){pilot.p50, pilot.p99, pilot.p999, true};
    size_t n_extra = cmp->sets(k->knobs, &t, extra);
    if (n_extra == 0)
        return EXIT_OK;
    return compare_with(k, &pilot, (const char (*)[CALIBRATION_SET_MAX])extra,
                        n_extra, env);
}

static int calibrate_and_report(struct calibrate_params *p,
                                const struct scenario *s,
                                const struct policy_calibration *cal,
                                const struct pilot *pilot, bool main,
                                const struct calibrate_options *o,
                                struct outdir *out, struct progress *bar,
                                const struct cli_env *env)
{
    char err[512];
    p->progress = show_progress;
    p->progress_ctx = bar;
    p->spent = pilot ? pilot->spent : 0;
    /* ~22 KB a value: not on the stack */
    struct calibration *c = calloc(1, sizeof *c);
    int status = EXIT_FAILED;
    if (!c) {
        progress_finish(bar);
        fprintf(stderr, "stampede calibrate: out of memory\n");
    } else if (!calibrate_run(p, c, err, sizeof err)) {
        progress_finish(bar);
        fprintf(stderr, "stampede calibrate: %s\n", err);
    } else if (c->stopped && c->n == 0) {
        /* nothing measured: the earlier results stay */
        progress_finish(bar);
        fprintf(stderr, "stampede calibrate: interrupted before any value "
                "was evaluated; %s is left as it was\n", out->path);
        status = cli_signal_status(env);
    } else {
        progress_finish(bar);
        struct calibrate_report r = {s, p, cal, c, pilot, NULL, NULL,
                                     {0, NULL}, NULL};
        status = report(&r, out, o, env);
        const struct model_config *m = &s->model;
        struct comparison k = {p, s, cal, s->policies[o->policy].knobs, o,
                               out->path};
        if (status == EXIT_OK && main && cal->compare &&
            calibrate_compare_due(c, cal->compare, m->cache.ttl,
                                  m->duration - m->warmup))
            status = compare(&k, c, env);
    }
    if (c)
        calibration_free(c);
    free(c);
    return status;
}

/* Everything from the loaded scenario on. */
static int calibrate_scenario(struct calibrate_options *o,
                              const struct scenario *s, const char *text,
                              size_t len, const struct cli_env *env)
{
    struct calibrate_params p = {
        .file = o->w.file, .text = text, .len = len,
        .sets = (const char *const *)o->w.args.sets, .n_sets = o->w.args.n_sets,
        .label = o->label, .reps = o->w.reps, .jobs = o->w.jobs,
        .stop = env->stop, .max_in_flight = o->w.max_in_flight};
    const struct policy_calibration *cal = NULL;
    struct constraint constraints[MAX_CONSTRAINTS];
    int status;
    if ((status = resolve_knob(s, o, &p, &cal)) != EXIT_OK ||
        (status = build_constraints(s, o, cal, constraints,
                                    &p.n_constraints)) != EXIT_OK ||
        (status = resolve_cost(s, o, cal, &p)) != EXIT_OK)
        return status;
    p.constraints = constraints;
    struct calibration_knob knob;
    bool main = false;
    bool want_pilot = !o->range && own_knob(o, cal, &p, &knob, &main) &&
                      knob.pilot;
    if ((status = resolve_budget(s, o, want_pilot, &p)) != EXIT_OK)
        return status;
    char *dir = o->w.out_dir ? str_printf("%s", o->w.out_dir)
                             : str_printf("results/%s-calibrate-%s", s->name,
                                          o->label);
    if (!dir)
        return EXIT_FAILED;
    struct outdir out = {0};
    if ((status = cli_results_dir("calibrate", dir)) != EXIT_OK ||
        (status = cli_begin_results("calibrate", &out, dir) ? EXIT_OK
                                                            : EXIT_FAILED)) {
        free(dir);
        return status;
    }
    struct progress bar;
    progress_init_budget(&bar, "calibrate", p.budget, o->w.quiet,
                         env->stderr_is_tty);
    struct workers_beat beat = {tick_progress, &bar, 0};
    p.beat = &beat;
    struct pilot pilot;
    const struct pilot *used = want_pilot ? &pilot : NULL;
    if (want_pilot)
        status = run_pilot(&p, s, cal, s->policies[o->policy].knobs, &pilot,
                           &bar);
    if (status == EXIT_OK &&
        ((status = resolve_range(s, o, cal, used, &p)) != EXIT_OK ||
         (status = check_ends(&p, o)) != EXIT_OK))
        progress_finish(&bar);
    else if (status == EXIT_OK)
        status = calibrate_and_report(&p, s, cal, used, main, o, &out, &bar,
                                      env);
    outdir_abort(&out);   /* what is left when nothing was written */
    free(dir);
    return status;
}

int cmd_calibrate(int argc, char **argv, const struct cli_env *env)
{
    struct calibrate_options o = {0};
    int status = parse_options(argc, argv, &o);
    char *text = NULL;
    struct scenario *s = NULL;
    struct scenario_errors errors = {0};
    size_t len = 0;
    if (status != EXIT_OK)
        goto out;
    text = scenario_read(o.w.file, &len, &errors);
    if (text)
        s = scenario_load_text(o.w.file, text, len, o.w.args.sets,
                               o.w.args.n_sets, &errors);
    if (!s) {
        scenario_errors_print(&errors, stderr);
        status = EXIT_USAGE;
        goto out;
    }
    cli_print_warnings(s);
    status = calibrate_scenario(&o, s, text, len, env);
out:
    scenario_errors_free(&errors);
    scenario_free(s);
    free(text);
    scenario_args_free(&o.w.args);
    return status < 0 ? EXIT_OK : status;
}
