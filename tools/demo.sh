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
echo
echo "== tfscout freeze: the inference graph of the checkpoint (keep_prob fixed, training machinery gone)"
"$TFSCOUT" freeze "$SAMPLES/cnn_checkpoint" -o "$OUT/cnn_inference.pb" --force
echo
echo "== tfscout convert: freeze, repair, tf2onnx, onnx.checker, onnxruntime, compare with TensorFlow"
"$TFSCOUT" convert "$SAMPLES/cnn_checkpoint" -o "$OUT/cnn.onnx" --force
echo
echo "== tfscout verify: the ONNX file against the checkpoint, on the bundled reference batch"
"$TFSCOUT" verify "$SAMPLES/cnn_checkpoint" "$OUT/cnn.onnx" --sample "$SAMPLES/cnn_reference.npz" --json \
    > "$OUT/verify.json"
"$PY" - "$OUT/cnn.onnx" "$OUT/verify.json" "$SAMPLES/cnn_reference.npz" <<'EOF'
import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort

onnx_path, report, reference = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text()), np.load(sys.argv[3])
session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
got = session.run(["probabilities:0"], {"x:0": reference["x"]})[0]
stored = float(np.abs(got - reference["probabilities"]).max())
print(f"ONNX model:   {onnx_path.resolve()}")
print(f"verify:       {'verified' if report['verified'] else 'NOT verified'}, max abs diff vs TensorFlow "
      f"{report['max_abs_diff']:.3g} on the reference batch (rtol {report['rtol']:g}, atol {report['atol']:g})")
print(f"reference:    max abs diff {stored:.3g} vs the probabilities stored with the sample")
sys.exit(0 if report["verified"] else 1)
EOF
