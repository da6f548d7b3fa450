# slo.gp — the panel of the windows out of SLO: one row per policy label,
# a box in the label's colour over each window that broke an objective
# (its SLO window did), and where the policy recovered — or that it did
# not, or held throughout.
#
# Not run alone: latency.gp and comparison.gp load it as their last panel
# when the scenario has an slo (HAS_SLO, from common.gp), after setting
# its margins.

unset logscale y
unset y2tics
unset y2label
set yrange [N_LABELS + 0.6:0.4]
set ytics () nomirror
do for [i = 1:N_LABELS] { set ytics add (label_of(i) i) }
set ylabel "out of SLO"
set grid xtics noytics
# The incidents' lines go behind the texts here, which are boxed: a line
# through "in SLO throughout" would cross it out.
do for [k = 1:N_INC] {
    if (INC_T[k] >= XMIN && INC_T[k] <= XMAX) {
        set arrow 100 + k from INC_T[k], graph 0 to INC_T[k], graph 1 nohead back dashtype (8, 5) linewidth 1.3 linecolor rgb "#333333"
    }
}
# "in SLO throughout" goes in the middle of the widest stretch between
# the marks (the warmup's end, the incidents, the end), where no line
# crosses it.
held_from = WARMUP > XMIN ? WARMUP : XMIN
HELD_AT = (held_from + XMAX) / 2
held_gap = 0
held_prev = held_from
do for [k = 1:N_INC + 1] {
    held_next = k <= N_INC ? INC_T[k] : XMAX
    if (held_next > held_prev && held_next <= XMAX && held_next - held_prev > held_gap) {
        held_gap = held_next - held_prev
        HELD_AT = (held_prev + held_next) / 2
    }
    if (held_next > held_prev) { held_prev = held_next }
}
SINCE_TEXT = SLO_SINCE eq "violation" ? "its first violation" : "the last incident"
# The recovery's text goes right of its mark, or, when it would not fit
# there, left of it (over the boxes, on an opaque background). Its width
# in seconds of the axis, roughly: a character of the font is about 0.65
# of its size in pixels, and the panel about 85 % of the figure's width.
text_seconds(t) = (strlen(t) + 2) * FONT_PT * 0.65 / (WIDTH * 0.85) * (XMAX - XMIN)
do for [i = 1:N_LABELS] {
    if (SLO_STATE[i] eq "recovered") {
        rec_text = SLO_REC[i] > 0 ? sprintf("recovered %g s after %s", SLO_REC[i], SINCE_TEXT) : "back in SLO by ".SINCE_TEXT
        rec_left = SLO_AT[i] + text_seconds(rec_text) > XMAX
        set arrow 300 + i from SLO_AT[i], first i - 0.42 to SLO_AT[i], first i + 0.42 nohead front linewidth 2.5 linecolor rgb colour(i)
        if (rec_left) {
            set label 300 + i rec_text at SLO_AT[i], first i right offset character -0.8, 0 front boxed textcolor rgb "#222222"
        } else {
            set label 300 + i rec_text at SLO_AT[i], first i left offset character 0.8, 0 front boxed textcolor rgb "#222222"
        }
    }
    if (SLO_STATE[i] eq "never") {
        set label 300 + i "not recovered by the end" at graph 0.995, first i right front boxed textcolor rgb "#222222"
    }
    if (SLO_STATE[i] eq "held") {
        set label 300 + i "in SLO throughout" at HELD_AT, first i center front boxed textcolor rgb "#222222"
    }
}
plot for [i = 1:N_LABELS] CSV using (tmid(0)):(slo_out(label_of(i)) ? i : NaN):(column("span_s") / 2):(0.32) \
        with boxxyerror fillstyle solid 0.6 noborder linecolor rgb colour(i)
do for [i = 1:N_LABELS] {
    unset arrow 300 + i
    unset label 300 + i
}
