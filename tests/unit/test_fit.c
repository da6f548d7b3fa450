/*
 * test_fit.c — fitting measured samples (sim/kernel/fit.c) and `stampede
 * fit`. Estimates are checked against the parameters the samples were
 * drawn with, within four standard errors of the maximum-likelihood
 * estimate (fixed seeds: the checks are deterministic; four, not three,
 * because each test makes several comparisons).
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_psi.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runs.h"
#include "../support.h"
#include "kernel/dist.h"
#include "kernel/fit.h"
#include "kernel/rng.h"

#define N 20000

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double *draw(double (*f)(gsl_rng *), const char *stream)
{
    gsl_rng *r = rng_stream_create(7, 0, stream);
    double *x = malloc(N * sizeof *x);
    for (int i = 0; i < N; i++)
        x[i] = f(r);
    gsl_rng_free(r);
    qsort(x, N, sizeof *x, by_value);
    return x;
}

/* ln X ~ N(-4, 0.8^2): X has median 18.3 ms */
static double lognormal(gsl_rng *r) { return gsl_ran_lognormal(r, -4, 0.8); }
/* shape 2.5, scale 8 ms */
static double gamma_draw(gsl_rng *r) { return gsl_ran_gamma(r, 2.5, 0.008); }

/* The lognormal MLE is the mean and sd of ln x: standard errors
 * sigma/sqrt(n) and sigma/sqrt(2n). */
START_TEST(lognormal_samples_give_back_their_parameters)
{
    double *x = draw(lognormal, "fit-lognormal");
    struct fit_result f, g;
    ck_assert(fit_model(FIT_LOGNORMAL, x, N, &f));
    ck_assert(fit_model(FIT_GAMMA, x, N, &g));
    ck_assert_double_le(fabs(f.a - -4), 4 * 0.8 / sqrt(N));
    ck_assert_double_le(fabs(f.b - 0.8), 4 * 0.8 / sqrt(2.0 * N));
    ck_assert_double_eq_tol(f.mean, exp(f.a + f.b * f.b / 2), 1e-15);
    ck_assert_double_eq_tol(f.cv, sqrt(expm1(f.b * f.b)), 1e-12);
    /* the right model is within the 5 % bound; a gamma, whose tail is
     * too light for these samples, far beyond it */
    ck_assert_double_lt(f.ks, fit_ks_bound(N));
    ck_assert_double_gt(g.ks, 2 * fit_ks_bound(N));
    free(x);
}
END_TEST

/* The gamma shape MLE has variance 1 / (n (psi'(k) - 1/k)) (the inverse
 * Fisher information with the scale profiled out). */
START_TEST(gamma_samples_give_back_their_parameters)
{
    double *x = draw(gamma_draw, "fit-gamma");
    struct fit_result f, l;
    ck_assert(fit_model(FIT_GAMMA, x, N, &f));
    ck_assert(fit_model(FIT_LOGNORMAL, x, N, &l));
    double se = 1 / sqrt(N * (gsl_sf_psi_1(2.5) - 1 / 2.5));
    ck_assert_msg(fabs(f.a - 2.5) <= 4 * se, "shape %g, se %g", f.a, se);
    /* the MLE keeps the sample mean: scale = mean / shape */
    double mean = 0;
    for (int i = 0; i < N; i++)
        mean += x[i] / N;
    ck_assert_double_eq_tol(f.a * f.b, mean, 1e-12);
    ck_assert_double_eq_tol(f.cv, 1 / sqrt(f.a), 1e-12);
    ck_assert_double_lt(f.ks, fit_ks_bound(N));
    ck_assert_double_gt(l.ks, f.ks);
    /* the quantile and the cdf are inverses */
    for (double p = 0.1; p < 1; p += 0.2)
        ck_assert_double_eq_tol(fit_cdf(&f, fit_quantile(&f, p)), p, 1e-9);
    free(x);
}
END_TEST

START_TEST(nothing_to_fit)
{
    double zero[] = {0, 1, 2};
    double same[] = {3, 3, 3};
    struct fit_result f;
    ck_assert(!fit_model(FIT_LOGNORMAL, zero, 3, &f));
    ck_assert(!fit_model(FIT_GAMMA, same, 3, &f));
    ck_assert(!fit_model(FIT_GAMMA, same, 1, &f));
}
END_TEST

/* The command: the table, and a snippet that loads as the fitted
 * distribution. */
START_TEST(the_command_prints_a_snippet_that_loads)
{
    char *tmp = make_temp_dir();
    double *x = draw(lognormal, "fit-lognormal");
    size_t cap = 24 * N + 32, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text, cap, "latency_ms\n");
    for (int i = 0; i < N; i++)
        len += (size_t)snprintf(text + len, cap - len, "%.6f\n", x[i] * 1000);
    char *file = write_text_file(tmp, "lat.txt", text);
    char *png = path_in(tmp, "qq.png");
    const char *args[] = {"fit", file, "--unit", "ms", "--plot", png, NULL};
    struct cmd_result r = run_stampede(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert(strstr(r.out, "20000 samples from"));
    ck_assert(strstr(r.out, "lognormal fits better"));
    const char *snippet = strstr(r.out, "{\"dist\": \"lognormal\"");
    ck_assert_ptr_nonnull(snippet);
    char spec[256];
    snprintf(spec, sizeof spec, "{\"d\": %.*s}",
             (int)(strchr(snippet, '\n') - snippet), snippet);
    struct cfg cfg;
    struct dist d = test_dist(spec, &cfg);
    struct fit_result f;
    ck_assert(fit_model(FIT_LOGNORMAL, x, N, &f));
    /* printed with 4 significant digits */
    ck_assert_double_eq_tol(d.mean, f.mean, 1e-3 * f.mean);
    ck_assert_double_eq_tol(dist_cv(&d), f.cv, 1e-3 * f.cv);
    cfg_free(&cfg);
    uint32_t w, h;
    test_png_size(png, &w, &h);
    ck_assert_uint_eq(w, 900);
    char *data = path_in(tmp, "qq.csv");
    char *qq = read_text_file(data, NULL);
    ck_assert(qq && strncmp(qq, "p,samples,lognormal,gamma\n", 26) == 0);
    free(qq);
    free(data);
    cmd_result_free(&r);

    /* bad input: exit 2, the place */
    free(write_text_file(tmp, "bad.txt", "1\n2\nthree\n"));
    char *bad = path_in(tmp, "bad.txt");
    const char *b[] = {"fit", bad, NULL};
    r = run_stampede(b);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "bad.txt:3:1: expected a number"), "%s", r.err);
    cmd_result_free(&r);
    free(write_text_file(tmp, "zero.txt", "0\n2\n"));
    char *zero = path_in(tmp, "zero.txt");
    const char *z[] = {"fit", zero, NULL};
    r = run_stampede(z);
    ck_assert_int_eq(r.status, 2);
    ck_assert(strstr(r.err, "every sample must be above 0"));
    cmd_result_free(&r);
    const char *u[] = {"fit", zero, "--unit", "weeks", NULL};
    r = run_stampede(u);
    ck_assert_int_eq(r.status, 2);
    ck_assert(strstr(r.err, "--unit: expected ns, us, ms, s, m or h"));
    cmd_result_free(&r);
    free(zero);
    free(bad);
    free(png);
    free(file);
    free(text);
    free(x);
    remove_tree(tmp);
    free(tmp);
}
END_TEST

TEST_SUITE(fit_suite)
{
    Suite *s = suite_create("fit");
    TCase *tc = tcase_create("fit");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, lognormal_samples_give_back_their_parameters);
    tcase_add_test(tc, gamma_samples_give_back_their_parameters);
    tcase_add_test(tc, nothing_to_fit);
    tcase_add_test(tc, the_command_prints_a_snippet_that_loads);
    suite_add_tcase(s, tc);
    return s;
}
