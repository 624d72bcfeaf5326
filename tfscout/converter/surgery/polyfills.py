"""Polyfills: ops tf2onnx 1.17 has no handler for, rewritten into ops it converts, before tf2onnx runs.

Each rewrite keeps the node's name on its last node, so consumers, outputs and the comparison along the
path are unchanged; the helper nodes live under ``NAME/tfscout_polyfill/``. Only what ONNX expresses
exactly is here (``Erfc`` within float32 rounding of ``1 - erf``): the precise forms of log1p and expm1
(Kahan's: ``log(u) * x / (u - 1)`` with ``u = 1 + x``, and ``(u - 1) * x / log(u)`` with ``u = exp(x)``)
keep tiny arguments exact, and the special cases (0, infinities, NaN) follow TensorFlow's kernels. The
reference run uses the original graph, so verification compares every polyfill with TensorFlow's own op.
:data:`POLYFILLS` must list exactly ``optypes.POLYFILLED_OPS`` (the pre-check's "convert will polyfill it").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tfscout.converter.surgery.graphedit import DTYPE_ENUMS, GraphEdit
from tfscout.converter.surgery.repairs import SurgeryLog
from tfscout.inspector import dtype_name

FLOAT_TYPES = frozenset({"float16", "float32", "float64", "bfloat16"})
SIGNED_INT_TYPES = frozenset({"int8", "int16", "int32", "int64"})
INT_TYPES = SIGNED_INT_TYPES | frozenset({"uint8", "uint16", "uint32", "uint64"})


class Rewrite:
    """Builds the replacement of one node: helper nodes, then the last one under the node's own name."""

    def __init__(self, edit: GraphEdit, node: Any) -> None:
        self.edit = edit
        self.name = str(node.name)
        self.inputs = [str(i) for i in node.input if not i.startswith("^")]
        self.controls = [str(i) for i in node.input if i.startswith("^")]
        self.attrs = {key: node.attr[key] for key in node.attr}
        self.op_type = str(node.op)
        self.dtype = (dtype_name(node.attr["T"].type) if "T" in node.attr else None) or "float32"
        self.count = 0
        edit.remove([self.name])

    def op(self, op: str, inputs: list[str], last: bool = False, typed: bool = True, **attrs: Any) -> str:
        """A node ``op`` of ``inputs`` (T = the node's dtype unless ``typed`` is false); its tensor name."""
        if last:
            name = self.name
        else:
            self.count += 1
            name = self.edit.unique_name(f"{self.name}/tfscout_polyfill/{op}_{self.count}")
        node = self.edit.new_node(name, op, inputs + (self.controls if last else []))
        if typed:
            node.attr["T"].type = DTYPE_ENUMS[self.dtype]
        for key, value in attrs.items():
            if isinstance(value, bool):
                node.attr[key].b = value
            elif isinstance(value, int):
                node.attr[key].i = value
            elif isinstance(value, str):
                node.attr[key].type = DTYPE_ENUMS[value]
            else:
                node.attr[key].CopyFrom(value)
        return f"{name}:0"

    def const(self, value: Any, dtype: str | None = None) -> str:
        self.count += 1
        name = self.edit.unique_name(f"{self.name}/tfscout_polyfill/Const_{self.count}")
        self.edit.make_const(name, value, dtype or self.dtype)
        return f"{name}:0"

    def equal(self, a: str, b: str, dtype: str | None = None) -> str:
        node = self.op("Equal", [a, b], typed=False, T=dtype or self.dtype)
        self.edit.nodes[node.split(":")[0]].attr["incompatible_shape_error"].b = True
        return node

    def select(self, cond: str, a: str, b: str, last: bool = False) -> str:
        """SelectV2. tf2onnx 1.17 turns a float select into cond * a + (1 - cond) * b, a NaN wherever the branch
        not taken is infinite or NaN, unless the condition is an IsInf or IsNaN node: for floats the condition
        is given as IsInf(Cast(cond) * inf) (1 * inf is inf, 0 * inf is NaN), which tf2onnx makes a Where."""
        if self.dtype in FLOAT_TYPES:
            flag = self.op("Cast", [cond], typed=False, SrcT="bool", DstT="float32", Truncate=False)
            scaled = self.op("Mul", [flag, self.const(float("inf"), "float32")], typed=False, T="float32")
            cond = self.op("IsInf", [scaled], typed=False, T="float32")
        return self.op("SelectV2", [cond, a, b], last=last)


def _log1p_of(r: Rewrite, x: str, last: bool) -> str:
    u = r.op("AddV2", [x, r.const(1.0)])
    d = r.op("Sub", [u, r.const(1.0)])
    kahan = r.op("Mul", [r.op("Log", [u]), r.op("RealDiv", [x, d])])
    keep_x = r.op("LogicalOr", [r.equal(d, r.const(0.0)), r.equal(u, r.const(float("inf")))], typed=False)
    return r.select(keep_x, x, kahan, last=last)


def log1p(r: Rewrite) -> None:
    _log1p_of(r, r.inputs[0], True)


def expm1(r: Rewrite) -> None:
    x = r.inputs[0]
    u = r.op("Exp", [x])
    um1 = r.op("Sub", [u, r.const(1.0)])
    kahan = r.op("Mul", [um1, r.op("RealDiv", [x, r.op("Log", [u])])])
    ends = r.op("LogicalOr", [r.equal(um1, r.const(-1.0)), r.equal(u, r.const(float("inf")))], typed=False)
    r.select(r.equal(u, r.const(1.0)), x, r.select(ends, um1, kahan), last=True)


def erfc(r: Rewrite) -> None:
    r.op("Sub", [r.const(1.0), r.op("Erf", [r.inputs[0]])], last=True)


def _zero_where(r: Rewrite, test: str, value: str) -> None:
    """0 where ``test`` is zero, ``value`` elsewhere (TensorFlow's x == 0 and y == 0 rules)."""
    r.select(r.equal(test, r.const(0.0)), r.const(0.0), value, last=True)


def xlogy(r: Rewrite) -> None:
    x, y = r.inputs[:2]
    _zero_where(r, x, r.op("Mul", [x, r.op("Log", [y])]))


def xlog1py(r: Rewrite) -> None:
    x, y = r.inputs[:2]
    _zero_where(r, x, r.op("Mul", [x, _log1p_of(r, y, False)]))


def xdivy(r: Rewrite) -> None:
    x, y = r.inputs[:2]
    _zero_where(r, x, r.op("RealDiv", [x, y]))


def mul_no_nan(r: Rewrite) -> None:
    x, y = r.inputs[:2]
    _zero_where(r, y, r.op("Mul", [x, y]))


def reciprocal(r: Rewrite) -> None:
    r.op("Reciprocal", [r.inputs[0]], last=True)


def truncate_mod(r: Rewrite) -> None:
    """The remainder of a truncating integer division (C's ``%``): the dividend's sign."""
    x, y = r.inputs[:2]
    r.op("Sub", [x, r.op("Mul", [r.op("TruncateDiv", [x, y]), y])], last=True)


def _truncated(r: Rewrite) -> tuple[str, str, str]:
    """(quotient, remainder, whether floor rounding moves them) of a truncating integer division."""
    x, y = r.inputs[:2]
    quotient = r.op("TruncateDiv", [x, y])
    remainder = r.op("Sub", [x, r.op("Mul", [quotient, y])])
    zero = r.const(0, r.dtype)
    signs_differ = r.op("NotEqual", [r.op("Less", [remainder, zero]), r.op("Less", [y, zero])], typed=False, T="bool")
    moves = r.op("LogicalAnd", [r.op("NotEqual", [remainder, zero]), signs_differ], typed=False)
    return quotient, remainder, moves


def floor_div(r: Rewrite) -> None:
    """Integer FloorDiv rounds toward minus infinity (-7 // 3 = -3); tf2onnx 1.17 emits a truncating Div."""
    quotient, _remainder, moves = _truncated(r)
    r.op("Sub", [quotient, r.op("Cast", [moves], typed=False, SrcT="bool", DstT=r.dtype, Truncate=False)], last=True)


def floor_mod(r: Rewrite) -> None:
    """Integer FloorMod takes the divisor's sign (-7 mod 3 = 2); tf2onnx 1.17 takes the dividend's."""
    _quotient, remainder, moves = _truncated(r)
    shift = r.op("Mul", [r.op("Cast", [moves], typed=False, SrcT="bool", DstT=r.dtype, Truncate=False),
                         r.inputs[1]])
    r.op("AddV2", [remainder, shift], last=True)


def behind_identity(r: Rewrite) -> None:
    """The same op under another name, then an Identity of the node's name: tf2onnx 1.17's AsString handler
    fails when its output is an output of the model ("output tensor ... already exists")."""
    node = r.edit.new_node(r.edit.unique_name(f"{r.name}/tfscout_polyfill/{r.op_type}"), r.op_type, r.inputs)
    for key, value in r.attrs.items():
        node.attr[key].CopyFrom(value)
    r.dtype = "string"
    r.op("Identity", [f"{node.name}:0"], last=True)


def one_hot(r: Rewrite) -> None:
    """TensorFlow's OneHot gives a row of off values for a negative index (a lookup's default of -1); ONNX's
    counts a negative index from the end. Negative indices are moved past the depth, where both are off."""
    indices, depth = r.inputs[:2]
    ti = dtype_name(r.attrs["TI"].type) if "TI" in r.attrs else "int64"
    negative = r.op("Less", [indices, r.const(0, ti)], typed=False, T=ti)
    past = r.op("Cast", [depth], typed=False, SrcT="int32", DstT=ti, Truncate=False)
    moved = r.op("SelectV2", [negative, past, indices], typed=False, T=ti)
    r.op("OneHot", [moved, *r.inputs[1:]], last=True, typed=False,
         **{key: r.attrs[key] for key in ("T", "TI", "axis") if key in r.attrs})


def approximate_equal(r: Rewrite) -> None:
    x, y = r.inputs[:2]
    tolerance = r.attrs["tolerance"].f if "tolerance" in r.attrs else 1e-5
    r.op("Less", [r.op("Abs", [r.op("Sub", [x, y])]), r.const(tolerance)], last=True)


def bucketize(r: Rewrite) -> None:
    """The number of boundaries <= x; a NaN goes past every boundary, as in TensorFlow's upper_bound."""
    import numpy as np

    x, kind = r.inputs[0], r.dtype
    if kind in INT_TYPES:  # compared as C++ compares an integer with a float boundary
        x = r.op("Cast", [x], typed=False, SrcT=kind, DstT="float32", Truncate=False)
        kind = "float32"
    boundaries = np.array(list(r.attrs["boundaries"].list.f), dtype=np.float32).astype(kind)
    wide = r.op("ExpandDims", [x, r.const(-1, "int32")], typed=False, T=kind, Tdim="int32")
    above = r.op("GreaterEqual", [wide, r.const(boundaries, kind)], typed=False, T=kind)
    count = r.op("Cast", [above], typed=False, SrcT="bool", DstT="int32", Truncate=False)
    total = r.op("Sum", [count, r.const(-1, "int32")], typed=False, T="int32", Tidx="int32", keep_dims=False)
    nan = r.op("IsNan", [x], typed=False, T=kind)
    r.op("SelectV2", [nan, r.const(len(boundaries), "int32"), total], last=True, typed=False, T="int32")


def l2_loss(r: Rewrite) -> None:
    flat = r.op("Reshape", [r.inputs[0], r.const([-1], "int32")], Tshape="int32")
    total = r.op("Sum", [r.op("Square", [flat]), r.const(0, "int32")], Tidx="int32", keep_dims=False)
    r.op("Mul", [total, r.const(0.5)], last=True)


def euclidean_norm(r: Rewrite) -> None:
    keep = bool(r.attrs["keep_dims"].b) if "keep_dims" in r.attrs else False
    tidx = dtype_name(r.attrs["Tidx"].type) if "Tidx" in r.attrs else "int32"
    total = r.op("Sum", [r.op("Square", [r.inputs[0]]), r.inputs[1]], Tidx=tidx, keep_dims=keep)
    r.op("Sqrt", [total], last=True)


def reverse(r: Rewrite) -> None:
    """The old Reverse (a bool per dimension) as ReverseV2 (the axes): needs constant dims."""
    axes = [k for k, flip in enumerate(r.attrs["_tfscout_dims"].list.b) if flip]
    r.op("ReverseV2", [r.inputs[0], r.const(axes, "int32")], last=True, Tidx="int32")


def identity(r: Rewrite) -> None:
    r.op("Identity", [r.inputs[0]], last=True)


def accumulate(r: Rewrite) -> None:
    r.op("AddN", list(r.inputs), last=True, N=len(r.inputs))


# Op type -> (rewrite, the dtypes it is exact for; None for any).
POLYFILLS: dict[str, tuple[Callable[[Rewrite], None], frozenset[str] | None]] = {
    "Log1p": (log1p, FLOAT_TYPES),
    "Expm1": (expm1, FLOAT_TYPES),
    "Erfc": (erfc, FLOAT_TYPES),
    "Xlogy": (xlogy, FLOAT_TYPES),
    "Xlog1py": (xlog1py, FLOAT_TYPES),
    "Xdivy": (xdivy, FLOAT_TYPES),
    "MulNoNan": (mul_no_nan, FLOAT_TYPES),
    "Inv": (reciprocal, None),
    "Mod": (truncate_mod, INT_TYPES),  # a float remainder of a huge quotient is not exact in ONNX's ops
    "TruncateMod": (truncate_mod, INT_TYPES),
    "ApproximateEqual": (approximate_equal, FLOAT_TYPES),
    "Bucketize": (bucketize, frozenset({"float32", "float64", "int32", "int64"})),
    "L2Loss": (l2_loss, FLOAT_TYPES),
    "EuclideanNorm": (euclidean_norm, FLOAT_TYPES),
    "Reverse": (reverse, None),
    "Snapshot": (identity, None),
    "PreventGradient": (identity, None),
    "AccumulateNV2": (accumulate, None),
}


# Ops tf2onnx 1.17 converts, but wrongly for some dtypes: rewritten the same way (and verified the same way).
CORRECTIONS: dict[str, tuple[Callable[[Rewrite], None], frozenset[str] | None]] = {
    "FloorDiv": (floor_div, SIGNED_INT_TYPES),
    "FloorMod": (floor_mod, SIGNED_INT_TYPES),
    "AsString": (behind_identity, None),
    "OneHot": (one_hot, None),
}


def _constant_dims(edit: GraphEdit, node: Any) -> list[bool] | None:
    """Reverse's second input, when it is a constant."""
    ref = [i for i in node.input if not i.startswith("^")][1:2]
    source = edit.nodes.get(ref[0].split(":")[0]) if ref else None
    if source is None or source.op != "Const":
        return None
    tensor = source.attr["value"].tensor
    if tensor.tensor_content:
        return [bool(b) for b in tensor.tensor_content]
    count = tensor.tensor_shape.dim[0].size if tensor.tensor_shape.dim else len(tensor.bool_val)
    values = list(tensor.bool_val)
    return values * count if len(values) == 1 and count > 1 else values


def _rewrite_all(edit: GraphEdit, table: dict[str, tuple[Callable[[Rewrite], None], frozenset[str] | None]]
                 ) -> dict[str, list[str]]:
    done: dict[str, list[str]] = {}
    for name in list(edit.nodes):
        node = edit.nodes.get(name)
        if node is None or node.op not in table:
            continue
        rewrite, dtypes = table[node.op]
        dtype = dtype_name(node.attr["T"].type) if "T" in node.attr else None
        if dtypes is not None and dtype not in dtypes:
            continue
        if node.op == "Reverse":
            dims = _constant_dims(edit, node)
            if dims is None:
                continue
            node.attr["_tfscout_dims"].list.b.extend(dims)
        op = str(node.op)
        rewrite(Rewrite(edit, node))
        done.setdefault(op, []).append(name)
    return done


def apply_polyfills(edit: GraphEdit, log: SurgeryLog) -> dict[str, list[str]]:
    """Rewrite every node :data:`POLYFILLS` and :data:`CORRECTIONS` cover; op type -> the nodes rewritten."""
    lacking = _rewrite_all(edit, POLYFILLS)
    wrong = _rewrite_all(edit, CORRECTIONS)
    for done, name, why in ((lacking, "polyfill ops tf2onnx lacks", "rewritten into ops tf2onnx converts"),
                            (wrong, "rewrite ops tf2onnx converts wrongly", "rewritten into ops tf2onnx converts "
                             "faithfully")):
        if done:
            log.step("repair", name, "done", f"{why}, for tf2onnx only (TensorFlow's answers come from the "
                     "original ops): "
                     + ", ".join(f"{op} ({len(nodes)})" for op, nodes in sorted(done.items())),
                     [n for nodes in done.values() for n in nodes])
    return {**lacking, **wrong}
