/*
 * progress.c — see progress.h.
 */
#include "cli/progress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/wallclock.h"

/* NO_COLOR present and not empty: no colour (no-color.org). */
static bool colour_wanted(void)
{
    const char *no = getenv("NO_COLOR");
    return !(no && no[0]);
}

/* $STAMPEDE_PROGRESS_SECONDS if it is a number > 0, else
 * PROGRESS_EVERY. */
static double plain_every(void)
{
    const char *text = getenv("STAMPEDE_PROGRESS_SECONDS");
    char *end;
    double v = text ? strtod(text, &end) : 0;
    return text && *text && !*end && v > 0 && v < 1e9 ? v : PROGRESS_EVERY;
}

static void init(struct progress *p, const char *command, const char *unit,
                 double total, bool quiet, bool tty)
{
    double now = wall_clock();
    *p = (struct progress){.command = command, .unit = unit, .total = total,
                           .enabled = !quiet, .tty = tty,
                           .colour = colour_wanted(), .start = now,
                           .last_draw = -1, .last_decile = -1,
                           .every = plain_every(), .last_line = now};
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
    init(p, command, NULL, total, quiet, tty);
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

/* "stampede sweep: 3/8 points done (37%), 1m02s in, ETA 1m40s": the
 * plain line of a count. */
static void plain_units(struct progress *p, double now, int percent)
{
    double elapsed = now - p->start;
    char eta[48] = "", in[32];
    if (p->done > 0) {
        char left[32];
        format_eta(elapsed * (p->total - p->done) / p->done, left,
                   sizeof left);
        snprintf(eta, sizeof eta, ", ETA %s%s", p->budget ? "at most " : "",
                 left);
    }
    format_eta(elapsed, in, sizeof in);
    fprintf(stderr, "stampede %s: %.0f/%.0f %s done (%d%%), %s in%s\n",
            p->command, p->done, p->total, p->unit, percent, in, eta);
    p->last_line = now;
}

/* "stampede run: lock (2/3): t 23.4 s of 60 s, 41.2 % done, 5.10 M
 * events/s, 2m in, ETA 3m": the plain line of simulated time. */
static void plain_time(struct progress *p, double now, const char *what)
{
    double elapsed = now - p->start;
    double share = p->total > 0 ? fmin(1, fmax(0, p->done / p->total)) : 0;
    char eta[48] = "", in[32], rate[48];
    if (share > 0) {
        char left[32];
        format_eta(elapsed * (1 - share) / share, left, sizeof left);
        snprintf(eta, sizeof eta, ", ETA %s", left);
    }
    format_eta(elapsed, in, sizeof in);
    format_rate(p, elapsed, rate, sizeof rate);
    fprintf(stderr, "stampede %s: %s%s%.1f %% done, %s, %s in%s\n",
            p->command, what ? what : "", what ? ", " : "", 100 * share,
            rate, in, eta);
    p->last_line = now;
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
    int decile = (int)(10 * p->done / p->total);
    if (decile == p->last_decile)
        return;
    p->last_decile = decile;
    plain_units(p, wall_clock(), decile * 10);
}

void progress_tick(struct progress *p)
{
    if (!p->enabled || p->tty || p->total <= 0)
        return;
    double now = wall_clock();
    if (now - p->last_line < p->every)
        return;
    if (p->unit)
        plain_units(p, now, (int)(100 * p->done / p->total));
    else
        plain_time(p, now, NULL);
}

void progress_time(struct progress *p, double done, uint64_t events,
                   const char *what)
{
    if (!p->enabled)
        return;
    double now = wall_clock();
    p->done = done;
    p->events = events;
    if (!p->tty) {
        if (now - p->last_line >= p->every)
            plain_time(p, now, what);
        return;
    }
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
