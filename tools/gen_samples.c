/*
 * gen_samples.c — writes the sample data files of scenarios/data/, so that
 * the repository holds no third-party data and anyone can make them again
 * (`make samples`; a unit test checks that the files in the tree are what
 * this program writes). Every number comes from one seeded GSL stream.
 *
 *   build/gen-samples DIR
 *
 *   requests.csv        a request log: time,key,op,ttl (30 s, whole-second
 *                       Unix times, 200 req/s on average with a burst,
 *                       Zipf(1) over 500 keys, 97 % reads)
 *   requests.twemcache  the same rows in the twemcache traces' layout
 *   rate.csv            a request-rate graph as a metrics system exports it:
 *                       RFC 3339 times every 15 s over 30 min, a daily swell
 *                       and a spike
 *   db_latency.csv      a Prometheus histogram of query latency (le,count,
 *                       cumulative, the default buckets and +Inf)
 *   recompute_ms.txt    2000 measured recompute times, in ms: a fast path
 *                       and a slow tail
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEED 20240501UL
#define START 1714564800L   /* 2024-05-01T12:00:00Z */
#define PI 3.14159265358979323846

static FILE *create(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    return f;
}

static void finish(FILE *f, const char *name)
{
    if (ferror(f) || fclose(f) != 0) {
        fprintf(stderr, "gen-samples: cannot write %s\n", name);
        exit(1);
    }
}

/* ---- the request log ---- */

#define KEYS 500
#define TRACE_SECONDS 30

/* Requests/s at t: 200 on average, with a burst at 18-22 s. */
static double trace_rate(double t)
{
    return t >= 18 && t < 22 ? 500 : 160;
}

struct request {
    long t;
    int key;
    const char *op;
    int ttl, value_size, client;
};

static struct request draw_request(gsl_rng *r, gsl_ran_discrete_t *keys,
                                   double t)
{
    struct request q = {START + (long)floor(t), (int)gsl_ran_discrete(r, keys),
                        "get", 0, 0, 0};
    double u = gsl_rng_uniform(r);
    if (u < 0.025) {
        q.op = "set";
        q.ttl = 30;
    } else if (u < 0.03) {
        q.op = "delete";
    }
    q.value_size = 100 + (int)gsl_rng_uniform_int(r, 4000);
    q.client = 1 + (int)gsl_rng_uniform_int(r, 8);
    return q;
}

static void write_trace(const char *dir, gsl_rng *r)
{
    double w[KEYS];
    for (int k = 0; k < KEYS; k++)
        w[k] = 1.0 / (k + 1);
    gsl_ran_discrete_t *keys = gsl_ran_discrete_preproc(KEYS, w);
    FILE *csv = create(dir, "requests.csv");
    FILE *tw = create(dir, "requests.twemcache");
    fprintf(csv, "time,key,op,ttl\n");
    const double peak = 500;
    /* Poisson arrivals at the peak rate, thinned to the rate of the
     * moment */
    for (double t = gsl_ran_exponential(r, 1 / peak); t < TRACE_SECONDS;
         t += gsl_ran_exponential(r, 1 / peak)) {
        if (gsl_rng_uniform(r) * peak >= trace_rate(t))
            continue;
        struct request q = draw_request(r, keys, t);
        char key[32];
        snprintf(key, sizeof key, "user:%d", q.key);
        fprintf(csv, "%ld,%s,%s,", q.t, key, q.op);
        if (q.ttl)
            fprintf(csv, "%d", q.ttl);
        fprintf(csv, "\n");
        fprintf(tw, "%ld,%s,%zu,%d,%d,%s,%d\n", q.t, key, strlen(key),
                strcmp(q.op, "get") ? q.value_size : 0, q.client, q.op,
                q.ttl);
    }
    gsl_ran_discrete_free(keys);
    finish(csv, "requests.csv");
    finish(tw, "requests.twemcache");
}

/* ---- the rate graph ---- */

static void write_rate(const char *dir, gsl_rng *r)
{
    FILE *f = create(dir, "rate.csv");
    fprintf(f, "time,rate\n");
    for (int s = 0; s <= 1800; s += 15) {
        /* a swell over the half hour, a spike from 20 to 21 min */
        double rate = 800 + 300 * sin(PI * s / 1800.0);
        if (s >= 1200 && s < 1260)
            rate *= 3;
        rate *= 1 + 0.05 * gsl_ran_gaussian(r, 1);
        int min = s / 60, sec = s % 60;
        fprintf(f, "2024-05-01T12:%02d:%02dZ,%.1f\n", min, sec, rate);
    }
    finish(f, "rate.csv");
}

/* ---- the latency histogram ---- */

static void write_histogram(const char *dir, gsl_rng *r)
{
    static const char *const LE[] = {"0.005", "0.01", "0.025", "0.05", "0.1",
                                     "0.25",  "0.5",  "1",     "2.5",  "5",
                                     "10",    "+Inf"};
    enum { N = sizeof LE / sizeof LE[0] };
    long count[N] = {0};
    for (int i = 0; i < 100000; i++) {
        /* median 12 ms; 0.2 % stuck for 10 s and more */
        double x = gsl_rng_uniform(r) < 0.002
                       ? 10 + gsl_ran_exponential(r, 5)
                       : 0.012 * exp(0.8 * gsl_ran_gaussian(r, 1));
        for (int b = 0; b < N; b++)
            if (b == N - 1 || x <= atof(LE[b]))
                count[b]++;
    }
    FILE *f = create(dir, "db_latency.csv");
    fprintf(f, "le,count\n");
    for (int b = 0; b < N; b++)
        fprintf(f, "%s,%ld\n", LE[b], count[b]);
    finish(f, "db_latency.csv");
}

/* ---- recompute times ---- */

static void write_recompute(const char *dir, gsl_rng *r)
{
    FILE *f = create(dir, "recompute_ms.txt");
    fprintf(f, "recompute_ms\n");
    for (int i = 0; i < 2000; i++) {
        /* 90 % fast (median 150 ms), 10 % slow (median 400 ms) */
        bool slow = gsl_rng_uniform(r) < 0.1;
        double x = (slow ? 400 : 150) *
                   exp((slow ? 0.4 : 0.3) * gsl_ran_gaussian(r, 1));
        fprintf(f, "%.2f\n", x);
    }
    finish(f, "recompute_ms.txt");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen-samples DIR\n");
        return 2;
    }
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, SEED);
    write_trace(argv[1], r);
    write_rate(argv[1], r);
    write_histogram(argv[1], r);
    write_recompute(argv[1], r);
    gsl_rng_free(r);
    return 0;
}
