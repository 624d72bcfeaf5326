"""``tfscout scan DIR``: inspect and pre-check every TF1 model under a folder, one row per model.

Models are found by content (:mod:`.find`) and inspected in a pool of worker processes
(:class:`tfscout.procs.WorkerPool`, running :mod:`.jobs`), so that a model that crashes or hangs its
worker gives an error row, never a dead scan. Each finished row is appended to a state file (JSON lines,
by default ``DIR/.tfscout-scan.jsonl``) at once; a scan started again after an interruption reuses
the rows of models whose file has the same size and modification time, and the same settings.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tfscout.defaults import SCAN_TIMEOUT
from tfscout.errors import UsageError
from tfscout.inspector.scan.find import find_models
from tfscout.inspector.scan.jobs import failed
from tfscout.inspector.scan.rows import ScanResult, ScanRow
from tfscout.inspector.scan.state import ScanState, default_state_path, settings
from tfscout.procs import WorkerPool

# What each worker process runs (see :mod:`.jobs`).
WORKER_TARGET = "tfscout.inspector.scan:inspect_one"

Progress = Callable[[int, int, str], None]


def scan_folder(folder: str | Path, jobs: int | None = None, opset: int | None = None,
                state_path: str | Path | None = None, restart: bool = False,
                timeout: float = SCAN_TIMEOUT, progress: Progress | None = None) -> ScanResult:
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
    state = ScanState(state_file, settings(opset), restart)
    result = ScanResult(folder=str(folder), rows=[], older_checkpoints=found.older_checkpoints,
                        state_file=str(state_file))
    by_rel = {m.rel: m for m in found.models}
    rows: dict[str, ScanRow] = {}
    todo = []
    try:
        for model in found.models:
            reused = state.reusable(model)
            if reused is not None and reused.error is not None:
                reused.unsafe, reused.unsafe_on_path = [], []
                rows[model.rel] = reused
                result.reused += 1
            elif reused is not None:  # its unsafe columns are judged again, on the model
                todo.append({"rel": model.rel, "path": model.path, "format": model.format, "size": model.size,
                             "opset": opset, "stored": reused.to_dict()})
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
            if answer.get("reused"):
                result.reused += 1
            else:
                result.inspected += 1
            state.record(by_rel[row.path], row, answer.get("error_kind"))
            if progress is not None:
                progress(len(rows), total, row.path)

        if todo:
            size = min(jobs or os.cpu_count() or 1, len(todo))
            WorkerPool(WORKER_TARGET, size, timeout, failed).run(todo, on_answer)
    finally:
        state.close(set(by_rel))
    result.rows = [rows[rel] for rel in sorted(rows)]
    return result
