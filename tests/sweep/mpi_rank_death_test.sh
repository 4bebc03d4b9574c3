#!/usr/bin/env bash
# A rank that dies under `mpirun --enable-recovery` loses only its trial: rank 1 and its running trial are
# SIGKILLed (as when its node is lost); rank 0 takes the silent rank as dead after --rank-timeout, records that
# trial as failed with the reason, and the other trials complete. `--retry-failed` then finishes the sweep, and its
# summary matches a local sweep's (--jobs 1: under mpirun --bind-to none each rank, like it, has both cores).
# Usage: mpi_rank_death_test.sh SEQLAB_BINARY MPIRUN
set -euo pipefail
seqlab="$1"
mpirun="$2"
tmp="$(mktemp -d)"
mpirun_pid=""
cleanup() {
  [[ -n $mpirun_pid ]] && kill -9 "$mpirun_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

experiment="$(dirname "$0")/lstm_sweep.yaml"

# shellcheck source=../support/mpi_common.sh
source "$(dirname "$0")/../support/mpi_common.sh"
mpi=("$mpirun" "${mpirun_flags[@]}" -np 3)
fail() {
  echo "FAIL: $*" >&2
  [[ -f $tmp/mpi.log ]] && sed 's/^/  mpirun: /' "$tmp/mpi.log" >&2
  exit 1
}

# The process of MPI rank $1 of this test's sweep, once it has a trial (a child) running: "rank child".
rank_with_trial() {
  local pid child
  for pid in $(pgrep -f -- "--out $tmp/mpi"); do  # this test's sweep only: ctest may run another at once
    grep -qxz "OMPI_COMM_WORLD_RANK=$1" "/proc/$pid/environ" 2>/dev/null || continue  # NUL-separated entries
    child="$(pgrep -P "$pid" | head -n1)" || continue
    [[ -n $child ]] && echo "$pid $child" && return 0
  done
  return 1
}

timeout "$(limit 90)" "${mpi[@]}" --enable-recovery "$seqlab" sweep "$experiment" --backend mpi --rank-timeout 3 \
  --out "$tmp/mpi" >"$tmp/mpi.log" 2>&1 &
mpirun_pid=$!
victim=""
for _ in $(seq "$(limit 300)"); do  # polls 0.05 s apart
  victim="$(rank_with_trial 1)" && break
  sleep 0.05
done
[[ -n $victim ]] || fail "rank 1 never ran a trial"
# shellcheck disable=SC2086  # "rank child": two pids
kill -9 $victim
# Open MPI's mpirun exits 0 under --enable-recovery whatever the ranks return; timeout's 124 means it hung.
set +e
wait "$mpirun_pid"
code=$?
set -e
mpirun_pid=""
[[ $code != 124 ]] || fail "the sweep did not finish after losing rank 1"
cat "$tmp/mpi.log"

grep -q "rank 1 has been silent" "$tmp/mpi.log" || fail "rank 0 did not notice that rank 1 died"
grep -q "collected 6 trials: 5 completed, 1 failed" "$tmp/mpi.log" || fail "expected 5 completed trials and 1 failed"
grep -c ",failed," "$tmp/mpi/summary.csv" | grep -qx 1 || fail "summary.csv should hold one failed trial"
grep -rq "its MPI rank 1 died" "$tmp"/mpi/trials/*/sweep_trial.json || fail "the failed trial's record has no reason"
set +e
"$seqlab" sweep "$experiment" --collect --out "$tmp/mpi" >/dev/null 2>&1
code=$?
set -e
[[ $code == 1 ]] || fail "--collect should exit 1 while a trial is failed, got $code"

# The lost trial is rerun with --retry-failed; then the sweep is whole and matches a local one.
timeout "$(limit 120)" "${mpi[@]}" "$seqlab" sweep "$experiment" --backend mpi --retry-failed --out "$tmp/mpi" \
  >"$tmp/mpi.log" 2>&1 || fail "the --retry-failed rerun exited $?"
grep -q "6 trials, 1 to run" "$tmp/mpi.log" || fail "the rerun should run only the lost trial"
"$seqlab" sweep "$experiment" --jobs 1 --out "$tmp/local" >/dev/null 2>&1 || fail "the local sweep failed"
diff <(without_folders "$tmp/local/summary.csv") <(without_folders "$tmp/mpi/summary.csv") ||
  fail "summary.csv after the retry differs from the local sweep's"
echo "PASS"
