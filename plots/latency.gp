# latency.gp — reply latency and errors over time, one line per policy:
# p50 (dashed) and p99 (solid) on a log scale above, the error rate below.
# Latency counts successful replies only, so always read it with the errors.
#
#   gnuplot -c plots/latency.gp CSV PNG [SIZE] [TITLE] [LABELS] [WARMUP_S] [CAPACITY] [INCIDENTS] [SLO]
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
#   SLO        the scenario's slo: "slo [p99_ms=P] [since=incident|violation]",
#              then per label "LABEL recovered AT RECOVERY_S", "LABEL never"
#              or "LABEL held"; its p99 is drawn, and a last panel shades
#              each label's windows out of it; default none
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

# Two panels on one time axis (three with an slo: the windows out of it
# below): the same left and right margins (in characters) line their x
# axes up; only the bottom one labels it. With an slo the panels are
# placed at fixed heights of the figure, so that the third can be thin.
set multiplot layout 2 + HAS_SLO, 1 title (strlen(TITLE) ? TITLE.": " : "")."reply latency and errors per policy" font TITLE_FONT
set lmargin LMARGIN
set rmargin 4

# 1. p50 and p99 of the window's successful replies, from arrival, retries
# included; log scale, whole decades; the SLO's p99, dashed red.
set tmargin MARKS_MARGIN
if (HAS_SLO) { set bmargin at screen 0.47 } else { set bmargin 0.7 }
set format x ""
unset xlabel
set ylabel "latency (ms, log scale)"
set logscale y
set yrange [(P50_LO < P99_LO ? P50_LO : P99_LO):P99_HI]
LT_LO = P50_LO < P99_LO ? P50_LO : P99_LO
LT_HI = P99_HI
load PLOTS_DIR."logtics.gp"
# The SLO's p99: a line, named in the legend (not a curve, so that a
# figure without an slo is drawn exactly as before).
if (has(SLO_P99)) {
    set arrow 4 from graph 0, first SLO_P99 to graph 1, first SLO_P99 nohead front dashtype (4, 3) linewidth 2 linecolor rgb SLO_COLOUR
}
plot for [i = 1:N_LABELS] CSV using (tmid(0)):(at(label_of(i), "p99_ms")) \
        with lines linewidth width(i) linecolor rgb colour(i) title label_of(i), \
     for [i = 1:N_LABELS] CSV using (tmid(0)):(at(label_of(i), "p50_ms")) \
        with lines linewidth 1.2 dashtype (6, 4) linecolor rgb colour(i), \
     keyentry with lines linewidth 2 linecolor rgb STYLE_COLOUR title "p99", \
     keyentry with lines linewidth 1.2 dashtype (6, 4) linecolor rgb STYLE_COLOUR title "p50", \
     for [i = 1:has(SLO_P99)] keyentry with lines dashtype (4, 3) linewidth 2 linecolor rgb SLO_COLOUR title sprintf("SLO p99 %g ms", SLO_P99)
unset label
unset arrow 4
unset key
unset logscale y

# 2. errors (every cause) as a share of the window's completions.
if (HAS_SLO) {
    set tmargin at screen 0.455
    set bmargin at screen 0.265
} else {
    set tmargin 0.7
    set bmargin 4
    set format x "%g"
    set xlabel "time (s)"
}
set ylabel "errors (% of replies)"
set yrange [-0.03 * ERR_TOP:1.05 * ERR_TOP]
set ytics 0, ERR_STEP, ERR_TOP
plot for [i = 1:N_LABELS] CSV using (tmid(0)):(err_pct(label_of(i))) \
        with filledcurves y=0 fillstyle transparent solid 0.12 noborder linecolor rgb colour(i), \
     for [i = 1:N_LABELS] CSV using (tmid(0)):(err_pct(label_of(i))) \
        with lines linewidth width(i) linecolor rgb colour(i)

# 3. with an slo: the windows out of it, and the recovery.
if (HAS_SLO) {
    set tmargin at screen 0.25
    set bmargin 4
    set format x "%g"
    set xlabel "time (s)"
    load PLOTS_DIR."slo.gp"
}
unset multiplot
