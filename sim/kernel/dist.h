/*
 * dist.h — probability distributions of durations, built from a spec.
 *
 * Every latency, service and think time in a scenario is a distribution.
 * A bare duration ("5ms" or 0.005) means a constant; otherwise an object:
 *
 *   {"dist": "constant",    "mean": D}
 *   {"dist": "exponential", "mean": D}
 *   {"dist": "lognormal",   "mean": D, "cv": x}   or  "p50": D, "p99": D
 *   {"dist": "gamma",       "mean": D, "cv": x}
 *   {"dist": "uniform",     "min": D,  "max": D}
 *   {"dist": "weibull",     "mean": D, "cv": x}
 *   {"dist": "pareto",      "mean": D, "cv": x}   or  "min": D, "alpha": a
 *   {"dist": "empirical",   "file": F, "unit": u} or  "samples": [...]
 *   {"dist": "buckets",     "le": [...], "count": [...]}  or  "file": F
 *
 * D is a duration, cv the coefficient of variation (sd / mean). Sampling
 * uses GSL's gsl_ran_* functions, whose parameters are derived once here,
 * but for the two drawn most: an exponential is -mean ln(u)
 * (rng_exponential), and a lognormal is exp(a + b Z) with Z from GSL's
 * ziggurat Gaussian, which costs a third of gsl_ran_lognormal's polar
 * method. (GSL's gamma draws its Gaussians by the ziggurat too.)
 * Distributions from data are dist_data.h's.
 */
#ifndef STAMPEDE_DIST_H
#define STAMPEDE_DIST_H

#include <cjson/cJSON.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <gsl/gsl_rng.h>
#include <stdbool.h>

#include "kernel/config.h"
#include "kernel/dist_data.h"
#include "kernel/rng.h"

enum dist_kind {
    DIST_CONSTANT,
    DIST_EXPONENTIAL,
    DIST_LOGNORMAL,
    DIST_GAMMA,
    DIST_UNIFORM,
    DIST_WEIBULL,
    DIST_PARETO,
    DIST_EMPIRICAL,     /* samples (dist_data.h) */
    DIST_BUCKETS,       /* a histogram's buckets (dist_data.h) */
};

/* Which two numbers the user gave (kept to write the spec back out). */
enum dist_form {
    DIST_BY_MEAN,       /* constant, exponential: spec[0] = mean */
    DIST_BY_MEAN_CV,    /* spec = mean, cv */
    DIST_BY_MIN_MAX,    /* spec = min, max */
    DIST_BY_P50_P99,    /* spec = p50, p99 */
    DIST_BY_MIN_ALPHA,  /* spec = min, alpha */
    DIST_FROM_DATA,     /* empirical, buckets: see data */
};

struct dist {
    enum dist_kind kind;
    enum dist_form form;
    bool bare;          /* given as a bare duration */
    double spec[2];     /* as given, durations in seconds */
    double a, b;        /* the GSL sampler's parameters */
    double mean;        /* seconds */
    const struct dist_data *data;   /* DIST_FROM_DATA: the numbers (kept
                                       by the cfg that parsed them) */
};

/* The bounds of every parameter, so that what runs is what was written:
 * each draw a duration the simulator can add to its clock, each mean
 * finite and what the draws average to. A parameter outside them is an
 * error naming its field.
 *
 * Durations: 0 (where allowed) or from 1 ns (the smallest unit a
 * duration is written in; near the end of the longest run, 10^7 s, the
 * clock's double steps by 1.9 ns, so anything shorter is lost in its
 * rounding) to 10^7 s (the longest run). */
#define DIST_MIN_SECONDS 1e-9
#define DIST_MAX_SECONDS 1e7
/* cv, for every kind given by mean and cv. Below 0.001 a draw is the
 * mean to a part in a thousand: a constant says so plainly. Above, the
 * bound of each kind keeps its median at about 1 % of its mean or more:
 * past it half the draws are next to nothing and the mean rests on rare
 * giants that a run may never draw (a gamma at cv 10 has its median at
 * 1e-28 of its mean: half the queries take no time). A lognormal's
 * median is mean / sqrt(1 + cv^2): 1 % at cv 100; a gamma's falls to 1 %
 * at cv 3 (shape 1/9), a Weibull's at cv 8.3 (shape 0.25); a Pareto
 * given by mean and cv has alpha > 2, its median above a third of its
 * mean at any cv. */
#define DIST_CV_MIN 1e-3
#define DIST_CV_MAX 100.0
#define DIST_GAMMA_CV_MAX 3.0
/* A Pareto's alpha (min and alpha): its mean min alpha / (alpha - 1)
 * rests on ever rarer draws as alpha falls to 1; at alpha 1.1 a million
 * draws average 29 % below it (the share of the mean above the top
 * millionth is n^((1 - alpha) / alpha)). Above 1000 every draw is min to
 * a part in a thousand: a constant. */
#define DIST_ALPHA_MIN 1.1
#define DIST_ALPHA_MAX 1000.0

/* The words of "dist", NULL-terminated, in the order of enum dist_kind. */
extern const char *const DIST_KIND_NAMES[];

/* A constant distribution (defaults in code). */
struct dist dist_constant(double seconds);

static inline double dist_sample(const struct dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case DIST_CONSTANT: return d->mean;
    case DIST_EXPONENTIAL: return rng_exponential(r, d->mean);
    case DIST_LOGNORMAL:
        return exp(d->a + d->b * gsl_ran_gaussian_ziggurat(r, 1.0));
    case DIST_GAMMA: return gsl_ran_gamma(r, d->a, d->b);
    case DIST_UNIFORM: return gsl_ran_flat(r, d->a, d->b);
    case DIST_WEIBULL: return gsl_ran_weibull(r, d->a, d->b);
    case DIST_PARETO: return gsl_ran_pareto(r, d->a, d->b);
    case DIST_EMPIRICAL:
    case DIST_BUCKETS: return dist_data_quantile(d->data, gsl_rng_uniform(r));
    }
    return d->mean;
}

/* The p-quantile (0 < p < 1), from GSL's inverse CDFs. */
double dist_quantile(const struct dist *d, double p);

/* Coefficient of variation; INFINITY for a Pareto with alpha <= 2. */
double dist_cv(const struct dist *d);

/* Whether the distribution is a constant (draws no random number). */
static inline bool dist_is_constant(const struct dist *d)
{
    return d->kind == DIST_CONSTANT;
}

/* Reads member `key` of o as a distribution spec; absent -> *def. Returns
 * false on error (recorded in o->cfg). */
bool dist_parse(const struct cfg_obj *o, const char *key, struct dist *out,
                const struct dist *def);

/* The spec as JSON (a bare number of seconds for a constant). */
cJSON *dist_to_json(const struct dist *d);

/* "lognormal(mean 5ms, cv 0.5)" and the like, for descriptions. */
void dist_describe(const struct dist *d, char *out, size_t n);

/* Formats seconds with a readable unit: "250us", "5ms", "1.5s", "2m". */
void duration_format(double seconds, char *out, size_t n);

#endif
