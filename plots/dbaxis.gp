# dbaxis.gp — the value axis of a database panel: from 0 to a little above
# AX_TOP, linear, or log(1 + y) when AX_LOG (tics at 0, 1, 2, 5, 10, 20,
# ...). Sets AX_HI, the axis' top. Loaded by db_load.gp and
# comparison.gp before each such panel.
if (AX_LOG) {
    AX_HI = (AX_TOP + 1) * 1.5 - 1
    # the range first: set over the previous panel's, log10(y + 1) might
    # be undefined at its ends
    set yrange [0:AX_HI]
    set nonlinear y via log10(y + 1) inverse 10**y - 1
    set ytics ("0" 0) nomirror out
    do for [e = 0:15] {
        do for [m in "1 2 5"] {
            tic_v = real(m) * 10**e
            if (tic_v <= AX_HI) { set ytics add (sprintf("%g", tic_v) tic_v) }
        }
    }
} else {
    AX_HI = AX_TOP > 0 ? AX_TOP * 1.1 : 1
    unset nonlinear y
    set yrange [0:AX_HI]
    set ytics autofreq nomirror out
}
