"""The gate on hand-made graphs, without TensorFlow: what would run is found per tensor, through control
dependencies, functions (nested, listed, gradients), GraphDefs held in constants and initializers, and
only what would run is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.graphdefs import GraphBuilder
from tests.security import rawgraphs as rg
from tests.security.hostile import BY_NAME, RAW_BUILDERS, Probe
from tfscout.errors import UnsafeModelError
from tfscout.inspector import Graph, SafetyVerdict, TensorRef, check_graph, inspect_model
from tfscout.inspector.safety import default_allowlist

PROBE = Probe(Path("/nonexistent/outbox"), Path("/nonexistent/canary"), 9)


def _refs(g: Graph, *names: str) -> list[TensorRef]:
    refs = [g.resolve(n) for n in names]
    assert all(r is not None for r in refs), names
    return refs  # type: ignore[return-value]


def _verdict(graph_def: object, outputs: tuple[str, ...] = ("y",), fed: tuple[str, ...] = ("x",),
             initializers: bool = False) -> SafetyVerdict:
    g = Graph(graph_def)  # type: ignore[arg-type]
    return check_graph(g, _refs(g, *outputs), _refs(g, *fed), initializers=initializers)


@pytest.mark.parametrize("name", sorted(RAW_BUILDERS))
def test_every_crafted_raw_graph_is_refused_naming_its_op(name: str) -> None:
    hostile = BY_NAME[name]
    inputs, outputs = ("x",), ("y",)
    if "--inputs" in hostile.args:
        inputs = (hostile.args[hostile.args.index("--inputs") + 1],)
    verdict = _verdict(RAW_BUILDERS[name](PROBE), outputs, inputs, initializers=True)
    assert hostile.op in {f.op for f in verdict.refused}, verdict.findings
    with pytest.raises(UnsafeModelError) as raised:
        verdict.refuse("model.pb")
    line = raised.value.one_line()
    assert hostile.op in line and "--allow-unsafe" in line and "\n" not in line


def test_a_fed_port_does_not_run_its_node_but_another_consumed_port_does() -> None:
    graph = RAW_BUILDERS["other_port"](PROBE)
    assert [f.op for f in _verdict(graph, ("sum",), ("split:1",)).refused] == ["WriteFile"]
    assert _verdict(graph, ("sum",), ("split:0", "split:1")).safe
    assert _verdict(graph, ("sum",), ("call",)).safe


def test_where_says_how_each_refused_node_would_run() -> None:
    nested = _verdict(RAW_BUILDERS["nested_func_attr"](PROBE)).refused
    assert [(f.node, f.where) for f in nested] == [("evil/write", "in function evil, called by call")]
    gradient = _verdict(RAW_BUILDERS["gradient_function"](PROBE)).refused
    assert ("plain_grad/write", "in function plain_grad, the registered gradient of plain") in \
        [(f.node, f.where) for f in gradient]
    held = _verdict(RAW_BUILDERS["dataset_from_graph"](PROBE)).refused
    assert ("serialized > write", "in the GraphDef that serialized holds, run by dataset") in \
        [(f.node, f.where) for f in held]
    control = _verdict(RAW_BUILDERS["dump_tensor"](PROBE)).refused
    assert [f.where for f in control] == ["behind a control dependency of y"]


def test_initializers_run_only_without_a_checkpoint_and_never_the_restore_assigns() -> None:
    graph = RAW_BUILDERS["initializer_print"](PROBE)
    assert _verdict(graph, initializers=False).safe
    refused = _verdict(graph, initializers=True).refused
    assert [(f.op, f.where) for f in refused] == [
        ("PrintV2", "in the initializer of variable w, behind a control dependency of initial")]
    b = rg.start()
    read = b.variable("w", [2])
    restore = b.graph.node.add(name="save/RestoreV2", op="RestoreV2", input=[])
    b.graph.node.add(name="save/Assign", op="Assign", input=["w", restore.name])
    b.graph.node.add(name="w/Assign", op="Assign", input=["w", b.const("ones", [1.0, 1.0])])
    b.op("y", "Mul", ["x", read])
    verdict = _verdict(b.graph, initializers=True)
    assert verdict.safe and [f.op for f in verdict.findings] == ["RestoreV2"]


def test_what_would_not_run_is_listed_but_not_refused() -> None:
    b = rg.start()
    rg.writing_function(b.graph, "unused", PROBE.target("unused"))
    b.op("y", "Mul", ["x", b.const("two", 2.0)])
    b.graph.node.add(name="side", op="WriteFile", input=["y", "y"])
    verdict = _verdict(b.graph)
    assert verdict.safe
    assert sorted((f.op, f.node) for f in verdict.findings) == [("WriteFile", "side"), ("WriteFile", "unused/write")]
    assert [(u.op, u.in_subgraph) for u in verdict.unsafe_ops()] == [("WriteFile", False)]


def test_conditional_ops_are_judged_by_their_attribute() -> None:
    for stream, safe in (("stderr", True), ("log(info)", True), (None, True), ("file:///tmp/x", False)):
        b = rg.start()
        message = rg.add_string(b, "message", "hello")
        attrs = {} if stream is None else {"output_stream": stream}
        rg.add_node(b.graph, "print", "PrintV2", [message], **attrs)
        b.op("y", "Identity", ["x", "^print"])
        assert _verdict(b.graph).safe is safe, stream
    fn_graph = RAW_BUILDERS["print_to_file_in_function"](PROBE)
    for fn in fn_graph.library.function:
        for node in fn.node_def:
            if node.op == "PrintV2":
                node.attr["output_stream"].placeholder = "stream"  # set where the function is called
    (found,) = _verdict(fn_graph).refused
    assert "not a plain string" in found.reason


def test_a_custom_op_is_not_known_but_only_refused_when_it_would_run() -> None:
    b = rg.start()
    b.op("y", "Mul", ["x", b.const("two", 2.0)])
    b.op("custom", "_MyVendorOp", ["x"])
    assert _verdict(b.graph).safe
    on_path = _verdict(b.graph, ("custom",))
    (found,) = on_path.refused
    assert "not an op TensorFlow" in found.reason and default_allowlist().tensorflow in found.reason


def test_a_frozen_graph_runs_whole() -> None:
    b = rg.start()
    b.op("y", "Mul", ["x", b.const("two", 2.0)])
    b.graph.node.add(name="side", op="ReadFile", input=["y"])
    assert [f.where for f in check_graph(Graph(b.graph)).refused] == ["in the graph that runs"]


def test_the_report_lists_findings_with_the_json_shape(tmp_path: Path) -> None:
    path = tmp_path / "g.pb"
    path.write_bytes(RAW_BUILDERS["case_branch"](PROBE).SerializeToString())
    report = inspect_model(path)
    (unsafe,) = report.unsafe_ops
    assert (unsafe.op, unsafe.nodes, unsafe.in_subgraph) == ("WriteFile", ["evil/write"], True)
    assert unsafe.reasons == [default_allowlist().reason("WriteFile")]
    assert [(f.op, f.where) for f in report.refused] == [("WriteFile", "in function evil, called by case")]


def test_ops_known_to_be_safe_pass_whatever_their_place() -> None:
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 2])
    keep = b.placeholder("keep_prob", shape=[])
    noise = b.op("noise", "RandomUniform", [b.const("shape", [2], dtype="int32")], t="int32", dtype="DT:float32")
    mask = b.op("mask", "Less", [noise, keep])
    b.op("check", "Assert", [mask, x], t=None)
    b.op("y", "Mul", [x, b.op("maskf", "Cast", [mask], t=None, SrcT="DT:bool", DstT="DT:float32"), "^check"])
    assert _verdict(b.graph, fed=("x", "keep_prob")).findings == []
