"""Hangs, memory, signals, speed (issue 12): what is not a regular file is refused at once, memory stays
bounded on huge text, a signal to tfscout takes its TensorFlow child and temp folders with it, the
analysis stays linear on a wide graph, and ``check --confirm`` works from a relative path and with a
tag set of several tags.
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

from tests.conftest import CliResult, run_tfscout, tfscout_executable
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


@pytest.mark.parametrize("command", ["inspect", "check", "convert", "scan"])
@pytest.mark.parametrize("kind", ["model file", "saved_model.pb", "checkpoint state file"])
def test_a_fifo_is_refused_without_blocking(kind: str, command: str, tmp_path: Path) -> None:
    model = _fifo_model(kind, tmp_path)
    argv = {"inspect": ["inspect", str(model)], "check": ["check", str(model)],
            "convert": ["convert", str(model), "-o", str(tmp_path / "out.onnx")],
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
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
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
# Linear on a wide graph


def _wide(path: Path, sinks: int) -> Path:
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 2])
    for i in range(sinks):
        b.op(f"sink_{i}", "Relu", [x])
    return b.write(path)


def _cpu_seconds(model: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run_limited("inspect", "--json", str(model), timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert result.returncode == 0, describe(result)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_inspect_grows_linearly_with_the_number_of_sinks(tmp_path: Path) -> None:
    """A growth ratio of CPU time, not a time limit: 16x the sinks may cost 16x (linear) or a little more
    (n log n: about 20x), so under 24x; a quadratic step heads for 256x (35 s at 100,000 sinks in issue 12)."""
    small = _cpu_seconds(_wide(tmp_path / "small.pb", 4_000))
    large = _cpu_seconds(_wide(tmp_path / "large.pb", 64_000))
    assert large < 24 * small, f"4,000 sinks: {small:.2f} s of CPU; 64,000: {large:.1f} s ({large / small:.0f}x)"


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
