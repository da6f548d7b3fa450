# sweep.gp — one metric of a sweep against the varied parameter: the mean
# over the replications, one line per policy label, with its 95 %
# confidence band.
#
#   gnuplot -c plots/sweep.gp SWEEP.CSV OUT.PNG X METRIC [SIZE] [TITLE]
#              [LABELS] [LOGX] [YLABEL]
#
#   SWEEP.CSV  a sweep.csv written by `stampede sweep`
#   OUT.PNG    the image to write
#   X          the varied path, the name of its column (policies[per].beta)
#   METRIC     a metric of sweep.csv: its columns METRIC_mean and
#              METRIC_ci95 are plotted (hit_ratio, p99_ms, error_rate, ...)
#   SIZE       WIDTH,HEIGHT in pixels (default 1000,600)
#   TITLE      put in front of the title
#   LABELS     the policy labels to plot, separated by spaces (default: all)
#   LOGX       "log" for a logarithmic x axis
#   YLABEL     the y axis' label (default: METRIC)
#
# Every argument is used as a value and never as a command (see base.gp).

array A[9]
do for [i = 1:9] { A[i] = i <= ARGC ? ARGV[i] : "" }
if (strlen(A[1]) == 0 || strlen(A[2]) == 0 || strlen(A[3]) == 0 || strlen(A[4]) == 0) {
    exit error "usage: gnuplot -c plots/sweep.gp SWEEP.CSV OUT.PNG X METRIC [SIZE] [TITLE] [LABELS] [LOGX] [YLABEL]"
}
X = A[3]
MEAN = A[4]."_mean"
CI = A[4]."_ci95"
SIZE = strlen(A[5]) > 0 ? A[5] : "1000,600"
LABELS = A[7]
YLABEL = strlen(A[9]) > 0 ? A[9] : A[4]
# base.gp lies beside this script.
here = strlen(ARG0)
while (here > 0 && ARG0[here:here] ne "/") { here = here - 1 }
load (here > 0 ? (ARG0[1:1] eq "/" ? "" : "./").ARG0[1:here] : "./")."base.gp"

mine(l) = strcol("label") eq l
if (words(LABELS) == 0) { exit error "no row to plot in ".CSV }

set title (strlen(A[6]) ? A[6].": " : "").YLABEL." against ".X." (mean and 95 % band)"
set xlabel X
set ylabel YLABEL
if (A[8] eq "log") { set logscale x }
set grid
set key outside top center horizontal
set style fill transparent solid 0.2 noborder

plot for [i = 1:words(LABELS)] CSV \
        using (column(X)):(mine(word(LABELS, i)) ? val(MEAN) - val(CI) : NaN):(mine(word(LABELS, i)) ? val(MEAN) + val(CI) : NaN) \
        with filledcurves lc rgb colour(i) notitle, \
     for [i = 1:words(LABELS)] CSV \
        using (column(X)):(mine(word(LABELS, i)) ? val(MEAN) : NaN) \
        with linespoints lw 2 pt 7 ps 0.8 lc rgb colour(i) title word(LABELS, i)
