# common.gp — what the four figures of a run share beyond base.gp: their
# arguments, how they read timeseries.csv, and the marks every panel
# carries (warmup, incidents, database reference lines).
#
# Not run alone: each figure copies its arguments into A[1..9] (a `load`
# clears ARG1..ARG9), sets DEFAULT_SIZE and PLOTS_DIR (where the scripts
# are), and loads this file. See any figure's header for the arguments.

if (strlen(A[1]) == 0 || strlen(A[2]) == 0) {
    exit error "usage: gnuplot -c plots/FIGURE.gp TIMESERIES.CSV OUT.PNG [SIZE] [TITLE] [LABELS] [WARMUP_S] [CAPACITY] [INCIDENTS] [SLO]"
}
TITLE = A[4]
LABELS = A[5]
WARMUP = strlen(A[6]) > 0 ? real(A[6]) : 0
SIZE = strlen(A[3]) > 0 ? A[3] : DEFAULT_SIZE
load PLOTS_DIR."base.gp"

# ---- timeseries.csv: named columns, rep 0, one curve per label ------------
mine(l) = strcol("label") eq l && column("rep") == 0
at(l, c) = mine(l) ? val(c) : NaN
# A window's value is plotted at its middle.
tmid(dummy) = column("t_s") + column("span_s") / 2
# Errors as a share of the window's completions, in %.
err_pct(l) = mine(l) && column("completed") > 0 ? 100.0 * column("error") / column("completed") : NaN

# The time axis: the whole run.
undefine STATS_*
stats CSV using "t_s":(column("t_s") + column("span_s")) nooutput
if (!exists("STATS_min_x")) { exit error CSV.": no window to plot (not a timeseries.csv of stampede?)" }
XMIN = STATS_min_x
XMAX = STATS_max_y
set xrange [XMIN:XMAX]

# LABELS not given: base.gp took every label of the CSV, in the order of
# its rows (the order of the scenario's policies).
N_LABELS = words(LABELS)
plotted(l) = strstrt(" ".LABELS." ", " ".l." ") > 0 && column("rep") == 0
if (N_LABELS == 0) { exit error "no policy label to plot in ".CSV }

label_of(i) = word(LABELS, i)
# The left margin, in characters: room for the value axes' numbers and
# titles, and for the longest label where the SLO panel writes the labels
# as its tics (refresh_ahead would otherwise run off the figure).
LMARGIN = 12
do for [i = 1:N_LABELS] {
    if (strlen(label_of(i)) + 4 > LMARGIN) { LMARGIN = strlen(label_of(i)) + 4 }
}
# Where policies agree their lines coincide: the first is drawn widest and
# each next one narrower on top of it, so that every line stays visible.
width(i) = 1.6 + (N_LABELS > 1 ? 2.4 * (N_LABELS - i) / (N_LABELS - 1.0) : 0)

# ---- CAPACITY: a first line of words KEY=VALUE — "cores=C", or "peak=N"
# for a USL curve; "qps=Q"; "conns=M"; "scale=auto|log|linear" — then a
# line "AT cores=C qps=Q" (or peak=) for each incident that changed the
# capacity. The capacity is drawn as steps over time: cap_n_at(t) and
# cap_qps_at(t), functions of the arrays CAP_T, CAP_NV, CAP_QV; CAP_N and
# QPS are its values at the end, CAP_N_TOP and QPS_TOP its largest.
CORES = NaN; PEAK = NaN; QPS = NaN; CONNS = NaN; SCALE = "auto"
CAP_N = NaN; CAP_N_TOP = NaN; QPS_TOP = NaN
max2(a, b) = a == a ? (b == b && b > a ? b : a) : b
N_CAP = 0
cap_rest = A[7]
while (strlen(cap_rest) > 0) {
    cap_nl = strstrt(cap_rest, "\n")
    N_CAP = N_CAP + (words(cap_nl ? cap_rest[1:cap_nl - 1] : cap_rest) > 0)
    cap_rest = cap_nl ? cap_rest[cap_nl + 1:] : ""
}
array CAP_T[N_CAP > 0 ? N_CAP : 1]
array CAP_NV[N_CAP > 0 ? N_CAP : 1]
array CAP_QV[N_CAP > 0 ? N_CAP : 1]
cap_k = 0
cap_rest = A[7]
while (strlen(cap_rest) > 0) {
    cap_nl = strstrt(cap_rest, "\n")
    cap_line = cap_nl ? cap_rest[1:cap_nl - 1] : cap_rest
    cap_rest = cap_nl ? cap_rest[cap_nl + 1:] : ""
    if (words(cap_line) > 0) {
        cap_k = cap_k + 1
        CAP_T[cap_k] = cap_k == 1 ? XMIN : real(word(cap_line, 1))
        CAP_NV[cap_k] = NaN
        CAP_QV[cap_k] = NaN
        do for [w in cap_line] {
            cap_eq = strstrt(w, "=")
            cap_key = cap_eq ? w[1:cap_eq - 1] : w
            cap_val = cap_eq ? w[cap_eq + 1:] : ""
            if (cap_key eq "cores" || cap_key eq "peak") { CAP_NV[cap_k] = real(cap_val) }
            if (cap_key eq "cores" && cap_k == 1) { CORES = real(cap_val) }
            if (cap_key eq "peak" && cap_k == 1) { PEAK = real(cap_val) }
            if (cap_key eq "qps") { CAP_QV[cap_k] = real(cap_val) }
            if (cap_key eq "conns") { CONNS = real(cap_val) }
            if (cap_key eq "scale") { SCALE = cap_val }
        }
        CAP_N = CAP_NV[cap_k]; QPS = CAP_QV[cap_k]
        CAP_N_TOP = max2(CAP_N_TOP, CAP_N); QPS_TOP = max2(QPS_TOP, QPS)
    }
}
# The level in force at time t: the last line whose time is <= t.
cap_find(t, k) = k >= N_CAP || t < CAP_T[k + 1] ? k : cap_find(t, k + 1)
cap_n_at(t) = N_CAP > 0 ? CAP_NV[cap_find(t, 1)] : NaN
cap_qps_at(t) = N_CAP > 0 ? CAP_QV[cap_find(t, 1)] : NaN
# A function is drawn from samples: enough that a step looks like one.
set samples 2000
# 1 if the value is a number (for `for [i=1:has(x)]`: a curve or nothing).
has(x) = x == x ? 1 : 0
# The names of the reference lines: in the legend (their style), and
# their values in the right margin, beside where each line ends.
CAP_N_KEY = has(CORES) ? "capacity (cores)" : "capacity (USL peak n*)"
CAP_N_TEXT = has(CORES) ? sprintf("%g core%s", CAP_N, CAP_N == 1 ? "" : "s") : sprintf("n* %.3g", CAP_N)
QPS_TEXT = sprintf("%.4g/s", QPS)
CONNS_TEXT = sprintf("%g conns", CONNS)
CAP_COLOUR = "#B2182B"
STYLE_COLOUR = "#444444"   # legend entries for a line style, not a policy
CONNS_COLOUR = "#555555"

# ---- INCIDENTS: one per line, "AT LABEL" (seconds, a space, the text) -----
N_INC = 0
inc_rest = A[8]
while (strlen(inc_rest) > 0) {
    inc_nl = strstrt(inc_rest, "\n")
    inc_line = inc_nl ? inc_rest[1:inc_nl - 1] : inc_rest
    inc_rest = inc_nl ? inc_rest[inc_nl + 1:] : ""
    if (strlen(inc_line) > 0) { N_INC = N_INC + 1 }
}
array INC_T[N_INC > 0 ? N_INC : 1]
array INC_L[N_INC > 0 ? N_INC : 1]
inc_i = 0
inc_rest = A[8]
while (strlen(inc_rest) > 0) {
    inc_nl = strstrt(inc_rest, "\n")
    inc_line = inc_nl ? inc_rest[1:inc_nl - 1] : inc_rest
    inc_rest = inc_nl ? inc_rest[inc_nl + 1:] : ""
    if (strlen(inc_line) > 0) {
        inc_i = inc_i + 1
        inc_sp = strstrt(inc_line, " ")
        INC_T[inc_i] = real(inc_sp ? inc_line[1:inc_sp - 1] : inc_line)
        INC_L[inc_i] = inc_sp ? inc_line[inc_sp + 1:] : ""
    }
}

# ---- SLO: "slo [p99_ms=P] [since=incident|violation]", then one line per --
# label: "LABEL recovered AT RECOVERY_S", "LABEL never" or "LABEL held" ------
HAS_SLO = 0
SLO_P99 = NaN
SLO_SINCE = "incident"
array SLO_STATE[N_LABELS]
array SLO_AT[N_LABELS]
array SLO_REC[N_LABELS]
do for [i = 1:N_LABELS] { SLO_STATE[i] = ""; SLO_AT[i] = NaN; SLO_REC[i] = NaN }
slo_rest = A[9]
while (strlen(slo_rest) > 0) {
    slo_nl = strstrt(slo_rest, "\n")
    slo_line = slo_nl ? slo_rest[1:slo_nl - 1] : slo_rest
    slo_rest = slo_nl ? slo_rest[slo_nl + 1:] : ""
    if (word(slo_line, 1) eq "slo") {
        HAS_SLO = 1
        do for [w in slo_line] {
            slo_eq = strstrt(w, "=")
            if (slo_eq && w[1:slo_eq - 1] eq "p99_ms") { SLO_P99 = real(w[slo_eq + 1:]) }
            if (slo_eq && w[1:slo_eq - 1] eq "since") { SLO_SINCE = w[slo_eq + 1:] }
        }
    }
    do for [i = 1:N_LABELS] {
        if (word(slo_line, 1) eq label_of(i) && words(slo_line) >= 2) {
            SLO_STATE[i] = word(slo_line, 2)
            SLO_AT[i] = words(slo_line) >= 3 ? real(word(slo_line, 3)) : NaN
            SLO_REC[i] = words(slo_line) >= 4 ? real(word(slo_line, 4)) : NaN
        }
    }
}
# ---- then "=mark LABEL COLUMN TITLE" lines: a policy's own count per ----
# window (PER's refresh storms) whose windows above 0 a figure may mark ----
N_MARKS = 0
mark_rest = A[9]
while (strlen(mark_rest) > 0) {
    mark_nl = strstrt(mark_rest, "\n")
    mark_line = mark_nl ? mark_rest[1:mark_nl - 1] : mark_rest
    mark_rest = mark_nl ? mark_rest[mark_nl + 1:] : ""
    if (word(mark_line, 1) eq "=mark") { N_MARKS = N_MARKS + 1 }
}
array MARK_LABEL[N_MARKS > 0 ? N_MARKS : 1]
array MARK_COL[N_MARKS > 0 ? N_MARKS : 1]
# (an empty loop still evaluates its plot's options once)
MARK_LABEL[1] = ""
MARK_COL[1] = ""
MARK_TITLE = ""
mark_i = 0
mark_rest = A[9]
while (strlen(mark_rest) > 0) {
    mark_nl = strstrt(mark_rest, "\n")
    mark_line = mark_nl ? mark_rest[1:mark_nl - 1] : mark_rest
    mark_rest = mark_nl ? mark_rest[mark_nl + 1:] : ""
    if (word(mark_line, 1) eq "=mark") {
        mark_i = mark_i + 1
        MARK_LABEL[mark_i] = word(mark_line, 2)
        MARK_COL[mark_i] = word(mark_line, 3)
        # the title: what follows the third word
        mark_at = strstrt(mark_line, MARK_COL[mark_i]." ")
        MARK_TITLE = mark_at ? mark_line[mark_at + strlen(MARK_COL[mark_i]) + 1:] : MARK_COL[mark_i]
    }
}
# The colour index of a label (1 for none: an empty loop's options).
index_of(l) = (idx_ = 1, sum [i = 1:N_LABELS] (label_of(i) eq l ? (idx_ = i, 0) : 0), idx_)

SLO_COLOUR = "#B2182B"
# A window of label l out of its SLO (rep 0; empty cells: not judged).
slo_out(l) = mine(l) && strcol("slo_ok") ne "" && column("slo_ok") == 0

# ---- marks: set once, drawn in every panel ---------------------------------
set style textbox opaque noborder margins 2, 1
set grid xtics ytics linecolor rgb "#d0d0d0" linewidth 0.6 dashtype solid
set border 3 linecolor rgb "#444444"
set key top center horizontal outside noautotitle reverse Left samplen 2.5 width 1 spacing 1.1
TITLE_FONT = sprintf("Sans,%.1f", FONT_PT * 1.3)
set tics nomirror out
set xtics out
set mxtics
set format y "%g"

# The warmup, left out of summary.json: shaded grey.
if (WARMUP > XMIN) {
    set object 1 rect from XMIN, graph 0 to (WARMUP < XMAX ? WARMUP : XMAX), graph 1 behind fillcolor rgb "#eeeeee" fillstyle solid 1.0 noborder
}
# Incidents: a dashed vertical line at each, in every panel.
do for [k = 1:N_INC] {
    if (INC_T[k] >= XMIN && INC_T[k] <= XMAX) {
        set arrow 100 + k from INC_T[k], graph 0 to INC_T[k], graph 1 nohead front dashtype (8, 5) linewidth 1.3 linecolor rgb "#333333"
    }
}

# The names of the marks, drawn in the panel plotted first (a figure of
# several panels then does `unset label`). They go just above that panel's
# frame, where no data is, in up to six rows: each incident's label on
# the lowest row where it clears the labels already there (their widths
# estimated from the font: a character is about 0.65 of its size, the
# panel about 85 % of the figure's width), so that close incidents never
# write over each other. That panel's top margin, MARKS_MARGIN
# characters, makes room for them and for the legend.
text_width(t) = (strlen(t) + 1) * FONT_PT * 0.65 / (WIDTH * 0.85) * (XMAX - XMIN)
MAX_ROWS = 6
array ROW_END[MAX_ROWS]
do for [r = 1:MAX_ROWS] { ROW_END[r] = -1e300 }
if (WARMUP > XMIN) {
    warm_mid = (XMIN + (WARMUP < XMAX ? WARMUP : XMAX)) / 2
    set label 1 "warmup" at warm_mid, graph 1 center offset 0, 0.7 textcolor rgb "#777777"
    ROW_END[1] = warm_mid + text_width("warmup") / 2
}
array INC_ROW[N_INC > 0 ? N_INC : 1]
ROWS_USED = 1
do for [k = 1:N_INC] {
    INC_ROW[k] = 0
    # the lowest row that is clear; when none is, the one clear soonest
    inc_best = 1
    do for [r = MAX_ROWS:1:-1] {
        if (INC_T[k] > ROW_END[r]) { inc_best = r }
    }
    if (INC_T[k] <= ROW_END[inc_best]) {
        do for [r = 1:MAX_ROWS] { if (ROW_END[r] < ROW_END[inc_best]) { inc_best = r } }
    }
    INC_ROW[k] = inc_best - 1
    ROW_END[inc_best] = INC_T[k] + text_width(INC_L[k])
    ROWS_USED = inc_best > ROWS_USED ? inc_best : ROWS_USED
    if (INC_T[k] >= XMIN && INC_T[k] <= XMAX) {
        set label 100 + k INC_L[k] at INC_T[k], graph 1 left offset character -0.3, (0.7 + 1.2 * INC_ROW[k]) front textcolor rgb "#222222"
    }
}
MARKS_MARGIN = ROWS_USED > 1 ? 5 + 1.2 * (ROWS_USED - 1) : (N_INC > 0 || WARMUP > XMIN ? 5 : 3.5)

# Latency axes are logarithmic, in whole decades around the plotted labels'
# p50 and p99. When no plotted window has a reply, a fixed range: gnuplot
# refuses to autoscale a panel whose every point is undefined.
floor10(v) = 10 ** floor(log10(v > 1e-6 ? v : 1e-6) + 1e-9)
ceil10(v) = 10 ** ceil(log10(v > 1e-6 ? v : 1e-6) - 1e-9)
undefine STATS_*
stats CSV using (plotted(strcol("label")) ? val("p99_ms") : NaN) nooutput
HAS_LATENCY = exists("STATS_max")
P99_LO = HAS_LATENCY ? floor10(STATS_min) : 0.1
P99_HI = HAS_LATENCY ? ceil10(STATS_max) : 1000
P99_HI = P99_HI > P99_LO ? P99_HI : P99_LO * 10
# the SLO's p99 is drawn, so the axis takes it in
if (has(SLO_P99)) {
    P99_LO = floor10(SLO_P99) < P99_LO ? floor10(SLO_P99) : P99_LO
    P99_HI = ceil10(SLO_P99 * 1.01) > P99_HI ? ceil10(SLO_P99 * 1.01) : P99_HI
}
undefine STATS_*
stats CSV using (plotted(strcol("label")) ? val("p50_ms") : NaN) nooutput
P50_LO = exists("STATS_min") ? floor10(STATS_min) : P99_LO

# The error axis: from 0 to the first of 1, 2, 5, 10, 20, 50 and 100 %
# above the highest error rate plotted, so that the errors an slo cares
# about (0.1 %, 1 %) are not flattened against a 100 % scale; 100 % when
# a policy fails everything.
undefine STATS_*
stats CSV using (plotted(strcol("label")) ? err_pct(strcol("label")) : NaN) nooutput
err_max = exists("STATS_max") ? STATS_max : 0
ERR_TOP = 100
do for [e in "50 20 10 5 2 1"] { if (err_max <= real(e)) { ERR_TOP = real(e) } }
# tics at round values: 0, 10 ... 50 rather than 12.5 and 37.5
ERR_STEP = ERR_TOP / (ERR_TOP == 50 || ERR_TOP == 10 || ERR_TOP == 5 ? 5.0 : 4.0)
