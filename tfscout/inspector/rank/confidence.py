"""How sure the recommended output set is, as a whole: a value in 0..1 and the reasons that lowered it.

It starts from what kind of evidence chose the set (a signature, an inference graph's sinks, a training graph's
loss) and is lowered by every doubt the analysis met on the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfscout.inspector import optypes
from tfscout.inspector.graph import GraphAnalysis
from tfscout.inspector.rank.crossing import view_input
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
        conf.lower(0.85, "an output is decoded from a layer's output without parameters (keypoints from heatmaps, "
                         "boxes from regressions): the layer's output may be wanted as well")
    if "fallback" in choice.evidence:
        conf.lower(0.5, "no candidate qualified as an output; the best of the rest was taken")
    if not a.data_sources:
        conf.lower(0.6, "no data input was found: the outputs are not computed from anything fed")
    if a.graph.warnings():
        conf.lower(0.7, "the graph is damaged (see the warnings)")
    conf.reasons.insert(0, _basis(a, choice))
    conf.value = round(conf.value, 3)
    return conf


# Elementwise shifts and scalings: what they compute keeps the layout of their data input.
_SHIFT_OPS = frozenset({"Add", "AddV2", "Sub", "BiasAdd", "Mul", "RealDiv", "Div", "Maximum", "Minimum"})


def _decoded(a: GraphAnalysis, i: int) -> bool:
    """Is the head computed after the last layer by more than views, scalings and shifts (keypoints taken from
    heatmaps, boxes decoded from regressions)? Walks up the data path to the first node where a parameter
    enters."""
    g, reach = a.graph, a.value_reach
    for _ in range(12):
        if i in a.roles.entries:
            return False
        src = view_input(a, i)
        if src is None and g.ops[i] in _SHIFT_OPS:
            data = [s for s, _p in g.inputs[i] if s in reach]  # two data inputs (a gate): the deeper one
            src = max(data, key=lambda k: a.depth[k]) if data else None
        if src is None:
            return g.ops[i] not in optypes.PLACEHOLDER_OPS
        i = src
    return False


def _basis(a: GraphAnalysis, choice: HeadChoice) -> str:
    kinds = {h.kind for h in choice.recommended}
    if a.roles.is_training_graph:
        return "a training graph: the outputs are what inference computes apart from the loss and its machinery"
    if kinds == {"free"}:
        return "an inference graph: the outputs are its sinks"
    return "the outputs are the heads the dataflow found"
