"""The output candidates: the heads the dataflow found (rank/heads.py), each with a score and its reasons, the
recommended set first. Names and op types only order candidates the dataflow left level.
"""

from __future__ import annotations

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
from tfscout.inspector.rank.confidence import Confidence, set_confidence
from tfscout.inspector.rank.heads import Head, HeadChoice, choose

_KIND_TEXT = {
    "free": "computed from the inputs, and nothing reads it at inference",
    "logged": "computed from the inputs; only the training machinery reads it",
    "crossing": "computed from the inputs; the loss or a metric reads it",
    "byproduct": "computed from the inputs, and nothing reads it",
}
_TIER_SCORE = {0: 0.9, 1: 0.55, 2: 0.3}


@dataclass
class OutputScore:
    ref: TensorRef
    score: float
    reasons: list[str] = field(default_factory=list)
    recommended: bool = False
    kind: str = "head"
    group: int = -1  # the node its views are computed from


@dataclass
class OutputRanking:
    candidates: list[OutputScore] = field(default_factory=list)
    confidence: Confidence = field(default_factory=Confidence)

    @property
    def recommended(self) -> list[OutputScore]:
        return [c for c in self.candidates if c.recommended]


def tie_break(a: GraphAnalysis, i: int) -> tuple[float, list[str]]:
    """A small score (at most 0.09) from what the node looks like; it only orders candidates."""
    g = a.graph
    name, op = g.names[i], g.ops[i]
    bonus = 0.0
    reasons = []
    auto = is_auto_name(name, op)
    if has_token(name, LOSS_WORDS):
        bonus -= 0.04
        reasons.append("named like a loss or a metric")
    elif not auto and has_token(name, OUTPUT_WORDS):
        bonus += 0.04
        reasons.append(f"named like an output ({name.rsplit('/', 1)[-1]})")
    elif not auto:
        bonus += 0.01
    if op in optypes.HEAD_OPS:
        bonus += 0.02
        reasons.append(f"{op} is a typical last layer")
    dtype = g.dtype(TensorRef(i, 0))
    if dtype in FLOAT_DTYPES:
        bonus += 0.02
    elif dtype is not None and dtype not in ("int32", "int64"):
        bonus -= 0.02
        reasons.append(f"dtype {dtype} is unusual for a model output")
    return bonus, reasons


def _scored(a: GraphAnalysis, h: Head, max_depth: int) -> OutputScore:
    bonus, looks = tie_break(a, h.node)
    depth = a.depth[h.node] / max_depth if max_depth else 0.0
    base = 0.6 if h.recommended and h.tier > 0 else _TIER_SCORE[0 if h.recommended else min(h.tier or 1, 2)]
    score = round(min(max(base + bonus + 0.01 * depth, 0.01), 0.99), 3)
    kind_text = _KIND_TEXT[h.kind]
    if not a.data_sources:
        kind_text = kind_text.replace("computed from the inputs", "computed from the graph's own values")
    reasons = [kind_text, *h.reasons, *looks]
    kind = "loss" if h.node in a.roles.losses else "head"
    return OutputScore(TensorRef(h.node, 0), score, reasons, h.recommended, kind, h.group)


def rank_outputs(a: GraphAnalysis) -> OutputRanking:
    choice: HeadChoice = choose(a)
    max_depth = max((a.depth[h.node] for h in choice.heads), default=0)
    scored = [_scored(a, h, max_depth) for h in choice.heads]
    scored.sort(key=lambda s: (not s.recommended, -s.score, a.graph.names[s.ref.node]))
    return OutputRanking(scored, set_confidence(a, choice))
