"""TensorFlow op signatures, from the table shipped as package data (and a MetaGraphDef's own op list).

With it the inspector knows, without TensorFlow, how many outputs a node has and their dtypes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from tfscout.inspector.load import NodeDef, dtype_name


@dataclass(frozen=True)
class OpSignature:
    """Input and output argument specs: (name, dtype enum or 'attr:X'/'list:X', count attr)."""

    inputs: tuple[tuple[str, Any, str], ...]
    outputs: tuple[tuple[str, Any, str], ...]
    stateful: bool = False


class OpTable:
    """Op type -> :class:`OpSignature`, with fall-backs for op types nobody registered."""

    def __init__(self, ops: dict[str, OpSignature], source: str) -> None:
        self.ops = ops
        self.source = source

    def get(self, op: str) -> OpSignature | None:
        return self.ops.get(op)

    def with_op_list(self, op_list: Any) -> OpTable:
        """A copy that also knows the OpDefs of a MetaGraphDef's ``stripped_op_list``."""
        extra = {}
        for op in op_list.op:
            if op.name in self.ops:
                continue
            extra[op.name] = OpSignature(
                inputs=tuple(op_arg_spec(a) for a in op.input_arg),
                outputs=tuple(op_arg_spec(a) for a in op.output_arg),
                stateful=op.is_stateful,
            )
        if not extra:
            return self
        return OpTable({**self.ops, **extra}, self.source)

    def output_dtypes(self, node: NodeDef) -> list[str | None] | None:
        """The dtype of each output of ``node``, or None when the op type is unknown."""
        sig = self.ops.get(node.op)
        if sig is None:
            return None
        out: list[str | None] = []
        for _name, spec, count_attr in sig.outputs:
            count = 1
            if count_attr:
                attr = node.attr.get(count_attr)
                count = attr.i if attr is not None else 0
            if isinstance(spec, int):
                out.extend([dtype_name(spec)] * count)
            elif spec.startswith("attr:"):
                attr = node.attr.get(spec[5:])
                out.extend([dtype_name(attr.type) if attr is not None else None] * count)
            else:  # list:X
                attr = node.attr.get(spec[5:])
                if attr is not None:
                    out.extend(dtype_name(t) for t in attr.list.type)
        return out

    def input_arg_names(self, node: NodeDef) -> list[str] | None:
        """The argument name of each data input of ``node`` (list arguments expanded)."""
        sig = self.ops.get(node.op)
        if sig is None:
            return None
        names: list[str] = []
        for name, spec, count_attr in sig.inputs:
            if count_attr:
                attr = node.attr.get(count_attr)
                count = attr.i if attr is not None else 0
            elif isinstance(spec, str) and spec.startswith("list:"):
                attr = node.attr.get(spec[5:])
                count = len(attr.list.type) if attr is not None else 0
            else:
                count = 1
            names.extend([name] if count == 1 else [f"{name}_{k}" for k in range(count)])
        return names


def op_arg_spec(arg: Any) -> tuple[str, Any, str]:
    """An OpDef argument as the table keeps it: (name, dtype enum or 'attr:X'/'list:X', count attr)."""
    if arg.type_list_attr:
        spec: Any = "list:" + arg.type_list_attr
    elif arg.type_attr:
        spec = "attr:" + arg.type_attr
    else:
        spec = int(arg.type)
    return (arg.name, spec, arg.number_attr or "")


@lru_cache(maxsize=1)
def default_op_table() -> OpTable:
    """The table generated from TensorFlow's registry (``python -m tfscout.converter.tables.tf_op_table``)."""
    raw = json.loads(resources.files("tfscout.inspector").joinpath("data/tf_ops.json").read_text())
    ops = {
        name: OpSignature(
            inputs=tuple(tuple(a) for a in entry["in"]),
            outputs=tuple(tuple(a) for a in entry["out"]),
            stateful=bool(entry.get("stateful", False)),
        )
        for name, entry in raw["ops"].items()
    }
    return OpTable(ops, raw.get("generated_by", "unknown"))
