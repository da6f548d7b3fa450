#!/bin/sh
# `make demo`: what stampede does, shown on this machine.
set -eu
cd "$(dirname "$0")/.."
cat <<'TEXT'
stampede simulates a cache stampede: a hot key expires, every request that
arrives while its value is being recomputed misses, and all of them query
the database at once. The world model (workload, cache, database, client,
policies) is being built; for now the demo measures the discrete-event
kernel it will run on.

TEXT
build/stampede bench --kernel
