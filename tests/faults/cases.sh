# tests/faults/cases.sh — the cases of the fault catalogue (sourced by
# tests/faults/run.sh; see tests/faults/lib.sh for the helpers). Each
# case is a function named after it (- as _), listed in CASES with its
# category, in the order they run.

CASES=()
def() { CASES+=("$1 $2"); }

# Waits up to $2 seconds for a file matching the glob $1.
wait_glob() {
    local i
    for ((i = 0; i < $2 * 20; i++)); do
        compgen -G "$1" > /dev/null && return 0
        sleep 0.05
    done
    return 1
}

# ---- signals ---------------------------------------------------------------

# A long run stopped by signal $1 (number $2) once it writes: exit 128 +
# $2, every file there and marked incomplete, nothing left beside it.
run_stopped_by() {
    mkscen long "$LONG"
    bg run long.json --out out --quiet
    local pid=$!
    wait_glob "$W/.out.tmp-*" 30 || bad "the run never started"
    sleep 0.5
    kill -"$1" $pid
    wait_exit $pid 15 || bad "still running 15 s after SIG$1"
    [ $rc = $((128 + $2)) ] || bad "exit $rc, not $((128 + $2))"
    interrupted_run "$W/out" "SIG$1"
}

def signals run-sigint;  run_sigint()  { run_stopped_by INT 2;  clean; }
def signals run-sigterm; run_sigterm() { run_stopped_by TERM 15; clean; }
def signals run-sighup;  run_sighup()  { run_stopped_by HUP 1;   clean; }
def signals run-sigquit; run_sigquit() { run_stopped_by QUIT 3;  clean; }
def signals run-sigusr1; run_sigusr1() { run_stopped_by USR1 10; clean; }
def signals run-sigalrm; run_sigalrm() { run_stopped_by ALRM 14; clean; }

def signals run-sigint-twice
run_sigint_twice() {
    mkscen long "$LONG"
    bg run long.json --out out --quiet --reps 3
    local pid=$!
    wait_glob "$W/.out.tmp-*" 30 || bad "the run never started"
    sleep 0.3
    kill -INT $pid
    sleep 0.05
    kill -INT $pid
    wait_exit $pid 15 || bad "still running after two SIGINTs"
    [ $rc = 130 ] || bad "exit $rc"
    interrupted_run "$W/out" SIGINT
    clean
}

# The soft CPU limit (ulimit -t) sends SIGXCPU: a stop like any other.
def signals run-cpu-limit
run_cpu_limit() {
    mkscen long "$LONG"
    (ulimit -S -t 1; exec "$S" run long.json --out out --quiet) > out.txt 2> err.txt
    rc=$?
    [ $rc = 152 ] || bad "exit $rc, not 152 (SIGXCPU)"
    interrupted_run "$W/out" SIGXCPU
    clean
}

# A signal in the first moments: either nothing was measured (the earlier
# results stay, untouched) or what was is written, marked incomplete.
def signals run-sigint-at-once
run_sigint_at_once() {
    mkscen small "$SMALL"
    mkscen long "$LONG"
    "$S" run small.json --out out --quiet > /dev/null 2>&1 || bad "the first run failed"
    local before
    before=$(fingerprint out)
    bg run long.json --out out --quiet
    local pid=$!
    sleep 0.02
    kill -INT $pid
    wait_exit $pid 15 || bad "still running"
    [ $rc = 130 ] || bad "exit $rc"
    no_leftovers "$W/out"
    if [ "$(fingerprint out)" != "$before" ]; then
        interrupted_run "$W/out" SIGINT
    fi
    clean
}

def signals sweep-sigint
sweep_sigint() {
    mkscen point "$POINT"
    # enough points that the sweep cannot end before the signal (a point
    # takes about 0.05 s of a core)
    bg sweep point.json --vary seed=1:400:400 --reps 1 -j 2 --out out --no-plot
    local pid=$!
    wait_text "$W/stderr.txt" 60 " points done" || bad "no point finished"
    kill -INT $pid
    wait_exit $pid 15 || bad "still running"
    [ $rc = 130 ] || bad "exit $rc"
    whole "$W/out"
    [ "$(($(wc -l < out/sweep.csv) - 1))" = 400 ] || bad "sweep.csv lacks points"
    grep -q ',none,1,1,' out/sweep.csv || bad "no point finished in sweep.csv"
    grep -q ',none,0,0,' out/sweep.csv || bad "no point is marked not run"
    clean
}

def signals sweep-sigterm-in-process
sweep_sigterm_in_process() {
    mkscen point "$POINT"
    bg sweep point.json --vary seed=1:400:400 --reps 1 -j 1 --out out --no-plot \
        --max 'latency_ms.p99=100'
    local pid=$!
    wait_text "$W/stderr.txt" 60 " points done" || bad "no point finished"
    kill -TERM $pid
    wait_exit $pid 15 || bad "still running"
    [ $rc = 143 ] || bad "exit $rc"
    whole "$W/out"
    grep -q ',0,0,.*,0,not run$' out/sweep.csv || bad "no point is marked not run"
    clean
}

# Interrupted before any point finished: the earlier results stay.
def signals sweep-sigint-before-any-point
sweep_sigint_before_any_point() {
    mkscen small "$SMALL"
    mkscen long "$LONG"
    "$S" run small.json --out out --quiet > /dev/null 2>&1 || bad "the first run failed"
    local before
    before=$(fingerprint out)
    bg sweep long.json --vary seed=1,2 --reps 1 -j 2 --out out --no-plot
    local pid=$!
    wait_glob "$W/.out.tmp-*" 30 || bad "the sweep never started"
    sleep 0.5
    kill -INT $pid
    wait_exit $pid 15 || bad "still running"
    [ $rc = 130 ] || bad "exit $rc"
    [ "$(fingerprint out)" = "$before" ] || bad "the earlier results changed"
    grep -q "interrupted before any point finished; out is left as it was" stderr.txt ||
        bad "no word of it: $(cat stderr.txt)"
    no_leftovers "$W/out"
    clean
}

def signals calibrate-sigint
calibrate_sigint() {
    mkscen point "$CALPOINT"
    # enough replications that it cannot end before the signal on an idle
    # machine (about 20 s of work); the signal comes once it reports
    # progress, and a moment later, so that some values are measured
    STAMPEDE_PROGRESS_SECONDS=0.2 bg calibrate point.json --policy per \
        --range 0.5:4 --reps 20 -j 2 --out out
    local pid=$! i=0
    while [ ! -s "$W/stderr.txt" ] && [ $i -lt 600 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    sleep 2
    kill -INT $pid
    wait_exit $pid 15 || bad "still running"
    [ $rc = 130 ] || bad "exit $rc"
    whole "$W/out"
    [ "$(jq -r .complete out/calibrate.json)" = false ] || bad "calibrate.json says complete"
    clean
}

# SIGKILL: nothing can be cleaned then; the next command on the folder
# removes what is left, and the workers die with their parent.
def signals run-sigkill-then-rerun
run_sigkill_then_rerun() {
    mkscen long "$LONG"
    mkscen small "$SMALL"
    bg run long.json --out out --quiet
    local pid=$!
    wait_glob "$W/.out.tmp-*" 30 || bad "the run never started"
    kill -KILL $pid
    wait $pid 2> /dev/null
    compgen -G "$W/.out.tmp-*" > /dev/null || bad "(the kill left nothing to clean?)"
    "$S" run small.json --out out --quiet > /dev/null 2> err || bad "the rerun failed: $(cat err)"
    complete_run "$W/out"
    clean
}

# A sweep or calibrate killed: its workers are gone within a second.
workers_die_with() {
    bg "$@"
    local pid=$! i kids=
    for ((i = 0; i < 600 && $(children $pid | wc -w) < 2; i++)); do sleep 0.05; done
    kids=$(children $pid)
    [ "$(echo $kids | wc -w)" -ge 2 ] || bad "no workers seen"
    sleep 0.3
    kill -KILL $pid
    wait $pid 2> /dev/null
    for k in $kids; do
        gone "$k" 1 || bad "worker $k outlived its parent by a second"
    done
}

def signals sweep-sigkill-workers
sweep_sigkill_workers() {
    mkscen long "$LONG"
    workers_die_with sweep long.json --vary seed=1:4:4 --reps 1 -j 2 --out out --no-plot
    mkscen small "$SMALL"
    "$S" sweep small.json --vary seed=1,2 --reps 1 -j 2 --out out --no-plot --quiet \
        > /dev/null 2> err || bad "the next sweep failed: $(cat err)"
    whole "$W/out"
    clean
}

def signals calibrate-sigkill-workers
calibrate_sigkill_workers() {
    mkscen long "$LONG"
    workers_die_with calibrate long.json --policy lock --range 1s:4s -j 2 --out out
    clean
}

# stdout closed early (| head): the results are whole all the same.
def signals run-stdout-closed
run_stdout_closed() {
    mkscen small "$SMALL"
    "$S" run small.json --out out 2> err | true
    rc=${PIPESTATUS[0]}
    [ $rc = 1 ] || [ $rc = 0 ] || bad "exit $rc"
    complete_run "$W/out"
    clean
}

# ---- the output folder -----------------------------------------------------

# --out where nothing can be written (sysfs refuses even root): refused
# before any work, for every command that writes results.
unwritable_out() {
    local start end
    start=$(date +%s%N)
    "$S" "$@" --out /sys/kernel/stampede-faults > out.txt 2> err.txt
    rc=$?
    end=$(date +%s%N)
    [ $rc = 1 ] || bad "exit $rc: $(cat err.txt)"
    grep -q "cannot write beside it" err.txt || bad "no word of it: $(cat err.txt)"
    [ $(((end - start) / 1000000)) -lt 1500 ] || bad "it worked $(((end - start) / 1000000)) ms first"
    [ ! -s out.txt ] || bad "it printed results"
}

def folder run-out-unwritable
run_out_unwritable() { mkscen long "$LONG"; unwritable_out run long.json; clean; }
def folder sweep-out-unwritable
sweep_out_unwritable() {
    mkscen long "$LONG"
    unwritable_out sweep long.json --vary seed=1:8:8 --reps 1
    clean
}
def folder calibrate-out-unwritable
calibrate_out_unwritable() {
    mkscen long "$LONG"
    unwritable_out calibrate long.json --policy lock --range 1s:2s
    clean
}
def folder compare-out-unwritable
compare_out_unwritable() {
    mkscen small "$SMALL"
    "$S" run small.json --out a --quiet > /dev/null 2>&1 || bad "run failed"
    unwritable_out compare a a
    clean
}

def folder out-read-only
out_read_only() {
    small_disk "$W/disk" 4096 || skip "needs root to mount a tmpfs"
    mkscen small "$SMALL"
    "$S" run small.json --out disk/out --quiet > /dev/null 2>&1 || bad "run failed"
    local before
    before=$(fingerprint disk/out)
    mount -o remount,ro "$W/disk" || skip "cannot remount read-only"
    "$S" run small.json --out disk/out --seed 2 > /dev/null 2> err
    rc=$?
    [ $rc = 1 ] || bad "exit $rc"
    grep -q "Read-only file system" err || bad "no word of it: $(cat err)"
    [ "$(fingerprint disk/out)" = "$before" ] || bad "the results changed"
    clean
}

def folder out-is-a-file
out_is_a_file() {
    mkscen small "$SMALL"
    echo precious > f
    "$S" run small.json --out f > /dev/null 2> err
    rc=$?
    [ $rc = 2 ] || bad "exit $rc"
    [ "$(cat f)" = precious ] || bad "the file changed"
    clean
}

def folder out-holds-foreign-files
out_holds_foreign_files() {
    mkscen small "$SMALL"
    mkdir mine && echo notes > mine/notes.txt
    "$S" run small.json --out mine > /dev/null 2> err
    rc=$?
    [ $rc = 2 ] || bad "exit $rc"
    [ "$(ls -A mine)" = notes.txt ] || bad "the folder changed"
    clean
}

def folder out-dash
out_dash() {
    mkscen small "$SMALL"
    "$S" run small.json --out - > /dev/null 2> err
    [ $? = 2 ] || bad "not a usage error"
    [ ! -e ./- ] || bad "a folder named - was made"
    clean
}

def folder rerun-leaves-no-stale-file
rerun_leaves_no_stale_file() {
    mkscen small "$SMALL"
    "$S" run small.json --out out --plot --quiet > /dev/null 2>&1 || bad "first run failed"
    "$S" run small.json --out out --quiet > /dev/null 2>&1 || bad "rerun failed"
    complete_run "$W/out"
    ls out | grep -q png && bad "a figure of the earlier run is left"
    clean
}

def folder leftovers-of-a-kill-removed
leftovers_of_a_kill_removed() {
    mkscen small "$SMALL"
    mkdir .out.tmp-AbC123 && echo half > .out.tmp-AbC123/timeseries.csv
    echo 999999 > .out.lock
    "$S" run small.json --out out --quiet > /dev/null 2> err || bad "run failed: $(cat err)"
    complete_run "$W/out"
    # a plot adding to the folder cleans what a killed plot left in it
    echo half > out/.latency.png.tmp-q1w2e3
    "$S" plot out --quiet > /dev/null 2> err || bad "plot failed: $(cat err)"
    whole "$W/out"
    clean
}

def folder out-with-spaces-and-unicode
out_with_spaces_and_unicode() {
    mkscen small "$SMALL"
    "$S" run small.json --out "r é s/ü l t" --plot --quiet > /dev/null 2> err ||
        bad "run failed: $(cat err)"
    complete_run "$W/r é s/ü l t"
    clean
}

# ---- a full disk (a small tmpfs) -------------------------------------------

# Fills what is left of a disk.
fill() { dd if=/dev/zero of="$1/filler" bs=4k 2> /dev/null; sync; }

def disk run-on-a-full-disk
run_on_a_full_disk() {
    small_disk "$W/disk" 8 || skip "needs root to mount a tmpfs"
    mkscen small "$SMALL"
    "$S" run small.json --out disk/out --quiet > /dev/null 2> err
    rc=$?
    [ $rc = 1 ] || bad "exit $rc"
    grep -q "disk/out/[a-z.]*: cannot write: No space left on device; disk/out is not created" err ||
        bad "no word of it: $(cat err)"
    [ ! -e disk/out ] || bad "disk/out was made"
    no_leftovers "$W/disk/out"
    for k in disk/out.unfinished-*; do [ -e "$k" ] && whole "$k" kept; done
    clean
}

def disk rerun-on-a-full-disk
rerun_on_a_full_disk() {
    small_disk "$W/disk" 512 || skip "needs root to mount a tmpfs"
    mkscen small "$SMALL"
    "$S" run small.json --out disk/out --quiet > /dev/null 2>&1 || bad "first run failed"
    local before
    before=$(fingerprint disk/out)
    fill disk
    "$S" run small.json --out disk/out --seed 2 --quiet > /dev/null 2> err
    rc=$?
    [ $rc = 1 ] || bad "exit $rc"
    grep -q "No space left on device; disk/out is left as it was" err || bad "no word of it: $(cat err)"
    [ "$(fingerprint disk/out)" = "$before" ] || bad "the earlier results changed"
    no_leftovers "$W/disk/out"
    for k in disk/out.unfinished-*; do [ -e "$k" ] && whole "$k" kept; done
    clean
}

# The data fits, a figure does not: gnuplot exits 0 and leaves a PNG cut
# short; that is a write that failed.
def disk figures-on-a-full-disk
figures_on_a_full_disk() {
    small_disk "$W/disk" 96 || skip "needs root to mount a tmpfs"
    mkscen small "$SMALL"
    "$S" run small.json --out disk/out --plot --quiet > /dev/null 2> err
    rc=$?
    [ $rc = 1 ] || bad "exit $rc"
    grep -q "disk/out/[a-z_]*.png: cannot write" err || bad "no word of it: $(cat err)"
    grep -q "what was written is in disk/out.unfinished-" err || bad "the kept files are not named: $(cat err)"
    [ ! -e disk/out ] || bad "disk/out was made"
    for k in disk/out.unfinished-*; do whole "$k" kept; done
    clean
}

def disk sweep-on-a-full-disk
sweep_on_a_full_disk() {
    small_disk "$W/disk" 64 || skip "needs root to mount a tmpfs"
    mkscen small "$SMALL"
    "$S" sweep small.json --vary database.cores=2,4 --reps 1 --out disk/out --quiet \
        > /dev/null 2> err
    rc=$?
    [ $rc = 1 ] || bad "exit $rc"
    grep -q "cannot write" err || bad "no word of it: $(cat err)"
    [ ! -e disk/out ] || bad "disk/out was made"
    for k in disk/out.unfinished-*; do [ -e "$k" ] && whole "$k" kept; done
    clean
}

def disk calibrate-on-a-full-disk
calibrate_on_a_full_disk() {
    small_disk "$W/disk" 24 || skip "needs root to mount a tmpfs"
    mkscen small "$SMALL"
    "$S" calibrate small.json --policy lock --range 1s:2s --reps 2 --budget 400 \
        --out disk/out --quiet > /dev/null 2> err
    rc=$?
    [ $rc = 1 ] || bad "exit $rc: $(cat err)"
    grep -q "cannot write" err || bad "no word of it: $(cat err)"
    [ ! -e disk/out ] || bad "disk/out was made"
    for k in disk/out.unfinished-*; do [ -e "$k" ] && whole "$k" kept; done
    clean
}

def disk compare-on-a-full-disk
compare_on_a_full_disk() {
    mkscen small "$SMALL"
    "$S" run small.json --out a --quiet > /dev/null 2>&1 || bad "run failed"
    small_disk "$W/disk" 16 || skip "needs root to mount a tmpfs"
    "$S" compare a a --out disk/out --quiet > /dev/null 2> err
    rc=$?
    [ $rc = 1 ] || bad "exit $rc: $(cat err)"
    grep -q "cannot write" err || bad "no word of it: $(cat err)"
    [ ! -e disk/out ] || bad "disk/out was made"
    for k in disk/out.unfinished-*; do [ -e "$k" ] && whole "$k" kept; done
    clean
}

# plot and report add to a folder in place: on a full disk, no figure
# and no report cut short.
def disk plot-on-a-full-disk
plot_on_a_full_disk() {
    small_disk "$W/disk" 512 || skip "needs root to mount a tmpfs"
    mkscen small "$SMALL"
    "$S" run small.json --out disk/out --quiet > /dev/null 2>&1 || bad "run failed"
    fill disk
    "$S" plot disk/out > /dev/null 2> err
    rc=$?
    [ $rc = 1 ] || bad "exit $rc"
    grep -q "cannot write" err || bad "no word of it: $(cat err)"
    rm disk/filler
    whole "$W/disk/out"
    clean
}

def disk report-on-a-full-disk
report_on_a_full_disk() {
    small_disk "$W/disk" 1024 || skip "needs root to mount a tmpfs"
    mkscen small "$SMALL"
    "$S" run small.json --out disk/out --plot --quiet > /dev/null 2>&1 || bad "run failed"
    fill disk
    "$S" report disk/out --quiet > /dev/null 2> err
    rc=$?
    [ $rc = 1 ] || bad "exit $rc"
    [ ! -e disk/out/report.html ] || bad "a report was written"
    rm disk/filler
    whole "$W/disk/out"
    clean
}

def disk stdout-on-a-full-disk
stdout_on_a_full_disk() {
    mkscen small "$SMALL"
    "$S" run small.json --out out > /dev/full 2> err
    rc=$?
    [ $rc = 1 ] || bad "exit $rc"
    grep -q "cannot write to standard output: No space left on device" err ||
        bad "no word of it: $(cat err)"
    complete_run "$W/out"
    clean
}

# ---- the file size limit (ulimit -f, in KB) --------------------------------

# Runs "$@" under ulimit -f $1; the earlier results in `out` must stay.
size_limited() {
    local kb=$1
    shift
    local before
    before=$(fingerprint out)
    (ulimit -f "$kb"; exec "$S" "$@") > /dev/null 2> err
    rc=$?
    [ $rc = 1 ] || bad "exit $rc (killed by SIGXFSZ?)"
    grep -q ": cannot write: File too large; out is left as it was\|cannot write: the file size limit (ulimit -f) stopped gnuplot; out is left as it was" err ||
        bad "no word of it: $(cat err)"
    [ "$(fingerprint out)" = "$before" ] || bad "the earlier results changed"
    no_leftovers "$W/out"
    for k in out.unfinished-*; do [ -e "$k" ] && whole "$k" kept; done
    return 0
}

first_run() {
    mkscen small "$SMALL"
    "$S" run small.json --out out --plot --quiet > /dev/null 2>&1 || bad "first run failed"
}

def size run-file-size-limit
run_file_size_limit() {
    first_run
    size_limited 4 run small.json --out out --seed 2 --quiet
    grep -q "^stampede run: out/[a-z]*\.[a-z]*: cannot write: File too large" err ||
        bad "the file is not named: $(cat err)"
    clean
}

def size figure-file-size-limit
figure_file_size_limit() {
    first_run
    size_limited 24 run small.json --out out --seed 2 --plot --quiet
    grep -q "out/hit_ratio.png" err || bad "the figure is not named: $(cat err)"
    clean
}

def size sweep-file-size-limit
sweep_file_size_limit() {
    first_run
    size_limited 1 sweep small.json --vary database.cores=2,4 --reps 1 --out out --quiet
    clean
}

def size calibrate-file-size-limit
calibrate_file_size_limit() {
    first_run
    size_limited 1 calibrate small.json --policy lock --range 1s:2s --reps 2 \
        --budget 400 --out out --quiet
    clean
}

def size compare-file-size-limit
compare_file_size_limit() {
    first_run
    "$S" run small.json --out b --quiet > /dev/null 2>&1 || bad "run failed"
    size_limited 1 compare b b --out out --quiet
    clean
}

def size plot-file-size-limit
plot_file_size_limit() {
    first_run
    rm out/*.png
    (ulimit -f 24; exec "$S" plot out) > /dev/null 2> err
    rc=$?
    [ $rc = 1 ] || bad "exit $rc"
    grep -q "file size limit" err || bad "no word of it: $(cat err)"
    whole "$W/out"
    clean
}

# ---- memory limits ---------------------------------------------------------

def memory ulimit-v-refuses-up-front
ulimit_v_refuses_up_front() {
    mkscen small "$SMALL"
    (ulimit -v 200000; exec "$S" run small.json --set workload.keys.count=10000000 \
        --max-memory 8G --out out) > /dev/null 2> err
    rc=$?
    [ $rc = 2 ] || bad "exit $rc"
    grep -q "workload.keys.count: a world needs about .* more than the .* the process's limits leave it (ulimit -v" err ||
        bad "no word of it: $(cat err)"
    [ ! -e out ] || bad "out was made"
    clean
}

def memory ulimit-v-lowers-the-default
ulimit_v_lowers_the_default() {
    mkscen small "$SMALL"
    (ulimit -v 300000; exec "$S" check small.json) > out.txt 2> err
    grep -q "ulimit leaves" out.txt || bad "check says nothing of it"
    limit=$(sed -n 's/.*; limit \([0-9.]*\) MB;.*/\1/p' out.txt)
    [ -n "$limit" ] && awk -v l="$limit" 'BEGIN { exit !(l < 150) }' ||
        bad "the default limit is not below half of ulimit -v: $(cat out.txt)"
    clean
}

def memory out-of-memory-in-one-policy
out_of_memory_in_one_policy() {
    mkscen growing "$GROWING"
    (ulimit -v 150000; exec "$S" run growing.json --out out --quiet) > /dev/null 2> err
    rc=$?
    [ $rc = 0 ] || bad "exit $rc: $(cat err)"
    whole "$W/out"
    [ "$(jq -r '.policies[0].reason' out/summary.json)" != null ] &&
        jq -r '.policies[0].reason' out/summary.json | grep -q "out of memory" ||
        bad "none is not marked out of memory"
    [ "$(jq -r '.policies[1].complete' out/summary.json)" = true ] || bad "lock did not run to its end"
    clean
}

def memory out-of-memory-data-limit
out_of_memory_data_limit() {
    mkscen growing "$GROWING"
    (ulimit -d 200000; exec "$S" run growing.json --out out --quiet) > /dev/null 2> err
    rc=$?
    [ $rc = 0 ] || bad "exit $rc: $(cat err)"
    whole "$W/out"
    jq -r '.policies[0].reason' out/summary.json | grep -q "out of memory" ||
        bad "none is not marked out of memory"
    [ "$(jq -r '.policies[1].complete' out/summary.json)" = true ] || bad "lock did not run to its end"
    clean
}

def memory sweep-out-of-memory
sweep_out_of_memory() {
    mkscen growing "$GROWING"
    (ulimit -v 400000; exec "$S" sweep growing.json --vary seed=1,2 --reps 1 -j 2 \
        --out out --quiet --no-plot) > /dev/null 2> err
    rc=$?
    [ $rc = 0 ] || bad "exit $rc: $(cat err)"
    whole "$W/out"
    [ "$(grep -c ',none,1,0,' out/sweep.csv)" = 2 ] || bad "none's points are not incomplete"
    [ "$(grep -c ',lock,1,1,' out/sweep.csv)" = 2 ] || bad "lock's points are not complete"
    clean
}

def memory max-memory-refuses
max_memory_refuses() {
    mkscen small "$SMALL"
    "$S" run small.json --set workload.keys.count=1000000 --max-memory 10M --out out \
        > /dev/null 2> err
    [ $? = 2 ] || bad "not refused"
    grep -q "workload.keys.count" err || bad "the field is not named"
    [ ! -e out ] || bad "out was made"
    clean
}

# ---- concurrent writers ----------------------------------------------------

# A long run holding `out`; its PID in $holder.
hold_out() {
    mkscen long "$LONG"
    "$S" run long.json --out out --quiet > /dev/null 2> holder.err &
    holder=$!
    wait_for "$W/.out.lock" 30 || bad "the first run never took the folder"
    sleep 0.2
}

release_out() {
    kill -TERM $holder
    wait_exit $holder 15 || bad "the first run did not stop"
    [ $rc = 143 ] || bad "the first run exited $rc"
    interrupted_run "$W/out" SIGTERM
}

refused() {
    "$S" "$@" > /dev/null 2> err
    rc=$?
    [ $rc = 1 ] || bad "$1: exit $rc, not refused"
    grep -q "another stampede (PID $holder) is writing these results" err ||
        bad "$1: the other's PID is not named: $(cat err)"
}

def concurrency two-runs-one-folder
two_runs_one_folder() {
    hold_out
    mkscen small "$SMALL"
    refused run small.json --out out
    release_out
    clean
}

def concurrency run-then-sweep
run_then_sweep() {
    hold_out
    mkscen small "$SMALL"
    refused sweep small.json --vary seed=1,2 --out out
    refused calibrate small.json --policy lock --range 1s:2s --out out
    release_out
    clean
}

def concurrency plot-and-report-wait-their-turn
plot_and_report_wait_their_turn() {
    mkscen small "$SMALL"
    "$S" run small.json --out out --quiet > /dev/null 2>&1 || bad "run failed"
    mkscen long "$LONG"
    "$S" run long.json --out out --quiet > /dev/null 2>&1 &
    holder=$!
    wait_for "$W/.out.lock" 30 || bad "the second run never took the folder"
    refused plot out
    refused report out
    release_out
    clean
}

# Five runs at once into one folder, each with its own seed: each is
# refused or writes whole; the folder holds one run's files.
def concurrency five-runs-race
five_runs_race() {
    mkscen small "$SMALL"
    local pids=() i ok=0
    for i in 1 2 3 4 5; do
        "$S" run small.json --out out --seed $i --quiet > /dev/null 2> "err$i" &
        pids+=($!)
    done
    for i in 0 1 2 3 4; do
        wait ${pids[$i]}
        rc=$?
        if [ $rc = 0 ]; then
            ok=$((ok + 1))
        elif [ $rc = 1 ]; then
            grep -q "is writing these results" "err$((i + 1))" || bad "run $((i + 1)): $(cat err$((i + 1)))"
        else
            bad "run $((i + 1)) exited $rc"
        fi
    done
    [ $ok -ge 1 ] || bad "no run wrote"
    complete_run "$W/out"
    [ "$(jq -r .seed out/summary.json)" = "$(jq -r .seed out/scenario.json)" ] ||
        bad "the folder mixes two runs' files"
    clean
}

def concurrency two-folders-at-once
two_folders_at_once() {
    mkscen small "$SMALL"
    "$S" run small.json --out a --quiet > /dev/null 2>&1 &
    local p=$!
    "$S" run small.json --out b --quiet > /dev/null 2>&1 || bad "b failed"
    wait $p || bad "a failed"
    complete_run "$W/a"
    complete_run "$W/b"
    clean
}

# ---- slices and merge --------------------------------------------------------

# Two slices of a small run, in s1 and s2.
slices() {
    mkscen small "$SMALL"
    "$S" run small.json --reps 2 --shard 1/2 --out s1 --quiet > /dev/null 2>&1 &&
        "$S" run small.json --reps 2 --shard 2/2 --out s2 --quiet > /dev/null 2>&1 ||
        bad "the slices failed"
}

def slices slice-interrupted
slice_interrupted() {
    mkscen point "$POINT"
    "$S" sweep point.json --vary seed=1,2 --reps 1 --set duration=1s --shard 1/2 \
        --out s1 --quiet > /dev/null 2>&1 || bad "the first slice failed"
    local before
    before=$(fingerprint s1)
    # 400 points in the slice: it cannot end within the second it is given
    bg sweep point.json --vary seed=1:800:800 --reps 1 -j 2 --shard 1/2 --out s1
    local pid=$!
    wait_glob "$W/.s1.tmp-*" 30 || bad "the slice never started"
    sleep 1
    kill -INT $pid
    wait_exit $pid 15 || bad "still running"
    [ $rc = 130 ] || bad "exit $rc"
    [ "$(fingerprint s1)" = "$before" ] || bad "the earlier slice changed"
    no_leftovers "$W/s1"
    clean
}

def slices slice-on-a-full-disk
slice_on_a_full_disk() {
    small_disk "$W/disk" 8 || skip "needs root to mount a tmpfs"
    mkscen small "$SMALL"
    "$S" run small.json --reps 2 --shard 1/2 --out disk/s1 --quiet > /dev/null 2> err
    [ $? = 1 ] || bad "not a failure"
    grep -q "disk/s1/[a-z.]*: cannot write: No space left on device; disk/s1 is not created" err ||
        bad "no word of it: $(cat err)"
    [ ! -e disk/s1 ] || bad "disk/s1 was made"
    no_leftovers "$W/disk/s1"
    clean
}

def slices merge-whole
merge_whole() {
    slices
    "$S" merge s1 s2 --out out --plot --quiet > /dev/null 2> err || bad "merge failed: $(cat err)"
    complete_run "$W/out"
    clean
}

def slices merge-refused-while-written
merge_refused_while_written() {
    slices
    hold_out
    refused merge s1 s2 --out out
    release_out
    clean
}

def slices merge-file-size-limit
merge_file_size_limit() {
    first_run
    slices
    size_limited 4 merge s1 s2 --out out --quiet
    clean
}

# ---- hostile inputs --------------------------------------------------------

# `check` refuses the scenario with --set $1 (exit 2), naming the field $2.
refuses() {
    mkscen small "$SMALL"
    "$S" check small.json --set "$1" > out.txt 2> err
    rc=$?
    [ $rc = 2 ] || bad "$1: exit $rc"
    grep -q "$2" err || bad "$1: the field is not named: $(cat err)"
    grep -qiE '(^|[^a-z])(nan|inf)([^a-z]|$)' out.txt err && bad "$1: nan or inf printed"
    return 0
}

def inputs cv-1e308
cv_1e308() {
    refuses 'database.service={"dist":"lognormal","mean":"200ms","cv":1e308}' 'database.service.cv'
    clean
}
def inputs gamma-cv-degenerate
gamma_cv_degenerate() {
    refuses 'database.service={"dist":"gamma","mean":"200ms","cv":50}' 'database.service.cv'
    clean
}
def inputs pareto-alpha-near-one
pareto_alpha_near_one() {
    refuses 'database.service={"dist":"pareto","min":"1ms","alpha":1.0001}' 'database.service.alpha'
    clean
}
def inputs lognormal-spread
lognormal_spread() {
    refuses 'database.service={"dist":"lognormal","p50":"1ms","p99":"1h"}' 'database.service.p99'
    clean
}
def inputs duration-below-the-clock
duration_below_the_clock() { refuses 'database.service=1e-300' 'database.service'; clean; }
def inputs duration-beyond-any-run
duration_beyond_any_run() { refuses 'cache.latency=1e300' 'cache.latency'; clean; }
def inputs rate-beyond-the-clock
rate_beyond_the_clock() { refuses 'workload.arrivals.rate=1e300' 'workload.arrivals.rate'; clean; }
def inputs data-mean-beyond-any-run
data_mean_beyond_any_run() {
    refuses 'database.service={"dist":"empirical","samples":[1e300,1]}' 'database.service'
    clean
}

def inputs huge-run-warned
huge_run_warned() {
    mkscen small "$SMALL"
    "$S" check small.json --set workload.arrivals.rate=1e9 --set duration=1s \
        --set warmup=0 > /dev/null 2> err
    [ $? = 0 ] || bad "refused"
    grep -q "warning: .*a run simulates about .* events .* roughly .* at 5 M events/s" err ||
        bad "no warning: $(cat err)"
    clean
}

def inputs minus-zero-is-zero
minus_zero_is_zero() {
    mkscen small "$SMALL"
    "$S" run small.json --set cache.ttl_jitter=-0 --set 'cache.latency=-0' \
        --set 'database.background.rate=-0' --out out --quiet > /dev/null 2> err ||
        bad "refused: $(cat err)"
    grep -q -- '-0[,}. ]\|-0$' out/scenario.json && bad "scenario.json holds a -0"
    complete_run "$W/out"
    clean
}

# check prints no nan and no inf, whatever (valid) extremes it is given.
def inputs check-never-prints-nan
check_never_prints_nan() {
    mkscen small "$SMALL"
    local set v out
    for set in workload.arrivals.rate database.cores database.background.rate \
               cache.ttl client.timeout database.max_connections \
               workload.keys.count policies[1].lock_ttl; do
        for v in 1 0.001 1e9 1000000 100000; do
            out=$("$S" check small.json --set "$set=$v" 2>&1)
            printf '%s' "$out" | grep -qiE '(^|[^a-z])(-?nan|inf|infinity)([^a-z]|$)' &&
                bad "$set=$v: $(printf '%s' "$out" | grep -iE 'nan|inf' | head -1)"
        done
    done
    for v in '{"dist":"lognormal","mean":"1ns","cv":100}' '{"dist":"gamma","mean":"1e7s","cv":3}' \
             '{"dist":"pareto","min":"1ns","alpha":1.1}' '{"dist":"weibull","mean":"10ms","cv":8}' \
             '{"dist":"lognormal","p50":"1ns","p99":"1us"}'; do
        out=$("$S" check small.json --set "database.service=$v" 2>&1)
        printf '%s' "$out" | grep -qiE '(^|[^a-z])(-?nan|inf|infinity)([^a-z]|$)' &&
            bad "database.service=$v: $(printf '%s' "$out" | grep -iE 'nan|inf' | head -1)"
    done
    clean
}

def inputs scenario-from-stdin
scenario_from_stdin() {
    printf '{"duration": "4s",\n "cache": {"ttl": "x"}}\n' | "$S" check - > /dev/null 2> err
    [ $? = 2 ] || bad "not refused"
    grep -q '^<stdin>:2:19: cache.ttl: bad duration' err || bad "not placed in <stdin>: $(cat err)"
    printf '%s' "$SMALL" | "$S" run - --out out --quiet > /dev/null 2> err || bad "run - failed: $(cat err)"
    complete_run "$W/out"
    clean
}

def inputs empty-stdin
empty_stdin() {
    "$S" check - < /dev/null > /dev/null 2> err
    [ $? = 2 ] || bad "not refused"
    clean
}

def inputs stdin-too-large
stdin_too_large() {
    head -c 17000000 /dev/zero | tr '\0' ' ' | "$S" check - > /dev/null 2> err
    [ $? = 2 ] || bad "not refused"
    grep -q "<stdin>: too large" err || bad "no word of it: $(cat err)"
    clean
}

def inputs a-device-as-scenario
a_device_as_scenario() {
    "$S" check /dev/zero > /dev/null 2> err
    [ $? = 2 ] || bad "not refused"
    grep -q "not a regular file" err || bad "no word of it: $(cat err)"
    clean
}

def inputs a-fifo-as-scenario
a_fifo_as_scenario() {
    mkfifo f.json
    "$S" check f.json > /dev/null 2> err
    [ $? = 2 ] || bad "not refused"
    clean
}

def inputs deep-nesting
deep_nesting() {
    head -c 200000 /dev/zero | tr '\0' '[' > deep.json
    "$S" check deep.json > /dev/null 2> err
    [ $? = 2 ] || bad "not refused"
    clean
}

def inputs binary-garbage
binary_garbage() {
    head -c 4096 /dev/urandom > g.json
    "$S" check g.json > /dev/null 2> err
    [ $? = 2 ] || bad "not refused"
    clean
}

# ---- gnuplot -----------------------------------------------------------------

def gnuplot missing
missing() {
    mkscen small "$SMALL"
    mkdir empty
    PATH=$W/empty "$S" run small.json --out out --plot --quiet > /dev/null 2> err
    rc=$?
    [ $rc = 1 ] || bad "exit $rc"
    grep -q "gnuplot is not installed" err || bad "no word of it: $(cat err)"
    complete_run "$W/out"
    clean
}

def gnuplot hangs-past-the-timeout
hangs_past_the_timeout() {
    mkscen small "$SMALL"
    "$S" run small.json --out out --quiet > /dev/null 2>&1 || bad "run failed"
    local path start end
    path=$(fake_gnuplot "echo \$\$ > $W/gp.pid; exec sleep 600")
    start=$(date +%s)
    PATH=$path "$S" plot out --plot-timeout 1 > /dev/null 2> err
    rc=$?
    end=$(date +%s)
    [ $rc = 1 ] || bad "exit $rc"
    [ $((end - start)) -le 4 ] || bad "took $((end - start)) s"
    grep -q "gnuplot took longer than 1 s" err || bad "no word of it: $(cat err)"
    gone "$(cat gp.pid)" 1 || bad "gnuplot is still there"
    whole "$W/out"
    clean
}

# A run with --plot whose gnuplot hangs, in the background ($! its PID),
# once gnuplot has started.
run_with_a_hanging_gnuplot() {
    mkscen small "$SMALL"
    local path
    path=$(fake_gnuplot "echo \$\$ > $W/gp.pid; exec sleep 600")
    PATH=$path bg run small.json --out out --plot --quiet
    wait_for "$W/gp.pid" 30 || bad "gnuplot never started"
    sleep 0.2
}

def gnuplot hangs-then-a-signal
hangs_then_a_signal() {
    run_with_a_hanging_gnuplot
    local pid=$!
    kill -INT $pid
    wait_exit $pid 2 || bad "not stopped within 2 s"
    [ $rc = 130 ] || bad "exit $rc"
    gone "$(cat gp.pid)" 1 || bad "gnuplot is still there"
    complete_run "$W/out"
    clean
}

def gnuplot hangs-then-stampede-killed
hangs_then_stampede_killed() {
    run_with_a_hanging_gnuplot
    local pid=$!
    kill -KILL $pid
    wait $pid 2> /dev/null
    gone "$(cat gp.pid)" 1 || bad "gnuplot outlived stampede by a second"
    clean
}

def gnuplot figure-cut-short
figure_cut_short() {
    first_run
    local before path
    before=$(fingerprint out)
    path=$(fake_gnuplot "printf '\\211PNG\\r\\n\\032\\nhalf' > \"\$4\"")
    PATH=$path "$S" run small.json --out out --seed 2 --plot --quiet > /dev/null 2> err
    rc=$?
    [ $rc = 1 ] || bad "exit $rc"
    grep -q "gnuplot left the figure cut short" err || bad "no word of it: $(cat err)"
    [ "$(fingerprint out)" = "$before" ] || bad "the earlier results changed"
    for k in out.unfinished-*; do whole "$k" kept; done
    clean
}

def gnuplot writes-nothing
writes_nothing() {
    first_run
    local before path
    before=$(fingerprint out)
    path=$(fake_gnuplot "exit 0")
    PATH=$path "$S" run small.json --out out --seed 2 --plot --quiet > /dev/null 2> err
    [ $? = 1 ] || bad "not a failure"
    [ "$(fingerprint out)" = "$before" ] || bad "the earlier results changed"
    clean
}

def gnuplot fails
fails() {
    mkscen small "$SMALL"
    local path
    path=$(fake_gnuplot "echo 'line 3: undefined variable' >&2; exit 1")
    PATH=$path "$S" run small.json --out out --plot --quiet > /dev/null 2> err
    [ $? = 1 ] || bad "not a failure"
    grep -q "undefined variable" err || bad "gnuplot's words are not shown"
    complete_run "$W/out"
    ls out | grep -q png && bad "a figure was written"
    clean
}

def gnuplot crashes
crashes() {
    mkscen small "$SMALL"
    local path
    path=$(fake_gnuplot 'kill -SEGV $$')
    PATH=$path "$S" run small.json --out out --plot --quiet > /dev/null 2> err
    [ $? = 1 ] || bad "not a failure"
    complete_run "$W/out"
    clean
}

def gnuplot sweep-figures-time-out
sweep_figures_time_out() {
    mkscen small "$SMALL"
    local path
    path=$(fake_gnuplot "exec sleep 600")
    PATH=$path "$S" sweep small.json --vary database.cores=2,4 --reps 1 --out out \
        --plot-timeout 0.5 --quiet > /dev/null 2> err
    [ $? = 1 ] || bad "not a failure"
    grep -q "took longer than 0.5 s" err || bad "no word of it: $(cat err)"
    whole "$W/out"
    [ -f out/sweep.csv ] || bad "sweep.csv is not written"
    clean
}

def gnuplot calibrate-figure-fails
calibrate_figure_fails() {
    mkscen small "$SMALL"
    local path
    path=$(fake_gnuplot "exit 3")
    PATH=$path "$S" calibrate small.json --policy lock --range 1s:2s --reps 2 \
        --budget 400 --out out --quiet > /dev/null 2> err
    [ $? = 1 ] || bad "not a failure"
    whole "$W/out"
    [ -f out/calibrate.json ] || bad "calibrate.json is not written"
    clean
}
