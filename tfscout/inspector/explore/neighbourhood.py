"""Small pieces of a big graph, for people to look at: a node's neighbourhood, or the subgraph
between chosen inputs and outputs.

A neighbourhood is every node within ``depth`` data hops upstream or downstream of a centre
(control edges optional), cut at ``max_nodes`` so that a hub with thousands of consumers still
gives a readable picture. The result knows which nodes have edges leaving it, so drawings can
mark where the graph goes on.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from tfscout.defaults import DEFAULT_DEPTH, DEFAULT_MAX_NODES, SUBGRAPH_MAX_NODES
from tfscout.inspector.graph import Graph, TensorRef


@dataclass(frozen=True)
class Edge:
    src: int
    dst: int
    port: int = 0         # the output of ``src`` (``src:port``); -1 for a control edge
    slot: int = 0         # the input slot of ``dst``

    @property
    def control(self) -> bool:
        return self.port < 0


@dataclass
class Neighbourhood:
    """Nodes (with their signed distance from the centre: negative upstream), and the edges among them."""

    nodes: list[int]
    edges: list[Edge]
    distance: dict[int, int] = field(default_factory=dict)
    centre: int | None = None
    inputs: list[TensorRef] = field(default_factory=list)   # for a subgraph: where it is fed
    outputs: list[TensorRef] = field(default_factory=list)  # and what it produces
    truncated: int = 0                                      # nodes left out by max_nodes
    open_nodes: set[int] = field(default_factory=set)       # nodes with edges to the rest of the graph

    def __len__(self) -> int:
        return len(self.nodes)


def _upstream(g: Graph, i: int, control: bool) -> list[int]:
    out = [src for src, _port in g.inputs[i]]
    if control:
        out += g.control_inputs[i]
    return out


def _downstream(g: Graph, i: int, control: bool) -> list[int]:
    out = [dst for dst, _slot, _port in g.consumers[i]]
    if control:
        out += g.control_consumers[i]
    return out


def around(g: Graph, centre: int, depth: int = DEFAULT_DEPTH, max_nodes: int = DEFAULT_MAX_NODES,
           control: bool = False) -> Neighbourhood:
    """Nodes within ``depth`` hops of ``centre``, nearest first, alternating upstream and downstream."""
    distance = {centre: 0}
    order = [centre]
    truncated = 0
    up, down = [centre], [centre]
    for hop in range(1, max(depth, 0) + 1):
        next_up: list[int] = []
        next_down: list[int] = []
        for frontier, nxt, step, sign in ((up, next_up, _upstream, -1), (down, next_down, _downstream, 1)):
            for i in frontier:
                for j in dict.fromkeys(step(g, i, control)):
                    if j in distance:
                        continue
                    if len(order) >= max_nodes:
                        truncated += 1
                        continue
                    distance[j] = sign * hop
                    order.append(j)
                    nxt.append(j)
        up, down = next_up, next_down
    hood = Neighbourhood(nodes=order, edges=_edges_among(g, order, control), distance=distance, centre=centre,
                         truncated=_count_left_out(g, order, distance, depth, control) if truncated else 0)
    hood.open_nodes = _open_nodes(g, order, control)
    return hood


def _count_left_out(g: Graph, order: list[int], distance: dict[int, int], depth: int, control: bool) -> int:
    """How many distinct nodes within ``depth`` hops were left out (a lower bound past the cut)."""
    left: set[int] = set()
    for i in order:
        if abs(distance[i]) >= depth:
            continue
        for j in _upstream(g, i, control) + _downstream(g, i, control):
            if j not in distance:
                left.add(j)
    return len(left)


def between(g: Graph, inputs: list[TensorRef], outputs: list[TensorRef], max_nodes: int = SUBGRAPH_MAX_NODES,
            control: bool = False) -> Neighbourhood:
    """The nodes the outputs need, walking back no further than the inputs (tf2onnx's subgraph)."""
    stop = {r.node for r in inputs}
    needed = g.ancestors([r.node for r in outputs], stop=stop, control=control)
    order = [i for i in g.topological_order() if i in needed]
    truncated = 0
    if len(order) > max_nodes:
        keep = set(r.node for r in inputs) | set(r.node for r in outputs)
        kept = [i for i in order if i in keep]
        rest = [i for i in order if i not in keep][: max(0, max_nodes - len(kept))]
        chosen = set(kept) | set(rest)
        truncated = len(order) - len(chosen)
        order = [i for i in order if i in chosen]
    hood = Neighbourhood(nodes=order, edges=_edges_among(g, order, control), inputs=list(inputs),
                         outputs=list(outputs), truncated=truncated)
    hood.open_nodes = _open_nodes(g, order, control) if truncated else set()
    return hood


def _edges_among(g: Graph, nodes: list[int], control: bool) -> list[Edge]:
    inside = set(nodes)
    edges = []
    for dst in nodes:
        for slot, (src, port) in enumerate(g.inputs[dst]):
            if src in inside:
                edges.append(Edge(src, dst, port, slot))
        if control:
            edges.extend(Edge(src, dst, -1, -1) for src in g.control_inputs[dst] if src in inside)
    return edges


def _open_nodes(g: Graph, nodes: list[int], control: bool) -> set[int]:
    inside = set(nodes)
    return {i for i in nodes
            if any(j not in inside for j in _upstream(g, i, control))
            or any(j not in inside for j in _downstream(g, i, control))}


@dataclass(frozen=True)
class Link:
    """One row of a neighbourhood tree: ``node`` reached from its parent row through ``tensor``."""

    node: int
    tensor: str
    direction: int  # -1 upstream (an input of the parent), +1 downstream (a consumer of the parent)
    children: tuple[Link, ...] = ()
    repeated: bool = False  # already shown elsewhere in the tree; not expanded again


def link_tree(g: Graph, centre: int, direction: int, depth: int = DEFAULT_DEPTH, fanout: int = 24) -> list[Link]:
    """Inputs (direction -1) or consumers (+1) of ``centre`` as a tree ``depth`` levels deep.

    Each node is expanded once; later appearances are marked ``repeated``. At most ``fanout``
    rows per level.
    """
    shown = {centre}

    def rows_of(i: int) -> list[tuple[int, str]]:
        if direction < 0:
            rows = [(src, f"{g.names[src]}:{port}") for src, port in g.inputs[i]]
        else:
            rows = [(dst, f"{g.names[i]}:{port}") for dst, _slot, port in g.consumers[i]]
        return rows[:fanout]

    # breadth first, so that a node is expanded where it is nearest to the centre
    expanded: dict[int, list[tuple[int, str, bool]]] = {}
    queue = deque([(centre, depth)])
    while queue:
        i, remaining = queue.popleft()
        rows = []
        for j, tensor in rows_of(i):
            repeated = j in shown
            shown.add(j)
            rows.append((j, tensor, repeated))
            if not repeated and remaining > 1:
                queue.append((j, remaining - 1))
        expanded[i] = rows

    def build(i: int) -> tuple[Link, ...]:  # recursion depth is at most ``depth``
        return tuple(Link(j, tensor, direction, () if repeated else build(j), repeated)
                     for j, tensor, repeated in expanded.get(i, []))

    return list(build(centre))
