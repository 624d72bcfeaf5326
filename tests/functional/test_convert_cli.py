"""``tfscout convert`` through the console script: exit codes, safety, output handling, JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.tf1_models import TF1Models, run_cli, shared_models, tree_digest

pytestmark = pytest.mark.slow

CONTRACT = ["onnx", "inputs", "outputs", "opset", "verified", "max_abs_diff", "steps", "problems"]


@pytest.fixture(scope="module")
def tf1_models(tmp_path_factory: pytest.TempPathFactory) -> TF1Models:
    return shared_models(tmp_path_factory)


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("tfscout: error:")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_json_contract_and_model_untouched(tf1_models: TF1Models, tmp_path: Path) -> None:
    model = tf1_models.path("switches")
    before = tree_digest(model)
    out = tmp_path / "m.onnx"
    run = run_cli("convert", str(model), "-o", str(out), "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads(run.stdout)
    assert list(data)[: len(CONTRACT)] == CONTRACT
    assert data["onnx"] == str(out) and data["verified"] is True and data["opset"] == 15
    assert [i["name"] for i in data["inputs"]] == ["x:0"]
    assert data["inputs"][0]["dtype"] == "float32" and data["inputs"][0]["shape"] == [-1, 5]
    assert [o["name"] for o in data["outputs"]] == ["output:0"]
    assert data["max_abs_diff"] <= 1e-4 and data["problems"] == []
    assert {s["stage"] for s in data["steps"]} >= {"repair", "freeze", "tf2onnx", "validate", "verify", "write"}
    assert data["structure"]["onnx"]["inputs"][0]["name"] == "x:0"
    assert data["errors"][0]["name"] == "output:0" and data["errors"][0]["ok"] is True
    assert tree_digest(model) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.onnx"]  # no temporary file left behind

    # an existing file is never overwritten without --force (checked before any work)
    stamp = out.stat().st_mtime_ns
    again = run_cli("convert", str(model), "-o", str(out))
    assert again.returncode == 2
    assert "--force" in _one_error_line(again.stderr)
    assert out.stat().st_mtime_ns == stamp


def test_an_op_of_a_later_opset_converts_at_the_recommended_opset(tmp_path: Path) -> None:
    """BitwiseAnd needs opset 18 in tf2onnx 1.17: with no --opset, convert uses what the pre-check
    recommends (at 15, the default, tf2onnx would leave it unconverted)."""
    from tests.graphdefs import GraphBuilder

    b = GraphBuilder()
    x = b.placeholder("x", dtype="int32", shape=[-1, 4])
    mask = b.const("mask", [6, 6, 3, 3], dtype="int32")
    b.op("masked", "BitwiseAnd", [x, mask], t="int32")
    model = b.write(tmp_path / "bitwise.pb")
    inspected = json.loads(run_cli("inspect", str(model), "--json").stdout)
    assert inspected["opset"] == {"required": 18, "recommended": 18}
    out = tmp_path / "bitwise.onnx"
    run = run_cli("convert", str(model), "-o", str(out), "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads(run.stdout)
    assert data["verified"] is True and data["opset"] == 18
    assert data["structure"]["onnx"]["op_counts"].get("BitwiseAnd") == 1
    precheck = [s for s in data["steps"] if s["name"] == "pre-check"]
    assert precheck and precheck[0]["status"] == "done" and "opset 18" in precheck[0]["detail"]


def test_print_flagged_by_the_pre_check_is_repaired_away(tf1_models: TF1Models, tmp_path: Path) -> None:
    run = run_cli("convert", str(tf1_models.path("debug_ops")), "-o", str(tmp_path / "d.onnx"), "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads(run.stdout)
    precheck = [s for s in data["steps"] if s["name"] == "pre-check"][0]
    assert precheck["status"] == "warning" and "Print (1 node: unsupported; convert will bypass it)" in precheck["detail"]
    assert data["verified"] is True


def test_force_overwrites_and_text_report(tf1_models: TF1Models, tmp_path: Path) -> None:
    out = tmp_path / "d.onnx"
    out.write_bytes(b"not a model")
    run = run_cli("convert", str(tf1_models.path("debug_ops")), "-o", str(out), "--force")
    assert run.returncode == 0, run.stdout + run.stderr
    assert out.read_bytes()[:2] != b"no"
    assert "verified:" in run.stdout and "bypass Print and CheckNumerics" in run.stdout
    assert "ONNX vs TensorFlow" in run.stdout and "y:0: max abs" in run.stdout


def test_unsafe_subgraph_is_refused_before_anything_runs(tf1_models: TF1Models, tmp_path: Path) -> None:
    out = tmp_path / "u.onnx"
    run = run_cli("convert", str(tf1_models.path("unsafe_glob")), "-o", str(out))
    assert run.returncode == 1
    line = _one_error_line(run.stderr)
    assert "MatchingFiles" in line and "--allow-unsafe" in line
    assert not out.exists()


def test_side_effect_reached_by_a_control_edge_never_runs(tf1_models: TF1Models, tmp_path: Path) -> None:
    """WriteFile hangs on the output by a control dependency: refused, and the file is never written."""
    marker = tf1_models.root / tf1_models.index["unsafe_write"]["marker"]
    out = tmp_path / "w.onnx"
    run = run_cli("convert", str(tf1_models.path("unsafe_write")), "-o", str(out))
    assert run.returncode == 1
    assert "WriteFile" in _one_error_line(run.stderr)
    assert not marker.exists() and not out.exists()


@pytest.mark.parametrize("args, words", [
    (["convert", "/no/such/model.pb", "-o", "x.onnx"], "no such file"),
    (["convert", "MODEL", "-o", "x.onnx", "--outputs", "no_such_tensor"], "no output named"),
    (["convert", "MODEL", "-o", "x.onnx", "--opset", "99"], "opset 99"),
])
def test_bad_usage_exits_2_with_one_line(tf1_models: TF1Models, tmp_path: Path, args: list[str],
                                         words: str) -> None:
    args = [str(tf1_models.path("debug_ops")) if a == "MODEL" else a for a in args]
    run = run_cli(*args, cwd=tmp_path)
    assert run.returncode == 2
    assert words in _one_error_line(run.stderr)
    assert not (tmp_path / "x.onnx").exists()
