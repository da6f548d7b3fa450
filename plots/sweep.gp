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
#   SIZE     WIDTH,HEIGHT in pixels (default 1200,720)
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
SIZE = strlen(A[9]) > 0 ? A[9] : "1200,720"
# base.gp and logtics.gp lie beside this script.
here = strlen(ARG0)
while (here > 0 && ARG0[here:here] ne "/") { here = here - 1 }
PLOTS_DIR = here > 0 ? (ARG0[1:1] eq "/" ? "" : "./").ARG0[1:here] : "./"
load PLOTS_DIR."base.gp"
# DATA is whitespace-separated, with comment lines, not a CSV
set datafile separator whitespace
set datafile nocolumnheaders

# The varied values (XV[1..N_X], increasing), read before any range is
# set: the stats of one column keep only the values within the y range,
# which is the metric's.
undefine STATS_*
stats CSV index 0 using 1 nooutput
N_X = exists("STATS_records") ? STATS_records : 0
X_LO = N_X > 0 ? STATS_min : 0
X_HI = N_X > 0 ? STATS_max : 1
array XV[N_X > 0 ? N_X : 1]
do for [k = 1:N_X] {
    stats CSV index 0 every ::(k - 1)::(k - 1) using 1 nooutput
    XV[k] = STATS_min
}

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
    LT_LO = YLO
    LT_HI = YHI
    load PLOTS_DIR."logtics.gp"
} else {
    set yrange [0:(YHI > 0 ? YHI * 1.08 : 1)]
}
low(c) = LOGY && !(column(c) > YLO) ? YLO : column(c)

# Few values: a tic at each, so that the grid's points can be read off.
# A value whose label would run into the last one labelled keeps its tic
# but no label. Where a value falls: its share of the axis, which spans
# about three quarters of the figure's width (the legend takes the
# right) less the offsets (3 % each side); a label is about 0.85 of the
# font size a character, and a font size apart from the next.
if (N_X > 0 && N_X <= 12) {
    set xtics () nomirror out
    AXIS_PX = WIDTH * 0.75 / 1.06
    x_share(v) = X_HI > X_LO ? (LOGX ? log(v / X_LO) / log(X_HI / X_LO) : (v - X_LO) / (X_HI - X_LO)) : 0.5
    last_px = -1e9
    last_w = 0
    do for [k = 1:N_X] {
        tic_v = XV[k]
        tic_text = sprintf("%g", tic_v)
        tic_w = strlen(tic_text) * FONT_PT * 0.85
        tic_px = x_share(tic_v) * AXIS_PX
        if (tic_px - last_px >= (tic_w + last_w) / 2 + FONT_PT) {
            set xtics add (tic_text tic_v)
            last_px = tic_px
            last_w = tic_w
        } else {
            set xtics add ("" tic_v)
        }
    }
}
set title A[8] font sprintf("Sans,%.1f", FONT_PT * 1.3)
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
