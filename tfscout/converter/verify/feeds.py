"""Seeded inputs for verification: random by dtype and shape, or read from a ``--sample`` .npz.

Unknown dimensions become 1 for the first (batch) dimension and 32 elsewhere (a decoded [H, W, C]
image gets 32 x 32). An input of unknown
rank takes the shape its first Reshape asks for, or the rank a MatMul needs. Integers that index a
table (Gather, embedding lookups, OneHot) stay below its size. Runs in the freeze child, with the
frozen graph imported into TensorFlow.
"""

from __future__ import annotations

from typing import Any

from tfscout.converter.report import TensorInfo
from tfscout.errors import UsageError
from tfscout.inspector import optypes

UNKNOWN_DIM = 32
INT_HIGH = 8


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


def shape_for_unknown_rank(tensor: Any) -> tuple[list[int], str]:
    """A shape for an input of unknown rank (-1 for unknown dimensions), and where it came from."""
    from tensorflow.python.framework import tensor_util

    for op, k in _consumers(tensor, limit=2):
        if op.type == "Reshape" and k == 0:
            target = tensor_util.constant_value_as_shape(op.inputs[1])
            if target.rank is not None:
                return [d if d is not None and d >= 0 else -1 for d in target.as_list()], \
                    f"the shape its Reshape {op.name} asks for"
        if op.type in optypes.MATMUL_OPS:
            return ([-1, -1] if k < 2 else [-1]), f"the rank {op.type} {op.name} needs"
        if op.type == "BiasAdd":
            return ([-1] if k == 1 else [-1, -1]), f"the rank BiasAdd {op.name} needs"
    return [], "no consumer tells its rank: a scalar"


def _is_image_hwc(shape: list[int]) -> bool:
    """[H, W, C] with a known channel count and unknown height and width (a decoded image)."""
    return len(shape) == 3 and shape[2] in (1, 3, 4) and shape[0] < 0 and shape[1] < 0


def concrete_shape(info: TensorInfo, tensor: Any, small: bool = False) -> list[int]:
    """Unknown dimensions: 1 for the batch (first) dimension, UNKNOWN_DIM elsewhere; all 1 when ``small``."""
    shape = info.shape if info.shape is not None else shape_for_unknown_rank(tensor)[0]
    batch_first = not _is_image_hwc(shape)
    return [d if d >= 0 else (1 if (k == 0 and batch_first) or small or info.shape is None else UNKNOWN_DIM)
            for k, d in enumerate(shape)]


def random_feed(info: TensorInfo, tensor: Any, rng: Any, small: bool = False) -> Any:
    import numpy as np

    shape = concrete_shape(info, tensor, small)
    dtype = info.dtype or "float32"
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if dtype == "string":
        return np.full(shape, b"tfscout", dtype=object)
    if dtype in ("uint8", "int8"):  # pixels or quantised values: the whole range
        low, high = (0, 256) if dtype == "uint8" else (-128, 128)
        return rng.integers(low, high, size=shape).astype(dtype)
    if dtype.startswith(("int", "uint")):
        high = _index_bound(tensor) or INT_HIGH
        return rng.integers(0, max(high, 1), size=shape).astype(dtype)
    if dtype in ("float32", "float64", "float16", "bfloat16"):
        return rng.uniform(-1.0, 1.0, size=shape).astype("float32" if dtype == "bfloat16" else dtype)
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


def seeded_feeds(inputs: list[TensorInfo], tensors: list[Any], seed: int, small: bool = False) -> list[Any]:
    import numpy as np

    rng = np.random.default_rng(seed)
    return [random_feed(info, tensor, rng, small) for info, tensor in zip(inputs, tensors, strict=True)]
