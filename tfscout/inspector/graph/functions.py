"""The graph's function library, and which of its functions a set of nodes calls."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tfscout.inspector.graph.graph import Graph


def function_library(graph: Graph) -> dict[str, Any]:
    """Function name -> FunctionDef of the graph's library (empty for most TF1 graphs)."""
    return {f.signature.name: f for f in graph.graph_def.library.function}


def function_gradients(graph: Graph) -> dict[str, str]:
    """Function name -> the name of its registered gradient function (``library.gradient``)."""
    return {g.function_name: g.gradient_func for g in graph.graph_def.library.gradient}


def named_functions(op: str, attrs: Any, library: dict[str, Any]) -> list[str]:
    """Functions of ``library`` a node may run: its op is a function's name, or an attribute names one.

    Every attribute counts, whatever its key: a ``func``, a list of funcs, and the functions named in
    the attributes of those (a ``NameAttrList`` whose own ``attr`` holds a ``func``), however deep.
    """
    if not library:
        return []
    names = [op] if op in library else []
    stack = list(attrs.values())
    while stack:
        value = stack.pop()
        kind = value.WhichOneof("value")
        if kind == "func":
            names.append(value.func.name)
            stack.extend(value.func.attr.values())
        elif kind == "list":
            for func in value.list.func:
                names.append(func.name)
                stack.extend(func.attr.values())
    return [n for n in names if n in library]


def functions_called(graph: Graph, nodes: Iterable[int], library: dict[str, Any]) -> list[str]:
    """Names of the library functions the nodes call, directly or through other functions, in the
    order they are first reached."""
    stack = [f for i in nodes for f in named_functions(graph.ops[i], graph.node(i).attr, library)]
    seen: dict[str, None] = {}
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen[name] = None
        for node in library[name].node_def:
            stack.extend(f for f in named_functions(node.op, node.attr, library) if f not in seen)
    return list(seen)
