# db_load.gp — the database's load over time, one line per policy:
# queries at the database (time average, and the most at once) above, queries
# admitted per second below, against the capacity and the connection limit.
#
#   gnuplot -c plots/db_load.gp CSV PNG [SIZE] [TITLE] [LABELS] [WARMUP_S] [CAPACITY] [INCIDENTS] [SLO]
#
# The four figures take the same arguments, by position; pass "" to skip
# one (it then takes its default). Each is used as a plain value: a path
# or label with spaces, quotes or ';' is safe.
#
#   CSV        a run's timeseries.csv (replication 0 is plotted)
#   PNG        the image to write (PNG, pngcairo)
#   SIZE       WIDTH,HEIGHT in pixels; default 1200,800
#   TITLE      shown in the figure's title, e.g. the scenario's name
#   LABELS     the policy labels to plot, separated by spaces, in legend
#              order; default every label in the CSV, in its order
#   WARMUP_S   seconds of warmup, shaded grey; default 0 (none)
#   CAPACITY   the database's reference lines, words KEY=VALUE:
#                cores=C   capacity in queries in execution (ps: C cores)
#                peak=N    or, for a USL curve, its peak concurrency
#                          n* = sqrt((1 - sigma) / kappa)
#                qps=Q     most queries per second: max W / mean service
#                conns=M   database.max_connections
#                scale=S   the database panels' value axis: log (log(1 + y)),
#                          linear, or auto (log where it spans a decade)
#              e.g. "cores=8 qps=40 conns=100 scale=auto"; then, one a line,
#              "AT cores=C qps=Q" where an incident changed the capacity
#              (drawn as steps); default none
#   INCIDENTS  one incident per line, "AT LABEL": seconds, one space, the
#              text; a dashed vertical line, labelled in the top panel
#   SLO        the scenario's slo (latency.gp and comparison.gp draw it;
#              this figure does not), then its "=mark" lines: a window
#              where a policy's own count was above 0 (PER's refresh
#              storms) is ringed on that policy's line below; default none
#
# `stampede plot DIR` passes all of them, from DIR's summary.json and
# scenario.json.

DEFAULT_SIZE = "1200,800"
array A[9]
do for [i = 1:9] { A[i] = i <= ARGC ? ARGV[i] : "" }
# common.gp and base.gp lie beside this script.
here = strlen(ARG0)
while (here > 0 && ARG0[here:here] ne "/") { here = here - 1 }
PLOTS_DIR = here > 0 ? (ARG0[1:1] eq "/" ? "" : "./").ARG0[1:here] : "./"
load PLOTS_DIR."common.gp"
load PLOTS_DIR."dbscale.gp"

# Two panels on one time axis: the same left and right margins (in
# characters) line their x axes up; only the bottom one labels it. The
# right margin holds the values of the reference lines, beside their ends,
# where they cover no curve; the legend names their styles.
set multiplot layout 2, 1 title (strlen(TITLE) ? TITLE.": " : "")."database load per policy" font TITLE_FONT
set lmargin 12
set rmargin 13

# 1. queries at the database (client and background, abandoned ones still
# running included): the window's time average and its maximum, against
# the capacity (steps, when the timeline changes it) and the connection
# limit.
set tmargin MARKS_MARGIN
set bmargin 0.7
set format x ""
unset xlabel
set ylabel "queries at the database".(DBN_LOG ? " (log scale)" : "")
AX_TOP = DBN_TOP
AX_LOG = DBN_LOG
load PLOTS_DIR."dbaxis.gp"
# the two values in the margin: apart by at least a line of text
ref_gap = has(CAP_N) && has(CONNS) && abs(axis_frac(CAP_N) - axis_frac(CONNS)) < 0.09
cap_dy = ref_gap ? (CAP_N > CONNS ? 0.55 : -0.55) : 0
if (has(CAP_N)) {
    set label 2 CAP_N_TEXT at graph 1, first CAP_N left offset character 0.8, cap_dy front textcolor rgb CAP_COLOUR
}
if (has(CONNS)) {
    set label 3 CONNS_TEXT at graph 1, first CONNS left offset character 0.8, -cap_dy front textcolor rgb CONNS_COLOUR
}
plot for [i = 1:N_LABELS] CSV using (tmid(0)):(at(label_of(i), "db_inflight_mean")) \
        with lines linewidth width(i) linecolor rgb colour(i) title label_of(i), \
     for [i = 1:N_LABELS] CSV using (tmid(0)):(at(label_of(i), "db_inflight_max")) \
        with lines linewidth 1 dashtype (2, 3) linecolor rgb colour(i), \
     keyentry with lines linewidth 2 linecolor rgb STYLE_COLOUR title "mean", \
     keyentry with lines linewidth 1 dashtype (2, 3) linecolor rgb STYLE_COLOUR title "max", \
     for [i = 1:has(CAP_N)] cap_n_at(x) with lines dashtype (10, 6) linewidth 1.5 linecolor rgb CAP_COLOUR title CAP_N_KEY, \
     for [i = 1:has(CONNS)] CONNS with lines dashtype (3, 4) linewidth 1.5 linecolor rgb CONNS_COLOUR title "max_connections", \
     for [k = 1:(N_MARKS > 0)] keyentry with points pointtype 6 pointsize 1.6 linewidth 1.5 linecolor rgb STYLE_COLOUR title MARK_TITLE
unset label
unset key

# 2. client queries admitted per second, against the most the database
# can complete per second (background traffic takes its share of that).
set tmargin 0.7
set bmargin 4
set format x "%g"
set xlabel "time (s)"
set ylabel "queries admitted (per second)".(QPS_LOG ? " (log scale)" : "")
AX_TOP = QPS_AXIS_TOP
AX_LOG = QPS_LOG
load PLOTS_DIR."dbaxis.gp"
if (has(QPS)) {
    set label 4 QPS_TEXT at graph 1, first QPS left offset character 0.8, 0 front textcolor rgb CAP_COLOUR
}
# A policy's own count above 0 in a window (PER's refresh storms): a ring
# on its line there.
marked(k) = mine(MARK_LABEL[k]) && strcol(MARK_COL[k]) ne "" && column(MARK_COL[k]) > 0 ? val("db_qps") : NaN
plot for [i = 1:N_LABELS] CSV using (tmid(0)):(at(label_of(i), "db_qps")) \
        with lines linewidth width(i) linecolor rgb colour(i), \
     for [i = 1:has(QPS)] cap_qps_at(x) with lines dashtype (10, 6) linewidth 1.5 linecolor rgb CAP_COLOUR, \
     for [k = 1:N_MARKS] CSV using (tmid(0)):(marked(k)) \
        with points pointtype 6 pointsize 1.6 linewidth 1.5 linecolor rgb colour(index_of(MARK_LABEL[k])) notitle
unset multiplot
