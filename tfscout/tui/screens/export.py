"""``e``: draw the neighbourhood of the node shown, or the subgraph to convert, to SVG/PNG/PDF/DOT."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from tfscout.tui.widgets.text_input import OrderedInput


@dataclass(frozen=True)
class ExportRequest:
    what: str  # around | subgraph
    path: str
    depth: int


class ExportScreen(ModalScreen[ExportRequest | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, node_name: str | None, depth: int, default_path: str, subgraph_nodes: int) -> None:
        super().__init__()
        self.node_name = node_name
        self.depth = depth
        self.default_path = default_path
        self.subgraph_nodes = subgraph_nodes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Export a picture (Graphviz)", classes="dialog-title")
            with RadioSet(id="export-what"):
                yield RadioButton(f"the neighbourhood of {self.node_name}" if self.node_name
                                  else "the neighbourhood (no node selected)", value=self.node_name is not None,
                                  disabled=self.node_name is None, id="around")
                yield RadioButton(f"the subgraph between the chosen inputs and outputs ({self.subgraph_nodes:,} nodes)",
                                  value=self.node_name is None, id="subgraph")
            with Horizontal(classes="dialog-row"):
                yield Label("depth ")
                yield Input(str(self.depth), id="export-depth", type="integer")
            yield OrderedInput(self.default_path, id="export-path", placeholder="file.svg, .png, .pdf or .dot")
            yield Static("The format follows the file name: .svg .png .pdf (through Graphviz's dot) or .dot",
                         classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", variant="primary", id="export-go")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def _request(self) -> ExportRequest | None:
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self.notify("Type a file name, e.g. graph.svg", severity="warning")
            return None
        around = self.query_one("#around", RadioButton).value
        try:
            depth = max(0, int(self.query_one("#export-depth", Input).value or self.depth))
        except ValueError:
            depth = self.depth
        return ExportRequest("around" if around else "subgraph", path, depth)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        request = self._request()
        if request is not None:
            self.dismiss(request)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export-cancel":
            self.dismiss(None)
            return
        request = self._request()
        if request is not None:
            self.dismiss(request)

    def action_cancel(self) -> None:
        self.dismiss(None)
