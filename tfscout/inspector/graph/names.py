"""Reading node names: tokens, auto-generated names, and close matches for typos."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SUFFIX_RE = re.compile(r"_\d+$")

# Default names the TF1 Python API gives nodes, beyond the op type itself.
_PYTHON_DEFAULT_NAMES = frozenset({
    "add", "sub", "mul", "truediv", "div", "floordiv", "mod", "pow", "neg", "abs", "dense", "conv2d",
    "matmul", "concat", "stack", "unstack", "strided_slice", "transpose", "reshape", "softmax", "sigmoid",
    "tanh", "relu", "identity", "squeeze", "expanddims", "expand_dims", "cast", "gather", "where",
    "max_pool", "avg_pool", "batchnorm", "dropout", "flatten", "split", "zeros", "ones", "fill",
    "range", "mean", "sum", "maximum", "minimum", "bias_add", "biasadd", "clip_by_value", "onehot",
    "one_hot", "argmax",
})


def last_segment(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def tokens(name: str) -> list[str]:
    """Lower-case word tokens of the last scope segment: ``"model/y_pred_1"`` -> ``["y", "pred"]``."""
    seg = _SUFFIX_RE.sub("", last_segment(name))
    seg = _CAMEL_RE.sub("_", seg)
    return [t for t in re.split(r"[^A-Za-z0-9]+", seg.lower()) if t and not t.isdigit()]


def is_auto_name(name: str, op: str) -> bool:
    """Did TensorFlow pick this name (``add_1``, ``MatMul``, ``Placeholder_2``), not the author?"""
    seg = _SUFFIX_RE.sub("", last_segment(name))
    flat = seg.replace("_", "").lower()
    op_flat = op.lower()
    for suffix in ("v2", "v3", "v4"):
        op_flat = op_flat.removesuffix(suffix)
    return flat in (op.lower(), op_flat) or seg.lower() in _PYTHON_DEFAULT_NAMES


def has_token(name: str, words: Iterable[str]) -> bool:
    wanted = set(words)
    return any(t in wanted for t in tokens(name))


def _is_subsequence(short: str, long: str) -> bool:
    """``probs`` in ``probabilities``: the letters of ``short`` appear in ``long`` in order."""
    rest = iter(long)
    return all(ch in rest for ch in short)


def close_matches(name: str, candidates: list[str], limit: int = 3) -> list[str]:
    """Candidates that look like ``name``: same last segment first, then difflib's ratio."""
    target = last_segment(name).lower()
    same_leaf = [c for c in candidates if last_segment(c).lower() == target]
    if len(same_leaf) >= limit:
        return same_leaf[:limit]
    pool = candidates if len(candidates) <= 50_000 else [c for c in candidates if target[:1] in c.lower()]
    fuzzy = difflib.get_close_matches(name, pool, n=limit, cutoff=0.6)
    leaves = {last_segment(c).lower(): c for c in pool}
    fuzzy_leaf = [leaves[m] for m in difflib.get_close_matches(target, list(leaves), n=limit, cutoff=0.7)]
    abbreviated = [leaves[leaf] for leaf in sorted(leaves, key=len)
                   if len(target) >= 3 and leaf[:1] == target[:1] and _is_subsequence(target, leaf)][:limit]
    out: list[str] = []
    for c in same_leaf + fuzzy + fuzzy_leaf + abbreviated:
        if c not in out:
            out.append(c)
    return out[:limit]
