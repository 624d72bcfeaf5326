"""``tfscout verify MODEL MODEL.onnx`` for any pair, and what it says when they differ."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from tests.fixtures.tf1_models import TF1Models, run_cli, shared_models

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tf1_models(tmp_path_factory: pytest.TempPathFactory) -> TF1Models:
    return shared_models(tmp_path_factory)


@pytest.fixture(scope="module")
def converted(tf1_models: TF1Models, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("verify") / "debug.onnx"
    run = run_cli("convert", str(tf1_models.path("debug_ops")), "-o", str(out))
    assert run.returncode == 0, run.stdout + run.stderr
    return out


def test_verify_a_good_pair_on_a_sample(tf1_models: TF1Models, converted: Path, tmp_path: Path) -> None:
    feeds, _expected = tf1_models.expected("debug_ops")
    sample = tmp_path / "sample.npz"
    np.savez(sample, **feeds)
    run = run_cli("verify", str(tf1_models.path("debug_ops")), str(converted), "--sample", str(sample), "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads(run.stdout)
    assert data["verified"] is True and data["onnx"] == str(converted)
    assert data["sample"] == str(sample)
    assert any("the sample" in s["detail"] for s in data["steps"] if s["stage"] == "reference")
    assert data["structure"]["onnx"]["outputs"][0]["name"] == "y:0"


def test_verify_finds_a_tampered_model(tf1_models: TF1Models, converted: Path, tmp_path: Path) -> None:
    model = onnx.load(str(converted))
    weights = max(model.graph.initializer, key=lambda t: int(np.prod(t.dims)))
    changed = numpy_helper.to_array(weights) + 0.05
    weights.CopyFrom(numpy_helper.from_array(changed.astype(np.float32), weights.name))
    tampered = tmp_path / "tampered.onnx"
    onnx.save(model, str(tampered))
    run = run_cli("verify", str(tf1_models.path("debug_ops")), str(tampered))
    assert run.returncode == 1
    assert "MISMATCH" in run.stdout and "NOT verified" in run.stdout
    assert "output y:0 differs from TensorFlow" in run.stdout


def test_verify_with_names_the_graph_lacks(tf1_models: TF1Models, converted: Path) -> None:
    run = run_cli("verify", str(tf1_models.path("switches")), str(converted))
    assert run.returncode == 2
    line = run.stderr.strip()
    assert len(line.splitlines()) == 1 and "no output named 'y:0'" in line
    assert "the ONNX model's names (" in line and "--inputs/--outputs" in line


def test_verify_rejects_a_file_that_is_not_onnx(tf1_models: TF1Models, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.onnx"
    bogus.write_bytes(b"\x00\x01garbage")
    run = run_cli("verify", str(tf1_models.path("debug_ops")), str(bogus))
    assert run.returncode == 2 and "not a readable ONNX model" in run.stderr


def test_bisect_on_a_good_pair_compares_the_tensors_along_the_path(tf1_models: TF1Models, converted: Path) -> None:
    """``--bisect`` on demand: with nothing to find, it says how many tensors it compared and that they match."""
    run = run_cli("verify", str(tf1_models.path("debug_ops")), str(converted), "--bisect", "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads(run.stdout)
    found = data["first_divergence"]
    assert found is not None and found["tf_tensor"] == "" and found["compared"] >= 1
    assert "match" in found["note"]
    assert not list(converted.parent.glob("*repro*"))
