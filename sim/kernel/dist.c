/*
 * dist.c — distribution specs: parsing, parameters, quantiles. See dist.h.
 */
#include "kernel/dist.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kernel/strutil.h"

const char *const DIST_KIND_NAMES[] = {
    "constant", "exponential", "lognormal", "gamma",     "uniform",
    "weibull",  "pareto",      "empirical", "buckets",   NULL,
};

/* The parametric keys, then those of the distributions from data. */
static const char *const SPEC_KEYS[] = {
    "dist", "mean", "cv", "min", "max", "p50", "p99", "alpha",
    "file", "samples", "unit", "le", "count", "cumulative", NULL,
};
#define FIRST_DATA_KEY 8

static bool from_data(enum dist_kind kind)
{
    return kind == DIST_EMPIRICAL || kind == DIST_BUCKETS;
}

/* The two keys of each form, and which forms each kind accepts. */
static const char *const FORM_KEYS[][2] = {
    [DIST_BY_MEAN] = {"mean", NULL},
    [DIST_BY_MEAN_CV] = {"mean", "cv"},
    [DIST_BY_MIN_MAX] = {"min", "max"},
    [DIST_BY_P50_P99] = {"p50", "p99"},
    [DIST_BY_MIN_ALPHA] = {"min", "alpha"},
};

#define NO_FORM (-1)
static const int KIND_FORMS[][2] = {
    [DIST_CONSTANT] = {DIST_BY_MEAN, NO_FORM},
    [DIST_EXPONENTIAL] = {DIST_BY_MEAN, NO_FORM},
    [DIST_LOGNORMAL] = {DIST_BY_MEAN_CV, DIST_BY_P50_P99},
    [DIST_GAMMA] = {DIST_BY_MEAN_CV, NO_FORM},
    [DIST_UNIFORM] = {DIST_BY_MIN_MAX, NO_FORM},
    [DIST_WEIBULL] = {DIST_BY_MEAN_CV, NO_FORM},
    [DIST_PARETO] = {DIST_BY_MEAN_CV, DIST_BY_MIN_ALPHA},
    [DIST_EMPIRICAL] = {NO_FORM, NO_FORM},
    [DIST_BUCKETS] = {NO_FORM, NO_FORM},
};

/* A Weibull's cv below 0.01 needs a shape past the search of
 * weibull_shape; above 8 its median falls under 1 % of its mean (see
 * DIST_CV_MAX). */
#define WEIBULL_CV_MIN 0.01
#define WEIBULL_CV_MAX 8.0

struct dist dist_constant(double seconds)
{
    struct dist d = {0};
    d.kind = DIST_CONSTANT;
    d.form = DIST_BY_MEAN;
    d.bare = true;
    d.spec[0] = d.mean = seconds;
    return d;
}

static double weibull_cv(double shape)
{
    double l1 = gsl_sf_lngamma(1 + 1 / shape);
    double l2 = gsl_sf_lngamma(1 + 2 / shape);
    return sqrt(expm1(l2 - 2 * l1));
}

/* The Weibull shape whose cv is `cv` (cv decreases with the shape). */
static double weibull_shape(double cv)
{
    double lo = log(0.05), hi = log(500.0);
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (weibull_cv(exp(mid)) > cv)
            lo = mid;
        else
            hi = mid;
    }
    return exp(0.5 * (lo + hi));
}

/* Derives the sampler's parameters and the mean from kind, form, spec. */
static void derive(struct dist *d)
{
    double x = d->spec[0], y = d->spec[1];
    switch (d->kind) {
    case DIST_CONSTANT:
    case DIST_EXPONENTIAL:
        d->mean = x;
        break;
    case DIST_LOGNORMAL:
        if (d->form == DIST_BY_MEAN_CV) {
            d->b = sqrt(log1p(y * y));
            d->a = log(x) - d->b * d->b / 2;
        } else {
            d->a = log(x);
            d->b = (log(y) - log(x)) / gsl_cdf_ugaussian_Pinv(0.99);
        }
        d->mean = exp(d->a + d->b * d->b / 2);
        break;
    case DIST_GAMMA:
        d->a = 1 / (y * y);
        d->b = x * y * y;
        d->mean = x;
        break;
    case DIST_UNIFORM:
        d->a = x;
        d->b = y;
        d->mean = (x + y) / 2;
        break;
    case DIST_WEIBULL:
        d->b = weibull_shape(y);
        d->a = x / gsl_sf_gamma(1 + 1 / d->b);
        d->mean = x;
        break;
    case DIST_PARETO:
        if (d->form == DIST_BY_MEAN_CV) {
            d->a = 1 + sqrt(1 + 1 / (y * y));
            d->b = x * (d->a - 1) / d->a;
        } else {
            d->a = y;
            d->b = x;
        }
        d->mean = d->a * d->b / (d->a - 1);
        break;
    case DIST_EMPIRICAL:
    case DIST_BUCKETS:
        d->mean = dist_data_mean(d->data);
        break;
    }
}

/* GSL's inverse of the gamma CDF fails to converge (NaN) for shapes far
 * from 1 (cv 0.003 in its upper tail, cv 3 in its lower); the CDF itself
 * holds, so the quantile is then found by bisection on it, in log space
 * (200 halvings of the doubles' exponent range: exact to the last bit
 * that matters). */
static double gamma_quantile(double p, double a, double b)
{
    double q = gsl_cdf_gamma_Pinv(p, a, b);
    if (isfinite(q))
        return q;
    double lo = -745, hi = log(DBL_MAX);   /* log of the smallest double */
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (gsl_cdf_gamma_P(exp(mid), a, b) < p)
            lo = mid;
        else
            hi = mid;
    }
    return exp(0.5 * (lo + hi));
}

double dist_quantile(const struct dist *d, double p)
{
    switch (d->kind) {
    case DIST_CONSTANT: return d->mean;
    case DIST_EXPONENTIAL: return gsl_cdf_exponential_Pinv(p, d->mean);
    case DIST_LOGNORMAL: return gsl_cdf_lognormal_Pinv(p, d->a, d->b);
    case DIST_GAMMA: return gamma_quantile(p, d->a, d->b);
    case DIST_UNIFORM: return gsl_cdf_flat_Pinv(p, d->a, d->b);
    case DIST_WEIBULL: return gsl_cdf_weibull_Pinv(p, d->a, d->b);
    case DIST_PARETO: return gsl_cdf_pareto_Pinv(p, d->a, d->b);
    case DIST_EMPIRICAL:
    case DIST_BUCKETS: return dist_data_quantile(d->data, p);
    }
    return d->mean;
}

double dist_cv(const struct dist *d)
{
    switch (d->kind) {
    case DIST_CONSTANT: return 0;
    case DIST_EXPONENTIAL: return 1;
    case DIST_LOGNORMAL: return sqrt(expm1(d->b * d->b));
    case DIST_GAMMA: return 1 / sqrt(d->a);
    case DIST_UNIFORM:
        return d->mean > 0 ? (d->b - d->a) / sqrt(12.0) / d->mean : 0;
    case DIST_WEIBULL: return weibull_cv(d->b);
    case DIST_PARETO:
        return d->a > 2 ? 1 / sqrt(d->a * (d->a - 2)) : INFINITY;
    case DIST_EMPIRICAL:
    case DIST_BUCKETS: return dist_data_cv(d->data);
    }
    return 0;
}

/* "a lognormal", "an exponential" */
static const char *article(enum dist_kind kind)
{
    return kind == DIST_EXPONENTIAL || kind == DIST_EMPIRICAL ? "an" : "a";
}

/* Which of the kind's forms the present keys select; reports an error and
 * returns NO_FORM when none or a mix is given. */
static int choose_form(const struct cfg_obj *o, enum dist_kind kind)
{
    const int *forms = KIND_FORMS[kind];
    int chosen = NO_FORM;
    for (int i = 0; i < 2 && forms[i] != NO_FORM && chosen == NO_FORM; i++) {
        const char *const *keys = FORM_KEYS[forms[i]];
        if (cfg_has(o, keys[0]) && (!keys[1] || cfg_has(o, keys[1])))
            chosen = forms[i];
    }
    char need[96] = "";
    for (int i = 0; i < 2 && forms[i] != NO_FORM; i++) {
        const char *const *keys = FORM_KEYS[forms[i]];
        size_t len = strlen(need);
        snprintf(need + len, sizeof need - len, "%s%s%s%s", i ? ", or " : "",
                 keys[0], keys[1] ? " and " : "", keys[1] ? keys[1] : "");
    }
    if (chosen == NO_FORM) {
        cfg_error(o->cfg, o->path, "%s %s distribution needs %s",
                  article(kind), DIST_KIND_NAMES[kind], need);
        return NO_FORM;
    }
    const char *const *keys = FORM_KEYS[chosen];
    for (const char *const *k = SPEC_KEYS + 1; *k; k++) {
        bool used = strcmp(*k, keys[0]) == 0 || (keys[1] && !strcmp(*k, keys[1]));
        if (!used && cfg_has(o, *k)) {
            char path[CFG_PATH_MAX];
            cfg_path_key(path, o->path, *k);
            cfg_error(o->cfg, path, "%s %s distribution takes %s, not %s",
                      article(kind), DIST_KIND_NAMES[kind], need, *k);
            return NO_FORM;
        }
    }
    return chosen;
}

/* A duration no draw can fall under or over (see DIST_MIN_SECONDS): 0
 * where `zero` allows it, else from 1 ns, and at most 10^7 s. */
static bool bounded_duration(struct cfg *cfg, const char *path, double v,
                             bool zero)
{
    if (v == 0 && zero)
        return true;
    if (v >= DIST_MIN_SECONDS && v <= DIST_MAX_SECONDS)
        return true;
    if (v > DIST_MAX_SECONDS)
        cfg_error(cfg, path, "%g s is longer than any run (at most 1e+07 s, "
                  "116 days)", v);
    else
        cfg_error(cfg, path, "%g s is below 1ns, the shortest duration the "
                  "simulated clock tells from 0%s", v,
                  zero ? " (give 0 for none)" : "");
    return false;
}

/* Member `key` of o, a duration within the bounds above. */
static bool spec_duration(const struct cfg_obj *o, const char *key,
                          double *out, bool zero)
{
    if (!cfg_duration(o, key, out, 0, zero ? CFG_NONNEG : CFG_POSITIVE))
        return false;
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, key);
    return bounded_duration(o->cfg, path, *out, zero);
}

/* The cv a kind given by mean and cv takes. */
static struct cfg_range cv_range(enum dist_kind kind)
{
    if (kind == DIST_WEIBULL)
        return CFG_BETWEEN(WEIBULL_CV_MIN, WEIBULL_CV_MAX);
    if (kind == DIST_GAMMA)
        return CFG_BETWEEN(DIST_CV_MIN, DIST_GAMMA_CV_MAX);
    return CFG_BETWEEN(DIST_CV_MIN, DIST_CV_MAX);
}

/* A lognormal by p50 and p99 takes the spread of one by mean and cv: its
 * cv exp(s^2) - 1 with s = ln(p99 / p50) / z99 at most DIST_CV_MAX. */
static bool lognormal_spread_ok(const struct cfg_obj *o, const double *spec)
{
    double z = gsl_cdf_ugaussian_Pinv(0.99);
    double most = exp(z * sqrt(log1p(DIST_CV_MAX * DIST_CV_MAX)));
    if (spec[1] / spec[0] <= most)
        return true;
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, "p99");
    cfg_error(o->cfg, path, "p99 may be at most %.0f times p50 (a "
              "lognormal's cv at most %g), got %.4g times", floor(most),
              DIST_CV_MAX, spec[1] / spec[0]);
    return false;
}

/* Reads the form's two numbers into d->spec and checks them. */
static bool read_spec(const struct cfg_obj *o, struct dist *d)
{
    bool ok = true;
    char path[CFG_PATH_MAX];
    switch (d->form) {
    case DIST_BY_MEAN:
        ok = spec_duration(o, "mean", &d->spec[0], d->kind == DIST_CONSTANT);
        break;
    case DIST_BY_MEAN_CV:
        ok = spec_duration(o, "mean", &d->spec[0], false);
        ok = cfg_number(o, "cv", &d->spec[1], 0, cv_range(d->kind)) && ok;
        break;
    case DIST_BY_MIN_MAX:
        ok = spec_duration(o, "min", &d->spec[0], true);
        ok = spec_duration(o, "max", &d->spec[1], true) && ok;
        if (ok && d->spec[1] < d->spec[0]) {
            cfg_path_key(path, o->path, "max");
            cfg_error(o->cfg, path, "max (%g s) must not be below min (%g s)",
                      d->spec[1], d->spec[0]);
            ok = false;
        }
        break;
    case DIST_BY_P50_P99:
        ok = spec_duration(o, "p50", &d->spec[0], false);
        ok = spec_duration(o, "p99", &d->spec[1], false) && ok;
        if (ok && !(d->spec[1] > d->spec[0])) {
            cfg_path_key(path, o->path, "p99");
            cfg_error(o->cfg, path, "p99 (%g s) must be above p50 (%g s)",
                      d->spec[1], d->spec[0]);
            ok = false;
        }
        ok = ok && lognormal_spread_ok(o, d->spec);
        break;
    case DIST_BY_MIN_ALPHA:
        ok = spec_duration(o, "min", &d->spec[0], false);
        ok = cfg_number(o, "alpha", &d->spec[1], 0,
                        CFG_BETWEEN(DIST_ALPHA_MIN, DIST_ALPHA_MAX)) && ok;
        break;
    case DIST_FROM_DATA:
        break;
    }
    return ok;
}

/* empirical, buckets: no parametric key, then the data. */
static bool parse_data(const struct cfg_obj *o, struct dist d,
                       struct dist *out)
{
    for (const char *const *k = SPEC_KEYS + 1; k < SPEC_KEYS + FIRST_DATA_KEY;
         k++) {
        if (!cfg_has(o, *k))
            continue;
        char path[CFG_PATH_MAX];
        cfg_path_key(path, o->path, *k);
        cfg_error(o->cfg, path, "%s %s distribution is made from data "
                  "(file, samples, le, count), not from %s",
                  article(d.kind), DIST_KIND_NAMES[d.kind], *k);
        return false;
    }
    d.data = dist_data_parse(o, d.kind == DIST_EMPIRICAL ? DATA_EMPIRICAL
                                                         : DATA_BUCKETS);
    if (!d.data)
        return false;
    d.form = DIST_FROM_DATA;
    derive(&d);
    if (!(d.mean <= DIST_MAX_SECONDS) || !isfinite(dist_data_cv(d.data))) {
        cfg_error(o->cfg, o->path, "the data's mean (%g s) or spread is "
                  "beyond any run (values must average at most 1e+07 s)",
                  d.mean);
        return false;
    }
    *out = d;
    return true;
}

/* The last guard: whatever the bounds above let through, the sampler's
 * parameters and the mean are finite numbers (a mistake in the bounds
 * shows here, not as a run of NaN). */
static bool derived_ok(const struct cfg_obj *o, const struct dist *d)
{
    if (isfinite(d->a) && isfinite(d->b) && isfinite(d->mean) &&
        d->mean >= 0 && d->mean <= 2 * DIST_MAX_SECONDS)
        return true;
    cfg_error(o->cfg, o->path, "these parameters give %s %s distribution "
              "with no finite mean", article(d->kind),
              DIST_KIND_NAMES[d->kind]);
    return false;
}

bool dist_parse(const struct cfg_obj *parent, const char *key,
                struct dist *out, const struct dist *def)
{
    *out = *def;
    const cJSON *node = cfg_member(parent, key);
    if (!node)
        return true;
    char path[CFG_PATH_MAX];
    cfg_path_key(path, parent->path, key);
    if (!cJSON_IsObject(node)) {
        double v;
        if (!cfg_node_duration(parent->cfg, node, path, &v, CFG_NONNEG) ||
            !bounded_duration(parent->cfg, path, v, true))
            return false;
        *out = dist_constant(v);
        return true;
    }
    struct cfg_obj o;
    cfg_open(parent->cfg, node, path, &o);
    cfg_check_keys(&o, SPEC_KEYS);
    int kind;
    if (!cfg_has(&o, "dist")) {
        cfg_error(o.cfg, path, "a distribution needs \"dist\" (one of "
                               "constant, exponential, lognormal, gamma, "
                               "uniform, weibull, pareto, empirical, "
                               "buckets)");
        return false;
    }
    if (!cfg_enum(&o, "dist", DIST_KIND_NAMES, &kind, 0))
        return false;
    struct dist d = {0};
    d.kind = (enum dist_kind)kind;
    if (from_data(d.kind))
        return parse_data(&o, d, out);
    int form = choose_form(&o, d.kind);
    if (form == NO_FORM)
        return false;
    d.form = (enum dist_form)form;
    if (!read_spec(&o, &d))
        return false;
    derive(&d);
    if (!derived_ok(&o, &d))
        return false;
    *out = d;
    return true;
}

cJSON *dist_to_json(const struct dist *d)
{
    if (d->bare)
        return cJSON_CreateNumber(d->spec[0]);
    if (d->form == DIST_FROM_DATA)
        return dist_data_to_json(d->data);
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "dist", DIST_KIND_NAMES[d->kind]);
    const char *const *keys = FORM_KEYS[d->form];
    cJSON_AddNumberToObject(o, keys[0], d->spec[0]);
    if (keys[1])
        cJSON_AddNumberToObject(o, keys[1], d->spec[1]);
    return o;
}

void duration_format(double s, char *out, size_t n)
{
    static const struct {
        double below, scale;
        const char *unit;
    } UNITS[] = {
        {1e-6, 1e9, "ns"}, {1e-3, 1e6, "us"}, {1, 1e3, "ms"},
        {120, 1, "s"},     {7200, 1.0 / 60, "m"}, {INFINITY, 1.0 / 3600, "h"},
    };
    if (s == 0 || !isfinite(s)) {
        snprintf(out, n, isfinite(s) ? "0s" : "none");
        return;
    }
    for (size_t i = 0; i < sizeof UNITS / sizeof UNITS[0]; i++) {
        if (fabs(s) < UNITS[i].below) {
            snprintf(out, n, "%.4g%s", s * UNITS[i].scale, UNITS[i].unit);
            return;
        }
    }
}

/* "empirical(n 1000, p50 5ms, p99 41ms, mean 7.2ms)"; a histogram says
 * how much of it lies past its last finite bound (drawn at that bound). */
static void describe_data(const struct dist *d, char *out, size_t n)
{
    struct dist_data_summary s;
    dist_data_summarize(d->data, &s);
    char p50[32], p99[32], mean[32], bound[32], count[48] = "";
    duration_format(dist_quantile(d, 0.5), p50, sizeof p50);
    duration_format(dist_quantile(d, 0.99), p99, sizeof p99);
    duration_format(d->mean, mean, sizeof mean);
    if (s.kind == DATA_BUCKETS)
        snprintf(count, sizeof count, "%zu buckets, ", s.buckets);
    int len = snprintf(out, n, "%s(%sn %.15g, p50 %s, p99 %s, mean %s",
                       DIST_KIND_NAMES[d->kind], count, s.n, p50, p99, mean);
    if (len >= 0 && (size_t)len < n && s.beyond > 0) {
        duration_format(s.last_bound, bound, sizeof bound);
        len += snprintf(out + len, n - (size_t)len, "; %.3g%% above %s, "
                        "drawn at %s", 100 * s.beyond, bound, bound);
    }
    if (len >= 0 && (size_t)len < n)
        snprintf(out + len, n - (size_t)len, ")");
}

void dist_describe(const struct dist *d, char *out, size_t n)
{
    if (d->form == DIST_FROM_DATA) {
        describe_data(d, out, n);
        return;
    }
    char x[32], y[32];
    duration_format(d->spec[0], x, sizeof x);
    duration_format(d->spec[1], y, sizeof y);
    const char *kind = DIST_KIND_NAMES[d->kind];
    switch (d->form) {
    case DIST_BY_MEAN:
        if (d->kind == DIST_CONSTANT)
            snprintf(out, n, "%s", x);
        else
            snprintf(out, n, "%s(mean %s)", kind, x);
        break;
    case DIST_BY_MEAN_CV:
        snprintf(out, n, "%s(mean %s, cv %g)", kind, x, d->spec[1]);
        break;
    case DIST_BY_MIN_MAX:
        snprintf(out, n, "%s(%s..%s)", kind, x, y);
        break;
    case DIST_BY_P50_P99:
        snprintf(out, n, "%s(p50 %s, p99 %s)", kind, x, y);
        break;
    case DIST_BY_MIN_ALPHA:
        snprintf(out, n, "%s(min %s, alpha %g)", kind, x, d->spec[1]);
        break;
    case DIST_FROM_DATA:
        break;
    }
}
