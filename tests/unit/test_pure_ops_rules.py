"""The allowlist's rules on hand-made OpDefs (tensorboard's protos, no TensorFlow)."""

from __future__ import annotations

from typing import Any

import pytest
from tensorboard.compat.proto import op_def_pb2

from tfscout.converter.tables import pure_ops
from tfscout.errors import TfscoutError


def op(name: str, *, stateful: bool = False, inputs: tuple[int, ...] = (1,), outputs: tuple[int, ...] = (1,),
       attrs: tuple[tuple[str, str], ...] = (), ref: bool = False) -> Any:
    o = op_def_pb2.OpDef(name=name, is_stateful=stateful)
    for k, dtype in enumerate(inputs):
        o.input_arg.add(name=f"in{k}", type=dtype, is_ref=ref)
    for k, dtype in enumerate(outputs):
        o.output_arg.add(name=f"out{k}", type=dtype)
    for attr, kind in attrs:
        o.attr.add(name=attr, type=kind)
    return o


def test_each_rule_leaves_its_ops_out_and_names_itself() -> None:
    cases = {
        "Plain": (op("Plain"), []),
        "Stateful": (op("Stateful", stateful=True), ["stateful"]),
        "Ref": (op("Ref", ref=True), ["ref"]),
        "Handle": (op("Handle", inputs=(20,)), ["resource"]),
        "Opaque": (op("Opaque", outputs=(21,)), ["variant"]),
        "Named": (op("Named", attrs=(("filename", "string"), ("padding", "string"))), ["host_attr"]),
        "Caller": (op("Caller", attrs=(("body", "func"),)), ["functions"]),
    }
    for name, (op_def, hits) in cases.items():
        assert pure_ops.rule_hits(pure_ops.op_facts(op_def)) == hits, name
    assert pure_ops.op_facts(cases["Named"][0]).host_attrs == {"filename": "file"}


def test_an_unclassified_string_attribute_stops_the_generation() -> None:
    with pytest.raises(TfscoutError, match="not classified"):
        pure_ops.op_facts(op("New", attrs=(("somewhere", "string"),)))


def test_a_generated_table_needs_its_reviewed_ops_in_the_registry() -> None:
    with pytest.raises(TfscoutError, match="is not in the registry"):
        pure_ops.generate_pure_ops([op("Add"), op("ReadFile")], "0.0")


def test_the_table_of_a_small_registry() -> None:
    from tfscout.converter.tables import pure_ops_review as review

    listed = set(review.PURE_EXCLUSIONS) | set(review.FUNCTION_CALLERS) | set(review.STATEFUL_SAFE) | \
        set(review.CONDITIONAL) | set(review.STATEFUL_REFUSED)
    registry = {name: op(name, stateful=True) for name in listed}
    registry.update({name: op(name) for name in review.PURE_EXCLUSIONS})
    registry["SymbolicGradient"] = op("SymbolicGradient", attrs=(("f", "func"),))
    for name in review.FUNCTION_CALLERS:
        registry[name] = op(name, stateful=True, attrs=(("f", "func"),))
    for name, (attr, _allowed, _why) in review.CONDITIONAL.items():
        registry[name] = op(name, attrs=((attr, "string"),))
    registry["Add"] = op("Add")
    registry["StatelessIf"] = op("StatelessIf", attrs=(("then_branch", "func"), ("else_branch", "func")))
    table = pure_ops.generate_pure_ops(registry.values(), "0.0", ["Add", "TFL_PRELU"])
    assert table["pure"] == ["Add"]
    assert table["pure_if_functions_are"]["StatelessIf"] == ["then_branch", "else_branch"]
    assert set(table["pure_if_functions_are"]) == {"StatelessIf", *review.FUNCTION_CALLERS}
    assert table["excluded"]["ReadFile"].startswith("review: reads the file")
    assert table["excluded"]["FIFOQueueV2"].startswith("review: an input-pipeline queue")
    assert table["excluded"]["TFL_PRELU"].startswith("not in TensorFlow 0.0's op registry")
    assert set(table["stateful_safe"]) == set(review.STATEFUL_SAFE)
    assert table["counts"]["registry"] == len(registry)
