"""`tfscout inspect` output, text and JSON, against golden files (tests/golden; regenerate with
`python -m tests.golden.cases` and review the diff)."""

from __future__ import annotations

import json

import pytest

from tests.golden.cases import CASES, GOLDEN, run


@pytest.mark.parametrize("name", sorted(CASES))
def test_text_output_matches_golden(name: str) -> None:
    code, out, err = run(CASES[name])
    assert code in (0, 1), err
    assert out == (GOLDEN / f"{name}.txt").read_text()


@pytest.mark.parametrize("name", sorted(CASES))
def test_json_output_matches_golden(name: str) -> None:
    code, out, err = run(CASES[name] + ["--json"])
    assert code in (0, 1), err
    assert json.loads(out) == json.loads((GOLDEN / f"{name}.json").read_text())


def test_json_has_the_design_contract_keys() -> None:
    data = json.loads((GOLDEN / "sample_checkpoint.json").read_text())
    for key in ("format", "nodes", "inputs", "outputs", "mode_switches", "unsupported", "unsafe_ops", "opset",
                "tf2onnx_command"):
        assert key in data
    for item in data["inputs"] + data["outputs"]:
        assert {"name", "dtype", "shape", "score", "recommended", "reasons"} <= set(item)
    assert {"required", "recommended"} <= set(data["opset"])
    assert data["tf2onnx_command"].startswith("python -m tf2onnx.convert ")
