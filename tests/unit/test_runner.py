"""The child-process runner: a crash, a hang or a cancel in the child is a one-line RunnerError.

The children here are plain Python standard-library functions (os.abort, ctypes.string_at(0) for a
segfault, subprocess.run of a shell that records its pid and sleeps), so that the process group
can be checked for orphans afterwards.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from tfscout.errors import RunnerError, TfscoutError, UsageError
from tfscout.procs import run_command, run_function

pytestmark = pytest.mark.timeout(120)


def assert_one_line(error: RunnerError, *words: str) -> None:
    line = error.one_line()
    assert "\n" not in line and line.endswith(")"), line
    for word in words:
        assert word in line, line


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead; its parent (the killed child) is gone, so init reaps it soon
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def wait_dead(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


def grandchild(pid_file: Path) -> dict[str, object]:
    """kwargs for ``subprocess:run``: a shell in the child's process group that writes its pid and sleeps."""
    return {"args": ["sh", "-c", f"echo $$ > {pid_file}; exec sleep 300"]}


def test_an_ordinary_call_returns_its_result() -> None:
    assert run_function("os.path:normpath", {"path": "x//y/./z"}, what="normalising", timeout=60) == "x/y/z"


def test_a_tfscout_error_in_the_child_comes_back_as_itself() -> None:
    with pytest.raises(TfscoutError) as info:
        run_function("tfscout.inspector:inspect_model", {"path": "/no/such/model.pb"}, what="inspecting",
                     timeout=60)
    assert "no such file" in info.value.one_line()


def test_an_abort_in_the_child_is_a_runner_error() -> None:
    with pytest.raises(RunnerError) as info:
        run_function("os:abort", {}, what="the test job", timeout=60)
    assert_one_line(info.value, "the test job crashed", "SIGABRT")


def test_a_segfault_in_the_child_is_a_runner_error() -> None:
    with pytest.raises(RunnerError) as info:
        run_function("ctypes:string_at", {"ptr": 0}, what="reading address 0", timeout=60)
    assert_one_line(info.value, "reading address 0 crashed", "SIGSEGV")


def test_an_ordinary_exception_in_the_child_is_one_line() -> None:
    with pytest.raises(RunnerError) as info:
        run_function("os:listdir", {"path": "/no/such/dir"}, what="listing", timeout=60)
    assert_one_line(info.value, "listing failed", "FileNotFoundError")


def test_a_hang_is_stopped_and_the_process_group_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    start = time.monotonic()
    with pytest.raises(RunnerError) as info:
        run_function("subprocess:run", grandchild(pid_file), what="the slow job", timeout=3)
    assert time.monotonic() - start < 30
    assert_one_line(info.value, "the slow job did not finish within 3 s", "--timeout")
    pid = int(pid_file.read_text())
    assert wait_dead(pid), "the grandchild outlived the timeout: an orphan"


def test_cancel_stops_the_child_and_its_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    cancel = threading.Event()
    timer = threading.Timer(1.0, cancel.set)
    timer.start()
    start = time.monotonic()
    try:
        with pytest.raises(RunnerError) as info:
            run_function("subprocess:run", grandchild(pid_file), what="the long job", timeout=300, cancel=cancel)
    finally:
        timer.cancel()
    assert time.monotonic() - start < 30, "cancel took effect well before the time limit"
    assert_one_line(info.value, "the long job was cancelled")
    assert wait_dead(int(pid_file.read_text()))


def test_run_command_reports_a_timeout_and_kills_the_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    run = run_command(["sh", "-c", f"sleep 300 & echo $! > {pid_file}; wait"], timeout=2)
    assert run.timed_out and run.crashed and run.returncode < 0
    assert wait_dead(int(pid_file.read_text()))


def test_run_command_keeps_the_output_in_order() -> None:
    seen: list[str] = []
    run = run_command(["sh", "-c", "echo one; echo two >&2; sleep 0.2; echo three"], timeout=30,
                      on_line=seen.append)
    assert run.returncode == 0 and not run.timed_out
    assert run.stdout == "one\nthree\n" and run.stderr == "two\n"
    assert sorted(run.lines) == ["one", "three", "two"] and sorted(seen) == sorted(run.lines)


def test_the_parent_survives_many_crashes_in_a_row() -> None:
    for _ in range(3):
        with pytest.raises(RunnerError):
            run_function("os:abort", {}, what="the test job", timeout=60)
    assert run_function("os.path:basename", {"p": "/a/b"}, what="basename", timeout=60) == "b"


def test_a_usage_error_raised_in_the_child_keeps_its_class() -> None:
    with pytest.raises(UsageError):
        run_function("tfscout.inspector:validate_opset", {"opset": 99}, what="checking", timeout=60)


# ---------------------------------------------------------------------------------------------
# Where children run: an empty folder of their own, and no network where the platform allows


_CONNECT = ("import socket, sys\n"
            "s = socket.socket()\n"
            "try:\n"
            "    s.connect(('127.0.0.1', int(sys.argv[1])))\n"
            "    print('connected')\n"
            "except OSError as exc:\n"
            "    print('refused', exc.errno)\n")


def test_a_child_has_no_network_unless_asked_and_says_how_it_was_kept_off() -> None:
    import socket
    import sys

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = str(listener.getsockname()[1])
    try:
        shared = run_command([sys.executable, "-c", _CONNECT, port], timeout=60, network=True)
        sandboxed = run_command([sys.executable, "-c", _CONNECT, port], timeout=60)
    finally:
        listener.close()
    assert shared.stdout == "connected\n" and shared.sandbox == ""
    assert sandboxed.sandbox, "the sandbox said nothing"
    assert not any(line.startswith("tfscout-sandbox:") for line in sandboxed.lines)
    if sandboxed.sandbox.startswith("no network"):
        assert sandboxed.stdout.startswith("refused"), sandboxed.stdout
    else:
        assert sandboxed.sandbox.startswith("network shared ("), sandboxed.sandbox


def test_a_child_starts_in_an_empty_folder_that_is_its_tmpdir_and_is_removed() -> None:
    import sys

    code = "import os, tempfile; print(os.getcwd()); print(tempfile.gettempdir()); print(os.listdir('.'))"
    run = run_command([sys.executable, "-c", code], timeout=60)
    cwd, tmp, listing = run.stdout.splitlines()
    assert cwd == tmp and listing == "[]" and Path(cwd).name.startswith("tfscout-cwd-")
    assert not Path(cwd).exists(), "the child's folder was left behind"


@pytest.mark.skipif(not Path("/proc/self/oom_score_adj").exists(), reason="Linux only: no oom_score_adj here")
def test_a_child_is_the_first_the_kernel_stops_when_memory_runs_out() -> None:
    """A model that eats all memory loses its own child, not the CLI or the TUI that started it."""
    run = run_command(["cat", "/proc/self/oom_score_adj"], timeout=30)
    assert run.stdout.strip().splitlines()[-1] == "1000"
    assert Path("/proc/self/oom_score_adj").read_text().strip() != "1000"
