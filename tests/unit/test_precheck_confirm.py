"""How ``check --confirm`` compares the fast answer with tf2onnx's log (log lines as tf2onnx 1.17 writes them)."""

from __future__ import annotations

import pytest

from tfscout.cmd.check import parse_extra_opsets
from tfscout.converter import compare_with_tf2onnx, parse_tf2onnx_log
from tfscout.errors import UsageError
from tfscout.inspector import OpIssue, PrecheckResult


def result(issues: list[OpIssue], supported: list[str]) -> PrecheckResult:
    statuses = {i.op: i.status for i in issues}
    statuses.update({op: "supported" for op in supported})
    return PrecheckResult(opset=15, extra_opsets={}, issues=issues, statuses=statuses, required_opset=7,
                          recommended_opset=15, needed_extra_opsets={}, table="test", subgraph_nodes=10,
                          folded_nodes=2, checked_nodes=8)


LOG = [
    "2024-01-01 10:00:00,000 - INFO - Using opset <onnx, 15>",
    "2024-01-01 10:00:01,000 - ERROR - Tensorflow op [decoded_sample_data: DecodeWav] is not supported",
    "2024-01-01 10:00:01,000 - ERROR - Tensorflow op [Counter: Counter] is not supported",
    "2024-01-01 10:00:01,000 - ERROR - Unsupported ops: Counter({'DecodeWav': 1, 'Counter': 1})",
]


def test_agreement_lists_no_disagreement_and_resolves_conditionals() -> None:
    fast = result([OpIssue("DecodeWav", ["decoded_sample_data"], "unsupported"),
                   OpIssue("Counter", ["Counter"], "unsupported"),
                   OpIssue("Enter", ["while/Enter"], "conditional")], ["MatMul"])
    disagreements, outcomes = compare_with_tf2onnx(fast, parse_tf2onnx_log(LOG), reached_handlers=True)
    assert disagreements == []
    assert outcomes == {"Enter": "converted"}


def test_missed_and_false_alarm_are_named() -> None:
    fast = result([OpIssue("Mfcc", ["Mfcc"], "unsupported")], ["DecodeWav", "MatMul"])
    disagreements, _ = compare_with_tf2onnx(fast, parse_tf2onnx_log(LOG), reached_handlers=True)
    kinds = {(d.op, d.kind, d.fast) for d in disagreements}
    assert kinds == {("DecodeWav", "missed", "supported"), ("Counter", "missed", "not on the path"),
                     ("Mfcc", "false_alarm", "unsupported")}


def test_a_conditional_op_tf2onnx_did_not_convert_is_an_outcome_not_a_disagreement() -> None:
    fast = result([OpIssue("Enter", ["while/Enter"], "conditional")], [])
    log = parse_tf2onnx_log(["ERROR - Tensorflow op [while/Enter: Enter] is not supported"])
    disagreements, outcomes = compare_with_tf2onnx(fast, log, reached_handlers=True)
    assert disagreements == [] and outcomes == {"Enter": "not supported"}


def test_when_tf2onnx_stopped_early_nothing_counts_as_a_false_alarm() -> None:
    fast = result([OpIssue("Lgamma", ["lg"], "unsupported"), OpIssue("Merge", ["m"], "conditional")], [])
    log = parse_tf2onnx_log(["Traceback (most recent call last):", "  File x", "ValueError: bad graph"])
    disagreements, outcomes = compare_with_tf2onnx(fast, log, reached_handlers=False)
    assert disagreements == [] and outcomes == {"Merge": "unknown"}
    assert log.exception == "ValueError: bad graph"


def test_extra_opset_argument() -> None:
    assert parse_extra_opsets("ai.onnx.contrib:1,com.microsoft:1") == {"ai.onnx.contrib": 1, "com.microsoft": 1}
    assert parse_extra_opsets(None) == {}
    with pytest.raises(UsageError):
        parse_extra_opsets("ai.onnx.contrib")
