"""The classes of wrong answers of issue 11, each on a small generated graph (tensorboard protos, no TensorFlow):
the recommended inputs, outputs and switches."""

from __future__ import annotations

from pathlib import Path

from tensorboard.compat.proto import meta_graph_pb2

from tests.graphdefs import GraphBuilder, classifier
from tfscout.inspector import Report, inspect_model


def answer(report: Report) -> tuple[list[str], list[str], dict[str, object]]:
    return ([c.name for c in report.inputs if c.recommended], sorted(c.name for c in report.outputs if c.recommended),
            {m.name: m.value for m in report.mode_switches})


def _xent(b: GraphBuilder, logits: str, labels: str, prefix: str = "") -> str:
    """The loss: SparseSoftmaxCrossEntropyWithLogits, then its mean over a constant axis."""
    b.op(prefix + "xent", "SparseSoftmaxCrossEntropyWithLogits", [logits, labels], Tlabels="DT:int64")
    axis = b.const(prefix + "loss/axis", [0], dtype="int32")
    return b.op(prefix + "loss", "Mean", [prefix + "xent", axis])


def test_unnamed_mlp_training_graph_gives_its_logits_not_the_loss_shape_arithmetic(tmp_path: Path) -> None:
    """Class 1: add_1 is the prediction; the loss's int32 shape arithmetic depends on no input."""
    b = GraphBuilder()
    x = b.placeholder("Placeholder", shape=[-1, 4])
    y = b.placeholder("Placeholder_1", shape=[-1, 3])
    w = b.variable("Variable", [4, 3])
    bias = b.variable("Variable_1", [3])
    b.op("MatMul", "MatMul", [x, w])
    b.op("add_1", "Add", ["MatMul", bias])
    b.op("Rank", "Rank", ["add_1"], t=None)
    b.op("Shape", "Shape", ["add_1"], t=None, out_type="DT:int32")
    b.op("concat", "ConcatV2", ["Shape", "Rank"], t="int32")
    b.op("Reshape", "Reshape", ["add_1", "concat"])
    b.op("Reshape_1", "Reshape", [y, "concat"])
    b.op("softmax_cross_entropy_with_logits", "SoftmaxCrossEntropyWithLogits", ["Reshape", "Reshape_1"])
    b.op("Mean", "Mean", ["softmax_cross_entropy_with_logits", b.const("Const", [0], dtype="int32")])
    b.op("gradients/Shape", "Shape", ["Mean"], t=None)
    b.op("gradients/Fill", "Fill", ["gradients/Shape", b.const("gradients/grad_ys_0", 1.0)])
    b.op("GradientDescent/update_Variable/ApplyGradientDescent", "ApplyGradientDescent",
         ["Variable", b.const("GradientDescent/learning_rate", 0.5), "gradients/Fill"])
    inputs, outputs, switches = answer(inspect_model(b.write_meta(tmp_path / "model.meta")))
    assert (inputs, outputs, switches) == (["Placeholder:0"], ["add_1:0"], {})


def test_argmax_feeding_only_accuracy_is_not_chosen_over_its_softmax(tmp_path: Path) -> None:
    """Class 2."""
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    labels = b.placeholder("labels", dtype="int64", shape=[-1])
    logits = classifier(b, x)
    b.op("probs", "Softmax", [logits])
    _xent(b, logits, labels)
    b.op("predicted", "ArgMax", ["probs", b.const("dim", 1, dtype="int32")], t=None, output_type="DT:int64")
    b.op("correct", "Equal", ["predicted", labels], t="int64")
    b.op("correct_f", "Cast", ["correct"], t=None, SrcT="DT:bool", DstT="DT:float32")
    b.op("accuracy", "Mean", ["correct_f", b.const("acc_axis", [0], dtype="int32")])
    assert answer(inspect_model(b.write(tmp_path / "g.pb"))) == (["x:0"], ["probs:0"], {})


def test_auxiliary_head_feeding_only_its_down_weighted_loss_is_not_recommended(tmp_path: Path) -> None:
    """Class 3: AuxLogits off the trunk, its loss added at 0.4."""
    b = GraphBuilder()
    x = b.placeholder("images", shape=[-1, 4])
    labels = b.placeholder("labels", dtype="int64", shape=[-1])
    trunk = b.op("Mixed/Relu", "Relu", [b.op("Mixed/MatMul", "MatMul", [x, b.const("mw", [0.1] * 16, shape=[4, 4])])])
    logits = classifier(b, trunk)
    b.op("Predictions", "Softmax", [logits])
    aux = b.op("AuxLogits/MatMul", "MatMul", [trunk, b.const("aw", [0.3] * 12, shape=[4, 3])])
    main = _xent(b, logits, labels)
    side = _xent(b, aux, labels, prefix="aux/")
    b.op("aux/scaled", "Mul", [b.const("aux/weight", 0.4), side])
    b.op("total_loss", "AddN", [main, "aux/scaled"], N=2)
    assert answer(inspect_model(b.write(tmp_path / "g.pb"))) == (["images:0"], ["Predictions:0"], {})


def _saved_model(meta: bytes) -> bytes:
    """A SavedModel: schema version 1 (field 1), one MetaGraphDef (field 2)."""
    size, n = b"", len(meta)
    while True:
        byte, n = n & 0x7F, n >> 7
        size += bytes([byte | (0x80 if n else 0)])
        if not n:
            break
    return b"\x08\x01\x12" + size + meta


def test_serving_default_signature_comes_before_predict(tmp_path: Path) -> None:
    """Class 4."""
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    logits = classifier(b, x)
    b.op("probs", "Softmax", [logits])
    b.op("classes", "ArgMax", [logits, b.const("dim", 1, dtype="int32")], t=None, output_type="DT:int64")
    meta = meta_graph_pb2.MetaGraphDef()
    meta.meta_info_def.tags.append("serve")
    meta.graph_def.CopyFrom(b.graph)
    for key, method, outs in (("predict", "tensorflow/serving/predict", {"probabilities": "probs:0", "classes": "classes:0",
                                                                          "logits": "logits:0"}),
                              ("serving_default", "tensorflow/serving/classify", {"scores": "probs:0"})):
        sig = meta.signature_def[key]
        sig.method_name = method
        sig.inputs["inputs"].name = "x:0"
        for name, tensor in outs.items():
            sig.outputs[name].name = tensor
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "saved_model.pb").write_bytes(_saved_model(meta.SerializeToString()))
    inputs, outputs, _switches = answer(inspect_model(folder))
    assert (inputs, outputs) == (["x:0"], ["probs:0"])


def test_summary_statistics_are_not_outputs(tmp_path: Path) -> None:
    """Class 5: Max/Min/stddev and zero_fraction computed only for summaries."""
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    logits = classifier(b, x)
    b.op("pred", "Softmax", [logits])
    axes = b.const("summaries/axes", [0, 1], dtype="int32")
    for stat in ("Max", "Min", "Mean"):
        b.op(f"pred/summaries/{stat}", stat, ["pred", axes])
        b.op(f"pred/summaries/{stat}_summary", "ScalarSummary", [b.const(f"pred/summaries/{stat}_tag", 0.0),
                                                                   f"pred/summaries/{stat}"])
    b.op("zero_fraction/Equal", "Equal", ["dense/Relu", b.const("zero", 0.0)])
    b.op("zero_fraction/Cast", "Cast", ["zero_fraction/Equal"], t=None, SrcT="DT:bool", DstT="DT:float32")
    b.op("zero_fraction/fraction", "Mean", ["zero_fraction/Cast", axes])
    b.op("sparsity", "ScalarSummary", [b.const("sparsity_tag", 0.0), "zero_fraction/fraction"])
    b.op("hist", "HistogramSummary", [b.const("hist_tag", 0.0), "pred"])
    b.op("Merge/MergeSummary", "MergeSummary", ["pred/summaries/Max_summary", "pred/summaries/Min_summary",
                                                 "pred/summaries/Mean_summary", "sparsity", "hist"], t=None, N=5)
    assert answer(inspect_model(b.write(tmp_path / "g.pb"))) == (["x:0"], ["pred:0"], {})


def test_placeholder_with_a_computed_default_is_not_an_input(tmp_path: Path) -> None:
    """Class 6: a retrained classifier's bottleneck input defaults to the data path: feed upstream."""
    b = GraphBuilder()
    x = b.placeholder("DecodeJpeg/contents_f", shape=[-1, 4])
    trunk = b.op("pool_3", "Relu", [b.op("conv/MatMul", "MatMul", [x, b.const("cw", [0.1] * 16, shape=[4, 4])])])
    b.op("bottleneck", "Reshape", [trunk, b.const("bshape", [-1, 4], dtype="int32")])
    neck = b.placeholder("BottleneckInputPlaceholder", shape=[-1, 4], default="bottleneck")
    b.op("final_result", "Softmax", [classifier(b, neck, "final/")])
    assert answer(inspect_model(b.write(tmp_path / "g.pb"))) == (["DecodeJpeg/contents_f:0"], ["final_result:0"], {})


def test_fixed_scalars_and_a_cond_flag_are_switches_not_inputs(tmp_path: Path) -> None:
    """Class 7: a bool deciding a tf.cond and an epsilon scalar with a default."""
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    flag = b.placeholder("is_train", dtype="bool", shape=[])
    b.op("cond/Switch", "Switch", [flag, flag], t="bool")
    b.op("cond/pred_id", "Identity", [flag], t="bool")
    b.op("cond/Switch_1", "Switch", [x, "cond/pred_id"])
    b.op("cond/mul", "Mul", ["cond/Switch_1:1", b.const("cond/half", 0.5)])
    b.op("cond/Merge", "Merge", ["cond/Switch_1", "cond/mul"], N=2)
    eps = b.placeholder("epsilon", shape=[], default=b.const("epsilon/default", 0.001))
    b.op("shifted", "Add", ["cond/Merge", eps])
    b.op("probs", "Softmax", [classifier(b, "shifted")])
    inputs, outputs, switches = answer(inspect_model(b.write(tmp_path / "g.pb")))
    assert (inputs, outputs) == (["x:0"], ["probs:0"])
    assert switches["is_train:0"] is False
    assert abs(float(switches["epsilon:0"]) - 0.001) < 1e-6  # type: ignore[arg-type]


def test_heatmaps_and_the_keypoints_decoded_from_them_are_both_outputs(tmp_path: Path) -> None:
    """Class 8: the loss reads the heatmaps; the keypoints are computed from them without a parameter."""
    b = GraphBuilder()
    x = b.placeholder("img", shape=[-1, 4])
    target = b.placeholder("target", shape=[-1, 3])
    heat = classifier(b, x)
    b.op("flat_idx", "ArgMax", [heat, b.const("dim", 1, dtype="int32")], t=None, output_type="DT:int32")
    width = b.const("width", 2, dtype="int32")
    b.op("col", "FloorMod", ["flat_idx", width], t="int32")
    b.op("row", "FloorDiv", ["flat_idx", width], t="int32")
    b.op("stacked", "Pack", ["col", "row"], t="int32", N=2, axis=-1)
    b.op("keypoints", "Cast", ["stacked"], t=None, SrcT="DT:int32", DstT="DT:float32")
    b.op("diff", "Sub", [heat, target])
    b.op("sq", "Square", ["diff"])
    b.op("loss", "Mean", ["sq", b.const("axes", [0, 1], dtype="int32")])
    inputs, outputs, switches = answer(inspect_model(b.write(tmp_path / "g.pb")))
    assert (inputs, outputs, switches) == (["img:0"], ["keypoints:0", "logits:0"], {})


def test_a_recurrent_layers_step_copy_outside_its_loop_is_not_the_output(tmp_path: Path) -> None:
    """A Keras recurrent layer runs its cell once outside the while loop, on the first step, to learn the output
    shape; nothing reads that copy. The prediction is what the loss reads from the loop's result."""
    b = GraphBuilder()
    x = b.placeholder("tokens_embedded", shape=[-1, 4])
    labels = b.placeholder("labels", dtype="int64", shape=[-1])
    w = b.variable("cell/kernel", [4, 4])
    b.op("cell_1/MatMul", "MatMul", [x, w])  # the copy: the cell once, outside the loop
    b.op("cell_1/Tanh", "Tanh", ["cell_1/MatMul"])
    b.op("while/Enter", "Enter", [x], frame_name="rnn/while")
    b.op("while/Enter_w", "Enter", [w], frame_name="rnn/while", is_constant=True)
    b.op("while/Merge", "Merge", ["while/Enter", "while/NextIteration"], N=2)
    b.op("while/LoopCond", "LoopCond", [b.const("while/keep_going", [1], dtype="bool", shape=[])], t=None)
    b.op("while/Switch", "Switch", ["while/Merge", "while/LoopCond"])
    b.op("while/Identity", "Identity", ["while/Switch:1"])
    b.op("while/MatMul", "MatMul", ["while/Identity", "while/Enter_w"])
    b.op("while/Tanh", "Tanh", ["while/MatMul"])
    b.op("while/NextIteration", "NextIteration", ["while/Tanh"])
    b.op("while/Exit", "Exit", ["while/Switch"])
    logits = classifier(b, "while/Exit", prefix="out/")
    _xent(b, logits, labels)
    inputs, outputs, _switches = answer(inspect_model(b.write_meta(tmp_path / "model.meta")))
    assert inputs == ["tokens_embedded:0"]
    assert outputs == ["out/logits:0"]
