"""The pre-check of the current choice, the tf2onnx command, and op counts."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from tfscout.inspector import Report, status_text

_NODES_SHOWN = 3
STATUS_STYLE = {"supported": "green", "conditional": "yellow", "needs_opset": "yellow",
                "needs_extra_opset": "yellow", "unsupported": "bold red"}


def summary_line(report: Report) -> Text:
    """One line: does tf2onnx convert the path, at which opset, how many nodes."""
    pre = report.precheck
    text = Text()
    if not pre.ran:
        text.append("pre-check not run", style="dim")
    elif report.blocks:
        ops = sorted({i.op for i in report.blocking}) or sorted(pre.load_blockers)
        text.append("✗ ", style="bold red")
        text.append(f"tf2onnx will not convert: {', '.join(ops)}", style="red")
    else:
        text.append("✓ ", style="bold green")
        text.append("every op on the path converts", style="green")
        conditional = pre.conditional
        if conditional:
            text.append(f" ({len(conditional)} conditional)", style="yellow")
    text.append(f"  opset {report.opset.recommended}", style="bold")
    if report.opset.required:
        text.append(f" (lowest {report.opset.required})", style="dim")
    text.append(f"  {report.subgraph_nodes:,} nodes on the path", style="dim")
    unsafe = [u for u in report.unsafe_ops if u.in_subgraph]
    if unsafe:
        text.append(f"  ⚠ host ops on the path: {', '.join(u.op for u in unsafe)}", style="bold red")
    return text


def precheck_text(report: Report) -> Text:
    pre = report.precheck
    text = Text()
    text.append("Pre-check", style="bold underline")
    text.append("  ")
    text.append_text(summary_line(report))
    if pre.ran:
        text.append(f"\n{pre.subgraph_nodes:,} nodes on the path, "
                    f"{pre.folded_nodes:,} folded into constants, "
                    f"{pre.checked_nodes:,} reach tf2onnx's handlers", style="dim")
    issues = [i for i in report.unsupported if i.status != "supported"]
    for issue in sorted(issues, key=lambda i: (i.status == "conditional", i.op)):
        nodes = ", ".join(issue.nodes[:_NODES_SHOWN])
        if len(issue.nodes) > _NODES_SHOWN:
            nodes += f" (+{len(issue.nodes) - _NODES_SHOWN})"
        text.append(f"\n{status_text(issue):18}", style=STATUS_STYLE.get(issue.status, ""))
        text.append(f" {issue.op}", style="bold")
        text.append(f": {nodes}", style="dim")
        if issue.hint:
            text.append(f"\n{'':18}  - {issue.hint}")
    for op, names in pre.load_blockers.items():
        text.append(f"\n{'cannot load':18} {op}: {', '.join(names[:_NODES_SHOWN])}", style="red")
    for note in pre.notes:
        text.append(f"\nnote: {note}", style="dim")
    if report.unsafe_ops:
        text.append("\n\nOps that touch the host", style="bold underline")
        for u in report.unsafe_ops:
            where = "on the path" if u.in_subgraph else "off the path"
            text.append(f"\n{u.op} x{len(u.nodes)} ", style="bold")
            text.append(f"({where})", style="bold red" if u.in_subgraph else "dim")
            text.append(f": {'; '.join(u.reasons)}")
    if report.training_notes:
        text.append("\n\nTraining graph", style="bold underline")
        for note in report.training_notes:
            text.append(f"\n- {note}")
    if report.warnings:
        text.append("\n\nWarnings", style="bold underline")
        for w in report.warnings:
            text.append(f"\n! {w}", style="yellow")
    return text


class CommandBar(Vertical):
    """The tf2onnx command for the current choice and the pre-check verdict, always in view."""

    def compose(self) -> ComposeResult:
        yield Static("", id="command")
        yield Static("", id="verdict")

    def show(self, report: Report, edited: bool, busy: bool = False) -> None:
        head = Text("tf2onnx ", style="bold")
        head.append("(your choice) " if edited else "(recommended) ", style="dim")
        head.append(report.tf2onnx_command)
        self.query_one("#command", Static).update(head)
        self.show_verdict(report, busy)

    def show_verdict(self, report: Report | None, busy: bool) -> None:
        line = summary_line(report) if report is not None else Text("")
        if busy:
            line = Text("⟳ updating… ", style="bold yellow") + line
        self.query_one("#verdict", Static).update(line)

    def show_status(self, message: str, style: str = "") -> None:
        self.query_one("#verdict", Static).update(Text(message, style=style))


class OpCounts(DataTable):
    """Op types with how many nodes use them, in the graph and on the path, and their pre-check status."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns("op type", "nodes", "on path", "pre-check")

    def show(self, counts: dict[str, int], on_path: dict[str, int], statuses: dict[str, str]) -> None:
        self.clear()
        for op, n in counts.items():
            status = statuses.get(op, "")
            self.add_row(op, f"{n:,}", f"{on_path.get(op, 0):,}" if on_path.get(op) else "",
                         Text(status, style=STATUS_STYLE.get(status, "dim")), key=op)
