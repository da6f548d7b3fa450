# calibrate.gp — a calibrated knob, value by value (log axis): the cost it
# minimises on top (log axis), then each constraint with its limit, then
# what makes the cost. Each panel draws the estimate in its band (for a
# constraint, the interval it was judged on; otherwise the 95 % one),
# clipped at what the field can take (>= 0, <= 1 for a share); each
# value's point says its verdict (green disc: proven to hold; orange
# circle: undecided; red cross: fails); the recommended value is a green
# vertical line, a limit a red dashed one with its value in the margin.
# The legend, above the first panel, says the same.
#
#   gnuplot -c plots/calibrate.gp CALIBRATE.CSV OUT.PNG KNOB METRICS LIMITS
#              [RECOMMENDED] [SIZE] [TITLE] [PANELS]
#
#   CALIBRATE.CSV  a calibrate.csv written by `stampede calibrate`
#   OUT.PNG        the image to write
#   KNOB           the knob's column (beta, lock_ttl)
#   METRICS        the panels, separated by spaces: column stems (STEM_mean,
#                  STEM_lower, STEM_upper); "cost" first
#   LIMITS         one word per metric: its limit, or "-" for none
#   RECOMMENDED    the recommended value ("" for none)
#   SIZE           WIDTH,HEIGHT in pixels (default 1000 wide, 150 + 230 per
#                  panel high)
#   TITLE          put in front of the title (the scenario's name)
#   PANELS         one line per metric, "TOP LABEL": the largest value it
#                  can take ("1" for a share, "-" for none) and its axis
#                  label ("recomputes per second"); default "- STEM"
#
# The limits are drawn as lines of the plot, so that each axis reaches its
# limit: a metric far within it shows as flat against it.
#
# Every argument is used as a value, never as a command (no eval, no
# macros); relative paths get "./" in front (see base.gp).

array A[9]
do for [i = 1:9] { A[i] = i <= ARGC ? ARGV[i] : "" }
if (strlen(A[1]) == 0 || strlen(A[2]) == 0 || strlen(A[3]) == 0 || words(A[4]) == 0) {
    exit error "usage: gnuplot -c plots/calibrate.gp CALIBRATE.CSV OUT.PNG KNOB METRICS LIMITS [RECOMMENDED] [SIZE] [TITLE] [PANELS]"
}
KNOB = A[3]
METRICS = A[4]
LIMITS = A[5]
N = words(METRICS)
if (words(LIMITS) != N) { exit error "LIMITS needs one word per metric" }
REC = strlen(A[6]) > 0 ? real(A[6]) : NaN
SIZE = strlen(A[7]) > 0 ? A[7] : sprintf("1000,%d", 150 + 230 * N)
PANELS = A[9]
# base.gp and logtics.gp lie beside this script.
here = strlen(ARG0)
while (here > 0 && ARG0[here:here] ne "/") { here = here - 1 }
PLOTS_DIR = here > 0 ? (ARG0[1:1] eq "/" ? "" : "./").ARG0[1:here] : "./"
load PLOTS_DIR."base.gp"

# line(t, k): the k-th line of t ("" past the last)
line(t, k) = k <= 1 ? (strstrt(t, "\n") ? t[1:strstrt(t, "\n") - 1] : t) : (strstrt(t, "\n") ? line(t[strstrt(t, "\n") + 1:], k - 1) : "")
# panel i's label and the largest value its field can take (NaN: none)
panel(i) = line(PANELS, i)
panel_label(i) = words(panel(i)) >= 2 ? panel(i)[strstrt(panel(i), " ") + 1:] : word(METRICS, i)
panel_top(i) = word(panel(i), 1) eq "1" ? 1.0 : NaN

PROVEN = "#009E73"
UNDECIDED = "#E69F00"
FAILS = "#D55E00"
ESTIMATE = "#0072B2"
LIMIT = "#B2182B"

# a value's estimate, or NaN unless its verdict is v (1, 0, -1)
of_verdict(M, v) = column("verdict_code") == v ? val(M."_mean") : NaN
# the band, clipped at 0 and at TOP; on the cost's log axis, a lower end
# at or below zero is drawn a decade under the estimate
LOGY = 0
TOP = NaN
lower(M) = LOGY ? (val(M."_lower") > 0 ? val(M."_lower") : val(M."_mean") / 10) : (val(M."_lower") > 0 ? val(M."_lower") : 0)
upper(M) = TOP == TOP && val(M."_upper") > TOP ? TOP : val(M."_upper")

set logscale x
set autoscale xfix
# 1, 2, 5 in every decade: a log axis over less than a decade or two
# would otherwise be labelled at its powers of ten alone
set xtics ()
do for [e = -4:4] { set xtics add (1 * 10.0**e, 2 * 10.0**e, 5 * 10.0**e) }
set format x "%g"
set format y "%g"
set grid
set border 3
set tics nomirror out
set style fill transparent solid 0.2 noborder
TITLE_FONT = sprintf("Sans,%.1f", FONT_PT * 1.3)
set multiplot layout N, 1 title (strlen(A[8]) ? A[8].": " : "")."calibrating ".KNOB font TITLE_FONT
set lmargin 14
set rmargin 12
do for [i = 1:N] {
    M = word(METRICS, i)
    L = word(LIMITS, i)
    TOP = panel_top(i)
    # a label longer than its panel is tall goes on two lines, cut at the
    # blank nearest its middle (a character is about 0.85 of the font
    # size; the panel about 190 pixels of its 230)
    ylab = panel_label(i)
    if (strlen(ylab) * FONT_PT * 0.85 > 190) {
        cut = 0
        do for [c = 2:strlen(ylab) - 1] {
            if (ylab[c:c] eq " " && abs(c - strlen(ylab) / 2.0) < abs(cut - strlen(ylab) / 2.0)) { cut = c }
        }
        if (cut > 0) { ylab = ylab[1:cut - 1]."\n".ylab[cut + 1:] }
    }
    # a second line goes right, towards the tic labels: move it out
    set ylabel ylab offset character (strstrt(ylab, "\n") ? -1.2 : 0), 0
    # the cost spans decades (a stampede at one end): a log axis; the
    # others from 0, a little room above their highest line or limit
    LOGY = i == 1
    if (LOGY) {
        # whole decades around the bands (a band's end at or below 0 is
        # drawn a decade under its estimate), tics at 1, 2 and 5 over two
        # decades or less
        undefine STATS_*
        stats CSV using (lower(M)):(upper(M)) nooutput
        LT_LO = exists("STATS_min_x") && STATS_min_x > 0 ? 10 ** floor(log10(STATS_min_x) + 1e-9) : 0.1
        LT_HI = exists("STATS_max_y") && STATS_max_y > LT_LO ? 10 ** ceil(log10(STATS_max_y) - 1e-9) : LT_LO * 10
        set logscale y
        set yrange [LT_LO:LT_HI]
        load PLOTS_DIR."logtics.gp"
        set offsets 0, 0, 0, 0
    } else {
        set ytics autofreq nomirror out
        unset logscale y
        set yrange [0:*]
        set offsets 0, 0, graph 0.08, 0
    }
    if (i == N) { set xlabel KNOB } else { unset xlabel }
    unset arrow
    unset label
    if (REC == REC) {
        set arrow from REC, graph 0 to REC, graph 1 nohead lc rgb PROVEN lw 2
    }
    # the limit as a line of the plot, so that the axis takes it in, its
    # value in the right margin
    LIM = L ne "-" ? real(L) : NaN
    if (LIM == LIM) {
        set label 1 sprintf("limit %g", LIM) at graph 1, first LIM left offset character 0.8, 0 textcolor rgb LIMIT
    }
    # the legend: above the first panel, out of the way of every curve
    if (i == 1) {
        # two lines of the title's height under the figure's top edge
        set key at screen 0.5, screen 1 - 2.2 * FONT_PT * 1.3 * 4 / 3 / HEIGHT center top horizontal noautotitle Left reverse samplen 2 width 1
        set tmargin 5
    } else {
        unset key
        set tmargin 1
    }
    plot LIM with lines lw 2 dt 2 lc rgb LIMIT notitle, \
         CSV using (column(KNOB)):(lower(M)):(upper(M)) \
            with filledcurves lc rgb ESTIMATE notitle, \
         CSV using (column(KNOB)):(val(M."_mean")) with lines lw 2 lc rgb ESTIMATE notitle, \
         CSV using (column(KNOB)):(of_verdict(M, 1)) with points pt 7 ps 1.2 lc rgb PROVEN notitle, \
         CSV using (column(KNOB)):(of_verdict(M, 0)) with points pt 6 ps 1.2 lw 2 lc rgb UNDECIDED notitle, \
         CSV using (column(KNOB)):(of_verdict(M, -1)) with points pt 2 ps 1.2 lw 2 lc rgb FAILS notitle, \
         for [k = 1:(i == 1)] keyentry with filledcurves lc rgb ESTIMATE title "estimate, in the interval judged", \
         for [k = 1:(i == 1)] keyentry with points pt 7 ps 1.2 lc rgb PROVEN title "proven to hold", \
         for [k = 1:(i == 1)] keyentry with points pt 6 ps 1.2 lw 2 lc rgb UNDECIDED title "undecided", \
         for [k = 1:(i == 1)] keyentry with points pt 2 ps 1.2 lw 2 lc rgb FAILS title "fails", \
         for [k = 1:(i == 1)] keyentry with lines lw 2 dt 2 lc rgb LIMIT title "limit", \
         for [k = 1:(i == 1)] keyentry with lines lw 2 lc rgb PROVEN title "recommended"
}
unset multiplot
