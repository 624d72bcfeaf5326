"""A frozen graph with big constants is inspected without loading the constants' values."""

from __future__ import annotations

import os
from pathlib import Path

from tests.graphdefs import GraphBuilder
from tfscout.inspector import analyse_path, inspect_model, load_source
from tfscout.inspector.load import LAZY_MIN_FILE_BYTES


def _heavy_graph(path: Path, layers: int, units: int) -> Path:
    b = GraphBuilder()
    prev = b.placeholder("x", shape=[-1, units])
    for i in range(layers):
        node = b.graph.node.add()
        node.name, node.op = f"layer{i}/w", "Const"
        node.attr["dtype"].type = 1
        tensor = node.attr["value"].tensor
        tensor.dtype = 1
        tensor.tensor_shape.dim.add().size = units
        tensor.tensor_shape.dim.add().size = units
        tensor.tensor_content = os.urandom(4 * units * units)
        prev = b.op(f"layer{i}/Relu", "Relu", [b.op(f"layer{i}/MatMul", "MatMul", [prev, node.name])])
    b.op("probabilities", "Softmax", [prev])
    return b.write(path)


def test_big_constants_stay_on_disk(tmp_path: Path) -> None:
    path = _heavy_graph(tmp_path / "frozen.pb", layers=12, units=1024)  # 48 MB of weights
    assert path.stat().st_size >= LAZY_MIN_FILE_BYTES
    report = inspect_model(path)
    assert [c.name for c in report.outputs if c.recommended] == ["probabilities:0"]
    assert [c.shape for c in report.outputs if c.recommended] == [[-1, 1024]]
    assert report.constants_on_disk == 12
    assert report.constant_bytes_on_disk == 12 * 4 * 1024 * 1024
    graph = analyse_path(path).graph
    weight = graph.node(graph.index["layer3/w"])
    assert weight.attr["value"].tensor.tensor_content == b""
    assert [d.size for d in weight.attr["value"].tensor.tensor_shape.dim] == [1024, 1024]


def test_a_full_load_keeps_every_value(tmp_path: Path) -> None:
    path = _heavy_graph(tmp_path / "frozen.pb", layers=9, units=1024)
    source = load_source(path)
    assert source.elided_constants == {}
    node = next(n for n in source.graph_def.node if n.name == "layer0/w")
    assert len(node.attr["value"].tensor.tensor_content) == 4 * 1024 * 1024


def test_small_files_are_read_whole(tmp_path: Path) -> None:
    path = _heavy_graph(tmp_path / "small.pb", layers=2, units=256)
    assert load_source(path, lazy_constants=True).elided_constants == {}
