"""Rank candidate outputs: the sinks of the inference region, scored by what they look like."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tfscout.inspector import optypes
from tfscout.inspector.graph import (
    LOSS_WORDS,
    OUTPUT_WORDS,
    GraphAnalysis,
    TensorRef,
    has_token,
    is_auto_name,
)
from tfscout.inspector.load import FLOAT_DTYPES

_HEAD_WALK_OPS = optypes.HEAD_OPS | optypes.PASS_THROUGH_OPS


@dataclass
class OutputScore:
    ref: TensorRef
    raw: float
    reasons: list[str] = field(default_factory=list)
    head: TensorRef | None = None  # what it is a view of (Softmax and ArgMax of one logits share it)

    @property
    def score(self) -> float:
        return round(1.0 / (1.0 + math.exp(-(self.raw - 2.0))), 3)


def inference_sinks(a: GraphAnalysis) -> list[int]:
    """Nodes of the inference region whose values no other inference node reads."""
    g = a.graph
    roles = a.roles
    out = []
    for i in range(len(g)):
        if not roles.inference(i) or g.ops[i] in optypes.NOT_OUTPUT_OPS:
            continue
        if any(roles.inference(dst) for dst, _s, _p in g.consumers[i]):
            continue
        if g.control_consumers[i] and not g.consumers[i]:
            continue  # an anchor for control dependencies (tf.cond's switch_t/switch_f, group_deps)
        if g.num_outputs(i) == 0:
            continue
        out.append(i)
    return out


def _head_of(a: GraphAnalysis, ref: TensorRef) -> TensorRef:
    """The tensor an output is a view of: walk up through last-layer and pass-through ops."""
    g = a.graph
    for _ in range(6):
        i = ref.node
        if g.ops[i] in _HEAD_WALK_OPS and g.inputs[i]:
            slot = ref.port if g.ops[i] == "IdentityN" and ref.port < len(g.inputs[i]) else 0
            ref = TensorRef(*g.inputs[i][slot])
        else:
            break
    return ref


def score_output(a: GraphAnalysis, ref: TensorRef, max_depth: int, view_of: int | None = None) -> OutputScore:
    g = a.graph
    i = ref.node
    name, op = g.names[i], g.ops[i]
    dtype = g.dtype(ref)
    shape = a.shapes.shape(ref)
    raw = 0.0
    reasons: list[str] = []
    auto = is_auto_name(name, op)
    if not a.data_sources or i in a.value_reach:
        raw += 2.0
        if view_of is None:
            reasons.append("computed from the model's inputs and read by nothing else at inference")
        else:
            reasons.append(f"what {g.names[view_of]} is computed from; {g.names[view_of]} only feeds metrics")
    else:
        raw -= 2.0
        reasons.append("does not depend on any input (a constant or variable read)")
    if op in optypes.HEAD_OPS:
        raw += 1.0
        reasons.append(f"{op} is a typical last layer")
    if has_token(name, LOSS_WORDS):
        raw -= 2.5
        reasons.append("named like a loss or a metric")
    elif not auto and has_token(name, OUTPUT_WORDS):
        raw += 1.5
        reasons.append(f"named like an output ({name.rsplit('/', 1)[-1]})")
    elif not auto:
        raw += 0.5
        reasons.append("named by the author")
    if op in optypes.IDENTITY_OPS and not auto:
        raw += 0.5
        reasons.append("an Identity the author named, the usual way to mark an output")
    if i in a.in_loop or op in optypes.EXIT_OPS:
        raw -= 1.0
        reasons.append("inside or at the exit of a while loop (often an unused final state)")
    if dtype in FLOAT_DTYPES:
        raw += 0.5
    elif dtype in ("int32", "int64") and op in optypes.HEAD_OPS:
        pass
    elif dtype is not None:
        raw -= 1.0
        reasons.append(f"dtype {dtype} is unusual for a model output")
    if max_depth > 0:
        ratio = a.depth[i] / max_depth
        raw += ratio
        if ratio >= 0.8:
            reasons.append("at the end of the deepest path")
    if shape is not None and len(shape) == 0 and op in optypes.REDUCTION_OPS:
        raw -= 1.0
        reasons.append("a scalar reduction (looks like a summary statistic)")
    if a.roles.loss_region and any(dst in a.roles.loss_region for dst, _s, _p in g.consumers[i]):
        raw += 0.5
        reasons.append("feeds the loss or the metrics: the model's prediction in a training graph")
    return OutputScore(ref, raw, reasons, _head_of(a, ref))


def _views_above(a: GraphAnalysis, i: int) -> list[int]:
    """For a sink that only feeds the loss or metrics (argmax compared with labels), the tensors it
    is a view of (the softmax, the logits): the model's output is among them."""
    g = a.graph
    roles = a.roles
    if not roles.loss_region or not g.consumers[i]:
        return []
    if not all(dst in roles.loss_region or dst in roles.machinery for dst, _s, _p in g.consumers[i]):
        return []
    out = []
    for _ in range(4):
        if g.ops[i] not in _HEAD_WALK_OPS or not g.inputs[i]:
            break
        i = g.inputs[i][0][0]
        if not roles.inference(i) or g.ops[i] in optypes.NOT_OUTPUT_OPS:
            break
        out.append(i)
    return out


def rank_outputs(a: GraphAnalysis) -> list[OutputScore]:
    sinks = inference_sinks(a)
    if a.data_sources:
        reached = [i for i in sinks if i in a.value_reach]
        sinks = reached or sinks
    views: dict[int, int] = {}
    for i in sinks:
        for v in _views_above(a, i):
            views.setdefault(v, i)
    nodes = list(dict.fromkeys(sinks + list(views)))
    max_depth = max((a.depth[i] for i in nodes), default=0)
    scored = [score_output(a, TensorRef(i, 0), max_depth, None if i in sinks else views[i]) for i in nodes]
    scored.sort(key=lambda s: (-s.raw, a.graph.names[s.ref.node]))
    return scored


def choose_heads(scored: list[OutputScore]) -> list[OutputScore]:
    """The recommended output set: one output per head, every head close to the best one."""
    if not scored:
        return []
    best = scored[0].raw
    chosen: list[OutputScore] = []
    heads: set[TensorRef | None] = set()
    for s in scored:
        if s.raw < best - 1.0 or s.raw < 1.5:
            break
        if s.head in heads:
            continue
        heads.add(s.head)
        chosen.append(s)
    return chosen or scored[:1]
