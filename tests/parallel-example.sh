#!/bin/sh
# tests/parallel-example.sh [STAMPEDE] — runs examples/parallel.sh on a
# small sweep, with GNU parallel on this machine and then over "ssh" to two
# hosts (tests/fake-ssh, so that no sshd is needed), and checks that each
# merged result is the unsharded sweep's, byte for byte: sweep.csv, the
# figures, and the verdicts on stdout.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
STAMPEDE=${1:-$root/build/stampede}
case $STAMPEDE in /*) ;; *) STAMPEDE=$(pwd)/$STAMPEDE ;; esac
export STAMPEDE
if ! command -v parallel >/dev/null 2>&1; then
    echo "parallel-example: GNU parallel is missing (tools/deps.sh installs it)" >&2
    exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/stampede-parallel.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > s.json <<'JSON'
{"name": "par", "duration": "2s",
 "workload": {"arrivals": {"rate": 400}, "keys": {"count": 10, "popularity": "zipf"}},
 "cache": {"ttl": "500ms"},
 "database": {"cores": 2, "service": {"dist": "exponential", "mean": "5ms"}},
 "policies": [{"policy": "none"}, {"policy": "per"}]}
JSON
# a grid path with brackets and a constraint: what a shell could mangle
set -- sweep s.json --vary 'policies[per].beta=0.5:2:3' --reps 3 \
    --max 'worst_window.p99_ms=40'

"$STAMPEDE" "$@" --quiet -j 1 --out whole > whole.out
# a failing step shows what the slices said
slices() {
    out=$1
    shift
    if ! "$root/examples/parallel.sh" "$@" > "$out.out" 2> "$out.err"; then
        cat "$out.err" >&2
        exit 1
    fi
}
slices local 3 local "$@"
diff -r whole local
cmp whole.out local.out
echo "parallel-example: 3 slices on this machine, merged: the same files as the whole sweep ($(ls whole | wc -l) files)"

PARALLEL_SSH=$root/tests/fake-ssh FAKE_SSH_LOG=$work/ssh.log
export PARALLEL_SSH FAKE_SSH_LOG
slices remote -S 2/hostA,1/hostB 4 remote "$@"
diff -r whole remote
cmp whole.out remote.out
# the slices did go through ssh, to both hosts
grep -qx hostA ssh.log && grep -qx hostB ssh.log
echo "parallel-example: 4 slices over ssh to 2 hosts, merged: the same files as the whole sweep"
