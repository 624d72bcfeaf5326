"""Each repair, for real: TensorFlow freezes, tf2onnx converts, onnxruntime answers.

Every model is built by tests/fixtures/tf1_graphs.py, which also saved what TensorFlow answers in
inference mode for one input, computed without tfscout. The converted model must give that answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest

from tests.fixtures.tf1_models import TF1Models, onnx_run, shared_models
from tfscout.converter import ConversionReport, convert_model

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tf1_models(tmp_path_factory: pytest.TempPathFactory) -> TF1Models:
    return shared_models(tmp_path_factory)


def _convert(models: TF1Models, name: str, tmp_path: Path) -> tuple[ConversionReport, Path]:
    out = tmp_path / f"{name}.onnx"
    report = convert_model(models.path(name), out, timeout=300)
    assert report.exit_code == 0, [p.message for p in report.problems]
    assert report.verified and report.onnx == str(out) and out.is_file()
    return report, out


def _step(report: ConversionReport, name: str) -> Any:
    found = [s for s in report.steps if s.name == name]
    assert found, f"no step '{name}' in {[s.name for s in report.steps]}"
    return found[0]


def _standard_onnx_ops(path: Path) -> set[str]:
    model = onnx.load(str(path))
    ops = {n.op_type for n in model.graph.node}
    unknown = {op for op in ops if not onnx.defs.has(op)}
    assert not unknown, f"non-standard ops left in the ONNX model: {unknown}"
    return ops


def _matches_expected(models: TF1Models, name: str, out: Path) -> None:
    feeds, expected = models.expected(name)
    got = onnx_run(out, feeds)[models.index[name]["fetch"]]
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name, cuts", [("queue_pipeline", ["batch:0"]),
                                        ("iterator_pipeline", ["next_batch:0", "next_batch:1"]),
                                        ("jpeg_pipeline", ["decoded:0"])])
def test_pipelines_are_cut_at_the_decoded_tensor(tf1_models: TF1Models, tmp_path: Path, name: str,
                                                 cuts: list[str]) -> None:
    """A Placeholder replaces each cut tensor; the ONNX inputs keep the tensor names, ports included."""
    report, out = _convert(tf1_models, name, tmp_path)
    step = _step(report, "cut at the chosen inputs")
    assert step.status == "done" and sorted(step.nodes) == cuts
    assert sorted(i.name for i in report.inputs) == cuts
    assert sorted(i.name for i in report.structure.onnx.inputs) == cuts
    _standard_onnx_ops(out)
    _matches_expected(tf1_models, name, out)


def test_jpeg_cut_feeds_pixels_as_uint8(tf1_models: TF1Models, tmp_path: Path) -> None:
    report, _out = _convert(tf1_models, "jpeg_pipeline", tmp_path)
    (onnx_input,) = report.structure.onnx.inputs
    assert onnx_input.dtype == "uint8" and onnx_input.shape == [-1, -1, 3]
    assert "DecodeJpeg" not in report.structure.tensorflow.op_counts


def test_mode_switches_become_constants_and_conditions_fold(tf1_models: TF1Models, tmp_path: Path) -> None:
    report, out = _convert(tf1_models, "switches", tmp_path)
    assert report.mode_switches == {"keep_prob:0": 1.0, "is_training:0": False}
    assert [i.name for i in report.structure.onnx.inputs] == ["x:0"]
    assert _step(report, "mode switches become constants").status == "done"
    folded = _step(report, "keep the live branch of constant conditions")
    assert folded.status == "done" and folded.nodes
    ops = _standard_onnx_ops(out)
    assert not ops & {"If", "Loop", "RandomUniform", "RandomUniformLike", "Dropout"}
    assert not set(report.structure.tensorflow.op_counts) & {"Switch", "Merge"}
    _matches_expected(tf1_models, "switches", out)


def test_print_checknumerics_and_assert_are_bypassed(tf1_models: TF1Models, tmp_path: Path) -> None:
    report, out = _convert(tf1_models, "debug_ops", tmp_path)
    assert sorted(_step(report, "bypass Print and CheckNumerics").nodes) == ["check_h", "print_h"]
    # tf.debugging.Assert on a computed condition guards the Assert with a tf.cond: all of it goes
    assert _step(report, "drop control dependencies on Assert").nodes == ["finite_check/AssertGuard/Assert"]
    tf_ops = set(report.structure.tensorflow.op_counts)
    assert not tf_ops & {"Print", "CheckNumerics", "Assert", "Switch", "Merge"}
    _standard_onnx_ops(out)
    _matches_expected(tf1_models, "debug_ops", out)


def test_training_graph_becomes_inference_graph(tf1_models: TF1Models, tmp_path: Path) -> None:
    """Batch norm (fused and not) uses the moving averages; the fixed-rate dropout is gone."""
    report, out = _convert(tf1_models, "training_bn", tmp_path)
    bn = _step(report, "batch norm to inference mode")
    assert bn.status == "done"
    assert any(n.startswith("bn_fused/") for n in bn.nodes) and any(n.startswith("bn_plain/") for n in bn.nodes)
    assert _step(report, "active dropout becomes identity").status == "done"
    ops = _standard_onnx_ops(out)
    assert not ops & {"RandomUniform", "RandomUniformLike", "Dropout"}
    assert not set(report.structure.tensorflow.op_counts) & {"RandomUniform", "AssignSub", "VariableV2"}
    _matches_expected(tf1_models, "training_bn", out)


def test_batch_norm_without_moving_averages_follows_training_mode(tf1_models: TF1Models, tmp_path: Path) -> None:
    report, out = _convert(tf1_models, "bn_batch_stats", tmp_path)
    step = _step(report, "batch norm to inference mode")
    assert step.status == "warning" and "follow training mode" in step.detail
    assert any("batch" in w for w in report.warnings)
    x = np.random.default_rng(3).uniform(-1, 1, (5, 1, 1, 4)).astype(np.float32)
    got = onnx_run(out, {"x:0": x})["normalised:0"]
    mean, var = x.mean(axis=0), x.var(axis=0)
    scale, offset = np.array([1.0, 2.0, 0.5, 1.5]), np.array([0.0, 0.1, -0.2, 0.3])
    np.testing.assert_allclose(got, (x - mean) / np.sqrt(var + 1e-3) * scale + offset, rtol=1e-4, atol=1e-4)
