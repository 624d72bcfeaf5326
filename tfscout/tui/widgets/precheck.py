"""The pre-check of the current choice, the commands that convert it, and op counts."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from tfscout.converter import convert_fix
from tfscout.inspector import OpIssue, Report, status_text
from tfscout.tui.session import switch_text

_NODES_SHOWN = 3
STATUS_STYLE = {"supported": "green", "conditional": "yellow", "needs_opset": "yellow",
                "needs_extra_opset": "yellow", "unsupported": "bold red", "convert": "yellow"}


def issue_label(issue: OpIssue) -> str:
    """The pre-check's status, or what ``tfscout convert`` does about a blocking op on its own."""
    return "convert bypasses" if bypassed_by_convert(issue) else status_text(issue)


def bypassed_by_convert(issue: OpIssue) -> bool:
    return issue.blocks and convert_fix(issue.op) is not None


def path_nodes(report: Report) -> int:
    """The nodes tf2onnx converts between the inputs and the outputs (the inputs not counted).

    One number for the verdict line and the pre-check's details: the pre-check's own count.
    """
    return report.precheck.subgraph_nodes if report.precheck.ran else report.subgraph_nodes


def fixed_by_convert(report: Report) -> list[OpIssue]:
    """Blocking op types that ``tfscout convert`` repairs on its own before tf2onnx (Print ...)."""
    return [i for i in report.blocking if bypassed_by_convert(i)]


def still_blocking(report: Report) -> list[str]:
    """Op types that stop the conversion even after what ``tfscout convert`` repairs; [] if none."""
    ops = sorted({i.op for i in report.blocking if convert_fix(i.op) is None})
    return ops or sorted(report.precheck.load_blockers)


def nothing_chosen(report: Report) -> bool:
    return not report.recommended_outputs


def _nothing_line(report: Report, leads: list[str]) -> Text:
    text = Text()
    text.append("✗ ", style="bold red")
    text.append("nothing chosen: no output stands out. ", style="bold red")
    names = [c.name for c in report.outputs][:3] or leads[:3]
    if names:
        where = "candidates" if report.outputs else "tensors nothing reads"
        text.append(f"Press o on one ({where}: {', '.join(names)}) or search with /", style="yellow")
    else:
        text.append("Search with / and press o on the tensor to fetch", style="yellow")
    return text


def summary_line(report: Report, leads: list[str] | None = None) -> Text:
    """One line: does the path convert, at which opset, how many nodes."""
    pre = report.precheck
    if nothing_chosen(report):
        return _nothing_line(report, leads or [])
    text = Text()
    blocking = still_blocking(report)
    fixed = sorted({i.op for i in fixed_by_convert(report)})
    if not pre.ran:
        text.append("pre-check not run", style="dim")
    elif blocking:
        text.append("✗ ", style="bold red")
        text.append(f"tf2onnx will not convert: {', '.join(blocking)}", style="red")
    else:
        text.append("✓ ", style="bold green")
        text.append("every op on the path converts", style="green")
        if fixed:
            text.append(f" once tfscout convert bypasses {', '.join(fixed)}", style="yellow")
        conditional = pre.conditional
        if conditional:
            text.append(f" ({len(conditional)} conditional)", style="yellow")
    text.append(f"  opset {report.opset.recommended}", style="bold")
    if report.opset.required:
        text.append(f" (lowest {report.opset.required})", style="dim")
    text.append(f"  {path_nodes(report):,} nodes on the path", style="dim")
    unsafe = [u for u in report.unsafe_ops if u.in_subgraph]
    if unsafe:
        text.append(f"  ⚠ host ops on the path: {', '.join(u.op for u in unsafe)}", style="bold red")
    return text


def _issue_lines(text: Text, report: Report) -> None:
    issues = [i for i in report.unsupported if i.status != "supported"]
    for issue in sorted(issues, key=lambda i: (i.status == "conditional", i.op)):
        nodes = ", ".join(issue.nodes[:_NODES_SHOWN])
        if len(issue.nodes) > _NODES_SHOWN:
            nodes += f" (+{len(issue.nodes) - _NODES_SHOWN})"
        label = issue_label(issue)
        fix = convert_fix(issue.op) if label == "convert bypasses" else None
        text.append(f"\n{label:18}", style=STATUS_STYLE["convert" if fix else issue.status])
        text.append(f" {issue.op}", style="bold")
        text.append(f": {nodes}", style="dim")
        if fix:
            text.append(f"\n{'':18}  - {fix}; tf2onnx alone would not convert it")
        elif issue.hint:
            text.append(f"\n{'':18}  - {issue.hint}")


def precheck_text(report: Report, leads: list[str] | None = None) -> Text:
    pre = report.precheck
    text = Text()
    text.append("Pre-check", style="bold underline")
    text.append("  ")
    text.append_text(summary_line(report, leads))
    if nothing_chosen(report):
        return text
    if pre.ran:
        text.append(f"\n{path_nodes(report):,} nodes on the path (the inputs not counted): "
                    f"{pre.folded_nodes:,} folded into constants, "
                    f"{pre.checked_nodes:,} reach tf2onnx's handlers", style="dim")
    _issue_lines(text, report)
    for op, nodes in pre.load_blockers.items():
        text.append(f"\n{'cannot load':18} {op}: {', '.join(nodes[:_NODES_SHOWN])}", style="red")
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


def tf2onnx_line(report: Report) -> Text:
    """The tf2onnx command; mode switches, which tf2onnx can only leave as inputs, are named with
    the value to feed them."""
    text = Text(report.tf2onnx_command)
    for m in report.mode_switches:
        text.highlight_words([m.name], style="bold yellow")
    if report.mode_switches:
        fixed = ", ".join(f"{m.name} = {switch_text(m.value)}" for m in report.mode_switches)
        text.append(f"   (tf2onnx keeps mode switches as inputs: feed {fixed})", style="yellow")
    return text


class CommandBar(Vertical):
    """The pre-check verdict and the commands for the current choice, always in view."""

    def compose(self) -> ComposeResult:
        yield Static("", id="verdict")
        yield Static("", id="command")
        yield Static("", id="tf2onnx-command")

    def show(self, report: Report, edited: bool, convert: str, leads: list[str] | None = None,
             busy: bool = False) -> None:
        if nothing_chosen(report):
            self.query_one("#command", Static).update(Text("no command yet: choose an output first", style="dim"))
            self.query_one("#tf2onnx-command", Static).update("")
        else:
            head = Text("convert ", style="bold")
            head.append("(your choice) " if edited else "(recommended) ", style="dim")
            head.append(convert)
            self.query_one("#command", Static).update(head)
            line = Text("tf2onnx alone ", style="bold")
            line.append_text(tf2onnx_line(report))
            self.query_one("#tf2onnx-command", Static).update(line)
        self.show_verdict(report, busy, leads)

    def show_verdict(self, report: Report | None, busy: bool, leads: list[str] | None = None) -> None:
        line = summary_line(report, leads) if report is not None else Text("")
        if busy:
            line = Text("⟳ updating… ", style="bold yellow") + line
        self.query_one("#verdict", Static).update(line)

    def show_status(self, message: str, style: str = "") -> None:
        self.query_one("#verdict", Static).update(Text(message, style=style))

    def clear(self, message: str = "", style: str = "") -> None:
        self.query_one("#command", Static).update("")
        self.query_one("#tf2onnx-command", Static).update("")
        self.show_status(message, style)


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
