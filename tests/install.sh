#!/bin/sh
# tests/install.sh — `make install PREFIX=...` into a temporary folder,
# then what it installed at work, from outside the checkout:
#   - the binary runs a scenario of the installed library by name and draws
#     its figures with the installed scripts (it must find both beside
#     itself: nothing of the checkout is on its way);
#   - `man -l` renders the man page, and groff finds nothing to warn about;
#   - the bash completion completes commands, options and scenario names
#     when sourced and called as bash would (COMP_WORDS, COMP_CWORD).
# Exit 0 when all hold; the first failure says what and exits 1.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stampede-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "tests/install.sh: $*" >&2; exit 1; }

make --no-print-directory -s install PREFIX="$tmp/prefix" > "$tmp/make.log" 2>&1 ||
    { cat "$tmp/make.log" >&2; fail "make install failed"; }
p=$tmp/prefix
for f in bin/stampede share/stampede/plots/common.gp \
         share/stampede/scenarios/hot-key.json \
         share/stampede/scenarios/data/recompute_ms.txt \
         share/stampede/scenarios/bench/hot-key.json \
         share/man/man1/stampede.1 \
         share/bash-completion/completions/stampede; do
    [ -f "$p/$f" ] || fail "$f not installed"
done
[ -x "$p/bin/stampede" ] || fail "bin/stampede is not executable"

# from a folder far from the checkout, with no override of the search
cd "$tmp"
unset STAMPEDE_PLOTS STAMPEDE_SCENARIOS STAMPEDE_BENCH || true
"$p/bin/stampede" --version > /dev/null || fail "the installed binary does not run"
"$p/bin/stampede" check trace-replay > "$tmp/check.txt" ||
    fail "check of the library's trace-replay (its data files) failed"
grep -q "^scenario  trace-replay  ($p/share/stampede/scenarios/trace-replay.json)" "$tmp/check.txt" ||
    fail "the library's scenario was not the installed one: $(head -1 "$tmp/check.txt")"
"$p/bin/stampede" run hot-key --set duration=3s --set warmup=0s --quiet \
    --plot --out "$tmp/run" > /dev/null 2> "$tmp/run.err" ||
    { cat "$tmp/run.err" >&2; fail "run of the installed hot-key failed"; }
for f in hit_ratio db_load latency comparison; do
    [ -s "$tmp/run/$f.png" ] || fail "$f.png not drawn by the installed scripts"
done

# the man page renders, with its sections, and groff has no warning
MANWIDTH=80 man -l -P cat "$p/share/man/man1/stampede.1" > "$tmp/man.txt" 2> "$tmp/man.err" ||
    fail "man -l failed: $(cat "$tmp/man.err")"
for s in NAME SYNOPSIS DESCRIPTION COMMANDS "EXIT STATUS" ENVIRONMENT; do
    grep -q "^$s" "$tmp/man.txt" || fail "the man page has no $s section"
done
grep -q "compare DIR1 DIR2" "$tmp/man.txt" || fail "the man page lacks compare"
warnings=$(groff -man -Tutf8 -ww -z "$p/share/man/man1/stampede.1" 2>&1)
[ -z "$warnings" ] || fail "groff warns about the man page: $warnings"

# the completion, as bash calls it
complete() {
    PATH="$p/bin:$PATH" bash -c '
        . "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        _stampede
        printf "%s\n" "${COMPREPLY[@]}"' sh \
        "$p/share/bash-completion/completions/stampede" "$@"
}
out=$(complete stampede re)
[ "$out" = "report" ] || fail "stampede re<TAB>: got '$out', expected report"
complete stampede "" | grep -qx compare || fail "stampede <TAB> lacks compare"
out=$(complete stampede run --fail)
[ "$out" = "--fail-on-slo" ] || fail "stampede run --fail<TAB>: got '$out'"
out=$(complete stampede sweep --log-y "")
[ "$(echo $out)" = "auto on off" ] || fail "--log-y <TAB>: got '$out'"
out=$(complete stampede sweep --log-x "")
[ "$(echo $out)" = "auto on off" ] || fail "--log-x <TAB>: got '$out'"
out=$(complete stampede calibrate hot-key --budget "")
[ -z "$out" ] || fail "--budget <TAB> offers files: '$out'"
out=$(complete stampede check hot-)
[ "$out" = "hot-key" ] || fail "stampede check hot-<TAB>: got '$out'"
mkdir -p "$tmp/mine" && : > "$tmp/mine/svc.json" && : > "$tmp/mine/notes.txt"
out=$(cd "$tmp" && complete stampede run mine/)
[ "$out" = "mine/svc.json" ] || fail "stampede run mine/<TAB>: got '$out'"
cd "$root"
echo "install: binary, scripts, scenarios, man page and completion work from $p"
