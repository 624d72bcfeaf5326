"""Facts about how values flow, each found in one linear pass: where the trained parameters enter the
computation, which values carry the batch dimension of the inputs, which depend on the data (not only on its
shape), and which while loop a loop result comes from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tfscout.inspector import optypes
from tfscout.inspector.graph.graph import Graph, TensorRef
from tfscout.inspector.graph.tensors import ShapeInference, const_ints

_FLOAT_TYPES = (1, 2, 14, 19)  # DT_FLOAT, DT_DOUBLE, DT_BFLOAT16, DT_HALF
_READ_OPS = optypes.WEIGHT_READ_OPS
_DEFAULT_READS = frozenset({"Identity", "Snapshot"})


@dataclass
class Parameters:
    """The trained parameters: their sources (variables, and float constants in a layer's weight slot) and the
    nodes where they enter computation."""

    sources: set[int] = field(default_factory=set)
    entries: set[int] = field(default_factory=set)


def _is_float_const(graph: Graph, i: int) -> bool:
    if graph.ops[i] not in optypes.CONST_OPS:
        return False
    dtype = graph.attr(i, "dtype")
    return dtype is not None and dtype.type in _FLOAT_TYPES


def find_parameters(graph: Graph) -> Parameters:
    """Variables are parameters wherever they are read; a float constant is one in a weight slot
    (``optypes.PARAMETER_SLOTS``: a MatMul's, a convolution's filter, a bias). Constant values are never needed."""
    ops, inputs, consumers = graph.ops, graph.inputs, graph.consumers
    variables = [i for i, op in enumerate(ops) if op in optypes.VARIABLE_OPS]
    reads = graph.descendants(variables, through=_READ_OPS)
    out = Parameters()
    out.sources.update(variables)
    for i in reads:
        for dst, _slot, _port in consumers[i]:
            if dst not in reads:
                out.entries.add(dst)
    for dst, op in enumerate(ops):
        slots = optypes.PARAMETER_SLOTS.get(op)
        if slots is None:
            continue
        for slot in slots:
            if slot >= len(inputs[dst]):
                continue
            src = inputs[dst][slot][0]
            for _ in range(4):  # a constant read through Identity (or a loop's Enter)
                if ops[src] in _READ_OPS and inputs[src] and not _is_float_const(graph, src):
                    src = inputs[src][0][0]
                else:
                    break
            if _is_float_const(graph, src):
                out.sources.add(src)
                out.entries.add(dst)
    return out


def batch_carrying(graph: Graph, shapes: ShapeInference, sources: Iterable[int]) -> bytearray:
    """Per node: 1 when its (first) output carries the batch dimension of the data (computed from a source that has
    one, neither reduced over it nor a fact about a shape), 2 for a statistic of a batch (a reduction over it, a
    scalar computed from one, and what is computed from statistics alone), 0 otherwise. A scalar source carries
    no batch."""
    ops = graph.ops
    out = bytearray(len(graph))
    starts = set()
    for s in sources:
        if shapes.declared(TensorRef(s, 0)) != []:
            out[s] = 1
            starts.add(s)
    order = [i for i in graph.topological_order() if i not in starts]
    merges = [i for i in order if ops[i] in optypes.MERGE_OPS]
    _batch_pass(graph, shapes, order, out, with_back_edges=False)
    if merges:  # values carried round a loop: a second pass sees what comes back along NextIteration
        _batch_pass(graph, shapes, order, out, with_back_edges=True)
    return out


def _batch_pass(graph: Graph, shapes: ShapeInference, order: list[int], out: bytearray, with_back_edges: bool,
                ) -> None:
    ops, inputs = graph.ops, graph.inputs
    back = graph.is_back_edge
    for i in order:
        seen = {out[src] for src, _port in inputs[i] if with_back_edges or not back(src)}
        carried = 1 if 1 in seen else (2 if 2 in seen else 0)
        if carried == 0:
            continue
        op = ops[i]
        if op in optypes.SHAPE_OPS:
            continue
        if op in optypes.TENSOR_ARRAY_OPS or op in optypes.CONTROL_FLOW_OPS:
            out[i] = carried  # a flow token or a loop variable stands for the values it carries
        elif carried == 2 or op == "L2Loss" or shapes.declared(TensorRef(i, 0)) == []:
            out[i] = 2
        elif (op in optypes.STATISTIC_OPS or op in optypes.ARG_REDUCTION_OPS) and _reduces_batch(graph, i):
            out[i] = 2
        else:
            out[i] = 1


def _reduces_batch(graph: Graph, i: int) -> bool:
    """A reduction over the batch axis: its axes are constant and include 0, or computed (``reduce_mean(x)`` of a
    tensor of unknown rank reduces all of them)."""
    if len(graph.inputs[i]) < 2:
        return True
    axes = const_ints(graph, TensorRef(*graph.inputs[i][1]))
    if axes is None:
        return True
    return not axes or 0 in axes


def dynamic_shapes(graph: Graph) -> set[int]:
    """Nodes whose output shape depends on input values (below NonMaxSuppression, Where, Unique ...)."""
    seeds = [i for i, op in enumerate(graph.ops) if op in optypes.DYNAMIC_SHAPE_OPS]
    return graph.descendants(seeds) if seeds else set()


def value_reach(graph: Graph, sources: Iterable[int], dynamic: set[int]) -> set[int]:
    """Nodes whose values depend on the sources' values: facts about shapes (Shape, Size, Rank) are not followed,
    unless the shape itself depends on values (the number of boxes NMS kept)."""
    ops, consumers = graph.ops, graph.consumers
    seen: set[int] = set()
    stack = list(sources)
    while stack:
        i = stack.pop()
        if i in seen:
            continue
        seen.add(i)
        for dst, _slot, _port in consumers[i]:
            if dst in seen:
                continue
            if ops[dst] in optypes.SHAPE_OPS and i not in dynamic:
                continue
            stack.append(dst)
    return seen


@dataclass
class Loops:
    """TF1 while loops: the frame of each loop result (Exit), and the initial value of its loop variable."""

    frame_of_exit: dict[int, str] = field(default_factory=dict)
    exits_of_frame: dict[str, list[int]] = field(default_factory=dict)
    initial_value: dict[int, int] = field(default_factory=dict)  # Exit -> the node that feeds its Enter


def find_loops(graph: Graph) -> Loops:
    ops, inputs = graph.ops, graph.inputs
    out = Loops()
    for e, op in enumerate(ops):
        if op not in optypes.EXIT_OPS or not inputs[e]:
            continue
        enter = _enter_of(graph, inputs[e][0][0])
        if enter is None:
            continue
        frame = graph.attr(enter, "frame_name")
        name = frame.s.decode("utf-8", "replace") if frame is not None else ""
        out.frame_of_exit[e] = name
        out.exits_of_frame.setdefault(name, []).append(e)
        if inputs[enter]:
            src = inputs[enter][0][0]
            for _ in range(4):
                if ops[src] in _DEFAULT_READS and inputs[src]:
                    src = inputs[src][0][0]
                else:
                    break
            out.initial_value[e] = src
    return out


def _enter_of(graph: Graph, switch: int) -> int | None:
    """Exit <- Switch <- Merge <- (Enter, NextIteration): the Enter of a loop variable."""
    ops, inputs = graph.ops, graph.inputs
    if ops[switch] not in optypes.SWITCH_OPS or not inputs[switch]:
        return None
    merge = inputs[switch][0][0]
    if ops[merge] not in optypes.MERGE_OPS:
        return None
    for src, _port in inputs[merge]:
        if ops[src] in optypes.ENTER_OPS:
            return src
    return None
