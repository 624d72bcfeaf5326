"""The interface the inspector recommends, on small graphs built for each situation (no TensorFlow)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.graphdefs import DT, GraphBuilder, classifier
from tfscout.errors import UnknownNameError
from tfscout.inspector import Report, inspect_model


def recommended(report: Report) -> tuple[list[str], list[str]]:
    return ([c.name for c in report.inputs if c.recommended], [c.name for c in report.outputs if c.recommended])


def switches(report: Report) -> dict[str, object]:
    return {m.name: m.value for m in report.mode_switches}


def _dropout_keep_form(b: GraphBuilder, x: str, keep: str) -> str:
    """tf.nn.dropout in TF 1.0-1.12: floor(keep_prob + U[0,1)) as the mask, x / keep_prob."""
    shape = b.op("dropout/Shape", "Shape", [x])
    b.op("dropout/random_uniform/RandomUniform", "RandomUniform", [shape], t=None, dtype="DT:float32")
    b.op("dropout/add", "Add", [keep, "dropout/random_uniform/RandomUniform"])
    b.op("dropout/Floor", "Floor", ["dropout/add"])
    b.op("dropout/div", "RealDiv", [x, keep])
    return b.op("dropout/mul", "Mul", ["dropout/div", "dropout/Floor"])


def _dropout_rate_form(b: GraphBuilder, x: str, rate: str) -> str:
    """tf.nn.dropout since TF 1.13: U[0,1) >= rate as the mask."""
    shape = b.op("dropout/Shape", "Shape", [x])
    b.op("dropout/random_uniform/RandomUniform", "RandomUniform", [shape], t=None, dtype="DT:float32")
    b.op("dropout/GreaterEqual", "GreaterEqual", ["dropout/random_uniform/RandomUniform", rate])
    b.op("dropout/Cast", "Cast", ["dropout/GreaterEqual"], t=None)
    return b.op("dropout/mul", "Mul", [x, "dropout/Cast"])


def test_frozen_classifier(tmp_path: Path) -> None:
    b = GraphBuilder()
    x = b.placeholder("input", shape=[-1, 4])
    b.op("probabilities", "Softmax", [classifier(b, x)])
    report = inspect_model(b.write(tmp_path / "g.pb"))
    assert recommended(report) == (["input:0"], ["probabilities:0"])
    assert report.outputs[0].shape == [-1, 3]
    assert "--inputs 'input:0[-1,4]'" in report.tf2onnx_command
    assert "--outputs probabilities:0" in report.tf2onnx_command


def test_keep_prob_in_the_tf1_dropout_form_is_one(tmp_path: Path) -> None:
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    keep = b.placeholder("kp", shape=[])
    b.op("probs", "Softmax", [classifier(b, _dropout_keep_form(b, x, keep))])
    report = inspect_model(b.write(tmp_path / "g.pb"))
    assert switches(report) == {"kp:0": 1.0}
    assert recommended(report) == (["x:0"], ["probs:0"])


def test_dropout_rate_is_zero(tmp_path: Path) -> None:
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    rate = b.placeholder("p", shape=[])
    b.op("probs", "Softmax", [classifier(b, _dropout_rate_form(b, x, rate))])
    assert switches(inspect_model(b.write(tmp_path / "g.pb"))) == {"p:0": 0.0}


def test_keep_prob_turned_into_a_rate_is_one(tmp_path: Path) -> None:
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    keep = b.placeholder("q", shape=[])
    one = b.const("dropout/sub/x", 1.0)
    rate = b.op("dropout/sub", "Sub", [one, keep])
    b.op("probs", "Softmax", [classifier(b, _dropout_rate_form(b, x, rate))])
    assert switches(inspect_model(b.write(tmp_path / "g.pb"))) == {"q:0": 1.0}


def _cond_on(b: GraphBuilder, flag: str, x: str) -> str:
    b.op("cond/Switch", "Switch", [x, flag])
    b.op("cond/train", "Relu", ["cond/Switch:1"])
    b.op("cond/infer", "Identity", ["cond/Switch"])
    return b.op("cond/Merge", "Merge", ["cond/infer", "cond/train"])


@pytest.mark.parametrize(("name", "value"), [("is_training", False), ("phase_train", False), ("is_test", True),
                                             ("flag", False)])
def test_bool_switch_deciding_a_cond(tmp_path: Path, name: str, value: bool) -> None:
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    flag = b.placeholder(name, dtype="bool", shape=[])
    b.op("probs", "Softmax", [classifier(b, _cond_on(b, flag, x))])
    report = inspect_model(b.write(tmp_path / "g.pb"))
    assert switches(report) == {f"{name}:0": value}
    assert recommended(report)[0] == ["x:0"]
    assert f"{name}:0[]" in report.tf2onnx_command  # tf2onnx would add it anyway: it is listed, to feed


def test_keras_learning_phase_with_default(tmp_path: Path) -> None:
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    b.const("keras_learning_phase/input", [False], dtype="bool", shape=[])
    flag = b.placeholder("keras_learning_phase", dtype="bool", shape=[], default="keras_learning_phase/input")
    b.op("probs", "Softmax", [classifier(b, _cond_on(b, flag, x))])
    assert switches(inspect_model(b.write(tmp_path / "g.pb"))) == {"keras_learning_phase:0": False}


def test_jpeg_decoding_from_a_string_placeholder_gets_a_cut_point(tmp_path: Path) -> None:
    b = GraphBuilder()
    raw = b.placeholder("image_bytes", dtype="string", shape=[])
    b.op("DecodeJpeg", "DecodeJpeg", [raw], t=None, channels=3)
    b.op("Cast", "Cast", ["DecodeJpeg"], t=None, SrcT="DT:uint8", DstT="DT:float32")
    b.op("Reshape", "Reshape", ["Cast", b.const("Reshape/shape", [-1, 4], dtype="int32")])
    b.op("probs", "Softmax", [classifier(b, "Reshape")])
    report = inspect_model(b.write(tmp_path / "g.pb"))
    assert recommended(report) == (["DecodeJpeg:0"], ["probs:0"])
    cut = report.inputs[0]
    assert cut.kind == "cut" and cut.cuts == ["image_bytes:0"] and cut.dtype == "uint8"
    assert "DecodeJpeg" in cut.reasons[0]
    assert {c.name: c.recommended for c in report.inputs}["image_bytes:0"] is False


def test_queue_pipeline_gets_a_cut_point_with_the_batch_shape(tmp_path: Path) -> None:
    b = GraphBuilder()
    q = b.op("batch/fifo_queue", "FIFOQueueV2", [], t=None)
    node = b.graph.node[-1]
    node.attr["component_types"].list.type.extend([DT["float32"], DT["int64"]])
    for dims in ([4], []):
        shape = node.attr["shapes"].list.shape.add()
        for d in dims:
            shape.dim.add().size = d
    n = b.const("batch/n", [32], dtype="int32", shape=[])
    b.op("batch", "QueueDequeueManyV2", [q, n], t=None)
    b.graph.node[-1].attr["component_types"].list.type.extend([DT["float32"], DT["int64"]])
    b.op("probs", "Softmax", [classifier(b, "batch")])
    report = inspect_model(b.write(tmp_path / "g.pb"))
    assert recommended(report) == (["batch:0"], ["probs:0"])
    assert report.inputs[0].shape == [32, 4]
    assert report.inputs[0].kind == "cut"


def test_tf_data_iterator_gets_a_cut_point(tmp_path: Path) -> None:
    b = GraphBuilder()
    it = b.op("IteratorV2", "IteratorV2", [], t=None)
    b.op("IteratorGetNext", "IteratorGetNext", [it], t=None)
    node = b.graph.node[-1]
    node.attr["output_types"].list.type.extend([DT["float32"], DT["int64"]])
    for dims in ([-1, 4], [-1]):
        shape = node.attr["output_shapes"].list.shape.add()
        for d in dims:
            shape.dim.add().size = d
    b.op("probs", "Softmax", [classifier(b, "IteratorGetNext")])
    report = inspect_model(b.write(tmp_path / "g.pb"))
    assert recommended(report) == (["IteratorGetNext:0"], ["probs:0"])
    assert report.inputs[0].shape == [-1, 4] and report.inputs[0].dtype == "float32"


def _training_graph(b: GraphBuilder) -> None:
    """y = x*W + b with a squared loss against a label, tf.gradients and a GradientDescent update."""
    x = b.placeholder("X", shape=[-1])
    y = b.placeholder("Y", shape=[-1])
    lr = b.placeholder("learning_rate", shape=[])
    w = b.variable("W", [1])
    bias = b.variable("b", [1])
    b.op("Mul", "Mul", [x, w])
    b.op("pred", "Add", ["Mul", bias])
    b.op("sub", "Sub", ["pred", y])
    b.op("Square", "Square", ["sub"])
    b.op("loss", "Mean", ["Square", b.const("Const", [0], dtype="int32")])
    b.op("gradients/Fill", "Fill", [b.const("gradients/Shape", [], dtype="int32", shape=[0]),
                                    b.const("gradients/grad_ys_0", 1.0)])
    b.op("gradients/loss_grad/Tile", "Tile", ["gradients/Fill", "Const"])
    b.op("gradients/Square_grad/Mul", "Mul", ["gradients/loss_grad/Tile", "sub"])
    b.op("gradients/pred_grad/Sum", "Sum", ["gradients/Square_grad/Mul", "Const"])
    b.op("GradientDescent/update_W", "ApplyGradientDescent", ["W", lr, "gradients/pred_grad/Sum"])
    b.op("loss_summary", "ScalarSummary", [b.const("loss_summary/tags", 0.0), "loss"])


def test_training_graph_recommends_the_prediction_not_the_loss(tmp_path: Path) -> None:
    b = GraphBuilder()
    _training_graph(b)
    report = inspect_model(b.write_meta(tmp_path / "model.meta"))
    assert recommended(report) == (["X:0"], ["pred:0"])
    kinds = {c.name: c.kind for c in report.inputs}
    assert kinds["Y:0"] == "label"
    assert kinds["learning_rate:0"] == "training"
    assert report.training_graph
    assert "loss:0" not in recommended(report)[1]


def test_softmax_and_argmax_of_one_logits_are_one_head(tmp_path: Path) -> None:
    b = GraphBuilder()
    logits = classifier(b, b.placeholder("x", shape=[-1, 4]))
    b.op("probabilities", "Softmax", [logits])
    b.op("classes", "ArgMax", [logits, b.const("axis", 1, dtype="int32")], t=None, output_type="DT:int64")
    outs = recommended(inspect_model(b.write(tmp_path / "g.pb")))[1]
    assert len(outs) == 1 and outs[0] in ("probabilities:0", "classes:0")


def test_independent_heads_are_all_recommended(tmp_path: Path) -> None:
    b = GraphBuilder()
    x = b.placeholder("image", shape=[-1, 4])
    b.op("boxes", "Identity", [classifier(b, x, "box/")])
    b.op("scores", "Sigmoid", [classifier(b, x, "score/")])
    assert sorted(recommended(inspect_model(b.write(tmp_path / "g.pb")))[1]) == ["boxes:0", "scores:0"]


def test_constant_sinks_are_not_recommended(tmp_path: Path) -> None:
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    b.op("probs", "Softmax", [classifier(b, x)])
    b.op("unused_weights_norm", "Sqrt", [b.const("c", [4.0, 9.0])])
    assert recommended(inspect_model(b.write(tmp_path / "g.pb")))[1] == ["probs:0"]


def test_given_outputs_choose_the_inputs_they_need(tmp_path: Path) -> None:
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    z = b.placeholder("z", shape=[-1, 3])
    logits = classifier(b, x)
    b.op("probs", "Softmax", [logits])
    b.op("other", "Add", [logits, z])
    report = inspect_model(b.write(tmp_path / "g.pb"), outputs="probs")
    assert recommended(report) == (["x:0"], ["probs:0"])
    assert report.names_given


def test_given_inputs_cut_the_graph(tmp_path: Path) -> None:
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    logits = classifier(b, x)
    b.op("probs", "Softmax", [logits])
    report = inspect_model(b.write(tmp_path / "g.pb"), inputs="dense/Relu:0[-1,4]", outputs="probs:0")
    assert recommended(report) == (["dense/Relu:0"], ["probs:0"])
    assert report.inputs[0].shape == [-1, 4]
    assert "dense/Relu:0[-1,4]" in report.tf2onnx_command


def test_unknown_names_raise_with_suggestions(tmp_path: Path) -> None:
    b = GraphBuilder()
    b.op("probabilities", "Softmax", [classifier(b, b.placeholder("x", shape=[-1, 4]))])
    with pytest.raises(UnknownNameError) as err:
        inspect_model(b.write(tmp_path / "g.pb"), outputs="probabilites")
    assert "probabilities:0" in err.value.one_line()


def test_unregistered_source_ops_are_inputs(tmp_path: Path) -> None:
    b = GraphBuilder()
    b.op("Variable/peek", "CustomVariablePeek", [], t=None, dtype_attr="x")
    b.graph.node[-1].attr["dtype"].type = DT["float32"]
    b.op("out", "Sigmoid", [classifier(b, "Variable/peek")])
    assert recommended(inspect_model(b.write(tmp_path / "g.pb"))) == (["Variable/peek:0"], ["out:0"])


def test_losses_collection_marks_the_loss(tmp_path: Path) -> None:
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    labels = b.placeholder("y_true", shape=[-1, 3])
    logits = classifier(b, x)
    b.op("predictions", "Softmax", [logits])
    b.op("xent", "SquaredDifference", ["predictions", labels])
    b.op("total", "Mean", ["xent", b.const("axes", [0, 1], dtype="int32")])
    report = inspect_model(b.write_meta(tmp_path / "m.meta", collections={"losses": ["total:0"]}))
    assert recommended(report) == (["x:0"], ["predictions:0"])
    assert {c.name: c.kind for c in report.inputs}["y_true:0"] == "label"
