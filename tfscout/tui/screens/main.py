"""The main screen: the interface, the node browser, node details, the graph picture, the pre-check.

Loading, ranking, node details and marks run in thread workers that call the core and post
messages; the handlers here put the results into the widgets.
"""

from __future__ import annotations

import time
from collections import Counter

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Input, Label, ProgressBar, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from tfscout.errors import TfscoutError
from tfscout.inspector import describe_node
from tfscout.tui.messages import (
    DetailsReady,
    ReportFailed,
    ReportReady,
    TrainingMarks,
)
from tfscout.tui.recent import RecentModels
from tfscout.tui.screens.main_actions import NO_MODEL
from tfscout.tui.screens.main_load import ModelLoading
from tfscout.tui.session import Choice, LoadedModel, compute_report, training_scopes
from tfscout.tui.widgets.graph_view import GraphView
from tfscout.tui.widgets.interface import CandidateList, InterfacePane
from tfscout.tui.widgets.keybar import KeyBar
from tfscout.tui.widgets.neighbourhood import NeighbourhoodTree
from tfscout.tui.widgets.node_details import NodeDetails
from tfscout.tui.widgets.node_list import NodeList
from tfscout.tui.widgets.precheck import CommandBar, OpCounts, precheck_text
from tfscout.tui.widgets.scope_tree import ScopeTree
from tfscout.tui.widgets.text_input import OrderedInput

WIDE = 180    # columns from which the graph picture and the pre-check get a column of their own
NARROW = 120  # below this, commands keep to one line each
SHORT = 30    # rows below which lists are shorter and the key bar keeps to 3 lines
TINY = 22     # rows below which they are shorter still, and the key bar keeps to 2 lines


class NodeFilter(OrderedInput):
    """The node list's filter; Esc (or Enter, or Down) leaves it for the list."""

    BINDINGS = [Binding("escape,down", "leave", "To the list", show=False)]

    def action_leave(self) -> None:
        self.screen.query_one("#nodes", NodeList).focus()


class MainScreen(ModelLoading):
    BINDINGS = [
        Binding("slash", "search", "Search", tooltip="search node names and op types (fuzzy)"),
        Binding("i", "toggle_input", "Input±", tooltip="use the highlighted tensor as an input, or drop it"),
        Binding("o", "toggle_output", "Output±", tooltip="use the highlighted tensor as an output, or drop it"),
        Binding("s", "edit_shape", "Shape", tooltip="edit the shape of the highlighted input"),
        Binding("v", "set_mode", "Value", tooltip="set the value of a mode switch"),
        Binding("p", "set_opset", "Opset", tooltip="choose the ONNX opset (empty: recommended)"),
        Binding("r", "reset_choice", "Reset", tooltip="go back to the recommended inputs and outputs"),
        Binding("x", "convert", "Convert", tooltip="convert to ONNX and verify against TensorFlow"),
        Binding("c", "copy_command", "tf2onnx cmd", tooltip="copy the tf2onnx command to the clipboard"),
        Binding("C", "copy_convert", "convert cmd", tooltip="copy the tfscout convert command to the clipboard"),
        Binding("g", "show_graph", "Graph", tooltip="draw the node and its neighbours (box-drawing picture)"),
        Binding("n", "show_neighbourhood", "Around", tooltip="the neighbourhood of the node as trees"),
        Binding("plus", "depth(1)", "Deeper", show=False, tooltip="neighbourhood and picture: one more level"),
        Binding("minus", "depth(-1)", "Shallower", show=False, tooltip="neighbourhood and picture: one level less"),
        Binding("e", "export", "Export", tooltip="draw the neighbourhood or the subgraph to SVG/PNG"),
        Binding("b,backspace", "back", "Back", tooltip="back to the node shown before"),
        Binding("w", "show_precheck", "Pre-check", tooltip="will it convert? the pre-check in full"),
        Binding("u", "show_interface", "Interface", tooltip="the ranked inputs and outputs"),
        Binding("t", "show_scopes", "Scopes", tooltip="browse the name-scope tree"),
        Binding("f", "filter_nodes", "Filter", tooltip="filter the flat node list (Esc leaves the filter)"),
        Binding("ctrl+o", "open_model", "Open", tooltip="open another model (completion, file picker, recent)"),
    ]

    def __init__(self, path: str | None, tags: list[str] | None = None, choice: Choice | None = None,
                 recent: RecentModels | None = None) -> None:
        super().__init__()
        self.path = path
        self.first_path = path
        self.tags = tags
        self.recent = recent or RecentModels()
        self.model: LoadedModel | None = None
        self.loading = False
        self.choice = choice or Choice()
        self.initial_choice = self.choice
        self.iface = None
        self.report = None
        self.ranked = None
        self.generation = 0
        self.settled_generation = 0  # the last choice whose report (or failure) has been shown
        self.current: int | None = None
        self.history: list[int] = []
        self.hood_depth = 2
        self.loaded_at: float | None = None
        self.started = time.perf_counter()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="loading"):
            yield Label("starting", id="loading-label")
            yield ProgressBar(total=1.0, show_eta=False, id="loading-bar")
        with Horizontal(id="body"):
            with TabbedContent(id="left", initial="tab-interface"):
                with TabPane("Interface", id="tab-interface"):
                    yield InterfacePane(id="interface")
                with TabPane("Scopes", id="tab-scopes"):
                    yield ScopeTree(id="scopes")
                with TabPane("Nodes", id="tab-nodes"):
                    yield NodeFilter(placeholder="filter: part of a name or op type; op:Conv2D", id="node-filter")
                    yield NodeList(id="nodes")
                with TabPane("Ops", id="tab-ops"):
                    yield OpCounts(id="ops")
            with TabbedContent(id="right", initial="tab-node"):
                with TabPane("Node", id="tab-node"):
                    yield NodeDetails(id="details")
                with TabPane("Graph", id="tab-graph"):
                    yield GraphView(id="graph")
                with TabPane("Neighbourhood", id="tab-hood"):
                    with Vertical():
                        yield Static("", id="hood-title")
                        yield NeighbourhoodTree(id="hood")
                with TabPane("Pre-check", id="tab-precheck"):
                    with VerticalScroll(id="precheck-box"):
                        yield Static("The pre-check appears once the inputs and outputs are ranked.", id="precheck")
            with Vertical(id="aside"):
                yield Label("Graph  [dim]the node shown and its neighbours · click a box to follow[/]",
                            classes="pane-title")
                yield GraphView(id="aside-graph")
                with VerticalScroll(id="aside-precheck-box"):
                    yield Static("", id="aside-precheck")
        yield CommandBar(id="command-bar")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.title = "tfscout"
        self.sub_title = "no model open"
        if self.path:
            self.start_loading(self.path)
        else:
            self.query_one("#loading").display = False
            self.query_one(CommandBar).show_status(NO_MODEL)
            self.call_after_refresh(self.action_open_model)

    def on_resize(self, event: events.Resize) -> None:
        width, height = event.size
        self.set_class(width >= WIDE, "-wide")
        self.set_class(width < NARROW, "-narrow")
        self.set_class(height < SHORT, "-short")
        self.set_class(height < TINY, "-tiny")
        self.query_one(KeyBar).set_max_lines(2 if height < TINY else 3 if height < SHORT else None)

    # -- the report -------------------------------------------------------------------------------
    def request_report(self) -> None:
        if self.model is None:
            return
        self.generation += 1
        bar = self.query_one(CommandBar)
        if self.report is not None:
            bar.show_verdict(self.report, busy=True, leads=self.leads)
        self.compute(self.model, self.choice, self.generation)

    @work(thread=True, exclusive=True, group="report")
    def compute(self, model: LoadedModel, choice: Choice, generation: int) -> None:
        worker = get_current_worker()
        start = time.perf_counter()
        try:
            done = compute_report(model, choice, cancelled=lambda: worker.is_cancelled)
        except TfscoutError as exc:
            self.post_message(ReportFailed(generation, exc.one_line()))
            return
        except Exception as exc:  # noqa: BLE001 - shown in the UI instead of crashing it
            self.post_message(ReportFailed(generation, f"internal error ({type(exc).__name__}: {exc})"))
            return
        if done is not None and not worker.is_cancelled:
            self.post_message(ReportReady(generation, done, time.perf_counter() - start))

    @work(thread=True, exclusive=True, group="marks")
    def mark_training(self, model: LoadedModel) -> None:
        counts, nodes = training_scopes(model)
        if not get_current_worker().is_cancelled:
            self.post_message(TrainingMarks(model, counts, nodes))

    def on_training_marks(self, message: TrainingMarks) -> None:
        if message.model is self.model:
            self.query_one(ScopeTree).set_marks(training=message.counts, training_nodes=message.nodes)

    @property
    def settled(self) -> bool:
        """True when the report shown belongs to the latest choice (nothing is being recomputed)."""
        return self.report is not None and self.settled_generation == self.generation

    @property
    def leads(self) -> list[str]:
        return self.ranked.leads if self.ranked is not None else []

    def on_report_failed(self, message: ReportFailed) -> None:
        if message.generation != self.generation:
            return
        self.settled_generation = message.generation
        self.notify(message.message, title="Cannot use that choice", severity="error", timeout=8)
        if self.previous_choice is not None:
            self.choice = self.previous_choice
            self.previous_choice = None
        if self.report is not None:
            self.query_one(CommandBar).show_verdict(self.report, busy=False, leads=self.leads)
        else:
            self.query_one(CommandBar).show_status(message.message, "bold red")

    def on_report_ready(self, message: ReportReady) -> None:
        if message.generation != self.generation or self.model is None:
            return
        ranked = message.ranked
        first = self.report is None
        self.settled_generation = message.generation
        self.ranked, self.iface, self.report = ranked, ranked.iface, ranked.report
        self.choice = ranked.choice
        self.previous_choice = None
        report = ranked.report
        self.query_one("#loading").display = False
        self.query_one(InterfacePane).show_report(report, fresh=first)
        self.query_one(CommandBar).show(report, self.choice.edited, self.convert_command_text(), ranked.leads)
        text = precheck_text(report, ranked.leads)
        self.query_one("#precheck", Static).update(text)
        self.query_one("#aside-precheck", Static).update(text)
        g = self.model.graph
        on_path = Counter(g.ops[i] for i in ranked.iface.subgraph)
        self.query_one(OpCounts).show(report.op_counts, dict(on_path), report.precheck.op_types)
        self.query_one(ScopeTree).set_marks(on_path=ranked.on_path, path_nodes=ranked.iface.subgraph)
        if ranked.dropped:
            self.notify(f"Left out {', '.join(ranked.dropped)}: the chosen outputs do not need "
                        f"{'it' if len(ranked.dropped) == 1 else 'them'}.", title="Inputs", timeout=8)
        if first:
            self.mark_training(self.model)
            self.query_one("#outputs", CandidateList).focus()
            if ranked.iface.outputs:
                self.show_node(ranked.iface.outputs[0].node, remember=False)
        elif self.current is not None:
            self.show_node(self.current, remember=False)

    # -- the node shown ---------------------------------------------------------------------------
    def marks(self) -> dict[str, str]:
        if self.report is None:
            return {}
        out = {c.name: "input" for c in self.report.recommended_inputs}
        out.update({c.name: "output" for c in self.report.recommended_outputs})
        out.update({m.name: "mode switch" for m in self.report.mode_switches})
        return out

    def show_node(self, node: int, remember: bool = True) -> None:
        if self.model is None:
            return
        if remember and self.current is not None and self.current != node:
            self.history.append(self.current)
            del self.history[:-200]
        self.current = node
        self.describe(self.model, node)
        self.draw_pictures()

    @work(thread=True, exclusive=True, group="details")
    def describe(self, model: LoadedModel, node: int) -> None:
        info = describe_node(model.analysis, node)
        if not get_current_worker().is_cancelled:
            self.post_message(DetailsReady(info))

    def on_details_ready(self, message: DetailsReady) -> None:
        if message.info.index == self.current:
            self.query_one(NodeDetails).show(message.info, self.marks())

    def draw_pictures(self) -> None:
        """Redraw whichever views of the neighbourhood are on screen (the others wait until shown)."""
        if self.model is None or self.current is None:
            return
        right = self.query_one("#right", TabbedContent).active
        if right == "tab-hood":
            self.draw_neighbourhood()
        if right == "tab-graph":
            self.query_one("#graph", GraphView).show(self.model.graph, self.current, self.hood_depth)
        if self.has_class("-wide"):
            self.query_one("#aside-graph", GraphView).show(self.model.graph, self.current, self.hood_depth)

    def draw_neighbourhood(self) -> None:
        if self.model is None or self.current is None:
            return
        g = self.model.graph
        self.query_one("#hood-title", Static).update(
            f"[b]{g.names[self.current]}[/b]  {self.hood_depth} levels each way  "
            "[dim](+/- depth · Enter/click follows · e exports a picture)[/]")
        self.query_one(NeighbourhoodTree).show(g, self.current, self.hood_depth)

    @on(TabbedContent.TabActivated, "#right")
    def right_tab(self, event: TabbedContent.TabActivated) -> None:
        self.draw_pictures()

    @on(NodeList.Highlighted, "#nodes")
    @on(NodeList.Selected, "#nodes")
    def node_list_moved(self, event: NodeList.Highlighted | NodeList.Selected) -> None:
        self.show_node(event.node)

    @on(ScopeTree.NodeShown)
    def scope_node(self, event: ScopeTree.NodeShown) -> None:
        self.show_node(event.node)

    @on(NodeDetails.Follow)
    @on(NeighbourhoodTree.Follow)
    @on(GraphView.Follow)
    def follow(self, event: NodeDetails.Follow | NeighbourhoodTree.Follow | GraphView.Follow) -> None:
        self.show_node(event.node)

    @on(NodeDetails.Use)
    def use_tensor(self, event: NodeDetails.Use) -> None:
        self.toggle(event.role, event.tensor)

    @on(CandidateList.Shown)
    def candidate_shown(self, event: CandidateList.Shown) -> None:
        self.query_one(InterfacePane).show_reasons(event.tensor, event.reasons)
        if self.model is not None:
            ref = self.model.graph.resolve(event.tensor)
            if ref is not None:
                self.show_node(ref.node)

    @on(CandidateList.Toggled)
    def candidate_toggled(self, event: CandidateList.Toggled) -> None:
        if event.role == "mode":
            self.action_set_mode(event.tensor)
        else:
            self.toggle(event.role, event.tensor)

    @on(Input.Changed, "#node-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        if self.model is not None:
            items = self.model.search.filter(event.value)
            self.query_one("#nodes", NodeList).set_items(items, empty_text="no node matches the filter")

    @on(Input.Submitted, "#node-filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#nodes", NodeList).focus()

    @on(OpCounts.RowSelected)
    def op_selected(self, event: OpCounts.RowSelected) -> None:
        op = event.row_key.value
        if op:
            self.query_one("#left", TabbedContent).active = "tab-nodes"
            self.query_one("#node-filter", Input).value = f"op:{op}"
            self.query_one("#nodes", NodeList).focus()
