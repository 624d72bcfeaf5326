"""Renderers of a scan: a text table for people, JSON (a list of row objects) and CSV for scripts."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from tfscout.inspector.formats import human_size
from tfscout.inspector.scan.rows import ScanResult, ScanRow

CSV_FIELDS = ("path", "format", "size", "nodes", "inputs", "outputs", "blocking", "opset", "unsafe",
              "unsafe_on_path", "error")
_LIST_WIDTH = 38


def scan_json(result: ScanResult) -> list[dict[str, Any]]:
    return [row.to_dict() for row in result.rows]


def scan_csv(result: ScanResult) -> str:
    """One line per model; lists are joined with spaces (TensorFlow names hold none)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for row in result.rows:
        data = row.to_dict()
        writer.writerow([" ".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v)
                         for v in (data[k] for k in CSV_FIELDS)])
    return buffer.getvalue()


def _names(items: list[str], width: int = _LIST_WIDTH) -> str:
    if not items:
        return "-"
    shown: list[str] = []
    for i, item in enumerate(items):
        rest = len(items) - i - 1
        text = ", ".join(shown + [item]) + (f" +{rest}" if rest else "")
        if shown and len(text) > width:
            return ", ".join(shown) + f" +{len(items) - i}"
        shown.append(item)
    return ", ".join(shown)


def _cells(row: ScanRow) -> list[str]:
    unsafe = [op + ("*" if op in row.unsafe_on_path else "") for op in row.unsafe]
    return [row.path, row.format or "?", human_size(row.size), f"{row.nodes:,}" if row.nodes is not None else "-",
            _names(row.inputs), _names(row.outputs), str(row.opset or "-"), _names(row.blocking), _names(unsafe)]


def scan_text(result: ScanResult) -> str:
    header = ["MODEL", "FORMAT", "SIZE", "NODES", "INPUTS", "OUTPUTS", "OPSET", "BLOCKING", "UNSAFE"]
    good = [_cells(r) for r in result.rows if not r.error]
    widths = [max([len(h)] + [len(c[i]) for c in good]) for i, h in enumerate(header)]
    out = []
    if good:
        out.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
        out.extend("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() for cells in good)
    errors = result.errors
    if errors:
        if out:
            out.append("")
        out.append(f"Models that could not be inspected ({len(errors)})")
        out.extend(f"  {r.path}: {_without_path(result, r)}" for r in errors)
    out.append("")
    out.append(summary_line(result))
    if any(r.unsafe_on_path for r in result.rows):
        out.append("UNSAFE: ops not known to be safe; those marked * would run when the model is converted, "
                   "which convert refuses without --allow-unsafe.")
    return "\n".join(out) + "\n"


def _without_path(result: ScanResult, row: ScanRow) -> str:
    """A row's error without the model's path in front (the table shows the path)."""
    error = row.error or ""
    where = result.folder if row.path == "." else str(Path(result.folder) / row.path)
    return error[len(where) + 2:] if error.startswith(where + ": ") else error


def summary_line(result: ScanResult) -> str:
    rows = result.rows
    blocked = sum(1 for r in rows if r.blocking and not r.error)
    unsafe = sum(1 for r in rows if r.unsafe_on_path)
    clean = sum(1 for r in rows if not r.error and not r.blocking and not r.unsafe_on_path)
    parts = [f"{len(rows)} model{'s' if len(rows) != 1 else ''}: {clean} with nothing blocking",
             f"{blocked} with ops tf2onnx will not convert", f"{unsafe} with unsafe ops on the path",
             f"{len(result.errors)} that could not be inspected"]
    text = ", ".join(parts)
    notes = []
    if result.reused:
        notes.append(f"{result.reused} reused from {result.state_file}")
    if result.older_checkpoints:
        notes.append(f"{result.older_checkpoints} older checkpoint(s) of the same runs left out")
    return text + (f" ({'; '.join(notes)})" if notes else "")
