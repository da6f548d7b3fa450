/*
 * theory.h — the closed forms the validation tests compare the simulator
 * with, written out here from the queueing literature and never taken
 * from the model's own code.
 */
#ifndef STAMPEDE_TEST_THEORY_H
#define STAMPEDE_TEST_THEORY_H

/* M/M/c: the mean response time (wait plus service) for arrival rate
 * lambda and mean service s on c servers, by Erlang C:
 *     E[T] = s + C(c, a) s / (c - a),   a = lambda s < c. */
double mmc_mean_response(int c, double lambda, double s);

/* Gunther's Universal Scalability Law: the capacity with n in service,
 *     W(n) = n / (1 + sigma (n - 1) + kappa n (n - 1)). */
double usl_capacity(double n, double sigma, double kappa);

#endif
