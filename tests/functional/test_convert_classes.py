"""The conversion classes plain tf2onnx cannot convert (issue 13), each on a small generated graph: TensorFlow
builds it (tests/fixtures/class_graphs.py), ``tfscout convert`` converts it with tf2onnx and checks it with
onnxruntime against TensorFlow. A verified exit 0 is the check; each test also asserts the class's own step.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from tests.conftest import run_tfscout

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def graphs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("class_graphs")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2",
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    proc = subprocess.run([sys.executable, "-m", "tests.fixtures.class_graphs", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out, json.loads((out / "index.json").read_text())


def _convert(graphs: tuple[Path, dict[str, Any]], name: str, tmp_path: Path, *extra: str) -> dict[str, Any]:
    folder, index = graphs
    out = tmp_path / f"{name}.onnx"
    result = run_tfscout("convert", str(folder / index[name]["path"]), "-o", str(out), "--json", *extra,
                         timeout=600)
    assert result.returncode == 0, f"{result.stderr[-1500:]}\n{result.stdout[-3000:]}"
    report = result.json()
    assert report["verified"] is True and out.is_file()
    return report


def _step(report: dict[str, Any], name: str) -> dict[str, Any]:
    found = [s for s in report["steps"] if s["name"] == name]
    assert found, f"no step '{name}' in {[s['name'] for s in report['steps']]}"
    return found[0]


def test_a_placeholder_with_no_shape_takes_the_shape_its_matmul_weight_gives(graphs, tmp_path: Path) -> None:
    folder, index = graphs
    shown = run_tfscout("inspect", str(folder / index["no_shape"]["path"]), "--json")
    assert shown.returncode == 0, shown.stderr
    assert "shape [?,4] inferred from" in shown.stdout and "MatMul's weight" in shown.stdout
    report = _convert(graphs, "no_shape", tmp_path)
    assert [(i["name"], i["shape"]) for i in report["inputs"]] == [("x:0", [-1, 4])]


def test_a_placeholder_with_no_shape_feeding_a_conv_gets_rank_4_and_the_kernels_channels(graphs,
                                                                                          tmp_path: Path) -> None:
    report = _convert(graphs, "no_shape_conv", tmp_path)
    assert [(i["name"], i["shape"]) for i in report["inputs"]] == [("image:0", [-1, -1, -1, 3])]


def test_free_spatial_sizes_are_chosen_past_the_mirror_pad_and_a_multiple_of_the_stride(graphs,
                                                                                       tmp_path: Path) -> None:
    report = _convert(graphs, "mirror_pad", tmp_path)
    step = _step(report, "sizes the graph accepts")
    assert step["status"] == "done" and "run at 42" in step["detail"], step


def test_an_estimator_export_is_cut_at_what_parse_example_hands_on(graphs, tmp_path: Path) -> None:
    report = _convert(graphs, "estimator", tmp_path)
    inputs = {i["name"]: i for i in report["inputs"]}
    hashed = [name for name in inputs if not name.startswith("ParseExample/ParseExampleV2:")]
    assert len(hashed) == 1 and inputs[hashed[0]]["dtype"] == "int64", inputs  # the city's bucket ids
    dtypes = sorted(i["dtype"] for name, i in inputs.items() if name not in hashed)
    assert dtypes.count("string") == 1  # the color's values: a table looks them up, faithfully
    assert [-1, 2] in [i["shape"] for i in inputs.values()]  # dense "hours", shape [2]
    shown = run_tfscout("inspect", str(graphs[0] / graphs[1]["estimator"]["path"]))
    assert "hashes ParseExample/ParseExampleV2:" in shown.stdout and "5 buckets" in shown.stdout
    assert {"Bucketize", "OneHot"} <= set(report["polyfilled"])
    latency = report["latency"]  # both sides on the same batch; the numbers themselves are not judged here
    assert all(isinstance(latency[k], float) for k in ("onnxruntime_ms", "tensorflow_ms"))
    assert latency["threads"] >= 1 and latency["runs"] >= latency["warmup"] >= 1


def test_a_signature_fed_encoded_images_is_cut_after_the_decoding_loop(graphs, tmp_path: Path) -> None:
    """tf.map_fn decodes each JPEG inside a while loop: a placeholder cannot feed one iteration, so the cut
    is what the loop hands on, the stacked images."""
    report = _convert(graphs, "jpeg_serving", tmp_path)
    assert [(i["name"], i["dtype"], i["shape"]) for i in report["inputs"]] == [
        ("map/TensorArrayStack/TensorArrayGatherV3:0", "float32", [-1, 12, 12, 3])]
    assert report["verified"] is True


def test_a_resource_variable_read_inside_a_while_loop_is_frozen(graphs, tmp_path: Path) -> None:
    """The loop reads the weights through an Enter of the variable's handle: the Enter takes the value."""
    report = _convert(graphs, "loop_weights", tmp_path)
    assert report["verified"] is True
    assert _step(report, "variables to constants")["nodes"] == ["cell/kernel"]


def test_every_polyfill_matches_tensorflow_on_edge_values(graphs, tmp_path: Path) -> None:
    """0, -0, tiny, huge, negative, NaN and infinities for the floats; signed and extreme integers."""
    folder, index = graphs
    entry = index["polyfills"]
    report = _convert(graphs, "polyfills", tmp_path, "--inputs", "x:0,y:0,i:0,j:0",
                      "--outputs", ",".join(entry["outputs"]), "--sample", str(folder / entry["sample"]))
    assert set(report["polyfilled"]) >= {"Log1p", "Expm1", "Erfc", "Inv", "Xlogy", "Xlog1py", "Xdivy", "MulNoNan",
                                         "Mod", "TruncateMod", "ApproximateEqual", "Bucketize", "L2Loss",
                                         "EuclideanNorm", "Reverse", "Snapshot", "PreventGradient", "AccumulateNV2",
                                         "FloorDiv", "FloorMod"}
    precheck = run_tfscout("check", str(folder / entry["path"]), "--inputs", "x:0,y:0,i:0,j:0",
                           "--outputs", ",".join(entry["outputs"]))
    assert "convert will polyfill it" in precheck.stdout, precheck.stdout


def test_a_placeholder_with_default_that_is_not_an_input_takes_its_default(graphs, tmp_path: Path) -> None:
    report = _convert(graphs, "pwd_default", tmp_path, "--inputs", "input:0")
    step = _step(report, "unfed PlaceholderWithDefault nodes take their default")
    assert step["nodes"] == ["BottleneckInputPlaceholder"]
    assert [i["name"] for i in report["inputs"]] == ["input:0"]


def test_a_scaled_weight_is_found_where_the_numbers_part(graphs, tmp_path: Path) -> None:
    folder, index = graphs
    entry = index["two_layers"]
    report = _convert(graphs, "two_layers", tmp_path)
    model = onnx.load(str(tmp_path / "two_layers.onnx"))
    weight = [t for t in model.graph.initializer if t.name.startswith(entry["weight"])]
    assert len(weight) == 1, [t.name for t in model.graph.initializer]
    weight[0].CopyFrom(numpy_helper.from_array(numpy_helper.to_array(weight[0]) * np.float32(1.5), weight[0].name))
    corrupted = tmp_path / "corrupted.onnx"
    onnx.save(model, str(corrupted))
    result = run_tfscout("verify", str(folder / entry["path"]), str(corrupted), "--json", timeout=600)
    assert result.returncode == 1, result.stdout[-2000:]
    found = result.json()["first_divergence"]
    assert found["tf_tensor"] == "layer2:0" and found["tf_op"] == "MatMul", found
    assert found["max_abs_diff"] > 0 and set(found) >= {"onnx_node", "max_rel_diff"}
    repro = found["repro"]
    assert all(Path(repro[k]).is_file() for k in ("graph", "onnx", "inputs")), repro
    assert report.get("first_divergence") is None
