"""The shipped tf2onnx support table, the per-version user cache and the fall-back (no tf2onnx import)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tfscout.inspector import cached_table_path, load_support_table, table_to_json
from tfscout.inspector.precheck import NEUTRAL_OPS, load_shipped, read_table, shipped_tables, table_verdict


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "tfscout"


def _shipped_version() -> str:
    versions = list(shipped_tables())
    assert len(versions) == 1, versions
    return versions[0]


def test_shipped_table_is_well_formed() -> None:
    version = _shipped_version()
    table = load_shipped(version)
    assert table.tf2onnx_version == version and table.source == "shipped"
    assert 1 <= table.default_opset <= table.max_opset
    assert table.domains and "" not in table.domains
    for op, domains in table.ops.items():
        assert domains, op
        for domain, first in domains.items():
            assert domain == "" or domain in table.domains, (op, domain)
            assert first >= 1, (op, domain)
    # the text form round-trips
    raw = json.loads(Path(table.path).read_text())
    assert json.loads(table_to_json(raw)) == raw


def test_neutral_ops_are_handled_or_never_reach_a_handler() -> None:
    table = load_shipped(_shipped_version())
    for op in NEUTRAL_OPS:
        assert table.get(op) is not None or op in {"Assert"}, op


def test_table_verdicts_follow_the_lowest_opset() -> None:
    table = load_shipped(_shipped_version())
    for op, domains in list(table.ops.items())[:400]:
        first = domains.get("")
        if first is None or first > table.max_opset:
            continue
        assert table_verdict(op, table, first, {}).status == "supported"
        if first > 1:
            below = table_verdict(op, table, first - 1, {})
            assert below.status in ("needs_opset", "supported"), (op, below)
            if below.status == "needs_opset":
                assert below.min_opset == first
    assert table_verdict("NoSuchOpAnywhere", table, table.max_opset, {}).status == "unsupported"


def test_matching_version_uses_the_shipped_table(cache: Path) -> None:
    version = _shipped_version()
    table = load_support_table(installed=version, regenerate=lambda out: pytest.fail("must not regenerate"))
    assert table.source == "shipped" and table.warnings == []


def test_other_version_is_regenerated_into_the_cache_once(cache: Path) -> None:
    shipped = json.loads(Path(load_shipped(_shipped_version()).path).read_text())
    calls: list[Path] = []

    def regenerate(out: Path) -> None:
        calls.append(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(table_to_json({**shipped, "tf2onnx_version": "99.0.0"}))

    first = load_support_table(installed="99.0.0", regenerate=regenerate)
    assert first.source == "cache" and first.tf2onnx_version == "99.0.0" and first.warnings == []
    assert calls == [cached_table_path("99.0.0")] and calls[0].parent == cache
    again = load_support_table(installed="99.0.0", regenerate=regenerate)
    assert again.source == "cache" and len(calls) == 1


def test_stale_cache_file_is_not_used(cache: Path) -> None:
    shipped = json.loads(Path(load_shipped(_shipped_version()).path).read_text())
    path = cached_table_path("98.0.0")
    path.parent.mkdir(parents=True)
    path.write_text(table_to_json(shipped))  # says it is for the shipped version, not 98.0.0
    table = load_support_table(installed="98.0.0")
    assert table.source == "fallback"
    assert any("98.0.0" in w and table.tf2onnx_version in w for w in table.warnings)


def test_failed_regeneration_falls_back_and_says_so(cache: Path) -> None:
    def regenerate(out: Path) -> None:
        raise RuntimeError("tf2onnx would not import")

    table = load_support_table(installed="97.0.0", regenerate=regenerate)
    assert table.source == "fallback" and table.tf2onnx_version == _shipped_version()
    assert len(table.warnings) == 1 and "97.0.0" in table.warnings[0]
    assert "tf2onnx would not import" in table.warnings[0]


def test_without_tf2onnx_the_shipped_table_is_used_with_a_note(cache: Path) -> None:
    table = load_support_table(installed=None)
    assert table.source == "shipped" and "not installed" in table.warnings[0]


def test_corrupt_cache_file_is_reported(cache: Path) -> None:
    path = cached_table_path("96.0.0")
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(ValueError):
        read_table(path)
    table = load_support_table(installed="96.0.0")
    assert table.source == "fallback" and table.warnings


def test_precheck_imports_no_heavy_runtime() -> None:
    graph = next(CORPUS.glob("kws_dnn_s/*.pb"), None)
    assert graph is not None, f"corpus missing at {CORPUS}"
    code = (
        "import sys\n"
        "from tfscout.inspector import inspect_model\n"
        f"r = inspect_model({str(graph)!r}, inputs='wav_data:0', outputs='labels_softmax:0')\n"
        "assert r.precheck.ran and r.unsupported\n"
        "heavy = [m for m in ('tensorflow', 'tf2onnx', 'onnx', 'onnxruntime', 'numpy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
