"""The scan's state file: a header line that marks it as ours, then one JSON line per finished model, so
that a scan started again after an interruption reuses what is done.

It is only ever a file of our own: a new file is written beside it (a temporary name, then a rename
over it), locked while the scan runs, and the rows are appended to that file. A link, something that
is not a regular file, or a file whose first line is not our header is refused, never followed or
written over. Rows are checked field by field when read back; a malformed one is done again. Their
unsafe columns are never taken from the file (see :mod:`.jobs`).
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from tfscout import __version__
from tfscout.errors import UsageError
from tfscout.inspector.scan.find import FoundModel
from tfscout.inspector.scan.rows import ScanRow

STATE_NAME = ".tfscout-scan.jsonl"
HEADER_KEY = "tfscout_scan"  # the header line of every state file is a JSON object with this key
_STATE_VERSION = 1
# Errors that say nothing about the model itself: the row is done again on resume.
RETRIED_ERRORS = frozenset({"timeout", "crash", "internal"})


def settings(opset: int | None) -> dict[str, Any]:
    return {HEADER_KEY: _STATE_VERSION, "tfscout": __version__, "opset": opset}


def _refuse(path: Path, what: str) -> UsageError:
    return UsageError(f"{what}; tfscout keeps its scan state only in a file of its own",
                      "pass --state with a new file name, or remove this one if it is an old state file",
                      path=str(path))


def read_state_lines(path: Path) -> list[str] | None:
    """The lines of an existing state file of ours, or None when there is none; refuses anything else."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _refuse(path, f"cannot read the scan state file ({exc.strerror})") from None
    if stat.S_ISLNK(mode):
        raise _refuse(path, "the scan state file is a symbolic link")
    if not stat.S_ISREG(mode):
        raise _refuse(path, "the scan state file is not a regular file")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "r", encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError as exc:
        raise _refuse(path, f"cannot read the scan state file ({exc.strerror})") from None
    try:
        header = json.loads(lines[0]) if lines else None
    except ValueError:
        header = None
    if not isinstance(header, dict) or HEADER_KEY not in header:
        raise _refuse(path, "the file is not a tfscout scan state file (its first line is not a tfscout header)")
    return lines


def _entries(lines: list[str], wanted: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The well-formed rows of a state file made with the same settings."""
    if json.loads(lines[0]) != wanted:
        return {}  # made with other settings (opset, version): nothing can be reused
    done: dict[str, dict[str, Any]] = {}
    for line in lines[1:]:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by an interruption
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), list):
            continue
        row = ScanRow.from_stored(entry.get("row"))
        kind = entry.get("error_kind")
        if row is None or not (kind is None or isinstance(kind, str)):
            continue
        done[row.path] = {"row": row.to_dict(), "fingerprint": entry["fingerprint"], "error_kind": kind}
    return done


class ScanState:
    """Rows done so far, one JSON line each after the header; locked while a scan runs."""

    def __init__(self, path: Path, settings: dict[str, Any], restart: bool) -> None:
        self.path = path
        self.settings = settings
        lines = read_state_lines(path)
        self.done: dict[str, dict[str, Any]] = _entries(lines, settings) if lines and not restart else {}
        self.fh: IO[str] = self._replace(self.done.values(), check_lock=lines is not None)

    def _replace(self, entries: Iterable[dict[str, Any]], check_lock: bool) -> IO[str]:
        """Write the header and ``entries`` to a new locked file of ours, renamed over the state file."""
        old = self._lock_existing() if check_lock else None
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        except OSError as exc:
            if old is not None:
                os.close(old)
            raise UsageError(f"cannot write the scan state file ({exc.strerror})",
                             "pass --state PATH in a writable place", path=str(self.path)) from None
        fh = os.fdopen(fd, "w", encoding="utf-8")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fh.write(json.dumps(self.settings) + "\n")
            for entry in entries:
                fh.write(json.dumps(entry) + "\n")
            fh.flush()
            os.replace(tmp, self.path)
        except BaseException:
            fh.close()
            Path(tmp).unlink(missing_ok=True)
            raise
        finally:
            if old is not None:
                os.close(old)
        return fh

    def _lock_existing(self) -> int | None:
        """Lock the state file as it is now: another scan holding it makes this one a usage error."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise UsageError("another scan is using this state file",
                             "wait for it to finish, or pass another --state PATH", path=str(self.path)) from None
        return fd

    def reusable(self, model: FoundModel) -> ScanRow | None:
        """The stored row of an unchanged model (its unsafe columns are judged again before use)."""
        entry = self.done.get(model.rel)
        if entry is None or entry.get("fingerprint") != model.fingerprint:
            return None
        if entry.get("error_kind") in RETRIED_ERRORS:
            return None
        return ScanRow.from_stored(entry["row"])

    def record(self, model: FoundModel, row: ScanRow, error_kind: str | None) -> None:
        entry = {"row": row.to_dict(), "fingerprint": model.fingerprint, "error_kind": error_kind}
        self.done[model.rel] = entry
        self.fh.write(json.dumps(entry) + "\n")
        self.fh.flush()

    def close(self, keep: set[str]) -> None:
        """Compact the file to the rows of the models still there (a new file again), then unlock it."""
        try:
            compact = self._replace((e for rel, e in sorted(self.done.items()) if rel in keep), check_lock=False)
            compact.close()
        finally:
            self.fh.close()


def default_state_path(folder: str | Path) -> Path:
    return Path(folder) / STATE_NAME
