"""The library API the TUI calls from a worker thread: progress by stage, cancel, the report object."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from tests.fixtures.tf1_models import TF1Models, shared_models
from tfscout.converter import CONTRACT_KEYS, STAGES, convert_model, report_json

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tf1_models(tmp_path_factory: pytest.TempPathFactory) -> TF1Models:
    return shared_models(tmp_path_factory)


def test_progress_follows_the_stages_in_order(tf1_models: TF1Models, tmp_path: Path) -> None:
    seen: list[str] = []
    report = convert_model(tf1_models.path("queue_pipeline"), tmp_path / "q.onnx",
                           progress=lambda stage, _message: seen.append(stage))
    assert report.verified
    order = [STAGES.index(s) for s in seen]
    assert order == sorted(order), seen
    assert set(seen) == set(STAGES)
    data = report_json(report)
    assert list(data)[: len(CONTRACT_KEYS)] == list(CONTRACT_KEYS)
    json.dumps(data)  # serialisable as it is
    assert set(report.timings) == {"freeze", "tf2onnx", "check"}


def test_cancel_stops_the_conversion_and_writes_nothing(tf1_models: TF1Models, tmp_path: Path) -> None:
    cancel = threading.Event()

    def progress(stage: str, _message: str) -> None:
        if stage == "tf2onnx":
            cancel.set()

    out = tmp_path / "c.onnx"
    report = convert_model(tf1_models.path("debug_ops"), out, progress=progress, cancel=cancel)
    assert not report.verified and report.exit_code == 1
    assert [p.kind for p in report.problems] == ["cancelled"]
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_tensorflow_run_error_is_reported_by_its_node_and_message(tmp_path: Path) -> None:
    """Where TensorFlow fails on the seeded inputs, the problem names the node and says why, not
    TensorFlow's first line ("Graph execution error:")."""
    from tests.conftest import CORPUS

    report = convert_model(str(CORPUS / "kws_dnn_s" / "DNN_S.pb"), tmp_path / "kws.onnx",
                           inputs=["wav_data:0"], outputs=["labels_softmax:0"])
    assert not report.verified and not (tmp_path / "kws.onnx").exists()
    tf_run = [p.message for p in report.problems if p.kind == "tf_run"]
    assert len(tf_run) == 1, report.problems
    assert "at node decoded_sample_data: " in tf_run[0] and "Graph execution error" not in tf_run[0]
