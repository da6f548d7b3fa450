# base.gp — what every figure shares: the data and image paths, the size,
# the terminal (PNG, or SVG for an image named *.svg) and its font, how
# CSV cells are read, and the colours.
#
# Not run alone: a script copies its arguments into A[1..9] (A[1] the CSV,
# A[2] the PNG), sets SIZE ("WIDTH,HEIGHT" or "WIDTHxHEIGHT" in pixels)
# and, to plot one line per policy, LABELS (empty: every label of the
# CSV, in the order of its rows); then loads this file.
#
# Every argument is used as a string VALUE (a file name, a title, a label)
# or converted to a number; none is ever pasted into a command (no eval, no
# @macro), so quotes, ';' or newlines in it cannot run anything. A path not
# starting with '/' gets "./" in front, because gnuplot reads a data file
# named "<cmd" from a command, and writes output named "|cmd" into one.

safe_path(p) = p[1:1] eq "/" ? p : "./".p
CSV = safe_path(A[1])
OUT = safe_path(A[2])

size_sep = strstrt(SIZE, ",") ? strstrt(SIZE, ",") : strstrt(SIZE, "x")
if (size_sep < 2) { exit error "SIZE must be WIDTH,HEIGHT in pixels, got \"".SIZE."\"" }
WIDTH = int(real(SIZE[1:size_sep - 1]))
HEIGHT = int(real(SIZE[size_sep + 1:]))
if (WIDTH < 100 || HEIGHT < 100) { exit error "SIZE must be at least 100,100 pixels" }

# Text grows with the figure, so a figure stays readable at any size: 10 pt
# at 1200 pixels wide.
FONT_PT = WIDTH / 120.0 < 7 ? 7 : WIDTH / 120.0
set encoding utf8
# noenhanced: labels and titles come from the user; '_' or '^' in them is
# text, not a subscript.
# An OUT ending in .svg is drawn as SVG, the same figure with its text
# kept as text (the tests read where each label went); anything else is
# a PNG.
OUT_LEN = strlen(OUT)
if (OUT_LEN > 4 && OUT[OUT_LEN - 3:OUT_LEN] eq ".svg") {
    set terminal svg size WIDTH, HEIGHT noenhanced font sprintf("Sans,%.1f", FONT_PT) linewidth 1.5
} else {
    set terminal pngcairo size WIDTH, HEIGHT noenhanced font sprintf("Sans,%.1f", FONT_PT) linewidth 1.5
}
set output OUT

set datafile separator ","
set datafile columnheaders
# An empty cell is an undefined value (a ratio or a percentile of nothing).
# Left alone, gnuplot skips such a row and joins its neighbours, drawing a
# line through a point that has no value; NaN breaks the line instead.
val(c) = strcol(c) eq "" ? NaN : column(c)

if (exists("LABELS") && strlen(LABELS) == 0) {
    stats CSV using (l_ = strcol("label"), strstrt(" ".LABELS." ", " ".l_." ") ? 0 : (LABELS = LABELS.(strlen(LABELS) ? " " : "").l_), 0) nooutput
}

# Okabe–Ito colours, distinguishable with the common colour blindnesses,
# then Paul Tol's wine, indigo, teal and purple: twelve policies before a
# colour comes back (the fleet runs nine). Black comes last: the legends
# draw their line styles (p99, mean, max) in a near-black of their own.
PALETTE = "#0072B2 #D55E00 #009E73 #CC79A7 #E69F00 #56B4E9 #999933 #882255 #332288 #44AA99 #AA4499 #000000"
colour(i) = word(PALETTE, (i - 1) % words(PALETTE) + 1)
