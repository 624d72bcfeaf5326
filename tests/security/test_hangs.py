"""Hangs, memory, signals (issue 12): what is not a regular file is refused at once, memory stays
bounded on huge text, a signal to tfscout takes its TensorFlow child and temp folders with it, and
``check --confirm`` works from a relative path and with a tag set of several tags.

Speed on a wide graph is not a pass/fail test here (a time is not something a test may assert on a
shared machine): the scale benchmark (``bench/``) measures it.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import CliResult, interruptible, run_tfscout, tfscout_executable
from tests.graphdefs import GraphBuilder
from tests.security.conftest import describe, error_line

GIB = 1 << 30


def run_limited(*args: str, memory: int | None = None, timeout: float = 120, cwd: Path | None = None,
                env: dict[str, str] | None = None) -> CliResult:
    """The console script, its address space limited to ``memory`` bytes when given; a hang fails the test."""
    def limit() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    try:
        proc = subprocess.run([tfscout_executable(), *args], capture_output=True, text=True, timeout=timeout,
                              cwd=cwd, preexec_fn=limit, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})})
    except subprocess.TimeoutExpired:
        pytest.fail(f"tfscout {' '.join(args)} was still running after {timeout:.0f} s")
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


# ---------------------------------------------------------------------------------------------
# Not a regular file


def _fifo_model(kind: str, root: Path) -> Path:
    """A FIFO nobody writes to, where a model file is expected: opening it for reading blocks forever."""
    if kind == "model file":
        os.mkfifo(root / "model.pb")
        return root / "model.pb"
    folder = root / "model"
    folder.mkdir()
    if kind == "saved_model.pb":
        os.mkfifo(folder / "saved_model.pb")
    else:  # a checkpoint folder whose checkpoint state file is a FIFO
        b = GraphBuilder()
        b.op("y", "Relu", [b.placeholder("x", shape=[-1, 2])])
        b.write_meta(folder / "model.ckpt-1.meta")
        (folder / "model.ckpt-1.index").write_bytes(b"")
        os.mkfifo(folder / "checkpoint")
    return folder


@pytest.mark.parametrize("command", ["inspect", "check", "freeze", "scan"])
@pytest.mark.parametrize("kind", ["model file", "saved_model.pb", "checkpoint state file"])
def test_a_fifo_is_refused_without_blocking(kind: str, command: str, tmp_path: Path) -> None:
    """freeze stands for convert: the same inspection first, the same freezing child (which converts the
    checkpoint, FIFO beside it, in full), without tf2onnx and onnxruntime after it."""
    model = _fifo_model(kind, tmp_path)
    argv = {"inspect": ["inspect", str(model)], "check": ["check", str(model)],
            "freeze": ["freeze", str(model), "-o", str(tmp_path / "out.pb")],
            "scan": ["scan", str(tmp_path), "--state", str(tmp_path / "state.jsonl"), "--jobs", "1"]}[command]
    result = run_limited(*argv, timeout=60)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, describe(result)
    if kind != "model file" or command == "scan":  # a FIFO inside a folder may be refused or passed over
        return
    assert result.returncode == 2, describe(result)
    line = error_line(result)
    assert "FIFO" in line or "regular file" in line, line


@pytest.mark.parametrize("how", ["the device", "a symlink named model.pb"])
def test_dev_zero_is_refused_without_reading_it(how: str, tmp_path: Path) -> None:
    model = Path("/dev/zero")
    if how != "the device":
        model = tmp_path / "model.pb"
        model.symlink_to("/dev/zero")
    result = run_limited("inspect", str(model), memory=2 * GIB, timeout=60)
    assert result.returncode == 2, describe(result)
    assert "MemoryError" not in error_line(result)


def test_a_text_graph_padded_with_whitespace_stays_in_bounded_memory(tmp_path: Path) -> None:
    """20 MB of spaces inside a node of a text GraphDef: 3 GB of memory once (1 GiB address space here)."""
    model = tmp_path / "padded.pbtxt"
    model.write_text('node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }'
                     + " " * 20_000_000 + "}\n")
    result = run_limited("inspect", "--json", str(model), memory=GIB, timeout=120)
    assert "MemoryError" not in result.stderr and "internal error" not in result.stderr, describe(result)
    if result.returncode == 0:
        assert result.json()["nodes"] == 1
    else:
        assert result.returncode == 2 and error_line(result)


# ---------------------------------------------------------------------------------------------
# Signals


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_tensorflow_child_and_removes_the_temp_folders(sig: signal.Signals, tmp_path: Path) -> None:
    import psutil

    from tfscout.samples import frozen_pb

    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = subprocess.Popen([tfscout_executable(), "convert", str(frozen_pb()), "-o", str(tmp_path / "out.onnx")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=interruptible,
                            env={**os.environ, "TMPDIR": str(temp), "TF_CPP_MIN_LOG_LEVEL": "3"})
    children: list[psutil.Process] = []
    try:
        me = psutil.Process(proc.pid)
        deadline = time.monotonic() + 120
        while not children and proc.poll() is None and time.monotonic() < deadline:
            children = me.children(recursive=True)
            time.sleep(0.05)
        assert children, "tfscout started no child process to stop"
        proc.send_signal(sig)
        proc.wait(timeout=60)
        _gone, alive = psutil.wait_procs(children, timeout=20)
        assert not alive, f"still running after tfscout got {sig.name}: {[c.cmdline()[:4] for c in alive]}"
        assert proc.returncode != 0
        assert sorted(p.name for p in temp.iterdir()) == [], "temp folders were left behind"
    finally:
        for leftover in [p for p in children if p.is_running()]:
            leftover.kill()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------------------------------------
# check --confirm: relative paths, several tags


@pytest.mark.slow
def test_check_confirm_reads_a_model_given_by_a_relative_path(tmp_path: Path) -> None:
    from tfscout.samples import frozen_pb

    shutil.copy(frozen_pb(), tmp_path / "model.pb")
    result = run_tfscout("check", "--confirm", "model.pb", cwd=tmp_path, timeout=600)
    assert "Confirmed with a tf2onnx trial conversion" in result.stdout, describe(result)
    assert "stopped before it checked the ops" not in result.stdout, result.stdout[-1500:]


@pytest.mark.slow
def test_check_confirm_passes_a_tag_set_of_several_tags(models: dict[str, Path]) -> None:
    result = run_tfscout("check", "--confirm", "--tag", "serve,gpu", str(models["saved_model_two_tags"]),
                         timeout=600)
    assert "Confirmed with a tf2onnx trial conversion" in result.stdout, describe(result)
    assert "stopped before it checked the ops" not in result.stdout, result.stdout[-1500:]
