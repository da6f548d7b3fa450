# compare.gp — `stampede compare`'s overlay: the timelines of several
# result folders on one time axis. Hit ratio; queries at the database;
# p99 latency (log); errors. A colour per policy label, a dash pattern
# per folder.
#
#   gnuplot -c plots/compare.gp DATA OUT.PNG BLOCKS FOLDERS [TITLE] [SIZE]
#
#   DATA     a compare_figure.dat written by `stampede compare`: a block
#            per folder and label, rows "t_mid_s hit_ratio_pct
#            db_inflight_mean p99_ms error_pct" (NaN: undefined)
#   OUT.PNG  the image to write
#   BLOCKS   one line per block, in order: "FOLDER LABEL COLOUR DASH" —
#            the folder's letter, the label, the colour's index (one per
#            label) and the dash pattern's (one per folder)
#   FOLDERS  one line per folder, "A: PATH", for the legend
#   TITLE    the figure's title
#   SIZE     WIDTH,HEIGHT in pixels (default 1200,1000)
#
# Every argument is used as a value, never as a command (see base.gp).

array A[9]
do for [i = 1:9] { A[i] = i <= ARGC ? ARGV[i] : "" }
if (strlen(A[1]) == 0 || strlen(A[2]) == 0 || strlen(A[3]) == 0) {
    exit error "usage: gnuplot -c plots/compare.gp DATA OUT.PNG BLOCKS FOLDERS [TITLE] [SIZE]"
}
SIZE = strlen(A[6]) > 0 ? A[6] : "1200,1000"
here = strlen(ARG0)
while (here > 0 && ARG0[here:here] ne "/") { here = here - 1 }
PLOTS_DIR = here > 0 ? (ARG0[1:1] eq "/" ? "" : "./").ARG0[1:here] : "./"
load PLOTS_DIR."base.gp"
set datafile separator whitespace
set datafile nocolumnheaders

# ---- BLOCKS and FOLDERS, line by line -------------------------------------
# line(t, k): the k-th line of t
line(t, k) = k <= 1 ? (strstrt(t, "\n") ? t[1:strstrt(t, "\n") - 1] : t) : (strstrt(t, "\n") ? line(t[strstrt(t, "\n") + 1:], k - 1) : "")
count_lines(t) = strlen(t) == 0 ? 0 : 1 + (strstrt(t, "\n") && strstrt(t, "\n") < strlen(t) ? count_lines(t[strstrt(t, "\n") + 1:]) : 0)
NB = count_lines(A[3])
NF = count_lines(A[4])
if (NB == 0) { exit error "BLOCKS: no block to draw" }
array B_COL[NB]
array B_DASH[NB]
NG = 0
do for [b = 1:NB] {
    B_COL[b] = int(real(word(line(A[3], b), 3)))
    B_DASH[b] = int(real(word(line(A[3], b), 4)))
    NG = B_COL[b] > NG ? B_COL[b] : NG
}
# the label of each colour, for the legend
array G_LABEL[NG]
do for [b = 1:NB] { G_LABEL[B_COL[b]] = word(line(A[3], b), 2) }

# ---- the time axis, and where the panels' values lie ------------------------
undefine STATS_*
stats CSV using 1 nooutput
if (!exists("STATS_min")) { exit error CSV.": no window to draw" }
# windows are plotted at their middle: the first at half a window
set xrange [0:STATS_max + STATS_min]
undefine STATS_*
stats CSV using 3 nooutput
DBN_HI = exists("STATS_max") && STATS_max > 0 ? STATS_max * 1.1 : 1
undefine STATS_*
stats CSV using (column(4) > 0 ? column(4) : NaN) nooutput
floor10(v) = 10 ** floor(log10(v) + 1e-9)
ceil10(v) = 10 ** ceil(log10(v) - 1e-9)
P99_LO = exists("STATS_min") ? floor10(STATS_min) : 0.1
P99_HI = exists("STATS_max") ? ceil10(STATS_max * 1.01) : 1000
P99_HI = P99_HI > P99_LO ? P99_HI : P99_LO * 10

TITLE_FONT = sprintf("Sans,%.1f", FONT_PT * 1.3)
set border 3 linecolor rgb "#444444"
set tics nomirror out
set grid xtics ytics linecolor rgb "#d0d0d0" linewidth 0.6 dashtype solid
set multiplot layout 4, 1 title (strlen(A[5]) ? A[5] : "comparison") font TITLE_FONT
set lmargin 12
set rmargin 4

# 1. hit ratio, with the legend: a colour per label, a dash per folder
set tmargin 5
set bmargin 0.7
set format x ""
set key top center horizontal outside noautotitle Left reverse samplen 3 spacing 1.1
set ylabel "hit ratio (%)"
set yrange [-3:105]
set ytics 0, 25, 100
plot for [b = 1:NB] CSV index (b - 1) using 1:2 with lines linewidth 2 dashtype B_DASH[b] linecolor rgb colour(B_COL[b]), \
     for [g = 1:NG] keyentry with lines linewidth 2 linecolor rgb colour(g) title G_LABEL[g], \
     for [f = 1:NF] keyentry with lines linewidth 2 dashtype f linecolor rgb "#444444" title line(A[4], f)
unset key

# 2. queries at the database, time average
set tmargin 0.7
set ylabel "queries at the database"
set yrange [0:DBN_HI]
set ytics autofreq
plot for [b = 1:NB] CSV index (b - 1) using 1:3 with lines linewidth 2 dashtype B_DASH[b] linecolor rgb colour(B_COL[b])

# 3. p99 latency of successful replies, log scale
set ylabel "p99 latency (ms, log)"
set logscale y
set yrange [P99_LO:P99_HI]
LT_LO = P99_LO
LT_HI = P99_HI
load PLOTS_DIR."logtics.gp"
plot for [b = 1:NB] CSV index (b - 1) using 1:4 with lines linewidth 2 dashtype B_DASH[b] linecolor rgb colour(B_COL[b])
unset logscale y
set ytics autofreq

# 4. errors as a share of the completions
set bmargin 4
set format x "%g"
set xlabel "time (s)"
set ylabel "errors (% of replies)"
set yrange [-3:105]
set ytics 0, 25, 100
plot for [b = 1:NB] CSV index (b - 1) using 1:5 with lines linewidth 2 dashtype B_DASH[b] linecolor rgb colour(B_COL[b])
unset multiplot
