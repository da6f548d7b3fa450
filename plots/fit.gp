# fit.gp — the QQ plot of `stampede fit`: each fitted model's quantiles
# against the samples' (log-log), with the line on which a perfect fit
# lies.
#
#   gnuplot -c plots/fit.gp QQ.CSV OUT.PNG [SIZE] [TITLE] [UNIT]
#
#   QQ.CSV   the data `stampede fit --plot` writes: p,samples,lognormal,gamma
#   OUT.PNG  the image to write
#   SIZE     WIDTH,HEIGHT in pixels (default 900,800)
#   TITLE    what the samples are (their file)
#   UNIT     the unit of the quantiles (default s)
#
# Every argument is used as a value, never as a command (no eval, no
# macros); relative paths get "./" in front (see base.gp).

array A[9]
do for [i = 1:9] { A[i] = i <= ARGC ? ARGV[i] : "" }
if (strlen(A[1]) == 0 || strlen(A[2]) == 0) {
    exit error "usage: gnuplot -c plots/fit.gp QQ.CSV OUT.PNG [SIZE] [TITLE] [UNIT]"
}
SIZE = strlen(A[3]) > 0 ? A[3] : "900,800"
UNIT = strlen(A[5]) > 0 ? A[5] : "s"
# base.gp lies beside this script.
here = strlen(ARG0)
while (here > 0 && ARG0[here:here] ne "/") { here = here - 1 }
load (here > 0 ? (ARG0[1:1] eq "/" ? "" : "./").ARG0[1:here] : "./")."base.gp"

set logscale xy
set grid
set key top left
set size square
set title "QQ plot".(strlen(A[4]) ? " of ".A[4] : "")." (on the line: a perfect fit)"
set xlabel "sample quantile (".UNIT.")"
set ylabel "model quantile (".UNIT.")"
plot CSV using (val("samples")):(val("samples")) with lines dashtype 2 lc rgb "#999999" title "y = x", \
     CSV using (val("samples")):(val("lognormal")) with points pt 7 ps 0.6 lc rgb colour(1) title "lognormal", \
     CSV using (val("samples")):(val("gamma")) with points pt 5 ps 0.6 lc rgb colour(2) title "gamma"
