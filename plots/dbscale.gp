# dbscale.gp — the scale of the database panels, decided once for a
# figure from its data and limits (common.gp's SCALE, CAP_N_TOP, QPS_TOP,
# CONNS). Loaded by db_load.gp and comparison.gp after common.gp.
#
# The database panels (queries at the database, queries per second) go on
# a log(1 + y) axis — 0 stays on it — when SCALE says "log", or, for
# "auto", when their highest line or limit is 20 times (plus one) the
# quietest policy's average: a collapse at the connection limit would
# otherwise flatten the policies that hold the database at a few queries.
undefine STATS_*
stats CSV using (plotted(strcol("label")) ? val("db_inflight_max") : NaN) nooutput
DBN_TOP = max2(max2(exists("STATS_max") ? STATS_max : 0, CAP_N_TOP), CONNS)
undefine STATS_*
stats CSV using (plotted(strcol("label")) ? val("db_qps") : NaN) nooutput
QPS_AXIS_TOP = max2(exists("STATS_max") ? STATS_max : 0, QPS_TOP)
DBN_TYP = DBN_TOP
QPS_TYP = QPS_AXIS_TOP
do for [i = 1:N_LABELS] {
    undefine STATS_*
    stats CSV using (at(label_of(i), "db_inflight_mean")) nooutput
    if (exists("STATS_mean") && STATS_mean < DBN_TYP) { DBN_TYP = STATS_mean }
    undefine STATS_*
    stats CSV using (at(label_of(i), "db_qps")) nooutput
    if (exists("STATS_mean") && STATS_mean < QPS_TYP) { QPS_TYP = STATS_mean }
}
spans(top, typical) = SCALE eq "log" || (SCALE eq "auto" && top + 1 >= 20 * (typical + 1))
DBN_LOG = spans(DBN_TOP, DBN_TYP)
QPS_LOG = spans(QPS_AXIS_TOP, QPS_TYP)
# Where a value sits on such an axis, 0 at the bottom, 1 at the top AX_HI
# (dbaxis.gp sets both), to keep the margin's labels apart.
axis_frac(y) = AX_LOG ? log10(y + 1) / log10(AX_HI + 1) : y / AX_HI
