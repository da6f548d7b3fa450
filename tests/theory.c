/*
 * theory.c — see theory.h.
 */
#include "theory.h"

double mmc_mean_response(int c, double lambda, double s)
{
    double a = lambda * s;
    double term = 1, below = 0;          /* a^k / k!, summed for k < c */
    for (int k = 0; k < c; k++) {
        below += term;
        term *= a / (k + 1);
    }
    double top = term * c / (c - a);     /* a^c / c! · c / (c − a) */
    double p_wait = top / (below + top); /* Erlang C */
    return s + p_wait * s / (c - a);
}

double usl_capacity(double n, double sigma, double kappa)
{
    return n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}
