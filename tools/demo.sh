#!/bin/sh
# `make demo`: the story stampede exists for, on this machine.
set -eu
cd "$(dirname "$0")/.."
scenario=scenarios/hot-key.json
out=results/hot-key
echo "== stampede check $scenario"
build/stampede check "$scenario"
echo
echo "== stampede run $scenario --out $out --plot"
build/stampede run "$scenario" --out "$out" --plot
build/stampede report "$out" --quiet
echo
echo "In $out/:"
echo "  report.html      all of it on one page (self-contained): the scenario,"
echo "                   the policies compared, the SLO, the figures"
echo "  comparison.png   hit ratio, database load, p99 latency and errors per"
echo "                   policy on one time axis: start here"
echo "  hit_ratio.png, db_load.png, latency.png   the same, in detail"
echo "  timeseries.csv, summary.json, scenario.json   the data"
echo "  report.md        the page in Markdown, for a postmortem"
echo
echo "What they show:"
# Three lines from this run's summary.json (written by stampede with a
# fixed layout: one "key": value per line; the whole run's error_rate
# comes before the worst window's).
awk '
/"label": /          { gsub(/[",]/, "", $2); label = $2 }
/"error_rate": /     { gsub(/,/, "", $2); if (!(label in err)) err[label] = $2 * 100 }
/"total": /          { gsub(/,/, "", $2); if (!(label in rec)) rec[label] = $2 }
/"open_at_end": /    { gsub(/,/, "", $2); open[label] = $2 }
/"peak_inflight": /  { gsub(/,/, "", $2); peak[label] = $2 }
/"max_wait_s": /     { gsub(/,/, "", $2); wait[label] = $2 * 1000 }
/"polls": /          { gsub(/,/, "", $2); polls[label] = $2 }
/"early_recomputes": / { gsub(/,/, "", $2); early[label] = $2 }
/"count": /          { gsub(/,/, "", $2); if (!(label in episodes)) episodes[label] = $2 }
/"out_of_slo_s": /   { gsub(/,/, "", $2); out[label] = $2 }
/"recovered": /      { gsub(/,/, "", $2); back[label] = $2 }
END {
  printf("  none: %.1f%% of requests failed and %d miss episode(s) never ended:" \
         " the expiry flooded the database (%d queries in flight) for good.\n",
         err["none"], open["none"], peak["none"])
  printf("  lock: %d queries for the whole run; the requests that came during" \
         " a recompute waited up to %.0f ms and polled the cache %d times.\n",
         rec["lock"], wait["lock"], polls["lock"])
  printf("  per:  %d early refreshes, %d miss episodes, %.1f%% errors: the key" \
         " was refreshed before it expired.\n",
         early["per"], episodes["per"], err["per"])
  printf("  slo:  out of the scenario'"'"'s slo for %d s with none (%s), %d s" \
         " with lock%s, %d s with per.\n",
         out["none"], back["none"] == "true" ? "recovered" : "never recovered",
         out["lock"], out["lock"] > 0 ? " (its waiters, at each expiry)" : "",
         out["per"])
}' "$out/summary.json"
