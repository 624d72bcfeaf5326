"""``tfscout scan DIR``: inspect and pre-check every TF1 model under a folder, one row per model.

Models are found by content (:mod:`tfscout.inspector.scan_find`) and inspected in a pool of worker
processes (:mod:`tfscout.inspector.scan_pool`), so that a model that crashes or hangs its worker
gives an error row, never a dead scan. Each finished row is appended to a state file (JSON lines,
by default ``DIR/.tfscout-scan.jsonl``) at once; a scan started again after an interruption reuses
the rows of models whose file has the same size and modification time, and the same settings.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import IO, Any

from tfscout import __version__
from tfscout.errors import TfscoutError, UsageError
from tfscout.inspector.scan_find import FoundModel, find_models
from tfscout.inspector.scan_pool import WorkerPool

STATE_NAME = ".tfscout-scan.jsonl"
DEFAULT_TIMEOUT = 300.0
_STATE_VERSION = 1
# Errors that say nothing about the model itself: the row is done again on resume.
RETRIED_ERRORS = frozenset({"timeout", "crash", "internal"})


@dataclass
class ScanRow:
    """One model of a scan: what it is, its recommended interface, what blocks it, or why it failed."""

    path: str  # relative to the scanned folder
    format: str | None
    size: int  # bytes of every file of the model
    nodes: int | None = None
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)  # op types tf2onnx will not convert (or load)
    opset: int | None = None  # recommended
    unsafe: list[str] = field(default_factory=list)  # op types that touch the host, anywhere
    unsafe_on_path: list[str] = field(default_factory=list)  # those between the inputs and outputs
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanRow:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class ScanResult:
    folder: str
    rows: list[ScanRow]
    reused: int = 0  # rows taken from the state file
    inspected: int = 0
    older_checkpoints: int = 0
    state_file: str | None = None

    @property
    def errors(self) -> list[ScanRow]:
        return [r for r in self.rows if r.error]


# ---------------------------------------------------------------------------------------------
# One model (runs in a worker process)


def inspect_one(job: dict[str, Any]) -> dict[str, Any]:
    """A worker's job: inspect and pre-check one model; the answer is a row and how it ended."""
    from tfscout.inspector.api import inspect_model

    row = ScanRow(path=job["rel"], format=job.get("format"), size=job.get("size", 0))
    try:
        report = inspect_model(job["path"], opset=job.get("opset"))
    except TfscoutError as exc:
        row.error = exc.one_line()
        return {"row": row.to_dict(), "error_kind": "load"}
    except Exception as exc:  # noqa: BLE001 - one model's bug must not stop the scan; it becomes its row
        detail = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        row.error = f"{job['path']}: internal error ({detail}) (run `tfscout inspect --debug` on it and report it)"
        return {"row": row.to_dict(), "error_kind": "internal"}
    row.format = report.format
    row.nodes = report.nodes
    row.inputs = [c.name for c in report.recommended_inputs]
    row.outputs = [c.name for c in report.recommended_outputs]
    row.blocking = sorted({i.op for i in report.blocking} | set(report.precheck.get("load_blockers", {})))
    row.opset = report.opset.recommended
    row.unsafe = [u.op for u in report.unsafe_ops]
    row.unsafe_on_path = [u.op for u in report.unsafe_ops if u.in_subgraph]
    return {"row": row.to_dict(), "error_kind": None}


def _failed(job: dict[str, Any], kind: str, message: str) -> dict[str, Any]:
    row = ScanRow(path=job["rel"], format=job.get("format"), size=job.get("size", 0),
                  error=f"{job['path']}: {message}")
    return {"row": row.to_dict(), "error_kind": kind}


# ---------------------------------------------------------------------------------------------
# The state file


def _settings(opset: int | None) -> dict[str, Any]:
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


# ---------------------------------------------------------------------------------------------
# The scan

Progress = Callable[[int, int, str], None]


def default_state_path(folder: str | Path) -> Path:
    return Path(folder) / STATE_NAME


def scan_folder(folder: str | Path, jobs: int | None = None, opset: int | None = None,
                state_path: str | Path | None = None, restart: bool = False,
                timeout: float = DEFAULT_TIMEOUT, progress: Progress | None = None) -> ScanResult:
    """Find, inspect and pre-check every model under ``folder``; rows sorted by path.

    ``progress(done, total, path)`` is called as models finish. With ``state_path=None`` the state
    file is ``folder/.tfscout-scan.jsonl``; ``restart`` ignores the rows it holds.
    """
    root = Path(folder)
    if not root.exists():
        raise UsageError("no such directory", "check the path", path=str(folder))
    if not root.is_dir():
        raise UsageError("not a directory", "scan a folder; inspect one model with `tfscout inspect`",
                         path=str(folder))
    if jobs is not None and jobs < 1:
        raise UsageError(f"-j {jobs}: the number of workers must be at least 1", "pass -j 1 or more")
    if not timeout > 0:
        raise UsageError(f"--timeout {timeout:g}: the time limit per model must be positive", "pass seconds, e.g. 300")
    state_file = Path(state_path) if state_path is not None else default_state_path(root)
    found = find_models(root, skip={state_file})
    state = ScanState(state_file, _settings(opset), restart)
    result = ScanResult(folder=str(folder), rows=[], older_checkpoints=found.older_checkpoints,
                        state_file=str(state_file))
    by_rel = {m.rel: m for m in found.models}
    rows: dict[str, ScanRow] = {}
    todo = []
    try:
        for model in found.models:
            reused = state.reusable(model)
            if reused is not None:
                rows[model.rel] = reused
                result.reused += 1
            elif model.error is not None:
                row = ScanRow(path=model.rel, format=model.format, size=model.size, error=model.error)
                rows[model.rel] = row
                state.record(model, row, "load")
            else:
                todo.append({"rel": model.rel, "path": model.path, "format": model.format, "size": model.size,
                             "opset": opset})
        total = len(found.models)
        if progress is not None:
            progress(len(rows), total, "")

        def on_answer(job: dict[str, Any], answer: dict[str, Any]) -> None:
            row = ScanRow.from_dict(answer["row"])
            rows[row.path] = row
            result.inspected += 1
            state.record(by_rel[row.path], row, answer.get("error_kind"))
            if progress is not None:
                progress(len(rows), total, row.path)

        if todo:
            size = min(jobs or os.cpu_count() or 1, len(todo))
            WorkerPool("tfscout.inspector.scan:inspect_one", size, timeout, _failed).run(todo, on_answer)
    finally:
        state.close(set(by_rel))
    result.rows = [rows[rel] for rel in sorted(rows)]
    return result
