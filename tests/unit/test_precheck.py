"""The pre-check on small GraphDefs built here with tensorboard's protos (no TensorFlow, no tf2onnx)."""

from __future__ import annotations

from typing import Any

import pytest
from tensorboard.compat.proto import attr_value_pb2, function_pb2, graph_pb2, node_def_pb2, tensor_pb2

from tfscout.inspector import (
    GraphAnalysis,
    Interface,
    ModelSource,
    ModeSwitch,
    PrecheckResult,
    SupportTable,
    choose_interface,
    optypes,
    run_precheck,
    unsupported_set,
)
from tfscout.inspector.precheck import load_shipped, shipped_tables

DT_FLOAT, DT_INT32, DT_STRING = 1, 3, 7


def _attr(value: Any) -> attr_value_pb2.AttrValue:
    if isinstance(value, attr_value_pb2.AttrValue):
        return value
    if isinstance(value, bool):
        return attr_value_pb2.AttrValue(b=value)
    if isinstance(value, int):
        return attr_value_pb2.AttrValue(i=value)
    if isinstance(value, bytes):
        return attr_value_pb2.AttrValue(s=value)
    if isinstance(value, list):
        return attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue(s=value))
    raise TypeError(value)


def dtype(enum: int) -> attr_value_pb2.AttrValue:
    return attr_value_pb2.AttrValue(type=enum)


def node(name: str, op: str, *inputs: str, **attrs: Any) -> node_def_pb2.NodeDef:
    n = node_def_pb2.NodeDef(name=name, op=op, input=list(inputs))
    for key, value in attrs.items():
        n.attr[key].CopyFrom(_attr(value))
    return n


def placeholder(name: str, enum: int = DT_FLOAT) -> node_def_pb2.NodeDef:
    return node(name, "Placeholder", dtype=dtype(enum))


def const(name: str, value: float = 1.0) -> node_def_pb2.NodeDef:
    tensor = tensor_pb2.TensorProto(dtype=DT_FLOAT, float_val=[value])
    return node(name, "Const", dtype=dtype(DT_FLOAT), value=attr_value_pb2.AttrValue(tensor=tensor))


def unary(name: str, op: str, src: str, enum: int = DT_FLOAT) -> node_def_pb2.NodeDef:
    return node(name, op, src, T=dtype(enum))


def analysis(*nodes: node_def_pb2.NodeDef, library: function_pb2.FunctionDefLibrary | None = None) -> GraphAnalysis:
    gd = graph_pb2.GraphDef(node=list(nodes))
    if library is not None:
        gd.library.CopyFrom(library)
    return GraphAnalysis(ModelSource(path="test.pb", model_file="test.pb", format="graphdef", graph_def=gd,
                                     size_bytes=gd.ByteSize()))


@pytest.fixture(scope="module")
def table() -> SupportTable:
    version = max(shipped_tables())
    return load_shipped(version)


def check(a: GraphAnalysis, table: SupportTable, inputs: list[str], outputs: list[str],
          opset: int | None = 15, **kwargs: Any) -> PrecheckResult:
    iface = choose_interface(a, inputs, outputs)
    return run_precheck(a, iface, opset, table, **kwargs)


def issue(result: PrecheckResult, op: str) -> Any:
    found = [i for i in result.issues if i.op == op]
    assert len(found) == 1, f"{op} not reported once: {result.issues}"
    return found[0]


def later_op(table: SupportTable, above: int) -> tuple[str, int]:
    """An op type of the table whose first handler is in an opset above ``above``, taking no attributes."""
    for op in ("BitwiseAnd", "BitwiseOr", "BitwiseXor"):
        entry = table.get(op)
        if entry is not None and entry.min_opset is not None and entry.min_opset > above:
            return op, entry.min_opset
    raise AssertionError(f"the shipped table has no bitwise op needing an opset above {above}: choose another op")


# ---------------------------------------------------------------------------------------------


def test_supported_path_has_no_issues(table: SupportTable) -> None:
    a = analysis(placeholder("x"), const("w"), node("mm", "MatMul", "x", "w", T=dtype(DT_FLOAT)),
                 unary("relu", "Relu", "mm"), unary("prob", "Softmax", "relu"))
    result = check(a, table, ["x:0"], ["prob:0"])
    assert result.issues == []
    assert set(result.statuses) == {"MatMul", "Relu", "Softmax"}  # the input becomes tf2onnx's own placeholder
    assert set(result.statuses.values()) == {"supported"}
    handlers = max(table.get(op).min_opset for op in ("MatMul", "Relu", "Softmax"))
    assert handlers == 1  # ...but tf2onnx itself targets opset 7 and above
    assert result.required_opset == 7
    assert not result.blocks


def test_op_added_in_a_later_opset_needs_that_opset(table: SupportTable) -> None:
    op, needed = later_op(table, 15)
    a = analysis(placeholder("x", DT_INT32), placeholder("y", DT_INT32),
                 node("bits", op, "x", "y", T=dtype(DT_INT32)), unary("out", "Identity", "bits", DT_INT32))
    at_15 = check(a, table, ["x:0", "y:0"], ["out:0"], opset=15)
    found = issue(at_15, op)
    assert found.status == "needs_opset" and found.min_opset == needed
    assert f"--opset {needed}" in found.hint
    assert unsupported_set(at_15) == {op}
    assert at_15.recommended_opset == needed and at_15.required_opset == needed
    assert check(a, table, ["x:0", "y:0"], ["out:0"], opset=needed).issues == []
    # without --opset the check runs at the recommended opset, as the printed command does
    auto = check(a, table, ["x:0", "y:0"], ["out:0"], opset=None)
    assert auto.opset == needed and not auto.blocks


def test_contrib_string_op_needs_the_extra_domain(table: SupportTable) -> None:
    entry = table.get("StringJoin")
    assert entry is not None and entry.min_opset is None and "ai.onnx.contrib" in entry.domains
    a = analysis(placeholder("a", DT_STRING), placeholder("b", DT_STRING),
                 node("joined", "StringJoin", "a", "b", N=2))
    result = check(a, table, ["a:0", "b:0"], ["joined:0"])
    found = issue(result, "StringJoin")
    assert found.status == "needs_extra_opset" and found.domain == "ai.onnx.contrib"
    assert "onnxruntime-extensions" in found.hint and "--extra_opset ai.onnx.contrib:" in found.hint
    assert result.needed_extra_opsets == {"ai.onnx.contrib": table.domains["ai.onnx.contrib"]}
    enabled = check(a, table, ["a:0", "b:0"], ["joined:0"], extra_opsets={"ai.onnx.contrib": 1})
    assert enabled.issues == []


def _while_loop(body_op: str = "Add", **body_attrs: Any) -> list[node_def_pb2.NodeDef]:
    """i = x; while i < 10: i = body(i)  -- a TF1 while loop as tf.while_loop writes it."""
    frame = b"loop/while_context"
    return [
        placeholder("x"), const("limit", 10.0), const("one", 1.0),
        node("loop/Enter", "Enter", "x", T=dtype(DT_FLOAT), frame_name=frame),
        node("loop/Merge", "Merge", "loop/Enter", "loop/NextIteration", T=dtype(DT_FLOAT), N=2),
        node("loop/limit", "Enter", "limit", T=dtype(DT_FLOAT), frame_name=frame, is_constant=True),
        node("loop/Less", "Less", "loop/Merge", "loop/limit", T=dtype(DT_FLOAT)),
        node("loop/LoopCond", "LoopCond", "loop/Less"),
        node("loop/Switch", "Switch", "loop/Merge", "loop/LoopCond", T=dtype(DT_FLOAT)),
        node("loop/Identity", "Identity", "loop/Switch:1", T=dtype(DT_FLOAT)),
        node("loop/one", "Enter", "one", T=dtype(DT_FLOAT), frame_name=frame, is_constant=True),
        node("loop/body", body_op, "loop/Identity", "loop/one", **body_attrs),
        node("loop/NextIteration", "NextIteration", "loop/body", T=dtype(DT_FLOAT)),
        node("loop/Exit", "Exit", "loop/Switch", T=dtype(DT_FLOAT)),
        unary("out", "Identity", "loop/Exit"),
    ]


def test_tf1_while_loop_is_conditional(table: SupportTable) -> None:
    a = analysis(*_while_loop(T=dtype(DT_FLOAT)))
    result = check(a, table, ["x:0"], ["out:0"])
    loop_ops = {"Enter", "Merge", "Switch", "LoopCond", "NextIteration", "Exit"}
    assert {i.op for i in result.issues} == loop_ops
    assert all(i.status == "conditional" and "Loop" in i.hint for i in result.issues)
    assert not result.blocks
    assert result.required_opset == table.get("Loop").min_opset


def test_rnn_cell_in_a_loop_is_conditional_and_outside_unsupported(table: SupportTable) -> None:
    assert table.get("GRUBlockCell") is None  # only the GRU rewriter takes it
    nodes = _while_loop()
    body = next(n for n in nodes if n.name == "loop/body")
    body.op = "GRUBlockCell"
    body.attr["T"].CopyFrom(dtype(DT_FLOAT))
    inside = check(analysis(*nodes), table, ["x:0"], ["out:0"])
    assert issue(inside, "GRUBlockCell").status == "conditional"
    outside = check(analysis(placeholder("x"), placeholder("h"), const("w"), const("b"),
                             node("cell", "GRUBlockCell", "x", "h", "w", "w", "b", "b", T=dtype(DT_FLOAT))),
                    table, ["x:0", "h:0"], ["cell:3"])
    assert issue(outside, "GRUBlockCell").status == "unsupported"


@pytest.mark.parametrize("op, words", [
    ("Lgamma", "--custom-ops Lgamma"),
    ("ReluGrad", "training machinery"),
    ("PyFunc", "Python"),
])
def test_unconvertible_ops_are_unsupported_with_a_hint(table: SupportTable, op: str, words: str) -> None:
    if op == "ReluGrad":
        assert op in optypes.GRADIENT_OPS
        bad = node("bad", op, "x", "x", T=dtype(DT_FLOAT))
    elif op == "PyFunc":
        bad = node("bad", op, "x", token=b"pyfunc_0", Tin=attr_value_pb2.AttrValue(
            list=attr_value_pb2.AttrValue.ListValue(type=[DT_FLOAT])), Tout=attr_value_pb2.AttrValue(
            list=attr_value_pb2.AttrValue.ListValue(type=[DT_FLOAT])))
    else:
        bad = unary("bad", op, "x")
    a = analysis(placeholder("x"), bad, unary("out", "Relu", "bad"))
    result = check(a, table, ["x:0"], ["out:0"])
    found = issue(result, op)
    assert found.status == "unsupported" and found.nodes == ["bad"] and words in found.hint
    assert unsupported_set(result) == {op}


def test_unsupported_op_outside_the_subgraph_is_not_reported(table: SupportTable) -> None:
    a = analysis(placeholder("x"), unary("side", "Lgamma", "x"), unary("side_out", "Relu", "side"),
                 unary("out", "Relu", "x"))
    assert check(a, table, ["x:0"], ["out:0"]).issues == []
    assert unsupported_set(check(a, table, ["x:0"], ["side_out:0"])) == {"Lgamma"}


def test_op_before_the_input_cut_is_not_reported(table: SupportTable) -> None:
    a = analysis(placeholder("raw"), unary("pre", "Lgamma", "raw"), unary("feat", "Relu", "pre"),
                 unary("out", "Softmax", "feat"))
    assert unsupported_set(check(a, table, ["raw:0"], ["out:0"])) == {"Lgamma"}
    cut = check(a, table, ["feat:0"], ["out:0"])
    assert cut.issues == [] and "Lgamma" not in cut.statuses


def test_op_with_all_constant_inputs_is_folded_away(table: SupportTable) -> None:
    a = analysis(placeholder("x"), const("c", 3.0), unary("lg", "Lgamma", "c"),
                 node("shape", "Const", dtype=dtype(DT_INT32), value=attr_value_pb2.AttrValue(
                     tensor=tensor_pb2.TensorProto(dtype=DT_INT32, int_val=[2], tensor_shape={"dim": [{"size": 1}]}))),
                 node("noise", "TruncatedNormal", "shape", dtype=dtype(DT_FLOAT), T=dtype(DT_INT32)),
                 node("sum", "AddV2", "x", "lg", T=dtype(DT_FLOAT)),
                 node("out", "AddV2", "sum", "noise", T=dtype(DT_FLOAT)))
    result = check(a, table, ["x:0"], ["out:0"])
    assert result.issues == []
    assert "Lgamma" not in result.statuses and "TruncatedNormal" not in result.statuses
    assert result.folded_nodes >= 4


def test_random_ops_are_never_folded(table: SupportTable) -> None:
    # tf2onnx never folds op types starting with "Random": a RandomShuffle of a constant stays
    a = analysis(placeholder("x"), const("c", 3.0), unary("shuffled", "RandomShuffle", "c"),
                 node("out", "AddV2", "x", "shuffled", T=dtype(DT_FLOAT)))
    result = check(a, table, ["x:0"], ["out:0"], opset=9)
    assert "RandomShuffle" in result.statuses
    shuffle = table.get("RandomShuffle")
    assert issue(result, "RandomShuffle").status == ("needs_opset" if shuffle and shuffle.min_opset > 9
                                                     else "unsupported")


def test_mode_switch_fixed_to_a_constant_folds_what_it_feeds(table: SupportTable) -> None:
    a = analysis(placeholder("x"), placeholder("keep_prob"), unary("lg", "Lgamma", "keep_prob"),
                 node("out", "Mul", "x", "lg", T=dtype(DT_FLOAT)))
    g = a.graph
    x, keep, out = g.find("x"), g.find("keep_prob"), g.find("out")
    plain = Interface(inputs=[g.resolve("x:0"), g.resolve("keep_prob:0")], outputs=[g.resolve("out:0")],
                      mode_switches={})
    assert unsupported_set(run_precheck(a, plain, 15, table)) == {"Lgamma"}
    fixed = Interface(inputs=[g.resolve("x:0")], outputs=[g.resolve("out:0")],
                      mode_switches={keep: ModeSwitch("keep_prob:0", 1.0, "float32")})
    result = run_precheck(a, fixed, 15, table)
    assert result.issues == [] and "Lgamma" not in result.statuses
    assert x is not None and out is not None


def test_print_gets_the_bypass_hint(table: SupportTable) -> None:
    a = analysis(placeholder("x"), node("dbg", "Print", "x", "x", T=dtype(DT_FLOAT), U=attr_value_pb2.AttrValue(
        list=attr_value_pb2.AttrValue.ListValue(type=[DT_FLOAT]))), unary("out", "Relu", "dbg"))
    found = issue(check(a, table, ["x:0"], ["out:0"]), "Print")
    assert found.status == "unsupported" and "bypass" in found.hint


def test_neutral_ops_never_block(table: SupportTable) -> None:
    a = analysis(placeholder("x"), node("chk", "CheckNumerics", "x", T=dtype(DT_FLOAT), message=b"bad"),
                 unary("stop", "StopGradient", "chk"), unary("out", "Identity", "stop"),
                 node("guard", "Assert", "x", "x"), node("init", "NoOp"))
    assert check(a, table, ["x:0"], ["out:0"]).issues == []


def test_fused_op_is_judged_by_its_parts(table: SupportTable) -> None:
    def graph(parts: list[bytes]) -> GraphAnalysis:
        return analysis(placeholder("x"), const("w"), const("b"),
                        node("fused", "_FusedMatMul", "x", "w", "b", T=dtype(DT_FLOAT), fused_ops=parts, num_args=1),
                        unary("out", "Identity", "fused"))
    assert check(graph([b"BiasAdd", b"Relu"]), table, ["x:0"], ["out:0"]).issues == []
    found = issue(check(graph([b"BiasAdd", b"Lgamma"]), table, ["x:0"], ["out:0"]), "_FusedMatMul")
    assert found.status == "unsupported" and "Lgamma" in found.hint


def test_quantize_dequantize_needs_quantize_linear_opset(table: SupportTable) -> None:
    a = analysis(placeholder("x"), const("lo", -1.0), const("hi", 1.0),
                 node("qdq", "QuantizeAndDequantizeV2", "x", "lo", "hi", T=dtype(DT_FLOAT)),
                 unary("out", "Relu", "qdq"))
    assert issue(check(a, table, ["x:0"], ["out:0"], opset=9), "QuantizeAndDequantizeV2").status == "needs_opset"
    assert check(a, table, ["x:0"], ["out:0"], opset=13).issues == []


def test_function_body_ops_are_checked(table: SupportTable) -> None:
    fdef = function_pb2.FunctionDef()
    fdef.signature.name = "body_fn"
    fdef.node_def.append(unary("inner", "Lgamma", "x"))
    lib = function_pb2.FunctionDefLibrary(function=[fdef])
    call = node("call", "StatefulPartitionedCall", "x", f=attr_value_pb2.AttrValue(
        func=attr_value_pb2.NameAttrList(name="body_fn")))
    a = analysis(placeholder("x"), call, unary("out", "Relu", "call"), library=lib)
    result = check(a, table, ["x:0"], ["out:0"])
    assert issue(result, "Lgamma").nodes == ["body_fn/inner"]
    assert "StatefulPartitionedCall" not in unsupported_set(result)


def test_op_tensorflow_does_not_register_blocks_loading_even_off_the_path(table: SupportTable) -> None:
    a = analysis(placeholder("x"), unary("custom", "MyPrivateKernelOp", "x"), unary("out", "Relu", "x"))
    result = check(a, table, ["x:0"], ["out:0"])
    assert result.issues == [] and result.load_blockers == {"MyPrivateKernelOp": ["custom"]}
    assert result.blocks and any("Op type not registered" in w for w in result.warnings)
    on_path = check(analysis(placeholder("x"), unary("custom", "MyPrivateKernelOp", "x")), table,
                    ["x:0"], ["custom:0"])
    assert "does not register" in issue(on_path, "MyPrivateKernelOp").hint


def test_summary_is_json_ready(table: SupportTable) -> None:
    import json
    from dataclasses import asdict

    a = analysis(placeholder("x"), unary("bad", "Lgamma", "x"))
    summary = asdict(check(a, table, ["x:0"], ["bad:0"]).summary())
    assert json.loads(json.dumps(summary)) == summary
    assert summary["ran"] and summary["blocking"] == ["Lgamma"] and summary["op_types"]["Lgamma"] == "unsupported"


@pytest.mark.parametrize("graph", ["unsupported_on_path", "unregistered_off_path", "clean"])
def test_one_blocks_rule_for_the_result_the_report_and_the_check(table: SupportTable, graph: str) -> None:
    """An op tf2onnx will not convert and an op TensorFlow cannot load both block, everywhere alike."""
    from tfscout.converter import CheckOutcome
    from tfscout.inspector import check_text, report_for

    nodes = {"unsupported_on_path": [placeholder("x"), unary("out", "Lgamma", "x")],
             "unregistered_off_path": [placeholder("x"), unary("custom", "MyPrivateKernelOp", "x"),
                                       unary("out", "Relu", "x")],
             "clean": [placeholder("x"), unary("out", "Relu", "x")]}[graph]
    a = analysis(*nodes)
    iface = choose_interface(a, ["x:0"], ["out:0"])
    result = run_precheck(a, iface, 15, table)
    report = report_for(a, iface, 15, support=table, check=result)
    blocks = graph != "clean"
    assert result.blocks is blocks and result.summary().blocks is blocks
    assert report.blocks is blocks and CheckOutcome(report).blocks is blocks
    expected = {"unsupported_on_path": ["Lgamma"], "unregistered_off_path": ["MyPrivateKernelOp"]}
    assert report.precheck.blockers == expected.get(graph, [])  # the scan row's blocking list
    verdict = check_text(report).splitlines()
    assert any(line.startswith("  => tf2onnx should convert every op") for line in verdict) is not blocks
