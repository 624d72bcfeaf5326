"""The graph's function library, and which of its functions a set of nodes calls."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tfscout.inspector.graph.graph import Graph


def function_library(graph: Graph) -> dict[str, Any]:
    """Function name -> FunctionDef of the graph's library (empty for most TF1 graphs)."""
    return {f.signature.name: f for f in graph.graph_def.library.function}


def _called(op: str, attrs: Any, library: dict[str, Any]) -> list[str]:
    """Functions a node calls: its op is a function name, or an attribute names one (f, body, branches ...)."""
    names = [op] if op in library else []
    for value in attrs.values():
        if value.HasField("func"):
            names.append(value.func.name)
        elif value.HasField("list"):
            names.extend(f.name for f in value.list.func)
    return [n for n in names if n in library]


def functions_called(graph: Graph, nodes: Iterable[int], library: dict[str, Any]) -> list[str]:
    """Names of the library functions the nodes call, directly or through other functions, in the
    order they are first reached."""
    stack = [f for i in nodes for f in _called(graph.ops[i], graph.node(i).attr, library)]
    seen: dict[str, None] = {}
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen[name] = None
        for node in library[name].node_def:
            stack.extend(f for f in _called(node.op, node.attr, library) if f not in seen)
    return list(seen)
