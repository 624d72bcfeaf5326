"""What a worker process does for one model of a scan: inspect and pre-check it into a row.

The pool starts workers with the target ``tfscout.inspector.scan:inspect_one``; a worker that dies or
hangs is answered for by :func:`failed`.
"""

from __future__ import annotations

from typing import Any

from tfscout.errors import TfscoutError
from tfscout.inspector.api import inspect_model
from tfscout.inspector.scan.rows import ScanRow


def inspect_one(job: dict[str, Any]) -> dict[str, Any]:
    """A worker's job: inspect and pre-check one model; the answer is a row and how it ended."""
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
    row.blocking = report.precheck.blockers
    row.opset = report.opset.recommended
    row.unsafe = [u.op for u in report.unsafe_ops]
    row.unsafe_on_path = [u.op for u in report.unsafe_ops if u.in_subgraph]
    return {"row": row.to_dict(), "error_kind": None}


def failed(job: dict[str, Any], kind: str, message: str) -> dict[str, Any]:
    row = ScanRow(path=job["rel"], format=job.get("format"), size=job.get("size", 0),
                  error=f"{job['path']}: {message}")
    return {"row": row.to_dict(), "error_kind": kind}
