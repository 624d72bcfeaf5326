"""How sure the recommended output set is, as a whole: a value in 0..1 and the reasons that lowered it.

It starts from what kind of evidence chose the set (a signature, an inference graph's sinks, a training graph's
loss) and is lowered by every doubt the analysis met on the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfscout.inspector import optypes
from tfscout.inspector.graph import GraphAnalysis, TensorRef
from tfscout.inspector.rank.heads import HeadChoice


@dataclass
class Confidence:
    value: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def lower(self, to: float, why: str) -> None:
        """Cap the value at ``to`` for ``why``."""
        if to < self.value:
            self.value = to
        self.reasons.append(why)


def set_confidence(a: GraphAnalysis, choice: HeadChoice) -> Confidence:
    conf = Confidence(0.95)
    chosen = choice.recommended
    if not chosen:
        return Confidence(0.0, ["no output candidate was found"])
    doubts = {
        "aux beside sinks": (0.8, "a head only the loss reads was set aside as auxiliary because the graph has other "
                                  "sinks: it may be the prediction"),
        "aux branch": (0.9, "a head only the loss reads was set aside as an auxiliary side branch"),
        "side branch": (0.9, "a sink was set aside as an auxiliary side branch"),
        "aux by weight": (0.93, "a head was set aside as auxiliary: its loss is down-weighted"),
    }
    for key, (to, why) in doubts.items():
        if key in choice.evidence:
            conf.lower(to, why)
    if a.roles.entries and any(h.kind == "free" and _decoded(a, h.node) for h in chosen):
        conf.lower(0.85, "an output is decoded from a map without parameters (keypoints from heatmaps): the map "
                         "may be wanted as well")
    if "fallback" in choice.evidence:
        conf.lower(0.5, "no candidate qualified as an output; the best of the rest was taken")
    if not a.data_sources:
        if _self_contained(a, choice):
            conf.lower(0.9, "the graph takes no input: its one sink is computed from its own values")
        else:
            conf.lower(0.6, "no data input was found: the outputs are not computed from anything fed")
    if a.graph.warnings():
        conf.lower(0.7, "the graph is damaged (see the warnings)")
    conf.reasons.insert(0, _basis(a, choice))
    conf.value = round(conf.value, 3)
    return conf


def _self_contained(a: GraphAnalysis, choice: HeadChoice) -> bool:
    """Nothing can be fed (no placeholder, no pipeline) and one head stands alone: the graph is a fixed
    computation, and its sink is what it computes."""
    if a.feedable or a.pipeline_seeds or a.graph.warnings():
        return False
    return len(choice.recommended) == 1 and all(h.recommended or h.tier >= 2 for h in choice.heads)


# Ops that pick positions: coordinates taken from a map pass through one.
_INDEX_OPS = frozenset({"ArgMax", "ArgMin", "TopKV2", "TopK"})
_WALK = 64


def _decoded(a: GraphAnalysis, head: int) -> bool:
    """Is the head decoded from a map (keypoints taken from heatmaps)? Walks up the data path, without
    passing a node where a parameter enters, to the layer outputs it reads: the head is decoded when an op
    that picks positions (ArgMax, TopK) lies on the way and a layer output is a map (rank 4 or more) while
    the head is not. Class ids from logits, a decoder's tokens and pooled features are not."""
    g, reach = a.graph, a.value_reach
    seen, frontier, picks, maps = {head}, [head], False, False
    while frontier and len(seen) < _WALK:
        i = frontier.pop()
        if i in a.roles.entries:
            shape = a.shapes.shape(TensorRef(i, 0))
            maps = maps or (len(shape) >= 4 if shape is not None else g.ops[i] in optypes.SPATIAL_LAYER_OPS)
            continue
        picks = picks or g.ops[i] in _INDEX_OPS
        for src, _port in g.inputs[i]:
            if src in reach and src not in seen:
                seen.add(src)
                frontier.append(src)
    out = a.shapes.shape(TensorRef(head, 0))
    return picks and maps and (out is None or len(out) < 4)


def _basis(a: GraphAnalysis, choice: HeadChoice) -> str:
    kinds = {h.kind for h in choice.recommended}
    if a.roles.is_training_graph:
        return "a training graph: the outputs are what inference computes apart from the loss and its machinery"
    if kinds == {"free"}:
        return "an inference graph: the outputs are its sinks"
    return "the outputs are the heads the dataflow found"
