"""How sure the recommended output set is, as a whole: a value in 0..1 and the reasons that lowered it.

It starts from what kind of evidence chose the set (a signature, an inference graph's sinks, a training graph's
loss) and is lowered by every doubt the analysis met on the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfscout.inspector import optypes
from tfscout.inspector.graph import GraphAnalysis, TensorRef
from tfscout.inspector.rank.heads import HeadChoice, weights_in


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
    if "aux beside sinks" in choice.evidence and _set_aside_for_training(a, choice):
        doubts["aux beside sinks"] = (0.9, "a head only the loss reads was set aside beside the sinks: what "
                                           "inference computes explains it (a discriminator of the output, an "
                                           "auxiliary loss of the same trunk, the training path of the same "
                                           "weights)")
    for key, (to, why) in doubts.items():
        if key in choice.evidence:
            conf.lower(to, why)
    if (a.roles.entries and "decoded" not in choice.evidence
            and any(h.kind == "free" and _decoded(a, h.node) for h in chosen)):
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


def _set_aside_for_training(a: GraphAnalysis, choice: HeadChoice) -> bool:
    """Does a recommended sink explain every head set aside beside it as training-only? The set-aside head is
    computed from the sink (a GAN's discriminator reads the generated sample), or is the same network as one
    that is (the discriminator of the real samples); or the loss reads the sink's own layer too (an auxiliary
    loss beside the main one); or it uses no weight the sink does not (a teacher-forced decoder beside the
    decoding loop that reuses its weights)."""
    g = a.graph
    sinks = [h for h in choice.recommended if h.kind == "free"]
    if not choice.set_aside or not sinks:
        return False
    lossed = {h.group for h in choice.heads if h.kind == "crossing"}
    weights = {n: set(weights_in(a, g.ancestors([n]))) for n in [*choice.set_aside, *(s.node for s in sinks)]}
    below = set().union(*(g.descendants([s.group]) for s in sinks))

    def explained(aside: int) -> bool:
        return any(s.group in lossed or aside in below or (weights[aside] and weights[aside] <= weights[s.node])
                   for s in sinks)

    done = [h for h in choice.set_aside if explained(h)]
    same_net = set().union(*(weights[h] for h in done)) if done else set()
    return all(h in done or (weights[h] and weights[h] <= same_net | set().union(*(weights[s.node] for s in sinks)))
               for h in choice.set_aside)


def _self_contained(a: GraphAnalysis, choice: HeadChoice) -> bool:
    """Nothing can be fed (no placeholder, no pipeline) and one head stands alone: the graph is a fixed
    computation, and its sink is what it computes."""
    if a.feedable or a.pipeline_seeds or a.graph.warnings():
        return False
    return len(choice.recommended) == 1 and all(h.recommended or h.tier >= 2 for h in choice.heads)


_WALK = 64


def _decoded(a: GraphAnalysis, head: int) -> bool:
    """Is the head decoded from a map (keypoints taken from heatmaps)? Walks up the data path, without
    passing a node where a parameter enters, to the layer outputs it reads: the head is decoded when an op
    that picks positions (ArgMax, TopK) and one that splits a flat position into row and column lie on the
    way, and a layer output is a map (rank 4 or more) while the head is not. Class ids from logits (a
    detector's too), a decoder's tokens and pooled features are not."""
    g, reach = a.graph, a.value_reach
    seen, frontier, picks, maps, unravels = {head}, [head], False, False, False
    while frontier and len(seen) < _WALK:
        i = frontier.pop()
        if i in a.roles.entries:
            shape = a.shapes.shape(TensorRef(i, 0))
            maps = maps or (len(shape) >= 4 if shape is not None else g.ops[i] in optypes.SPATIAL_LAYER_OPS)
            continue
        picks = picks or g.ops[i] in optypes.INDEX_OPS
        unravels = unravels or g.ops[i] in optypes.UNRAVEL_OPS
        for src, _port in g.inputs[i]:
            if src in reach and src not in seen:
                seen.add(src)
                frontier.append(src)
    out = a.shapes.shape(TensorRef(head, 0))
    return picks and unravels and maps and (out is None or len(out) < 4)


def _basis(a: GraphAnalysis, choice: HeadChoice) -> str:
    kinds = {h.kind for h in choice.recommended}
    if a.roles.is_training_graph:
        return "a training graph: the outputs are what inference computes apart from the loss and its machinery"
    if kinds == {"free"}:
        return "an inference graph: the outputs are its sinks"
    return "the outputs are the heads the dataflow found"
