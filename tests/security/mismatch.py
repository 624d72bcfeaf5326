"""Pairs of a TF1 graph and an ONNX model that agree on what a weak verification feeds, and differ
elsewhere: at a batch larger than 1, in the shape, or on negative numbers.

Each pair is written as ``NAME.pb`` and ``NAME.onnx`` (tensors ``x:0`` -> ``y:0``), with ``NAME.good.onnx``,
a faithful ONNX model of the same graph, so that a test can show the verification tells them apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.graphdefs import GraphBuilder


@dataclass(frozen=True)
class Mismatch:
    name: str
    what: str
    build: Callable[[], tuple[GraphBuilder, Any, Any]]  # (TF graph, wrong ONNX graph, faithful ONNX graph)


def _onnx_graph(nodes: list[Any], dtype: int, in_shape: list[Any], out_shape: list[Any],
                initializers: list[Any]) -> Any:
    from onnx import helper

    return helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x:0", dtype, in_shape)],
                             [helper.make_tensor_value_info("y:0", dtype, out_shape)], initializers)


def _doubled(wrong_tail: list[Any], wrong_shape: list[Any]) -> tuple[GraphBuilder, Any, Any]:
    from onnx import TensorProto, helper

    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 3])
    b.op("y", "Mul", [x, b.const("two", 2.0)])
    two = helper.make_tensor("two", TensorProto.FLOAT, [], [2.0])
    double = helper.make_node("Mul", ["x:0", "two"], ["doubled" if wrong_tail else "y:0"])
    good = _onnx_graph([helper.make_node("Mul", ["x:0", "two"], ["y:0"])], TensorProto.FLOAT, ["N", 3], ["N", 3],
                       [two])
    return b, _onnx_graph([double, *wrong_tail], TensorProto.FLOAT, ["N", 3], wrong_shape, [two]), good


def transposed() -> tuple[GraphBuilder, Any, Any]:
    from onnx import helper

    return _doubled([helper.make_node("Transpose", ["doubled"], ["y:0"], perm=[1, 0])], [3, "N"])


def first_row() -> tuple[GraphBuilder, Any, Any]:
    from onnx import TensorProto, helper

    ints = [helper.make_tensor(n, TensorProto.INT64, [1], [v]) for n, v in (("start", 0), ("end", 1), ("axis", 0))]
    b, wrong, good = _doubled([helper.make_node("Slice", ["doubled", "start", "end", "axis"], ["y:0"])], [1, 3])
    wrong.initializer.extend(ints)
    return b, wrong, good


def _integer_graph(op: str, dtype: str) -> GraphBuilder:
    b = GraphBuilder()
    x = b.placeholder("x", dtype=dtype, shape=[-1, 4])
    b.op("y", op, [x, b.const("three", 3 if dtype == "int32" else 3.0, dtype=dtype)], t=dtype)
    return b


def _floor_through_float(dtype: int, cast_back: bool) -> list[Any]:
    """Faithful floor division: floor(float(x) / 3), back to the integer type when ``cast_back``."""
    from onnx import TensorProto, helper

    nodes = [helper.make_node("Cast", ["x:0"], ["xf"], to=TensorProto.FLOAT)] if cast_back else []
    nodes += [helper.make_node("Div", ["xf" if cast_back else "x:0", "three_f"], ["q"]),
              helper.make_node("Floor", ["q"], ["f" if cast_back else "y:0"])]
    if cast_back:
        nodes.append(helper.make_node("Cast", ["f"], ["y:0"], to=dtype))
    return nodes


def floordiv_int() -> tuple[GraphBuilder, Any, Any]:
    """ONNX Div truncates integers toward zero: -7 / 3 = -2 where TensorFlow's FloorDiv gives -3."""
    from onnx import TensorProto, helper

    three = helper.make_tensor("three", TensorProto.INT32, [], [3])
    three_f = helper.make_tensor("three_f", TensorProto.FLOAT, [], [3.0])
    wrong = _onnx_graph([helper.make_node("Div", ["x:0", "three"], ["y:0"])], TensorProto.INT32, ["N", 4],
                        ["N", 4], [three])
    good = _onnx_graph(_floor_through_float(TensorProto.INT32, True), TensorProto.INT32, ["N", 4], ["N", 4],
                       [three_f])
    return _integer_graph("FloorDiv", "int32"), wrong, good


def floormod_int() -> tuple[GraphBuilder, Any, Any]:
    """ONNX Mod with fmod=1 takes the sign of the dividend: -7 mod 3 = -1 where FloorMod gives 2."""
    from onnx import TensorProto, helper

    three = helper.make_tensor("three", TensorProto.INT32, [], [3])
    wrong = _onnx_graph([helper.make_node("Mod", ["x:0", "three"], ["y:0"], fmod=1)], TensorProto.INT32,
                        ["N", 4], ["N", 4], [three])
    good = _onnx_graph([helper.make_node("Mod", ["x:0", "three"], ["y:0"], fmod=0)], TensorProto.INT32,
                       ["N", 4], ["N", 4], [three])
    return _integer_graph("FloorMod", "int32"), wrong, good


def floordiv_float() -> tuple[GraphBuilder, Any, Any]:
    """Truncating x / 3 through an integer cast agrees with floor only for x >= 0."""
    from onnx import TensorProto, helper

    three = helper.make_tensor("three_f", TensorProto.FLOAT, [], [3.0])
    wrong = _onnx_graph([helper.make_node("Div", ["x:0", "three_f"], ["q"]),
                         helper.make_node("Cast", ["q"], ["t"], to=TensorProto.INT64),
                         helper.make_node("Cast", ["t"], ["y:0"], to=TensorProto.FLOAT)],
                        TensorProto.FLOAT, ["N", 4], ["N", 4], [three])
    good = _onnx_graph(_floor_through_float(TensorProto.FLOAT, False), TensorProto.FLOAT, ["N", 4], ["N", 4],
                       [three])
    return _integer_graph("FloorDiv", "float32"), wrong, good


MISMATCHES = [
    Mismatch("transposed", "the ONNX output is the transpose of TensorFlow's ([N,3] against [3,N])", transposed),
    Mismatch("first_row", "the ONNX output is only the first row of TensorFlow's", first_row),
    Mismatch("floordiv_int", "integer FloorDiv as ONNX Div, which truncates negative quotients", floordiv_int),
    Mismatch("floormod_int", "integer FloorMod as ONNX Mod with fmod=1 (the dividend's sign)", floormod_int),
    Mismatch("floordiv_float", "float FloorDiv as a truncating cast", floordiv_float),
]


def write_pair(mismatch: Mismatch, folder: Path) -> tuple[Path, Path, Path]:
    """``NAME.pb``, the wrong ``NAME.onnx`` and the faithful ``NAME.good.onnx``."""
    import onnx
    from onnx import helper

    folder.mkdir(parents=True, exist_ok=True)
    graph, wrong, good = mismatch.build()
    tf_path = graph.write(folder / f"{mismatch.name}.pb")
    paths = []
    for suffix, onnx_graph in (("onnx", wrong), ("good.onnx", good)):
        model = helper.make_model(onnx_graph, opset_imports=[helper.make_opsetid("", 15)])
        onnx.checker.check_model(model, full_check=True)
        path = folder / f"{mismatch.name}.{suffix}"
        onnx.save(model, str(path))
        paths.append(path)
    return tf_path, paths[0], paths[1]
