"""The graph model: nodes, tensors (``name:port``), data edges and control edges.

Nodes are integers; adjacency lives in plain lists so that a million-node graph stays cheap.
Every traversal is iterative (no recursion limit) and tolerates cycles. TF1 while-loop back
edges (``NextIteration -> Merge``) are known and left out of the topological order.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tfscout.inspector import optypes
from tfscout.inspector.graph.opdefs import OpTable, default_op_table
from tfscout.inspector.load import GraphDef, NodeDef

# No TF op has this many outputs: a reference to such a port is treated like a dangling one.
MAX_PORT = 1 << 16
# Op types in no registry get a guessed dtype for at most this many outputs (the rest: unknown).
_MAX_GUESSED_OUTPUTS = 256


@dataclass(frozen=True, order=True)
class TensorRef:
    node: int
    port: int


def split_tensor_name(ref: str) -> tuple[str, int]:
    """``"a/b:1"`` -> ``("a/b", 1)``; ``"a/b"`` -> ``("a/b", 0)``; a leading ``^`` is kept."""
    name, sep, port = ref.rpartition(":")
    if sep and port.isascii() and port.isdigit():
        return name, int(port)
    return ref, 0


def tensor_name(node_name: str, port: int) -> str:
    return f"{node_name}:{port}"


class Graph:
    """A read-only view of a GraphDef with fast adjacency and per-tensor facts."""

    def __init__(self, graph_def: GraphDef, op_table: OpTable | None = None) -> None:
        self.graph_def = graph_def
        self.op_table = op_table or default_op_table()
        nodes = graph_def.node
        self.node_defs: Any = nodes
        self.names: list[str] = [n.name for n in nodes]
        self.ops: list[str] = [n.op for n in nodes]
        # Built backwards so that the first of duplicate names wins.
        self.index: dict[str, int] = dict(zip(reversed(self.names), range(len(self.names) - 1, -1, -1), strict=True))
        self.duplicates: list[str] = []
        if len(self.index) < len(self.names):
            self.duplicates = [name for i, name in enumerate(self.names) if self.index[name] != i]
        n = len(self.names)
        self.inputs: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        self.consumers: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]  # (dst, slot, port)
        # Few nodes have control edges: they share one empty tuple until they get one.
        self.control_inputs: list[list[int] | tuple[()]] = [()] * n
        self.control_consumers: list[list[int] | tuple[()]] = [()] * n
        self.dangling: list[tuple[str, str]] = []  # (node, missing input)
        self._max_port: list[int] = [-1] * n
        self._build_edges()
        self._back = bytearray(n)  # 1 for NextIteration: its out-edges are while-loop back edges
        for i, op in enumerate(self.ops):
            if op in optypes.NEXT_ITERATION_OPS:
                self._back[i] = 1
        self._topo: list[int] | None = None
        self._cyclic: list[int] = []
        self._dtype_cache: dict[int, list[str | None]] = {}

    # -- construction -------------------------------------------------------------------------
    def _build_edges(self) -> None:
        index_get = self.index.get
        inputs, consumers = self.inputs, self.consumers
        control_inputs, control_consumers = self.control_inputs, self.control_consumers
        max_port = self._max_port
        for i, node in enumerate(self.node_defs):
            data = inputs[i]
            for ref in node.input:
                src = index_get(ref)
                if src is not None:  # the common case: a plain node name, port 0
                    consumers[src].append((i, len(data), 0))
                    data.append((src, 0))
                    if max_port[src] < 0:
                        max_port[src] = 0
                    continue
                if ref[:1] == "^":
                    src = index_get(ref[1:])
                    if src is None:
                        self.dangling.append((self.names[i], ref))
                        continue
                    if not control_inputs[i]:
                        control_inputs[i] = []
                    control_inputs[i].append(src)  # type: ignore[union-attr]
                    if not control_consumers[src]:
                        control_consumers[src] = []
                    control_consumers[src].append(i)  # type: ignore[union-attr]
                    continue
                name, port = split_tensor_name(ref)
                src = index_get(name)
                if src is None or port >= MAX_PORT:
                    self.dangling.append((self.names[i], ref))
                    continue
                consumers[src].append((i, len(data), port))
                data.append((src, port))
                if port > max_port[src]:
                    max_port[src] = port

    # -- basic facts --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.names)

    def node(self, i: int) -> NodeDef:
        return self.node_defs[i]

    def find(self, name: str) -> int | None:
        return self.index.get(name)

    def attr(self, i: int, key: str) -> Any:
        attrs = self.node_defs[i].attr
        return attrs[key] if key in attrs else None

    def op_counts(self) -> Counter[str]:
        return Counter(self.ops)

    def is_back_edge(self, src: int) -> bool:
        return bool(self._back[src])

    # -- tensors ------------------------------------------------------------------------------
    def output_dtypes(self, i: int) -> list[str | None]:
        cached = self._dtype_cache.get(i)
        if cached is not None:
            return cached
        node = self.node_defs[i]
        dtypes = self.op_table.output_dtypes(node)
        if dtypes is None:
            dtypes = self._guess_output_dtypes(i)
        self._dtype_cache[i] = dtypes
        return dtypes

    def _guess_output_dtypes(self, i: int) -> list[str | None]:
        """For op types in no registry: count outputs from ``_output_shapes`` and consumers."""
        from tfscout.inspector.load import dtype_name

        node = self.node_defs[i]
        count = self._max_port[i] + 1
        shapes = node.attr["_output_shapes"].list.shape if "_output_shapes" in node.attr else []
        count = min(max(count, len(shapes), 1), _MAX_GUESSED_OUTPUTS)
        guess = None
        for key in ("T", "dtype", "out_type", "output_type", "DstT", "Tout"):
            if key in node.attr and node.attr[key].type:
                guess = dtype_name(node.attr[key].type)
                break
        return [guess] * count

    def num_outputs(self, i: int) -> int:
        return max(len(self.output_dtypes(i)), self._max_port[i] + 1)

    def dtype(self, ref: TensorRef) -> str | None:
        dtypes = self.output_dtypes(ref.node)
        return dtypes[ref.port] if ref.port < len(dtypes) else None

    def tensor_name(self, ref: TensorRef) -> str:
        return f"{self.names[ref.node]}:{ref.port}"

    def resolve(self, name: str) -> TensorRef | None:
        """A user-given ``node`` or ``node:port`` as a TensorRef, None when not in the graph."""
        if name in self.index and ":" not in name:
            return TensorRef(self.index[name], 0)
        node, port = split_tensor_name(name)
        i = self.index.get(node)
        if i is None:
            i = self.index.get(name)  # a node whose own name ends in ":digits"
            if i is None:
                return None
            port = 0
        return TensorRef(i, port)

    def tensor_consumers(self, ref: TensorRef) -> list[int]:
        return [dst for dst, _slot, port in self.consumers[ref.node] if port == ref.port]

    # -- order and reachability ---------------------------------------------------------------
    def topological_order(self) -> list[int]:
        """Kahn's order over data and control edges without while-loop back edges.

        Nodes on other cycles come last, in index order, and are listed by :meth:`cyclic_nodes`.
        """
        if self._topo is not None:
            return self._topo
        n = len(self)
        back = self._back
        inputs, consumers = self.inputs, self.consumers
        control_inputs, control_consumers = self.control_inputs, self.control_consumers
        indegree = [0] * n
        for i in range(n):
            deg = len(control_inputs[i])
            for src, _port in inputs[i]:
                if not back[src]:
                    deg += 1
            indegree[i] = deg
        queue = deque(i for i in range(n) if indegree[i] == 0)
        order: list[int] = []
        append, popleft = order.append, queue.popleft
        while queue:
            i = popleft()
            append(i)
            if not back[i]:
                for dst, _slot, _port in consumers[i]:
                    indegree[dst] -= 1
                    if indegree[dst] == 0:
                        queue.append(dst)
            for dst in control_consumers[i]:
                indegree[dst] -= 1
                if indegree[dst] == 0:
                    queue.append(dst)
        if len(order) < n:
            placed = set(order)
            self._cyclic = [i for i in range(n) if i not in placed]
            order.extend(self._cyclic)
        self._topo = order
        return order

    def cyclic_nodes(self) -> list[int]:
        self.topological_order()
        return self._cyclic

    def ancestors(self, starts: Iterable[int], stop: set[int] | frozenset[int] = frozenset(),
                  control: bool = False, cut: set[TensorRef] | frozenset[TensorRef] = frozenset(),
                  ) -> set[int]:
        """Nodes reachable backwards from ``starts`` through data (and optionally control) edges.

        Nodes in ``stop`` are included but not walked through; a data edge that reads a tensor in
        ``cut`` is not followed (tf2onnx feeds a placeholder there).
        """
        seen: set[int] = set()
        stack = list(starts)
        while stack:
            i = stack.pop()
            if i in seen:
                continue
            seen.add(i)
            if i in stop:
                continue
            if cut:
                stack.extend(src for src, port in self.inputs[i]
                             if src not in seen and TensorRef(src, port) not in cut)
            else:
                stack.extend(src for src, _port in self.inputs[i] if src not in seen)
            if control:
                stack.extend(s for s in self.control_inputs[i] if s not in seen)
        return seen

    def descendants(self, starts: Iterable[int], control: bool = False,
                    stop: set[int] | frozenset[int] = frozenset(), through: frozenset[str] | None = None,
                    ) -> set[int]:
        """Nodes reachable forwards from ``starts`` through data (and optionally control) edges.

        Nodes in ``stop`` are included but not walked through; with ``through``, only nodes of those
        op types are entered (``starts`` always are).
        """
        seen: set[int] = set()
        stack = list(starts)
        ops = self.ops
        while stack:
            i = stack.pop()
            if i in seen:
                continue
            seen.add(i)
            if i in stop:
                continue
            for dst, _slot, _port in self.consumers[i]:
                if dst not in seen and (through is None or ops[dst] in through):
                    stack.append(dst)
            if control:
                stack.extend(d for d in self.control_consumers[i] if d not in seen)
        return seen

    def walk_forward(self, start: int, limit: int) -> Iterator[tuple[int, int]]:
        """(node, distance) for data descendants of ``start`` within ``limit`` hops, breadth first."""
        seen = {start}
        frontier = [start]
        for dist in range(1, limit + 1):
            nxt = []
            for i in frontier:
                for dst, _slot, _port in self.consumers[i]:
                    if dst not in seen:
                        seen.add(dst)
                        nxt.append(dst)
                        yield dst, dist
            frontier = nxt

    def longest_depth(self) -> list[int]:
        """Longest data path from any source to each node (back edges ignored)."""
        depth = [0] * len(self)
        back = self._back
        inputs = self.inputs
        for i in self.topological_order():
            best = 0
            for src, _port in inputs[i]:
                if not back[src]:
                    d = depth[src] + 1
                    if d > best:
                        best = d
            depth[i] = best
        return depth

    # -- problems found while reading ---------------------------------------------------------
    def warnings(self) -> list[str]:
        out = []
        if self.duplicates:
            sample = ", ".join(sorted(set(self.duplicates))[:3])
            out.append(f"{len(self.duplicates)} duplicate node names (e.g. {sample}); the first of each is used")
        if self.dangling:
            node, ref = self.dangling[0]
            out.append(f"{len(self.dangling)} inputs name nodes (or ports) that are not in the graph "
                       f"(e.g. {node} <- {ref}); those edges are ignored")
        cyclic = self.cyclic_nodes()
        if cyclic:
            out.append(f"{len(cyclic)} nodes sit on cycles outside TF1 while loops "
                       f"(e.g. {self.describe_cycle()}); the graph cannot run in TensorFlow as is")
        return out

    def to_networkx(self, control: bool = True) -> Any:
        """The graph as a ``networkx.MultiDiGraph`` for one's own scripts: nodes are the node names (attributes
        ``op`` and ``index``), data edges carry ``src_port`` and ``dst_slot``, control edges ``control=True``
        (left out with ``control=False``). While-loop back edges are included, so the result may have cycles.
        Not used on the inspector's hot paths."""
        import networkx as nx

        out = nx.MultiDiGraph()
        names = self.names
        for i, op in enumerate(self.ops):
            out.add_node(names[i], op=op, index=i)
        for i, ins in enumerate(self.inputs):
            for slot, (src, port) in enumerate(ins):
                out.add_edge(names[src], names[i], src_port=port, dst_slot=slot, control=False)
            if control:
                for src in self.control_inputs[i]:
                    out.add_edge(names[src], names[i], control=True)
        return out

    def describe_cycle(self) -> str:
        """One cycle among the cyclic nodes, as ``a -> b -> a`` (found with networkx)."""
        import networkx as nx

        cyclic = set(self.cyclic_nodes())
        sub = nx.DiGraph()
        for i in cyclic:
            for src, _port in self.inputs[i]:
                if src in cyclic and not self.is_back_edge(src):
                    sub.add_edge(src, i)
            for src in self.control_inputs[i]:
                if src in cyclic:
                    sub.add_edge(src, i)
        try:
            edges = nx.find_cycle(sub)
        except nx.NetworkXNoCycle:
            return "a node downstream of a cycle"
        names = [self.names[a] for a, _b in edges] + [self.names[edges[0][0]]]
        if len(names) > 6:
            names = names[:5] + ["...", names[-1]]
        return " -> ".join(names)
