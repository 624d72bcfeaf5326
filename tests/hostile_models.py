"""Hostile TF1 graphs: each tries to read a canary file or write a file when TensorFlow runs it.

    python -m tests.hostile_models OUT_DIR CANARY TARGET     # the graphs built with real TensorFlow

Every graph takes ``x:0`` (float32 [-1, 2]) and gives ``y:0``; what it does to the host hangs on the
way. ``CANARY`` is the file the graphs read, ``TARGET`` the file they write. Built with TensorFlow
(graph mode, as a TF1 script would) by :func:`build_with_tensorflow`, and without it, as raw
GraphDefs, by :func:`raw_graphs`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from tensorboard.compat.proto import graph_pb2

from tests.graphdefs import GraphBuilder

# name -> (what it does, the unsafe op types on its path)
TF_GRAPHS: dict[str, tuple[str, set[str]]] = {
    "control_write": ("the output has a control dependency on WriteFile(TARGET, ReadFile(CANARY))",
                      {"ReadFile", "WriteFile"}),
    "const_write": ("the output has a control dependency on WriteFile(TARGET, a constant): only constants "
                    "feed it, the kind of node constant folding evaluates", {"WriteFile"}),
    "data_read": ("the output is x times the number read from CANARY (ReadFile on the data path)", {"ReadFile"}),
    "function_write": ("the output comes from a tf.function whose body writes TARGET with CANARY's bytes "
                       "(StatefulPartitionedCall; the ops live in the function library)", {"ReadFile", "WriteFile"}),
    "pyfunc": ("the output goes through tf.compat.v1.py_func running Python that writes TARGET", {"PyFunc"}),
}
RAW_GRAPHS: dict[str, tuple[str, set[str]]] = {
    "raw_control_write": ("a raw GraphDef: Identity(x * 2) with a control input on WriteFile(TARGET, "
                          "ReadFile(CANARY))", {"ReadFile", "WriteFile"}),
    "raw_function_write": ("a raw GraphDef calling a library function whose body writes TARGET",
                           {"ReadFile", "WriteFile"}),
    "raw_matching_files": ("a raw GraphDef whose output counts the files MatchingFiles finds",
                           {"MatchingFiles"}),
    "raw_data_read": ("a raw GraphDef: x times the number ReadFile(CANARY) holds", {"ReadFile"}),
}
DT_FLOAT, DT_STRING = 1, 7


def build_with_tensorflow(out: Path, canary: str, target: str) -> None:
    import tensorflow as tf

    out.mkdir(parents=True, exist_ok=True)

    def save(graph: Any, name: str) -> None:
        (out / f"{name}.pb").write_bytes(graph.as_graph_def().SerializeToString())

    def graph_with(build: Any, name: str) -> None:
        graph = tf.Graph()
        with graph.as_default():
            x = tf.compat.v1.placeholder(tf.float32, [None, 2], name="x")
            tf.identity(build(x), name="y")
        save(graph, name)

    def control_write(x: Any) -> Any:
        write = tf.io.write_file(target, tf.io.read_file(canary), name="steal")
        with tf.control_dependencies([write]):
            return x * 2.0

    def const_write(x: Any) -> Any:
        write = tf.io.write_file(target, tf.constant("pwned"), name="drop")
        with tf.control_dependencies([write]):
            return x + 1.0

    def data_read(x: Any) -> Any:
        return x * tf.strings.to_number(tf.io.read_file(canary), name="secret")

    def function_write(x: Any) -> Any:
        @tf.function
        def scale(v: Any) -> Any:
            tf.io.write_file(target, tf.io.read_file(canary))
            return v * 2.0

        return scale(x)

    def pyfunc(x: Any) -> Any:
        def evil(v: Any) -> Any:
            Path(target).write_text("pyfunc")
            return v

        return tf.compat.v1.py_func(evil, [x], tf.float32, name="evil")

    for fn in (control_write, const_write, data_read, function_write, pyfunc):
        graph_with(fn, fn.__name__)


def _string_const(b: GraphBuilder, name: str, value: str) -> str:
    node = b.graph.node.add(name=name, op="Const")
    node.attr["dtype"].type = DT_STRING
    node.attr["value"].tensor.dtype = DT_STRING
    node.attr["value"].tensor.string_val.append(value.encode())
    return name


def _reader_writer(b: GraphBuilder, canary: str, target: str, prefix: str = "") -> str:
    read = b.graph.node.add(name=prefix + "read", op="ReadFile", input=[_string_const(b, prefix + "canary", canary)])
    write = b.graph.node.add(name=prefix + "write", op="WriteFile",
                             input=[_string_const(b, prefix + "target", target), read.name])
    return write.name


def raw_control_write(canary: str, target: str) -> graph_pb2.GraphDef:
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 2])
    two = b.const("two", 2.0)
    scaled = b.op("scaled", "Mul", [x, two])
    write = _reader_writer(b, canary, target)
    b.op("y", "Identity", [scaled, "^" + write])
    return b.graph


def raw_function_write(canary: str, target: str) -> graph_pb2.GraphDef:
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 2])
    fn = b.graph.library.function.add()
    fn.signature.name = "scale_and_steal"
    fn.signature.is_stateful = True
    fn.signature.input_arg.add(name="v", type=DT_FLOAT)
    fn.signature.output_arg.add(name="out", type=DT_FLOAT)
    for name, path in (("canary", canary), ("target", target)):
        const = fn.node_def.add(name=name, op="Const")
        const.attr["dtype"].type = DT_STRING
        const.attr["value"].tensor.dtype = DT_STRING
        const.attr["value"].tensor.string_val.append(path.encode())
    fn.node_def.add(name="read", op="ReadFile", input=["canary:output:0"])
    fn.node_def.add(name="write", op="WriteFile", input=["target:output:0", "read:contents:0"])
    ident = fn.node_def.add(name="ident", op="Identity", input=["v", "^write"])
    ident.attr["T"].type = DT_FLOAT
    fn.ret["out"] = "ident:output:0"
    fn.control_ret["write"] = "write"
    fn.signature.control_output.append("write")
    call = b.graph.node.add(name="call", op="StatefulPartitionedCall", input=[x])
    call.attr["Tin"].list.type.append(DT_FLOAT)
    call.attr["Tout"].list.type.append(DT_FLOAT)
    call.attr["f"].func.name = "scale_and_steal"
    for key in ("config", "config_proto", "executor_type"):
        call.attr[key].s = b""
    b.op("y", "Identity", ["call"])
    return b.graph


def raw_matching_files(canary: str, target: str) -> graph_pb2.GraphDef:
    del target
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 2])
    pattern = _string_const(b, "pattern", str(Path(canary).parent / "*"))
    found = b.graph.node.add(name="glob", op="MatchingFiles", input=[pattern])
    size = b.op("count", "Size", [found.name], t="string", out_type="DT:int32")
    as_float = b.op("count_float", "Cast", [size], t=None, SrcT="DT:int32", DstT="DT:float32")
    b.op("y", "Mul", [x, as_float])
    return b.graph


def raw_data_read(canary: str, target: str) -> graph_pb2.GraphDef:
    del target
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 2])
    read = b.graph.node.add(name="read", op="ReadFile", input=[_string_const(b, "canary", canary)])
    number = b.op("number", "StringToNumber", [read.name], t=None, out_type="DT:float32")
    b.op("y", "Mul", [x, number])
    return b.graph


def raw_graphs(out: Path, canary: str, target: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, build in (("raw_control_write", raw_control_write), ("raw_function_write", raw_function_write),
                        ("raw_matching_files", raw_matching_files), ("raw_data_read", raw_data_read)):
        (out / f"{name}.pb").write_bytes(build(canary, target).SerializeToString())


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    build_with_tensorflow(Path(sys.argv[1]), sys.argv[2], sys.argv[3])
