/*
 * calibrate.c — see calibrate.h.
 */
#include "experiment/calibrate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/experiment.h"
#include "experiment/sweep.h"
#include "experiment/workers.h"
#include "kernel/strutil.h"
#include "scenario/scenario.h"

/* An undecided value gets at most this many times the replications it
 * has before its estimate of what would decide it is made again. */
#define GROWTH 4

void calibrate_value_text(double value, char *out, size_t n)
{
    snprintf(out, n, "%.6g", value);
}

double calibrate_search_cost(const struct calibrate_params *p)
{
    return (double)CALIBRATE_MAX_POINTS * p->reps * p->duration;
}

/* ---- running replications ---- */

struct job {
    size_t point;
    unsigned rep;
};

/* What one replication gives back. */
struct rep_out {
    bool complete;
    uint64_t events;      /* the run simulated (progress) */
    struct run_summary summary;
};

struct batch {
    const struct calibrate_params *p;
    struct calibration *c;
    const struct job *jobs;
    bool *got;                 /* [job]: its result arrived */
};

static struct scenario *load_value(const struct calibrate_params *p,
                                   double value)
{
    char text[64];
    calibrate_value_text(value, text, sizeof text);
    char *set = str_printf("%s=%s", p->knob_path, text);
    const char **sets = calloc(p->n_sets + 1, sizeof *sets);
    struct scenario *s = NULL;
    if (set && sets) {
        for (size_t i = 0; i < p->n_sets; i++)
            sets[i] = p->sets[i];
        sets[p->n_sets] = set;
        struct scenario_errors errors = {0};
        s = scenario_load_text(p->file, p->text, p->len, sets, p->n_sets + 1,
                               &errors);
        scenario_errors_free(&errors);
    }
    free(set);
    free(sets);
    return s;
}

static void *run_job(size_t index, size_t *size, void *ctx)
{
    const struct batch *b = ctx;
    const struct job *job = &b->jobs[index];
    struct rep_out *out = calloc(1, sizeof *out);
    struct scenario *s =
        out ? load_value(b->p, b->c->points[job->point].value) : NULL;
    int k = s ? scenario_policy_index(s, b->p->label) : -1;
    struct experiment e = {0};
    char err[256];
    bool ok = k >= 0;
    if (ok) {
        size_t idx = (size_t)k;
        struct experiment_params ep = {
            .scenario = s, .policies = &idx, .n_policies = 1,
            .replications = 1, .first_replication = job->rep,
            .stop = b->p->stop, .max_in_flight = b->p->max_in_flight,
            .ticker = b->p->beat ? experiment_beat : NULL,
            .ticker_ctx = b->p->beat};
        ok = experiment_run(&ep, &e, err, sizeof err) && e.results[0].n_done;
    }
    if (ok) {
        out->complete = e.complete;
        out->events = e.results[0].reps[0].events;
        out->summary = e.results[0].reps[0].summary;
    }
    experiment_free(&e);
    scenario_free(s);
    if (!ok) {
        free(out);
        return NULL;
    }
    *size = sizeof *out;
    return out;
}

static void take_job(size_t index, void *result, size_t size, size_t done,
                     void *ctx)
{
    struct batch *b = ctx;
    const struct rep_out *out = result;
    (void)done;
    if (size == sizeof *out) {
        const struct job *job = &b->jobs[index];
        struct calibrate_point *pt = &b->c->points[job->point];
        pt->runs[job->rep] = out->summary;
        pt->complete &= out->complete;
        b->got[index] = true;
        b->c->spent += b->p->duration;
        b->c->events += out->events;
        if (b->p->progress)
            b->p->progress(b->c->spent, b->c->events, b->p->progress_ctx);
    }
    free(result);
}

/* Room for `more` replications after each point's own. */
static bool grow(struct calibrate_point *pt, unsigned more)
{
    struct run_summary *runs = realloc(pt->runs,
                                       (pt->reps + more) * sizeof *runs);
    if (!runs)
        return false;
    pt->runs = runs;
    return true;
}

/* After an interrupted batch: keep, of each point, the replications
 * whose results arrived, in order. */
static void keep_arrived(struct batch *b, size_t n_jobs,
                         const unsigned *before)
{
    for (size_t i = 0; i < b->c->n; i++) {
        struct calibrate_point *pt = &b->c->points[i];
        unsigned kept = before[i];
        for (size_t j = 0; j < n_jobs; j++)
            if (b->jobs[j].point == i && b->got[j])
                pt->runs[kept++] = pt->runs[b->jobs[j].rep];
        pt->reps = kept;
    }
}

/* Runs `jobs` (replications past each point's reps, in order), then
 * counts them in. */
static bool run_jobs(const struct calibrate_params *p, struct calibration *c,
                     const struct job *jobs, size_t n_jobs, char *err,
                     size_t n)
{
    unsigned before[CALIBRATE_MAX_POINTS];
    for (size_t i = 0; i < c->n; i++)
        before[i] = c->points[i].reps;
    struct batch b = {p, c, jobs, calloc(n_jobs ? n_jobs : 1, sizeof *b.got)};
    enum workers_status st = b.got ? workers_run(n_jobs, p->jobs, run_job,
                                                 take_job, &b, p->stop,
                                                 p->beat)
                                   : WORKERS_FAILED;
    if (st == WORKERS_FAILED)
        snprintf(err, n, "a worker failed (out of memory, or killed)");
    c->stopped |= st == WORKERS_STOPPED;
    if (st != WORKERS_FAILED)
        keep_arrived(&b, n_jobs, before);
    free(b.got);
    return st != WORKERS_FAILED;
}

/* `more` replications for each of points[first..first+count). */
static bool add_reps(const struct calibrate_params *p, struct calibration *c,
                     size_t first, size_t count, unsigned more, char *err,
                     size_t n)
{
    struct job *jobs = calloc(count * more, sizeof *jobs);
    size_t k = 0;
    for (size_t i = first; jobs && i < first + count; i++) {
        if (!grow(&c->points[i], more)) {
            free(jobs);
            jobs = NULL;
            break;
        }
        for (unsigned r = 0; r < more; r++)
            jobs[k++] = (struct job){i, c->points[i].reps + r};
    }
    if (!jobs) {
        snprintf(err, n, "out of memory");
        return false;
    }
    bool ok = run_jobs(p, c, jobs, k, err, n);
    free(jobs);
    return ok;
}

/* ---- judging ---- */

static void judge(const struct calibrate_params *p, struct calibrate_point *pt)
{
    const struct run_summary **runs = calloc(pt->reps ? pt->reps : 1,
                                             sizeof *runs);
    for (unsigned r = 0; runs && r < pt->reps; r++)
        runs[r] = &pt->runs[r];
    memset(&pt->agg, 0, sizeof pt->agg);
    if (runs && pt->reps > 0)
        aggregate_summaries(runs, pt->reps, &pt->agg);
    free(runs);
    pt->verdict = pt->reps > 0 ? VERDICT_HOLDS : VERDICT_UNDECIDED;
    pt->binding = -1;
    pt->reps_to_decide = pt->reps;
    for (size_t i = 0; i < p->n_constraints; i++) {
        struct judgement *j = &pt->judged[i];
        constraint_judge_at(&pt->agg, &p->constraints[i], CALIBRATE_LEVEL,
                            j);
        if (j->verdict == VERDICT_FAILS && pt->verdict != VERDICT_FAILS) {
            pt->verdict = VERDICT_FAILS;
            pt->binding = (int)i;
        } else if (j->verdict == VERDICT_UNDECIDED &&
                   pt->verdict == VERDICT_HOLDS) {
            pt->verdict = VERDICT_UNDECIDED;
            pt->binding = (int)i;
        }
        if (j->verdict == VERDICT_UNDECIDED)
            pt->reps_to_decide = fmax(pt->reps_to_decide, j->reps_to_decide);
    }
    if (!pt->complete) {
        pt->verdict = VERDICT_FAILS;
        pt->binding = -1;
    }
    pt->cost = p->cost ? summary_get(&pt->agg.mean, p->cost) : pt->value;
    pt->cost_ci95 = p->cost ? summary_get(&pt->agg.ci95, p->cost) : 0;
}

/* Cheaper first; an undefined cost last; a tie to the smaller value. */
static bool cheaper(const struct calibrate_point *a,
                    const struct calibrate_point *b)
{
    if (isnan(a->cost) != isnan(b->cost))
        return isnan(b->cost);
    if (!isnan(a->cost) && a->cost != b->cost)
        return a->cost < b->cost;
    return a->value < b->value;
}

/* The cheapest point that may still hold (not failing); -1 if none. */
static int cheapest_candidate(const struct calibration *c)
{
    int best = -1;
    for (size_t i = 0; i < c->n; i++) {
        const struct calibrate_point *pt = &c->points[i];
        if (pt->verdict == VERDICT_FAILS)
            continue;
        if (best < 0 || cheaper(pt, &c->points[best]))
            best = (int)i;
    }
    return best;
}

static int by_value(const void *a, const void *b)
{
    double x = ((const struct calibrate_point *)a)->value;
    double y = ((const struct calibrate_point *)b)->value;
    return (x > y) - (x < y);
}

static int cheapest_proven(const struct calibration *c);

/* ---- the search ---- */

/* New points at `values`, each with p->reps replications, judged. */
static bool evaluate(const struct calibrate_params *p, struct calibration *c,
                     const double *values, size_t count, char *err, size_t n)
{
    size_t first = c->n;
    for (size_t i = 0; i < count; i++) {
        char text[64];
        calibrate_value_text(values[i], text, sizeof text);
        c->points[c->n++] = (struct calibrate_point){
            .value = strtod(text, NULL), .complete = true};
    }
    if (!add_reps(p, c, first, count, p->reps, err, n))
        return false;
    for (size_t i = first; i < c->n; i++)
        judge(p, &c->points[i]);
    return true;
}

/* `count` values log-spaced strictly between a and b. */
static size_t between(double a, double b, size_t count, double *out)
{
    for (size_t i = 0; i < count; i++)
        out[i] = a * pow(b / a, (double)(i + 1) / (double)(count + 1));
    return count;
}

/* Around the cheapest value that may hold: towards a cheaper neighbour
 * (a boundary of the constraints lies between), or both ways when it is
 * the cheapest of the three. */
static bool refine(const struct calibrate_params *p, struct calibration *c,
                   char *err, size_t n)
{
    int best = cheapest_proven(c);
    if (best < 0)
        best = cheapest_candidate(c);
    if (best < 0)
        return true;
    const struct calibrate_point *mid = &c->points[best];
    const struct calibrate_point *lo = best > 0 ? mid - 1 : NULL;
    const struct calibrate_point *hi = (size_t)best + 1 < c->n ? mid + 1
                                                               : NULL;
    bool lo_cheaper = lo && cheaper(lo, mid);
    bool hi_cheaper = hi && cheaper(hi, mid);
    bool minimum = !lo_cheaper && !hi_cheaper;
    bool down = lo && (lo_cheaper || minimum);
    bool up = hi && (hi_cheaper || minimum);
    double values[CALIBRATE_REFINE];
    size_t k = 0, each = down && up ? CALIBRATE_REFINE / 2 : CALIBRATE_REFINE;
    if (down)
        k += between(lo->value, mid->value, each, values + k);
    if (up)
        k += between(mid->value, hi->value, each, values + k);
    if (!evaluate(p, c, values, k, err, n))
        return false;
    qsort(c->points, c->n, sizeof c->points[0], by_value);
    return true;
}

/* ---- the evidence loop ---- */

/* The cheapest value proven to hold; -1 if none. */
static int cheapest_proven(const struct calibration *c)
{
    int best = -1;
    for (size_t i = 0; i < c->n; i++)
        if (c->points[i].verdict == VERDICT_HOLDS &&
            (best < 0 || cheaper(&c->points[i], &c->points[best])))
            best = (int)i;
    return best;
}

/* The value to add evidence to, given `left` runs of budget; -1: none.
 * Until a value is proven: the cheapest undecided one that a quarter of
 * what is left can decide, else the one that what is left decides with
 * the fewest runs — so that a value near its limit, whose decision takes
 * many runs (and more as its evidence grows), does not spend the budget
 * before anything is proven. Then, of
 * the undecided values cheaper than the proven one, the dearest: the
 * surest improvement first (near a limit, the cheaper a value the more
 * evidence it takes). Values whose decision needs more than `left` are
 * passed over. */
static int next_to_decide(struct calibration *c, double left)
{
    int proven = cheapest_proven(c), easy = -1, fewest = -1, nearest = -1;
    double fewest_need = INFINITY;
    for (size_t i = 0; i < c->n; i++) {
        struct calibrate_point *pt = &c->points[i];
        if (pt->verdict != VERDICT_UNDECIDED || pt->passed_over ||
            (proven >= 0 && !cheaper(pt, &c->points[proven])))
            continue;
        double need = ceil(pt->reps_to_decide) - pt->reps;
        if (!(need <= left)) {
            pt->passed_over = true;
            continue;
        }
        if (need < fewest_need) {
            fewest_need = need;
            fewest = (int)i;
        }
        if (need <= left / 4 && (easy < 0 || cheaper(pt, &c->points[easy])))
            easy = (int)i;
        if (nearest < 0 || cheaper(&c->points[nearest], pt))
            nearest = (int)i;
    }
    if (proven >= 0)
        return nearest;
    return easy >= 0 ? easy : fewest;
}

/* Adds evidence to the next value to decide; false when there is none,
 * or no budget left. */
static bool add_evidence(const struct calibrate_params *p,
                         struct calibration *c, bool *ok, char *err,
                         size_t n)
{
    double left = floor((p->budget - c->spent - c->reserved) / p->duration +
                        1e-9);
    int next = c->stopped ? -1 : next_to_decide(c, left);
    if (next < 0)
        return false;
    struct calibrate_point *pt = &c->points[next];
    double needed = fmax(ceil(pt->reps_to_decide) - pt->reps, 1);
    double more = fmin(needed, (GROWTH - 1) * (double)pt->reps);
    *ok = add_reps(p, c, (size_t)next, 1, (unsigned)more, err, n);
    if (*ok)
        judge(p, pt);
    return *ok;
}

/* Adds evidence until a value is proven (`until_proven`) or nothing is
 * left to decide. */
static bool evidence(const struct calibrate_params *p, struct calibration *c,
                     bool until_proven, char *err, size_t n)
{
    bool ok = true;
    while (ok && !(until_proven && cheapest_proven(c) >= 0) &&
           add_evidence(p, c, &ok, err, n))
        ;
    return ok;
}

/* Whether a value that could still beat the answer is left undecided:
 * the budget was not enough. */
static bool short_of_budget(const struct calibration *c)
{
    int proven = cheapest_proven(c);
    for (size_t i = 0; i < c->n; i++) {
        const struct calibrate_point *pt = &c->points[i];
        if (pt->verdict == VERDICT_UNDECIDED &&
            (proven < 0 || cheaper(pt, &c->points[proven])))
            return true;
    }
    return false;
}

bool calibrate_run(const struct calibrate_params *p, struct calibration *out,
                   char *err, size_t n)
{
    memset(out, 0, sizeof *out);
    out->recommended = -1;
    out->spent = p->spent;
    double grid[CALIBRATE_GRID];
    for (size_t i = 0; i < CALIBRATE_GRID; i++)
        grid[i] = grid_value(p->lo, p->hi, i, CALIBRATE_GRID, true);
    /* the grid, until a value is proven; then finer values around it,
     * and what evidence is left for the values that may beat it */
    out->reserved = (double)CALIBRATE_REFINE * p->reps * p->duration;
    bool ok = evaluate(p, out, grid, CALIBRATE_GRID, err, n) &&
              evidence(p, out, true, err, n);
    /* what the search passed over with the refinement's share held back
     * may fit what is left after it */
    out->reserved = 0;
    for (size_t i = 0; i < out->n; i++)
        out->points[i].passed_over = false;
    if (ok && !out->stopped)
        ok = refine(p, out, err, n) && evidence(p, out, false, err, n);
    if (ok && !out->stopped) {
        out->recommended = cheapest_proven(out);
        out->budget_spent = short_of_budget(out);
    }
    return ok;
}

void calibration_free(struct calibration *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->points[i].runs);
    c->n = 0;
}
