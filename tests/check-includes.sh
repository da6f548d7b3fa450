#!/bin/sh
# tests/check-includes.sh — tools/check-includes on small trees built here,
# each with one known fault (or none), so that a checker that misses a
# cycle or a layer, or resolves an include wrongly, fails here.
set -eu
cd "$(dirname "$0")/.."
check=$PWD/tools/check-includes
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
cases=0

# file PATH [INCLUDE...]: a source file with those quoted includes
file() {
  path=$tmp/tree/$1
  shift
  mkdir -p "$(dirname "$path")"
  : > "$path"
  for inc in "$@"; do
    printf '#include "%s"\n' "$inc" >> "$path"
  done
}

# A tree that keeps every rule: each room uses rooms below it.
base() {
  rm -rf "$tmp/tree"
  file sim/kernel/sim.h
  file sim/kernel/sim.c kernel/sim.h
  file models/cache.h kernel/sim.h
  file models/world.h cache.h
  file models/world_internal.h world.h
  file models/world.c world_internal.h kernel/sim.h
  file models/policies/policies.h policy.h
  file models/policy.h
  file models/policies/none.c policies.h
  file sim/scenario/scenario.h world.h
  file sim/experiment/run.h scenario/scenario.h
  file sim/output/report.c experiment/run.h ../kernel/sim.h
  file sim/cli/main.c output/../experiment/run.h
}

# expect STATUS TEXT NAME: the checker exits with STATUS and its output
# holds TEXT.
expect() {
  cases=$((cases + 1))
  status=0
  out=$("$check" "$tmp/tree" 2>&1) || status=$?
  case $out in
    *"$2"*) found=1 ;;
    *) found=0 ;;
  esac
  if [ "$status" -ne "$1" ] || [ "$found" -ne 1 ]; then
    echo "FAIL: $3: expected status $1 and \"$2\"; got status $status:"
    printf '%s\n' "$out" | sed 's/^/    /'
    failures=$((failures + 1))
  fi
}

base
expect 0 "no cycle, no include against the layers" "a clean tree passes"

base
file models/cache.h kernel/sim.h world.h
expect 1 "include cycle: models/cache -> models/world -> models/cache" \
  "a cycle between two modules"
expect 1 "models/cache.h:2: #include \"world.h\"" "the cycle names its lines"

base
file models/client.h kernel/sim.h
file models/world.h cache.h client.h
file models/client.c client.h world_internal.h
expect 1 "include cycle: models/client -> models/world -> models/client" \
  "a cycle through a module's _internal.h"
expect 1 "models/world_internal.h holds the insides of models/world" \
  "an _internal.h included by another module"

base
file models/a.h b.h
file models/b.h c.h
file models/c.h
file models/c.c c.h a.h
expect 1 "include cycle: models/a -> models/b -> models/c -> models/a" \
  "a cycle of three modules"

base
file sim/experiment/run.h scenario/scenario.h output/report.h
file sim/output/report.h
expect 1 "sim/experiment/run.h:2: #include \"output/report.h\" \
(sim/output/report.h): sim/experiment/ may not include sim/output/" \
  "an include upwards within sim/"

base
file sim/kernel/sim.c kernel/sim.h cache.h
expect 1 "sim/kernel/sim.c:2: #include \"cache.h\" (models/cache.h): \
sim/kernel/ may not include models/: sim/kernel includes nothing" \
  "the kernel including models/ (found through -Imodels)"

base
file models/world.c world_internal.h scenario/scenario.h
expect 1 "models/ may not include sim/scenario/: models/ uses the kernel" \
  "models/ including sim/"

base
file sim/scenario/scenario.h world.h policies/policies.h
expect 1 "nothing outside models/policies/ names a policy" \
  "sim/ including models/policies/"

base
file sim/output/summary.c
file sim/experiment/summary.c
expect 1 "two files named summary.c: sim/experiment/summary.c and \
sim/output/summary.c" "two files of one name"

base
file sim/cli/main.c nowhere.h
expect 1 "sim/cli/main.c:1: #include \"nowhere.h\" is no file" \
  "an include that resolves to nothing"

base
file sim/util.c
expect 1 "sim/util.c: in no room" "a file outside the rooms"

if [ "$failures" -ne 0 ]; then
  echo "tests/check-includes.sh: $failures of $cases cases failed"
  exit 1
fi
echo "tests/check-includes.sh: $cases cases passed"
