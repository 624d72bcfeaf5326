"""The shipped allowlist (tfscout/inspector/data/pure_ops.json) is what the installed TensorFlow's op
registry and the review give today, and the review fits the registry.

The slow tests read the registry (they import TensorFlow); the others read the shipped JSON only.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tfscout.converter.tables import pure_ops, pure_ops_review

SHIPPED = pure_ops.DEFAULT_OUT


def shipped() -> dict[str, Any]:
    return json.loads(SHIPPED.read_text())


def allowed(table: dict[str, Any]) -> set[str]:
    return (set(table["pure"]) | set(table["pure_if_functions_are"]) | set(table["stateful_safe"])
            | set(table["conditional"]))


@pytest.fixture(scope="module")
def registry() -> tuple[dict[str, pure_ops.OpFacts], str]:
    op_defs, version = pure_ops.registry_op_defs()
    return {op.name: pure_ops.op_facts(op) for op in op_defs}, version


@pytest.mark.slow
def test_the_shipped_table_is_a_fresh_generation(registry: tuple[dict[str, pure_ops.OpFacts], str]) -> None:
    facts, version = registry
    table = shipped()
    assert table["tensorflow"] == version, "regenerate: python -m tfscout.converter.tables.pure_ops"
    rules_pure, rules_callers = pure_ops.rules_pure(facts)
    exclusions = set(pure_ops_review.PURE_EXCLUSIONS)
    assert set(table["pure"]) == rules_pure - exclusions
    assert set(table["pure_if_functions_are"]) == (rules_callers - exclusions) | set(pure_ops_review.FUNCTION_CALLERS)
    assert table == pure_ops.generate_from_registry(), "regenerate: python -m tfscout.converter.tables.pure_ops"


@pytest.mark.slow
def test_every_reviewed_op_is_in_the_registry_and_the_review_is_not_moot(
        registry: tuple[dict[str, pure_ops.OpFacts], str]) -> None:
    facts, _version = registry
    for listed in (pure_ops_review.PURE_EXCLUSIONS, pure_ops_review.FUNCTION_CALLERS, pure_ops_review.STATEFUL_SAFE,
                   pure_ops_review.CONDITIONAL, pure_ops_review.STATEFUL_REFUSED):
        assert set(listed) <= set(facts), sorted(set(listed) - set(facts))
    assert pure_ops.check_review(facts) == []


@pytest.mark.slow
def test_every_string_attribute_of_the_registry_is_classified_and_no_other() -> None:
    op_defs, _version = pure_ops.registry_op_defs()
    names = {a.name for op in op_defs for a in op.attr if a.type in pure_ops.STRING_ATTR_TYPES}
    classified = set().union(*pure_ops_review.STRING_ATTRS.values())
    assert names == classified, (sorted(names - classified), sorted(classified - names))
    assert sum(len(v) for v in pure_ops_review.STRING_ATTRS.values()) == len(classified), "a name in two categories"


@pytest.mark.slow
def test_the_registry_does_not_mark_every_host_op_and_the_table_leaves_them_out(
        registry: tuple[dict[str, pure_ops.OpFacts], str]) -> None:
    """is_stateful alone is not enough: these read files or hosts and TensorFlow does not mark them."""
    facts, _version = registry
    unmarked = {"ReadFile", "MatchingFiles", "ImmutableConst", "DecodeProtoV2", "DatasetFromGraph",
                "RegisterDatasetV2", "DebugIdentity", "Abort", "PyFuncStateless", "GenerateVocabRemapping"}
    assert not any(facts[op].stateful for op in unmarked)
    assert all(facts[op].stateful for op in ("Skipgram", "DebugIdentityV3", "DumpTensor", "WriteFile"))
    assert not (unmarked - {"DecodeProtoV2"}) & allowed(shipped())


def test_ops_that_touch_the_host_are_not_allowed() -> None:
    table = shipped()
    refused = {"ReadFile", "WriteFile", "MatchingFiles", "ImmutableConst", "DatasetFromGraph", "Skipgram",
               "DebugIdentity", "DebugIdentityV2", "DebugIdentityV3", "DumpTensor", "RegisterDatasetV2",
               "PyFunc", "PyFuncStateless", "EagerPyFunc", "SymbolicGradient", "RemoteCall", "Abort", "SaveV2",
               "RestoreV2", "MergeV2Checkpoints", "InitializeTableFromTextFileV2", "TFRecordDataset",
               "FIFOQueueV2", "QueueDequeueV2", "IteratorGetNext", "OneShotIterator", "Copy", "Send", "_Recv",
               "XlaCustomCall", "MlirPassthroughOp", "CollectiveReduceV2", "Batch"}
    assert not refused & allowed(table), sorted(refused & allowed(table))
    for op in refused:
        assert table["excluded"][op], op


def test_conditional_ops_name_their_safe_values_and_the_default() -> None:
    conditional = shipped()["conditional"]
    assert conditional["PrintV2"]["attr"] == "output_stream"
    assert conditional["PrintV2"]["default"] == "stderr" and "stderr" in conditional["PrintV2"]["allowed"]
    assert not any(v.startswith("file://") for c in conditional.values() for v in c["allowed"])
    assert conditional["DecodeProtoV2"] == {**conditional["DecodeProtoV2"], "attr": "descriptor_source",
                                            "allowed": ["local://"], "default": "local://"}


def test_the_ops_real_inference_graphs_need_are_allowed() -> None:
    """Dropout, TF1 and v2 loops, RNN cells, lookup tables, variable reads, checks, calls."""
    table = shipped()
    needed = {"Const", "Placeholder", "PlaceholderWithDefault", "Identity", "MatMul", "Conv2D", "Relu", "Softmax",
              "RandomUniform", "Floor", "Enter", "Exit", "Merge", "Switch", "NextIteration", "LoopCond",
              "TensorArrayV3", "TensorArrayReadV3", "TensorArrayWriteV3", "TensorArrayGatherV3",
              "TensorArrayScatterV3", "TensorArraySizeV3", "TensorListFromTensor", "TensorListGetItem",
              "HashTableV2", "LookupTableFindV2", "InitializeTableV2", "VariableV2", "VarHandleOp",
              "ReadVariableOp", "Assign", "AssignVariableOp", "Assert", "NoOp", "While", "If",
              "StatelessWhile", "StatelessIf", "PartitionedCall", "StatefulPartitionedCall", "Case"}
    assert needed <= allowed(table), sorted(needed - allowed(table))
    assert set(table["pure_if_functions_are"]["If"]) == {"then_branch", "else_branch"}


def test_every_support_table_op_left_out_is_listed_with_its_reason() -> None:
    table = shipped()
    support = pure_ops.support_table_ops()
    left_out = [op for op in support if op not in allowed(table)]
    assert left_out, "the tf2onnx table names ops that are not allowed (queues, iterators, TFLite names)"
    for op in left_out:
        assert table["excluded"].get(op, "").strip(), op
    assert "IteratorGetNext" in left_out and "review:" in table["excluded"]["IteratorGetNext"]


def test_every_registry_op_is_allowed_or_excluded_once() -> None:
    table = shipped()
    lists = [set(table["pure"]), set(table["pure_if_functions_are"]), set(table["stateful_safe"]),
             set(table["conditional"]), set(table["excluded"])]
    assert sum(len(s) for s in lists) == len(set().union(*lists))
    counts = table["counts"]
    assert counts["registry"] == len(set().union(*lists)) - counts["support_table_not_in_registry"]
    assert counts["pure"] == len(table["pure"]) and counts["stateful_safe"] == len(table["stateful_safe"])
