"""A Report as the JSON of ``tfscout inspect --json``: the keys DESIGN.md promises first, then the rest."""

from __future__ import annotations

from typing import Any

from tfscout.inspector.report import Report


def report_json(report: Report) -> dict[str, Any]:
    """The DESIGN.md contract, plus extra keys; key order puts the contract first."""
    data = report.to_dict()
    head = {k: data.pop(k) for k in ("format", "nodes", "inputs", "outputs", "mode_switches", "unsupported",
                                      "unsafe_ops", "opset", "tf2onnx_command")}
    return {"path": data.pop("path"), **head, **data}
