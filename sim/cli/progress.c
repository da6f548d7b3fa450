/*
 * progress.c — see progress.h.
 */
#include "cli/progress.h"

#include <stdio.h>

#include "kernel/wallclock.h"

void progress_init(struct progress *p, const char *command, const char *unit,
                   size_t total, bool quiet, bool tty)
{
    *p = (struct progress){command, unit, total, !quiet, tty, wall_clock(),
                           -1};
}

static void format_eta(double seconds, char *out, size_t n)
{
    if (seconds < 60)
        snprintf(out, n, "%.0fs", seconds);
    else if (seconds < 3600)
        snprintf(out, n, "%dm%02ds", (int)seconds / 60, (int)seconds % 60);
    else
        snprintf(out, n, "%dh%02dm", (int)seconds / 3600,
                 (int)seconds / 60 % 60);
}

void progress_update(struct progress *p, size_t done)
{
    if (!p->enabled || p->total == 0)
        return;
    double elapsed = wall_clock() - p->start;
    double eta = done > 0 ? elapsed * (double)(p->total - done) / (double)done
                          : 0;
    char eta_text[32];
    format_eta(eta, eta_text, sizeof eta_text);
    if (p->tty) {
        enum { WIDTH = 30 };
        int filled = (int)(WIDTH * done / p->total);
        fprintf(stderr, "\r[%.*s%*s] %zu/%zu %s, ETA %s  ", filled,
                "##############################", WIDTH - filled, "", done,
                p->total, p->unit, eta_text);
        fflush(stderr);
        return;
    }
    int decile = (int)(10 * done / p->total);
    if (decile == p->last_decile)
        return;
    p->last_decile = decile;
    fprintf(stderr, "stampede %s: %zu/%zu %s done (%d%%), ETA %s\n",
            p->command, done, p->total, p->unit, decile * 10, eta_text);
}

void progress_finish(struct progress *p)
{
    if (p->enabled && p->tty)
        fputc('\n', stderr);
}
