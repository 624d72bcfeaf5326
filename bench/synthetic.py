"""A TF1-style synthetic training graph of any size, for benchmarks.

``make_graph(n_nodes)`` builds a GraphDef shaped like what a 2017-era training script leaves
behind: placeholders for images, labels and ``keep_prob``; residual conv blocks then dense blocks
under nested name scopes (``model/stage_3/block_12/conv/...``), each with its variables and
initialisers; dropout, a softmax head and ``ArgMax`` predictions; a loss, its gradients and a
GradientDescent update per variable; summaries, ``init`` and a Saver. Attributes are those
TensorFlow expects, so the graph imports into TensorFlow (it is never meant to be run).

    python bench/synthetic.py 100000 -o /tmp/synthetic_100k.pb
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tensorboard.compat.proto import attr_value_pb2, graph_pb2, tensor_pb2, tensor_shape_pb2, types_pb2

F32, I32, I64, STRING = types_pb2.DT_FLOAT, types_pb2.DT_INT32, types_pb2.DT_INT64, types_pb2.DT_STRING
IMAGE = 8           # images are IMAGE x IMAGE x 3
CHANNELS = 4        # conv blocks keep this many channels
UNITS = 64          # dense blocks keep this many units
CLASSES = 10
BLOCKS_PER_STAGE = 50
NODES_PER_BLOCK = 28  # what one block adds, machinery included
FIXED_NODES = 60      # inputs, head, loss, optimizer, summaries and saver (a little more than needed)


def _shape(dims: Iterable[int] | None) -> tensor_shape_pb2.TensorShapeProto:
    proto = tensor_shape_pb2.TensorShapeProto()
    if dims is None:
        proto.unknown_rank = True
        return proto
    for d in dims:
        proto.dim.add().size = d
    return proto


def _attr(value: Any) -> attr_value_pb2.AttrValue:
    """An AttrValue from a Python value; ints tagged ("type", n) are DataType enums."""
    a = attr_value_pb2.AttrValue()
    if isinstance(value, tuple) and value[0] == "type":
        a.type = value[1]
    elif isinstance(value, tuple) and value[0] == "types":
        a.list.type.extend(value[1])
    elif isinstance(value, tuple) and value[0] == "shape":
        a.shape.CopyFrom(_shape(value[1]))
    elif isinstance(value, tensor_pb2.TensorProto):
        a.tensor.CopyFrom(value)
    elif isinstance(value, bool):
        a.b = value
    elif isinstance(value, int):
        a.i = value
    elif isinstance(value, float):
        a.f = value
    elif isinstance(value, str):
        a.s = value.encode()
    elif isinstance(value, list):
        a.list.i.extend(value)
    else:
        raise TypeError(f"no AttrValue for {value!r}")
    return a


def _tensor(dtype: int, values: list[Any], dims: list[int] | None = None) -> tensor_pb2.TensorProto:
    t = tensor_pb2.TensorProto(dtype=dtype)
    t.tensor_shape.CopyFrom(_shape([len(values)] if dims is None else dims))
    if dtype == F32:
        t.float_val.extend(values)
    elif dtype == I32:
        t.int_val.extend(values)
    elif dtype == I64:
        t.int64_val.extend(values)
    elif dtype == STRING:
        t.string_val.extend(v.encode() for v in values)
    return t


class _Builder:
    """Appends NodeDefs to a GraphDef; names are given in full."""

    def __init__(self) -> None:
        self.graph = graph_pb2.GraphDef()
        self.graph.versions.producer = 27
        self.variables: list[tuple[str, list[int]]] = []

    def node(self, name: str, op: str, inputs: Iterable[str] = (), **attrs: Any) -> str:
        n = self.graph.node.add()
        n.name = name
        n.op = op
        n.input.extend(inputs)
        for key, value in attrs.items():
            n.attr[key].CopyFrom(_attr(value))
        return name

    def const(self, name: str, dtype: int, values: list[Any], dims: list[int] | None = None) -> str:
        return self.node(name, "Const", dtype=("type", dtype), value=_tensor(dtype, values, dims))

    def variable(self, scope: str, dims: list[int], zeros: bool) -> str:
        """VariableV2 with its initialiser, Assign and read Identity (9 or 4 nodes); returns the read."""
        var = self.node(scope, "VariableV2", dtype=("type", F32), shape=("shape", dims),
                        container="", shared_name="")
        if zeros:
            init = self.const(f"{scope}/Initializer/zeros", F32, [0.0], dims)
        else:
            shape = self.const(f"{scope}/Initializer/truncated_normal/shape", I32, dims)
            normal = self.node(f"{scope}/Initializer/truncated_normal/TruncatedNormal", "TruncatedNormal",
                               [shape], dtype=("type", F32), T=("type", I32), seed=0, seed2=0)
            std = self.const(f"{scope}/Initializer/truncated_normal/stddev", F32, [0.1], [])
            mul = self.node(f"{scope}/Initializer/truncated_normal/mul", "Mul", [normal, std], T=("type", F32))
            mean = self.const(f"{scope}/Initializer/truncated_normal/mean", F32, [0.0], [])
            init = self.node(f"{scope}/Initializer/truncated_normal", "AddV2", [mul, mean], T=("type", F32))
        self.node(f"{scope}/Assign", "Assign", [var, init], T=("type", F32), validate_shape=True,
                  use_locking=True)
        self.variables.append((scope, dims))
        return self.node(f"{scope}/read", "Identity", [var], T=("type", F32))


def _conv_attrs() -> dict[str, Any]:
    return {"T": ("type", F32), "strides": [1, 1, 1, 1], "padding": "SAME", "data_format": "NHWC",
            "use_cudnn_on_gpu": True, "dilations": [1, 1, 1, 1], "explicit_paddings": []}


def _block(b: _Builder, scope: str, x: str, dense: bool, fan_in: int, residual: bool) -> tuple[str, dict[str, str]]:
    """One residual block: conv (or matmul) + bias + relu (+ add). Returns the output and the pieces."""
    width = UNITS if dense else CHANNELS
    w_dims = [fan_in, width] if dense else [3, 3, fan_in, width]
    w = b.variable(f"{scope}/weights", w_dims, zeros=False)
    bias = b.variable(f"{scope}/biases", [width], zeros=True)
    if dense:
        lin = b.node(f"{scope}/MatMul", "MatMul", [x, w], T=("type", F32), transpose_a=False, transpose_b=False)
    else:
        lin = b.node(f"{scope}/Conv2D", "Conv2D", [x, w], **_conv_attrs())
    pre = b.node(f"{scope}/BiasAdd", "BiasAdd", [lin, bias], T=("type", F32), data_format="NHWC")
    act = b.node(f"{scope}/Relu", "Relu", [pre], T=("type", F32))
    out = b.node(f"{scope}/add", "AddV2", [act, x], T=("type", F32)) if residual else act
    return out, {"x": x, "w": w, "lin": lin, "act": act, "scope": scope, "dense": "1" if dense else "",
                 "residual": "1" if residual else ""}


def _block_gradient(b: _Builder, piece: dict[str, str], grad: str) -> str:
    """Gradient nodes of one block (under ``gradients/``) and the GradientDescent updates."""
    g = f"gradients/{piece['scope']}"
    relu_grad = b.node(f"{g}/Relu_grad/ReluGrad", "ReluGrad", [grad, piece["act"]], T=("type", F32))
    bias_grad = b.node(f"{g}/BiasAdd_grad/BiasAddGrad", "BiasAddGrad", [relu_grad], T=("type", F32),
                       data_format="NHWC")
    if piece["dense"]:
        mm = {"T": ("type", F32)}
        x_grad = b.node(f"{g}/MatMul_grad/MatMul", "MatMul", [relu_grad, piece["w"]], transpose_a=False,
                        transpose_b=True, **mm)
        w_grad = b.node(f"{g}/MatMul_grad/MatMul_1", "MatMul", [piece["x"], relu_grad], transpose_a=True,
                        transpose_b=False, **mm)
        b.node(f"{g}/MatMul_grad/tuple/group_deps", "NoOp", [f"^{x_grad}", f"^{w_grad}"])
    else:
        sizes = b.node(f"{g}/Conv2D_grad/Shape", "Shape", [piece["x"]], T=("type", F32), out_type=("type", I32))
        x_grad = b.node(f"{g}/Conv2D_grad/Conv2DBackpropInput", "Conv2DBackpropInput",
                        [sizes, piece["w"], relu_grad], **_conv_attrs())
        fsizes = b.node(f"{g}/Conv2D_grad/Shape_1", "Shape", [piece["w"]], T=("type", F32),
                        out_type=("type", I32))
        w_grad = b.node(f"{g}/Conv2D_grad/Conv2DBackpropFilter", "Conv2DBackpropFilter",
                        [piece["x"], fsizes, relu_grad], **_conv_attrs())
    scope = piece["scope"]
    for var, delta in ((f"{scope}/weights", w_grad), (f"{scope}/biases", bias_grad)):
        b.node(f"GradientDescent/update_{var}/ApplyGradientDescent", "ApplyGradientDescent",
               [var, "GradientDescent/learning_rate", delta], T=("type", F32), use_locking=False)
    if piece["residual"]:
        return b.node(f"{g}/AddN", "AddN", [x_grad, grad], T=("type", F32), N=2)
    return x_grad


def _plan(n_nodes: int) -> tuple[int, int]:
    """(conv blocks, dense blocks) so that the graph has about ``n_nodes`` nodes."""
    blocks = max(2, (n_nodes - FIXED_NODES) // NODES_PER_BLOCK)
    conv = max(1, blocks // 2)
    return conv, max(1, blocks - conv)


def make_graph(n_nodes: int) -> graph_pb2.GraphDef:
    """A TF1 training graph with exactly ``n_nodes`` nodes (at least about 110)."""
    conv_blocks, dense_blocks = _plan(n_nodes)
    b = _Builder()
    x = b.node("inputs/images", "Placeholder", dtype=("type", F32), shape=("shape", [-1, IMAGE, IMAGE, 3]))
    labels = b.node("inputs/labels", "Placeholder", dtype=("type", I64), shape=("shape", [-1]))
    keep_prob = b.node("keep_prob", "Placeholder", dtype=("type", F32), shape=("shape", []))
    b.const("GradientDescent/learning_rate", F32, [0.01], [])
    pieces: list[dict[str, str]] = []
    fan_in = 3
    for k in range(conv_blocks + dense_blocks):
        dense = k >= conv_blocks
        if k == conv_blocks:
            target = b.const("model/flatten/shape", I32, [-1, IMAGE * IMAGE * CHANNELS])
            x = b.node("model/flatten/Reshape", "Reshape", [x, target], T=("type", F32), Tshape=("type", I32))
            fan_in = IMAGE * IMAGE * CHANNELS
        scope = f"model/stage_{k // BLOCKS_PER_STAGE}/block_{k % BLOCKS_PER_STAGE}/{'dense' if dense else 'conv'}"
        first = k == 0 or k == conv_blocks
        x, piece = _block(b, scope, x, dense, fan_in, residual=not first)
        pieces.append(piece)
        fan_in = UNITS if dense else CHANNELS
    f32 = {"T": ("type", F32)}
    shape = b.node("dropout/Shape", "Shape", [x], out_type=("type", I32), **f32)
    uniform = b.node("dropout/random_uniform/RandomUniform", "RandomUniform", [shape], dtype=("type", F32),
                     T=("type", I32), seed=0, seed2=0)
    kept = b.node("dropout/add", "AddV2", [keep_prob, uniform], **f32)
    mask = b.node("dropout/Floor", "Floor", [kept], **f32)
    scaled = b.node("dropout/truediv", "RealDiv", [x, keep_prob], **f32)
    x = b.node("dropout/mul", "Mul", [scaled, mask], **f32)
    head_w = b.variable("head/weights", [UNITS, CLASSES], zeros=False)
    head_b = b.variable("head/biases", [CLASSES], zeros=True)
    mm = b.node("head/MatMul", "MatMul", [x, head_w], transpose_a=False, transpose_b=False, **f32)
    logits = b.node("head/logits", "BiasAdd", [mm, head_b], data_format="NHWC", **f32)
    b.node("output/Softmax", "Softmax", [logits], **f32)
    b.node("output/ArgMax", "ArgMax", [logits, b.const("output/ArgMax/dimension", I32, [1], [])],
           Tidx=("type", I32), output_type=("type", I64), **f32)
    xent = b.node("loss/xent", "SparseSoftmaxCrossEntropyWithLogits", [logits, labels], Tlabels=("type", I64),
                  **f32)
    loss = b.node("loss/Mean", "Mean", [xent, b.const("loss/Const", I32, [0])], Tidx=("type", I32),
                  keep_dims=False, **f32)
    # gradients of the loss, back through the head, dropout and every block
    ones = b.node("gradients/Fill", "Fill", [b.const("gradients/Shape", I32, [], [0]),
                                             b.const("gradients/grad_ys_0", F32, [1.0], [])],
                  index_type=("type", I32), **f32)
    dims = b.const("gradients/loss/xent_grad/ExpandDims/dim", I32, [-1], [])
    expanded = b.node("gradients/loss/xent_grad/ExpandDims", "ExpandDims", [ones, dims], Tdim=("type", I32), **f32)
    grad = b.node("gradients/loss/xent_grad/mul", "Mul", [expanded, f"{xent}:1"], **f32)
    head_bias_grad = b.node("gradients/head/logits_grad/BiasAddGrad", "BiasAddGrad", [grad],
                            data_format="NHWC", **f32)
    head_w_grad = b.node("gradients/head/MatMul_grad/MatMul_1", "MatMul", [x, grad], transpose_a=True,
                         transpose_b=False, **f32)
    grad = b.node("gradients/head/MatMul_grad/MatMul", "MatMul", [grad, head_w], transpose_a=False,
                  transpose_b=True, **f32)
    for var, delta in (("head/weights", head_w_grad), ("head/biases", head_bias_grad)):
        b.node(f"GradientDescent/update_{var}/ApplyGradientDescent", "ApplyGradientDescent",
               [var, "GradientDescent/learning_rate", delta], use_locking=False, **f32)
    grad = b.node("gradients/dropout/mul_grad/Mul", "Mul", [grad, mask], **f32)
    grad = b.node("gradients/dropout/truediv_grad/RealDiv", "RealDiv", [grad, keep_prob], **f32)
    for k, piece in reversed(list(enumerate(pieces))):
        grad = _block_gradient(b, piece, grad)
        if k == conv_blocks:
            flat_shape = b.node("gradients/model/flatten/Reshape_grad/Shape", "Shape", [pieces[k - 1]["act"]
                                if not pieces[k - 1]["residual"] else f"{pieces[k - 1]['scope']}/add"],
                                out_type=("type", I32), **f32)
            grad = b.node("gradients/model/flatten/Reshape_grad/Reshape", "Reshape", [grad, flat_shape],
                          Tshape=("type", I32), **f32)
    updates = [n.name for n in b.graph.node if n.op == "ApplyGradientDescent"]
    b.node("GradientDescent", "NoOp", [f"^{u}" for u in updates])
    # summaries, init and the Saver
    summary = b.node("loss_summary", "ScalarSummary", [b.const("loss_summary/tags", STRING, ["loss"], []), loss],
                     **f32)
    b.node("Merge/MergeSummary", "MergeSummary", [summary], N=1)
    b.node("init", "NoOp", [f"^{v}/Assign" for v, _d in b.variables])
    _saver(b)
    _top_up(b, n_nodes)
    return b.graph


def _top_up(b: _Builder, n_nodes: int) -> None:
    """Histogram summaries of the weights until the graph has exactly ``n_nodes`` nodes."""
    k = 0
    while len(b.graph.node) + 2 <= n_nodes:
        var = b.variables[k % len(b.variables)][0]
        tag = b.const(f"histograms/h_{k}/tag", STRING, [var], [])
        b.node(f"histograms/h_{k}", "HistogramSummary", [tag, f"{var}/read"], T=("type", F32))
        k += 1
    if len(b.graph.node) < n_nodes:
        b.node("histograms/done", "NoOp")


def _saver(b: _Builder) -> None:
    names = [v for v, _d in b.variables]
    default = b.const("save/filename/input", STRING, ["model"], [])
    filename = b.node("save/filename", "PlaceholderWithDefault", [default], dtype=("type", STRING), shape=("shape", []))
    prefix = b.node("save/Const", "PlaceholderWithDefault", [filename], dtype=("type", STRING), shape=("shape", []))
    tensor_names = b.const("save/SaveV2/tensor_names", STRING, names)
    slices = b.const("save/SaveV2/shape_and_slices", STRING, [""] * len(names))
    save = b.node("save/SaveV2", "SaveV2", [prefix, tensor_names, slices, *names], dtypes=("types", [F32] * len(names)))
    b.node("save/control_dependency", "Identity", [prefix, f"^{save}"], T=("type", STRING))
    restore_names = b.const("save/RestoreV2/tensor_names", STRING, names)
    restore_slices = b.const("save/RestoreV2/shape_and_slices", STRING, [""] * len(names))
    restore = b.node("save/RestoreV2", "RestoreV2", [prefix, restore_names, restore_slices],
                     dtypes=("types", [F32] * len(names)))
    assigns = []
    for k, var in enumerate(names):
        assigns.append(b.node(f"save/Assign_{k}", "Assign", [var, f"{restore}:{k}"], T=("type", F32),
                              validate_shape=True, use_locking=True))
    b.node("save/restore_all", "NoOp", [f"^{a}" for a in assigns])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("nodes", type=int, help="about how many nodes")
    parser.add_argument("-o", "--output", required=True, help="where to write the binary GraphDef")
    args = parser.parse_args()
    graph = make_graph(args.nodes)
    Path(args.output).write_bytes(graph.SerializeToString())
    print(f"{args.output}: {len(graph.node):,} nodes")


if __name__ == "__main__":
    main()
