/*
 * svg.h — where a figure's texts went: the scripts of plots/ draw an
 * image named *.svg as SVG (plots/base.gp), whose every label, tic label,
 * legend entry and title is a <text> at a known place. The tests read
 * them back to check that no two texts overprint and that an axis is
 * labelled where a reader needs it.
 *
 * A text's box is estimated from its font size as the PNG draws it:
 * gnuplot's cairo terminals take the size in points at 96 dpi (4/3 of a
 * pixel), and a character of DejaVu Sans is 0.28 (i, l) to 0.92 (m, w)
 * of that wide, a digit 0.64. Texts rotated by 90° (the
 * axes' labels) are kept apart, as columns; rotated ones never meet a
 * horizontal one in these figures.
 */
#ifndef STAMPEDE_TEST_SVG_H
#define STAMPEDE_TEST_SVG_H

#include <stdbool.h>
#include <stddef.h>

#include "support.h"

struct svg_text {
    char text[160];
    double x, y;              /* the anchor, in pixels */
    double left, right;       /* its box, estimated */
    double top, bottom;
    char anchor;              /* 's'tart, 'm'iddle or 'e'nd */
    bool rotated;
};

struct svg_texts {
    struct svg_text *items;
    size_t n;
    double width, height;     /* the canvas, from the <svg> element */
};

/* Runs gnuplot with args (NULL-terminated: "-c", "plots/X.gp", DATA,
 * OUT.svg, ...), stderr kept out of the test's output; fails the test
 * unless it succeeds. Then the texts of OUT.svg (args[3]). */
struct svg_texts svg_render(const char *const *args);

/* The calls a command of the binary made to gnuplot, each one's
 * arguments as given ("-c", SCRIPT, DATA, OUT, ...). */
struct gnuplot_calls {
    char ***args;     /* [n], each NULL-terminated */
    size_t n;
};

/* Runs the binary with args, a recording gnuplot first on PATH (in a
 * folder under `scratch`) that notes each call's arguments and hands it
 * to the real one: the figures are drawn as usual. *r gets what the
 * command printed (free it). */
struct gnuplot_calls svg_record(const char *scratch, const char *const *args,
                                struct cmd_result *r);
void gnuplot_calls_free(struct gnuplot_calls *c);

/* Draws call k again, as SVG into `svg`: the same script and arguments,
 * its data read from where the command's results now are (a results
 * directory is written as ".NAME.tmp-XXXXXX" and renamed NAME). Then the
 * texts of `svg`. */
struct svg_texts svg_redraw(const struct gnuplot_calls *c, size_t k,
                            const char *svg);

/* Every text of the SVG file at path (a text drawn twice at one place,
 * as gnuplot does for a boxed label, counts once). Fails the test if the
 * file cannot be read or holds no SVG. */
struct svg_texts svg_texts_read(const char *path);
/* The same from SVG source. */
struct svg_texts svg_texts_parse(const char *svg);
void svg_texts_free(struct svg_texts *t);

/* Whether two horizontal texts' boxes meet; if so and why is not NULL,
 * names both there. */
bool svg_overprint(const struct svg_texts *t, char *why, size_t n);

/* Whether a text runs off the canvas (a horizontal one's box, a rotated
 * one's anchor); if so and why is not NULL, names it there. */
bool svg_off_canvas(const struct svg_texts *t, char *why, size_t n);

/* The first text equal to `text`, or NULL. */
const struct svg_text *svg_find(const struct svg_texts *t, const char *text);

#endif
