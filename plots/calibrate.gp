# calibrate.gp — the trade-off of a calibrated knob: each constrained
# metric and each cost against the knob (log axis), the mean over the
# replications in its 95 % band, the constraints' limits as red lines, and
# the recommended value as a vertical green line.
#
#   gnuplot -c plots/calibrate.gp CALIBRATE.CSV OUT.PNG KNOB METRICS LIMITS
#              [RECOMMENDED] [SIZE] [TITLE]
#
#   CALIBRATE.CSV  a calibrate.csv written by `stampede calibrate`
#   OUT.PNG        the image to write
#   KNOB           the knob's column (beta, lock_ttl)
#   METRICS        the metrics to draw, separated by spaces: column names
#                  without their _mean / _ci95 suffix
#   LIMITS         one word per metric: its limit, or "-" for a cost
#   RECOMMENDED    the recommended value ("" for none)
#   SIZE           WIDTH,HEIGHT in pixels (default 1000 wide, 120 + 230 per
#                  panel high)
#   TITLE          put in front of the title (the scenario's name)
#
# Every argument is used as a value, never as a command (no eval, no
# macros); relative paths get "./" in front (see base.gp).

array A[9]
do for [i = 1:9] { A[i] = i <= ARGC ? ARGV[i] : "" }
if (strlen(A[1]) == 0 || strlen(A[2]) == 0 || strlen(A[3]) == 0 || words(A[4]) == 0) {
    exit error "usage: gnuplot -c plots/calibrate.gp CALIBRATE.CSV OUT.PNG KNOB METRICS LIMITS [RECOMMENDED] [SIZE] [TITLE]"
}
KNOB = A[3]
METRICS = A[4]
LIMITS = A[5]
N = words(METRICS)
if (words(LIMITS) != N) { exit error "LIMITS needs one word per metric" }
REC = strlen(A[6]) > 0 ? real(A[6]) : NaN
SIZE = strlen(A[7]) > 0 ? A[7] : sprintf("1000,%d", 120 + 230 * N)
# base.gp lies beside this script.
here = strlen(ARG0)
while (here > 0 && ARG0[here:here] ne "/") { here = here - 1 }
load (here > 0 ? (ARG0[1:1] eq "/" ? "" : "./").ARG0[1:here] : "./")."base.gp"

ci(c) = strcol(c) eq "" ? 0 : column(c)

set logscale x
set grid
set style fill transparent solid 0.2 noborder
set multiplot layout N, 1 title (strlen(A[8]) ? A[8].": " : "")."calibrating ".KNOB." (mean and 95 % band; red: limit; green: recommended)"
set lmargin 12
do for [i = 1:N] {
    M = word(METRICS, i)
    L = word(LIMITS, i)
    set ylabel M
    if (i == N) { set xlabel KNOB } else { unset xlabel }
    unset arrow
    if (REC == REC) {
        set arrow from REC, graph 0 to REC, graph 1 nohead lc rgb "#009E73" lw 2
    }
    if (L ne "-") {
        set arrow from graph 0, first real(L) to graph 1, first real(L) nohead lc rgb "#D55E00" lw 2 dt 2
    }
    plot CSV using (column(KNOB)):(val(M."_mean") - ci(M."_ci95")):(val(M."_mean") + ci(M."_ci95")) \
            with filledcurves lc rgb "#0072B2" notitle, \
         CSV using (column(KNOB)):(val(M."_mean")) with linespoints lw 2 pt 7 ps 0.8 lc rgb "#0072B2" notitle
}
unset multiplot
