"""The convert guarantees on a representative subset of the third-party corpus (autopilot, no names).

- where plain tf2onnx with the documented names gives a model matching TensorFlow, so do we;
- graphs plain tf2onnx fails on (an audio front end, a GRU with keep_prob and no input shape)
  convert once repaired;
- exit 0 only with a model that matches TensorFlow: each accepted model is checked again on fresh
  inputs drawn with another seed; a graph TensorFlow cannot even load never exits 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.fixtures.tf1_models import corpus_dir
from tfscout.converter import convert_model, verify_model
from tfscout.errors import UnsafeModelError

pytestmark = pytest.mark.slow

PLAIN_TOLERANCE = 1e-3
SUBSET = ("tf2onnx_regression_ckpt", "serving_half_plus_two_mkl", "kws_ds_cnn_s", "tf2onnx_benchtf_gru",
          "ngraph_flib_graph_1")


@pytest.fixture(scope="module")
def manifest() -> dict[str, dict[str, Any]]:
    import json

    return {e["id"]: e for e in json.loads((corpus_dir() / "manifest.json").read_text())}


def _plain_matches(entry: dict[str, Any]) -> bool:
    diff = entry["max_abs_diff_tf_vs_ort"]
    return bool(entry["conversion_ok"]) and diff is not None and diff <= PLAIN_TOLERANCE


def _fresh_sample(report: Any, path: Path) -> Path:
    rng = np.random.default_rng(2024)
    values = {}
    for info in report.inputs:
        shape = [d if d >= 0 else 2 for d in (info.shape or [])]
        dtype = info.dtype or "float32"
        values[info.name] = (rng.integers(0, 2, shape) if dtype.startswith(("int", "uint"))
                             else rng.uniform(-2, 2, shape)).astype(dtype)
    np.savez(path, **values)
    return path


@pytest.mark.parametrize("graph", SUBSET)
def test_convert_guarantees(manifest: dict[str, dict[str, Any]], tmp_path: Path, graph: str) -> None:
    entry = manifest[graph]
    out = tmp_path / "model.onnx"
    try:
        report = convert_model(corpus_dir() / graph, out, timeout=300)
    except UnsafeModelError:  # an op not known to be safe on the path (a custom op TensorFlow cannot run either)
        assert not _plain_matches(entry) and not out.exists()
        return
    if _plain_matches(entry):
        assert report.exit_code == 0, [p.message for p in report.problems]
    if report.exit_code != 0:
        assert not report.verified or report.problems
        assert report.problems and not out.exists()
        return
    assert report.verified and out.is_file()
    assert report.max_abs_diff is not None and report.max_abs_diff <= report.atol + report.rtol
    assert [o.name for o in report.structure.onnx.outputs] == [o.name for o in report.outputs]
    again = verify_model(corpus_dir() / graph, out, sample=_fresh_sample(report, tmp_path / "fresh.npz"),
                         timeout=300)
    assert again.verified, [p.message for p in again.problems]


def test_subset_is_representative(manifest: dict[str, dict[str, Any]]) -> None:
    """The subset mixes formats and both outcomes of plain tf2onnx."""
    chosen = [manifest[g] for g in SUBSET]
    assert {e["format"] for e in chosen} >= {"frozen_pb", "meta_ckpt", "saved_model_tf1", "pbtxt"}
    assert any(_plain_matches(e) for e in chosen) and any(not _plain_matches(e) for e in chosen)
