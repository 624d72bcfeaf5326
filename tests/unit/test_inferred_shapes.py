"""Input shapes the graph leaves open, read from a reshape that keeps the input's own leading dimensions
(no TensorFlow): ``tf.reshape(x, [tf.shape(x)[0], 28, 28])`` says x holds 784 values per row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tensorboard.compat.proto import graph_pb2, types_pb2

from tfscout.inspector import inspect_model


def _graph(own_dim: bool) -> Any:
    g = graph_pb2.GraphDef()

    def node(name: str, op: str, *inputs: str, dtype: int = types_pb2.DT_FLOAT) -> Any:
        n = g.node.add(name=name, op=op)
        n.input.extend(inputs)
        n.attr["dtype" if op in ("Placeholder", "Const") else "T"].type = dtype
        return n

    def ints(name: str, *values: int, scalar: bool = False) -> None:
        n = node(name, "Const", dtype=types_pb2.DT_INT32)
        t = n.attr["value"].tensor
        t.dtype = types_pb2.DT_INT32
        if not scalar:
            t.tensor_shape.dim.add(size=len(values))
        t.int_val.extend(values)

    node("pixels", "Placeholder")
    node("other", "Placeholder")
    node("shape", "Shape", "pixels" if own_dim else "other")
    ints("begin", 0)
    ints("end", 1)
    ints("step", 1)
    node("batch", "StridedSlice", "shape", "begin", "end", "step", dtype=types_pb2.DT_INT32)
    g.node[-1].attr["shrink_axis_mask"].i = 1
    ints("rows", 28, scalar=True)
    ints("cols", 28, scalar=True)
    node("target", "Pack", "batch", "rows", "cols", dtype=types_pb2.DT_INT32)
    node("image", "Reshape", "pixels", "target")
    node("flat", "Reshape", "image", "target")
    node("other_out", "Identity", "other")
    node("sum", "Sum", "image", "begin")
    return g


def _shapes(tmp_path: Path, own_dim: bool) -> dict[str, Any]:
    path = tmp_path / "reshape.pb"
    path.write_bytes(_graph(own_dim).SerializeToString())
    return {c.name: (c.shape, " ".join(c.reasons)) for c in inspect_model(path).inputs}


def test_a_reshape_that_keeps_the_batch_gives_the_rows_size(tmp_path: Path) -> None:
    shape, why = _shapes(tmp_path, own_dim=True)["pixels:0"]
    assert shape == [-1, 784]
    assert "Reshape image" in why and "784" in why


def test_a_batch_taken_from_another_tensor_tells_nothing(tmp_path: Path) -> None:
    shape, _ = _shapes(tmp_path, own_dim=False)["pixels:0"]
    assert shape is None


def _lone_consumer(op: str, axis_input: list[int] | None = None, **attrs: Any) -> Any:
    g = graph_pb2.GraphDef()
    x = g.node.add(name="x", op="Placeholder")
    x.attr["dtype"].type = types_pb2.DT_FLOAT
    inputs = ["x"]
    if axis_input is not None:
        c = g.node.add(name="axes", op="Const")
        c.attr["dtype"].type = types_pb2.DT_INT32
        c.attr["value"].tensor.dtype = types_pb2.DT_INT32
        c.attr["value"].tensor.tensor_shape.dim.add(size=len(axis_input))
        c.attr["value"].tensor.int_val.extend(axis_input)
        inputs.append("axes")
    n = g.node.add(name="y", op=op)
    n.input.extend(inputs)
    n.attr["T"].type = types_pb2.DT_FLOAT
    for key, value in attrs.items():
        n.attr[key].i = value
    return g


@pytest.mark.parametrize(("op", "axes", "attrs", "shape"), [
    ("Sum", [1], {}, [-1, -1]),
    ("Tile", [1, 2, 1], {}, [-1, -1, -1]),
    ("Unpack", None, {"axis": 1, "num": 5}, [-1, 5]),
    ("Sum", [-1], {}, None),
], ids=["a reduction's axis bounds the rank", "Tile's multiples fix it", "Unpack's axis and count",
        "a negative axis tells nothing"])
def test_axes_of_the_consumer_give_the_rank(tmp_path: Path, op: str, axes: list[int] | None,
                                            attrs: dict[str, int], shape: list[int] | None) -> None:
    path = tmp_path / "axes.pb"
    path.write_bytes(_lone_consumer(op, axes, **attrs).SerializeToString())
    found = {c.name: c for c in inspect_model(path).inputs}["x:0"]
    assert found.shape == shape
    if shape is not None:
        assert op in " ".join(found.reasons)
