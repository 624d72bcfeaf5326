"""Verified when it should not have been: verify and convert exit 0 only when the ONNX model matches
TensorFlow (issue 12). A single seeded sample at batch 1 of small non-negative numbers hides a
transposed or cut output and the sign rules of integer and float floor division; NaN tolerances
and time limits pass every comparison; a checkpoint folder whose ``checkpoint`` file points into
another folder converts that other model.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import run_tfscout
from tests.security.conftest import describe, error_line
from tests.security.mismatch import MISMATCHES, write_pair

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.mark.parametrize("mismatch", MISMATCHES, ids=lambda m: m.name)
def test_verify_catches_an_onnx_model_that_differs(mismatch, tmp_path: Path) -> None:
    tf_model, wrong, good = write_pair(mismatch, tmp_path)
    result = run_tfscout("verify", str(tf_model), str(wrong), "--json", timeout=600)
    assert result.returncode == 1, f"{mismatch.what}: verified; {describe(result)}\n{result.stdout[-1500:]}"
    assert result.json()["verified"] is False
    faithful = run_tfscout("verify", str(tf_model), str(good), "--json", timeout=600)
    assert faithful.returncode == 0, f"the faithful model of {mismatch.name} was not verified: {describe(faithful)}"


@pytest.mark.parametrize("mismatch", [m for m in MISMATCHES if m.name.startswith("floor")], ids=lambda m: m.name)
def test_convert_of_floor_division_is_verified(mismatch, tmp_path: Path) -> None:
    """tf2onnx converts FloorDiv/FloorMod faithfully: with signed seeds, convert still verifies."""
    tf_model, _wrong, _good = write_pair(mismatch, tmp_path)
    result = run_tfscout("convert", str(tf_model), "-o", str(tmp_path / "out.onnx"), "--json", timeout=600)
    assert result.returncode == 0, describe(result)


BAD_NUMBERS = ("nan", "-nan", "inf", "-1")


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("command,flag", [
    ("convert", "--rtol"), ("convert", "--atol"), ("convert", "--timeout"), ("verify", "--rtol"),
    ("verify", "--atol"), ("verify", "--timeout"), ("freeze", "--timeout"), ("check --confirm", "--timeout"),
    ("scan", "--timeout")])
def test_non_finite_or_negative_tolerances_and_time_limits_are_usage_errors(command: str, flag: str, value: str,
                                                                            harmless_model: Path,
                                                                            harmless_onnx: Path,
                                                                            tmp_path: Path) -> None:
    model = str(harmless_model)
    argv = {
        "convert": ["convert", model, "-o", str(tmp_path / "out.onnx")],
        "verify": ["verify", model, str(harmless_onnx)],
        "freeze": ["freeze", model, "-o", str(tmp_path / "out.pb")],
        "check --confirm": ["check", "--confirm", model],
        "scan": ["scan", str(Path(model).parent), "--state", str(tmp_path / "state.jsonl")],
    }[command]
    result = run_tfscout(*argv, f"{flag}={value}", timeout=900)
    assert result.returncode == 2, f"{command} {flag}={value} was accepted: {describe(result)}"
    assert flag in error_line(result)
    assert not (tmp_path / "out.onnx").exists() and not (tmp_path / "out.pb").exists()


def _onnx_output(path: Path) -> list[float]:
    import numpy as np
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (out,) = session.run(None, {session.get_inputs()[0].name: np.ones([1, 2], np.float32)})
    return [float(v) for v in out.ravel()]


def _point_checkpoint_file_at(folder: Path, other: Path) -> None:
    prefix = other / "model.ckpt-1"
    (folder / "checkpoint").write_text(f'model_checkpoint_path: "{prefix}"\nall_model_checkpoint_paths: "{prefix}"\n')


def test_a_checkpoint_file_naming_another_folder_is_said_and_the_folders_own_files_win(
        models: dict[str, Path], tmp_path: Path) -> None:
    """The folder holds its own model.ckpt-1 (w = 1); its ``checkpoint`` file names another folder's (w = 2)."""
    own, other = tmp_path / "own", models["checkpoint_other"]
    shutil.copytree(models["checkpoint_own"], own)
    _point_checkpoint_file_at(own, other)
    result = run_tfscout("convert", str(own), "-o", str(tmp_path / "out.onnx"), "--json", timeout=600)
    assert result.returncode == 0, describe(result)
    assert _onnx_output(tmp_path / "out.onnx") == [1.0, 1.0], "converted the other folder's weights"
    assert any(str(other) in w for w in result.json()["warnings"]), "no warning names the checkpoint file's folder"


def test_a_checkpoint_folder_without_its_own_files_says_whose_it_converts(models: dict[str, Path],
                                                                          tmp_path: Path) -> None:
    folder, other = tmp_path / "only_meta", models["checkpoint_other"]
    folder.mkdir()
    shutil.copy(models["checkpoint_own"] / "model.ckpt-1.meta", folder)
    _point_checkpoint_file_at(folder, other)
    result = run_tfscout("convert", str(folder), "-o", str(tmp_path / "out.onnx"), "--json", timeout=600)
    if result.returncode == 2:  # refused: the error says where the checkpoint file points
        assert str(other) in error_line(result)
        return
    warned = any(str(other) in w for w in result.json()["warnings"])
    assert warned, f"converted (exit {result.returncode}) another folder's checkpoint without a warning"
