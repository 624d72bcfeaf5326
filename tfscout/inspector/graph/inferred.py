"""Shapes of inputs the graph leaves open, inferred backwards from what their consumers need (no TensorFlow).

Old graphs, ``optimize_for_inference`` output and text graphs often declare placeholders with no shape;
fed a scalar, TensorFlow stops ("MatMul In[0] and In[1] has different ndims") and so does tf2onnx. The
consumers say what the input must be: a MatMul's weight [K, N] gives [?, K]; a Conv2D kernel gives rank 4
and the channels (NHWC or NCHW); a Transpose's perm, a pad's paddings or a pool's window the rank; a
Reshape its target; a BiasAdd its bias size; a concat or elementwise partner of known shape its shape.
The walk goes forward through ops that keep the shape (activations, casts, scaling by a scalar) and
stops at the first consumer that tells; later ones of the same rank fill dimensions still open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tfscout.inspector import optypes
from tfscout.inspector.graph.graph import Graph, TensorRef
from tfscout.inspector.graph.tensors import Shape, ShapeInference, const_ints

_MAX_HOPS = 6
_MAX_VISITS = 64

CONV_OPS = frozenset({"Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "_FusedDepthwiseConv2dNative", "Conv3D"})
RANK4_IMAGE_OPS = frozenset({"ResizeBilinear", "ResizeNearestNeighbor", "ResizeBicubic", "ResizeArea",
                             "SpaceToDepth", "DepthToSpace", "LRN"})
PAD_OPS = frozenset({"Pad", "PadV2", "MirrorPad"})
WINDOW_POOL_OPS = frozenset({"MaxPool", "AvgPool", "MaxPool3D", "AvgPool3D"})
CONCAT_OPS = frozenset({"ConcatV2", "Concat"})
BATCH_MATMUL_OPS = frozenset({"BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"})
PLAIN_MATMUL_OPS = frozenset({"MatMul", "_FusedMatMul"})


@dataclass(frozen=True)
class InferredShape:
    """A shape for an input, and what it was read from ("inferred from MatMul dense/MatMul's weight")."""

    shape: list[int]
    reason: str
    at_least: bool = False  # the rank is a lower bound (a reduction's axis, a slice's begin): used when nothing tells more


def _is_weight(g: Graph, ref: TensorRef) -> bool:
    i = ref.node
    for _ in range(4):
        if g.ops[i] in optypes.CONST_OPS or g.ops[i] in optypes.VARIABLE_OPS:
            return True
        if g.ops[i] not in optypes.WEIGHT_READ_OPS or not g.inputs[i]:
            return False
        i = g.inputs[i][0][0]
    return False


def _flag(g: Graph, i: int, key: str) -> bool:
    attr = g.attr(i, key)
    return bool(attr.b) if attr is not None else False


def _channels_first(g: Graph, i: int) -> bool:
    attr = g.attr(i, "data_format")
    return attr is not None and attr.s in (b"NCHW", b"NCDHW")


class _Rules:
    """One rule per consumer op: (the input's shape, why) or None."""

    def __init__(self, g: Graph, shapes: ShapeInference) -> None:
        self.g = g
        self.shapes = shapes

    def _other(self, i: int, slot: int) -> tuple[TensorRef, list[int]] | None:
        """Input ``slot`` of node ``i`` and its shape, when the shape is known."""
        ins = self.g.inputs[i]
        if slot < 0 or slot >= len(ins):
            return None
        ref = TensorRef(*ins[slot])
        shape = self.shapes.shape(ref)
        return None if shape is None else (ref, shape)

    def _what(self, i: int, ref: TensorRef, role: str) -> str:
        g = self.g
        kind = role if _is_weight(g, ref) else "partner"
        return f"inferred from {g.ops[i]} {g.names[i]}'s {kind}"

    def matmul(self, i: int, slot: int) -> InferredShape | None:
        g = self.g
        if slot == 2:  # _FusedMatMul's first fused argument: a BiasAdd's bias
            return InferredShape([-1], f"rank 1 inferred from {g.ops[i]} {g.names[i]}'s fused bias")
        other = self._other(i, 1 - slot) if slot < 2 else None
        rank_only = InferredShape([-1, -1], f"rank 2 inferred from {g.ops[i]} {g.names[i]}")
        if other is None or len(other[1]) != 2:
            return rank_only if slot < 2 else None
        ref, shape = other
        ta, tb = _flag(self.g, i, "transpose_a"), _flag(self.g, i, "transpose_b")
        if slot == 0:
            k = shape[1] if tb else shape[0]
            dims = [k, -1] if ta else [-1, k]
        else:
            k = shape[0] if ta else shape[1]
            dims = [-1, k] if tb else [k, -1]
        return rank_only if k < 0 else InferredShape(dims, self._what(i, ref, "weight"))

    def batch_matmul(self, i: int, slot: int) -> InferredShape | None:
        other = self._other(i, 1 - slot)
        if other is None or len(other[1]) < 2:
            return None
        ref, shape = other
        adj_x, adj_y = _flag(self.g, i, "adj_x"), _flag(self.g, i, "adj_y")
        dims = [-1] * len(shape)
        if slot == 0:
            dims[-2 if adj_x else -1] = shape[-1] if adj_y else shape[-2]
        else:
            dims[-1 if adj_y else -2] = shape[-2] if adj_x else shape[-1]
        return InferredShape(dims, self._what(i, ref, "weight"))

    def conv(self, i: int, slot: int) -> InferredShape | None:
        if slot != 0:
            return None
        other = self._other(i, 1)
        if other is None or len(other[1]) not in (4, 5):
            return None
        ref, kernel = other
        rank = len(kernel)
        dims = [-1] * rank
        dims[1 if _channels_first(self.g, i) else rank - 1] = kernel[rank - 2]
        return InferredShape(dims, self._what(i, ref, "kernel"))

    def batch_norm(self, i: int, slot: int) -> InferredShape | None:
        other = self._other(i, 1)
        if slot != 0 or other is None or len(other[1]) != 1:
            return None
        dims = [-1] * 4
        dims[1 if _channels_first(self.g, i) else 3] = other[1][0]
        return InferredShape(dims, f"inferred from {self.g.ops[i]} {self.g.names[i]}'s scale")

    def rank_only(self, i: int, slot: int) -> InferredShape | None:
        """Ops that fix the rank: a Transpose's perm, a pad's paddings, a pool's window, image ops."""
        g, op = self.g, self.g.ops[i]
        rank = None
        if slot != 0:
            return None
        if op == "Transpose":
            perm = const_ints(g, TensorRef(*g.inputs[i][1])) if len(g.inputs[i]) > 1 else None
            rank, what = (len(perm) if perm else None), "perm"
        elif op in PAD_OPS:
            pads = self.shapes.shape(TensorRef(*g.inputs[i][1])) if len(g.inputs[i]) > 1 else None
            rank, what = (pads[0] if pads and len(pads) == 2 and pads[0] > 0 else None), "paddings"
        elif op in WINDOW_POOL_OPS:
            ksize = g.attr(i, "ksize")
            rank, what = (len(ksize.list.i) if ksize is not None and ksize.list.i else None), "window"
        elif op == "Slice":
            begin = const_ints(g, TensorRef(*g.inputs[i][1])) if len(g.inputs[i]) > 1 else None
            rank, what = (len(begin) if begin else None), "begin"
        else:
            rank, what = 4, "4-D input"
        if not rank:
            return None
        return InferredShape([-1] * rank, f"inferred from {op} {g.names[i]}'s {what}")

    def least_rank(self, i: int, slot: int) -> InferredShape | None:
        """Ops whose axes bound the rank from below: a reduction's axes, Unpack's and Split's axis, Squeeze's
        dims, a StridedSlice's begin; Tile's multiples give it exactly."""
        g, op = self.g, self.g.ops[i]
        if op == "Split":
            if slot != 1:
                return None
            axes, what = const_ints(g, TensorRef(*g.inputs[i][0])), "axis"
        elif slot != 0:
            return None
        elif op == "Tile":
            multiples = const_ints(g, TensorRef(*g.inputs[i][1])) if len(g.inputs[i]) > 1 else None
            if not multiples:
                return None
            return InferredShape([-1] * len(multiples), f"inferred from Tile {g.names[i]}'s multiples")
        elif op in optypes.AXIS_REDUCTION_OPS | {"SplitV"}:
            axes = const_ints(g, TensorRef(*g.inputs[i][2 if op == "SplitV" else 1])) if len(g.inputs[i]) > 1 \
                else None
            what = "axis"
        elif op in ("Unpack", "Squeeze"):
            attr = g.attr(i, "axis" if op == "Unpack" else "squeeze_dims")
            axes = ([attr.i] if op == "Unpack" else list(attr.list.i)) if attr is not None else None
            what = "axis" if op == "Unpack" else "squeeze dims"
        else:  # StridedSlice: one begin entry per dimension, unless an ellipsis or a new axis is involved
            masks = [g.attr(i, key) for key in ("ellipsis_mask", "new_axis_mask")]
            begin = const_ints(g, TensorRef(*g.inputs[i][1])) if len(g.inputs[i]) > 1 else None
            if begin is None or any(m is not None and m.i for m in masks):
                return None
            axes, what = list(range(len(begin))), "begin"
        if not axes or any(a < 0 for a in axes):
            return None
        dims = [-1] * (max(axes) + 1)
        if op == "Squeeze":
            dims = [1 if k in axes else -1 for k in range(len(dims))]
        elif op == "Unpack" and g.attr(i, "num") is not None and g.attr(i, "num").i > 0:
            dims[axes[0]] = g.attr(i, "num").i
        return InferredShape(dims, f"rank at least {len(dims)}, inferred from {op} {g.names[i]}'s {what}",
                             at_least=True)

    def reshape(self, i: int, slot: int) -> InferredShape | None:
        g = self.g
        if slot != 0 or len(g.inputs[i]) < 2:
            return None
        target = const_ints(g, TensorRef(*g.inputs[i][1]))
        if target is None:
            return self._packed_reshape(i)
        if target.count(-1) > 1 or any(d < -1 for d in target):
            return None
        return InferredShape(list(target), f"the shape Reshape {g.names[i]} asks for")

    def _own_dim(self, ref: TensorRef, of: TensorRef) -> int | None:
        """k when ``ref`` is ``tf.shape(of)[k]`` (a StridedSlice that shrinks one axis of a Shape)."""
        g = self.g
        ref = TensorRef(*g.inputs[ref.node][0]) if g.ops[ref.node] == "Identity" else ref
        if g.ops[ref.node] != "StridedSlice" or not g.inputs[ref.node]:
            return None
        shape = TensorRef(*g.inputs[ref.node][0])
        attr = g.attr(ref.node, "shrink_axis_mask")
        begin = const_ints(g, TensorRef(*g.inputs[ref.node][1])) if len(g.inputs[ref.node]) > 1 else None
        if (g.ops[shape.node] != "Shape" or TensorRef(*g.inputs[shape.node][0]) != of or attr is None
                or attr.i != 1 or begin is None or len(begin) != 1 or begin[0] < 0):
            return None
        return begin[0]

    def _packed_reshape(self, i: int) -> InferredShape | None:
        """``tf.reshape(x, [tf.shape(x)[0], 28, 28])``: the leading dimensions are the input's own, the rest
        fold into one, so the input is at least [?, 784] (the smallest shape the reshape accepts)."""
        g = self.g
        pack = TensorRef(*g.inputs[i][1]).node
        axis = g.attr(pack, "axis")
        if g.ops[pack] != "Pack" or (axis is not None and axis.i != 0):
            return None
        x = TensorRef(*g.inputs[i][0])
        lead, folded, folding = 0, 1, False
        for ref in (TensorRef(*r) for r in g.inputs[pack]):
            value = const_ints(g, ref)
            if value is not None and len(value) == 1:
                if value[0] <= 0:
                    return None
                folded, folding = folded * value[0], True
                continue
            if folding or self._own_dim(ref, x) != lead:
                return None  # not a plain fold of the input's trailing dimensions
            lead += 1
        if lead == 0 or not folding:
            return None
        return InferredShape([-1] * lead + [folded], f"inferred from Reshape {g.names[i]}: its leading "
                             f"dimension(s) are the input's own, the rest fold into {folded}")

    def bias_add(self, i: int, slot: int) -> InferredShape | None:
        other = self._other(i, 1 - slot)
        if other is None:
            return None
        _ref, shape = other
        first = _channels_first(self.g, i)
        if slot == 0:
            if len(shape) != 1 or shape[0] < 0:
                return None
            dims = [-1, shape[0], -1, -1] if first else [-1, shape[0]]
            return InferredShape(dims, f"inferred from BiasAdd {self.g.names[i]}'s bias")
        if len(shape) < 2 or shape[1 if first else -1] < 0:
            return None
        return InferredShape([shape[1 if first else -1]], f"inferred from BiasAdd {self.g.names[i]}'s input")

    def concat(self, i: int, slot: int) -> InferredShape | None:
        g = self.g
        ins = g.inputs[i]
        if g.ops[i] == "ConcatV2":
            values, axis_ref = list(range(len(ins) - 1)), (TensorRef(*ins[-1]) if ins else None)
        else:
            values, axis_ref = list(range(1, len(ins))), (TensorRef(*ins[0]) if ins else None)
        if slot not in values or axis_ref is None:
            return None
        axis = const_ints(g, axis_ref)
        for k in values:
            shape = self.shapes.shape(TensorRef(*ins[k])) if k != slot else None
            if shape is None or not axis:
                continue
            dims = list(shape)
            dims[axis[0] % len(dims) if dims else 0] = -1
            return InferredShape(dims, f"inferred from its {g.ops[i]} {g.names[i]} partner")
        return None

    def elementwise(self, i: int, slot: int) -> InferredShape | None:
        g = self.g
        ins = g.inputs[i]
        partners = [1 - slot] if g.ops[i] in optypes.BROADCAST_OPS else [k for k in (1, 2) if k != slot]
        for k in partners:
            if k < 0 or k >= len(ins):
                continue
            ref = TensorRef(*ins[k])
            shape = self.shapes.shape(ref)
            if not shape:  # unknown, or a scalar: says nothing
                continue
            if _is_weight(g, ref):
                return InferredShape([-1, *shape], f"inferred from {g.ops[i]} {g.names[i]}'s constant operand "
                                     "(broadcast over a batch)")
            return InferredShape(list(shape), f"inferred from its {g.ops[i]} {g.names[i]} partner")
        return None

    def table(self) -> dict[str, Callable[[int, int], InferredShape | None]]:
        rules: dict[str, Callable[[int, int], InferredShape | None]] = {}
        rules.update(dict.fromkeys(PLAIN_MATMUL_OPS, self.matmul))
        rules.update(dict.fromkeys(BATCH_MATMUL_OPS, self.batch_matmul))
        rules.update(dict.fromkeys(CONV_OPS, self.conv))
        rules.update(dict.fromkeys(optypes.BATCH_NORM_OPS, self.batch_norm))
        rules.update(dict.fromkeys(RANK4_IMAGE_OPS | PAD_OPS | WINDOW_POOL_OPS | {"Transpose", "Slice"},
                                   self.rank_only))
        rules["Reshape"] = self.reshape
        rules.update(dict.fromkeys(optypes.AXIS_REDUCTION_OPS | {"Tile", "Unpack", "Squeeze", "StridedSlice", "Split",
                                                                 "SplitV"}, self.least_rank))
        rules["BiasAdd"] = self.bias_add
        rules.update(dict.fromkeys(CONCAT_OPS, self.concat))
        rules.update(dict.fromkeys(optypes.BROADCAST_OPS | optypes.SELECT_OPS, self.elementwise))
        return rules


def _keeps_shape(g: Graph, shapes: ShapeInference, i: int, slot: int) -> bool:
    """Whether the output of node ``i`` has the shape of its input ``slot`` (the walk goes on through it)."""
    op = g.ops[i]
    if op in optypes.SAME_SHAPE_OPS and op not in optypes.BATCH_NORM_OPS and op != "BiasAdd":
        return slot == 0
    if op in optypes.BROADCAST_OPS and len(g.inputs[i]) == 2:
        other = shapes.shape(TensorRef(*g.inputs[i][1 - slot]))
        return other is not None and all(d == 1 for d in other)  # a scalar (or all-ones) operand
    return False


def _merge(base: list[int], more: list[int]) -> list[int]:
    return [b if b >= 0 else m for b, m in zip(base, more, strict=True)]


def shape_from_consumers(g: Graph, shapes: ShapeInference, ref: TensorRef, declared: Shape) -> InferredShape | None:
    """A shape for ``ref`` (an input) from what its consumers need, when the graph leaves its rank or some
    dimensions open; None when no consumer tells more than ``declared``."""
    if declared is not None and all(d >= 0 for d in declared):
        return None
    rules = _Rules(g, shapes).table()
    found: list[InferredShape] = []
    frontier, seen, visits = [ref], {ref}, 0
    for _ in range(_MAX_HOPS):
        nxt: list[TensorRef] = []
        for tensor in frontier:
            for dst, slot, port in g.consumers[tensor.node]:
                if port != tensor.port or visits >= _MAX_VISITS:
                    continue
                visits += 1
                rule = rules.get(g.ops[dst])
                hit = rule(dst, slot) if rule is not None else None
                if hit is not None and (declared is None or len(hit.shape) == len(declared)):
                    found.append(hit)
                if _keeps_shape(g, shapes, dst, slot) and TensorRef(dst, 0) not in seen:
                    seen.add(TensorRef(dst, 0))
                    nxt.append(TensorRef(dst, 0))
        if any(not hit.at_least for hit in found):
            break
        frontier = nxt
    exact = [hit for hit in found if not hit.at_least]
    if not exact and found:  # only lower bounds: the largest of them
        exact = sorted(found, key=lambda hit: -len(hit.shape))
    if not exact:
        return None
    first = exact[0]
    shape = list(declared) if declared is not None else list(first.shape)
    reasons: list[str] = []
    for hit in exact:
        if len(hit.shape) != len(shape):
            continue
        merged = _merge(shape, hit.shape)
        if merged != shape or (declared is None and not reasons):
            reasons.append(hit.reason)
        shape = merged
    if declared is not None and shape == declared:
        return None
    return InferredShape(shape, "; ".join(reasons))
