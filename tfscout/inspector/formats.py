"""Formatters every renderer shares (the report's text, the pre-check's, node details, drawings, the scan
table, the converter's report and the TUI): shapes, pre-check statuses, sizes, colours.

Below ``explore`` and ``render``, which both use it.
"""

from __future__ import annotations

from tfscout.inspector.report import OpIssue


def shape_text(shape: list[int] | None) -> str:
    """``[?,28,28,1]``; ``?`` for an unknown dimension or an unknown rank."""
    if shape is None:
        return "?"
    return "[" + ",".join("?" if d < 0 else str(d) for d in shape) + "]"


def status_text(issue: OpIssue) -> str:
    """A pre-check verdict as people read it: ``needs opset 18``, ``needs ai.onnx.contrib``, ``unsupported``.
    """
    if issue.status == "needs_opset":
        return f"needs opset {issue.min_opset}"
    if issue.status == "needs_extra_opset":
        return f"needs {issue.domain}"
    return issue.status


def human_size(n: int) -> str:
    """Bytes as 419 B, 104.8 KB, 1.9 MB."""
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


class Style:
    """ANSI colours for a terminal, or plain text."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def green(self, text: str) -> str:
        return self._wrap("32", text)

    def yellow(self, text: str) -> str:
        return self._wrap("33", text)

    def red(self, text: str) -> str:
        return self._wrap("31", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)
