#!/bin/bash
# tests/faults/run.sh — the fault catalogue (`make faults`): stampede
# tried as an operator would break it — signals at several moments, full
# disks, file size and memory limits, unwritable folders, concurrent
# writers, hostile inputs, a broken or hanging gnuplot — each outcome
# checked against what the rules promise (docs/limits.md): a results
# folder written whole or not at all, every incomplete output marked so
# in the file itself, no temporary file or lock left, no process left
# behind, a message that names the file, the right exit status. Above
# all: never a file that looks complete and is not.
#
#   tests/faults/run.sh [CASE...]     (STAMPEDE: the binary, default
#                                      build/stampede)
#
# One line per case, "[CATEGORY] NAME: clean" or "...: NOT CLEAN: why",
# then exactly "faults: N tried, K clean"; exit 1 when K < N. Each case
# runs in a fresh folder, in a mount namespace of its own when it can
# (unshare -m: the small disks it mounts vanish with it), bounded by
# FAULTS_TIMEOUT seconds (default 60). Cases that need root (a small
# tmpfs for a full disk, a read-only mount) say "skipped" elsewhere and
# are not counted.
set -u
cd "$(dirname "$0")/../.."
here=$(pwd)
S=$(realpath "${STAMPEDE:-build/stampede}")
[ -x "$S" ] || { echo "tests/faults/run.sh: no binary $S (make first)" >&2; exit 2; }
command -v jq > /dev/null || { echo "tests/faults/run.sh: needs jq (tools/deps.sh faults)" >&2; exit 2; }
limit=${FAULTS_TIMEOUT:-60}
root=$(mktemp -d "${TMPDIR:-/tmp}/stampede-faults.XXXXXX")
trap 'rm -rf "$root"' EXIT
export S here

source tests/faults/lib.sh
source tests/faults/cases.sh

# A private mount namespace, when this user may make one.
ns=()
if [ "$(id -u)" = 0 ] && unshare -m --propagation private true 2> /dev/null; then
    ns=(unshare -m --propagation private)
fi

tried=0 clean_n=0 skipped=0 i=0
for entry in "${CASES[@]}"; do
    category=${entry%% *}
    name=${entry#* }
    if [ $# -gt 0 ]; then
        wanted=0
        for w in "$@"; do [ "$w" = "$name" ] && wanted=1; done
        [ $wanted = 1 ] || continue
    fi
    i=$((i + 1))
    W=$root/$i
    mkdir -p "$W"
    out=$(cd "$W" && W=$W timeout -k 5 "$limit" "${ns[@]}" bash -c \
        'source "$here/tests/faults/lib.sh"; source "$here/tests/faults/cases.sh"; "$0"' \
        "${name//-/_}" 2>&1)
    status=$?
    verdict=$(printf '%s\n' "$out" | tail -n 1)
    case $status in
        0) tried=$((tried + 1)); clean_n=$((clean_n + 1)) ;;
        77) skipped=$((skipped + 1)) ;;
        124|137) tried=$((tried + 1)); verdict="NOT CLEAN: took more than $limit s" ;;
        *) tried=$((tried + 1))
           case $verdict in "NOT CLEAN"*) ;; *) verdict="NOT CLEAN: exit $status: $verdict" ;; esac ;;
    esac
    echo "[$category] $name: $verdict"
    # whatever a case left running under its folder (it should be none)
    rm -rf "$W" 2> /dev/null
done
[ $skipped = 0 ] || echo "faults: $skipped skipped (they need root: a small tmpfs, a read-only mount)"
echo "faults: $tried tried, $clean_n clean"
[ $clean_n = $tried ]
