/*
 * svg.c — see svg.h.
 *
 * gnuplot's svg terminal writes each text as
 *   <g transform="translate(X,Y)[ rotate(A)]" ... font-size="F" ...
 *      text-anchor="start|middle|end"[ style='filter:url(#textbox)']>
 *       <text>TEXT</text> (or <text><tspan ...>TEXT</tspan></text>)
 * which is all this reads: not an SVG parser, a reader of that form.
 */
#define _GNU_SOURCE   /* asprintf, strndup */
#include "svg.h"

#include <check.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#define PX_PER_PT (96.0 / 72.0)
#define CHAR_EM 0.64   /* DejaVu Sans: a digit's width in its size */

/* The value of attribute `name` inside [tag, end), or NULL. */
static const char *attribute(const char *tag, const char *end,
                             const char *name)
{
    size_t len = strlen(name);
    for (const char *p = tag; p && p < end; p++) {
        p = strstr(p, name);
        if (!p || p >= end)
            return NULL;
        if (p[len] == '=' && (p[len + 1] == '"' || p[len + 1] == '\''))
            return p + len + 2;
    }
    return NULL;
}

/* The characters of [from, to) with the tags taken out and the five
 * entities decoded, blanks trimmed. */
static void text_of(const char *from, const char *to, char *out, size_t n)
{
    static const char *const ENTITY[][2] = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""},
        {"&apos;", "'"},
    };
    size_t k = 0;
    for (const char *p = from; p < to && k + 1 < n;) {
        if (*p == '<') {
            const char *close = memchr(p, '>', (size_t)(to - p));
            p = close ? close + 1 : to;
            continue;
        }
        bool decoded = false;
        for (size_t e = 0; e < 5 && !decoded; e++) {
            size_t len = strlen(ENTITY[e][0]);
            if (strncmp(p, ENTITY[e][0], len) == 0) {
                out[k++] = ENTITY[e][1][0];
                p += len;
                decoded = true;
            }
        }
        if (!decoded)
            out[k++] = *p++;
    }
    while (k > 0 && (out[k - 1] == ' ' || out[k - 1] == '\n'))
        k--;
    out[k] = '\0';
    size_t lead = strspn(out, " \n");
    memmove(out, out + lead, k - lead + 1);
}

/* A character's width in DejaVu Sans, in its size (em): "singleflight"
 * is half as wide as "00000000000" of as many characters. A UTF-8
 * continuation byte adds nothing. */
static double char_em(unsigned char c)
{
    if ((c & 0xC0) == 0x80)
        return 0;
    if (strchr("il.,:;'|!j", c))
        return 0.28;
    if (strchr("ftr ()[]-I/", c))
        return 0.4;
    if (strchr("mwMW%", c))
        return 0.92;
    if (c >= 'A' && c <= 'Z')
        return 0.7;
    if ((c >= '0' && c <= '9') || c == '+' || c == '=' || c == '<' ||
        c == '>' || c == '#')
        return CHAR_EM;
    if (c == '_' || c == 's' || c == 'c' || c == 'z' || c == 'x' ||
        c == 'k' || c == 'y' || c == 'v')
        return 0.53;
    return 0.62;   /* a, e, h, n, o, p, u ... */
}

static double text_em(const char *s)
{
    double em = 0;
    for (; *s; s++)
        em += char_em((unsigned char)*s);
    return em;
}

static void place(struct svg_text *t, double font_size)
{
    double height = font_size * PX_PER_PT;
    double width = text_em(t->text) * height;
    t->left = t->anchor == 's' ? t->x
            : t->anchor == 'm' ? t->x - width / 2 : t->x - width;
    t->right = t->left + width;
    t->top = t->y - 0.8 * height;
    t->bottom = t->y + 0.2 * height;
}

static bool seen(const struct svg_texts *t, const struct svg_text *s)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->items[i].x == s->x && t->items[i].y == s->y &&
            strcmp(t->items[i].text, s->text) == 0)
            return true;
    return false;
}

/* Reads the <g> at g (its text follows); false if it holds none. */
static bool read_one(const char *g, struct svg_text *out)
{
    const char *tag_end = strchr(g, '>');
    const char *open = tag_end ? strstr(tag_end, "<text") : NULL;
    const char *body = open ? strchr(open, '>') : NULL;
    const char *close = body ? strstr(body, "</text>") : NULL;
    const char *next_g = strstr(g + 1, "<g ");
    if (!close || (next_g && next_g < open))
        return false;
    memset(out, 0, sizeof *out);
    char *end;
    out->x = strtod(g + strlen("<g transform=\"translate("), &end);
    out->y = strtod(end + 1, &end);
    out->rotated = strncmp(end, ") rotate(", 9) == 0;
    const char *size = attribute(g, tag_end, "font-size");
    const char *anchor = attribute(g, tag_end, "text-anchor");
    out->anchor = anchor ? anchor[0] : 's';
    text_of(body + 1, close, out->text, sizeof out->text);
    place(out, size ? strtod(size, NULL) : 10);
    return out->text[0] != '\0';
}

/* The number in attribute `name` of the <svg> element; 0 if none. */
static double canvas(const char *svg, const char *name)
{
    const char *open = strstr(svg, "<svg");
    const char *end = open ? strchr(open, '>') : NULL;
    const char *v = open && end ? attribute(open, end, name) : NULL;
    return v ? strtod(v, NULL) : 0;
}

struct svg_texts svg_texts_parse(const char *svg)
{
    struct svg_texts t = {0};
    t.width = canvas(svg, "width");
    t.height = canvas(svg, "height");
    size_t cap = 0;
    for (const char *g = strstr(svg, "<g transform=\"translate(");
         g; g = strstr(g + 1, "<g transform=\"translate(")) {
        struct svg_text one;
        if (!read_one(g, &one) || seen(&t, &one))
            continue;
        if (t.n == cap) {
            cap = cap ? 2 * cap : 64;
            t.items = realloc(t.items, cap * sizeof *t.items);
            ck_assert_ptr_nonnull(t.items);
        }
        t.items[t.n++] = one;
    }
    return t;
}

struct svg_texts svg_texts_read(const char *path)
{
    char *svg = read_text_file(path, NULL);
    ck_assert_msg(svg != NULL, "%s: cannot read", path);
    ck_assert_msg(strstr(svg, "<svg") != NULL, "%s: not an SVG", path);
    struct svg_texts t = svg_texts_parse(svg);
    free(svg);
    return t;
}

void svg_texts_free(struct svg_texts *t)
{
    free(t->items);
    t->items = NULL;
    t->n = 0;
}

static bool meet(const struct svg_text *a, const struct svg_text *b)
{
    return a->left < b->right && b->left < a->right && a->top < b->bottom &&
           b->top < a->bottom;
}

bool svg_overprint(const struct svg_texts *t, char *why, size_t n)
{
    for (size_t i = 0; i < t->n; i++)
        for (size_t j = i + 1; j < t->n; j++) {
            const struct svg_text *a = &t->items[i], *b = &t->items[j];
            if (a->rotated || b->rotated || !meet(a, b))
                continue;
            if (why)
                snprintf(why, n, "\"%s\" at (%.0f, %.0f) and \"%s\" at "
                         "(%.0f, %.0f) overprint", a->text, a->x, a->y,
                         b->text, b->x, b->y);
            return true;
        }
    return false;
}

bool svg_off_canvas(const struct svg_texts *t, char *why, size_t n)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct svg_text *a = &t->items[i];
        bool off = a->rotated ? a->x < 0 || a->x > t->width
                              : a->left < 0 || a->right > t->width ||
                                    a->top < 0 || a->bottom > t->height;
        if (!off)
            continue;
        if (why)
            snprintf(why, n, "\"%s\" at (%.0f, %.0f) runs off the %.0fx%.0f "
                     "canvas", a->text, a->x, a->y, t->width, t->height);
        return true;
    }
    return false;
}

const struct svg_text *svg_find(const struct svg_texts *t, const char *text)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->items[i].text, text) == 0)
            return &t->items[i];
    return NULL;
}

extern char **environ;

struct svg_texts svg_render(const char *const *args)
{
    const char *argv[24] = {"gnuplot"};
    size_t n = 0;
    while (args[n] && n < 22) {
        argv[n + 1] = args[n];
        n++;
    }
    ck_assert_msg(n >= 4, "svg_render: -c SCRIPT DATA OUT.svg at least");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int e = posix_spawnp(&pid, "gnuplot", &fa, NULL, (char *const *)argv,
                         environ);
    posix_spawn_file_actions_destroy(&fa);
    ck_assert_msg(e == 0, "cannot start gnuplot");
    int status;
    waitpid(pid, &status, 0);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "gnuplot %s failed", args[1]);
    return svg_texts_read(args[3]);
}

/* The real gnuplot: the first on PATH. */
static char *real_gnuplot(void)
{
    const char *path = getenv("PATH");
    char *copy = strdup(path ? path : "/usr/bin");
    char *found = NULL;
    for (char *dir = strtok(copy, ":"); dir && !found; dir = strtok(NULL, ":")) {
        char *candidate = path_in(dir, "gnuplot");
        if (access(candidate, X_OK) == 0)
            found = candidate;
        else
            free(candidate);
    }
    free(copy);
    ck_assert_msg(found != NULL, "no gnuplot on PATH");
    return found;
}

/* The recorder: each argument, then a record separator (0x1e); a group
 * separator (0x1d) ends a call. */
static const char RECORDER[] =
    "#!/bin/sh\n"
    "{ for a in \"$@\"; do printf '%%s\\036' \"$a\"; done; "
    "printf '\\035'; } >> '%s'\n"
    "exec '%s' \"$@\"\n";

static struct gnuplot_calls read_calls(const char *log)
{
    struct gnuplot_calls c = {0};
    char *text = read_text_file(log, NULL);
    if (!text)
        return c;   /* never called */
    for (char *call = text, *end; (end = strchr(call, '\035')); call = end + 1) {
        c.args = realloc(c.args, (c.n + 1) * sizeof *c.args);
        ck_assert_ptr_nonnull(c.args);
        size_t n = 0;
        char **args = calloc(32, sizeof *args);
        for (char *a = call, *sep; a < end && (sep = memchr(a, '\036',
                                                              (size_t)(end - a)));
             a = sep + 1) {
            ck_assert_uint_lt(n, 31);
            args[n++] = strndup(a, (size_t)(sep - a));
        }
        c.args[c.n++] = args;
    }
    free(text);
    return c;
}

struct gnuplot_calls svg_record(const char *scratch, const char *const *args,
                                struct cmd_result *r)
{
    char *bin = path_in(scratch, "recording-gnuplot");
    mkdir(bin, 0777);
    char *log = path_in(scratch, "gnuplot-calls");
    unlink(log);   /* this command's calls only */
    char *real = real_gnuplot();
    char script[2048];
    snprintf(script, sizeof script, RECORDER, log, real);
    char *exe = write_text_file(bin, "gnuplot", script);
    chmod(exe, 0755);
    char *saved = strdup(getenv("PATH") ? getenv("PATH") : "");
    char *path = NULL;
    ck_assert_int_ge(asprintf(&path, "%s:%s", bin, saved), 0);
    setenv("PATH", path, 1);
    *r = run_stampede(args);
    setenv("PATH", saved, 1);
    struct gnuplot_calls c = read_calls(log);
    free(path);
    free(saved);
    free(exe);
    free(real);
    free(log);
    free(bin);
    return c;
}

void gnuplot_calls_free(struct gnuplot_calls *c)
{
    for (size_t k = 0; k < c->n; k++) {
        for (char **a = c->args[k]; *a; a++)
            free(*a);
        free(c->args[k]);
    }
    free(c->args);
    c->args = NULL;
    c->n = 0;
}

/* path with every component ".NAME.tmp-XXXXXX" made NAME (free it). */
static char *settled(const char *path)
{
    char *out = strdup(path);
    for (char *at = out; (at = strstr(at, "/.")) != NULL; at++) {
        char *end = strchr(at + 1, '/');
        char *tmp = strstr(at, ".tmp-");
        if (!tmp || (end && tmp > end))
            continue;   /* not such a component */
        /* "/.NAME.tmp-XXXXXX/rest" -> "/NAME/rest" */
        size_t name = (size_t)(tmp - at - 2);
        memmove(at + 1, at + 2, name);
        const char *rest = end ? end : "";
        memmove(at + 1 + name, rest, strlen(rest) + 1);
    }
    return out;
}

struct svg_texts svg_redraw(const struct gnuplot_calls *c, size_t k,
                            const char *svg)
{
    ck_assert_uint_lt(k, c->n);
    char **given = c->args[k];
    const char *args[32] = {0};
    size_t n = 0;
    while (given[n] && n < 31) {
        args[n] = given[n];
        n++;
    }
    ck_assert_msg(n >= 4 && strcmp(args[0], "-c") == 0,
                  "gnuplot call %zu: not -c SCRIPT DATA OUT", k);
    char *data = settled(args[2]);
    args[2] = data;
    args[3] = svg;
    struct svg_texts t = svg_render(args);
    free(data);
    return t;
}
