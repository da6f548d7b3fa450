# calibrate.gp — a calibrated knob, value by value (log axis): the cost it
# minimises on top (log axis), then each constraint with its limit, then
# what makes the cost. Each panel draws the estimate in its band (for a
# constraint, the interval it was judged on; otherwise the 95 % one);
# each value's point says its verdict (green disc: proven to hold; orange
# circle: undecided; red cross: fails); the recommended value is a green
# vertical line, the limits red dashed lines.
#
#   gnuplot -c plots/calibrate.gp CALIBRATE.CSV OUT.PNG KNOB METRICS LIMITS
#              [RECOMMENDED] [SIZE] [TITLE] [COST]
#
#   CALIBRATE.CSV  a calibrate.csv written by `stampede calibrate`
#   OUT.PNG        the image to write
#   KNOB           the knob's column (beta, lock_ttl)
#   METRICS        the panels, separated by spaces: column stems (STEM_mean,
#                  STEM_lower, STEM_upper); "cost" first
#   LIMITS         one word per metric: its limit, or "-" for none
#   RECOMMENDED    the recommended value ("" for none)
#   SIZE           WIDTH,HEIGHT in pixels (default 1000 wide, 120 + 230 per
#                  panel high)
#   TITLE          put in front of the title (the scenario's name)
#   COST           what the cost is, for its axis ("recomputes per second")
#
# The limits are drawn as lines of the plot, so that each axis reaches its
# limit: a metric far within it shows as flat against it.
#
# Every argument is used as a value, never as a command (no eval, no
# macros); relative paths get "./" in front (see base.gp).

array A[9]
do for [i = 1:9] { A[i] = i <= ARGC ? ARGV[i] : "" }
if (strlen(A[1]) == 0 || strlen(A[2]) == 0 || strlen(A[3]) == 0 || words(A[4]) == 0) {
    exit error "usage: gnuplot -c plots/calibrate.gp CALIBRATE.CSV OUT.PNG KNOB METRICS LIMITS [RECOMMENDED] [SIZE] [TITLE] [COST]"
}
KNOB = A[3]
METRICS = A[4]
LIMITS = A[5]
N = words(METRICS)
if (words(LIMITS) != N) { exit error "LIMITS needs one word per metric" }
REC = strlen(A[6]) > 0 ? real(A[6]) : NaN
SIZE = strlen(A[7]) > 0 ? A[7] : sprintf("1000,%d", 120 + 230 * N)
COST = strlen(A[9]) > 0 ? A[9] : "cost"
# base.gp lies beside this script.
here = strlen(ARG0)
while (here > 0 && ARG0[here:here] ne "/") { here = here - 1 }
load (here > 0 ? (ARG0[1:1] eq "/" ? "" : "./").ARG0[1:here] : "./")."base.gp"

# a value's estimate, or NaN unless its verdict is v (1, 0, -1)
of_verdict(M, v) = column("verdict_code") == v ? val(M."_mean") : NaN
# the band's lower end; on the cost's log axis, one at or below zero is
# drawn a decade under the estimate
LOGY = 0
lower(M) = (LOGY && !(val(M."_lower") > 0)) ? val(M."_mean") / 10 : val(M."_lower")

set logscale x
set autoscale xfix
# 1, 2, 5 in every decade: a log axis over less than a decade or two
# would otherwise be labelled at its powers of ten alone
set xtics ()
do for [e = -4:4] { set xtics add (1 * 10.0**e, 2 * 10.0**e, 5 * 10.0**e) }
set format x "%g"
set grid
set style fill transparent solid 0.2 noborder
set key top right
set multiplot layout N, 1 title (strlen(A[8]) ? A[8].": " : "")."calibrating ".KNOB." (bands: the intervals judged; green: proven, orange: undecided, red: fails; line: recommended)"
set lmargin 12
do for [i = 1:N] {
    M = word(METRICS, i)
    L = word(LIMITS, i)
    set ylabel (i == 1 ? COST : M)
    # the cost spans decades (a stampede at one end): a log axis
    LOGY = i == 1
    if (LOGY) { set logscale y } else { unset logscale y }
    if (i == N) { set xlabel KNOB } else { unset xlabel }
    unset arrow
    if (REC == REC) {
        set arrow from REC, graph 0 to REC, graph 1 nohead lc rgb "#009E73" lw 2
    }
    # the limit as a line of the plot, so that the axis takes it in
    LIM = L ne "-" ? real(L) : NaN
    plot LIM with lines lw 2 dt 2 lc rgb "#D55E00" notitle, \
         CSV using (column(KNOB)):(lower(M)):(val(M."_upper")) \
            with filledcurves lc rgb "#0072B2" notitle, \
         CSV using (column(KNOB)):(val(M."_mean")) with lines lw 2 lc rgb "#0072B2" notitle, \
         CSV using (column(KNOB)):(of_verdict(M, 1)) with points pt 7 ps 1.2 lc rgb "#009E73" notitle, \
         CSV using (column(KNOB)):(of_verdict(M, 0)) with points pt 6 ps 1.2 lw 2 lc rgb "#E69F00" notitle, \
         CSV using (column(KNOB)):(of_verdict(M, -1)) with points pt 2 ps 1.2 lw 2 lc rgb "#D55E00" notitle
}
unset multiplot
