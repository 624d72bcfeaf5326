"""The bundled sample models, checked with real TensorFlow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tensorflow as tf

from tfscout import samples

pytestmark = pytest.mark.slow

RTOL = 1e-5
ATOL = 1e-6
MAX_TOTAL_BYTES = 3 * 1024 * 1024


def _latest_prefix(directory: Path) -> Path:
    text = (directory / "checkpoint").read_text()
    match = re.search(r'^model_checkpoint_path:\s*"([^"]+)"', text, re.MULTILINE)
    assert match is not None, text
    return directory / match.group(1)


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    with np.load(samples.reference_npz()) as data:
        return {key: data[key] for key in data.files}


@pytest.fixture(scope="module")
def restored() -> Iterator[tuple[Any, Any]]:
    prefix = _latest_prefix(samples.checkpoint_dir())
    with tf.Graph().as_default() as graph:
        saver = tf.compat.v1.train.import_meta_graph(f"{prefix}.meta")
        with tf.compat.v1.Session(graph=graph) as sess:
            saver.restore(sess, str(prefix))
            yield graph, sess


@pytest.fixture(scope="module")
def frozen_graph_def() -> Any:
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(samples.frozen_pb().read_bytes())
    return graph_def


def _op_types(graph_def: Any) -> set[str]:
    return {node.op for node in graph_def.node}


def test_sample_files_are_in_the_package_folder() -> None:
    prefix = _latest_prefix(samples.checkpoint_dir())
    assert prefix.parent == samples.checkpoint_dir()
    assert re.fullmatch(r"model\.ckpt-\d+", prefix.name)
    for suffix in (".meta", ".index", ".data-00000-of-00001"):
        assert Path(f"{prefix}{suffix}").is_file()
    assert samples.frozen_pb().is_file()
    assert samples.reference_npz().is_file()
    assert samples.frozen_pb().parent == samples.samples_dir()


def test_samples_total_under_three_megabytes() -> None:
    files = [p for p in samples.samples_dir().rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    total = sum(p.stat().st_size for p in files)
    assert 0 < total < MAX_TOTAL_BYTES


def test_reference_batch_shapes(reference: dict[str, Any]) -> None:
    assert reference["x"].shape == (4, 28, 28, 1)
    assert reference["x"].dtype == np.float32
    assert reference["probabilities"].shape == (4, 10)
    np.testing.assert_allclose(reference["probabilities"].sum(axis=1), 1.0, rtol=0, atol=1e-5)


def test_checkpoint_matches_reference_at_inference(restored: tuple[Any, Any], reference: dict[str, Any]) -> None:
    _, sess = restored
    probabilities = sess.run("probabilities:0", {"x:0": reference["x"], "keep_prob:0": 1.0})
    np.testing.assert_allclose(probabilities, reference["probabilities"], rtol=RTOL, atol=ATOL)


def test_frozen_graph_matches_checkpoint(
    restored: tuple[Any, Any], frozen_graph_def: Any, reference: dict[str, Any]
) -> None:
    _, ckpt_sess = restored
    from_checkpoint = ckpt_sess.run("probabilities:0", {"x:0": reference["x"], "keep_prob:0": 1.0})
    with tf.Graph().as_default() as graph:
        tf.compat.v1.import_graph_def(frozen_graph_def, name="")
        with tf.compat.v1.Session(graph=graph) as sess:
            from_frozen = sess.run("probabilities:0", {"x:0": reference["x"], "keep_prob:0": 1.0})
    np.testing.assert_allclose(from_frozen, from_checkpoint, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(from_frozen, reference["probabilities"], rtol=RTOL, atol=ATOL)


def test_checkpoint_was_trained(restored: tuple[Any, Any]) -> None:
    graph, sess = restored
    step = int(sess.run("global_step:0"))
    assert _latest_prefix(samples.checkpoint_dir()).name == f"model.ckpt-{step}"
    assert step >= 20
    trained = sess.run("conv1/weights:0")
    first_moment = sess.run("conv1/weights/Adam:0")
    assert np.any(first_moment != 0.0)
    sess.run(graph.get_operation_by_name("conv1/weights/Assign"))
    initial = sess.run("conv1/weights:0")
    assert not np.allclose(trained, initial)


def test_dropout_is_active_below_keep_prob_one(restored: tuple[Any, Any], reference: dict[str, Any]) -> None:
    _, sess = restored
    at_inference = sess.run("probabilities:0", {"x:0": reference["x"], "keep_prob:0": 1.0})
    with_dropout = sess.run("probabilities:0", {"x:0": reference["x"], "keep_prob:0": 0.5})
    assert not np.allclose(at_inference, with_dropout)


def test_checkpoint_graph_holds_training_machinery(restored: tuple[Any, Any]) -> None:
    graph, _ = restored
    graph_def = graph.as_graph_def()
    ops = _op_types(graph_def)
    assert {"Conv2DBackpropFilter", "Conv2DBackpropInput", "MaxPoolGrad", "ReluGrad"} <= ops
    assert "ApplyAdam" in ops
    assert {"ScalarSummary", "MergeSummary"} <= ops
    assert {"SaveV2", "RestoreV2"} <= ops
    assert "VariableV2" in ops
    placeholders = {node.name: node for node in graph_def.node if node.op == "Placeholder"}
    assert set(placeholders) == {"x", "labels", "keep_prob"}
    assert tf.dtypes.as_dtype(placeholders["labels"].attr["dtype"].type) == tf.int64
    assert graph.get_operation_by_name("train_op").type == "AssignAdd"
    assert graph.get_operation_by_name("loss").type == "Mean"
    assert graph.get_collection(tf.compat.v1.GraphKeys.TRAIN_OP)


def test_frozen_graph_has_no_variables_and_keeps_keep_prob(frozen_graph_def: Any) -> None:
    ops = _op_types(frozen_graph_def)
    assert not ops & {"VariableV2", "Variable", "VarHandleOp", "ReadVariableOp", "Assign", "AssignVariableOp"}
    assert not ops & {"SaveV2", "RestoreV2", "ScalarSummary", "MergeSummary", "ApplyAdam"}
    nodes = {node.name: node for node in frozen_graph_def.node}
    assert nodes["keep_prob"].op == "Placeholder"
    assert nodes["x"].op == "Placeholder"
    assert "labels" not in nodes
    assert nodes["probabilities"].op == "Softmax"
    assert sum(1 for node in frozen_graph_def.node if node.op == "Placeholder") == 2
