"""Opening a model on the main screen: read it in a worker, show it, or say why it cannot be read.

Whatever was shown of the model before goes first, so that a failed open leaves no old names,
command or keys that act on them.
"""

from __future__ import annotations

import gc
import time

from textual import work
from textual.widgets import Label, ProgressBar, Static

from tfscout.errors import TfscoutError
from tfscout.tui.messages import LoadFailed, LoadProgress, ModelLoaded
from tfscout.tui.screens.main_actions import NO_MODEL, ChoiceActions
from tfscout.tui.session import Choice, load_model
from tfscout.tui.widgets.graph_view import GraphView
from tfscout.tui.widgets.interface import InterfacePane
from tfscout.tui.widgets.neighbourhood import NeighbourhoodTree
from tfscout.tui.widgets.node_details import NodeDetails
from tfscout.tui.widgets.node_list import NodeList
from tfscout.tui.widgets.precheck import CommandBar, OpCounts
from tfscout.tui.widgets.scope_tree import ScopeTree


class ModelLoading(ChoiceActions):
    """The base of MainScreen that opens models (MainScreen provides the attributes used here)."""

    tags: list[str] | None
    first_path: str | None
    initial_choice: Choice
    loaded_at: float | None

    def forget_model(self) -> None:
        """Nothing of the model shown before stays on screen (or in the keys' reach)."""
        self.model = None
        self.report = self.iface = self.ranked = None
        self.current = None
        self.history.clear()
        # names given on the command line belong to the model named there, not to one opened later
        self.choice = self.initial_choice if self.path == self.first_path else Choice()
        self.query_one(InterfacePane).clear()
        self.query_one(ScopeTree).forget()
        nodes = self.query_one("#nodes", NodeList)
        nodes.set_graph([], [])
        nodes.set_items([])
        self.query_one(OpCounts).show({}, {}, {})
        self.query_one(NodeDetails).clear()
        self.query_one(NeighbourhoodTree).clear()
        for view in self.query(GraphView):
            view.clear()
        self.query_one("#precheck", Static).update("")
        self.query_one("#aside-precheck", Static).update("")
        self.query_one("#hood-title", Static).update("")

    def start_loading(self, path: str) -> None:
        self.path = path
        self.forget_model()
        self.loading = True
        self.sub_title = f"opening {path}"
        self.query_one("#loading").display = True
        self.query_one(CommandBar).clear(f"reading {path} …", "yellow")
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
        self.recent.add(path)
        self.post_message(ModelLoaded(model))

    def on_load_progress(self, message: LoadProgress) -> None:
        self.query_one("#loading-label", Label).update(f"{message.stage} ")
        self.query_one("#loading-bar", ProgressBar).update(progress=message.fraction)

    def on_load_failed(self, message: LoadFailed) -> None:
        self.loading = False
        self.forget_model()
        self.sub_title = "no model open"
        self.query_one("#loading").display = False
        bar = self.query_one(CommandBar)
        bar.clear(f"tfscout: error: {message.message}", "bold red")
        self.query_one("#precheck", Static).update(f"{NO_MODEL}\n\n{message.message}")
        self.notify(f"{message.message}\n{NO_MODEL}", title="Cannot open the model", severity="error", timeout=10)

    def on_model_loaded(self, message: ModelLoaded) -> None:
        model = message.model
        self.model = model
        self.loading = False
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

