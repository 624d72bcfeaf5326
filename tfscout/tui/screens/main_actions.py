"""The main screen's actions: edit the choice, copy, convert, search, export, open, move around."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.screen import Screen
from textual.widgets import TabbedContent
from textual.worker import get_current_worker

from tfscout.errors import TfscoutError, UsageError
from tfscout.inspector import Interface, Report
from tfscout.tui.messages import ExportFailed, ExportFinished
from tfscout.tui.recent import RecentModels
from tfscout.tui.screens.convert import ConvertScreen, default_output
from tfscout.tui.screens.export import ExportRequest, ExportScreen
from tfscout.tui.screens.open import OpenScreen
from tfscout.tui.screens.prompt import ConfirmScreen, PromptScreen
from tfscout.tui.screens.search import SearchScreen
from tfscout.tui.session import (
    Choice,
    LoadedModel,
    Ranked,
    chosen_inputs,
    chosen_outputs,
    convert_command,
    switch_text,
)
from tfscout.tui.typed import parse_opset, parse_shape, parse_value, shape_hint
from tfscout.tui.widgets.interface import CandidateList
from tfscout.tui.widgets.node_details import NodeDetails
from tfscout.tui.widgets.precheck import nothing_chosen, still_blocking
from tfscout.tui.widgets.scope_tree import ScopeTree

NO_MODEL = "No model open: press Ctrl+O to open one."


class ChoiceActions(Screen[None]):
    """The base of MainScreen, which provides the attributes and methods declared here."""

    model: LoadedModel | None
    loading: bool
    report: Report | None
    iface: Interface | None
    ranked: Ranked | None
    choice: Choice
    previous_choice: Choice | None = None
    current: int | None
    history: list[int]
    hood_depth: int
    path: str | None
    recent: RecentModels

    # provided by MainScreen
    def show_node(self, node: int, remember: bool = True) -> None:
        raise NotImplementedError

    def request_report(self) -> None:
        raise NotImplementedError

    def draw_pictures(self) -> None:
        raise NotImplementedError

    def start_loading(self, path: str) -> None:
        raise NotImplementedError

    # -- the tensor the keys act on ---------------------------------------------------------------
    def current_tensor(self) -> tuple[str | None, str | None]:
        """(tensor, role of the list it came from) for the highlighted row, else the shown node's :0."""
        focused = self.focused
        if isinstance(focused, CandidateList) and focused.current_tensor:
            return focused.current_tensor, focused.role
        details = self.query_one(NodeDetails)
        if details.info is not None and details.info.index == self.current:
            tensor = details.current_tensor if focused is not None and details in focused.ancestors_with_self else None
            if tensor:
                return tensor, None
        if self.model is not None and self.current is not None:
            return f"{self.model.graph.names[self.current]}:0", None
        return None, None

    def _ready(self) -> bool:
        if self.model is None:
            self.notify("Wait until the model is loaded." if self.loading else NO_MODEL, severity="warning")
            return False
        if self.report is None:
            self.notify("Wait until the inputs and outputs are ranked.", severity="warning")
            return False
        return True

    def set_choice(self, choice: Choice) -> None:
        self.previous_choice = self.choice
        self.choice = choice
        self.request_report()

    def needed_inputs(self) -> list[str]:
        """Chosen inputs the outputs cannot do without (a PlaceholderWithDefault can fall back on its default)."""
        if self.report is None:
            return []
        return [c.name for c in self.report.recommended_inputs if c.op != "PlaceholderWithDefault"]

    def toggle(self, role: str, tensor: str) -> None:
        if not self._ready() or self.report is None:
            return
        try:
            if role == "input":
                self.set_choice(self.choice.toggle_input(tensor, chosen_inputs(self.report), self.needed_inputs()))
            else:
                self.set_choice(self.choice.toggle_output(tensor, chosen_outputs(self.report)))
        except TfscoutError as exc:
            self.notify(exc.one_line(), severity="warning", timeout=8)

    def action_toggle_input(self) -> None:
        self._toggle_current("input")

    def action_toggle_output(self) -> None:
        self._toggle_current("output")

    def _toggle_current(self, role: str) -> None:
        tensor, _role = self.current_tensor()
        if tensor:
            self.toggle(role, tensor)
        elif self._ready():
            self.notify("Show a node first: search with / or browse the scopes.", severity="warning")

    def action_edit_shape(self) -> None:
        if not self._ready() or self.report is None or self.ranked is None:
            return
        tensor, role = self.current_tensor()
        if role in ("output", "mode"):
            self.notify("Only inputs have a shape to set: highlight an input.", severity="warning")
            return
        inputs = chosen_inputs(self.report)
        if tensor not in inputs:
            tensor = inputs[0] if len(inputs) == 1 else None
        if not tensor:
            self.notify("Highlight one of the chosen inputs first.", severity="warning")
            return
        shape = next((c.shape for c in self.report.inputs if c.name == tensor), None)
        graph_shape = self.ranked.graph_shapes.get(tensor)
        current = ",".join("?" if d < 0 else str(d) for d in shape) if shape else ""
        report = self.report
        name = tensor

        def done(dims: list[int] | None) -> None:
            if dims is not None:
                self.set_choice(self.choice.with_shape(name, dims, chosen_inputs(report)))

        allowed = "any shape" if graph_shape is None else shape_hint(graph_shape)
        self.app.push_screen(PromptScreen(
            "Input shape", f"Shape of {tensor}: the graph allows {allowed} (? or -1 for any size)", current,
            hint="tf2onnx takes it inline: --inputs name:0[1,28,28,1]",
            check=lambda text: parse_shape(text, graph_shape, name)), done)

    def action_set_mode(self, switch: str | None = None) -> None:
        if not self._ready() or self.report is None:
            return
        switches = {m.name: m for m in self.report.mode_switches}
        if switch is None:
            tensor, _role = self.current_tensor()
            switch = tensor if tensor in switches else (next(iter(switches)) if len(switches) == 1 else None)
        if switch is None or switch not in switches:
            self.notify("No mode switch highlighted (see the Interface pane).", severity="warning")
            return
        m = switches[switch]
        name = switch

        def done(value: tuple[Any] | None) -> None:
            if value is not None:
                self.set_choice(self.choice.with_mode_value(name, value[0]))

        self.app.push_screen(PromptScreen(
            "Mode switch", f"Value of {switch} ({m.dtype or 'any type'}) at inference:", switch_text(m.value),
            hint="; ".join(m.reasons), check=lambda text: (parse_value(text, m.dtype),)), done)

    def action_set_opset(self) -> None:
        if not self._ready() or self.report is None:
            return

        def done(value: tuple[int | None] | None) -> None:
            if value is not None:
                self.set_choice(self.choice.with_opset(value[0]))

        self.app.push_screen(PromptScreen(
            "ONNX opset", "Target opset (empty: the recommended one):",
            str(self.choice.opset or ""), hint=f"recommended {self.report.opset.recommended}, lowest that works "
            f"{self.report.opset.required or '-'}", check=lambda text: (parse_opset(text),)), done)

    def action_reset_choice(self) -> None:
        if self._ready():
            self.set_choice(Choice())
            self.notify("Back to the recommended inputs and outputs.")

    def action_copy_command(self) -> None:
        if not self._ready() or self.report is None:
            return
        if nothing_chosen(self.report):
            self.notify("No command yet: choose an output first (o).", severity="warning")
            return
        self.app.copy_to_clipboard(self.report.tf2onnx_command)
        self.notify("Copied the tf2onnx command to the clipboard.")

    def action_copy_convert(self) -> None:
        if not self._ready() or self.report is None:
            return
        if nothing_chosen(self.report):
            self.notify("No command yet: choose an output first (o).", severity="warning")
            return
        self.app.copy_to_clipboard(self.convert_command_text())
        self.notify("Copied the tfscout convert command to the clipboard.")

    # -- convert ----------------------------------------------------------------------------------
    def switches(self) -> dict[str, Any]:
        """Every mode switch at the value the conversion fixes it to."""
        return {m.name: m.value for m in self.report.mode_switches} if self.report is not None else {}

    def convert_command_text(self, out: str | None = None) -> str:
        if self.model is None or self.report is None:
            return ""
        out = out or default_output(self.model.path, chosen_outputs(self.report))
        return convert_command(self.model, self.report, out, self.switches())

    def action_convert(self) -> None:
        if not self._ready() or self.report is None or self.model is None:
            return
        if nothing_chosen(self.report):
            self.notify("Nothing to convert yet: choose an output first (o on a tensor).", severity="warning")
            return
        blocking = still_blocking(self.report)
        if blocking:
            question = Text("The pre-check says tf2onnx will not convert ", style="")
            question.append(", ".join(blocking), style="bold red")
            question.append(" on the path, so the conversion will most likely fail.\n\nConvert anyway?")
            self.app.push_screen(ConfirmScreen("Convert anyway?", question, yes="Convert anyway", no="Cancel"),
                                 lambda yes: self._ask_output() if yes else None)
        else:
            self._ask_output()

    def _ask_output(self) -> None:
        if self.model is None or self.report is None:
            return
        model, report = self.model, self.report
        default = default_output(model.path, chosen_outputs(report))

        def start(out: str, force: bool) -> None:
            inputs = [c.name + ("" if c.shape is None else "[" + ",".join(str(d) for d in c.shape) + "]")
                      for c in report.recommended_inputs]
            switches = self.switches()
            self.app.push_screen(ConvertScreen(
                model, inputs, chosen_outputs(report), report.opset.recommended, out,
                convert_command(model, report, out, switches), report.tf2onnx_command, switches, force=force))

        def done(out: str | None) -> None:
            if not out:
                return
            if Path(out).expanduser().exists():
                self.app.push_screen(
                    ConfirmScreen("Overwrite?", f"{out} exists already. Overwrite it with the new model?",
                                  yes="Overwrite", no="Keep it"),
                    lambda yes: start(out, True) if yes else None)
            else:
                start(out, False)

        def check(text: str) -> str:
            out = text.strip()
            if not out:
                raise UsageError("no file name given", f"type where to write the model, e.g. {default}")
            if Path(out).expanduser().is_dir():
                raise UsageError(f"{out} is a folder", f"type a file name in it, e.g. {Path(out) / default}")
            return out

        hint = "TensorFlow, tf2onnx and onnxruntime run in child processes; Esc cancels while it runs."
        switches = self.switches()
        if switches:
            hint += (" Mode switches are fixed at: " + ", ".join(f"{k} = {switch_text(v)}" for k, v in switches.items())
                     + ".")
        self.app.push_screen(PromptScreen("Convert to ONNX", "Write the verified ONNX model to:", default,
                                          hint=hint, check=check), done)

    # -- search and moving around -----------------------------------------------------------------
    def action_search(self) -> None:
        if self.model is None:
            self.notify("Wait until the model is loaded." if self.loading else NO_MODEL, severity="warning")
            return

        def done(node: int | None) -> None:
            if node is not None:
                self.show_node(node)
                self.query_one("#right", TabbedContent).active = "tab-node"
                self.query_one(ScopeTree).reveal(node)
                self.query_one("#node-links").focus()  # i and o now act on the node found

        self.app.push_screen(SearchScreen(self.model.search, self.model.graph.ops), done)

    def action_back(self) -> None:
        if self.history:
            self.show_node(self.history.pop(), remember=False)

    def action_show_neighbourhood(self) -> None:
        self.query_one("#right", TabbedContent).active = "tab-hood"
        self.query_one("#hood").focus()  # a tab holding no focus would give way to the one that does
        self.draw_pictures()

    def action_show_graph(self) -> None:
        self.query_one("#right", TabbedContent).active = "tab-graph"
        self.query_one("#graph").focus()
        self.draw_pictures()

    def action_depth(self, step: int) -> None:
        self.hood_depth = max(1, min(6, self.hood_depth + step))
        if self.query_one("#right", TabbedContent).active not in ("tab-hood", "tab-graph"):
            self.query_one("#right", TabbedContent).active = "tab-hood"
        self.draw_pictures()

    def action_filter_nodes(self) -> None:
        self.query_one("#left", TabbedContent).active = "tab-nodes"
        self.query_one("#node-filter").focus()

    def action_show_scopes(self) -> None:
        self.query_one("#left", TabbedContent).active = "tab-scopes"
        self.query_one(ScopeTree).focus()
        if self.current is not None:
            self.query_one(ScopeTree).reveal(self.current)

    def action_show_interface(self) -> None:
        self.query_one("#left", TabbedContent).active = "tab-interface"
        self.query_one("#outputs", CandidateList).focus()

    def action_show_precheck(self) -> None:
        self.query_one("#right", TabbedContent).active = "tab-precheck"
        self.query_one("#precheck-box").focus()

    def action_open_model(self) -> None:
        def done(path: str | None) -> None:
            if path:
                self.start_loading(path)

        self.app.push_screen(OpenScreen(self.recent.load(), start=str(Path(self.path).parent) + "/"
                                        if self.path else ""), done)

    # -- pictures ---------------------------------------------------------------------------------
    def action_export(self) -> None:
        if not self._ready() or self.model is None or self.report is None:
            return
        g = self.model.graph
        name = g.names[self.current] if self.current is not None else None
        leaf = (name or "subgraph").rpartition("/")[2] or "graph"
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in leaf)
        model = self.model

        def done(request: ExportRequest | None) -> None:
            if request is not None:
                self.export(model, request, self.current, self.iface)

        self.app.push_screen(ExportScreen(name, self.hood_depth, f"{safe}.svg",
                                          len(self.iface.subgraph) if self.iface else 0), done)

    @work(thread=True, exclusive=True, group="export")
    def export(self, model: LoadedModel, request: ExportRequest, centre: int | None,
               iface: Interface | None) -> None:
        from tfscout.inspector import around, between, tensor_caption, to_dot, write_picture

        g = model.graph
        try:
            if request.what == "around" and centre is not None:
                hood = around(g, centre, request.depth)
                title = f"{g.names[centre]} ({g.ops[centre]}), {request.depth} hops"
            elif iface is not None:
                hood = between(g, iface.inputs, iface.outputs)
                title = ", ".join(g.tensor_name(r) for r in iface.inputs) + " -> " + ", ".join(
                    g.tensor_name(r) for r in iface.outputs)
            else:
                raise TfscoutError("nothing to draw yet", "wait for the ranking")
            path = write_picture(to_dot(g, hood, tensor_caption(model.analysis), title), request.path)
        except TfscoutError as exc:
            self.post_message(ExportFailed(exc.one_line()))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(ExportFinished(str(path), len(hood), hood.truncated))

    def on_export_finished(self, message: ExportFinished) -> None:
        more = f" ({message.truncated} more not drawn)" if message.truncated else ""
        self.notify(f"Wrote {message.path}: {message.nodes} nodes{more}", title="Exported")

    def on_export_failed(self, message: ExportFailed) -> None:
        self.notify(message.message, title="Export failed", severity="error", timeout=10)
