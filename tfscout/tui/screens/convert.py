"""Convert from the UI: the converter in a worker, stage by stage, with a cancel key."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Label, RichLog, Static

from tfscout.errors import TfscoutError
from tfscout.tui.messages import ConvertFailed, ConvertFinished, ConvertProgress
from tfscout.tui.session import LoadedModel
from tfscout.tui.widgets.keybar import KeyBar

DEFAULT_STAGES = ("inspect", "freeze", "repair", "reference", "tf2onnx", "validate", "verify", "write")
STAGE_TEXT = {"inspect": "choose inputs and outputs", "freeze": "freeze variables (TensorFlow)",
              "repair": "rewrite training-only parts", "reference": "run TensorFlow on seeded inputs",
              "tf2onnx": "convert with tf2onnx", "validate": "check the ONNX model, load it in onnxruntime",
              "verify": "compare onnxruntime with TensorFlow", "write": "write the ONNX file"}


CANCELLED = "Conversion cancelled"


def converter_stages() -> tuple[str, ...]:
    try:
        from tfscout.converter import STAGES
    except ImportError:
        return DEFAULT_STAGES
    return tuple(STAGES)


class ConvertScreen(Screen[None]):
    BINDINGS = [Binding("escape,c", "cancel", "Cancel / back")]

    def __init__(self, model: LoadedModel, inputs: list[str], outputs: list[str], opset: int, out: str,
                 command: str, tf2onnx_command: str = "", switches: dict[str, Any] | None = None,
                 force: bool = False) -> None:
        super().__init__()
        self.switches = dict(switches or {})
        self.force = force  # the user agreed to overwrite an existing file
        self.model = model
        self.inputs = inputs
        self.outputs = outputs
        self.opset = opset
        self.out = out
        self.command = command
        self.tf2onnx_command = tf2onnx_command
        self.cancel_event = threading.Event()
        self.stages = list(converter_stages())
        self.state: dict[str, str] = {}
        self.running = True
        self.started = time.monotonic()

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="convert-body"):
            yield Label(f"Converting {self.model.path} → {self.out}", classes="pane-title")
            yield Static(self.command, id="convert-command", classes="dim")
            yield Static("", id="convert-stages")
            yield Static("", id="convert-status")
            yield RichLog(id="convert-log", wrap=True, markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "convert"
        self._draw_stages()
        self.set_interval(0.5, self._tick)
        self.run_conversion()

    def on_unmount(self) -> None:
        self.cancel_event.set()  # leaving (or quitting) stops the child processes of a running conversion

    def _tick(self) -> None:
        if self.running and not self.cancel_event.is_set():
            self.query_one("#convert-status", Static).update(
                Text(f"working… {time.monotonic() - self.started:.0f} s   (Esc or c cancels)", style="yellow"))

    def _draw_stages(self) -> None:
        text = Text()
        marks = {"done": ("✓", "green"), "running": ("▶", "bold yellow"), "failed": ("✗", "red")}
        for stage in self.stages:
            mark, style = marks.get(self.state.get(stage, ""), ("·", "dim"))
            text.append(f" {mark} ", style=style)
            text.append(f"{stage:10}", style="bold" if self.state.get(stage) == "running" else "")
            text.append(f" {STAGE_TEXT.get(stage, '')}\n", style="dim")
        self.query_one("#convert-stages", Static).update(text)

    @work(thread=True, exclusive=True, group="convert")
    def run_conversion(self) -> None:
        try:
            from tfscout.converter import convert_model
        except ImportError as exc:
            self.post_message(ConvertFailed(f"the converter is not available: {exc}"))
            return
        def progress(stage: str, message: str) -> None:
            self.post_message(ConvertProgress(stage, message))

        try:
            report = convert_model(self.model.path, self.out, inputs=self.inputs or None, outputs=self.outputs,
                                   opset=self.opset, tags=self.model.tags, cancel=self.cancel_event,
                                   progress=progress, switches=self.switches or None, force=self.force)
        except TfscoutError as exc:
            self.post_message(ConvertFailed(exc.one_line(), cancelled=self.cancel_event.is_set()))
            return
        except Exception as exc:  # noqa: BLE001 - shown in the UI instead of crashing it
            self.post_message(ConvertFailed(f"internal error ({type(exc).__name__}: {exc})"))
            return
        self.post_message(ConvertFinished(report, self.out))

    def on_convert_progress(self, message: ConvertProgress) -> None:
        if message.stage in self.stages:
            for stage in self.stages:
                if self.state.get(stage) == "running":
                    self.state[stage] = "done"
            self.state[message.stage] = "running"
            self._draw_stages()
        self.query_one(RichLog).write(Text(f"[{message.stage}] {message.message}"))

    def _stopped(self, text: str) -> None:
        self.running = False
        for stage, state in self.state.items():
            if state == "running":
                self.state[stage] = "failed"
        self._draw_stages()
        self.query_one("#convert-status", Static).update(Text(f"{text}\nEsc: back", style="bold red"))

    def on_convert_failed(self, message: ConvertFailed) -> None:
        if message.cancelled or self.cancel_event.is_set():
            self._stopped(f"{CANCELLED}: nothing was written.")
        else:
            self._stopped(f"Conversion failed: {message.message}")

    def on_convert_finished(self, message: ConvertFinished) -> None:
        from tfscout.tui.screens.result import ResultScreen

        report = message.report
        if self.cancel_event.is_set() or any(p.kind == "cancelled" for p in report.problems):
            # cancelled in tf2onnx or later: the converter returns a report, but it is the same cancel
            written = f": {report.onnx} had already been written." if report.onnx else ": nothing was written."
            self._stopped(CANCELLED + written)
            return
        self.running = False
        self.app.switch_screen(ResultScreen(report, self.model.path, message.out, self.command,
                                            self.tf2onnx_command))

    def action_cancel(self) -> None:
        if self.running and not self.cancel_event.is_set():
            self.cancel_event.set()
            self.query_one("#convert-status", Static).update(
                Text("cancelling… (the conversion stops at the next step; Esc again leaves now)",
                     style="bold yellow"))
        else:
            self.dismiss()


def default_output(model_path: str, outputs: list[str]) -> str:
    """``<model name>.onnx`` in the current folder."""
    stem = Path(model_path.rstrip("/")).name.split(".")[0] or "model"
    return f"{stem}.onnx" if outputs else "model.onnx"

