#!/usr/bin/env bash
# The MPI backend against the local one: the same tiny grid under `mpirun -np 3` and as a local sweep
# must give the same summary.csv in every column but seconds and run_folder; a rerun resumes (runs nothing);
# a halving sweep promotes the same trials and summarises the same under MPI as locally.
# Usage: mpi_test.sh SEQLAB_BINARY MPIRUN
set -euo pipefail
seqlab="$1"
mpirun="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/exp.yaml" <<'YAML'
name: tiny
seed: 0
dataset:   {plugin: sine, num_samples: 20, val_samples: 5, seq_length: 5, shift: 0.1, target: last}
model:     {plugin: rnn, hidden_size: 2, num_layers: 1}
loss:      {plugin: mse}
optimizer: {plugin: sgd, lr: 0.01}
training:  {epochs: 3, batch_size: 0, log_every: 1}
sweep:
  repeats: 2
  parameters:
    model.hidden_size: [2, 3, 4]
YAML

# shellcheck source=../support/mpi_common.sh
source "$(dirname "$0")/../support/mpi_common.sh"
mpi=("$mpirun" "${mpirun_flags[@]}" -np 3)  # 3 ranks on 2 cores; each sees both, as the local sweep does

fail() { echo "FAIL: $*" >&2; exit 1; }

out="$(timeout "$(limit 60)" "${mpi[@]}" "$seqlab" sweep "$tmp/exp.yaml" --backend mpi --out "$tmp/mpi" 2>&1)" ||
  fail "mpirun exited $?: $out"
echo "$out"
grep -q "6 trials, 6 to run, 3 MPI ranks" <<<"$out" || fail "no sweep header"
grep -q "collected 6 trials: 6 completed, 0 failed" <<<"$out" || fail "not every trial completed"
"$seqlab" sweep "$tmp/exp.yaml" --jobs 1 --out "$tmp/local" >/dev/null 2>&1 || fail "the local sweep failed"

[[ $(wc -l <"$tmp/mpi/summary.csv") == 7 ]] || fail "summary.csv should hold a header and 6 trials"
diff <(without_folders "$tmp/local/summary.csv") <(without_folders "$tmp/mpi/summary.csv") ||
  fail "summary.csv differs from the local sweep's"
[[ -f $tmp/mpi/summary.md ]] || fail "no summary.md"
for dir in "$tmp"/mpi/trials/*/; do
  [[ -f $dir/sweep_trial.json && -f $dir/stdout.log && -f $dir/summary.json ]] || fail "incomplete trial folder $dir"
done

# Resume: every trial is finished, nothing runs again.
again="$(timeout "$(limit 60)" "${mpi[@]}" "$seqlab" sweep "$tmp/exp.yaml" --backend mpi --out "$tmp/mpi" 2>&1)" ||
  fail "the resumed mpirun exited $?: $again"
grep -q "6 trials, 0 to run" <<<"$again" || fail "the rerun did not skip the finished trials: $again"
diff <(without_folders "$tmp/local/summary.csv") <(without_folders "$tmp/mpi/summary.csv") ||
  fail "summary.csv changed on resume"
# Successive halving under MPI: the same rungs, promotions and summary as the local sweep.
cat >"$tmp/halving.yaml" <<'YAML'
name: halving
seed: 0
dataset:   {plugin: sine, num_samples: 60, val_samples: 10, seq_length: 6, shift: 0.1, target: last}
model:     {plugin: rnn, hidden_size: 3, num_layers: 1}
loss:      {plugin: mse}
optimizer: {plugin: adam, lr: 0.01}
training:  {epochs: 100, batch_size: 0, log_every: 0}
sweep:
  scheduler: {plugin: halving, min_epochs: 1, max_epochs: 4, reduction_factor: 2}
  parameters:
    optimizer.lr: [0.001, 0.01, 0.03, 0.1, 0.3]
YAML
halving="$(timeout "$(limit 120)" "${mpi[@]}" "$seqlab" sweep "$tmp/halving.yaml" --backend mpi --out "$tmp/mpi-halving" 2>&1)" ||
  fail "the halving sweep under mpirun exited $?: $halving"
local_halving="$("$seqlab" sweep "$tmp/halving.yaml" --jobs 2 --out "$tmp/local-halving" 2>&1)" ||
  fail "the local halving sweep failed: $local_halving"
for line in "rung 1: the best 2 of 5" "rung 2: the best 1 of 2" "rung 3/3: 1 trials to 4 epochs"; do
  grep -q "$line" <<<"$halving" || fail "no '$line' under MPI: $halving"
done
# -o: mpirun forwards each rank's output as it comes, so another rank's unfinished line may precede it.
diff <(grep -o "rung [0-9]*: .* go on:.*" <<<"$local_halving") <(grep -o "rung [0-9]*: .* go on:.*" <<<"$halving") ||
  fail "MPI promoted other trials"
diff <(without_folders "$tmp/local-halving/summary.csv") <(without_folders "$tmp/mpi-halving/summary.csv") ||
  fail "the halving summary differs from the local sweep's"
echo "PASS"
