"""The smallest case of issue 11: six nodes, Consts without values, a loss beside the model (no TensorFlow).

A training tail must never hide the model: with or without its loss, and with a summary on the loss, the answer
is ``input:0 -> probs:0``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tensorboard.compat.proto import graph_pb2, types_pb2

from tfscout.inspector import inspect_model


def _graph(loss: bool, summary: bool) -> Any:
    g = graph_pb2.GraphDef()

    def node(name: str, op: str, inputs: tuple[str, ...] = ()) -> Any:
        n = g.node.add(name=name, op=op)
        n.input.extend(inputs)
        n.attr["dtype" if op in ("Placeholder", "Const") else "T"].type = types_pb2.DT_FLOAT
        return n

    x = node("input", "Placeholder")
    for d in (-1, 64):
        x.attr["shape"].shape.dim.add(size=d)
    node("w", "Const")
    node("MatMul", "MatMul", ("input", "w"))
    node("logits", "Identity", ("MatMul",))
    node("probs", "Softmax", ("logits",))
    if loss:
        node("labels", "Placeholder")
        node("loss", "SparseSoftmaxCrossEntropyWithLogits", ("logits", "labels"))
    if summary:
        tag = g.node.add(name="loss_tag", op="Const")
        tag.attr["dtype"].type = types_pb2.DT_STRING
        node("loss_summary", "ScalarSummary", ("loss_tag", "loss"))
    return g


@pytest.mark.parametrize(("loss", "summary"), [(False, False), (True, False), (True, True)],
                         ids=["model only", "with its loss", "with a summary on the loss"])
def test_the_minimal_case_is_input_to_probs(tmp_path: Path, loss: bool, summary: bool) -> None:
    path = tmp_path / "loss.pb"
    path.write_bytes(_graph(loss, summary).SerializeToString())
    report = inspect_model(path)
    assert [c.name for c in report.inputs if c.recommended] == ["input:0"]
    assert [c.name for c in report.outputs if c.recommended] == ["probs:0"]
    assert report.mode_switches == []
    kinds = {c.name: c.kind for c in report.inputs}
    if loss:
        assert kinds["labels:0"] == "label"
    assert 0.0 < report.confidence <= 1.0 and report.confidence_reasons


def test_names_are_tie_breakers_only(tmp_path: Path) -> None:
    """The same graph with meaningless names gives the same answer, renamed."""
    g = _graph(True, True)
    rename = {n.name: f"n{k}" for k, n in enumerate(g.node)}
    for n in g.node:
        n.name = rename[n.name]
        inputs = [rename[i] for i in n.input]
        del n.input[:]
        n.input.extend(inputs)
    path = tmp_path / "random.pb"
    path.write_bytes(g.SerializeToString())
    report = inspect_model(path)
    assert [c.name for c in report.inputs if c.recommended] == [rename["input"] + ":0"]
    assert [c.name for c in report.outputs if c.recommended] == [rename["probs"] + ":0"]


def _constants_only(sinks: int) -> Any:
    g = graph_pb2.GraphDef()
    for name in ("a", "b"):
        g.node.add(name=name, op="Const").attr["dtype"].type = types_pb2.DT_FLOAT
    for k in range(sinks):
        n = g.node.add(name=f"sum_{k}", op="Add" if k == 0 else "Mul")
        n.input.extend(["a", "b"])
        n.attr["T"].type = types_pb2.DT_FLOAT
    return g


@pytest.mark.parametrize(("sinks", "sure"), [(1, True), (2, False)], ids=["one sink", "two sinks"])
def test_a_graph_that_takes_no_input(tmp_path: Path, sinks: int, sure: bool) -> None:
    """With nothing to feed, a lone sink is what the graph computes; two sinks leave the choice open."""
    path = tmp_path / "consts.pb"
    path.write_bytes(_constants_only(sinks).SerializeToString())
    report = inspect_model(path)
    assert report.inputs == []
    assert "sum_0:0" in [c.name for c in report.outputs if c.recommended]
    assert (report.confidence >= 0.9) is sure
    assert "computed from the inputs" not in " ".join(r for c in report.outputs for r in c.reasons)
