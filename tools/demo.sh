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
echo
echo "In $out/:"
echo "  timeseries.csv   one row per policy and second"
echo "  summary.json     the run after the warmup, per policy"
echo "  scenario.json    the scenario as run"
echo "  comparison.png   hit ratio, database load, p99 latency and errors per"
echo "                   policy on one time axis: start here"
echo "  hit_ratio.png, db_load.png, latency.png   the same, in detail"
