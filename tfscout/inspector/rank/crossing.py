"""How the heads the loss reads are weighed: which crossing head is the prediction, which an intermediate stage,
an auxiliary head or a tensor whose activation stands for it (dataflow only; names play no part)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tfscout.inspector import optypes
from tfscout.inspector.graph import GraphAnalysis, scalar_value

if TYPE_CHECKING:
    from tfscout.inspector.rank.heads import Head, HeadChoice

_DECODE_HOPS = 12


def view_input(a: GraphAnalysis, i: int) -> int | None:
    """The tensor node ``i`` is a view of: the input of an activation, a reshape, a cast, or a scaling by a
    setting (``logits / temperature``); None for anything else."""
    g = a.graph
    op, ins = g.ops[i], g.inputs[i]
    if not ins:
        return None
    if op in optypes.VIEW_OPS:
        return ins[0][0]
    if op in optypes.SCALING_OPS and len(ins) == 2:
        batch = a.roles.batch
        data = [src for src, _p in ins if batch[src] == 1]
        if len(data) == 1 and all(batch[src] != 1 for src, _p in ins if src != data[0]):
            return data[0]
    return None


def is_raw(a: GraphAnalysis, i: int) -> bool:
    """Is the head a layer's own output (or a view of it), not decoded after the last layer (boxes = anchors +
    deltas)? Walks up the data path to the first node where a parameter enters."""
    g, entries, reach = a.graph, a.roles.entries, a.value_reach
    for _ in range(_DECODE_HOPS):
        if i in entries:
            return True
        if g.ops[i] not in optypes.VIEW_OPS:
            return False
        ins = [src for src, _p in g.inputs[i] if src in reach]
        if len(ins) != 1:
            return False
        i = ins[0]
    return False


def _masks_below(a: GraphAnalysis, crossing: dict[int, int]) -> tuple[list[int], list[int]]:
    """(below, above): for each node, the crossing heads found downstream (through the inference region) and the
    crossing heads it is computed from; bit k stands for the k-th crossing head."""
    g, roles = a.graph, a.roles
    n = len(g)
    above = [0] * n
    below = [0] * n
    order = g.topological_order()
    for i in order:
        if not roles.inference(i):
            continue
        m = crossing.get(i, 0)
        for src, _p in g.inputs[i]:
            if roles.inference(src) and not g.is_back_edge(src):
                m |= above[src]
        above[i] = m
    for i in reversed(order):
        if not roles.inference(i):
            continue
        m = 0
        for dst, _s, _p in g.consumers[i]:
            if roles.inference(dst) and not g.is_back_edge(i):
                m |= below[dst] | crossing.get(dst, 0)
        below[i] = m
    return below, above


def _decodes_raw(a: GraphAnalysis, h: int, feeds_free: bytearray) -> bool:
    """Does inference read the crossing head itself (through reshapes, not through an activation, and not just to
    take its ArgMax or TopK) on the way to a sink: keypoints decoded from heatmaps, not probabilities or class
    ids taken from logits?"""
    g, roles = a.graph, a.roles
    stack, seen = [h], {h}
    while stack:
        i = stack.pop()
        for dst, _s, _p in g.consumers[i]:
            if dst in seen or not roles.inference(dst):
                continue
            seen.add(dst)
            op = g.ops[dst]
            if op in optypes.PASS_THROUGH_OPS:
                stack.append(dst)
            elif op in optypes.ACTIVATION_VIEW_OPS or not feeds_free[dst]:
                continue
            elif op in optypes.HEAD_OPS and _only_views_below(a, dst):
                continue
            else:
                return True
    return False


def _only_views_below(a: GraphAnalysis, i: int) -> bool:
    """Is everything inference computes from ``i`` a view of it (class ids taken as they are)?"""
    g, roles = a.graph, a.roles
    stack, seen = [i], {i}
    while stack:
        node = stack.pop()
        for dst, _s, _p in g.consumers[node]:
            if dst in seen or not roles.inference(dst):
                continue
            seen.add(dst)
            if view_input(a, dst) is None:
                return False
            stack.append(dst)
    return True


def _feeds_free(a: GraphAnalysis, free: set[int]) -> bytearray:
    g, roles = a.graph, a.roles
    out = bytearray(len(g))
    for i in reversed(g.topological_order()):
        if roles.inference(i) and (i in free or any(out[d] for d, _s, _p in g.consumers[i])):
            out[i] = 1
    return out


def choose_crossing(a: GraphAnalysis, choice: HeadChoice, crossing: list[Head], groups_with_sink: set[int],
                     free: set[int]) -> None:
    index = {h.node: 1 << k for k, h in enumerate(crossing)}
    group_bits: dict[int, int] = {}
    for h in crossing:
        group_bits[h.group] = group_bits.get(h.group, 0) | index[h.node]
    below, above = _masks_below(a, index)
    feeds_free = _feeds_free(a, free)
    for h in crossing:
        mine = group_bits[h.group]
        if below[h.node] & ~mine:
            h.reasons.append("the loss reads it, and another head the loss reads is computed from it "
                             "(an intermediate stage)")
            h.tier = 2
            continue
        if h.group in groups_with_sink:
            h.reasons.append("the loss reads it; a view of it is the output")
            h.tier = 1
            continue
        sinks = [s for s in free if above[s] & index[h.node]]
        if not sinks:
            if free and is_raw(a, h.node):
                h.reasons.append("only the loss reads it while the model has other outputs: an auxiliary head")
                h.tier = 1
                choice.evidence.append("aux beside sinks")
                choice.set_aside.append(h.node)
            else:
                h.recommended = True
                h.reasons.append("the loss reads it: the model's prediction in a training graph")
                choice.evidence.append("crossing")
            continue
        if all(above[s] & ~group_bits[h.group] for s in sinks):
            h.reasons.append("the outputs computed from it combine it with another head")
            h.tier = 1
            continue
        if _decodes_raw(a, h.node, feeds_free):
            h.recommended = True
            h.reasons.append("the loss reads it and the outputs are computed from it")
            choice.evidence.append("decoded")
        else:
            h.reasons.append("the outputs computed from its activation stand for it")
            h.tier = 1


def loss_weight(a: GraphAnalysis, h: int) -> float:
    """The largest weight the total loss gives a head: the product of the constant scalars its path there is
    multiplied by (an auxiliary loss is added at 0.4); 0 when it reaches no loss."""
    g, roles = a.graph, a.roles
    best: dict[int, float] = {}
    stack = [(h, 1.0)]
    found = 0.0
    while stack:
        i, w = stack.pop()
        if i in roles.losses and not any(d in roles.loss_region for d, _s, _p in g.consumers[i]):
            found = max(found, w)  # the total loss (the terms it adds up are losses too)
            continue
        for dst, slot, _p in g.consumers[i]:
            if dst not in roles.loss_region:
                continue
            factor = 1.0
            if g.ops[dst] in optypes.SCALING_OPS and g.ops[dst] != "RealDiv":
                other = [src for k, (src, _pt) in enumerate(g.inputs[dst]) if k != slot]
                value = scalar_value(g, other[0]) if len(other) == 1 else None
                if isinstance(value, float) and 0 < value:
                    factor = value
            weight = w * factor
            if best.get(dst, -1.0) < weight:
                best[dst] = weight
                stack.append((dst, weight))
    return found


def down_weighted(a: GraphAnalysis, choice: HeadChoice, chosen: list[Head], rivals: list[Head]) -> None:
    """Of heads whose losses are summed, one whose term is down-weighted is auxiliary (0.4 x the aux loss).
    ``rivals`` are the other heads the loss reads that stand for an output (the logits of the probabilities)."""
    every = {h.node: h for h in [*chosen, *rivals]}
    if len(every) < 2 or not a.roles.losses:
        return
    weights = {n: max(loss_weight(a, n), loss_weight(a, h.group)) for n, h in every.items()}
    top = max(weights.values())
    if top <= 0:
        return
    for h in chosen:
        if 0 < weights[h.node] < top:
            h.recommended = False
            h.tier = 1
            h.reasons.append(f"its loss is added at {weights[h.node] / top:g} of another's: an auxiliary head")
            choice.evidence.append("aux by weight")
