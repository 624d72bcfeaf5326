"""The main screen: the interface, the node browser, node details, neighbourhood, pre-check, command.

Loading, ranking, node details and pictures run in thread workers that call the core and post
messages; the handlers here put the results into the widgets.
"""

from __future__ import annotations

import gc
import time
from collections import Counter

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, ProgressBar, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from tfscout.errors import TfscoutError
from tfscout.inspector import Interface, Report, describe_node
from tfscout.tui.messages import (
    DetailsReady,
    LoadFailed,
    LoadProgress,
    ModelLoaded,
    ReportFailed,
    ReportReady,
)
from tfscout.tui.screens.main_actions import ChoiceActions
from tfscout.tui.session import Choice, LoadedModel, compute_report, load_model
from tfscout.tui.widgets.interface import CandidateList, InterfacePane
from tfscout.tui.widgets.neighbourhood import NeighbourhoodTree
from tfscout.tui.widgets.node_details import NodeDetails
from tfscout.tui.widgets.node_list import NodeList
from tfscout.tui.widgets.precheck import CommandBar, OpCounts, precheck_text
from tfscout.tui.widgets.scope_tree import ScopeTree


class MainScreen(ChoiceActions):
    BINDINGS = [
        Binding("slash", "search", "Search", tooltip="search node names and op types (fuzzy)"),
        Binding("i", "toggle_input", "Input ±", tooltip="use the highlighted tensor as an input, or drop it"),
        Binding("o", "toggle_output", "Output ±", tooltip="use the highlighted tensor as an output, or drop it"),
        Binding("s", "edit_shape", "Shape", tooltip="edit the shape of the highlighted input"),
        Binding("v", "set_mode", "Mode value", show=False, tooltip="set the value of a mode switch"),
        Binding("p", "set_opset", "Opset", show=False, tooltip="choose the ONNX opset (empty: recommended)"),
        Binding("r", "reset_choice", "Reset", show=False, tooltip="go back to the recommended inputs and outputs"),
        Binding("c", "copy_command", "Copy cmd", tooltip="copy the tf2onnx command to the clipboard"),
        Binding("x", "convert", "Convert", tooltip="convert to ONNX and verify against TensorFlow"),
        Binding("n", "show_neighbourhood", "Around", tooltip="show the neighbourhood of the node"),
        Binding("plus", "depth(1)", "Deeper", show=False, tooltip="neighbourhood: one more level"),
        Binding("minus", "depth(-1)", "Shallower", show=False, tooltip="neighbourhood: one level less"),
        Binding("e", "export", "Export", tooltip="draw the neighbourhood or the subgraph to SVG/PNG"),
        Binding("b,backspace", "back", "Back", show=False, tooltip="back to the node shown before"),
        Binding("f", "filter_nodes", "Filter", show=False, tooltip="filter the flat node list"),
        Binding("t", "show_scopes", "Scopes", show=False, tooltip="browse the name-scope tree"),
        Binding("u", "show_interface", "Interface", show=False, tooltip="show the ranked inputs and outputs"),
        Binding("k", "show_precheck", "Pre-check", show=False, tooltip="show the pre-check in full"),
        Binding("ctrl+o", "open_model", "Open", show=False, tooltip="open another model"),
    ]

    def __init__(self, path: str | None, tags: list[str] | None = None, choice: Choice | None = None) -> None:
        super().__init__()
        self.path = path
        self.tags = tags
        self.model: LoadedModel | None = None
        self.choice = choice or Choice()
        self.iface: Interface | None = None
        self.report: Report | None = None
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
                    yield Input(placeholder="filter: part of a name or op type; op:Conv2D", id="node-filter")
                    yield NodeList(id="nodes")
                with TabPane("Ops", id="tab-ops"):
                    yield OpCounts(id="ops")
            with TabbedContent(id="right", initial="tab-node"):
                with TabPane("Node", id="tab-node"):
                    yield NodeDetails(id="details")
                with TabPane("Neighbourhood", id="tab-hood"):
                    with Vertical():
                        yield Static("", id="hood-title")
                        yield NeighbourhoodTree(id="hood")
                with TabPane("Pre-check", id="tab-precheck"):
                    with VerticalScroll(id="precheck-box"):
                        yield Static("The pre-check appears once the inputs and outputs are ranked.", id="precheck")
        yield CommandBar(id="command-bar")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "tfscout"
        if self.path:
            self.start_loading(self.path)
        else:
            self.query_one("#loading").display = False
            self.query_one(CommandBar).show_status("No model open: press Ctrl+O to open one.")
            self.call_after_refresh(self.action_open_model)

    # -- loading ----------------------------------------------------------------------------------
    def start_loading(self, path: str) -> None:
        self.path = path
        self.model = None
        self.report = None
        self.current = None
        self.history.clear()
        self.sub_title = path
        self.query_one("#loading").display = True
        self.query_one(CommandBar).show_status(f"reading {path} …", "yellow")
        self.load(path)

    @work(thread=True, exclusive=True, group="load")
    def load(self, path: str) -> None:
        def progress(stage: str, done: float) -> None:
            self.post_message(LoadProgress(stage, done))

        gc.unfreeze()  # a model opened before may be garbage now
        collecting = gc.isenabled()
        gc.disable()
        try:
            model = load_model(path, self.tags, progress)
        except TfscoutError as exc:
            self.post_message(LoadFailed(exc.one_line()))
            return
        except Exception as exc:  # noqa: BLE001 - shown in the UI instead of crashing it
            self.post_message(LoadFailed(f"internal error ({type(exc).__name__}: {exc})"))
            return
        finally:
            if collecting:
                gc.enable()
        # The graph lives as long as the screen shows it: keep the collector from walking its
        # millions of objects again and again (each full pass stalls the UI on big graphs).
        gc.freeze()
        self.post_message(ModelLoaded(model))

    def on_load_progress(self, message: LoadProgress) -> None:
        self.query_one("#loading-label", Label).update(f"{message.stage} ")
        self.query_one("#loading-bar", ProgressBar).update(progress=message.fraction)

    def on_load_failed(self, message: LoadFailed) -> None:
        self.query_one("#loading").display = False
        self.query_one(CommandBar).show_status(f"tfscout: error: {message.message}", "bold red")
        self.notify(message.message, title="Cannot open the model", severity="error", timeout=10)

    def on_model_loaded(self, message: ModelLoaded) -> None:
        model = message.model
        self.model = model
        self.loaded_at = time.perf_counter()
        g = model.graph
        self.sub_title = f"{model.path}  ({model.title})"
        self.query_one("#loading-label", Label).update("ranking inputs and outputs, pre-checking ")
        self.query_one("#loading-bar", ProgressBar).update(total=None)
        self.query_one(ScopeTree).set_index(model.scopes, g.ops)
        nodes = self.query_one("#nodes", NodeList)
        nodes.set_graph(g.names, g.ops)
        nodes.set_items(range(len(g)))
        self.query_one(OpCounts).show(dict(g.op_counts().most_common()), {}, {})
        self.query_one(CommandBar).show_status("ranking inputs and outputs …", "yellow")
        self.request_report()

    # -- the report -------------------------------------------------------------------------------
    def request_report(self) -> None:
        if self.model is None:
            return
        self.generation += 1
        bar = self.query_one(CommandBar)
        if self.report is not None:
            bar.show_verdict(self.report, busy=True)
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
            self.post_message(ReportReady(generation, done[0], done[1], time.perf_counter() - start))

    @property
    def settled(self) -> bool:
        """True when the report shown belongs to the latest choice (nothing is being recomputed)."""
        return self.report is not None and self.settled_generation == self.generation

    def on_report_failed(self, message: ReportFailed) -> None:
        if message.generation != self.generation:
            return
        self.settled_generation = message.generation
        self.notify(message.message, title="Cannot use that choice", severity="error", timeout=8)
        if self.previous_choice is not None:
            self.choice = self.previous_choice
            self.previous_choice = None
        if self.report is not None:
            self.query_one(CommandBar).show_verdict(self.report, busy=False)
        else:
            self.query_one(CommandBar).show_status(message.message, "bold red")

    def on_report_ready(self, message: ReportReady) -> None:
        if message.generation != self.generation or self.model is None:
            return
        first = self.report is None
        self.settled_generation = message.generation
        self.iface, self.report = message.interface, message.report
        self.previous_choice = None
        self.query_one("#loading").display = False
        self.query_one(InterfacePane).show_report(message.report)
        self.query_one(CommandBar).show(message.report, edited=self.choice.edited)
        self.query_one("#precheck", Static).update(precheck_text(message.report))
        g = self.model.graph
        on_path = Counter(g.ops[i] for i in message.interface.subgraph)
        self.query_one(OpCounts).show(message.report.op_counts, dict(on_path),
                                      message.report.precheck.op_types)
        if first:
            self.query_one("#outputs", CandidateList).focus()
            if message.interface.outputs:
                self.show_node(message.interface.outputs[0].node, remember=False)
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
        right = self.query_one("#right", TabbedContent)
        if right.active == "tab-hood":
            self.draw_neighbourhood()

    @work(thread=True, exclusive=True, group="details")
    def describe(self, model: LoadedModel, node: int) -> None:
        info = describe_node(model.analysis, node)
        if not get_current_worker().is_cancelled:
            self.post_message(DetailsReady(info))

    def on_details_ready(self, message: DetailsReady) -> None:
        if message.info.index == self.current:
            self.query_one(NodeDetails).show(message.info, self.marks())

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
        if event.pane.id == "tab-hood":
            self.draw_neighbourhood()

    @on(NodeList.Highlighted, "#nodes")
    @on(NodeList.Selected, "#nodes")
    def node_list_moved(self, event: NodeList.Highlighted | NodeList.Selected) -> None:
        self.show_node(event.node)

    @on(ScopeTree.NodeShown)
    def scope_node(self, event: ScopeTree.NodeShown) -> None:
        self.show_node(event.node)

    @on(NodeDetails.Follow)
    @on(NeighbourhoodTree.Follow)
    def follow(self, event: NodeDetails.Follow | NeighbourhoodTree.Follow) -> None:
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
