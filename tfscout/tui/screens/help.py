"""``?``: every key, read from the bindings themselves so that the list never goes stale."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

MOVING = (
    ("Tab, Shift+Tab", "next / previous pane or list"),
    ("↑ ↓, j k", "move in a list; past its last row Down goes on to the next list"),
    ("→ ←, l h", "scope tree: expand / collapse a scope (or step into it / out to its parent)"),
    ("Enter", "on an input or consumer of a node: follow the edge; on a candidate: use it or drop it"),
    ("PageUp, PageDown, Home, End", "scroll a list"),
    ("Esc", "close a dialog; leave the node filter for the node list"),
    ("Ctrl+Q", "quit, like q, from anywhere (also while typing in a text box)"),
)
MOUSE_HELP = (
    ("click a candidate", "use it or drop it (inputs, outputs); set the value (mode switches)"),
    ("click an input or consumer", "follow the edge to that node"),
    ("click a node in a list or tree", "show it"),
    ("click a box in the graph picture", "follow the edge to that node"),
    ("click a tab", "switch panes"),
)


def key_label(key: str) -> str:
    names = {"slash": "/", "question_mark": "?", "plus": "+", "minus": "-", "escape": "Esc",
             "backspace": "Backspace", "enter": "Enter", "up": "↑", "down": "↓", "left": "←", "right": "→"}

    def one(k: str) -> str:
        k = k.strip()
        if k.startswith("ctrl+"):
            return "Ctrl+" + k[5:].upper()
        return names.get(k, k)

    return ", ".join(one(k) for k in key.split(","))


def binding_rows(groups: list[tuple[str, list[BindingType]]]) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for title, bindings in groups:
        table.add_row(Text(title, style="bold underline"), "")
        for b in bindings:
            if not isinstance(b, Binding) or not b.description:
                continue
            table.add_row(key_label(b.key), b.tooltip or b.description)
        table.add_row("", "")
    table.add_row(Text("Moving around", style="bold underline"), "")
    for keys, does in MOVING:
        table.add_row(keys, does)
    table.add_row("", "")
    table.add_row(Text("Mouse", style="bold underline"), "")
    for what, does in MOUSE_HELP:
        table.add_row(what, does)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, groups: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-dialog"):
            yield Label("tfscout keys  [dim]every action is also in the command palette (Ctrl+P)[/]",
                        classes="dialog-title")
            with VerticalScroll():
                yield Static(binding_rows(self.groups), id="help-keys")
            yield Static("Esc: close", classes="dialog-hint")
