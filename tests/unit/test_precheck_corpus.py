"""The fast pre-check against tf2onnx's own outcome on every corpus graph whose manifest records it.

The manifest holds what plain tf2onnx 1.17.0 logged as not supported, with the authors' documented
input and output names, at opset 15. Where tf2onnx got as far as its handlers, the pre-check's
unsupported set must be exactly that: no false alarm, nothing missed.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import CORPUS, corpus_manifest
from tfscout.inspector import PrecheckResult, analyse_path, choose_interface, run_precheck, unsupported_set
from tfscout.inspector.precheck import load_shipped, shipped_tables

OPSET = 15


def _recorded() -> list[dict[str, Any]]:
    out = []
    for entry in corpus_manifest():
        conv = entry.get("conversion") or {}
        if not conv.get("skipped") and conv.get("unsupported_ops") is not None and entry.get("true_outputs"):
            out.append(entry)
    return out


RECORDED = _recorded()
REACHED = [e for e in RECORDED if e["conversion"].get("converted_without_exception")
           and not e["conversion"].get("conversion_error")]
STOPPED = [e for e in RECORDED if e not in REACHED]


def precheck(entry: dict[str, Any]) -> PrecheckResult:
    a = analyse_path(CORPUS / entry["id"] / entry["model_path"], entry.get("saved_model_tags"))
    iface = choose_interface(a, entry["true_inputs"]["names"], entry["true_outputs"]["names"])
    return run_precheck(a, iface, OPSET, load_shipped(max(shipped_tables())))


def test_the_corpus_records_enough_outcomes() -> None:
    assert len(RECORDED) >= 30
    assert sum(1 for e in REACHED if e["conversion"]["unsupported_ops"]) >= 10


@pytest.mark.parametrize("entry", REACHED, ids=[e["id"] for e in REACHED])
def test_unsupported_set_equals_what_tf2onnx_reported(entry: dict[str, Any]) -> None:
    result = precheck(entry)
    expected = set(entry["conversion"]["unsupported_ops"])
    assert unsupported_set(result) == expected
    # the nodes too, where tf2onnx named them
    by_op: dict[str, set[str]] = {}
    for node, op in entry["conversion"]["not_supported_nodes"] or []:
        by_op.setdefault(op, set()).add(node)
    for issue in result.blocking:
        assert set(issue.nodes) == by_op[issue.op], issue.op


@pytest.mark.parametrize("entry", STOPPED, ids=[e["id"] for e in STOPPED])
def test_where_tf2onnx_stopped_early_flags_only_ops_without_any_handler(entry: dict[str, Any]) -> None:
    """tf2onnx raised before its handlers ran, so its empty list is no answer; what the pre-check flags
    there must at least have no handler at any opset or in any domain (never a needs_opset guess)."""
    result = precheck(entry)
    table = load_shipped(max(shipped_tables()))
    for issue in result.blocking:
        assert issue.status == "unsupported", issue
        assert table.get(issue.op) is None, issue.op
