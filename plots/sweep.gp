# sweep.gp — one metric of a sweep against the varied parameter: the mean
# over the replications, one line per policy label, in its 95 %
# confidence band.
#
#   gnuplot -c plots/sweep.gp DATA OUT.PNG XLABEL COLUMN YLABEL LABELS
#              [AXES] [TITLE] [SIZE]
#
#   DATA     a sweep_figures.dat written by `stampede sweep`: one block per
#            label (in the order of LABELS), rows by increasing value of the
#            varied parameter (column 1); a metric's mean, band low and
#            band high in three columns, the band already clipped at the
#            metric's bounds
#   OUT.PNG  the image to write
#   XLABEL   the x axis' label (the varied path)
#   COLUMN   the column of the metric's mean (its low and high follow)
#   YLABEL   the value axis' label: the metric's, with its unit
#   LABELS   the policy labels, separated by spaces: block i is label i
#   AXES     words: "logx" and/or "logy" for logarithmic axes
#   TITLE    the figure's title
#   SIZE     WIDTH,HEIGHT in pixels (default 1000,600)
#
# Every argument is used as a value and never as a command (see base.gp).

array A[9]
do for [i = 1:9] { A[i] = i <= ARGC ? ARGV[i] : "" }
if (strlen(A[1]) == 0 || strlen(A[2]) == 0 || strlen(A[4]) == 0 || words(A[6]) == 0) {
    exit error "usage: gnuplot -c plots/sweep.gp DATA OUT.PNG XLABEL COLUMN YLABEL LABELS [AXES] [TITLE] [SIZE]"
}
MEAN = int(real(A[4]))
if (MEAN < 2) { exit error "COLUMN must be a column number >= 2, got \"".A[4]."\"" }
LABELS = A[6]
N = words(LABELS)
LOGX = strstrt(" ".A[7]." ", " logx ") > 0
LOGY = strstrt(" ".A[7]." ", " logy ") > 0
SIZE = strlen(A[9]) > 0 ? A[9] : "1000,600"
# base.gp lies beside this script.
here = strlen(ARG0)
while (here > 0 && ARG0[here:here] ne "/") { here = here - 1 }
load (here > 0 ? (ARG0[1:1] eq "/" ? "" : "./").ARG0[1:here] : "./")."base.gp"
# DATA is whitespace-separated, with comment lines, not a CSV
set datafile separator whitespace
set datafile nocolumnheaders

# The value axis: from 0 (no metric of a sweep is negative) on a linear
# axis; on a log one, whole decades around the means, the bands' lows
# that are not above 0 drawn at its bottom.
undefine STATS_*
stats CSV using (column(MEAN)):(column(MEAN + 2)) nooutput
HAS_DATA = exists("STATS_max_y") && STATS_records > 0
YHI = HAS_DATA ? STATS_max_y : 1
floor10(v) = 10 ** floor(log10(v) + 1e-9)
ceil10(v) = 10 ** ceil(log10(v) - 1e-9)
if (LOGY) {
    undefine STATS_*
    stats CSV using (column(MEAN) > 0 ? column(MEAN) : NaN) nooutput
    YLO = exists("STATS_min") ? floor10(STATS_min) : 0.1
    YHI = YHI > YLO ? ceil10(YHI) : YLO * 10
    set logscale y
    set yrange [YLO:YHI]
} else {
    set yrange [0:(YHI > 0 ? YHI * 1.08 : 1)]
}
low(c) = LOGY && !(column(c) > YLO) ? YLO : column(c)

# Few values: a tic at each, so that the grid's points can be read off.
undefine STATS_*
stats CSV index 0 using 1 nooutput
if (exists("STATS_records") && STATS_records <= 12) {
    set xtics () nomirror out
    do for [k = 0:STATS_records - 1] {
        stats CSV index 0 every ::k::k using 1 nooutput
        set xtics add (sprintf("%g", STATS_min) STATS_min)
    }
}
set title A[8]
set xlabel A[3]
set ylabel A[5]
if (LOGX) { set logscale x }
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set grid
set border 3
set tics nomirror out
# The legend right of the plot, one label a line: it never covers a curve
# or the title, however long the labels.
set key outside right top vertical Left reverse samplen 2.5 title "policy"
set style fill transparent solid 0.2 noborder

plot for [i = 1:N] CSV index (i - 1) using 1:(low(MEAN + 1)):(column(MEAN + 2)) \
        with filledcurves lc rgb colour(i) notitle, \
     for [i = 1:N] CSV index (i - 1) using 1:MEAN \
        with linespoints lw 2 pt 7 ps 0.8 lc rgb colour(i) title word(LABELS, i)
