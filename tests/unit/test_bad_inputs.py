"""Bad input never produces a traceback: a one-line error and exit 2, or a report with warnings.

Each case runs the installed ``tfscout`` console script, as a user would.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS, run_tfscout
from tests.graphdefs import GraphBuilder


def assert_one_line_error(result, path_fragment: str, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("tfscout: error: "), line
    assert path_fragment in line
    assert "Traceback" not in result.stderr
    assert line.endswith(")"), "the fix goes in parentheses at the end"
    for word in words:
        assert word in line, line


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "model.pb").write_bytes(b"")
    assert_one_line_error(run_tfscout("inspect", str(tmp_path / "model.pb")), "model.pb", "empty")


@pytest.mark.parametrize("seed", [0, 1, 2, 59, 64])  # 59 and 64 begin like a GraphDef
def test_random_bytes(tmp_path: Path, seed: int) -> None:
    """Random bytes are either not a model at all or, when their first fields happen to look like a
    GraphDef, a corrupt one; never a report, never a traceback."""
    (tmp_path / "model.pb").write_bytes(random.Random(seed).randbytes(4096))
    result = run_tfscout("inspect", str(tmp_path / "model.pb"))
    assert_one_line_error(result, "model.pb")
    assert any(what in result.stderr for what in (": not a protobuf file (", ": not a TensorFlow graph (",
                                                  ": truncated or corrupt GraphDef ("))
    assert "tensorboard" not in result.stderr


def test_truncated_protobuf(tmp_path: Path) -> None:
    data = (CORPUS / "kws_dnn_s" / "DNN_S.pb").read_bytes()
    (tmp_path / "model.pb").write_bytes(data[: len(data) // 2])
    assert_one_line_error(run_tfscout("inspect", str(tmp_path / "model.pb")), "model.pb", "truncated or corrupt")


def test_text_format_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "graph.pbtxt"
    path.write_text('node {\n  name: "x"\n  op: "Placeholder"\n}\nnode {\n  name: "y"\n  op: Relu"\n}\n')
    assert_one_line_error(run_tfscout("inspect", str(path)), "graph.pbtxt", "line 7")


def test_text_format_unknown_field_names_the_field_and_the_message(tmp_path: Path) -> None:
    path = tmp_path / "graph.pbtxt"
    path.write_text('node {\n  name: "x"\n  op: "Placeholder"\n  bogus: 3\n}\n')
    result = run_tfscout("inspect", str(path))
    assert_one_line_error(result, "graph.pbtxt", "line 4", "NodeDef", '"bogus"')
    assert "tensorboard" not in result.stderr


def test_jpeg_named_pb(tmp_path: Path) -> None:
    (tmp_path / "model.pb").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + os.urandom(200))
    assert_one_line_error(run_tfscout("inspect", str(tmp_path / "model.pb")), "model.pb", "JPEG")


def test_keras_h5_says_what_it_is(tmp_path: Path) -> None:
    (tmp_path / "model.pb").write_bytes(b"\x89HDF\r\n\x1a\n" + os.urandom(200))
    assert_one_line_error(run_tfscout("inspect", str(tmp_path / "model.pb")), "model.pb", "Keras")


def test_directory_without_a_model(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here")
    assert_one_line_error(run_tfscout("inspect", str(tmp_path)), str(tmp_path), "no model")


def test_missing_path(tmp_path: Path) -> None:
    assert_one_line_error(run_tfscout("inspect", str(tmp_path / "nope.pb")), "nope.pb", "no such file")


def test_checkpoint_data_without_graph(tmp_path: Path) -> None:
    (tmp_path / "model.ckpt-1.index").write_bytes(b"\x00" * 16)
    assert_one_line_error(run_tfscout("inspect", str(tmp_path / "model.ckpt-1.index")), "index", ".meta")


def test_meta_without_its_checkpoint_is_still_inspectable(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "tf2onnx_regression_ckpt" / "model.meta", tmp_path / "model.meta")
    result = run_tfscout("inspect", str(tmp_path / "model.meta"), "--json")
    assert result.returncode == 0, result.stderr
    report = result.json()
    assert report["format"] == "metagraph"
    assert any("checkpoint" in w for w in report["warnings"])
    assert [o["name"] for o in report["outputs"] if o["recommended"]] == ["pred:0"]


def test_checkpoint_prefix_is_accepted(tmp_path: Path) -> None:
    for f in (CORPUS / "tf2onnx_regression_ckpt").iterdir():
        shutil.copy(f, tmp_path / f.name)
    result = run_tfscout("inspect", str(tmp_path / "model"), "--json")
    assert result.returncode == 0, result.stderr
    assert result.json()["format"] == "checkpoint"


def test_dangling_inputs_and_duplicate_names_give_warnings(tmp_path: Path) -> None:
    b = GraphBuilder()
    b.placeholder("x", shape=[-1, 4])
    b.placeholder("x", shape=[-1, 4])
    b.op("y", "Relu", ["x", "^nothere"])
    b.op("z", "Softmax", ["y", "missing:0"])
    result = run_tfscout("inspect", str(b.write(tmp_path / "g.pb")), "--json")
    assert result.returncode == 0, result.stderr
    warnings = " ".join(result.json()["warnings"])
    assert "duplicate node names" in warnings
    assert "2 inputs name nodes (or ports) that are not in the graph" in warnings
    assert [o["name"] for o in result.json()["outputs"] if o["recommended"]] == ["z:0"]


@pytest.mark.parametrize("port", ["²", "٣", "99999999999999999999999", "65536"])
def test_odd_and_huge_ports_are_dangling_inputs(tmp_path: Path, port: str) -> None:
    """Found by fuzzing: a port of non-ASCII digits failed int(), a huge port on an op type no registry
    knows made a list of that many dtypes (OverflowError; a memory bomb below that)."""
    b = GraphBuilder()
    b.placeholder("x", shape=[-1, 4])
    b.op("mystery", "MyCustomOp", ["x"])
    b.op("y", "Relu", [f"mystery:{port}"])
    b.op("z", "Relu", ["mystery:1"])
    path = b.write(tmp_path / "g.pbtxt", text=True)
    result = run_tfscout("inspect", str(path), "--json")
    assert result.returncode == 0, result.stderr
    warnings = " ".join(result.json()["warnings"])
    assert f"1 inputs name nodes (or ports) that are not in the graph (e.g. y <- mystery:{port})" in warnings
    tui_details = run_tfscout("render", str(path), "--around", "mystery", "--depth", "1", "-o", str(tmp_path / "m.dot"))
    assert tui_details.returncode == 0, tui_details.stderr


def test_cycle_outside_while_loop_is_reported_not_fatal(tmp_path: Path) -> None:
    b = GraphBuilder()
    b.placeholder("x", shape=[-1, 4])
    b.op("a", "Add", ["x", "b"])
    b.op("b", "Relu", ["a"])
    b.op("out", "Softmax", ["b"])
    result = run_tfscout("inspect", str(b.write(tmp_path / "g.pb")), "--json")
    assert result.returncode == 0, result.stderr
    warnings = " ".join(result.json()["warnings"])
    assert "cycles outside TF1 while loops" in warnings
    assert "a -> b -> a" in warnings or "b -> a -> b" in warnings


def test_while_loop_back_edge_is_not_a_cycle(tmp_path: Path) -> None:
    b = GraphBuilder()
    b.placeholder("x", shape=[])
    b.op("while/Enter", "Enter", ["x"], frame_name="while")
    b.op("while/Merge", "Merge", ["while/Enter", "while/NextIteration"])
    b.const("while/Less/y", 10.0)
    b.op("while/Less", "Less", ["while/Merge", "while/Less/y"])
    b.op("while/LoopCond", "LoopCond", ["while/Less"], t=None)
    b.op("while/Switch", "Switch", ["while/Merge", "while/LoopCond"])
    b.op("while/Identity", "Identity", ["while/Switch:1"])
    b.const("while/add/y", 1.0)
    b.op("while/add", "Add", ["while/Identity", "while/add/y"])
    b.op("while/NextIteration", "NextIteration", ["while/add"])
    b.op("while/Exit", "Exit", ["while/Switch"])
    b.op("result", "Identity", ["while/Exit"])
    result = run_tfscout("inspect", str(b.write(tmp_path / "loop.pb")), "--json")
    assert result.returncode == 0, result.stderr
    assert not any("cycle" in w for w in result.json()["warnings"])
    assert [o["name"] for o in result.json()["outputs"] if o["recommended"]] == ["result:0"]


@pytest.mark.timeout(120)
def test_200000_deep_chain_has_no_recursion_limit(tmp_path: Path) -> None:
    b = GraphBuilder()
    prev = b.placeholder("x", shape=[-1, 8])
    for i in range(200_000):
        prev = b.op(f"layer{i}", "Relu", [prev])
    result = run_tfscout("inspect", str(b.write(tmp_path / "deep.pb")), "--json", timeout=120)
    assert result.returncode == 0, result.stderr
    report = result.json()
    assert report["nodes"] == 200_001
    assert [o["name"] for o in report["outputs"] if o["recommended"]] == ["layer199999:0"]
    assert [o["shape"] for o in report["outputs"] if o["recommended"]] == [[-1, 8]]


def test_odd_characters_in_names(tmp_path: Path) -> None:
    b = GraphBuilder()
    b.placeholder("in put/ü ñ:weird[0]", shape=[2])
    b.op('out/πρ "quoted"\tname', "Softmax", ["in put/ü ñ:weird[0]"])
    result = run_tfscout("inspect", str(b.write(tmp_path / "odd.pb")), "--json")
    assert result.returncode == 0, result.stderr
    report = result.json()
    assert [i["name"] for i in report["inputs"] if i["recommended"]] == ["in put/ü ñ:weird[0]:0"]
    assert [o["name"] for o in report["outputs"] if o["recommended"]] == ['out/πρ "quoted"\tname:0']
    text = run_tfscout("inspect", str(tmp_path / "odd.pb"))
    assert text.returncode == 0 and "πρ" in text.stdout


def test_text_graph_given_a_pb_name_is_read_as_text(tmp_path: Path) -> None:
    b = GraphBuilder()
    b.placeholder("x", shape=[-1, 4])
    b.op("probs", "Softmax", ["x"])
    path = b.write(tmp_path / "frozen.pb", text=True)
    result = run_tfscout("inspect", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert result.json()["format"] == "graphdef_text"


def test_metagraph_named_pb_is_read_as_metagraph(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "tfnet_xor_meta" / "xor.meta", tmp_path / "frozen.pb")
    result = run_tfscout("inspect", str(tmp_path / "frozen.pb"), "--json")
    assert result.returncode == 0, result.stderr
    assert result.json()["format"] == "metagraph"


def test_saved_model_pb_passed_as_file(tmp_path: Path) -> None:
    result = run_tfscout("inspect", str(CORPUS / "tf2onnx_regression_savedmodel" / "saved_model.pb"), "--json")
    assert result.returncode == 0, result.stderr
    assert result.json()["format"] == "saved_model"


def test_unknown_output_name_suggests_close_matches() -> None:
    result = run_tfscout("inspect", str(CORPUS / "kws_dnn_s" / "DNN_S.pb"), "--outputs", "labels_sofmax")
    assert_one_line_error(result, "DNN_S.pb", "labels_sofmax", "did you mean", "labels_softmax:0")


def test_abbreviated_output_name_suggests_the_long_one() -> None:
    from tfscout.samples import frozen_pb
    result = run_tfscout("inspect", str(frozen_pb()), "--outputs", "probs")
    assert_one_line_error(result, "cnn_frozen.pb", "'probs'", "did you mean", "probabilities:0")


def test_port_out_of_range() -> None:
    result = run_tfscout("inspect", str(CORPUS / "kws_dnn_s" / "DNN_S.pb"), "--outputs", "labels_softmax:3")
    assert_one_line_error(result, "DNN_S.pb", "labels_softmax:3", "1 output")


def test_unknown_saved_model_tag_lists_the_tag_sets() -> None:
    result = run_tfscout("inspect", str(CORPUS / "tf2onnx_regression_savedmodel"), "--tag", "train")
    assert_one_line_error(result, "saved_model.pb", "train", "serve")


def test_bad_usage_exits_2() -> None:
    result = run_tfscout("inspect")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("tfscout: error: ")
