"""The CLI golden cases: `tfscout inspect` on the bundled samples and a few corpus graphs.

Regenerate after a deliberate change of the output: `python -m tests.golden.cases` (from the
repository root); review the diff before committing it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = Path(__file__).resolve().parent

# name -> arguments after `tfscout`, run from the repository root
CASES: dict[str, list[str]] = {
    "sample_checkpoint": ["inspect", "tfscout/samples/cnn_checkpoint"],
    "sample_frozen": ["inspect", "tfscout/samples/cnn_frozen.pb"],
    "kws_cut_point": ["inspect", "tests/corpus/kws_dnn_s/DNN_S.pb"],
    "saved_model_signature": ["inspect", "tests/corpus/serving_half_plus_two_cpu"],
    "multi_head": ["inspect", "tests/corpus/mtcnn_full_facedetector/mtcnn.pb"],
    "regression_training_checkpoint": ["inspect", "tests/corpus/tf2onnx_regression_ckpt"],
    "given_names": ["inspect", "tests/corpus/kws_dnn_s/DNN_S.pb", "--inputs", "wav_data", "--outputs",
                    "labels_softmax:0"],
}


def run(args: list[str]) -> tuple[int, str, str]:
    import subprocess

    exe = Path(sys.executable).with_name("tfscout")
    proc = subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def main() -> int:
    for name, args in CASES.items():
        for suffix, extra in ((".txt", []), (".json", ["--json"])):
            code, out, err = run(args + extra)
            if code not in (0, 1):
                sys.stderr.write(f"{name}: exit {code}: {err}")
                return 1
            (GOLDEN / f"{name}{suffix}").write_text(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
