"""How sure the recommendation is when a head only the loss reads is set aside beside a sink (no TensorFlow):
sure when what inference computes explains that head as training-only, unsure otherwise."""

from __future__ import annotations

from pathlib import Path

from tests.graphdefs import GraphBuilder, classifier
from tfscout.converter import CONFIDENCE_THRESHOLD
from tfscout.inspector import Report, inspect_model


def _xent(b: GraphBuilder, logits: str, labels: str, name: str) -> str:
    return b.op(name, "SparseSoftmaxCrossEntropyWithLogits", [logits, labels], Tlabels="DT:int64")


def _recommended(report: Report) -> list[str]:
    return sorted(c.name for c in report.outputs if c.recommended)


def test_a_gans_discriminators_are_explained_by_the_generated_sample(tmp_path: Path) -> None:
    """The discriminator reads the generator's sample (and the same network reads the real images): only the
    loss reads either, and both are training-only."""
    b = GraphBuilder()
    z = b.placeholder("z", shape=[-1, 4])
    real = b.placeholder("real", shape=[-1, 3])
    fake_or_real = b.placeholder("is_real", dtype="int64", shape=[-1])
    gen = classifier(b, z, prefix="gen/")
    b.op("gen/Tanh", "Tanh", [gen])
    b.op("sample", "Identity", ["gen/Tanh"])
    d_w = b.variable("disc/w", [3, 2])
    b.op("disc_fake/MatMul", "MatMul", ["gen/Tanh", d_w])
    b.op("disc_real/MatMul", "MatMul", [real, d_w])
    _xent(b, "disc_fake/MatMul", fake_or_real, "d_loss_fake")
    _xent(b, "disc_real/MatMul", fake_or_real, "d_loss_real")
    b.op("d_loss", "Add", ["d_loss_fake", "d_loss_real"])
    report = inspect_model(b.write_meta(tmp_path / "gan.meta"))
    assert _recommended(report) == ["sample:0"]
    assert report.confidence >= CONFIDENCE_THRESHOLD, report.confidence_reasons


def test_a_sink_that_explains_nothing_leaves_the_choice_open(tmp_path: Path) -> None:
    """A sink on a branch of its own beside a head only the loss reads: either may be the prediction."""
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    labels = b.placeholder("labels", dtype="int64", shape=[-1])
    logits = classifier(b, x, prefix="net/")
    _xent(b, logits, labels, "loss")
    w = b.variable("probe/w", [4, 2])
    b.op("probe/MatMul", "MatMul", [x, w])
    b.op("probe/Relu", "Relu", ["probe/MatMul"])
    report = inspect_model(b.write_meta(tmp_path / "probe.meta"))
    assert report.confidence < CONFIDENCE_THRESHOLD
    assert {"probe/Relu:0", "net/logits:0"} <= {c.name for c in report.outputs}


def _map_decoded(unravel: bool) -> GraphBuilder:
    """A conv map, flattened, its ArgMax: split into row and column (keypoints) or kept as an id (a class)."""
    b = GraphBuilder()
    img = b.placeholder("img", shape=[-1, 8, 8, 3])
    kernel = b.const("kernel", [0.1] * 6, shape=[1, 1, 3, 2])
    b.op("heat", "Conv2D", [img, kernel], padding="SAME", data_format="NHWC")
    b.graph.node[-1].attr["strides"].list.i.extend([1, 1, 1, 1])
    b.op("flat", "Reshape", ["heat", b.const("flat/shape", [-1, 128], dtype="int32")])
    b.op("idx", "ArgMax", ["flat", b.const("axis", 1, dtype="int32")], t=None, output_type="DT:int32")
    if unravel:
        width = b.const("width", 16, dtype="int32")
        b.op("col", "FloorMod", ["idx", width], t="int32")
        b.op("row", "FloorDiv", ["idx", width], t="int32")
        b.op("stacked", "Pack", ["col", "row"], t="int32", N=2, axis=-1)
        b.op("joints", "Cast", ["stacked"], t=None, SrcT="DT:int32", DstT="DT:float32")
    else:
        b.op("class_id", "Cast", ["idx"], t=None, SrcT="DT:int32", DstT="DT:float32")
    return b


def test_positions_decoded_from_a_map_leave_the_map_in_doubt(tmp_path: Path) -> None:
    report = inspect_model(_map_decoded(unravel=True).write(tmp_path / "keypoints.pb"))
    assert _recommended(report) == ["joints:0"]
    assert report.confidence < CONFIDENCE_THRESHOLD
    assert any("decoded from a map" in r for r in report.confidence_reasons)


def test_a_class_id_taken_from_a_map_is_not_a_decoding(tmp_path: Path) -> None:
    report = inspect_model(_map_decoded(unravel=False).write(tmp_path / "classes.pb"))
    assert _recommended(report) == ["class_id:0"]
    assert report.confidence >= CONFIDENCE_THRESHOLD, report.confidence_reasons
