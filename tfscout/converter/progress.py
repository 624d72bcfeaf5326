"""Progress messages: from a child process (a marked line on stdout) to the caller's callback."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

from tfscout.errors import RunnerError

Progress = Callable[[str, str], None]
_MARK = "@@tfscout-progress "


def child_progress(stage: str, message: str) -> None:
    """Called inside a child process: one marked line the parent turns into a progress call."""
    sys.stdout.write(f"{_MARK}{stage}\t{message}\n")
    sys.stdout.flush()


def line_forwarder(progress: Progress | None) -> Callable[[str], None] | None:
    """An ``on_line`` handler for the runner that forwards marked lines to ``progress``."""
    if progress is None:
        return None

    def on_line(line: str) -> None:
        if line.startswith(_MARK):
            stage, _, message = line[len(_MARK):].partition("\t")
            progress(stage, message)

    return on_line


def say(progress: Progress | None, stage: str, message: str) -> None:
    if progress is not None:
        progress(stage, message)


def check_cancel(cancel: threading.Event | None, what: str) -> None:
    if cancel is not None and cancel.is_set():
        raise RunnerError(f"{what} was cancelled", "run it again when ready")


def stderr_progress(enabled: bool) -> Progress | None:
    """A progress printer for terminals: one line per stage on stderr."""
    if not enabled:
        return None

    def show(stage: str, message: str) -> None:
        sys.stderr.write(f"tfscout: [{stage}] {message}\n")
        sys.stderr.flush()

    return show
