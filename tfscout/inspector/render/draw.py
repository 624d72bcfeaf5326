"""What ``tfscout render`` draws: a node's neighbourhood, or the subgraph between the inputs and outputs,
as DOT text, written as a picture when asked. A typed result; the command only prints it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfscout.defaults import DEFAULT_DEPTH, DEFAULT_MAX_NODES, SUBGRAPH_MAX_NODES
from tfscout.errors import UsageError
from tfscout.inspector.api import analyse_path
from tfscout.inspector.explore import Neighbourhood, around, between
from tfscout.inspector.graph import GraphAnalysis, TensorRef
from tfscout.inspector.rank import choose_interface, resolve_names
from tfscout.inspector.render.drawing import format_of, tensor_caption, to_dot, write_picture


@dataclass
class Drawing:
    """A drawing as DOT text, what it holds, and the file it was written to (None: not written)."""

    dot: str
    mode: str  # around | subgraph
    nodes: int
    edges: int
    truncated: int  # nodes left out by the node limit
    centre: str | None = None
    depth: int | None = None
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    output: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``tfscout render --json``: what was drawn, not the DOT text."""
        return {"output": self.output, "mode": self.mode, "centre": self.centre, "depth": self.depth,
                "nodes": self.nodes, "edges": self.edges, "truncated": self.truncated, "inputs": self.inputs,
                "outputs": self.outputs}


def _drawing(a: GraphAnalysis, hood: Neighbourhood, mode: str, title: str, depth: int | None) -> Drawing:
    g = a.graph
    return Drawing(dot=to_dot(g, hood, tensor_caption(a), title=title), mode=mode, nodes=len(hood.nodes),
                   edges=len(hood.edges), truncated=hood.truncated,
                   centre=g.names[hood.centre] if hood.centre is not None else None, depth=depth,
                   inputs=[g.tensor_name(r) for r in hood.inputs],
                   outputs=[g.tensor_name(r) for r in hood.outputs])


def around_drawing(a: GraphAnalysis, centre: int, depth: int = DEFAULT_DEPTH,
                   max_nodes: int = DEFAULT_MAX_NODES, control: bool = False) -> Drawing:
    """The nodes within ``depth`` hops of ``centre``."""
    g = a.graph
    hood = around(g, centre, depth, max_nodes, control=control)
    return _drawing(a, hood, "around", f"{g.names[centre]} ({g.ops[centre]}), {depth} hops", depth)


def subgraph_drawing(a: GraphAnalysis, inputs: list[TensorRef], outputs: list[TensorRef],
                     max_nodes: int = SUBGRAPH_MAX_NODES, control: bool = False) -> Drawing:
    """The nodes the outputs need, back to the inputs (what tf2onnx converts)."""
    g = a.graph
    hood = between(g, inputs, outputs, max_nodes, control=control)
    title = (", ".join(g.tensor_name(r) for r in inputs) + " -> "
             + ", ".join(g.tensor_name(r) for r in outputs))
    return _drawing(a, hood, "subgraph", title, None)


def draw(model: str | Path, around_node: str | None = None, subgraph: bool = False,
         depth: int = DEFAULT_DEPTH, max_nodes: int | None = None, control: bool = False,
         inputs: str | None = None, outputs: str | None = None, tags: list[str] | None = None,
         out: str | Path | None = None, fmt: str | None = None, force: bool = False) -> Drawing:
    """``tfscout render``: check the request, read the model, draw, and write ``out`` when given.

    Around ``around_node``, or with ``subgraph`` between ``inputs`` and ``outputs`` (the recommended ones
    when None).
    """
    if not around_node and not subgraph:
        raise UsageError("say what to draw", "pass --around NODE or --subgraph")
    if depth < 0 or (max_nodes is not None and max_nodes < 1):
        raise UsageError("--depth must be 0 or more and --max-nodes 1 or more",
                         "e.g. --depth 2 --max-nodes 200")
    if (inputs or outputs) and not subgraph:
        raise UsageError("--inputs and --outputs only apply to --subgraph", "add --subgraph")
    if out:
        format_of(out, fmt)  # fail on a bad suffix before reading the model
    a = analyse_path(model, tags)
    if around_node:
        centre = resolve_names(a.graph, [around_node], "node", str(model))[0].node
        drawing = around_drawing(a, centre, depth, max_nodes or DEFAULT_MAX_NODES, control)
    else:
        iface = choose_interface(a, inputs, outputs)
        drawing = subgraph_drawing(a, iface.inputs, iface.outputs, max_nodes or SUBGRAPH_MAX_NODES, control)
    if out:
        drawing.output = str(write_picture(drawing.dot, out, fmt, force=force))
    return drawing
