"""Build small TF1 GraphDefs in tests without TensorFlow (tensorboard's protos).

    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    y = b.op("y", "Softmax", [x])
    b.write(tmp_path / "g.pb")
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from google.protobuf import text_format
from tensorboard.compat.proto import graph_pb2, meta_graph_pb2

DT = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "string": 7, "int64": 9, "bool": 10}


class GraphBuilder:
    def __init__(self) -> None:
        self.graph = graph_pb2.GraphDef()

    def _node(self, name: str, op: str, inputs: list[str] | None = None) -> Any:
        node = self.graph.node.add()
        node.name = name
        node.op = op
        node.input.extend(inputs or [])
        return node

    def placeholder(self, name: str, dtype: str = "float32", shape: list[int] | None = None,
                    default: str | None = None) -> str:
        node = self._node(name, "PlaceholderWithDefault" if default else "Placeholder", [default] if default else [])
        node.attr["dtype"].type = DT[dtype]
        if shape is not None:
            node.attr["shape"].shape.SetInParent()
            for d in shape:
                node.attr["shape"].shape.dim.add().size = d
        else:
            node.attr["shape"].shape.unknown_rank = True
        return name

    def const(self, name: str, values: list[float] | float, dtype: str = "float32",
              shape: list[int] | None = None) -> str:
        vals = values if isinstance(values, list) else [values]
        node = self._node(name, "Const")
        node.attr["dtype"].type = DT[dtype]
        tensor = node.attr["value"].tensor
        tensor.dtype = DT[dtype]
        dims = shape if shape is not None else ([] if not isinstance(values, list) else [len(vals)])
        for d in dims:
            tensor.tensor_shape.dim.add().size = d
        fmt = {"float32": "f", "int32": "i", "int64": "q", "bool": "?"}[dtype]
        tensor.tensor_content = struct.pack(f"<{len(vals)}{fmt}", *vals)
        return name

    def variable(self, name: str, shape: list[int]) -> str:
        node = self._node(name, "VariableV2")
        node.attr["dtype"].type = 1
        node.attr["shape"].shape.SetInParent()
        for d in shape:
            node.attr["shape"].shape.dim.add().size = d
        read = self._node(name + "/read", "Identity", [name])
        read.attr["T"].type = 1
        return name + "/read"

    def op(self, name: str, op: str, inputs: list[str], t: str | None = "float32", **attrs: Any) -> str:
        """A node of type ``op``; ``t`` is its ``T`` attribute, other attributes by keyword
        (``"DT:int64"`` for a type)."""
        node = self._node(name, op, inputs)
        if t is not None:
            node.attr["T"].type = DT[t]
        for key, value in attrs.items():
            if isinstance(value, bool):
                node.attr[key].b = value
            elif isinstance(value, int):
                node.attr[key].i = value
            elif isinstance(value, str) and value.startswith("DT:"):
                node.attr[key].type = DT[value[3:]]
            elif isinstance(value, str):
                node.attr[key].s = value.encode()
        return name

    def write(self, path: Path, text: bool = False) -> Path:
        if text:
            path.write_text(text_format.MessageToString(self.graph))
        else:
            path.write_bytes(self.graph.SerializeToString())
        return path

    def write_meta(self, path: Path, collections: dict[str, list[str]] | None = None) -> Path:
        meta = meta_graph_pb2.MetaGraphDef()
        meta.graph_def.CopyFrom(self.graph)
        for key, names in (collections or {}).items():
            meta.collection_def[key].node_list.value.extend(names)
        path.write_bytes(meta.SerializeToString())
        return path


def classifier(b: GraphBuilder, x: str, prefix: str = "") -> str:
    """A two-layer classifier on ``x`` with frozen weights; returns the logits node."""
    w1 = b.const(prefix + "w1", [0.1] * 16, shape=[4, 4])
    h = b.op(prefix + "dense/MatMul", "MatMul", [x, w1])
    r = b.op(prefix + "dense/Relu", "Relu", [h])
    w2 = b.const(prefix + "w2", [0.2] * 12, shape=[4, 3])
    return b.op(prefix + "logits", "MatMul", [r, w2])
