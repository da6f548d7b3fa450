# tests/faults/lib.sh — what the cases of the fault catalogue share
# (sourced by tests/faults/run.sh; bash).
#
# A case is a function run in a subshell of its own, in a fresh working
# folder $W, bounded in time; it ends with `clean` or `bad REASON` (its
# last line is the verdict), or `skip REASON`.

clean() { echo "clean"; exit 0; }
bad() { echo "NOT CLEAN: $*"; exit 1; }
skip() { echo "skipped: $*"; exit 77; }

# A scenario file in $W: mkscen NAME JSON.
mkscen() { printf '%s\n' "$2" > "$W/$1.json"; }

# A run of about a second: none and lock, 40 s of 500 req/s (3 s in all).
SMALL='{"name": "small", "duration": "12s", "warmup": "2s", "window": "1s",
 "cache": {"ttl": "5s", "warm": "synchronized"},
 "workload": {"arrivals": {"rate": 500}},
 "database": {"cores": 4, "service": "50ms"},
 "policies": [{"policy": "none"}, {"policy": "lock"}]}'

# Far too long to finish while a case waits: 10 hours at 20,000 req/s.
LONG='{"name": "long", "duration": "10h", "window": "1s",
 "cache": {"ttl": "20s"}, "workload": {"arrivals": {"rate": 20000}},
 "policies": [{"policy": "none"}, {"policy": "lock"}]}'

# A sweep point takes about a twentieth of a second.
POINT='{"name": "point", "duration": "60s",
 "workload": {"arrivals": {"rate": 20000}}}'

# A calibration's value takes about half a second.
CALPOINT='{"name": "calpoint", "duration": "60s",
 "workload": {"arrivals": {"rate": 20000}}, "policies": [{"policy": "per"}]}'

# none piles up requests in flight (100,000 a second on 2 cores, nobody
# gives up); lock does not.
GROWING='{"name": "growing", "duration": "30s", "window": "1s",
 "workload": {"arrivals": {"rate": 100000}},
 "cache": {"ttl": "5s", "warm": "synchronized"},
 "database": {"cores": 2, "service": "200ms", "max_connections": 100000},
 "client": {"pool_size": 100000, "timeout": "none", "pool_timeout": "none"},
 "policies": [{"policy": "none"}, {"policy": "lock"}]}'

# Runs stampede in the background, stdout and stderr into $W/stdout.txt
# and $W/stderr.txt; the PID in $!.
bg() { "$S" "$@" > "$W/stdout.txt" 2> "$W/stderr.txt" & }

# Waits up to $2 seconds (default 30) for a path to exist.
wait_for() {
    local i
    for ((i = 0; i < ${2:-30} * 20; i++)); do
        [ -e "$1" ] && return 0
        sleep 0.05
    done
    return 1
}

# Waits up to $2 seconds for $1 (a file) to contain $3.
wait_text() {
    local i
    for ((i = 0; i < $2 * 20; i++)); do
        grep -q -- "$3" "$1" 2> /dev/null && return 0
        sleep 0.05
    done
    return 1
}

# Waits for a child to exit, at most $2 seconds; its status in $rc (999:
# still running, then killed so that the case ends).
wait_exit() {
    local i
    rc=999
    for ((i = 0; i < $2 * 20; i++)); do
        if ! kill -0 "$1" 2> /dev/null; then
            wait "$1"
            rc=$?
            return 0
        fi
        sleep 0.05
    done
    kill -KILL "$1" 2> /dev/null
    wait "$1" 2> /dev/null
    return 1
}

# Whether a process has gone (or is a zombie) within $2 seconds.
gone() {
    local i state
    for ((i = 0; i < $2 * 20; i++)); do
        state=$(awk '{print $3}' "/proc/$1/stat" 2> /dev/null)
        [ -z "$state" ] || [ "$state" = Z ] && return 0
        sleep 0.05
    done
    return 1
}

# The PIDs of a process's children.
children() { cat "/proc/$1/task/$1/children" 2> /dev/null; }

# Whether a file is a whole PNG: the signature first, the IEND chunk last.
png_whole() {
    [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
        [ "$(tail -c 12 "$1" | od -An -tx1 | tr -d ' \n')" = 0000000049454e44ae426082 ]
}

# The last cell of every data row of a CSV, sorted and unique ("0", "1",
# or both).
last_cells() { awk -F, 'NR > 1 { print $NF }' "$1" | sort -u | tr '\n' ' '; }

# Nothing of a writer beside DIR: no temporary folder, no lock.
no_leftovers() {
    local parent base
    parent=$(dirname "$1")
    base=$(basename "$1")
    ls -A "$parent" | grep -q "^\.$base\.tmp-" && bad "a temporary folder is left beside $1"
    [ -e "$parent/.$base.lock" ] && bad "a lock file is left beside $1"
    return 0
}

# "Never a file that looks complete and is not": every file of a results
# folder is whole and says whether the command completed. With a second
# argument (a folder of kept files, DIR.unfinished-PID), files may be
# missing; those there must be whole all the same.
whole() {
    local d=$1 partial=${2:-} f c reason dur ends
    [ -d "$d" ] || bad "$d is missing"
    no_leftovers "$d"
    ls -A "$d" | grep -q '\.tmp-' && bad "a temporary file is left in $d"
    for f in "$d"/*.png; do
        [ -e "$f" ] || continue
        png_whole "$f" || bad "$f is not a whole PNG"
    done
    for f in "$d"/*.json; do
        [ -e "$f" ] || continue
        jq -e . "$f" > /dev/null 2>&1 || bad "$f is not JSON"
    done
    if [ -f "$d/summary.json" ]; then
        c=$(jq -r .complete "$d/summary.json")
        [ -f "$d/timeseries.csv" ] || bad "summary.json without timeseries.csv"
        [ -n "$partial" ] || [ -f "$d/scenario.json" ] || bad "summary.json without scenario.json"
        head -1 "$d/timeseries.csv" | grep -q ',complete$' ||
            bad "timeseries.csv has no complete column"
        if [ "$c" = true ]; then
            [ "$(last_cells "$d/timeseries.csv")" = "1 " ] ||
                bad "timeseries.csv says incomplete, summary.json complete"
            # every label's windows reach the end of the run
            dur=$(jq -r .duration_s "$d/summary.json")
            ends=$(awk -F, -v dur="$dur" 'NR > 1 { e = $3 + $5; if (e > m[$1]) m[$1] = e }
                END { for (l in m) if (m[l] < dur - 1e-6) print l }' "$d/timeseries.csv")
            [ -z "$ends" ] || bad "complete, but the windows of $ends stop before the end"
        else
            reason=$(jq -r .reason "$d/summary.json")
            [ -n "$reason" ] && [ "$reason" != null ] || bad "incomplete without a reason"
            [ "$(last_cells "$d/timeseries.csv")" = "0 " ] ||
                bad "summary.json says incomplete, timeseries.csv not on every row"
        fi
    fi
    if [ -f "$d/calibrate.json" ] && [ -z "$partial" ]; then
        [ -f "$d/calibrate.csv" ] || bad "calibrate.json without calibrate.csv"
    fi
    if [ -f "$d/calibrate.json" ] && [ -f "$d/calibrate.csv" ]; then
        c=$(jq -r .complete "$d/calibrate.json")
        [ "$(last_cells "$d/calibrate.csv")" = "$([ "$c" = true ] && echo 1 || echo 0) " ] ||
            bad "calibrate.csv and calibrate.json disagree on complete"
        [ "$c" = true ] || [ "$(jq -r .recommended "$d/calibrate.json")" = null ] ||
            bad "an interrupted calibration recommends a value"
    fi
    if [ -f "$d/sweep.csv" ]; then
        awk -F, 'NR == 1 { n = NF } NF != n { exit 1 }' "$d/sweep.csv" ||
            bad "sweep.csv has a row cut short"
    fi
    if [ -f "$d/report.html" ]; then
        tail -c 20 "$d/report.html" | grep -q '</html>' || bad "report.html is cut short"
    fi
    return 0
}

# A complete results folder of a run: whole and complete.
complete_run() {
    whole "$1"
    [ "$(jq -r .complete "$1/summary.json")" = true ] || bad "$1 is not complete"
}

# An interrupted run: whole, marked incomplete, the signal in the reason.
interrupted_run() {
    whole "$1"
    [ "$(jq -r .complete "$1/summary.json")" = false ] || bad "$1 says complete"
    jq -r .reason "$1/summary.json" | grep -q "interrupted by $2" ||
        bad "the reason does not name $2: $(jq -r .reason "$1/summary.json")"
}

# A copy of what a folder holds (names and contents), to tell it unchanged.
fingerprint() { (cd "$1" && find . -type f -exec md5sum {} + | sort); }

# gnuplot replaced by a shell script (its body), first on PATH; prints the
# PATH to give the command. Called as gnuplot is: -c SCRIPT DATA PNG ...
fake_gnuplot() {
    mkdir -p "$W/bin"
    printf '#!/bin/sh\n%s\n' "$1" > "$W/bin/gnuplot"
    chmod +x "$W/bin/gnuplot"
    echo "$W/bin:$PATH"
}

# A small tmpfs of $2 KB mounted on $1 (root only); 1 if it cannot be.
small_disk() {
    mkdir -p "$1"
    [ "$(id -u)" = 0 ] || return 1
    mount -t tmpfs -o "size=${2}k" tmpfs "$1" 2> /dev/null || return 1
    MOUNTS="$MOUNTS $1"
}
