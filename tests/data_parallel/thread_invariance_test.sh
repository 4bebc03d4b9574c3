#!/usr/bin/env bash
# The same experiment at 1, 2 and 3 threads gives the same metrics, weights and predictions, byte for
# byte: the recurrent models' shards are the batch's reduction blocks (seqlab/parallel.hpp), fixed by
# the data, and their gradients are added in block order. Covers rnn, lstm and gru; full batches of
# several blocks and shuffled mini-batches with a smaller last one; two layers with dropout (the masks
# are drawn row by row); both heads.
# Usage: thread_invariance_test.sh SEQLAB_BINARY
set -euo pipefail
seqlab="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=../support/same_run.sh
source "$(dirname "$0")/../support/same_run.sh"

# model, batch_size (0: full), target, layers, dropout, samples (the training set is 90% of them). 1170
# sequences: 3 reduction blocks of 390, one shard each; batches of 100 and 70: one block, in two halves.
cases=(
  "rnn 0 last 1 0 1300"
  "lstm 0 sequence 2 0.3 1300"
  "gru 100 last 2 0.3 300"
  "lstm 70 last 1 0 300"
  "gru 600 sequence 1 0 1300"
)
for c in "${cases[@]}"; do
  read -r model batch target layers dropout samples <<<"$c"
  name="$model-b$batch-$target-l$layers"
  cat >"$tmp/$name.yaml" <<YAML
name: $name
seed: 5
dataset:   {plugin: sine, num_samples: $samples, val_samples: 130, seq_length: 10, shift: 0.1, target: $target}
model:     {plugin: $model, hidden_size: 8, num_layers: $layers, dropout: $dropout}
loss:      {plugin: mse}
optimizer: {plugin: adam, lr: 0.01}
training:  {epochs: 6, batch_size: $batch, log_every: 0}
YAML
  for threads in 1 2 3; do
    "$seqlab" run "$tmp/$name.yaml" --no-plots --threads "$threads" --out "$tmp/$name-t$threads" >/dev/null ||
      { echo "FAIL: $name at $threads threads did not run" >&2; exit 1; }
  done
  same_run "$tmp/$name-t1" "$tmp/$name-t2" || { echo "FAIL: $name: 1 and 2 threads differ" >&2; exit 1; }
  same_run "$tmp/$name-t1" "$tmp/$name-t3" || { echo "FAIL: $name: 1 and 3 threads differ" >&2; exit 1; }
  echo "$name: 1, 2 and 3 threads byte-identical"
done
echo PASS
