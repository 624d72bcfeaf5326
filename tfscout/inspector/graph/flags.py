"""Mode flags by structure: placeholders without a batch dimension that set how the model computes, not what
it computes on.

- a bool that decides a ``Switch`` (tf.cond), an ``If`` or a ``Select`` predicate through logic ops (is_training,
  the Keras learning phase);
- a float scalar that scales or thresholds a random mask as tf.nn.dropout does (a keep probability or a rate);
- a float scalar that enters the model's arithmetic with the data (an epsilon, a temperature): fixed at
  inference, to its default when it has one.

What the inference value is (true or false, 1.0 or 0.0) is for ``rank.modes`` to say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tfscout.inspector import optypes
from tfscout.inspector.graph.graph import Graph, TensorRef
from tfscout.inspector.graph.tensors import ShapeInference, scalar_value

_HOPS = 6
_SCALAR_MATH_OPS = frozenset({"Identity", "Cast", "Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "Maximum",
                              "Minimum", "Sqrt", "Rsqrt", "Reciprocal", "Neg", "Exp", "Log", "Pow", "Square",
                              "Enter", "Reshape", "Squeeze", "ExpandDims", "Snapshot"})
_FLOAT = ("float32", "float64", "float16", "bfloat16")


@dataclass
class Flag:
    """A placeholder that is a mode flag: ``kind`` is predicate | keep | rate | scalar."""

    kind: str
    reasons: list[str] = field(default_factory=list)
    default: Any = None  # the constant default of a PlaceholderWithDefault, when it is a scalar


def constant_default(graph: Graph, p: int) -> tuple[bool, Any]:
    """(whether a PlaceholderWithDefault's default is a constant, its value when it is a small scalar)."""
    if graph.ops[p] != "PlaceholderWithDefault" or not graph.inputs[p]:
        return False, None
    src = graph.inputs[p][0][0]
    for _ in range(4):
        if graph.ops[src] in optypes.VALUE_IDENTITY_OPS and graph.inputs[src]:
            src = graph.inputs[src][0][0]
        else:
            break
    if graph.ops[src] not in optypes.CONST_OPS:
        return False, None
    return True, scalar_value(graph, src)


def _reaches_predicate(graph: Graph, p: int) -> str | None:
    """Does a bool decide a Switch (tf.cond), an If or a Select within a few logic hops?"""
    frontier = [p]
    seen = {p}
    for _ in range(_HOPS):
        nxt = []
        for i in frontier:
            for dst, slot, _port in graph.consumers[i]:
                op = graph.ops[dst]
                if op in optypes.SWITCH_OPS and slot == 1:
                    return "decides a tf.cond (Switch predicate)"
                if op in optypes.IF_OPS and slot == 0:
                    return "decides a tf.cond (If predicate)"
                if op in optypes.SELECT_OPS and slot == 0:
                    return "chooses between two branches (Select condition)"
                if op in optypes.FLAG_LOGIC_OPS and dst not in seen:
                    seen.add(dst)
                    nxt.append(dst)
        frontier = nxt
    return None


def near_random(graph: Graph) -> set[int]:
    """Random ops and the nodes within three hops below them (where dropout masks are made)."""
    out: set[int] = set()
    for i, op in enumerate(graph.ops):
        if op in optypes.RANDOM_OPS:
            out.add(i)
            out.update(n for n, _d in graph.walk_forward(i, 3))
    return out


def _dropout_form(graph: Graph, p: int, random: set[int]) -> tuple[str, str] | None:
    """('keep' | 'rate', why) when a scalar meets a random draw as tf.nn.dropout builds its mask."""
    frontier = [(p, False)]  # flip: the value went through 1 - x (TF >= 1.13 turns keep_prob into a rate)
    seen = {p}
    for _ in range(_HOPS):
        nxt = []
        for i, flip in frontier:
            for dst, slot, _port in graph.consumers[i]:
                op = graph.ops[dst]
                others = [src for k, (src, _pt) in enumerate(graph.inputs[dst]) if k != slot]
                meets_random = any(o in random for o in others)
                if op == "Sub" and slot == 1 and others and scalar_value(graph, others[0]) == 1:
                    if dst not in seen:
                        seen.add(dst)
                        nxt.append((dst, not flip))
                    continue
                if meets_random and op in optypes.ADD_OPS:
                    return ("rate" if flip else "keep",
                            "added to a random draw then floored: the keep probability of tf.nn.dropout")
                if meets_random and op in optypes.COMPARISON_OPS:
                    return ("keep" if flip else "rate", "compared with a random draw: the rate of tf.nn.dropout"
                            + (" (given as 1 - keep_prob)" if flip else ""))
                if op in optypes.DROPOUT_RATE_OPS and dst not in seen:
                    seen.add(dst)
                    nxt.append((dst, flip))
        frontier = nxt
    return None


def _meets_data(graph: Graph, p: int, batch: bytearray) -> str | None:
    """Does a scalar enter arithmetic with a batch of data values within a few hops (x / T, var + eps)?"""
    frontier = [p]
    seen = {p}
    for _ in range(_HOPS):
        nxt = []
        for i in frontier:
            for dst, slot, _port in graph.consumers[i]:
                if dst in seen or graph.ops[dst] not in _SCALAR_MATH_OPS:
                    continue
                if any(batch[src] == 1 for k, (src, _pt) in enumerate(graph.inputs[dst]) if k != slot):
                    return f"enters the model's arithmetic with the data ({graph.ops[dst]} {graph.names[dst]})"
                seen.add(dst)
                nxt.append(dst)
        frontier = nxt
    return None


def find_flags(graph: Graph, shapes: ShapeInference, batch: bytearray, candidates: list[int]) -> dict[int, Flag]:
    """The mode flags among the ``candidates`` (placeholders that are neither labels nor machinery)."""
    out: dict[int, Flag] = {}
    random: set[int] | None = None
    for p in candidates:
        ref = TensorRef(p, 0)
        declared = shapes.declared(ref)
        if declared:  # it has dimensions: data, not a setting
            continue
        has_const, default = constant_default(graph, p)
        if graph.ops[p] == "PlaceholderWithDefault" and not has_const:
            continue  # its default is computed: a way into the graph, not a flag
        dtype = graph.dtype(ref)
        if dtype == "bool":
            why = _reaches_predicate(graph, p)
            if why is not None:
                out[p] = Flag("predicate", [why], default)
            continue
        if dtype not in _FLOAT:
            continue
        if random is None:
            random = near_random(graph)
        form = _dropout_form(graph, p, random) if random else None
        if form is not None:
            out[p] = Flag(form[0], [form[1]], default)
            continue
        if declared == [] and (why := _meets_data(graph, p, batch)) is not None:
            out[p] = Flag("scalar", [why], default)
    return out
