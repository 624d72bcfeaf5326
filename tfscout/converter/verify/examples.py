"""Serialized tf.Examples for a string input that feeds ParseExample (Estimator and TFX exports).

Random strings cannot be parsed, so the input is fed what the graph expects: one tf.Example per element,
holding every dense key (with its dtype and shape from ``Tdense`` and ``dense_shapes``), every sparse key
and every ragged key (one value of its type). Runs in the freeze child (TensorFlow is imported here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PARSE_EXAMPLE_OPS = frozenset({"ParseExample", "ParseExampleV2", "ParseSingleExample"})
_THROUGH = frozenset({"Identity", "Reshape", "Squeeze", "ExpandDims"})


@dataclass
class ExampleSpec:
    """The features one ParseExample op reads: key -> (dtype name, shape)."""

    dense: dict[str, tuple[str, list[int]]] = field(default_factory=dict)
    sparse: dict[str, str] = field(default_factory=dict)  # key -> dtype name (also ragged keys)


def _strings(tensor: Any) -> list[str]:
    from tensorflow.python.framework import tensor_util

    value = tensor_util.constant_value(tensor)
    if value is None:
        return []
    flat = value.reshape(-1) if hasattr(value, "reshape") else [value]
    return [v.decode() if isinstance(v, bytes) else str(v) for v in flat]


def _parse_op(tensor: Any) -> Any:
    frontier = [tensor]
    for _ in range(3):
        nxt = []
        for t in frontier:
            for op in t.consumers():
                if op.type in PARSE_EXAMPLE_OPS and op.inputs[0] is t:
                    return op
                if op.type in _THROUGH and op.inputs[0] is t:
                    nxt.extend(op.outputs)
        frontier = nxt
    return None


def _dtype_names(op: Any, key: str) -> list[str]:
    try:
        return [t.name for t in op.get_attr(key)]
    except ValueError:
        return []


def parse_spec(tensor: Any) -> ExampleSpec | None:
    """The feature spec of the ParseExample op ``tensor`` feeds (through identities and reshapes), or None."""
    op = _parse_op(tensor)
    if op is None:
        return None
    spec = ExampleSpec()
    shapes = [list(s) if s is not None else [] for s in (_shape(s) for s in op.get_attr("dense_shapes"))]
    dense_types = _dtype_names(op, "Tdense")
    sparse_types = _dtype_names(op, "sparse_types")
    if op.type == "ParseExample":
        nsparse, ndense = op.get_attr("Nsparse"), op.get_attr("Ndense")
        sparse_keys = [k for t in op.inputs[2:2 + nsparse] for k in _strings(t)]
        dense_keys = [k for t in op.inputs[2 + nsparse:2 + nsparse + ndense] for k in _strings(t)]
    elif op.type == "ParseExampleV2":
        sparse_keys, dense_keys = _strings(op.inputs[2]), _strings(op.inputs[3])
        for key, kind in zip(_strings(op.inputs[4]), _dtype_names(op, "ragged_value_types"), strict=False):
            spec.sparse[key] = kind
    else:
        sparse_keys, dense_keys = list(op.get_attr("sparse_keys")), list(op.get_attr("dense_keys"))
        sparse_keys = [k.decode() if isinstance(k, bytes) else k for k in sparse_keys]
        dense_keys = [k.decode() if isinstance(k, bytes) else k for k in dense_keys]
    for key, kind in zip(sparse_keys, sparse_types, strict=False):
        spec.sparse[key] = kind
    for key, kind, shape in zip(dense_keys, dense_types, shapes, strict=False):
        spec.dense[key] = (kind, shape)
    return spec


def _shape(proto: Any) -> list[int] | None:
    from tensorflow.python.framework import tensor_shape

    shape = tensor_shape.TensorShape(proto)
    if shape.rank is None:
        return None
    return [d if d is not None else 1 for d in shape.as_list()]


def _feature(kind: str, count: int, rng: Any, wide: bool) -> Any:
    import tensorflow as tf

    if kind == "string":
        return tf.train.Feature(bytes_list=tf.train.BytesList(value=[f"v{int(rng.integers(0, 4))}".encode()
                                                                     for _ in range(count)]))
    if kind in ("int64", "int32"):
        high = 1000 if wide else 8
        return tf.train.Feature(int64_list=tf.train.Int64List(value=rng.integers(-high, high + 1, size=count)))
    scale = 100.0 if wide else 1.0
    return tf.train.Feature(float_list=tf.train.FloatList(value=rng.uniform(-scale, scale, size=count)))


def serialized_examples(spec: ExampleSpec, shape: list[int], rng: Any, draw: Any) -> Any:
    """An array of ``shape`` of serialized tf.Examples holding every feature of ``spec``."""
    import numpy as np
    import tensorflow as tf

    count = int(np.prod(shape)) if shape else 1
    wide = draw.values == "wide"
    out = []
    for _ in range(count):
        features = {key: _feature(kind, int(np.prod(dims)) if dims else 1, rng, wide)
                    for key, (kind, dims) in spec.dense.items()}
        features.update({key: _feature(kind, 1, rng, wide) for key, kind in spec.sparse.items()})
        example = tf.train.Example(features=tf.train.Features(feature=features))
        out.append(example.SerializeToString())
    return np.array(out, dtype=object).reshape(shape)


class ParsedInputs:
    """Values for inputs cut at ParseExample outputs that agree with each other (a sparse feature's
    indices, values and dense shape): serialized tf.Examples of the op's spec, parsed by the op itself in
    the original graph (its serialized input and its constant keys and defaults, nothing else)."""

    def __init__(self, graph_def_bytes: bytes, inputs: list[Any]) -> None:
        self.by_parser: dict[str, list[tuple[int, int]]] = {}  # parse node -> [(input index, port)]
        for k, spec in enumerate(inputs):
            node, _, port = spec.name.rpartition(":")
            if spec.kind == "cut" and spec.op in PARSE_EXAMPLE_OPS:
                self.by_parser.setdefault(node, []).append((k, int(port)))
        self.graph: Any = None
        if self.by_parser:
            self.graph = _parsers_graph(graph_def_bytes, list(self.by_parser))

    def __bool__(self) -> bool:
        return self.graph is not None

    def values(self, batch: int, rng: Any, draw: Any) -> dict[int, Any]:
        """Input index -> value, for every cut input of a ParseExample op."""
        import tensorflow as tf

        out: dict[int, Any] = {}
        with tf.compat.v1.Session(graph=self.graph) as sess:
            for node, wanted in self.by_parser.items():
                op = self.graph.get_operation_by_name(node)
                serialized = op.inputs[0]
                spec = parse_spec(serialized) or ExampleSpec()
                shape = [] if op.type == "ParseSingleExample" else [batch]
                examples = serialized_examples(spec, shape, rng, draw)
                fetched = sess.run([op.outputs[port] for _k, port in wanted], {serialized: examples})
                out.update({k: value for (k, _port), value in zip(wanted, fetched, strict=True)})
        return out


def data_subgraph(graph_def: Any, outputs: list[str]) -> Any:
    """A copy of the nodes ``outputs`` (node or tensor names) need as data, control inputs and devices
    dropped, in the original order."""
    nodes = {n.name: n for n in graph_def.node}
    needed: set[str] = set()
    stack = [o.split(":")[0] for o in outputs]
    while stack:
        name = stack.pop()
        if name in needed or name not in nodes:
            continue
        needed.add(name)
        stack.extend(i.lstrip("^").split(":")[0] for i in nodes[name].input if not i.startswith("^"))
    out = type(graph_def)()
    out.versions.CopyFrom(graph_def.versions)
    out.library.CopyFrom(graph_def.library)
    for node in graph_def.node:
        if node.name in needed:
            copy = out.node.add()
            copy.CopyFrom(node)
            copy.device = ""
            del copy.input[:]
            copy.input.extend(i for i in node.input if not i.startswith("^"))
    return out


def _parsers_graph(graph_def_bytes: bytes, nodes: list[str]) -> Any:
    import tensorflow as tf

    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(graph_def_bytes)
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(data_subgraph(graph_def, nodes), name="")
    return graph
