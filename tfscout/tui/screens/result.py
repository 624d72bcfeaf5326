"""The result of a conversion: verified or not, the per-output comparison, the file, the command."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static

from tfscout.inspector import shape_text
from tfscout.tui.widgets.keybar import KeyBar


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def verdict_text(report: Any, out: str) -> Text:
    text = Text()
    if report.verified:
        text.append(" ✓ VERIFIED ", style="bold black on green")
        text.append("  the ONNX model matches TensorFlow on the same inputs", style="green")
    else:
        text.append(" ✗ NOT VERIFIED ", style="bold white on red")
        text.append("  do not trust this model yet: see the problems below", style="red")
    if report.max_abs_diff is not None:
        text.append(f"\nlargest difference {report.max_abs_diff:.3g}", style="bold")
        text.append(f"  (rtol {report.rtol:g}, atol {report.atol:g})", style="dim")
    text.append("\nONNX file: ", style="bold")
    if report.onnx:
        text.append(str(report.onnx), style="bold cyan")
    else:
        text.append(f"not written (asked for {out})", style="red")
    if report.opset:
        text.append(f"   opset {report.opset}", style="dim")
    if report.mode_switches:
        fixed = ", ".join(f"{k} = {v!r}" for k, v in report.mode_switches.items())
        text.append(f"\nmode switches fixed: {fixed}", style="dim")
    return text


def problems_text(report: Any) -> Text:
    text = Text()
    if report.problems:
        text.append("Problems", style="bold underline")
        for p in report.problems:
            text.append(f"\n✗ [{p.kind}] ", style="bold red")
            text.append(p.message)
            if p.fix:
                text.append(f"\n    fix: {p.fix}", style="yellow")
        text.append("\n\n")
    if report.steps:
        text.append("Steps", style="bold underline")
        marks = {"done": ("✓", "green"), "skipped": ("·", "dim"), "warning": ("!", "yellow"), "failed": ("✗", "red")}
        for s in report.steps:
            mark, style = marks.get(s.status, ("?", ""))
            text.append(f"\n{mark} ", style=style)
            text.append(f"{s.stage:10}", style="bold")
            text.append(f" {s.name}")
            if s.detail:
                text.append(f": {s.detail}", style="dim")
    if report.warnings:
        text.append("\n\nWarnings", style="bold underline")
        for w in report.warnings:
            text.append(f"\n! {w}", style="yellow")
    return text


class ResultScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,b", "dismiss", "Back"),
        Binding("c", "copy_command", "Copy command"),
    ]

    def __init__(self, report: Any, model: str, out: str, command: str, tf2onnx_command: str = "") -> None:
        super().__init__()
        self.report = report
        self.model = model
        self.out = out
        self.command = command
        self.tf2onnx_command = tf2onnx_command

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="result-body"):
            yield Static(verdict_text(self.report, self.out), id="result-verdict")
            yield Label("Verification  [dim]onnxruntime against TensorFlow, per output[/]", classes="pane-title")
            yield DataTable(id="result-table", cursor_type="row", zebra_stripes=True)
            yield Label("Reproduce it", classes="pane-title")
            yield Static(Text(self.command, style="bold"), id="result-command")
            if self.tf2onnx_command:
                yield Static(Text(f"tf2onnx alone (no freezing, repairs or verification): {self.tf2onnx_command}",
                                  style="dim"))
            yield Static(problems_text(self.report), id="result-details")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "verified" if self.report.verified else "not verified"
        table = self.query_one(DataTable)
        table.add_columns("output", "match", "max abs diff", "max rel diff", "mismatched", "TF shape",
                          "ONNX shape", "note")
        for e in self.report.errors:
            table.add_row(e.name, Text("yes", style="bold green") if e.ok else Text("NO", style="bold red"),
                          _number(e.max_abs_diff), _number(e.max_rel_diff), f"{e.mismatched}/{e.total}",
                          shape_text(e.tf_shape), shape_text(e.onnx_shape), e.note)
        if not self.report.errors:
            table.add_row("(no comparison was made)", "", "", "", "", "", "", "")

    def action_copy_command(self) -> None:
        self.app.copy_to_clipboard(self.command)
        self.notify("Copied the command that reproduces this conversion")
