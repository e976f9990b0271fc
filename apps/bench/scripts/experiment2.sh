#!/usr/bin/env bash
# Experiment 2 (MATH.md §8): full MNIST, every method, resumable.
# Usage: experiment2.sh <out-dir> <epochs> <method>...   (reruns continue from checkpoints)
# Extra train options per method: EXTRA_<method>='--weight-decay 0' (dashes in the name become _);
# for every method and resume: COMMON='--matmul onnx --matmul-threads 1' (matMul kernel options only).
set -euo pipefail
out_dir=$1; epochs=$2; shift 2
cli="$(dirname "$0")/../bin/fisherkit.mjs"
mkdir -p "$out_dir"
for method in "$@"; do
  out="$out_dir/mnist-$method.json"
  extra_var="EXTRA_${method//-/_}"
  read -r -a extra <<< "${!extra_var:-}"
  read -r -a common <<< "${COMMON:-}"
  if [[ -f "$out.checkpoint.json" ]]; then
    node "$cli" train --resume "$out.checkpoint.json" --epochs "$epochs" --out "$out" --checkpoint-every 1 ${common[@]+"${common[@]}"}
  else
    node "$cli" train --problem mnist --method "$method" --epochs "$epochs" --out "$out" --checkpoint-every 1 ${common[@]+"${common[@]}"} ${extra[@]+"${extra[@]}"}
  fi
done
