/*
 * fit.c — see fit.h.
 */
#include "kernel/fit.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

void fit_summarize(const double *sorted, size_t n, struct sample_summary *out)
{
    out->n = n;
    out->mean = gsl_stats_mean(sorted, 1, n);
    double sd = gsl_stats_sd_m(sorted, 1, n, out->mean);
    out->cv = out->mean > 0 ? sd / out->mean : 0;
    out->min = sorted[0];
    out->max = sorted[n - 1];
}

double fit_sample_quantile(const double *sorted, size_t n, double p)
{
    return gsl_stats_quantile_from_sorted_data(sorted, 1, n, p);
}

/* mean(ln x) and the mean of (ln x - that)^2. */
static void log_moments(const double *x, size_t n, double *m, double *v)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += log(x[i]);
    *m = sum / (double)n;
    double ss = 0;
    for (size_t i = 0; i < n; i++) {
        double d = log(x[i]) - *m;
        ss += d * d;
    }
    *v = ss / (double)n;
}

/* Solves ln k - psi(k) = s (> 0) for the shape k. */
static double gamma_shape(double s)
{
    double k = (3 - s + sqrt((s - 3) * (s - 3) + 24 * s)) / (12 * s);
    for (int i = 0; i < 50; i++) {
        double f = log(k) - gsl_sf_psi(k) - s;
        double df = 1 / k - gsl_sf_psi_1(k);
        double next = k - f / df;
        if (!(next > 0))
            next = k / 2;
        if (fabs(next - k) <= 1e-12 * k)
            return next;
        k = next;
    }
    return k;
}

double fit_cdf(const struct fit_result *f, double x)
{
    return f->model == FIT_LOGNORMAL ? gsl_cdf_lognormal_P(x, f->a, f->b)
                                     : gsl_cdf_gamma_P(x, f->a, f->b);
}

double fit_quantile(const struct fit_result *f, double p)
{
    return f->model == FIT_LOGNORMAL ? gsl_cdf_lognormal_Pinv(p, f->a, f->b)
                                     : gsl_cdf_gamma_Pinv(p, f->a, f->b);
}

/* sup |F_n - F|: at each sample the empirical CDF jumps from i/n to
 * (i + 1)/n, so both sides of the jump are compared. */
static double ks_distance(const struct fit_result *f, const double *sorted,
                          size_t n)
{
    double d = 0;
    for (size_t i = 0; i < n; i++) {
        double F = fit_cdf(f, sorted[i]);
        d = fmax(d, fmax(F - (double)i / (double)n,
                         (double)(i + 1) / (double)n - F));
    }
    return d;
}

bool fit_model(enum fit_model model, const double *sorted, size_t n,
               struct fit_result *out)
{
    if (n < 2 || !(sorted[0] > 0) || sorted[0] == sorted[n - 1])
        return false;
    out->model = model;
    double m, v;
    log_moments(sorted, n, &m, &v);
    if (model == FIT_LOGNORMAL) {
        out->a = m;
        out->b = sqrt(v);
        out->mean = exp(m + v / 2);
        out->cv = sqrt(expm1(v));
    } else {
        double mean = gsl_stats_mean(sorted, 1, n);
        out->a = gamma_shape(log(mean) - m);
        out->b = mean / out->a;
        out->mean = mean;
        out->cv = 1 / sqrt(out->a);
    }
    out->ks = ks_distance(out, sorted, n);
    return true;
}

double fit_ks_bound(size_t n) { return 1.36 / sqrt((double)n); }
