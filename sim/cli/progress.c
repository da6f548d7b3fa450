/*
 * progress.c — see progress.h.
 */
#include "cli/progress.h"

#include <stdio.h>
#include <stdlib.h>

#include "kernel/wallclock.h"

/* NO_COLOR present and not empty: no colour (no-color.org). */
static bool colour_wanted(void)
{
    const char *no = getenv("NO_COLOR");
    return !(no && no[0]);
}

static void init(struct progress *p, const char *command, const char *unit,
                 double total, bool quiet, bool tty)
{
    *p = (struct progress){.command = command, .unit = unit, .total = total,
                           .enabled = !quiet, .tty = tty,
                           .colour = colour_wanted(), .start = wall_clock(),
                           .last_draw = -1, .last_decile = -1};
}

void progress_init(struct progress *p, const char *command, const char *unit,
                   size_t total, bool quiet, bool tty)
{
    init(p, command, unit, (double)total, quiet, tty);
}

void progress_init_budget(struct progress *p, const char *command,
                          double total, bool quiet, bool tty)
{
    init(p, command, "simulated s of budget", total, quiet, tty);
    p->budget = true;
}

void progress_init_time(struct progress *p, const char *command,
                        double total, bool quiet, bool tty)
{
    /* not on a terminal, run says a line per finished run instead */
    init(p, command, NULL, total, quiet || !tty, tty);
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

/* "4.21 M events/s" from what was simulated since the start. */
static void format_rate(const struct progress *p, double elapsed, char *out,
                        size_t n)
{
    double rate = elapsed > 0 ? (double)p->events / elapsed : 0;
    if (rate >= 1e6)
        snprintf(out, n, "%.2f M events/s", rate / 1e6);
    else
        snprintf(out, n, "%.0f k events/s", rate / 1e3);
}

/* The line on the terminal: bar, percentage, where, rate, ETA (or
 * "done" once `finished`). */
static void draw(struct progress *p, const char *where, double now,
                 bool finished)
{
    enum { WIDTH = 24 };
    double share = p->total > 0 ? p->done / p->total : 0;
    share = share < 0 ? 0 : share > 1 ? 1 : share;
    double elapsed = now - p->start;
    char eta[32], rate[48], bar[WIDTH + 1];
    format_eta(share > 0 ? elapsed * (1 - share) / share : 0, eta,
               sizeof eta);
    format_rate(p, elapsed, rate, sizeof rate);
    int filled = (int)(WIDTH * share);
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[WIDTH] = '\0';
    /* a budget's last line says it is over, not what is left of it */
    const char *eta_head = finished ? "done" : p->budget ? "ETA at most "
                                                         : "ETA ";
    int width = fprintf(stderr, "\r%s[%s]%s %5.1f %%  %s  %s  %s%s",
                        p->colour ? "\033[32m" : "", bar,
                        p->colour ? "\033[0m" : "", 100 * share, where, rate,
                        eta_head, finished ? "" : eta);
    /* blanks over what the last, longer line left */
    if (width < p->last_width)
        fprintf(stderr, "%*s", p->last_width - width, "");
    p->last_width = width > p->last_width ? width : p->last_width;
    p->last_draw = now;
    fflush(stderr);
}

void progress_update(struct progress *p, size_t done, uint64_t events)
{
    if (!p->enabled || p->total <= 0)
        return;
    p->done = (double)done;
    p->events = events;
    if (p->tty) {
        char where[96];
        snprintf(where, sizeof where, "%zu/%.0f %s", done, p->total,
                 p->unit);
        draw(p, where, wall_clock(), false);
        return;
    }
    double elapsed = wall_clock() - p->start;
    char eta[32];
    format_eta(done > 0 ? elapsed * (p->total - (double)done) / (double)done
                        : 0,
               eta, sizeof eta);
    int decile = (int)(10 * p->done / p->total);
    if (decile == p->last_decile)
        return;
    p->last_decile = decile;
    fprintf(stderr, "stampede %s: %zu/%.0f %s done (%d%%), ETA %s%s\n",
            p->command, done, p->total, p->unit, decile * 10,
            p->budget ? "at most " : "", eta);
}

void progress_time(struct progress *p, double done, uint64_t events,
                   const char *what)
{
    if (!p->enabled)
        return;
    double now = wall_clock();
    p->done = done;
    p->events = events;
    if (p->last_draw >= 0 && now - p->last_draw < 0.1)
        return;
    draw(p, what, now, false);
}

void progress_clear(struct progress *p)
{
    if (!p->enabled || !p->tty || p->last_width == 0)
        return;
    fprintf(stderr, "\r%*s\r", p->last_width, "");
    p->last_width = 0;
    p->last_draw = -1;
}

void progress_finish(struct progress *p)
{
    if (p->enabled && p->tty && p->last_width > 0 && p->budget) {
        char where[96];
        snprintf(where, sizeof where, "%.0f/%.0f %s", p->done, p->total,
                 p->unit);
        draw(p, where, wall_clock(), true);
    }
    if (p->enabled && p->tty && p->last_width > 0)
        fputc('\n', stderr);
    p->last_width = 0;
}
