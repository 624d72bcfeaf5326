"""``tfscout freeze``: a binary, frozen, repaired inference GraphDef that TensorFlow runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.tf1_models import TF1Models, run_cli, shared_models, tree_digest
from tfscout.inspector import load_source

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tf1_models(tmp_path_factory: pytest.TempPathFactory) -> TF1Models:
    return shared_models(tmp_path_factory)


def test_text_graphdef_to_binary(tf1_models: TF1Models, tmp_path: Path) -> None:
    out = tmp_path / "hello.pb"
    run = run_cli("freeze", str(tf1_models.path("text_graph")), "-o", str(out))
    assert run.returncode == 0, run.stdout + run.stderr
    source = load_source(out)
    assert source.format == "graphdef"  # binary now, sniffed from the bytes
    ops = {n.name: n.op for n in source.graph_def.node}
    assert ops["a"] == "Placeholder" and ops["out"] == "Relu"
    assert "frozen graph:" in run.stdout


def test_checkpoint_to_frozen_inference_graph(tf1_models: TF1Models, tmp_path: Path) -> None:
    model = tf1_models.path("switches")
    before = tree_digest(model)
    out = tmp_path / "switches.pb"
    run = run_cli("freeze", str(model), "-o", str(out), "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads(run.stdout)
    assert data["frozen"] == str(out) and data["onnx"] is None
    graph = load_source(out).graph_def
    ops = {n.op for n in graph.node}
    assert not ops & {"VariableV2", "Switch", "Merge", "RandomUniform", "SaveV2", "ApplyAdam", "AssignSub"}
    placeholders = sorted(n.name for n in graph.node if n.op == "Placeholder")
    assert placeholders == ["x"]  # labels are gone, keep_prob and is_training are constants
    steps = {s["name"]: s for s in data["steps"]}
    assert steps["mode switches become constants"]["detail"] == \
        "inference values: keep_prob:0 = 1.0, is_training:0 = False"
    assert tree_digest(model) == before


def test_frozen_graph_runs_in_tensorflow_like_the_original(tf1_models: TF1Models, tmp_path: Path) -> None:
    """The frozen graph, run by TensorFlow in a child process, gives the inference-mode answer."""
    import subprocess
    import sys

    import numpy as np

    out = tmp_path / "bn.pb"
    assert run_cli("freeze", str(tf1_models.path("training_bn")), "-o", str(out)).returncode == 0
    feeds, expected = tf1_models.expected("training_bn")
    np.save(tmp_path / "x.npy", feeds["x:0"])
    script = (
        "import sys, numpy as np, tensorflow as tf\n"
        "g = tf.compat.v1.GraphDef(); g.ParseFromString(open(sys.argv[1], 'rb').read())\n"
        "with tf.Graph().as_default() as graph:\n"
        "    tf.compat.v1.import_graph_def(g, name='')\n"
        "    with tf.compat.v1.Session(graph=graph) as s:\n"
        "        y = s.run('logits:0', {'x:0': np.load(sys.argv[2])})\n"
        "np.save(sys.argv[3], y)\n")
    subprocess.run([sys.executable, "-c", script, str(out), str(tmp_path / "x.npy"), str(tmp_path / "y.npy")],
                   check=True, capture_output=True, timeout=300)
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), expected, rtol=1e-5, atol=1e-6)


def test_freeze_refuses_to_overwrite(tf1_models: TF1Models, tmp_path: Path) -> None:
    out = tmp_path / "exists.pb"
    out.write_bytes(b"keep me")
    run = run_cli("freeze", str(tf1_models.path("text_graph")), "-o", str(out))
    assert run.returncode == 2 and "--force" in run.stderr
    assert out.read_bytes() == b"keep me"


def test_mode_switch_values_by_hand(tf1_models: TF1Models, tmp_path: Path) -> None:
    out = tmp_path / "s.pb"
    run = run_cli("freeze", str(tf1_models.path("switches")), "-o", str(out), "--switch", "keep_prob=0.75", "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads(run.stdout)
    assert data["mode_switches"] == {"keep_prob:0": 0.75, "is_training:0": False}
    bad = run_cli("freeze", str(tf1_models.path("switches")), "-o", str(tmp_path / "t.pb"), "--switch", "nosuch=1")
    assert bad.returncode == 2 and "not a placeholder" in bad.stderr
