"""``tfscout check`` through the installed console script, and ``--confirm`` against real tf2onnx runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, corpus_manifest, run_tfscout
from tfscout.inspector.precheck import load_shipped, shipped_tables


def entry(graph_id: str) -> dict[str, Any]:
    return next(e for e in corpus_manifest() if e["id"] == graph_id)


def model(graph_id: str) -> str:
    e = entry(graph_id)
    return str(CORPUS / e["id"] / e["model_path"])


def documented(graph_id: str) -> list[str]:
    e = entry(graph_id)
    return ["--inputs", ",".join(e["true_inputs"]["names"]), "--outputs", ",".join(e["true_outputs"]["names"])]


def test_check_exits_1_and_names_what_tf2onnx_will_not_convert() -> None:
    graph = "kws_dnn_s"
    expected = set(entry(graph)["conversion"]["unsupported_ops"])
    assert expected
    result = run_tfscout("check", model(graph), *documented(graph), "--opset", "15", "--json")
    assert result.returncode == 1, result.stderr
    data = result.json()
    blocking = {u["op"] for u in data["unsupported"] if u["status"] in ("unsupported", "needs_opset",
                                                                        "needs_extra_opset")}
    assert blocking == expected
    assert all(u["hint"] for u in data["unsupported"])
    assert data["precheck"]["ran"] and data["precheck"]["opset"] == 15
    assert data["confirm"] is None
    # inspect carries the same list (the JSON contract of DESIGN.md)
    inspected = run_tfscout("inspect", model(graph), *documented(graph), "--opset", "15", "--json")
    assert inspected.returncode == 0, inspected.stderr
    assert inspected.json()["unsupported"] == data["unsupported"]
    assert inspected.json()["opset"] == data["opset"]


def test_check_exits_0_when_nothing_blocks_and_prints_the_command() -> None:
    result = run_tfscout("check", model("tf2onnx_regression_frozen"))
    assert result.returncode == 0, result.stderr
    assert "should convert every op on the path" in result.stdout
    assert "python -m tf2onnx.convert" in result.stdout and "--opset 15" in result.stdout


def test_recommended_interface_cuts_the_preprocessing_away() -> None:
    """With no names given, kws graphs are cut after the audio front end, so nothing blocks."""
    result = run_tfscout("check", model("kws_dnn_s"), "--json")
    data = result.json()
    assert result.returncode == (1 if any(u["status"] != "conditional" for u in data["unsupported"]) else 0)
    assert "DecodeWav" not in {u["op"] for u in data["unsupported"]}


def test_bad_extra_opset_is_a_usage_error() -> None:
    result = run_tfscout("check", model("tf2onnx_regression_frozen"), "--extra-opset", "contrib")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("tfscout: error: ") and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["inspect", "check", "convert"])
@pytest.mark.parametrize("opset", ["6", "19", "99"])
def test_an_opset_tf2onnx_cannot_target_is_a_usage_error(command: str, opset: str, tmp_path) -> None:
    out = tmp_path / "m.onnx"
    extra = ["-o", str(out)] if command == "convert" else []
    result = run_tfscout(command, model("tf2onnx_regression_frozen"), "--opset", opset, *extra)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"tfscout: error: opset {opset} is not one tf2onnx")
    assert "from 7 to 18" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_lowest_opset_that_works_is_one_tf2onnx_can_target() -> None:
    data = run_tfscout("inspect", model("tf2onnx_regression_frozen"), "--json").json()
    assert data["opset"]["required"] >= 7
    assert run_tfscout("check", model("tf2onnx_regression_frozen"), "--opset", "7").returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize("graph", ["tf2onnx_regression_frozen", "kws_dnn_s", "kws_basic_lstm_s"])
def test_confirm_agrees_with_a_real_tf2onnx_run(graph: str) -> None:
    result = run_tfscout("check", model(graph), *documented(graph), "--opset", "15", "--confirm", "--json",
                         "--timeout", "240")
    data = result.json()
    confirm = data["confirm"]
    assert confirm["reached_handlers"], confirm["log_tail"]
    assert confirm["agrees"] is True, confirm["disagreements"]
    fast = {u["op"] for u in data["unsupported"] if u["status"] != "conditional"}
    assert set(confirm["unsupported"]) == fast == set(entry(graph)["conversion"]["unsupported_ops"])
    conditional = {u["op"] for u in data["unsupported"] if u["status"] == "conditional"}
    assert set(confirm["conditional_outcomes"]) == conditional
    assert result.returncode == (1 if fast else 0)


@pytest.mark.slow
def test_shipped_table_equals_a_fresh_generation(tmp_path: Path) -> None:
    from tfscout.converter import regenerate_in_child
    from tfscout.inspector.precheck import installed_tf2onnx_version

    installed = installed_tf2onnx_version()
    assert installed in shipped_tables(), f"no table shipped for the installed tf2onnx {installed}"
    out = tmp_path / "fresh.json"
    regenerate_in_child(out, timeout=240)
    shipped = load_shipped(installed)
    assert json.loads(out.read_text()) == json.loads(Path(shipped.path).read_text())
    assert out.read_text() == Path(shipped.path).read_text()
