# Shared by the invariance tests: two run folders hold the same numbers, byte for byte.
# same_run DIR_A DIR_B: metrics.csv without its `seconds` column, every weight file, predictions.csv.
# Prints what differs and returns 1, or returns 0.
same_run() {
  local a="$1" b="$2" f
  local seconds
  seconds="$(head -n1 "$a/metrics.csv" | tr , '\n' | grep -n '^seconds$' | cut -d: -f1)"
  if ! diff <(cut -d, -f"$seconds" --complement "$a/metrics.csv") <(cut -d, -f"$seconds" --complement "$b/metrics.csv") >/dev/null; then
    echo "metrics.csv differs between $a and $b" >&2
    return 1
  fi
  cmp -s "$a/predictions.csv" "$b/predictions.csv" || { echo "predictions.csv differs between $a and $b" >&2; return 1; }
  [[ $(ls "$a/weights") == "$(ls "$b/weights")" ]] || { echo "different weight files in $a and $b" >&2; return 1; }
  for f in "$a"/weights/*; do
    cmp -s "$f" "$b/weights/$(basename "$f")" || { echo "weights/$(basename "$f") differs between $a and $b" >&2; return 1; }
  done
}
