"""Everything worth showing about one node: its tensors, edges, attributes and role in the graph.

A typed, JSON-serialisable result; the TUI's node details pane is one renderer of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tfscout.inspector import optypes
from tfscout.inspector.formats import shape_text
from tfscout.inspector.graph import GraphAnalysis, TensorRef, const_value
from tfscout.inspector.load import dtype_name, shape_dims
from tfscout.inspector.report import TensorInfo

_MAX_LIST = 8
_MAX_TEXT = 120
_MAX_EDGES = 500


@dataclass
class EdgeInfo:
    """An edge seen from the node: the other node, and the tensor that flows (``None`` for control)."""

    node: int
    node_name: str
    op: str
    tensor: str | None
    dtype: str | None = None
    shape: list[int] | None = None


@dataclass
class NodeInfo:
    index: int
    name: str
    op: str
    device: str = ""
    outputs: list[TensorInfo] = field(default_factory=list)
    inputs: list[EdgeInfo] = field(default_factory=list)
    control_inputs: list[EdgeInfo] = field(default_factory=list)
    consumers: list[EdgeInfo] = field(default_factory=list)
    control_consumers: list[EdgeInfo] = field(default_factory=list)
    attrs: list[tuple[str, str]] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    value: str | None = None
    more_consumers: int = 0


def _short(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."


def _list_text(items: list[Any]) -> str:
    shown = ", ".join(str(x) for x in items[:_MAX_LIST])
    more = f", ... ({len(items)} in all)" if len(items) > _MAX_LIST else ""
    return f"[{shown}{more}]"


def attr_text(value: Any) -> str:
    """A compact, readable rendering of an AttrValue."""
    kind = value.WhichOneof("value")
    if kind == "s":
        return repr(value.s.decode("utf-8", "replace"))
    if kind in ("i", "f", "b"):
        return str(getattr(value, kind))
    if kind == "type":
        return dtype_name(value.type) or f"type {value.type}"
    if kind == "shape":
        return shape_text(shape_dims(value.shape))
    if kind == "tensor":
        t = value.tensor
        return f"tensor {dtype_name(t.dtype) or '?'} {shape_text(shape_dims(t.tensor_shape))}"
    if kind == "func":
        return f"function {value.func.name}"
    if kind == "placeholder":
        return f"${value.placeholder}"
    if kind == "list":
        lst = value.list
        for name, render in (("s", lambda x: repr(x.decode("utf-8", "replace"))), ("i", str), ("f", str),
                             ("b", str), ("type", lambda x: dtype_name(x) or str(x)),
                             ("shape", lambda x: shape_text(shape_dims(x))), ("func", lambda x: x.name)):
            items = list(getattr(lst, name))
            if items:
                return _list_text([render(x) for x in items])
        return "[]"
    return ""


def _roles(a: GraphAnalysis, i: int) -> list[str]:
    roles = a.roles
    marks = ((a.graph.ops[i] in optypes.PLACEHOLDER_OPS, "placeholder"), (i in roles.labels, "training label"),
             (i in roles.losses, "loss"), (i in roles.backward, "gradient or optimizer"),
             (i in roles.machinery and i not in roles.backward, "training or saving machinery"),
             (i in roles.weights, "weights"))
    return [label for found, label in marks if found]


def describe_node(a: GraphAnalysis, i: int) -> NodeInfo:
    """The facts about node ``i`` (consumers listed up to 500; the rest counted)."""
    g = a.graph
    node = g.node(i)
    info = NodeInfo(index=i, name=g.names[i], op=g.ops[i], device=node.device, roles=_roles(a, i))
    for port in range(min(g.num_outputs(i), _MAX_EDGES)):
        ref = TensorRef(i, port)
        info.outputs.append(TensorInfo(g.tensor_name(ref), g.dtype(ref), a.shapes.shape(ref)))
    for src, port in g.inputs[i]:
        ref = TensorRef(src, port)
        info.inputs.append(EdgeInfo(src, g.names[src], g.ops[src], g.tensor_name(ref), g.dtype(ref),
                                    a.shapes.shape(ref)))
    info.control_inputs = [EdgeInfo(src, g.names[src], g.ops[src], None) for src in g.control_inputs[i]]
    consumers = g.consumers[i]
    for dst, _slot, port in consumers[:_MAX_EDGES]:
        info.consumers.append(EdgeInfo(dst, g.names[dst], g.ops[dst], f"{g.names[i]}:{port}"))
    info.more_consumers = max(0, len(consumers) - _MAX_EDGES)
    info.control_consumers = [EdgeInfo(dst, g.names[dst], g.ops[dst], None)
                              for dst in g.control_consumers[i][:_MAX_EDGES]]
    for key in sorted(node.attr):
        if key == "_output_shapes":
            continue
        info.attrs.append((key, _short(attr_text(node.attr[key]))))
    values = const_value(g, i)
    if values is not None:
        info.value = _short(_list_text(values) if len(values) != 1 else repr(values[0]))
    return info
