"""The interface pane: ranked candidate inputs, mode switches and outputs, with their reasons."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tfscout.inspector import ModeSwitch, Report, TensorCandidate, shape_text
from tfscout.tui.session import switch_text

CHOSEN = "✓"


def candidate_prompt(c: TensorCandidate) -> Text:
    """One row: the name first and whole (it is what the user looks for), then dtype, shape, score."""
    text = Text()
    text.append(c.name, style="bold" if c.recommended else "")
    text.append(f"  {c.dtype or '?'} {shape_text(c.shape)}", style="dim")
    text.append(f"  {c.score:.2f}", style="cyan")
    if c.kind not in ("placeholder", "head"):
        text.append(f"  {c.kind}", style="italic dim")
    return text


def switch_prompt(m: ModeSwitch) -> Text:
    text = Text()
    text.append(f"  {m.name}", style="bold")
    text.append(" = ")
    text.append(switch_text(m.value), style="bold yellow")
    text.append(f"  {m.dtype or ''}", style="dim")
    return text


class CandidateList(OptionList):
    """Candidates for one role; Enter or a click uses or drops the highlighted one.

    Rows keep their places when the choice changes (a toggled row does not jump under the
    cursor), and Down on the last row (Up on the first) moves on to the next list. The ✓ of a
    chosen row sits in a gutter of its own, so that a long name wraps under the name.
    """

    GUTTER = 2

    BINDINGS = [
        Binding("down,j", "down", "Down", show=False),
        Binding("up,k", "up", "Up", show=False),
    ]

    @dataclass
    class Toggled(Message):
        role: str
        tensor: str

    @dataclass
    class Shown(Message):
        role: str
        tensor: str
        reasons: list[str]

    def __init__(self, role: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.role = role
        self._reasons: dict[str, list[str]] = {}
        self._order: list[str] = []
        self.chosen: set[str] = set()

    def show(self, items: list[tuple[str, Text, list[str]]], fresh: bool = False,
             chosen: set[str] | None = None) -> None:
        """Replace the rows with (tensor, prompt, reasons), keeping the highlight on the same tensor.

        Rows already listed keep their order; new ones come after them. ``fresh`` (a model just
        opened) takes the order given.
        """
        previous = self.current_tensor
        self.chosen = set(chosen or ())
        by_id = {tensor: (prompt, reasons) for tensor, prompt, reasons in items}
        kept = [] if fresh else [t for t in self._order if t in by_id]
        order = kept + [t for t, _p, _r in items if t not in set(kept)]
        self._order = order
        self._reasons = {t: by_id[t][1] for t in order}
        self.clear_options()
        self.add_options([Option(by_id[t][0], id=t) for t in order])
        self.highlighted = order.index(previous) if previous in order else (0 if order else None)

    @property
    def current_tensor(self) -> str | None:
        if self.highlighted is None or self.option_count == 0:
            return None
        return self.get_option_at_index(self.highlighted).id

    def _get_left_gutter_width(self) -> int:
        return self.GUTTER

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # OptionList measures its rows without its gutter (it wraps them with it): measure as drawn
        return super().get_content_height(container, viewport, width - self.GUTTER)

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        row = int(self.scroll_offset.y) + y
        lines = self._lines
        if row >= len(lines):
            return line
        index, offset = lines[row]
        style = next(iter(line), Segment("")).style or Style()
        tensor = self.get_option_at_index(index).id
        mark = CHOSEN if offset == 0 and tensor in self.chosen else ""
        return Strip([Segment(mark.ljust(self.GUTTER), style + Style(bold=True, color="green"))] + list(line))

    def line_of(self, tensor: str) -> int:
        """The line (from the top of the list as shown) where ``tensor``'s row starts; rows may wrap."""
        return self._index_to_line[self.get_option_index(tensor)] - int(self.scroll_offset.y)

    def height_of(self, tensor: str) -> int:
        """How many lines ``tensor``'s row takes."""
        return int(self._heights[self.get_option_index(tensor)])

    def action_down(self) -> None:
        if self.highlighted is None or self.highlighted >= self.option_count - 1:
            self.screen.focus_next()
        else:
            self.action_cursor_down()

    def action_up(self) -> None:
        if self.highlighted is None or self.highlighted <= 0:
            self.screen.focus_previous()
        else:
            self.action_cursor_up()

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
    """Inputs, mode switches and outputs of the current choice, best first.

    Each list sits in a section whose title lights up while the list has focus. The outputs list
    gets the room the inputs and switches leave, less a few lines that the reasons always keep.
    """

    REASONS_KEEP = 3  # lines: the rule above the reasons and two of text

    def compose(self) -> ComposeResult:
        with Vertical(classes="candidates", id="inputs-section"):
            yield Label("Inputs  [dim]Enter: use/drop · s: shape[/]", classes="pane-title")
            yield CandidateList("input", id="inputs")
        with Vertical(classes="candidates", id="modes-section"):
            yield Label("Mode switches  [dim]Enter: set the value[/]", classes="pane-title")
            yield CandidateList("mode", id="modes")
        with Vertical(classes="candidates", id="outputs-section"):
            yield Label("Outputs  [dim]Enter: use/drop[/]", classes="pane-title")
            yield CandidateList("output", id="outputs")
        with VerticalScroll(id="reasons-box"):
            yield Static("", id="reasons")

    def show_report(self, report: Report, fresh: bool = False) -> None:
        self.query_one("#inputs", CandidateList).show(
            [(c.name, candidate_prompt(c), c.reasons) for c in report.inputs], fresh,
            {c.name for c in report.recommended_inputs})
        modes = self.query_one("#modes", CandidateList)
        modes.show([(m.name, switch_prompt(m), m.reasons) for m in report.mode_switches], fresh)
        self.query_one("#modes-section").display = bool(report.mode_switches)
        self.query_one("#outputs", CandidateList).show(
            [(c.name, candidate_prompt(c), c.reasons) for c in report.outputs], fresh,
            {c.name for c in report.recommended_outputs})
        self.call_after_refresh(self.fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit)

    def fit(self) -> None:
        above = sum(self.query_one(f"#{section}").outer_size.height
                    for section in ("inputs-section", "modes-section") if self.query_one(f"#{section}").display)
        room = self.size.height - above - 1 - self.REASONS_KEEP  # 1: the outputs' title
        self.query_one("#outputs", CandidateList).styles.max_height = max(2, room)

    def clear(self) -> None:
        for role in ("inputs", "modes", "outputs"):
            self.query_one(f"#{role}", CandidateList).show([], fresh=True)
        self.query_one("#reasons", Static).update("")

    def show_reasons(self, tensor: str, reasons: list[str]) -> None:
        text = Text()
        text.append(tensor, style="bold")
        for r in reasons:
            text.append(f"\n  - {r}")
        if not reasons:
            text.append("\n  (no reasons recorded: chosen by hand)", style="dim")
        self.query_one("#reasons", Static).update(text)
