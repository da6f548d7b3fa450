/*
 * proportion.c — see proportion.h.
 */
#include "experiment/proportion.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

#define MAX_TRIALS 1e15

static bool valid(double k, double n)
{
    return n > 0 && k >= 0 && k <= n && isfinite(n);
}

/* The x in [0, 1] at which the Beta(a, b) CDF reaches p (it rises from 0
 * to 1): bisection, 200 halvings. */
static double beta_quantile(double p, double a, double b)
{
    double lo = 0, hi = 1;
    for (int i = 0; i < 200 && hi > lo; i++) {
        double mid = 0.5 * (lo + hi);
        if (gsl_cdf_beta_P(mid, a, b) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

void proportion_interval(double k, double n, double level, double *lo,
                         double *hi)
{
    if (!valid(k, n)) {
        *lo = *hi = NAN;
        return;
    }
    double tail = (1 - level) / 2;
    *lo = k > 0 ? beta_quantile(tail, k, n - k + 1) : 0;
    *hi = k < n ? beta_quantile(1 - tail, k + 1, n - k) : 1;
}

/* The upper end is where the CDF of Beta(k + 1, n - k) reaches 1 - tail;
 * the CDF rises, so the end is at or below limit iff the CDF at limit has
 * reached it. Likewise for the lower end with Beta(k, n - k + 1). */
bool proportion_at_most(double k, double n, double limit, double level)
{
    if (!valid(k, n) || k >= n)
        return valid(k, n) && limit >= 1;
    double tail = (1 - level) / 2;
    return gsl_cdf_beta_P(limit, k + 1, n - k) >= 1 - tail;
}

bool proportion_above(double k, double n, double limit, double level)
{
    if (!valid(k, n) || k <= 0)
        return valid(k, n) && limit < 0;
    double tail = (1 - level) / 2;
    return gsl_cdf_beta_P(limit, k, n - k + 1) < tail;
}

static bool decided(double rate, double trials, double limit, double level,
                    bool below)
{
    double k = rate * trials;
    return below ? proportion_at_most(k, trials, limit, level)
                 : proportion_above(k, trials, limit, level);
}

double proportion_trials_to_decide(double k, double n, double limit,
                                   double level)
{
    if (!valid(k, n))
        return INFINITY;
    double rate = k / n;
    if (rate == limit)
        return INFINITY;
    bool below = rate < limit;
    if (decided(rate, n, limit, level, below))
        return n;
    /* the interval narrows as trials grow at a fixed rate: double until
     * decided, then halve the gap down to 0.5 % */
    double lo = n, hi = 2 * n;
    while (!decided(rate, hi, limit, level, below)) {
        lo = hi;
        hi *= 2;
        if (hi > MAX_TRIALS)
            return INFINITY;
    }
    while (hi - lo > 0.005 * hi) {
        double mid = 0.5 * (lo + hi);
        if (decided(rate, mid, limit, level, below))
            hi = mid;
        else
            lo = mid;
    }
    return ceil(hi);
}
