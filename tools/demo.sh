#!/bin/sh
# `make demo`: the story stampede exists for, on this machine.
set -eu
cd "$(dirname "$0")/.."
scenario=scenarios/hot-key.json
out=results/hot-key
echo "== stampede check $scenario"
build/stampede check "$scenario"
echo
echo "== stampede run $scenario --out $out"
build/stampede run "$scenario" --out "$out"
echo
echo "Files: $out/timeseries.csv (one row per policy and second),"
echo "       $out/summary.json, $out/scenario.json"
