"""Host ops: no crafted model writes, reads, connects or ends a process through freeze, convert, verify or
check --confirm without --allow-unsafe, wherever it hides its work (issue 12, "Host ops that ran").

A model whose hostile part runs with the chosen subgraph must be refused in one line that names the
op and --allow-unsafe; a model whose hostile part runs only when TensorFlow's own loaders load it
(main_op, legacy_init_op, the Saver's restore op, asset paths) must never be handed to them. The
second half proves each model really does what it is built to do.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_tfscout
from tests.security.conftest import COMMANDS, HostWatch, describe, error_line, run_command
from tests.security.hostile import BY_NAME, HOSTILE

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
ON_PATH = sorted(h.name for h in HOSTILE if h.runs == "path")
IN_LOADERS = sorted(h.name for h in HOSTILE if h.runs == "loader")


def _nothing_written(work: Path) -> list[str]:
    return sorted(p.name for p in work.iterdir()) if work.exists() else []


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", ON_PATH)
def test_hostile_work_on_the_path_is_refused(name: str, command: str, host: HostWatch, models: dict[str, Path],
                                             harmless_onnx: Path, tmp_path: Path) -> None:
    hostile = BY_NAME[name]
    host.reset()
    result = run_command(command, models[name], tmp_path / "work", harmless_onnx, *hostile.args,
                         timeout=hostile.timeout)
    assert host.seen() == [], f"{command} let {name} touch the host ({hostile.what}): {describe(result)}"
    assert result.returncode == 1, describe(result)
    line = error_line(result)
    assert "--allow-unsafe" in line and hostile.op in line, line
    assert _nothing_written(tmp_path / "work") == []


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", IN_LOADERS)
def test_init_restore_and_asset_ops_never_run(name: str, command: str, host: HostWatch, models: dict[str, Path],
                                              harmless_onnx: Path, tmp_path: Path) -> None:
    """tf2onnx is given a frozen GraphDef tfscout built, never the SavedModel or the checkpoint."""
    host.reset()
    result = run_command(command, models[name], tmp_path / "work", harmless_onnx)
    assert host.seen() == [], f"{command} let {name} touch the host ({BY_NAME[name].what}): {describe(result)}"
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, describe(result)


def test_refused_before_anything_runs_even_with_json(host: HostWatch, models: dict[str, Path],
                                                     tmp_path: Path) -> None:
    """--json changes the output, not the gate: the refusal is still one line on stderr, stdout stays empty."""
    host.reset()
    result = run_tfscout("convert", str(models["nested_func_attr"]), "-o", str(tmp_path / "out.onnx"), "--json")
    assert host.seen() == [], describe(result)
    assert result.returncode == 1 and result.stdout == "", describe(result)
    assert "WriteFile" in error_line(result)


# ---------------------------------------------------------------------------------------------
# The attacks are real


@pytest.mark.parametrize("name", sorted(set(ON_PATH) - {"abort"}))
def test_with_allow_unsafe_the_model_touches_the_host(name: str, host: HostWatch, models: dict[str, Path],
                                                      harmless_onnx: Path) -> None:
    """verify runs the model in TensorFlow (its reference run) as convert does, without tf2onnx after it."""
    hostile = BY_NAME[name]
    host.reset()
    result = run_tfscout("verify", str(models[name]), str(harmless_onnx), *hostile.args, "--allow-unsafe",
                         "--timeout", f"{min(hostile.timeout, 60):g}", timeout=600)
    seen = host.seen()
    expected = {"write": "wrote", "read": "opened the canary", "connect": "connected"}[hostile.effect]
    assert any(s.startswith(expected) for s in seen), f"{name} did not {hostile.effect}: {describe(result)}"


@pytest.mark.parametrize("name", IN_LOADERS)
def test_tensorflows_own_loader_runs_the_hostile_part(name: str, host: HostWatch, models: dict[str, Path]) -> None:
    """What tf2onnx's --saved-model and --checkpoint loaders do today: the hostile part runs."""
    model = models[name]
    path = model if (model / "saved_model.pb").is_file() else model / "model.ckpt-1"
    host.reset()
    subprocess.run([sys.executable, "-m", "tests.security.hostile_tf", str(path)], cwd=ROOT, capture_output=True,
                   timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    expected = {"write": "wrote", "read": "opened the canary"}[BY_NAME[name].effect]
    assert any(s.startswith(expected) for s in host.seen()), host.seen()
