"""Node details: op, tensors with dtype and shape, attributes, and the edges you can follow."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from tfscout.inspector import EdgeInfo, NodeInfo, shape_text


def _edge_prompt(e: EdgeInfo, arrow: str) -> Text:
    text = Text()
    text.append(f" {arrow} ")
    text.append(e.node_name, style="bold")
    text.append(f"  {e.op}", style="dim")
    if e.tensor is not None and arrow == "←":
        text.append(f"  {e.tensor}  {e.dtype or '?'} {shape_text(e.shape)}", style="dim")
    elif e.tensor is not None:
        text.append(f"  via :{e.tensor.rpartition(':')[2]}", style="dim")
    return text


def _heading(title: str, count: int) -> Option:
    return Option(Text(f"{title} ({count})", style="bold underline"), disabled=True)


class NodeDetails(Vertical):
    """Shows one node; Enter or a click on an input or consumer follows the edge."""

    @dataclass
    class Follow(Message):
        node: int

    @dataclass
    class Use(Message):
        tensor: str
        role: str  # input | output

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.info: NodeInfo | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="node-head-box"):
            yield Static("Select a node: browse the scopes or the node list, or press / to search.", id="node-head")
        yield OptionList(id="node-links")
        with Horizontal(id="node-buttons"):
            yield Button("Use as input (i)", id="use-input", compact=True)
            yield Button("Use as output (o)", id="use-output", compact=True)

    def clear(self) -> None:
        self.info = None
        self.query_one("#node-head", Static).update("No node shown.")
        self.query_one("#node-links", OptionList).clear_options()

    def show(self, info: NodeInfo, marks: dict[str, str]) -> None:
        """``marks`` says which of this node's tensors are chosen (tensor -> "input"/"output"/"mode")."""
        self.info = info
        self.query_one("#node-head", Static).update(self._head(info, marks))
        links = self.query_one("#node-links", OptionList)
        links.clear_options()
        options: list[Option] = []
        options.append(_heading("Outputs", len(info.outputs)))
        for t in info.outputs:
            prompt = Text(f" ● {t.name}  ", style="bold")
            prompt.append(f"{t.dtype or '?'} {shape_text(t.shape)}", style="")
            if t.name in marks:
                prompt.append(f"  [{marks[t.name]}]", style="bold green")
            options.append(Option(prompt, id=f"out:{t.name}"))
        options.append(_heading("Inputs", len(info.inputs)))
        options += [Option(_edge_prompt(e, "←"), id=f"in:{k}") for k, e in enumerate(info.inputs)]
        if info.control_inputs:
            options.append(_heading("Control inputs", len(info.control_inputs)))
            options += [Option(_edge_prompt(e, "⇠"), id=f"cin:{k}") for k, e in enumerate(info.control_inputs)]
        options.append(_heading("Consumers", len(info.consumers) + info.more_consumers))
        options += [Option(_edge_prompt(e, "→"), id=f"use:{k}") for k, e in enumerate(info.consumers)]
        if info.more_consumers:
            options.append(Option(Text(f"   ... {info.more_consumers} more", style="dim"), disabled=True))
        if info.control_consumers:
            options.append(_heading("Control consumers", len(info.control_consumers)))
            options += [Option(_edge_prompt(e, "⇢"), id=f"cuse:{k}") for k, e in enumerate(info.control_consumers)]
        links.add_options(options)
        first = next((k for k, o in enumerate(options) if not o.disabled), None)
        if first is not None:
            links.highlighted = first

    @staticmethod
    def _head(info: NodeInfo, marks: dict[str, str]) -> Text:
        text = Text()
        text.append(info.name, style="bold")
        text.append("\nop ", style="dim")
        text.append(info.op, style="bold cyan")
        if info.device:
            text.append(f"   device {info.device}", style="dim")
        if info.roles:
            text.append("\nrole ", style="dim")
            text.append(", ".join(info.roles), style="yellow")
        chosen = sorted({role for tensor, role in marks.items() if tensor.rpartition(":")[0] == info.name})
        if chosen:
            text.append("\nchosen as ", style="dim")
            text.append(", ".join(chosen), style="bold green")
        if info.value is not None:
            text.append("\nvalue ", style="dim")
            text.append(info.value)
        for key, value in info.attrs:
            text.append(f"\n  {key}", style="cyan")
            text.append(f" = {value}")
        return text

    def _edge(self, option_id: str) -> EdgeInfo | None:
        if self.info is None:
            return None
        kind, _, k = option_id.partition(":")
        table = {"in": self.info.inputs, "cin": self.info.control_inputs, "use": self.info.consumers,
                 "cuse": self.info.control_consumers}.get(kind)
        return table[int(k)] if table is not None else None

    @property
    def current_tensor(self) -> str | None:
        """The tensor under the cursor: one of the node's outputs, or the tensor an input edge carries."""
        links = self.query_one("#node-links", OptionList)
        if self.info is None or links.highlighted is None:
            return None
        option_id = links.get_option_at_index(links.highlighted).id or ""
        if option_id.startswith("out:"):
            return option_id[4:]
        edge = self._edge(option_id)
        if edge is not None and option_id.startswith("in:"):
            return edge.tensor
        return None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        edge = self._edge(event.option.id or "")
        if edge is not None:
            self.post_message(self.Follow(edge.node))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.info is None:
            return
        tensor = self.current_tensor or f"{self.info.name}:0"
        self.post_message(self.Use(tensor, "input" if event.button.id == "use-input" else "output"))
