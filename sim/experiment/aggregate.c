/*
 * aggregate.c — see aggregate.h.
 */
#include "experiment/aggregate.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void aggregate_values(const double *values, size_t n, double *mean,
                      double *half_width)
{
    double sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(values[i])) {
            sum += values[i];
            k++;
        }
    *mean = k ? sum / (double)k : NAN;
    *half_width = NAN;
    if (k < 2)
        return;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(values[i]))
            ss += (values[i] - *mean) * (values[i] - *mean);
    double sd = sqrt(ss / (double)(k - 1));
    *half_width = gsl_cdf_tdist_Pinv(0.975, (double)(k - 1)) * sd /
                  sqrt((double)k);
}

void aggregate_summaries(const struct run_summary *const *runs, size_t n,
                         struct aggregate *out)
{
    const struct run_summary *first = runs[0];
    double *values = malloc(n * sizeof *values);
    out->n = n;
    out->mean = *first;
    out->ci95 = *first;
    out->total = *first;
    double collapsed = 0;
    for (size_t i = 0; i < n; i++)
        collapsed += summary_get(runs[i], "collapsed") > 0;
    out->collapsed_share = collapsed / (double)n;
    out->bimodal = collapsed > 0 && collapsed < (double)n;
    for (size_t m = 0; m < first->n; m++) {
        /* every run of one policy has the same paths in the same order */
        for (size_t i = 0; values && i < n; i++)
            values[i] = runs[i]->values[m].value;
        double mean = NAN, hw = NAN, sum = 0;
        if (values)
            aggregate_values(values, n, &mean, &hw);
        for (size_t i = 0; values && i < n; i++)
            sum += isnan(values[i]) ? 0 : values[i];
        out->mean.values[m].value = mean;
        out->total.values[m].value = values ? sum : NAN;
        out->ci95.values[m].value = out->bimodal ? NAN : hw;
    }
    free(values);
}

bool aggregate_policy_result(const struct policy_result *pr,
                             struct aggregate *out)
{
    const struct run_summary **runs =
        pr->n_done ? malloc(pr->n_done * sizeof *runs) : NULL;
    if (!runs) {
        memset(out, 0, sizeof *out);
        return false;
    }
    for (unsigned k = 0; k < pr->n_done; k++)
        runs[k] = &pr->reps[k].summary;
    aggregate_summaries(runs, pr->n_done, out);
    free(runs);
    return true;
}
