# per_feedback.gp — the figure of docs/policies.md, "When PER's delta
# feeds back": scenarios/per-feedback.json's cost (database queries per
# second) and its errors against beta, one line per way of getting the
# delta, with the 95 % interval of the replications' mean.
#
#   gnuplot -c plots/per_feedback.gp DATA OUT.PNG
#
#   DATA     what tools/feedback-figure writes: "beta label db_qps
#            db_qps_ci95 error_pct error_pct_ci95", a line per point, a
#            block per label in the order of LABELS below
#   OUT.PNG  the image to write

if (ARGC < 2) { exit error "usage: gnuplot -c plots/per_feedback.gp DATA OUT.PNG" }
DAT = ARGV[1]
set terminal pngcairo size 1000, 760 noenhanced font "Sans,11" linewidth 1.5
set output ARGV[2]
# Okabe–Ito colours, as the run figures (base.gp)
PALETTE = "#D55E00 #0072B2 #009E73 #CC79A7"
LABELS = "measured clamped fixed-220ms fixed-400ms"
title_of(i) = i == 1 ? "delta measured" : i == 2 ? "delta clamped to [300 ms, 600 ms]" : i == 3 ? "delta fixed at 220 ms" : "delta fixed at 400 ms"
set multiplot layout 2, 1 title "per-feedback: one key at 2000 req/s, TTL 5 s, recompute p50 200 ms / p99 600 ms, 4 cores"
set logscale x
set xrange [0.25:3.5]
set xtics (0.3, 0.5, 0.7, 1, 1.5, 2, 3)
set grid
set key top left
set ylabel "database queries per second (the key's cost)"
set logscale y
set bars small
plot for [i = 1:4] DAT index i - 1 using 1:3:4 \
        with yerrorlines lw 2 pt 7 ps 0.8 lc rgb word(PALETTE, i) title title_of(i)
unset logscale y
set ylabel "requests failed (%)"
set xlabel "beta"
set yrange [0:*]
plot for [i = 1:4] DAT index i - 1 using 1:5:6 \
        with yerrorlines lw 2 pt 7 ps 0.8 lc rgb word(PALETTE, i) notitle
unset multiplot
