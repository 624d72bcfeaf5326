#!/usr/bin/env bash
# `make demo`: the main job on the bundled sample legacy model.
set -euo pipefail
PY=${1:-.venv/bin/python}
OUT=${2:-out/demo}
TFSCOUT="$(dirname "$PY")/tfscout"
SAMPLES=$("$PY" -c "import tfscout.samples as s; print(s.samples_dir())")
mkdir -p "$OUT"
echo "== tfscout inspect: a 2017-style training checkpoint (labels, keep_prob, loss, optimizer, summaries, Saver)"
"$TFSCOUT" inspect "$SAMPLES/cnn_checkpoint"
echo
echo "== tfscout inspect: the same model, frozen for inference"
"$TFSCOUT" inspect "$SAMPLES/cnn_frozen.pb"
