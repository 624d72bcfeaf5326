"""Run work on the user's behalf in a child process, with a time limit and a way to cancel.

TensorFlow, tf2onnx and onnxruntime can crash (segfault, abort) or hang on hostile or broken
graphs. Whatever we run for the user runs here, so that the CLI and the TUI survive and say what
happened in one line.
"""

from __future__ import annotations

import contextlib
import pickle
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfscout.defaults import DEFAULT_TIMEOUT
from tfscout.errors import RunnerError
from tfscout.procs.children import SANDBOX_ENV, SANDBOX_MARK, child_env, kill_group, signal_name

CHILD_MODULE = "tfscout.procs.child"
SANDBOX_MODULE = "tfscout.procs.sandbox"


@dataclass
class CompletedRun:
    """What a child process did: exit code, output, time and peak memory."""

    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float | None = None
    timed_out: bool = False
    cancelled: bool = False
    lines: list[str] = field(default_factory=list)
    sandbox: str = ""  # how the child was kept off the network ("" when it was not asked to be)

    @property
    def crashed(self) -> bool:
        return self.returncode < 0

    def signal_name(self) -> str:
        return signal_name(self.returncode)


def _peak_rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def run_command(argv: list[str], timeout: float = DEFAULT_TIMEOUT, env: dict[str, str] | None = None,
                cancel: threading.Event | None = None, on_line: Callable[[str], None] | None = None,
                cwd: str | None = None, network: bool = False) -> CompletedRun:
    """Run ``argv`` in its own process group; kill the whole group on timeout, cancel, or any way out
    of this call (Ctrl+C, SIGTERM turned into an exception by the CLI).

    The child starts in an empty working folder of its own (``cwd`` when given), which is its TMPDIR
    too and is removed afterwards; without ``network`` it starts through :mod:`tfscout.procs.sandbox`,
    which takes its network away where the platform allows. stdout and stderr are merged into
    ``lines`` (in order) and also kept apart.
    """
    with contextlib.ExitStack() as stack:
        folder = cwd or stack.enter_context(tempfile.TemporaryDirectory(prefix="tfscout-cwd-"))
        child = child_env({"TMPDIR": folder, **(env or {})})
        child.pop(SANDBOX_ENV, None)
        command = argv if network else [sys.executable, "-m", SANDBOX_MODULE, *argv]
        return _run(command, argv, timeout, child, cancel, on_line, folder)


def _run(command: list[str], argv: list[str], timeout: float, env: dict[str, str],
         cancel: threading.Event | None, on_line: Callable[[str], None] | None, cwd: str) -> CompletedRun:
    start = time.monotonic()
    lines: list[str] = []
    out_chunks: list[str] = []
    err_chunks: list[str] = []
    peak: list[float] = []
    sandbox: list[str] = []
    lock = threading.Lock()

    def pump(stream: Any, sink: list[str]) -> None:
        for line in stream:
            if line.startswith(SANDBOX_MARK) and not sandbox:
                sandbox.append(line[len(SANDBOX_MARK):].strip())
                continue
            with lock:
                sink.append(line)
                lines.append(line.rstrip("\n"))
            if on_line is not None:
                on_line(line.rstrip("\n"))

    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
                            env=env, start_new_session=True, cwd=cwd)
    threads = [threading.Thread(target=pump, args=(proc.stdout, out_chunks), daemon=True),
               threading.Thread(target=pump, args=(proc.stderr, err_chunks), daemon=True)]
    timed_out = cancelled = False
    try:
        for t in threads:
            t.start()
        while True:
            try:
                proc.wait(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                rss = _peak_rss_mb(proc.pid)
                if rss is not None:
                    peak.append(rss)
                if time.monotonic() - start > timeout:
                    timed_out = True
                elif cancel is not None and cancel.is_set():
                    cancelled = True
                else:
                    continue
                kill_group(proc)
                break
    except BaseException:
        kill_group(proc)
        raise
    finally:
        for t in threads:
            t.join(timeout=5)
    return CompletedRun(
        argv=argv, returncode=proc.returncode if proc.returncode is not None else -9,
        stdout="".join(out_chunks), stderr="".join(err_chunks), seconds=time.monotonic() - start,
        peak_rss_mb=max(peak) if peak else None, timed_out=timed_out, cancelled=cancelled, lines=lines,
        sandbox=sandbox[0] if sandbox else "",
    )


def run_function(target: str, kwargs: dict[str, Any], what: str, timeout: float = DEFAULT_TIMEOUT,
                 cancel: threading.Event | None = None, on_line: Callable[[str], None] | None = None,
                 network: bool = False) -> Any:
    """Call ``module:function(**kwargs)`` in a fresh Python process and return its result.

    The result (or a TfscoutError raised by the function) travels back pickled through a
    temporary file. A crash, a hang past ``timeout`` or a cancel raises RunnerError naming
    ``what`` was being done.
    """
    with tempfile.TemporaryDirectory(prefix="tfscout-run-") as tmp:
        request = Path(tmp) / "request.pkl"
        response = Path(tmp) / "response.pkl"
        folder = Path(tmp) / "work"
        folder.mkdir()
        request.write_bytes(pickle.dumps({"target": target, "kwargs": kwargs}))
        argv = [sys.executable, "-m", CHILD_MODULE, str(request), str(response)]
        run = run_command(argv, timeout=timeout, cancel=cancel, on_line=on_line, cwd=str(folder), network=network)
        if run.cancelled:
            raise RunnerError(f"{what} was cancelled", "run it again when ready")
        if run.timed_out:
            raise RunnerError(f"{what} did not finish within {timeout:.0f} s and was stopped",
                              "raise the limit with --timeout, or cut the graph smaller with --inputs/--outputs")
        if run.crashed:
            raise RunnerError(f"{what} crashed ({run.signal_name()}) in the child process",
                              "the model or a library has a bug; try other --inputs/--outputs, or rerun with --debug")
        if not response.exists():
            tail = (run.stderr.strip().splitlines() or ["no output"])[-1][:300]
            raise RunnerError(f"{what} failed in the child process (exit {run.returncode}: {tail})",
                              "rerun with --debug to see the child's log")
        status, payload = pickle.loads(response.read_bytes())
        if status == "error":
            raise payload
        if status == "exception":
            raise RunnerError(f"{what} failed: {payload}", "rerun with --debug to see the child's log")
        return payload
