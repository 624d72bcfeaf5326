"""The scan's state file: one JSON line per finished model after a settings line, locked while a scan
runs, so that a scan started again after an interruption reuses what is done."""

from __future__ import annotations

import fcntl
import json
from pathlib import Path
from typing import IO, Any

from tfscout import __version__
from tfscout.errors import UsageError
from tfscout.inspector.scan.find import FoundModel
from tfscout.inspector.scan.rows import ScanRow

STATE_NAME = ".tfscout-scan.jsonl"
_STATE_VERSION = 1
# Errors that say nothing about the model itself: the row is done again on resume.
RETRIED_ERRORS = frozenset({"timeout", "crash", "internal"})


def settings(opset: int | None) -> dict[str, Any]:
    return {"tfscout_scan": _STATE_VERSION, "tfscout": __version__, "opset": opset}


class ScanState:
    """Rows done so far, one JSON line each after a settings line; locked while a scan runs."""

    def __init__(self, path: Path, settings: dict[str, Any], restart: bool) -> None:
        self.path = path
        self.settings = settings
        self.done: dict[str, dict[str, Any]] = {} if restart else self._read()
        try:
            self.fh: IO[str] = path.open("a+", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write the scan state file ({exc.strerror})",
                             "pass --state PATH in a writable place", path=str(path)) from None
        try:
            fcntl.flock(self.fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.fh.close()
            raise UsageError("another scan is using this state file",
                             "wait for it to finish, or pass another --state PATH", path=str(path)) from None
        self._rewrite(self.done.values())

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return {}
        if not lines:
            return {}
        try:
            if json.loads(lines[0]) != self.settings:
                return {}  # made with other settings (opset, version): nothing can be reused
        except ValueError:
            return {}
        done: dict[str, dict[str, Any]] = {}
        for line in lines[1:]:
            try:
                entry = json.loads(line)
                done[entry["row"]["path"]] = entry
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by an interruption
        return done

    def _rewrite(self, entries: Any) -> None:
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(json.dumps(self.settings) + "\n")
        for entry in entries:
            self.fh.write(json.dumps(entry) + "\n")
        self.fh.flush()

    def reusable(self, model: FoundModel) -> ScanRow | None:
        entry = self.done.get(model.rel)
        if entry is None or entry.get("fingerprint") != model.fingerprint:
            return None
        if entry.get("error_kind") in RETRIED_ERRORS:
            return None
        try:
            return ScanRow.from_dict(entry["row"])
        except (TypeError, KeyError):
            return None

    def record(self, model: FoundModel, row: ScanRow, error_kind: str | None) -> None:
        entry = {"row": row.to_dict(), "fingerprint": model.fingerprint, "error_kind": error_kind}
        self.done[model.rel] = entry
        self.fh.write(json.dumps(entry) + "\n")
        self.fh.flush()

    def close(self, keep: set[str]) -> None:
        """Compact the file to the rows of the models still there, then unlock it."""
        self._rewrite(e for rel, e in sorted(self.done.items()) if rel in keep)
        self.fh.close()


def default_state_path(folder: str | Path) -> Path:
    return Path(folder) / STATE_NAME
