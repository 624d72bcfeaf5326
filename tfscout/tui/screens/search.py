"""``/``: find a node by name or op type as you type (fuzzy), then jump to it."""

from __future__ import annotations

import time

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static
from textual.worker import get_current_worker

from tfscout.inspector import TIER_LABELS, NodeSearch
from tfscout.tui.messages import SearchDone
from tfscout.tui.screens.prompt import TypingScreen
from tfscout.tui.widgets.node_list import NodeList
from tfscout.tui.widgets.text_input import OrderedInput

RESULT_LIMIT = 500
SHOW_TIME_ABOVE = 0.05  # seconds; quicker searches feel instant and need no number


class SearchScreen(TypingScreen):
    """Returns the node chosen (Enter or a click), or None (Escape)."""

    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("down", "to_results", "Results", show=False),
        Binding("up", "to_results(-1)", "Results", show=False),
    ]

    def __init__(self, index: NodeSearch, ops: list[str], query: str = "") -> None:
        super().__init__()
        self.index = index
        self.ops = ops
        self.query_text = query
        self.shown_query: str | None = None  # the query whose results are on screen

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog search-dialog"):
            yield Label("Search nodes  [dim]names and op types, fuzzy; op:Type for op types only[/]",
                        classes="dialog-title")
            yield OrderedInput(self.query_text, placeholder="type part of a name (keep_prob), an op type (Conv2D), "
                        "or initials (kp)", id=self.INPUT_ID)
            yield Static("", id="search-status")
            yield NodeList(self.index.names, self.ops, id="search-results")
            yield Static("Enter: go to the node   ↓: to the results   Esc: close", classes="dialog-hint")

    INPUT_ID = "search-input"

    def on_mount(self) -> None:  # TypingScreen focuses the text
        self.query_one(NodeList).set_items([], empty_text="")
        if self.query_text:
            self.run_search(self.query_text)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str) -> None:
        start = time.perf_counter()
        result = self.index.search(query, limit=RESULT_LIMIT)
        if not get_current_worker().is_cancelled:
            self.post_message(SearchDone(result, time.perf_counter() - start))

    def on_search_done(self, message: SearchDone) -> None:
        result = message.result
        if result.query != self.query_one(Input).value:
            return  # typed on since
        self.shown_query = result.query
        results = self.query_one(NodeList)
        results.set_items(result.hits, [TIER_LABELS[t] for t in result.tiers],
                          empty_text="no node matches" if result.query.strip() else "")
        status = self.query_one("#search-status", Static)
        if not result.query.strip():
            status.update("")
        else:
            shown = f"best {len(result.hits)} of " if len(result.hits) < result.total else ""
            noun = "match" if result.total == 1 else "matches"
            slow = f" in {message.seconds * 1000:.0f} ms" if message.seconds >= SHOW_TIME_ABOVE else ""
            status.update(f"{shown}{result.total:,} {noun}{slow}")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        current = self.query_one(NodeList).current
        if current is not None:
            self.dismiss(current)

    def on_node_list_selected(self, event: NodeList.Selected) -> None:
        event.stop()
        self.dismiss(event.node)

    def on_node_list_highlighted(self, event: NodeList.Highlighted) -> None:
        event.stop()

    def action_to_results(self, step: int = 1) -> None:
        results = self.query_one(NodeList)
        if self.focused is not results and results.items:
            results.focus()
            if step < 0:
                results.cursor = len(results.items) - 1
        else:
            results.cursor += step

    def action_cancel(self) -> None:
        self.dismiss(None)
