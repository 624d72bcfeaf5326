"""Mode switches: placeholders that select training or inference behaviour, and their inference value.

Which placeholders are switches is decided by structure (graph/flags.py): a bool deciding a predicate, a float
scalar making a dropout mask, a float scalar fixed into the model's arithmetic. Names only pick a bool's value
(``is_training`` false, ``is_test`` true) and recognise a setting the structure cannot see. A fixed scalar with
no default has no value anyone can guess: it is a switch that needs one (``convert --switch NAME=VALUE``).
"""

from __future__ import annotations

from typing import Any

from tfscout.inspector.graph import GraphAnalysis, TensorRef, tokens
from tfscout.inspector.report import ModeSwitch

TRAINING_FLAG_WORDS = frozenset({"training", "train", "istraining", "phase", "learning", "mode"})
EVAL_FLAG_WORDS = frozenset({"test", "testing", "eval", "evaluation", "inference", "infer", "predict",
                             "deterministic", "frozen"})
KEEP_WORDS = frozenset({"keep", "kp", "keepprob"})
RATE_WORDS = frozenset({"rate", "drop", "droprate"})


def _bool_value(name: str, toks: set[str], default: Any) -> tuple[bool, str]:
    if toks & EVAL_FLAG_WORDS:
        return True, f"named like an evaluation flag ({name}): inference means true"
    if toks & TRAINING_FLAG_WORDS:
        return False, f"named like a training flag ({name}): inference means false"
    if default is not None:
        return bool(default), f"its default value is {bool(default)}, the usual inference setting"
    return False, "taken to be a training flag (false at inference); check it"


def _by_name(a: GraphAnalysis, p: int, toks: set[str]) -> ModeSwitch | None:
    """Settings the structure did not show, recognised by their names (no batch dimension only)."""
    g = a.graph
    ref = TensorRef(p, 0)
    if a.shapes.declared(ref):
        return None
    dtype = g.dtype(ref)
    name = g.names[p]
    tname = g.tensor_name(ref)
    if dtype == "bool" and toks & (TRAINING_FLAG_WORDS | EVAL_FLAG_WORDS):
        value, why = _bool_value(name, toks, None)
        return ModeSwitch(tname, value, dtype, [why])
    if dtype in ("float32", "float64", "float16"):
        if toks & KEEP_WORDS:
            return ModeSwitch(tname, 1.0, dtype, [f"named like a dropout keep probability ({name})"])
        if toks & RATE_WORDS and "dropout" in toks:
            return ModeSwitch(tname, 0.0, dtype, [f"named like a dropout rate ({name})"])
    return None


def classify_mode_switch(a: GraphAnalysis, p: int) -> ModeSwitch | None:
    """A ModeSwitch when placeholder ``p`` selects training/inference behaviour, else None."""
    g = a.graph
    name = g.names[p]
    toks = set(tokens(name))
    ref = TensorRef(p, 0)
    dtype = g.dtype(ref)
    tname = g.tensor_name(ref)
    if "keras" in toks and "learning" in toks and "phase" in toks:
        value: Any = False if dtype == "bool" else 0
        return ModeSwitch(tname, value, dtype, ["the Keras learning phase: 0 means inference"])
    flag = a.flags.get(p)
    if flag is None:
        return _by_name(a, p, toks)
    reasons = list(flag.reasons)
    if flag.kind == "predicate":
        value, why = _bool_value(name, toks, flag.default)
        return ModeSwitch(tname, value, dtype, [*reasons, why])
    if flag.kind in ("keep", "rate"):
        keep = flag.kind == "keep"
        return ModeSwitch(tname, 1.0 if keep else 0.0, dtype,
                          [*reasons, "inference keeps every unit: " + ("keep probability 1.0" if keep else "rate 0.0")])
    if flag.default is not None:
        return ModeSwitch(tname, flag.default, dtype,
                          [*reasons, f"a setting without a batch dimension: fixed to its default {flag.default!r}"])
    named = _by_name(a, p, toks)
    if named is not None:
        named.reasons[:0] = reasons
        return named
    return ModeSwitch(tname, None, dtype, [*reasons, "a setting without a batch dimension and without a default: "
                                           "give its inference value (convert --switch NAME=VALUE)"],
                      needs_value=True)


def find_mode_switches(a: GraphAnalysis, candidates: list[int]) -> dict[int, ModeSwitch]:
    out = {}
    for p in candidates:
        switch = classify_mode_switch(a, p)
        if switch is not None:
            out[p] = switch
    return out
