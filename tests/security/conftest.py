"""Shared fixtures of the security tests: a probe that sees what a model does to the host, the crafted
models aimed at it, a harmless ONNX model for ``verify``, and the commands that run a model.

The probe is a folder the tests own (a file appearing in it is a write), a FIFO canary (a thread
answers every open, so a read is counted) and a loopback listener (every connection is counted).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, CliResult, run_tfscout
from tests.security.hostile import RAW_BUILDERS, Probe, write_raw
from tests.security.hostile_tf import TF_MODELS

CANARY_TEXT = b"word 3.5\n"
COMMANDS = ("freeze", "convert", "verify", "check --confirm")


class FifoCanary:
    """Answers every open of a FIFO for reading, and counts them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self.opens = 0
        self._stopping = False
        self._thread = threading.Thread(target=self._answer, daemon=True)
        self._thread.start()

    def _answer(self) -> None:
        while True:
            fd = os.open(self.path, os.O_WRONLY)  # blocks until a reader opens the FIFO
            if self._stopping:
                os.close(fd)
                return
            self.opens += 1
            try:
                os.write(fd, CANARY_TEXT)
            except OSError:
                pass  # the reader went away first
            os.close(fd)

    def close(self) -> None:
        self._stopping = True
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)  # releases the blocked open
        self._thread.join(timeout=5)
        os.close(fd)


class Listener:
    """A loopback TCP listener that counts connections and closes them."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.connected = threading.Event()  # set at the first connection
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self.connected.set()
            conn.close()

    def close(self) -> None:
        self.sock.close()


@dataclass
class HostWatch:
    """The probe and its counters: ``seen()`` lists what happened since ``reset()``."""

    probe: Probe
    canary: FifoCanary
    listener: Listener
    opens: int = 0
    connections: int = 0

    def reset(self) -> None:
        for path in self.probe.outbox.iterdir():
            if path.is_dir():
                import shutil

                shutil.rmtree(path)
            else:
                path.unlink()
        self.opens, self.connections = self.canary.opens, self.listener.connections

    def seen(self) -> list[str]:
        out = [f"wrote {p.name}" for p in sorted(self.probe.outbox.iterdir())]
        if self.canary.opens > self.opens:
            out.append(f"opened the canary {self.canary.opens - self.opens} time(s)")
        if self.listener.connections > self.connections:
            out.append(f"connected to the listener {self.listener.connections - self.connections} time(s)")
        return out


@pytest.fixture(scope="session")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostWatch]:
    root = tmp_path_factory.mktemp("probe")
    (root / "outbox").mkdir()
    canary, listener = FifoCanary(root / "canary"), Listener()
    watch = HostWatch(Probe(root / "outbox", canary.path, listener.port), canary, listener)
    yield watch
    canary.close()
    listener.close()


@pytest.fixture(scope="session")
def models(host: HostWatch, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every crafted model, aimed at the probe: raw GraphDefs here, the rest by TensorFlow in a child."""
    folder = tmp_path_factory.mktemp("models")
    built = {name: write_raw(name, host.probe, folder / "raw") for name in RAW_BUILDERS}
    p = host.probe
    subprocess.run([sys.executable, "-m", "tests.security.hostile", str(folder / "tf"), str(p.outbox),
                    str(p.canary), str(p.port)], cwd=ROOT, check=True, capture_output=True, timeout=600,
                   env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    built.update({name: folder / "tf" / name for name in TF_MODELS})
    host.reset()
    return built


@pytest.fixture(scope="session")
def harmless_onnx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``y:0 = x:0 * 2`` (float32 [N, 2]): the crafted models' interface, for ``verify``."""
    import onnx
    from onnx import TensorProto, helper

    two = helper.make_tensor("two", TensorProto.FLOAT, [], [2.0])
    graph = helper.make_graph([helper.make_node("Mul", ["x:0", "two"], ["y:0"])], "g",
                              [helper.make_tensor_value_info("x:0", TensorProto.FLOAT, ["N", 2])],
                              [helper.make_tensor_value_info("y:0", TensorProto.FLOAT, ["N", 2])], [two])
    path = tmp_path_factory.mktemp("onnx") / "model.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)]), str(path))
    return path


@pytest.fixture(scope="session")
def harmless_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The TensorFlow graph ``harmless_onnx`` was made from: ``y = x * 2``, alone in its folder."""
    from tests.graphdefs import GraphBuilder

    b = GraphBuilder()
    b.op("y", "Mul", [b.placeholder("x", shape=[-1, 2]), b.const("two", 2.0)])
    return b.write(tmp_path_factory.mktemp("harmless") / "model.pb")


def command_argv(command: str, model: Path, work: Path, onnx_model: Path, *extra: str) -> list[str]:
    """The argument list of one of COMMANDS on ``model``, writing (if at all) into ``work``."""
    head = {
        "freeze": ["freeze", str(model), "-o", str(work / "out.pb")],
        "convert": ["convert", str(model), "-o", str(work / "out.onnx")],
        "verify": ["verify", str(model), str(onnx_model)],
        "check --confirm": ["check", "--confirm", str(model)],
    }[command]
    return [*head, *extra]


def run_command(command: str, model: Path, work: Path, onnx_model: Path, *extra: str,
                timeout: float = 120) -> CliResult:
    """Run one of COMMANDS through the installed console script, each child limited to ``timeout`` s."""
    work.mkdir(parents=True, exist_ok=True)
    return run_tfscout(*command_argv(command, model, work, onnx_model, *extra), "--timeout", f"{timeout:g}",
                       timeout=timeout * 4 + 120)


def error_line(result: CliResult) -> str:
    """The one error line; fails on tracebacks, internal errors and multi-line errors."""
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "internal error" not in result.stderr, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.startswith("tfscout: error:")]
    assert len(lines) == 1, result.stderr[-2000:]
    return lines[0]


def describe(result: Any) -> str:
    return f"exit {result.returncode}; stderr: {result.stderr[-1500:]}"
