"""Sample sizes for free spatial (and other non-batch) dimensions that the graph accepts.

A style-transfer graph with input ``[?,?,?,3]`` run at 1x1 fails in MirrorPad; one that downsamples by 8
and adds a skip connection needs a multiple of 8. Read from the frozen graph (in the freeze child): the
largest downsampling factor on any path from the inputs (the product of conv and pool strides), and the
smallest size that the pads (``MirrorPad`` needs more than its padding) and VALID windows (at least the
kernel) ask for, scaled back to the input. The candidates are the usual size first, then the smallest
that fits, then typical image sizes, each rounded up to fit; the reference run takes the first one
TensorFlow accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tfscout.converter.verify.feeds import UNKNOWN_DIM

TYPICAL_SIZES = (64, 128, 224, 256, 299, 512)
MAX_FACTOR = 64
STRIDED_OPS = frozenset({"Conv2D", "DepthwiseConv2dNative", "MaxPool", "AvgPool", "Conv3D", "MaxPool3D",
                         "AvgPool3D", "MaxPoolV2", "FusedResizeAndPadConv2D"})
MIRROR_PAD_OPS = frozenset({"MirrorPad"})


@dataclass
class SizeRule:
    """What the graph asks of a free spatial size: a multiple of ``factor``, at least ``minimum``."""

    factor: int = 1
    minimum: int = 1
    why: str = ""

    def fit(self, size: int) -> int:
        size = max(size, self.minimum)
        return -(-size // self.factor) * self.factor

    def candidates(self) -> list[int]:
        out: list[int] = []
        for size in (UNKNOWN_DIM, 1, *TYPICAL_SIZES):
            fitted = self.fit(size)
            if fitted not in out:
                out.append(fitted)
        return out

    def describe(self) -> str:
        parts = []
        if self.factor > 1:
            parts.append(f"a multiple of {self.factor}")
        if self.minimum > 1:
            parts.append(f"at least {self.minimum}")
        return " and ".join(parts) + (f" ({self.why})" if self.why else "") if parts else ""


def _spatial(values: list[int], channels_first: bool) -> list[int]:
    return values[2:] if channels_first else values[1:-1]


def _attr(op: Any, key: str, default: Any) -> Any:
    try:
        return op.get_attr(key)
    except ValueError:
        return default


def _channels_first(op: Any) -> bool:
    fmt = _attr(op, "data_format", b"NHWC")
    return (fmt.decode() if isinstance(fmt, bytes) else str(fmt)) in ("NCHW", "NCDHW")


def _need(op: Any) -> tuple[int, str]:
    """The smallest spatial size ``op``'s input may have, and why (1 when it asks nothing)."""
    from tensorflow.python.framework import tensor_util

    if op.type in MIRROR_PAD_OPS and len(op.inputs) > 1:
        pads = tensor_util.constant_value(op.inputs[1])
        if pads is None or pads.ndim != 2 or pads.shape[0] < 3:
            return 1, ""
        widest = int(pads[1:-1].max())
        reflect = _attr(op, "mode", b"REFLECT") in (b"REFLECT", "REFLECT")
        return widest + (1 if reflect else 0), f"MirrorPad {op.name} pads by {widest}"
    if op.type in STRIDED_OPS and _attr(op, "padding", b"SAME") in (b"VALID", "VALID"):
        ksize = _attr(op, "ksize", None)
        if ksize:
            window = max(_spatial(list(ksize), _channels_first(op)) or [1])
        elif len(op.inputs) > 1 and op.inputs[1].shape.rank:
            window = max((d or 1) for d in op.inputs[1].shape.as_list()[:-2])
        else:
            return 1, ""
        return int(window), f"VALID {op.type} {op.name} has a window of {window}"
    return 1, ""


def size_rule(graph: Any, feeds: list[Any]) -> SizeRule:
    """The rule for free sizes of the inputs ``feeds`` (TensorFlow tensors) in the imported ``graph``."""
    factor: dict[str, int] = {t.op.name: 1 for t in feeds}
    rule = SizeRule()
    for op in graph.get_operations():
        before = [factor[t.op.name] for t in op.inputs if t.op.name in factor]
        if not before or op.name in factor:
            continue
        here = max(before)
        need, why = _need(op)
        if need * here > rule.minimum:
            rule.minimum, rule.why = need * here, why
        if op.type in STRIDED_OPS:
            strides = _spatial(list(_attr(op, "strides", [1, 1, 1, 1])), _channels_first(op))
            here *= max(strides or [1])
        factor[op.name] = min(here, MAX_FACTOR)
        rule.factor = max(rule.factor, factor[op.name])
    return rule
