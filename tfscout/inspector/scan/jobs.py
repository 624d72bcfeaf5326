"""What a worker process does for one model of a scan: inspect and pre-check it into a row, or, for a row
reused from the state file, judge its unsafe columns again (they are never taken from the file).

The pool starts workers with the target ``tfscout.inspector.scan:inspect_one``; a worker that dies or
hangs is answered for by :func:`failed`.
"""

from __future__ import annotations

from typing import Any

from tfscout.errors import TfscoutError
from tfscout.inspector.api import inspect_model
from tfscout.inspector.graph import Graph
from tfscout.inspector.load import load_source
from tfscout.inspector.safety import check_interface
from tfscout.inspector.scan.rows import ScanRow


def inspect_one(job: dict[str, Any]) -> dict[str, Any]:
    """A worker's job: inspect and pre-check one model; the answer is a row and how it ended."""
    if job.get("stored") is not None:
        rechecked = _recheck(job)
        if rechecked is not None:
            return rechecked
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


def _recheck(job: dict[str, Any]) -> dict[str, Any] | None:
    """A row reused from the state file, with its unsafe columns judged again on the model itself (a load and
    the gate on the stored interface; no ranking, no pre-check); None when that cannot be done."""
    row = ScanRow.from_stored(job["stored"])
    if row is None or not row.outputs:
        return None
    try:
        source = load_source(job["path"], lazy_constants=True)
        graph = Graph(source.graph_def)
        outputs = [graph.resolve(name) for name in row.outputs]
        inputs = [graph.resolve(name) for name in row.inputs]
        if any(r is None for r in outputs + inputs):
            return None
        verdict = check_interface(source, graph, outputs, inputs)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - anything odd: inspect it again from scratch
        return None
    unsafe = verdict.unsafe_ops()
    row.unsafe = [u.op for u in unsafe]
    row.unsafe_on_path = [u.op for u in unsafe if u.in_subgraph]
    return {"row": row.to_dict(), "error_kind": None, "reused": True}


def failed(job: dict[str, Any], kind: str, message: str) -> dict[str, Any]:
    row = ScanRow(path=job["rel"], format=job.get("format"), size=job.get("size", 0),
                  error=f"{job['path']}: {message}")
    return {"row": row.to_dict(), "error_kind": kind}
