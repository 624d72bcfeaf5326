"""What every child process shares: a quiet environment, its own process group (killed as a whole), how
it ended, and what it runs (a ``module:function`` target)."""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
from collections.abc import Callable
from typing import Any

# How tfscout.procs.sandbox tells what it did: a line marked so on stderr, and the same words in this
# environment variable of the command it becomes.
SANDBOX_MARK = "tfscout-sandbox:"
SANDBOX_ENV = "TFSCOUT_SANDBOX"

_QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0", "PYTHONHASHSEED": "0",
              "CUDA_VISIBLE_DEVICES": "-1", "PYTHONUNBUFFERED": "1"}


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a child: ours, with TensorFlow quiet and on the CPU, and ``extra`` on top."""
    env = dict(os.environ)
    for key, value in _QUIET_ENV.items():
        env.setdefault(key, value)
    if extra:
        env.update(extra)
    return env


def first_to_go() -> None:
    """Ask the kernel to pick this process first when memory runs out: a model that exhausts memory in a
    child must not cost the user the CLI, the TUI or anything else of theirs (Linux; elsewhere nothing)."""
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")
    except OSError:
        pass


def kill_group(proc: subprocess.Popen[Any], wait: float = 10) -> None:
    """Kill the child's whole process group (it was started in a session of its own), then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    try:
        proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        pass


def signal_name(returncode: int | None) -> str:
    """``SIGSEGV`` for a child a signal ended, ``exit 3`` for one that exited."""
    if returncode is None or returncode >= 0:
        return f"exit {returncode}"
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def load_target(target: str) -> Callable[..., Any]:
    """The function a ``module:function`` string names (imported here, in the child)."""
    module_name, _, func_name = target.partition(":")
    return getattr(importlib.import_module(module_name), func_name)
