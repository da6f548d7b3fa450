#!/bin/sh
# tests/slurm-example.sh [STAMPEDE] — `make test-slurm`: runs
# examples/slurm/sweep.sbatch on a real single-node Slurm started here, and
# checks that the merged sweep is the unsharded sweep, byte for byte.
#
# It installs Debian's slurm-wlm and munge if they are missing
# (tools/deps.sh slurm, as root), then starts munged, slurmctld and slurmd on localhost
# from a generated slurm.conf (this host's name and CPUs, ports 16817 and
# 16818) with all their state in a temporary folder, submits the example
# (a job array of 3 slices and a dependent merge job), waits for the merge
# job, compares, and stops the three daemons it started.
#
# Where Slurm cannot be had or started (not root, no apt, a container
# that will not run the daemons), it says why and exits 0: SKIPPED. Once
# Slurm runs, any failure of the example is a failure (exit 1).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
STAMPEDE=${1:-$root/build/stampede}
case $STAMPEDE in /*) ;; *) STAMPEDE=$(pwd)/$STAMPEDE ;; esac
export STAMPEDE

skip() {
    echo "test-slurm: SKIPPED: $*" >&2
    exit 0
}
say() { echo "test-slurm: $*"; }

# slurm-wlm and munge from Debian, through the project's set-up step
"$root/tools/deps.sh" slurm >&2 ||
    skip "slurm-wlm and munge are missing and cannot be installed here (tools/deps.sh said why, above)"
for c in slurmctld slurmd munged sbatch squeue sinfo; do
    command -v "$c" >/dev/null 2>&1 || skip "$c is not on PATH after installing slurm-wlm and munge"
done
[ "$(id -u)" -eq 0 ] || skip "the daemons are started as root here; run as root"

state=$(mktemp -d /tmp/stampede-slurm.XXXXXX)
chmod 700 "$state"
pids=""
ctld=""   # set once our slurmctld runs: scancel then reaches it alone
stop() {
    # jobs still queued or running when the test gave up (this cluster's)
    if [ -n "$ctld" ]; then
        scancel --quiet --user="$(id -un)" 2>/dev/null || true
    fi
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    for p in $pids; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$p" 2>/dev/null || true
    done
    [ "${KEEP_SLURM_STATE:-0}" = 1 ] && echo "test-slurm: state kept in $state" >&2 ||
        rm -rf "$state"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

logs() {
    for f in "$state"/*.log; do
        if [ -f "$f" ]; then echo "--- $f"; tail -n 15 "$f"; fi
    done >&2
}

# ---- munge: a key of its own, a socket in the state folder ----------------
mkdir -p "$state/munge" "$state/ctld" "$state/d"
chmod 700 "$state/munge"
dd if=/dev/urandom of="$state/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$state/munge/munge.key"
socket=$state/munge/munge.socket
munged --force --key-file="$state/munge/munge.key" --socket="$socket" \
    --pid-file="$state/munge/munged.pid" --seed-file="$state/munge/seed" \
    --log-file="$state/munged.log" --foreground > "$state/munged.out" 2>&1 &
pids="$pids $!"
i=0
while [ ! -S "$socket" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$socket" ] || { logs; skip "munged did not start"; }

# ---- slurm.conf for this host ---------------------------------------------
host=$(hostname -s)
cpus=$(nproc)
export SLURM_CONF="$state/slurm.conf"
cat > "$SLURM_CONF" <<EOF
ClusterName=stampede-test
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=stampede Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -i > "$state/slurmctld.out" 2>&1 &
pids="$pids $!"
ctld=$!
slurmd -D > "$state/slurmd.out" 2>&1 &
pids="$pids $!"
# the node comes up idle once slurmd has registered with slurmctld
i=0
node=""
while [ $i -lt 300 ]; do
    node=$(sinfo -h -n "$host" -o %t 2>/dev/null || true)
    [ "$node" = idle ] && break
    sleep 0.1
    i=$((i + 1))
done
if [ "$node" != idle ]; then
    logs
    skip "slurmctld and slurmd did not bring node $host up (state: '${node:-none}')"
fi
say "Slurm $(sinfo -V | cut -d' ' -f2) up: node $host, $cpus CPUs, state in $state"

# ---- the example, then the unsharded sweep --------------------------------
work=$state/work
mkdir -p "$work"
cd "$work"
cat > s.json <<'JSON'
{"name": "slurm", "duration": "2s",
 "workload": {"arrivals": {"rate": 400}, "keys": {"count": 10, "popularity": "zipf"}},
 "cache": {"ttl": "500ms"},
 "database": {"cores": 2, "service": {"dist": "exponential", "mean": "5ms"}},
 "policies": [{"policy": "none"}, {"policy": "per"}]}
JSON
set -- s.json --vary 'policies[per].beta=0.5:2:3' --reps 3 \
    --max 'worst_window.p99_ms=40'
submitted=$(SBATCH_OPTS="--cpus-per-task=1" \
    "$root/examples/slurm/sweep.sbatch" 3 merged "$@")
say "$submitted"
merge_job=$(echo "$submitted" | sed -n 's/.*merge job \([0-9]*\).*/\1/p')
[ -n "$merge_job" ] || { echo "test-slurm: no merge job in: $submitted" >&2; exit 1; }
i=0
while [ -n "$(squeue -h -j "$merge_job" 2>/dev/null)" ] && [ $i -lt 1200 ]; do
    sleep 0.1
    i=$((i + 1))
done
if [ -n "$(squeue -h -j "$merge_job" 2>/dev/null)" ]; then
    squeue >&2
    logs
    echo "test-slurm: FAILED: the merge job $merge_job did not finish in 2 minutes" >&2
    exit 1
fi
say "jobs done: $(ls merged.slices | tr '\n' ' ')"
if [ ! -f merged/sweep.csv ]; then
    for f in merged.slices/*.out; do echo "--- $f"; cat "$f"; done >&2
    logs
    echo "test-slurm: FAILED: the merge job wrote no merged/sweep.csv" >&2
    exit 1
fi
"$STAMPEDE" sweep "$@" --quiet --out whole > whole.out
diff -r whole merged
merge_out=$(ls merged.slices/slurm-merge-*.out)
cmp whole.out "$merge_out"
say "the merged sweep equals the unsharded one byte for byte: $(ls merged | tr '\n' ' ')"
say "PASSED"
