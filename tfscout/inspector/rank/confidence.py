"""How sure the recommended output set is, as a whole: a value in 0..1 and the reasons that lowered it.

It starts from what kind of evidence chose the set (a signature, an inference graph's sinks, a training graph's
loss) and is lowered by every doubt the analysis met on the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfscout.inspector.graph import GraphAnalysis
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
    if "fallback" in choice.evidence:
        conf.lower(0.5, "no candidate qualified as an output; the best of the rest was taken")
    if not a.data_sources:
        conf.lower(0.6, "no data input was found: the outputs are not computed from anything fed")
    if a.graph.warnings():
        conf.lower(0.7, "the graph is damaged (see the warnings)")
    conf.reasons.insert(0, _basis(a, choice))
    conf.value = round(conf.value, 3)
    return conf


def _basis(a: GraphAnalysis, choice: HeadChoice) -> str:
    kinds = {h.kind for h in choice.recommended}
    if a.roles.is_training_graph:
        return "a training graph: the outputs are what inference computes apart from the loss and its machinery"
    if kinds == {"free"}:
        return "an inference graph: the outputs are its sinks"
    return "the outputs are the heads the dataflow found"
