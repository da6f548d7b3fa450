# comparison.gp — the figure for a postmortem: the policies side by side on
# one time axis. Hit ratio; queries in execution at the database against its
# capacity and connection limit; p99 latency (log) with the error rate.
#
#   gnuplot -c plots/comparison.gp CSV PNG [SIZE] [TITLE] [LABELS] [WARMUP_S] [CAPACITY] [INCIDENTS] [SLO]
#
# The four figures take the same arguments, by position; pass "" to skip
# one (it then takes its default). Each is used as a plain value: a path
# or label with spaces, quotes or ';' is safe.
#
#   CSV        a run's timeseries.csv (replication 0 is plotted)
#   PNG        the image to write (PNG, pngcairo)
#   SIZE       WIDTH,HEIGHT in pixels; default 1200,900
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
#   SLO        the scenario's slo: "slo [p99_ms=P] [since=incident|violation]",
#              then per label "LABEL recovered AT RECOVERY_S", "LABEL never"
#              or "LABEL held"; its p99 is drawn, and a last panel shades
#              each label's windows out of it; default none
#
# `stampede plot DIR` passes all of them, from DIR's summary.json and
# scenario.json.

DEFAULT_SIZE = "1200,900"
array A[9]
do for [i = 1:9] { A[i] = i <= ARGC ? ARGV[i] : "" }
# common.gp and base.gp lie beside this script.
here = strlen(ARG0)
while (here > 0 && ARG0[here:here] ne "/") { here = here - 1 }
PLOTS_DIR = here > 0 ? (ARG0[1:1] eq "/" ? "" : "./").ARG0[1:here] : "./"
load PLOTS_DIR."common.gp"
load PLOTS_DIR."dbscale.gp"

# Three panels on one time axis (four with an slo: the windows out of it
# below): the same left and right margins (in characters) line their x
# axes up; only the bottom one labels it. With an slo the panels are
# placed at fixed heights of the figure, so that the fourth can be thin.
set multiplot layout 3 + HAS_SLO, 1 title (strlen(TITLE) ? TITLE.": " : "")."hit ratio, database load and latency per policy" font TITLE_FONT
set lmargin LMARGIN
set rmargin 12

# 1. hit ratio, with the legend (policies, and the styles of the other
# panels' reference lines) and the marks' labels.
set tmargin MARKS_MARGIN
if (HAS_SLO) { set bmargin at screen 0.70 } else { set bmargin 0.7 }
set format x ""
unset xlabel
set ylabel "hit ratio (%)"
set yrange [-3:105]
set ytics 0, 25, 100
plot for [i = 1:N_LABELS] CSV using (tmid(0)):(100 * at(label_of(i), "hit_ratio")) \
        with lines linewidth width(i) linecolor rgb colour(i) title label_of(i), \
     for [i = 1:has(CAP_N)] keyentry with lines dashtype (10, 6) linewidth 1.5 linecolor rgb CAP_COLOUR title CAP_N_KEY, \
     for [i = 1:has(CONNS)] keyentry with lines dashtype (3, 4) linewidth 1.5 linecolor rgb CONNS_COLOUR title "max_connections", \
     for [i = 1:has(SLO_P99)] keyentry with lines dashtype (4, 3) linewidth 2 linecolor rgb SLO_COLOUR title sprintf("SLO p99 %g ms", SLO_P99)
unset label
unset key

# 2. queries in execution at the database, against its capacity (steps,
# when the timeline changes it) and its connection limit, their values in
# the right margin.
if (HAS_SLO) {
    set tmargin at screen 0.685
    set bmargin at screen 0.485
} else {
    set tmargin 0.7
}
set ylabel "queries at the database".(DBN_LOG ? " (log)" : "")
AX_TOP = DBN_TOP
AX_LOG = DBN_LOG
load PLOTS_DIR."dbaxis.gp"
ref_gap = has(CAP_N) && has(CONNS) && abs(axis_frac(CAP_N) - axis_frac(CONNS)) < 0.12
cap_dy = ref_gap ? (CAP_N > CONNS ? 0.55 : -0.55) : 0
if (has(CAP_N)) {
    set label 2 CAP_N_TEXT at graph 1, first CAP_N left offset character 0.8, cap_dy front textcolor rgb CAP_COLOUR
}
if (has(CONNS)) {
    set label 3 CONNS_TEXT at graph 1, first CONNS left offset character 0.8, -cap_dy front textcolor rgb CONNS_COLOUR
}
plot for [i = 1:N_LABELS] CSV using (tmid(0)):(at(label_of(i), "db_inflight_mean")) \
        with lines linewidth width(i) linecolor rgb colour(i), \
     for [i = 1:has(CAP_N)] cap_n_at(x) with lines dashtype (10, 6) linewidth 1.5 linecolor rgb CAP_COLOUR, \
     for [i = 1:has(CONNS)] CONNS with lines dashtype (3, 4) linewidth 1.5 linecolor rgb CONNS_COLOUR
unset label
unset nonlinear y

# 3. p99 latency (log) and, on the right axis, the error rate, shaded so
# that a policy failing every request cannot be missed: latency counts
# successful replies only, so the two are read together. The SLO's p99,
# dashed red (named in the legend).
if (HAS_SLO) {
    set tmargin at screen 0.47
    set bmargin at screen 0.27
} else {
    set bmargin 4
    set format x "%g"
    set xlabel "time (s)"
}
set ylabel "p99 latency (ms, log) — solid"
set logscale y
set yrange [P99_LO:P99_HI]
LT_LO = P99_LO
LT_HI = P99_HI
load PLOTS_DIR."logtics.gp"
set y2label "errors (% of replies), shaded"
set y2range [-0.03 * ERR_TOP:1.05 * ERR_TOP]
set y2tics 0, ERR_STEP, ERR_TOP nomirror out
plot for [i = 1:N_LABELS] CSV using (tmid(0)):(at(label_of(i), "p99_ms")) \
        with lines linewidth width(i) linecolor rgb colour(i), \
     for [i = 1:N_LABELS] CSV using (tmid(0)):(err_pct(label_of(i))) axes x1y2 \
        with filledcurves y=0 fillstyle transparent solid 0.12 noborder linecolor rgb colour(i), \
     for [i = 1:N_LABELS] CSV using (tmid(0)):(err_pct(label_of(i))) axes x1y2 \
        with lines linewidth 2 dashtype (8, 4) linecolor rgb colour(i), \
     for [i = 1:has(SLO_P99)] SLO_P99 with lines dashtype (4, 3) linewidth 2 linecolor rgb SLO_COLOUR
unset label

# 4. with an slo: the windows out of it, and the recovery.
if (HAS_SLO) {
    set tmargin at screen 0.255
    set bmargin 4
    set format x "%g"
    set xlabel "time (s)"
    load PLOTS_DIR."slo.gp"
}
unset multiplot
