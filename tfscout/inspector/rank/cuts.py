"""Input pipelines: where data arrives through queues, tf.data iterators or decoders instead of a
placeholder, find the tensor to feed instead (the cut point)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tfscout.inspector import optypes
from tfscout.inspector.graph import GraphAnalysis, TensorRef, is_auto_name

_NOT_DATA = frozenset({"resource", "variant"})


@dataclass
class CutPoint:
    ref: TensorRef
    replaces: list[int] = field(default_factory=list)  # raw sources (placeholders, queues) cut away
    chain: list[str] = field(default_factory=list)  # pipeline op types, in order


def _named_identity(a: GraphAnalysis, ref: TensorRef, keep: set[int]) -> TensorRef:
    """Follow a cut tensor into the Identity an author named (``x = tf.identity(parsed, 'x')``)."""
    g = a.graph
    for _ in range(4):
        users = [d for d in g.tensor_consumers(ref) if d in keep]
        if len(users) != 1:
            break
        dst = users[0]
        if g.ops[dst] != "Identity" or is_auto_name(g.names[dst], "Identity"):
            break
        ref = TensorRef(dst, 0)
    return ref


def find_cut_points(a: GraphAnalysis, needed: set[int]) -> tuple[list[CutPoint], set[int]]:
    """Cut points for the pipelines among ``needed`` (ancestors of the outputs), and the nodes cut away."""
    g = a.graph
    seeds = [i for i in a.pipeline_seeds if i in needed]
    if not seeds:
        return [], set()
    region = g.ancestors(seeds) & needed
    region.update(seeds)
    fed_by_seed = g.descendants(seeds)
    cuts: dict[TensorRef, CutPoint] = {}
    for src in sorted(region):
        if src not in fed_by_seed:
            continue
        for dst, _slot, port in g.consumers[src]:
            if dst not in needed or dst in region:
                continue
            ref = TensorRef(src, port)
            if g.dtype(ref) in _NOT_DATA:
                continue
            ref = _named_identity(a, ref, needed)
            if ref in cuts:
                continue
            above = g.ancestors([src]) & region
            raw = sorted(i for i in above if g.ops[i] in optypes.PLACEHOLDER_OPS or not g.inputs[i]
                         and g.ops[i] not in optypes.CONST_OPS)
            chain_ops = [g.ops[i] for i in sorted(above, key=lambda k: a.depth[k])
                         if g.ops[i] in optypes.PIPELINE_OPS]
            cuts[ref] = CutPoint(ref, raw, chain_ops)
    cut_away = set(region)
    return list(cuts.values()), cut_away
