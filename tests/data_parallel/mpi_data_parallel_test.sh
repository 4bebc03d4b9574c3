#!/usr/bin/env bash
# `seqlab run --backend mpi`: data-parallel training over MPI ranks against single-process training with the
# same global batch. Full batch and shuffled mini-batches (with a smaller last batch, and shares of uneven size
# at 3 ranks): per-epoch losses and final predictions agree within float rounding; the same rank count gives
# bit-identical metrics; only rank 0 writes; a bad experiment is an error on every rank, not a hang.
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

# The largest difference between two CSV files' numeric columns $3.. (listed), relative to the larger value.
# Usage: worst_relative FILE_A FILE_B COLUMN...
worst_relative() {
  local a="$1" b="$2"
  shift 2
  paste -d, "$a" "$b" | awk -F, -v cols="$*" -v width="$(head -n1 "$a" | awk -F, '{print NF}')" '
    NR == 1 { next }
    { n = split(cols, c, " ")
      for (i = 1; i <= n; i++) {
        x = $(c[i]); y = $(c[i] + width); d = x - y; if (d < 0) d = -d
        s = (x < 0 ? -x : x); t = (y < 0 ? -y : y); if (t > s) s = t
        if (s > 1e-12 && d / s > worst) worst = d / s } }
    END { printf "%.3g\n", worst + 0 }'
}
without_seconds() { cut -d, -f1-4 "$1"; }

for batch in 0 50; do
  cat >"$tmp/exp$batch.yaml" <<YAML
name: dp$batch
seed: 3
dataset:   {plugin: sine, num_samples: 240, val_samples: 20, seq_length: 12, shift: 0.1, target: last}
model:     {plugin: lstm, hidden_size: 8, num_layers: 1}
loss:      {plugin: mse}
optimizer: {plugin: adam, lr: 0.01}
training:  {epochs: 12, batch_size: $batch, log_every: 4}
YAML
  "$seqlab" run "$tmp/exp$batch.yaml" --no-plots --out "$tmp/single$batch" >/dev/null ||
    fail "single-process run (batch_size $batch) failed"
  for ranks in 2 3; do
    out="$(mpi "$ranks" "$seqlab" run "$tmp/exp$batch.yaml" --backend mpi --no-plots --out "$tmp/dp$batch-$ranks" 2>&1)" ||
      fail "mpirun -np $ranks (batch_size $batch) exited $?: $out"
    [[ $(grep -c "^done: " <<<"$out") == 1 ]] || fail "expected one 'done:' line, from rank 0 only: $out"
    grep -q "data-parallel over $ranks processes" <<<"$out" || fail "no data-parallel header: $out"
    grep -q '"data_parallel_processes": '"$ranks" "$tmp/dp$batch-$ranks/summary.json" ||
      fail "summary.json does not record the process count"
    losses="$(worst_relative "$tmp/single$batch/metrics.csv" "$tmp/dp$batch-$ranks/metrics.csv" 2 3)"
    predictions="$(worst_relative "$tmp/single$batch/predictions.csv" "$tmp/dp$batch-$ranks/predictions.csv" 5)"
    echo "batch_size $batch, $ranks ranks: losses within $losses, predictions within $predictions of one process"
    awk -v l="$losses" -v p="$predictions" 'BEGIN { exit !(l < 1e-4 && p < 1e-4) }' ||
      fail "data-parallel results differ from single-process ones by more than float rounding"
  done
done

# Determinism: the same rank count gives the same bits.
mpi 2 "$seqlab" run "$tmp/exp50.yaml" --backend mpi --no-plots --out "$tmp/again" >/dev/null 2>&1 ||
  fail "the repeated run failed"
diff <(without_seconds "$tmp/dp50-2/metrics.csv") <(without_seconds "$tmp/again/metrics.csv") ||
  fail "two data-parallel runs at 2 ranks differ"
cmp -s "$tmp/dp50-2/predictions.csv" "$tmp/again/predictions.csv" || fail "predictions differ between two runs"

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
