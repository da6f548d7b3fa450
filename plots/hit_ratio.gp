# hit_ratio.gp — the hit ratio over time, one line per policy:
# the share of replies served from the cache (fresh or stale) in each window.
#
#   gnuplot -c plots/hit_ratio.gp CSV PNG [SIZE] [TITLE] [LABELS] [WARMUP_S] [CAPACITY] [INCIDENTS] [SLO]
#
# The four figures take the same arguments, by position; pass "" to skip
# one (it then takes its default). Each is used as a plain value: a path
# or label with spaces, quotes or ';' is safe.
#
#   CSV        a run's timeseries.csv (replication 0 is plotted)
#   PNG        the image to write (PNG, pngcairo)
#   SIZE       WIDTH,HEIGHT in pixels; default 1200,600
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
#              this figure does not); default none
#
# `stampede plot DIR` passes all of them, from DIR's summary.json and
# scenario.json.

DEFAULT_SIZE = "1200,600"
array A[9]
do for [i = 1:9] { A[i] = i <= ARGC ? ARGV[i] : "" }
# common.gp and base.gp lie beside this script.
here = strlen(ARG0)
while (here > 0 && ARG0[here:here] ne "/") { here = here - 1 }
PLOTS_DIR = here > 0 ? (ARG0[1:1] eq "/" ? "" : "./").ARG0[1:here] : "./"
load PLOTS_DIR."common.gp"

set multiplot layout 1, 1 title (strlen(TITLE) ? TITLE.": " : "")."hit ratio per policy" font TITLE_FONT
set tmargin MARKS_MARGIN
set xlabel "time (s)"
set ylabel "hit ratio (% of replies)"
set yrange [-3:105]
set ytics 0, 20, 100
plot for [i = 1:N_LABELS] CSV using (tmid(0)):(100 * at(label_of(i), "hit_ratio")) \
        with lines linewidth width(i) linecolor rgb colour(i) title label_of(i)
unset multiplot
