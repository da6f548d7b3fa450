/*
 * fit.h — fitting a lognormal and a gamma distribution to samples (a
 * recompute time, a query latency), by maximum likelihood, and measuring
 * how well each fits: the Kolmogorov–Smirnov distance, the largest gap
 * between the samples' empirical CDF and the model's.
 *
 *   lognormal  mu and sigma are the mean and the standard deviation (1/n)
 *              of ln x: the MLE in closed form;
 *   gamma      the shape k solves ln k - digamma(k) = ln(mean x) -
 *              mean(ln x) (Newton's method from Minka's closed-form start),
 *              and the scale is mean x / k.
 *
 * Both need every sample > 0.
 */
#ifndef STAMPEDE_FIT_H
#define STAMPEDE_FIT_H

#include <stdbool.h>
#include <stddef.h>

enum fit_model { FIT_LOGNORMAL, FIT_GAMMA, N_FIT_MODELS };

struct fit_result {
    enum fit_model model;
    double a, b;        /* lognormal: mu, sigma; gamma: shape, scale */
    double mean, cv;
    double ks;          /* Kolmogorov–Smirnov distance to the samples */
};

/* The samples' own numbers. */
struct sample_summary {
    size_t n;
    double mean, cv, min, max;
};

/* `sorted` holds n >= 2 samples in increasing order. */
void fit_summarize(const double *sorted, size_t n, struct sample_summary *out);

/* False if a sample is <= 0 or all are equal (nothing to fit). */
bool fit_model(enum fit_model model, const double *sorted, size_t n,
               struct fit_result *out);

/* The fitted model's p-quantile (0 < p < 1) and CDF. */
double fit_quantile(const struct fit_result *f, double p);
double fit_cdf(const struct fit_result *f, double x);

/* The samples' p-quantile (linear between order statistics, as the
 * empirical distribution draws them). */
double fit_sample_quantile(const double *sorted, size_t n, double p);

/* The distance below which the samples do not reject the model at the 5 %
 * level, 1.36 / sqrt(n) (the asymptotic Kolmogorov bound; with parameters
 * fitted on the same samples the true bound is smaller, so a distance
 * above it is a rejection, one below it only a guide). */
double fit_ks_bound(size_t n);

#endif
