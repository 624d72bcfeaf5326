"""Seeded inputs for verification: random by dtype and shape, or read from a ``--sample`` .npz.

A single sample at batch 1 of small non-negative numbers hides a transposed or cut output and the sign
rules of floor division, so every sample mixes signs and zeros, and the second one adds large
magnitudes at a batch of :data:`BATCH` wherever the batch dimension is free (:class:`Draw` says how a
sample is drawn). Shapes come from the plan (the inspector filled in what the graph leaves open); a
dimension still free takes the batch size when it is the first one of a batch-first input, else the
probed size (see :mod:`.sizes`). Integers that index a table (Gather, embedding lookups, OneHot) stay
below its size; a string input that feeds ParseExample gets serialized tf.Examples of its feature spec
(:mod:`.examples`). Runs in the freeze child, with the frozen graph imported into TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tfscout.converter.report import TensorInfo
from tfscout.errors import UsageError
from tfscout.inspector import optypes

BATCH = 3
UNKNOWN_DIM = 32
INT_HIGH = 8
WIDE_INT = 1000
WIDE_FLOAT = 100.0
# Values every signed sample holds (at the front), so that sign rules always show: -7 // 3 = -3.
SIGNED_INTS = (-7, 0, 7, -1, 3)
SIGNED_FLOATS = (-0.7, 0.0, 0.7, -1.0)


@dataclass(frozen=True)
class Draw:
    """How one sample is drawn: its batch size, the size of other free dimensions, and its values
    (``signed``: small with both signs and zeros; ``wide``: ``signed`` plus large magnitudes;
    ``non_negative``: what some graphs insist on, such as lengths)."""

    batch: int = 1
    size: int = UNKNOWN_DIM
    values: str = "signed"

    def describe(self) -> str:
        return {"signed": "signed values", "wide": "signed and large values",
                "non_negative": "non-negative values"}[self.values]


def _consumers(tensor: Any, limit: int = 6) -> list[tuple[Any, int]]:
    """(op, input index) reached from ``tensor`` through value-preserving ops, breadth first."""
    out = []
    frontier = [tensor]
    seen = set()
    for _ in range(limit):
        nxt = []
        for t in frontier:
            for op in t.consumers():
                if op.name in seen:
                    continue
                seen.add(op.name)
                for k, inp in enumerate(op.inputs):
                    if inp is t:
                        out.append((op, k))
                if op.type in optypes.INDEX_PASS_OPS:
                    nxt.extend(op.outputs)
        frontier = nxt
    return out


def _index_bound(tensor: Any) -> int | None:
    """The size of the table an integer input indexes, if it does."""
    from tensorflow.python.framework import tensor_util

    bounds = []
    for op, k in _consumers(tensor):
        if op.type in optypes.GATHER_OPS and k == 1:
            dim = op.inputs[0].shape
            if dim.rank and dim[0] is not None:
                bounds.append(int(dim[0]))
        elif op.type == "OneHot" and k == 0:
            depth = tensor_util.constant_value(op.inputs[1])
            if depth is not None:
                bounds.append(int(depth))
    return min(bounds) if bounds else None


def is_image_hwc(shape: list[int]) -> bool:
    """[H, W, C] with a known channel count and unknown height and width (a decoded image)."""
    return len(shape) == 3 and shape[2] in (1, 3, 4) and shape[0] < 0 and shape[1] < 0


def has_free_batch(info: TensorInfo) -> bool:
    shape = info.shape
    return bool(shape) and shape is not None and shape[0] < 0 and not is_image_hwc(shape)


def has_free_size(info: TensorInfo) -> bool:
    """Whether a dimension other than the batch is free (the probed size fills it)."""
    shape = info.shape or []
    first = 0 if is_image_hwc(shape) else 1
    return any(d < 0 for d in shape[first:])


def concrete_shape(info: TensorInfo, draw: Draw) -> list[int]:
    """Free dimensions: the batch size for the first one of a batch-first input, ``draw.size`` elsewhere."""
    shape = info.shape if info.shape is not None else []
    batch_first = not is_image_hwc(shape)
    return [d if d >= 0 else (draw.batch if k == 0 and batch_first else draw.size) for k, d in enumerate(shape)]


def _plant(array: Any, edges: tuple[Any, ...]) -> Any:
    flat = array.reshape(-1)
    n = min(len(edges), flat.size)
    flat[:n] = edges[:n]
    return flat.reshape(array.shape)


def _integers(dtype: str, shape: list[int], rng: Any, draw: Draw, bound: int | None) -> Any:
    import numpy as np

    info = np.iinfo(np.dtype(dtype))
    if bound is not None:
        return rng.integers(0, max(bound, 1), size=shape).astype(dtype)
    if dtype == "uint8":  # pixels: the whole range
        return rng.integers(0, 256, size=shape).astype(dtype)
    if draw.values == "non_negative" or info.min == 0:
        return rng.integers(0, INT_HIGH, size=shape).astype(dtype)
    values = rng.integers(max(-INT_HIGH, info.min), min(INT_HIGH, info.max) + 1, size=shape)
    edges: tuple[int, ...] = SIGNED_INTS
    if draw.values == "wide":
        big = min(WIDE_INT, info.max)
        edges = (*SIGNED_INTS, big, -big)
        values = np.where(rng.random(size=shape) < 0.25, rng.integers(-big, big + 1, size=shape), values)
    return _plant(values.astype(dtype), edges)


def _floats(dtype: str, shape: list[int], rng: Any, draw: Draw) -> Any:
    import numpy as np

    kind = "float32" if dtype == "bfloat16" else dtype
    if draw.values == "non_negative":
        return rng.uniform(0.0, 1.0, size=shape).astype(kind)
    values = rng.uniform(-1.0, 1.0, size=shape)
    edges: tuple[float, ...] = SIGNED_FLOATS
    if draw.values == "wide":
        magnitude = np.exp(rng.uniform(0.0, np.log(WIDE_FLOAT), size=shape)) * rng.choice([-1.0, 1.0], size=shape)
        values = np.where(rng.random(size=shape) < 0.25, magnitude, values)
        edges = (*SIGNED_FLOATS, WIDE_FLOAT, -WIDE_FLOAT)
    return _plant(values.astype(kind), edges)


def random_feed(info: TensorInfo, tensor: Any, rng: Any, draw: Draw) -> Any:
    import numpy as np

    from tfscout.converter.verify.examples import parse_spec, serialized_examples

    shape = concrete_shape(info, draw)
    dtype = info.dtype or "float32"
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if dtype == "string":
        spec = parse_spec(tensor)
        if spec is not None:
            return serialized_examples(spec, shape, rng, draw)
        return np.full(shape, b"tfscout", dtype=object)
    if dtype.startswith(("int", "uint")):
        return _integers(dtype, shape, rng, draw, _index_bound(tensor))
    if dtype in ("float32", "float64", "float16", "bfloat16"):
        return _floats(dtype, shape, rng, draw)
    raise UsageError(f"cannot make a random value for the input {info.name} of type {dtype}",
                     "pass real inputs with --sample file.npz")


def load_sample(path: str, inputs: list[TensorInfo]) -> list[Any]:
    """Values for ``inputs`` from an .npz: keys are tensor names (x:0), node names (x) or arr_0, arr_1 ..."""
    import numpy as np

    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the sample ({exc})", "pass an .npz written by numpy.savez",
                         path=path) from None
    keys = list(data.keys())
    out = []
    for k, info in enumerate(inputs):
        node = info.name.rsplit(":", 1)[0]
        for key in (info.name, node, f"arr_{k}"):
            if key in keys:
                out.append(data[key])
                break
        else:
            raise UsageError(f"the sample has no value for the input {info.name}",
                             f"save it under the key '{info.name}' (keys found: {', '.join(keys) or 'none'})",
                             path=path)
    return out


def seeded_feeds(inputs: list[TensorInfo], tensors: list[Any], seed: int, draw: Draw) -> list[Any]:
    import numpy as np

    rng = np.random.default_rng(seed)
    return [random_feed(info, tensor, rng, draw) for info, tensor in zip(inputs, tensors, strict=True)]
