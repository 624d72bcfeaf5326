"""Pieces of hand-made GraphDefs for the crafted models (tensorboard's protos, no TensorFlow).

Nodes of the graph are added with :class:`tests.graphdefs.GraphBuilder`; this adds what it lacks:
string constants, function definitions of the library, and calls of them.
"""

from __future__ import annotations

from typing import Any

from tensorboard.compat.proto import function_pb2, graph_pb2

from tests.graphdefs import GraphBuilder

DT_FLOAT, DT_INT32, DT_STRING, DT_INT64, DT_VARIANT = 1, 3, 7, 9, 21


def string_const(node: Any, value: str | bytes) -> Any:
    """Make ``node`` a scalar string Const holding ``value``."""
    node.op = "Const"
    node.attr["dtype"].type = DT_STRING
    node.attr["value"].tensor.dtype = DT_STRING
    node.attr["value"].tensor.string_val.append(value.encode() if isinstance(value, str) else value)
    return node


def add_string(b: GraphBuilder, name: str, value: str | bytes) -> str:
    string_const(b.graph.node.add(name=name), value)
    return name


def add_node(graph: graph_pb2.GraphDef | Any, name: str, op: str, inputs: list[str] | None = None,
             **attrs: Any) -> Any:
    """A node in a GraphDef (or a FunctionDef's ``node_def``); attrs: int, float, bool, str, list of str,
    ``("type", dtype)`` or ``("types", [dtypes])``."""
    target = graph.node if isinstance(graph, graph_pb2.GraphDef) else graph.node_def
    node = target.add(name=name, op=op, input=inputs or [])
    for key, value in attrs.items():
        attr = node.attr[key]
        if isinstance(value, tuple) and value[0] == "type":
            attr.type = value[1]
        elif isinstance(value, tuple) and value[0] == "types":
            attr.list.type.extend(value[1])
        elif isinstance(value, bool):
            attr.b = value
        elif isinstance(value, int):
            attr.i = value
        elif isinstance(value, float):
            attr.f = value
        elif isinstance(value, str):
            attr.s = value.encode()
        elif isinstance(value, list):
            attr.list.s.extend(v.encode() for v in value)
    return node


def function(graph: graph_pb2.GraphDef, name: str, inputs: list[tuple[str, int]],
             outputs: list[tuple[str, int]]) -> function_pb2.FunctionDef:
    """An empty library function with typed arguments; fill ``node_def`` and ``ret``."""
    fn = graph.library.function.add()
    fn.signature.name = name
    fn.signature.is_stateful = True
    for arg, dtype in inputs:
        fn.signature.input_arg.add(name=arg, type=dtype)
    for arg, dtype in outputs:
        fn.signature.output_arg.add(name=arg, type=dtype)
    return fn


def writing_function(graph: graph_pb2.GraphDef, name: str, target: str) -> function_pb2.FunctionDef:
    """``name(v: float) -> v``, writing ``target`` on the way (a control output of the function)."""
    fn = function(graph, name, [("v", DT_FLOAT)], [("out", DT_FLOAT)])
    string_const(fn.node_def.add(name="target"), target)
    string_const(fn.node_def.add(name="contents"), "written by " + name)
    fn.node_def.add(name="write", op="WriteFile", input=["target:output:0", "contents:output:0"])
    add_node(fn, "same", "Identity", ["v", "^write"], T=("type", DT_FLOAT))
    fn.ret["out"] = "same:output:0"
    fn.control_ret["write"] = "write"
    fn.signature.control_output.append("write")
    return fn


def call(b: GraphBuilder, name: str, function_name: str, inputs: list[str], op: str = "StatefulPartitionedCall",
         n_in: int = 1) -> Any:
    """A call of a library function taking and giving float tensors."""
    node = add_node(b.graph, name, op, inputs, Tin=("types", [DT_FLOAT] * n_in), Tout=("types", [DT_FLOAT]))
    node.attr["f"].func.name = function_name
    for key in ("config", "config_proto", "executor_type"):
        node.attr[key].s = b""
    return node


def start(shape: list[int] | None = None) -> GraphBuilder:
    """A graph with the placeholder ``x`` (float32, default shape [-1, 2])."""
    b = GraphBuilder()
    b.placeholder("x", shape=shape or [-1, 2])
    return b
