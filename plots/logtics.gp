# logtics.gp — the tics of a logarithmic value axis from LT_LO to LT_HI
# (powers of ten): at 1, 2 and 5 times each power of ten when the axis
# spans at most two decades — labelled at its two ends alone, a value such
# as 220 ms could not be read off — and gnuplot's own (the decades)
# beyond. Loaded by the figures with a log axis, after base.gp (FONT_PT).
if (LT_HI <= 100.001 * LT_LO) {
    set ytics () nomirror out
    do for [lt_e = floor(log10(LT_LO) + 1e-9):ceil(log10(LT_HI) - 1e-9)] {
        do for [lt_m in "1 2 5"] {
            lt_v = real(lt_m) * 10.0**lt_e
            # a tic exactly at an end of a log axis is not drawn (a
            # rounding of gnuplot's): it goes a hair inside
            lt_at = lt_v < LT_LO * 1.000001 ? lt_v * (1 + 1e-9) : (lt_v > LT_HI * 0.999999 ? lt_v * (1 - 1e-9) : lt_v)
            if (lt_v >= LT_LO * 0.999 && lt_v <= LT_HI * 1.001) {
                set ytics add (sprintf("%g", lt_v) lt_at)
            }
        }
    }
} else {
    set ytics autofreq nomirror out
}
