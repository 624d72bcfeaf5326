"""The interface pane: ranked candidate inputs, mode switches and outputs, with their reasons."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tfscout.inspector import ModeSwitch, Report, TensorCandidate, shape_text

CHOSEN = "✓"


def candidate_prompt(c: TensorCandidate) -> Text:
    text = Text()
    text.append(f"{CHOSEN if c.recommended else ' '} ", style="bold green" if c.recommended else "")
    text.append(c.name, style="bold" if c.recommended else "")
    text.append(f"  {c.dtype or '?'} {shape_text(c.shape)}", style="dim")
    text.append(f"  {c.score:.2f}", style="cyan")
    if c.kind not in ("placeholder", "head"):
        text.append(f"  {c.kind}", style="italic dim")
    return text


def switch_prompt(m: ModeSwitch) -> Text:
    text = Text()
    text.append(f"{m.name}", style="bold")
    text.append(" = ")
    text.append(repr(m.value), style="bold yellow")
    text.append(f"  {m.dtype or ''}", style="dim")
    return text


class CandidateList(OptionList):
    """Candidates for one role; Enter or a click uses or drops the highlighted one."""

    @dataclass
    class Toggled(Message):
        role: str
        tensor: str

    @dataclass
    class Shown(Message):
        role: str
        tensor: str
        reasons: list[str]

    def __init__(self, role: str, *, max_rows: int = 8, id: str | None = None) -> None:
        super().__init__(id=id)
        self.role = role
        self.max_rows = max_rows
        self._reasons: dict[str, list[str]] = {}

    def show(self, items: list[tuple[str, Text, list[str]]]) -> None:
        """Replace the rows with (tensor, prompt, reasons), keeping the highlight on the same tensor."""
        previous = self.current_tensor
        self._reasons = {tensor: reasons for tensor, _p, reasons in items}
        self.clear_options()
        self.add_options([Option(prompt, id=tensor) for tensor, prompt, _r in items])
        self.styles.height = max(1, min(len(items), self.max_rows))
        ids = [tensor for tensor, _p, _r in items]
        self.highlighted = ids.index(previous) if previous in ids else (0 if ids else None)

    @property
    def current_tensor(self) -> str | None:
        if self.highlighted is None or self.option_count == 0:
            return None
        return self.get_option_at_index(self.highlighted).id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Toggled(self.role, event.option.id))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self.has_focus:  # only the user's moves show a candidate, not a refresh of the list
            self._show_current()

    def on_focus(self) -> None:
        self._show_current()

    def _show_current(self) -> None:
        tensor = self.current_tensor
        if tensor is not None:
            self.post_message(self.Shown(self.role, tensor, self._reasons.get(tensor, [])))


class InterfacePane(Vertical):
    """Inputs, mode switches and outputs of the current choice, best first."""

    def compose(self) -> ComposeResult:
        yield Label("Inputs  [dim](Enter/click: use or drop · s: shape)[/]", classes="pane-title")
        yield CandidateList("input", id="inputs")
        yield Label("Mode switches  [dim](Enter/click: set the value)[/]", classes="pane-title", id="modes-title")
        yield CandidateList("mode", max_rows=4, id="modes")
        yield Label("Outputs  [dim](Enter/click: use or drop)[/]", classes="pane-title")
        yield CandidateList("output", max_rows=12, id="outputs")
        with VerticalScroll(id="reasons-box"):
            yield Static("", id="reasons")

    def show_report(self, report: Report) -> None:
        self.query_one("#inputs", CandidateList).show(
            [(c.name, candidate_prompt(c), c.reasons) for c in report.inputs])
        modes = self.query_one("#modes", CandidateList)
        modes.show([(m.name, switch_prompt(m), m.reasons) for m in report.mode_switches])
        modes.display = bool(report.mode_switches)
        self.query_one("#modes-title", Label).display = bool(report.mode_switches)
        self.query_one("#outputs", CandidateList).show(
            [(c.name, candidate_prompt(c), c.reasons) for c in report.outputs])

    def show_reasons(self, tensor: str, reasons: list[str]) -> None:
        text = Text()
        text.append(tensor, style="bold")
        for r in reasons:
            text.append(f"\n  - {r}")
        if not reasons:
            text.append("\n  (no reasons recorded: chosen by hand)", style="dim")
        self.query_one("#reasons", Static).update(text)
