"""A mutable view of a GraphDef for surgery: rewire tensors, replace nodes, prune to outputs.

Works on any GraphDef class (TensorFlow's or the TF-free copy in ``tensorboard.compat.proto``):
new nodes are made from the class of the nodes already there. Tensor names are normalised to
``node:port``; a control input is ``^node``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tfscout.inspector import split_tensor_name

DTYPE_ENUMS = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6, "string": 7,
               "complex64": 8, "int64": 9, "bool": 10, "bfloat16": 14, "uint16": 17, "complex128": 18,
               "float16": 19, "uint32": 22, "uint64": 23}


def tensor_key(ref: str) -> str:
    """``"a"`` -> ``"a:0"``; ``"a:1"`` stays; control inputs (``^a``) stay."""
    if ref.startswith("^"):
        return ref
    name, port = split_tensor_name(ref)
    return f"{name}:{port}"


def node_of(ref: str) -> str:
    return split_tensor_name(ref.lstrip("^"))[0]


def as_identity(node: Any, source: str | None = None, dtype_attr: str = "T") -> None:
    """Turn ``node`` into an Identity of ``source`` (by default its first data input), keeping its
    control inputs, its name and its dtype (read from ``dtype_attr``)."""
    if source is None:
        source = next(i for i in node.input if not i.startswith("^"))
    controls = [i for i in node.input if i.startswith("^")]
    dtype = node.attr[dtype_attr].type
    node.op = "Identity"
    del node.input[:]
    node.input.extend([source] + controls)
    for key in list(node.attr):
        if key != "_output_shapes":
            del node.attr[key]
    node.attr["T"].type = dtype


class GraphEdit:
    """Nodes by name, in order, with helpers that keep inputs consistent."""

    def __init__(self, graph_def: Any) -> None:
        self.graph_def_class = type(graph_def)
        self.versions = graph_def.versions
        self.library = graph_def.library
        self.nodes: dict[str, Any] = {}
        node_class = None
        for node in graph_def.node:
            node_class = type(node)
            if node.name not in self.nodes:  # duplicates: the first one wins, as the inspector reads it
                copy = node_class()
                copy.CopyFrom(node)
                self.nodes[node.name] = copy
        self.node_class = node_class

    # -- reading ------------------------------------------------------------------------------
    def __contains__(self, name: str) -> bool:
        return name in self.nodes

    def __len__(self) -> int:
        return len(self.nodes)

    def op(self, name: str) -> str:
        return str(self.nodes[name].op)

    def data_inputs(self, name: str) -> list[str]:
        return [tensor_key(i) for i in self.nodes[name].input if not i.startswith("^")]

    def control_inputs(self, name: str) -> list[str]:
        return [i[1:] for i in self.nodes[name].input if i.startswith("^")]

    def consumers(self) -> dict[str, list[tuple[str, int]]]:
        """tensor (``node:port``) -> [(consumer node, input index)], data edges only."""
        out: dict[str, list[tuple[str, int]]] = {}
        for name, node in self.nodes.items():
            for k, ref in enumerate(node.input):
                if not ref.startswith("^"):
                    out.setdefault(tensor_key(ref), []).append((name, k))
        return out

    def control_consumers(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name, node in self.nodes.items():
            for ref in node.input:
                if ref.startswith("^"):
                    out.setdefault(ref[1:], []).append(name)
        return out

    def unique_name(self, base: str) -> str:
        if base not in self.nodes:
            return base
        k = 1
        while f"{base}_{k}" in self.nodes:
            k += 1
        return f"{base}_{k}"

    # -- writing ------------------------------------------------------------------------------
    def new_node(self, name: str, op: str, inputs: Iterable[str] = ()) -> Any:
        assert self.node_class is not None
        node = self.node_class()
        node.name = name
        node.op = op
        node.input.extend(inputs)
        self.nodes[name] = node
        return node

    def remove(self, names: Iterable[str]) -> None:
        for name in names:
            self.nodes.pop(name, None)

    def rewire(self, old: str, new: str, only: set[str] | None = None) -> list[str]:
        """Make every data input reading tensor ``old`` read ``new`` instead; returns the consumers changed."""
        old = tensor_key(old)
        changed = []
        for name, node in self.nodes.items():
            if only is not None and name not in only:
                continue
            for k, ref in enumerate(node.input):
                if not ref.startswith("^") and tensor_key(ref) == old:
                    node.input[k] = new
                    changed.append(name)
        return changed

    def drop_control_inputs(self, name: str, sources: set[str]) -> list[str]:
        node = self.nodes[name]
        kept = [i for i in node.input if not (i.startswith("^") and i[1:] in sources)]
        dropped = [i[1:] for i in node.input if i.startswith("^") and i[1:] in sources]
        if dropped:
            del node.input[:]
            node.input.extend(kept)
        return dropped

    def set_type_attr(self, node: Any, key: str, dtype: str) -> None:
        node.attr[key].type = DTYPE_ENUMS[dtype]

    def set_shape_attr(self, node: Any, key: str, shape: list[int] | None) -> None:
        proto = node.attr[key].shape
        proto.Clear()
        if shape is None:
            proto.unknown_rank = True
            return
        for d in shape:
            proto.dim.add().size = d

    def make_placeholder(self, name: str, dtype: str, shape: list[int] | None) -> Any:
        node = self.new_node(name, "Placeholder")
        self.set_type_attr(node, "dtype", dtype)
        self.set_shape_attr(node, "shape", shape)
        return node

    def make_const(self, name: str, value: Any, dtype: str | None = None) -> Any:
        """A Const node holding ``value`` (a numpy array or a Python scalar)."""
        import numpy as np

        array = np.asarray(value, dtype=None if dtype is None else _numpy_dtype(dtype))
        node = self.new_node(name, "Const")
        dtype_name = _dtype_name_of(array)
        self.set_type_attr(node, "dtype", dtype_name)
        fill_tensor_proto(node.attr["value"].tensor, array, dtype_name)
        return node

    # -- pruning ------------------------------------------------------------------------------
    def ancestors(self, outputs: Iterable[str], keep_control: Any = None) -> set[str]:
        """Node names reachable backwards from ``outputs`` through data edges and those control
        edges ``keep_control(src, dst)`` accepts (all of them when it is None)."""
        seen: set[str] = set()
        stack = [node_of(o) for o in outputs]
        while stack:
            name = stack.pop()
            if name in seen or name not in self.nodes:
                continue
            seen.add(name)
            for ref in self.nodes[name].input:
                src = node_of(ref)
                if ref.startswith("^") and keep_control is not None and not keep_control(src, name):
                    continue
                if src not in seen:
                    stack.append(src)
        return seen

    def prune(self, outputs: Iterable[str], keep_control: Any = None) -> list[str]:
        """Keep only the ancestors of ``outputs``; drop control inputs from nodes that are gone."""
        keep = self.ancestors(outputs, keep_control)
        removed = [n for n in self.nodes if n not in keep]
        self.remove(removed)
        for name in keep:
            node = self.nodes.get(name)
            if node is None:
                continue
            gone = {i[1:] for i in node.input if i.startswith("^") and i[1:] not in self.nodes}
            if gone:
                self.drop_control_inputs(name, gone)
        return removed

    def to_graph_def(self, graph_def_class: Any = None) -> Any:
        """A new GraphDef (of ``graph_def_class``, by default the class read) with the nodes in order."""
        out = (graph_def_class or self.graph_def_class)()
        out.versions.ParseFromString(self.versions.SerializeToString())
        out.library.ParseFromString(self.library.SerializeToString())
        for node in self.nodes.values():
            out.node.add().ParseFromString(node.SerializeToString())
        return out

    def serialize(self) -> bytes:
        return bytes(self.to_graph_def().SerializeToString())


def _numpy_dtype(dtype: str) -> Any:
    import numpy as np

    return np.dtype("float16") if dtype == "float16" else np.dtype(object if dtype == "string" else dtype)


def _dtype_name_of(array: Any) -> str:
    kind = array.dtype.kind
    if kind in ("O", "S", "U"):
        return "string"
    if array.dtype.name == "bool":
        return "bool"
    return str(array.dtype.name)


def fill_tensor_proto(proto: Any, array: Any, dtype_name: str) -> None:
    """Write a numpy array into a TensorProto (dtype, shape, content)."""
    proto.Clear()
    proto.dtype = DTYPE_ENUMS[dtype_name]
    for d in array.shape:
        proto.tensor_shape.dim.add().size = int(d)
    if dtype_name == "string":
        flat = array.reshape(-1)
        proto.string_val.extend(s if isinstance(s, bytes) else str(s).encode() for s in flat)
        return
    import numpy as np

    proto.tensor_content = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
