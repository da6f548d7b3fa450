/*
 * generators.c — which random number generator the kernel uses: the
 * candidates' cost per draw on this machine (docs/performance.md).
 *
 *   build/generators [SECONDS]
 *
 * For each generator, nanoseconds of CPU time per uniform drawn through
 * gsl_rng_uniform (what GSL's samplers call), and per exponential drawn
 * as GSL draws it (gsl_ran_exponential: -mean log1p(-u)); then the
 * kernel's own streams (kernel/rng.h) drawn inline, an exponential as
 * -mean ln(u), and the cost of a request's draw from its own substream
 * (repositioning, one block, one uniform). SECONDS (default 0.5) of CPU
 * time per figure.
 *
 * Statistical quality is not measured here (TestU01 is not packaged in
 * Debian): the published results are in docs/performance.md.
 */
#include <Random123/philox.h>
#include <Random123/threefry.h>
#include <Random123/conventional/gsl_cbrng.h>
#include <gsl/gsl_randist.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/rng.h"
#include "kernel/wallclock.h"

GSL_CBRNG(threefry4x32_20, threefry4x32);
GSL_CBRNG(threefry4x64_20, threefry4x64);
GSL_CBRNG(philox4x64_10, philox4x64);

#define CHUNK 100000   /* draws between two looks at the clock */

enum draw { UNIFORM, EXPONENTIAL, INLINE_UNIFORM, INLINE_EXPONENTIAL,
            SUBSTREAM };

static double sink;   /* keeps the draws used */

static void draw_chunk(gsl_rng *r, enum draw what, uint64_t *index)
{
    double sum = 0;
    for (int i = 0; i < CHUNK; i++) {
        switch (what) {
        case UNIFORM: sum += gsl_rng_uniform(r); break;
        case EXPONENTIAL: sum += gsl_ran_exponential(r, 1.0); break;
        case INLINE_UNIFORM: sum += rng_uniform_pos1(r); break;
        case INLINE_EXPONENTIAL: sum += rng_exponential(r, 1.0); break;
        case SUBSTREAM:
            rng_substream(r, ++*index);
            sum += rng_uniform_pos1(r);
            break;
        }
    }
    sink += sum;
}

/* Nanoseconds of CPU time per draw. */
static double ns_per_draw(gsl_rng *r, enum draw what, double seconds)
{
    uint64_t draws = 0, index = 0;
    draw_chunk(r, what, &index);   /* warm-up */
    double start = cpu_clock(), elapsed = 0;
    while (elapsed < seconds) {
        draw_chunk(r, what, &index);
        draws += CHUNK;
        elapsed = cpu_clock() - start;
    }
    return elapsed / (double)draws * 1e9;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? strtod(argv[1], NULL) : 0.5;
    if (!(seconds > 0 && seconds <= 60)) {
        fprintf(stderr, "usage: generators [SECONDS] (0 < SECONDS <= 60)\n");
        return 2;
    }
    const struct {
        const char *name;
        const gsl_rng_type *type;
    } GSL_TYPES[] = {
        {"mt19937 (GSL)", gsl_rng_mt19937},
        {"taus2 (GSL)", gsl_rng_taus2},
        {"ranlxs0 (GSL)", gsl_rng_ranlxs0},
        {"threefry4x32-20", &threefry4x32_20_type},
        {"threefry4x64-20", &threefry4x64_20_type},
        {"philox4x64-10", &philox4x64_10_type},
        {"philox4x32-10 (kernel)", &rng_philox_type},
    };
    printf("%-24s %12s %12s   (ns of CPU time per draw, via gsl_rng)\n",
           "generator", "uniform", "exponential");
    for (size_t i = 0; i < sizeof GSL_TYPES / sizeof GSL_TYPES[0]; i++) {
        gsl_rng *r = gsl_rng_alloc(GSL_TYPES[i].type);
        if (!r)
            return 1;
        gsl_rng_set(r, 12345);
        double u = ns_per_draw(r, UNIFORM, seconds);
        double e = ns_per_draw(r, EXPONENTIAL, seconds);
        printf("%-24s %12.2f %12.2f\n", GSL_TYPES[i].name, u, e);
        fflush(stdout);
        gsl_rng_free(r);
    }
    gsl_rng *r = rng_stream_create(1, 0, "generators");
    if (!r)
        return 1;
    printf("\nthe kernel's streams, inline (kernel/rng.h):\n");
    printf("%-40s %8.2f\n", "rng_uniform_pos1",
           ns_per_draw(r, INLINE_UNIFORM, seconds));
    printf("%-40s %8.2f\n", "rng_exponential (-mean ln u)",
           ns_per_draw(r, INLINE_EXPONENTIAL, seconds));
    printf("%-40s %8.2f\n", "rng_substream + rng_uniform_pos1",
           ns_per_draw(r, SUBSTREAM, seconds));
    gsl_rng_free(r);
    return sink < 0 ? 1 : 0;
}
