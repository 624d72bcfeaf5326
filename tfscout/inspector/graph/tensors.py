"""Small constant values and static shapes of tensors, read from the graph without TensorFlow.

Shapes come from ``_output_shapes``, the ``shape``/``output_shapes`` attributes of sources and a
simple propagation through common ops. Unknown dimensions are ``-1``; an unknown rank is None.
"""

from __future__ import annotations

import struct
from typing import Any

from tfscout.inspector import optypes
from tfscout.inspector.graph.graph import Graph, TensorRef
from tfscout.inspector.load import shape_dims

Shape = list[int] | None
_MAX_CONST_ELEMENTS = 64
_MAX_CONCAT_INPUTS = 64
_STRUCT = {1: "f", 2: "d", 3: "i", 4: "B", 5: "h", 6: "b", 9: "q", 10: "?", 17: "H", 22: "I", 23: "Q"}


def const_value(graph: Graph, i: int) -> list[Any] | None:
    """The flat values of a small Const node (at most 64 elements), None otherwise."""
    if graph.ops[i] != "Const":
        return None
    value = graph.attr(i, "value")
    if value is None:
        return None
    t = value.tensor
    count = 1
    for d in t.tensor_shape.dim:
        count *= max(d.size, 0)
    if count > _MAX_CONST_ELEMENTS:
        return None
    if t.tensor_content:
        fmt = _STRUCT.get(t.dtype)
        if fmt is None:
            return None
        size = struct.calcsize(fmt)
        if len(t.tensor_content) != size * count:
            return None
        return list(struct.unpack(f"<{count}{fmt}", t.tensor_content))
    for field in ("float_val", "double_val", "int_val", "int64_val", "bool_val", "half_val"):
        vals = list(getattr(t, field))
        if vals:
            if len(vals) == 1 and count > 1:
                vals = vals * count  # a splat
            return vals[:count] if count else vals
    if t.string_val:
        return [s.decode("utf-8", "replace") for s in t.string_val]
    return [0] * count if count else None


def scalar_value(graph: Graph, i: int) -> Any:
    vals = const_value(graph, i)
    return vals[0] if vals and len(vals) == 1 else None


def _through_identity(graph: Graph, ref: TensorRef) -> int:
    i = ref.node
    for _ in range(8):
        if graph.ops[i] in optypes.VALUE_IDENTITY_OPS and graph.inputs[i]:
            i = graph.inputs[i][0][0]
        else:
            break
    return i


def const_ints(graph: Graph, ref: TensorRef) -> list[int] | None:
    vals = const_value(graph, _through_identity(graph, ref))
    if vals is None:
        return None
    try:
        return [int(v) for v in vals]
    except (TypeError, ValueError):
        return None




def _broadcast(a: Shape, b: Shape) -> Shape:
    if a is None or b is None:
        return None
    out = []
    for x, y in zip(reversed([1] * (len(b) - len(a)) + a), reversed([1] * (len(a) - len(b)) + b), strict=False):
        if x == 1:
            out.append(y)
        elif y == 1 or x == y:
            out.append(x)
        elif x == -1 or y == -1:
            out.append(max(x, y) if min(x, y) == -1 and max(x, y) != 1 else -1)
        else:
            return None
    return list(reversed(out))


def _conv_dim(size: int, k: int, stride: int, padding: str) -> int:
    if size < 0 or k < 0:
        return -1
    if padding == "SAME":
        return -(-size // stride)
    return (size - k) // stride + 1


class ShapeInference:
    """Memoised static shapes; each tensor is evaluated at most once (iteratively)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.memo: dict[TensorRef, Shape] = {}

    def shape(self, ref: TensorRef, budget: int = 250_000) -> Shape:
        """The static shape of ``ref``; None when unknown or when more than ``budget`` tensors
        upstream would have to be evaluated first (a guess is not worth seconds on huge graphs)."""
        if ref in self.memo:
            return self.memo[ref]
        stack = [ref]
        on_stack = {ref}
        pushed = 0
        while stack:
            top = stack[-1]
            if top in self.memo:
                on_stack.discard(stack.pop())
                continue
            needed = [r for r in self._needs(top) if r not in self.memo]
            if needed and not any(r in on_stack for r in needed):
                pushed += len(needed)
                if pushed > budget:
                    return None
                stack.extend(needed)
                on_stack.update(needed)
                continue
            for r in needed:  # a cycle: give up on those
                self.memo[r] = None
            self.memo[top] = self._compute(top)
            on_stack.discard(stack.pop())
        return self.memo[ref]

    # -- shapes given by attributes --------------------------------------------------------------
    def declared(self, ref: TensorRef) -> Shape:
        g = self.graph
        i = ref.node
        op = g.ops[i]
        shapes = g.attr(i, "_output_shapes")
        if shapes is not None and ref.port < len(shapes.list.shape):
            dims = shape_dims(shapes.list.shape[ref.port])
            if dims is not None:
                return dims
        if op in optypes.PLACEHOLDER_OPS:
            attr = g.attr(i, "shape")
            return shape_dims(attr.shape) if attr is not None else None
        if op == "Const":
            value = g.attr(i, "value")
            return shape_dims(value.tensor.tensor_shape) if value is not None else None
        if op in optypes.ITERATOR_NEXT_OPS:
            attr = g.attr(i, "output_shapes")
            if attr is not None and ref.port < len(attr.list.shape):
                return shape_dims(attr.list.shape[ref.port])
        if op in optypes.VARIABLE_OPS:
            attr = g.attr(i, "shape")
            return shape_dims(attr.shape) if attr is not None else None
        return self._decoded(ref)

    def _decoded(self, ref: TensorRef) -> Shape:
        """Shapes the decoding ops fix by their attributes (they start input pipelines)."""
        g = self.graph
        i = ref.node
        op = g.ops[i]

        def attr_int(key: str) -> int:
            attr = g.attr(i, key)
            return attr.i if attr is not None and attr.i > 0 else -1

        if op == "DecodeWav":
            return [attr_int("desired_samples"), attr_int("desired_channels")] if ref.port == 0 else []
        if op in optypes.IMAGE_DECODE_OPS:
            return [-1, -1, attr_int("channels")]
        if op == "DecodeGif":
            return [-1, -1, -1, 3]
        if op in optypes.PARSE_EXAMPLE_OPS:
            return self._parsed(i, ref.port)
        return None

    def _parsed(self, i: int, port: int) -> Shape:
        """ParseExample's outputs: per sparse feature [?, 2] indices, [?] values, [2] dense shape (rank 1
        more for a batch of examples); then the dense features, [?, *dense_shape]."""
        g = self.graph
        single = g.ops[i] == "ParseSingleExample"
        count = g.attr(i, "Nsparse" if g.ops[i] == "ParseExample" else "num_sparse")
        nsparse = count.i if count is not None else 0
        if port < 3 * nsparse:
            return [[-1, 1 if single else 2], [-1], [1 if single else 2]][port // nsparse]
        shapes = g.attr(i, "dense_shapes")
        dense = port - 3 * nsparse
        if shapes is None or dense >= len(shapes.list.shape):
            return None
        dims = shape_dims(shapes.list.shape[dense])
        return None if dims is None else (dims if single else [-1, *dims])

    def _queue_shape(self, ref: TensorRef) -> Shape:
        g = self.graph
        i = ref.node
        if not g.inputs[i]:
            return None
        queue = g.inputs[i][0][0]
        attr = g.attr(queue, "shapes")
        if attr is None or ref.port >= len(attr.list.shape):
            return None
        dims = shape_dims(attr.list.shape[ref.port])
        if dims is None:
            return None
        if g.ops[i] in optypes.QUEUE_DEQUEUE_MANY_OPS | optypes.QUEUE_DEQUEUE_UP_TO_OPS:
            n = const_ints(g, TensorRef(*g.inputs[i][1])) if len(g.inputs[i]) > 1 else None
            batch = n[0] if n and g.ops[i] in optypes.QUEUE_DEQUEUE_MANY_OPS else -1
            return [batch, *dims]
        return dims

    # -- propagation ---------------------------------------------------------------------------------
    def _needs(self, ref: TensorRef) -> list[TensorRef]:
        g = self.graph
        if self.declared(ref) is not None:
            return []
        op = g.ops[ref.node]
        ins = g.inputs[ref.node]
        if op in optypes.FROM_FIRST_INPUT_SHAPE_OPS:
            return [TensorRef(*ins[0])] if ins else []
        if op in optypes.FROM_INPUTS_SHAPE_OPS:
            return [TensorRef(*x) for x in ins[:3]]
        if op == "ConcatV2" and 2 <= len(ins) <= _MAX_CONCAT_INPUTS:
            return [TensorRef(*x) for x in ins[:-1]]
        return []

    def _compute(self, ref: TensorRef) -> Shape:
        declared = self.declared(ref)
        if declared is not None:
            return declared
        g = self.graph
        i = ref.node
        op = g.ops[i]
        ins = [TensorRef(*x) for x in g.inputs[i]]
        first = self.memo.get(ins[0]) if ins else None
        try:
            if op in optypes.QUEUE_DEQUEUE_OPS:
                return self._queue_shape(ref)
            if op in optypes.SAME_SHAPE_OPS:
                return list(first) if first is not None and ref.port == 0 else None
            if op in optypes.BROADCAST_OPS:
                return _broadcast(self.memo.get(ins[0]), self.memo.get(ins[1])) if len(ins) >= 2 else None
            if op in optypes.SELECT_OPS and len(ins) == 3:
                return _broadcast(self.memo.get(ins[1]), self.memo.get(ins[2]))
            if op == "MatMul" and len(ins) == 2:
                return self._matmul(i, self.memo.get(ins[0]), self.memo.get(ins[1]))
            if op == "ConcatV2" and 2 <= len(ins) <= _MAX_CONCAT_INPUTS:
                return self._concat([self.memo.get(x) for x in ins[:-1]], const_ints(g, ins[-1]))
            if first is None:
                return None
            if op in optypes.ARG_REDUCTION_OPS and len(ins) == 2:
                axis = const_ints(g, ins[1])
                if axis:
                    a = axis[0] % len(first) if first else 0
                    return first[:a] + first[a + 1:]
                return None
            if op in optypes.AXIS_REDUCTION_OPS and len(ins) == 2:
                return self._reduce(i, first, const_ints(g, ins[1]))
            if op == "Squeeze":
                attr = g.attr(i, "squeeze_dims")
                dims = list(attr.list.i) if attr is not None else []
                if dims:
                    drop = {d % len(first) for d in dims} if first else set()
                    return [d for k, d in enumerate(first) if k not in drop]
                return [d for d in first if d != 1] if -1 not in first else None
            if op == "ExpandDims" and len(ins) == 2:
                axis = const_ints(g, ins[1])
                if axis:
                    a = axis[0] if axis[0] >= 0 else len(first) + 1 + axis[0]
                    return first[:a] + [1] + first[a:]
                return None
            if op == "Reshape" and len(ins) == 2:
                return self._reshape(first, const_ints(g, ins[1]))
            if op == "Transpose" and len(ins) == 2:
                perm = const_ints(g, ins[1])
                return [first[p] for p in perm] if perm and len(perm) == len(first) else None
            if op in optypes.WINDOW_OPS:
                return self._window(i, op, first, ins)
            if op == "AudioSpectrogram" and len(first) == 2:
                return self._spectrogram(i, first)
            if op == "Mfcc" and len(first) == 3:
                count = g.attr(i, "dct_coefficient_count")
                return [first[0], first[1], count.i if count is not None else 13]
        except (IndexError, ZeroDivisionError, TypeError, ValueError):
            return None
        return None

    def _matmul(self, i: int, a: Shape, b: Shape) -> Shape:
        if a is None or b is None or len(a) != 2 or len(b) != 2:
            return None
        ta = self.graph.attr(i, "transpose_a")
        tb = self.graph.attr(i, "transpose_b")
        rows = a[1] if ta is not None and ta.b else a[0]
        cols = b[0] if tb is not None and tb.b else b[1]
        return [rows, cols]

    def _reduce(self, i: int, first: list[int], axes: list[int] | None) -> Shape:
        keep = self.graph.attr(i, "keep_dims")
        keep_dims = bool(keep.b) if keep is not None else False
        if axes is None:
            return None
        rank = len(first)
        drop = {a % rank for a in axes} if rank else set()
        if keep_dims:
            return [1 if k in drop else d for k, d in enumerate(first)]
        return [d for k, d in enumerate(first) if k not in drop]

    @staticmethod
    def _concat(parts: list[Shape], axis: list[int] | None) -> Shape:
        if axis is None or len(axis) != 1 or any(p is None for p in parts):
            return None
        first = parts[0]
        assert first is not None
        rank = len(first)
        if rank == 0 or any(len(p) != rank for p in parts if p is not None):
            return None
        a = axis[0] % rank
        out = list(first)
        total = 0
        for p in parts:
            assert p is not None
            total = -1 if total < 0 or p[a] < 0 else total + p[a]
            for k in range(rank):
                if k != a and out[k] < 0 <= p[k]:
                    out[k] = p[k]
        out[a] = total
        return out

    @staticmethod
    def _reshape(first: list[int], target: list[int] | None) -> Shape:
        if target is None:
            return None
        if target.count(-1) == 1 and -1 not in first:
            total = 1
            for d in first:
                total *= d
            known = 1
            for d in target:
                if d != -1:
                    known *= d
            if known and total % known == 0:
                return [total // known if d == -1 else d for d in target]
        return list(target)

    def _spectrogram(self, i: int, audio: list[int]) -> Shape:
        """[samples, channels] -> [channels, frames, bins], as TensorFlow's AudioSpectrogram."""
        window = self.graph.attr(i, "window_size")
        stride = self.graph.attr(i, "stride")
        if window is None or stride is None or window.i <= 0 or stride.i <= 0:
            return [audio[1], -1, -1]
        samples = audio[0]
        frames = -1 if samples < 0 else (0 if samples < window.i else 1 + (samples - window.i) // stride.i)
        fft = 1
        while fft < window.i:
            fft *= 2
        return [audio[1], frames, fft // 2 + 1]

    def _window(self, i: int, op: str, first: list[int], ins: list[TensorRef]) -> Shape:
        g = self.graph
        fmt = g.attr(i, "data_format")
        if fmt is not None and fmt.s not in (b"", b"NHWC") or len(first) != 4:
            return None
        strides = list(g.attr(i, "strides").list.i) if g.attr(i, "strides") is not None else [1, 1, 1, 1]
        padding = g.attr(i, "padding").s.decode() if g.attr(i, "padding") is not None else "VALID"
        if op in optypes.POOL_OPS:
            ksize = list(g.attr(i, "ksize").list.i) if g.attr(i, "ksize") is not None else [1, 1, 1, 1]
            kh, kw, cout = ksize[1], ksize[2], first[3]
        else:
            w = self.memo.get(ins[1]) if len(ins) > 1 else None
            if w is None:
                w = self.shape(ins[1]) if len(ins) > 1 else None
            if w is None or len(w) != 4:
                return None
            kh, kw = w[0], w[1]
            cout = w[3] if op == "Conv2D" else (w[2] * w[3] if w[2] >= 0 and w[3] >= 0 else -1)
        return [first[0], _conv_dim(first[1], kh, strides[1], padding),
                _conv_dim(first[2], kw, strides[2], padding), cout]
