"""A virtual list of nodes: only the visible rows are ever rendered, so 100,000 rows cost nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


class NodeList(ScrollView, can_focus=True):
    """Rows of ``name  op`` for a sequence of node indices, with a cursor."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Show node", show=False),
    ]
    COMPONENT_CLASSES = {"node-list--cursor", "node-list--op", "node-list--note"}
    DEFAULT_CSS = """
    NodeList { height: 1fr; }
    NodeList > .node-list--cursor { background: $accent 40%; text-style: bold; }
    NodeList:focus > .node-list--cursor { background: $accent; color: $text; }
    NodeList > .node-list--op { color: $text-muted; }
    NodeList > .node-list--note { color: $text-muted; text-style: italic; }
    """

    cursor: reactive[int] = reactive(0, always_update=True)

    @dataclass
    class Highlighted(Message):
        node_list: NodeList
        node: int

        @property
        def control(self) -> NodeList:
            return self.node_list

    @dataclass
    class Selected(Message):
        node_list: NodeList
        node: int

        @property
        def control(self) -> NodeList:
            return self.node_list

    def __init__(self, names: Sequence[str] = (), ops: Sequence[str] = (), *, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.names = names
        self.ops = ops
        self.items: Sequence[int] = ()
        self.notes: Sequence[str] | None = None  # a short label per row (how a search hit matched)
        self.empty_text = ""

    def set_graph(self, names: Sequence[str], ops: Sequence[str]) -> None:
        self.names = names
        self.ops = ops

    def set_items(self, items: Sequence[int], notes: Sequence[str] | None = None, empty_text: str = "") -> None:
        self.items = items
        self.notes = notes
        self.empty_text = empty_text
        width = max((len(self.names[i]) for i in items[:2000]), default=0) + 30
        self.virtual_size = Size(width, len(items))
        self.scroll_to(0, 0, animate=False)
        self.cursor = 0
        self.refresh()
        if items and self.has_focus:
            self.post_message(self.Highlighted(self, items[0]))

    def on_focus(self) -> None:
        if self.current is not None:
            self.post_message(self.Highlighted(self, self.current))

    @property
    def current(self) -> int | None:
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    # -- drawing ----------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self.items:
            if y == 0 and self.empty_text:
                note = self.get_component_rich_style("node-list--note")
                return Strip([Segment(self.empty_text[:width], note)]).extend_cell_length(width, base)
            return Strip.blank(width, base)
        if row >= len(self.items):
            return Strip.blank(width, base)
        i = self.items[row]
        style = base + self.get_component_rich_style("node-list--cursor") if row == self.cursor else base
        muted: Style = style + self.get_component_rich_style("node-list--op", partial=True)
        tag = self.notes[row] if self.notes is not None and row < len(self.notes) else ""
        right = f"  {self.ops[i]}" + (f"  {tag}" if tag else "")
        name = self.names[i]
        segments = [Segment(" " + name, style), Segment(right + " ", muted)]
        strip = Strip(segments).crop(self.scroll_offset.x, self.scroll_offset.x + width)
        return strip.extend_cell_length(width, style)

    # -- moving -----------------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        if not self.items:
            return
        clamped = max(0, min(new, len(self.items) - 1))
        if clamped != new:
            self.cursor = clamped
            return
        self.refresh()
        top = self.scroll_offset.y
        height = max(1, self.scrollable_content_region.height)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False)
        if old != new:
            self.post_message(self.Highlighted(self, self.items[new]))

    def action_cursor(self, step: int) -> None:
        self.cursor = self.cursor + step

    def action_page(self, direction: int) -> None:
        self.cursor = self.cursor + direction * max(1, self.scrollable_content_region.height - 1)

    def action_jump(self, where: int) -> None:
        self.cursor = len(self.items) - 1 if where < 0 else where

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self, self.current))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = self.scroll_offset.y + offset.y
        if 0 <= row < len(self.items):
            self.cursor = row
            self.post_message(self.Selected(self, self.items[row]))

    def show_node(self, node: int) -> bool:
        """Move the cursor to ``node`` if it is listed."""
        try:
            row = list(self.items).index(node)
        except ValueError:
            return False
        self.cursor = row
        return True
