#!/usr/bin/env bash
# `seqlab run --backend mpi`: data-parallel training over 1, 2 and 3 MPI ranks against single-process
# training with the same global batch. Full batch and shuffled mini-batches (with a smaller last batch, and
# shares of uneven size at 3 ranks), with dropout: metrics, weights and predictions are byte-identical at
# every rank count; only rank 0 writes; a bad experiment is an error on every rank, not a hang.
# Usage: mpi_data_parallel_test.sh SEQLAB_BINARY MPIRUN
set -euo pipefail
seqlab="$1"
mpirun="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=../support/mpi_common.sh
source "$(dirname "$0")/../support/mpi_common.sh"
mpi() { timeout "$(limit 120)" "$mpirun" "${mpirun_flags[@]}" -np "$@"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# shellcheck source=../support/same_run.sh
source "$(dirname "$0")/../support/same_run.sh"

# Full batch (1170 sequences: 3 reduction blocks; 2 ranks get 2 and 1) and shuffled mini-batches of 600
# (2 blocks) with a smaller last one (at 3 ranks one process trains nothing of them), and of 100 (one block
# in two halves: one rank works); two layers with dropout. Then the full batch without dropout and with
# hidden 16, which trains in one pass (Model::train_step), its shards in groups.
for case in "0 8 0.2" "600 8 0.2" "100 8 0.2" "0 16 0"; do
  read -r batch hidden dropout <<<"$case"
  [[ $dropout == 0 ]] && batch="${batch}onepass"
  cat >"$tmp/exp$batch.yaml" <<YAML
name: dp$batch
seed: 3
dataset:   {plugin: sine, num_samples: 1300, val_samples: 130, seq_length: 12, shift: 0.1, target: last}
model:     {plugin: lstm, hidden_size: $hidden, num_layers: 2, dropout: $dropout}
loss:      {plugin: mse}
optimizer: {plugin: adam, lr: 0.01}
training:  {epochs: 8, batch_size: ${batch%onepass}, log_every: 4}
YAML
  "$seqlab" run "$tmp/exp$batch.yaml" --no-plots --out "$tmp/single$batch" >/dev/null ||
    fail "single-process run (batch_size $batch) failed"
  for ranks in 1 2 3; do
    out="$(mpi "$ranks" "$seqlab" run "$tmp/exp$batch.yaml" --backend mpi --no-plots --out "$tmp/dp$batch-$ranks" 2>&1)" ||
      fail "mpirun -np $ranks (batch_size $batch) exited $?: $out"
    [[ $(grep -c "^done: " <<<"$out") == 1 ]] || fail "expected one 'done:' line, from rank 0 only: $out"
    grep -q "data-parallel over $ranks processes" <<<"$out" || fail "no data-parallel header: $out"
    grep -q '"data_parallel_processes": '"$ranks" "$tmp/dp$batch-$ranks/summary.json" ||
      fail "summary.json does not record the process count"
    same_run "$tmp/single$batch" "$tmp/dp$batch-$ranks" ||
      fail "batch_size $batch: $ranks ranks differ from one process"
    echo "batch_size $batch, $ranks ranks: metrics, weights and predictions byte-identical to one process"
  done
done

# A bad experiment: every rank reports it and exits 2; nothing hangs.
sed 's/hidden_size: 8/hidden_sise: 8/' "$tmp/exp0.yaml" >"$tmp/bad.yaml"
set +e
out="$(mpi 2 "$seqlab" run "$tmp/bad.yaml" --backend mpi --no-plots --out "$tmp/bad" 2>&1)"
code=$?
set -e
[[ $code == 2 ]] || fail "a bad experiment under mpirun should exit 2, got $code: $out"
grep -q "bad.yaml:4:[0-9]*: error: .*hidden_sise" <<<"$out" || fail "the error does not name the file, line and key: $out"
[[ ! -e $tmp/bad ]] || fail "a bad experiment left a run folder"
echo "PASS"
