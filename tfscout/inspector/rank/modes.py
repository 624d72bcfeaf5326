"""Mode switches: placeholders that select training or inference behaviour, and their inference value.

Found by structure first (a bool reaching a ``Switch`` predicate or a ``Select`` condition; a float
scalar mixed with ``RandomUniform`` as dropout does), by name second.
"""

from __future__ import annotations

from typing import Any

from tfscout.inspector import optypes
from tfscout.inspector.graph import GraphAnalysis, TensorRef, scalar_value, tokens
from tfscout.inspector.report import ModeSwitch

TRAINING_FLAG_WORDS = frozenset({"training", "train", "istraining", "phase", "learning", "mode"})
EVAL_FLAG_WORDS = frozenset({"test", "testing", "eval", "evaluation", "inference", "infer", "predict",
                             "deterministic", "frozen"})
KEEP_WORDS = frozenset({"keep", "kp", "keepprob"})
RATE_WORDS = frozenset({"rate", "drop", "droprate"})
_HOPS = 6


def _default_value(a: GraphAnalysis, i: int) -> Any:
    """The constant feeding a PlaceholderWithDefault, if it is a scalar."""
    g = a.graph
    if g.ops[i] != "PlaceholderWithDefault" or not g.inputs[i]:
        return None
    return scalar_value(g, g.inputs[i][0][0])


def _reaches_predicate(a: GraphAnalysis, p: int) -> str | None:
    """Does a bool placeholder decide a Switch (tf.cond) or a Select within a few logic hops?"""
    g = a.graph
    frontier = [p]
    seen = {p}
    for _ in range(_HOPS):
        nxt = []
        for i in frontier:
            for dst, slot, _port in g.consumers[i]:
                op = g.ops[dst]
                if op in optypes.SWITCH_OPS and slot == 1:
                    return "decides a tf.cond (Switch predicate)"
                if op in optypes.IF_OPS and slot == 0:
                    return "decides a tf.cond (If predicate)"
                if op in optypes.SELECT_OPS and slot == 0:
                    return "chooses between two branches (Select condition)"
                if op in optypes.BATCH_NORM_OPS:
                    return "feeds batch normalisation"
                if op in optypes.FLAG_LOGIC_OPS and dst not in seen:
                    seen.add(dst)
                    nxt.append(dst)
        frontier = nxt
    return None


def _dropout_form(a: GraphAnalysis, p: int) -> tuple[str, list[str]] | None:
    """'keep' or 'rate' when a scalar placeholder meets RandomUniform as tf.nn.dropout builds it."""
    g = a.graph
    near_random = a.near_random
    if not near_random:
        return None
    # flip: the value went through 1 - x (TF >= 1.13 turns keep_prob into a rate that way)
    frontier = [(p, False)]
    seen = {p}
    for _ in range(_HOPS):
        nxt = []
        for i, flip in frontier:
            for dst, slot, _port in g.consumers[i]:
                op = g.ops[dst]
                others = [src for k, (src, _pt) in enumerate(g.inputs[dst]) if k != slot]
                meets_random = any(o in near_random for o in others)
                if op == "Sub" and slot == 1 and others and scalar_value(g, others[0]) == 1:
                    if dst not in seen:
                        seen.add(dst)
                        nxt.append((dst, not flip))
                    continue
                if meets_random and op in optypes.ADD_OPS:
                    kind = "rate" if flip else "keep"
                    return kind, ["added to RandomUniform then floored: the keep probability of tf.nn.dropout"]
                if meets_random and op in optypes.COMPARISON_OPS:
                    kind = "keep" if flip else "rate"
                    return kind, ["compared with RandomUniform: the rate of tf.nn.dropout"
                                  + (" (given as 1 - keep_prob)" if flip else "")]
                if op in optypes.DROPOUT_RATE_OPS and dst not in seen:
                    seen.add(dst)
                    nxt.append((dst, flip))
        frontier = nxt
    return None


def _is_scalar_float(a: GraphAnalysis, p: int) -> bool:
    ref = TensorRef(p, 0)
    shape = a.shapes.shape(ref)
    return a.graph.dtype(ref) in ("float32", "float64", "float16") and (shape is None or shape == [])


def classify_mode_switch(a: GraphAnalysis, p: int) -> ModeSwitch | None:
    """A ModeSwitch when placeholder ``p`` selects training/inference behaviour, else None."""
    g = a.graph
    name = g.names[p]
    toks = set(tokens(name))
    ref = TensorRef(p, 0)
    dtype = g.dtype(ref)
    tname = g.tensor_name(ref)
    default = _default_value(a, p)
    if "keras" in toks and "learning" in toks and "phase" in toks:
        value: Any = False if dtype == "bool" else 0
        return ModeSwitch(tname, value, dtype, ["the Keras learning phase: 0 means inference"])
    if dtype == "bool":
        why = _reaches_predicate(a, p)
        if why is None and not toks & (TRAINING_FLAG_WORDS | EVAL_FLAG_WORDS):
            return None
        reasons = [why] if why else []
        if toks & EVAL_FLAG_WORDS:
            value = True
            reasons.append(f"named like an evaluation flag ({name}): inference means true")
        elif toks & TRAINING_FLAG_WORDS:
            value = False
            reasons.append(f"named like a training flag ({name}): inference means false")
        elif default is not None:
            value = bool(default)
            reasons.append(f"its default value is {bool(default)}, the usual inference setting")
        else:
            value = False
            reasons.append("assumed to be a training flag (false at inference); check it")
        return ModeSwitch(tname, value, dtype, reasons)
    if _is_scalar_float(a, p):
        form = _dropout_form(a, p)
        if form is not None:
            kind, reasons = form
            return ModeSwitch(tname, 1.0 if kind == "keep" else 0.0, dtype,
                              reasons + ["inference keeps every unit: "
                                         + ("keep probability 1.0" if kind == "keep" else "rate 0.0")])
        if toks & KEEP_WORDS:
            return ModeSwitch(tname, 1.0, dtype, [f"named like a dropout keep probability ({name})"])
        if toks & RATE_WORDS and "dropout" in toks:
            return ModeSwitch(tname, 0.0, dtype, [f"named like a dropout rate ({name})"])
    return None


def find_mode_switches(a: GraphAnalysis, candidates: list[int]) -> dict[int, ModeSwitch]:
    out = {}
    for p in candidates:
        switch = classify_mode_switch(a, p)
        if switch is not None:
            out[p] = switch
    return out
