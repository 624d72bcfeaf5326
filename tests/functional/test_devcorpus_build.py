"""The development corpus builds the same graphs every run, with truths that name tensors of the written files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def build(out: Path, *families: str) -> subprocess.CompletedProcess[str]:
    args = [a for f in families for a in ("--family", f)]
    return subprocess.run([sys.executable, "-m", "bench.devcorpus.build", *args, "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"})


@pytest.mark.slow
def test_a_family_builds_the_same_truths_twice_and_the_scorer_reads_them(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        done = build(out, "mlp", "wav")
        assert done.returncode == 0, done.stderr[-2000:]
    truths = sorted(first.rglob("truth.json"))
    assert len(truths) == 12 + 5
    for path in truths:
        assert path.read_text() == (second / path.relative_to(first)).read_text()
        truth = json.loads(path.read_text())
        model = path.parent / truth["model"]
        assert model.exists() or model.with_name(model.name + ".index").exists(), truth["id"]  # a checkpoint prefix
        assert truth["id"] == path.parent.name and truth["generator"].startswith("tf-")
    scored = subprocess.run([sys.executable, "-m", "bench.devcorpus.score", "--out", str(first), "--family", "wav"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert scored.returncode == 0, scored.stderr[-2000:]
    results = json.loads((first / "results.json").read_text())
    assert results["summary"]["overall"]["graphs"] == 5
    assert {g["family"] for g in results["graphs"]} == {"wav"}
