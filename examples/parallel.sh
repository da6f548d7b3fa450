#!/bin/sh
# examples/parallel.sh — a sweep, or a run with replications, cut into N
# slices that GNU parallel runs on this machine or on other machines over
# ssh; then `stampede merge` joins them into the files the command writes
# without --shard, byte for byte.
#
# Usage: examples/parallel.sh [-S LOGINS] [-j SLICES] N OUT COMMAND SCENARIO [OPTION...]
#
#   N         the number of slices (each runs one --shard I/N)
#   OUT       the merged result's folder; the slices go to OUT.slices/I
#   COMMAND   sweep or run (a run needs --reps R), then its scenario and
#             options, as without --shard (not --out, not --shard)
#   -S LOGINS GNU parallel's --sshlogin: ssh logins separated by commas,
#             each optionally with its number of slices at once ("4/node1")
#             and ":" for this machine. The machines must see this folder
#             at the same path (a shared file system) and have the same
#             stampede there. Without -S: this machine only.
#   -j SLICES slices at once on each machine (default: 1, each slice
#             using the machine's CPUs through its own -j workers for a
#             sweep; with -j SLICES > 1, give the sweep -j 1)
#
# STAMPEDE names the binary (default: build/stampede of this checkout if
# built, else `stampede` on PATH). Example, 8 slices over two machines:
#
#   examples/parallel.sh -S 4/node1,4/node2 8 results/cores sweep \
#       scenarios/traffic-spike.json --vary database.cores=8,12,16 --reps 30
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
logins=""
per_host=1
while getopts S:j: opt; do
    case $opt in
    S) logins=$OPTARG ;;
    j) per_host=$OPTARG ;;
    *) sed -n '2,27s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -lt 4 ]; then
    sed -n '2,27s/^# \{0,1\}//p' "$0" >&2
    exit 2
fi
n=$1 out=$2
shift 2
case $n in
    ''|*[!0-9]*|0|0*) echo "parallel.sh: N must be a whole number from 1, got '$n'" >&2; exit 2 ;;
esac
case $1 in
    sweep|run) ;;
    *) echo "parallel.sh: COMMAND is sweep or run, got '$1'" >&2; exit 2 ;;
esac
for a in "$@"; do
    case $a in
    --out|--out=*|--shard|--shard=*)
        echo "parallel.sh: $a: the slices' folders and --shard are given here (OUT.slices/I)" >&2
        exit 2 ;;
    esac
done
if ! command -v parallel >/dev/null 2>&1; then
    echo "parallel.sh: GNU parallel is not installed (apt-get install parallel)" >&2
    exit 1
fi
if [ -z "${STAMPEDE:-}" ]; then
    if [ -x "$here/build/stampede" ]; then
        STAMPEDE=$here/build/stampede
    else
        STAMPEDE=stampede
    fi
fi

slices=$out.slices
mkdir -p "$slices"
# Absolute paths: over ssh, each slice runs in its login's home folder.
case $slices in /*) ;; *) slices=$(pwd)/$slices ;; esac
case $STAMPEDE in */*) STAMPEDE=$(cd "$(dirname "$STAMPEDE")" && pwd)/$(basename "$STAMPEDE") ;; esac

# One job per slice, its arguments quoted as given (-q); the first slice
# that fails stops the others, and nothing is merged.
if [ -n "$logins" ]; then
    # each slice runs in this folder, as seen by its machine
    seq 1 "$n" | parallel --will-cite -q --halt now,fail=1 -j "$per_host" \
        --sshlogin "$logins" --workdir "$(pwd)" \
        "$STAMPEDE" "$@" --quiet --shard "{}/$n" --out "$slices/{}"
else
    seq 1 "$n" | parallel --will-cite -q --halt now,fail=1 -j "$per_host" \
        "$STAMPEDE" "$@" --quiet --shard "{}/$n" --out "$slices/{}"
fi

# the N slices by name: OUT.slices may hold others from an earlier N
set --
i=1
while [ "$i" -le "$n" ]; do
    if [ ! -d "$slices/$i" ]; then
        # GNU parallel counts a remote job that could not start as done
        echo "parallel.sh: slice $i of $n wrote nothing to $slices/$i" \
             "(on another machine: does stampede run there, at this path?)" >&2
        exit 1
    fi
    set -- "$@" "$slices/$i"
    i=$((i + 1))
done
"$STAMPEDE" merge "$@" --out "$out"
