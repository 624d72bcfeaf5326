"""The graph picture pane: the neighbourhood of the node shown, drawn with box-drawing characters.

It follows the selection (the screen calls :meth:`GraphView.show` whenever the node shown
changes); a click on a box follows the edge to that node. The layout is
:func:`tfscout.tui.widgets.glyph_graph.draw_neighbourhood`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.message import Message
from textual.widgets import Static

from tfscout.inspector import Graph
from tfscout.tui.widgets.glyph_graph import Picture, draw_neighbourhood


def picture_text(picture: Picture) -> Text:
    """The picture with the centre box bold and each box's op type in colour."""
    text = Text("\n".join(picture.lines), no_wrap=True, overflow="crop")
    starts = [0]
    for line in picture.lines:
        starts.append(starts[-1] + len(line) + 1)
    for box in picture.boxes:
        centre = box.node == picture.centre
        if centre:
            for y in range(box.y, box.y + box.height):
                line = picture.lines[y] if y < len(picture.lines) else ""
                end = min(box.x + box.width, len(line))
                if box.x < end:
                    text.stylize("bold yellow", starts[y] + box.x, starts[y] + end)
        # the op type is the last label line before any "also from"
        index = next((k for k, label in enumerate(box.lines) if label.startswith("also from")), len(box.lines)) - 1
        y = box.y + 1 + index
        line = picture.lines[y] if y < len(picture.lines) else ""
        if not centre and box.x + 2 < len(line):
            text.stylize("cyan", starts[y] + box.x + 2, starts[y] + min(box.x + box.width - 2, len(line)))
    return text


class GraphView(ScrollableContainer):
    """A scrollable picture of the node shown and its neighbours."""

    @dataclass
    class Follow(Message):
        node: int

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.picture: Picture | None = None

    def compose(self) -> ComposeResult:
        yield Static("Select a node: its neighbourhood is drawn here.", classes="graph-picture")

    def show(self, g: Graph, centre: int, depth: int, per_layer: int = 4) -> None:
        self.picture = draw_neighbourhood(g, centre, min(depth, 3), per_layer)
        text = picture_text(self.picture)
        if self.picture.hidden:
            text.append(f"\n{self.picture.hidden} more neighbours not drawn (see the Neighbourhood tab)",
                        style="dim italic")
        self.query_one(".graph-picture", Static).update(text)
        self.call_after_refresh(self._centre_view)

    def clear(self) -> None:
        self.picture = None
        self.query_one(".graph-picture", Static).update("")

    def _centre_view(self) -> None:
        if self.picture is None:
            return
        box = next((b for b in self.picture.boxes if b.node == self.picture.centre), None)
        if box is not None:
            self.scroll_to(x=max(0, box.mid - self.size.width // 2), y=max(0, box.y - self.size.height // 3),
                           animate=False)

    def on_click(self, event: events.Click) -> None:
        static = self.query_one(".graph-picture", Static)
        offset = event.get_content_offset(static)
        if self.picture is None or offset is None:
            return
        box = self.picture.box_at(offset.x, offset.y)

        if box is not None and box.node != self.picture.centre:
            self.post_message(self.Follow(box.node))
