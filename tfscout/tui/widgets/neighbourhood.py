"""The neighbourhood of the selected node in the terminal: what feeds it and what it feeds, as trees."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tfscout.inspector import Graph, Link, link_tree


class NeighbourhoodTree(Tree[int]):
    """Upstream (inputs, ↑) and downstream (consumers, ↓) of a centre node, ``depth`` levels each."""

    @dataclass
    class Follow(Message):
        node: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("neighbourhood", id=id)
        self.guide_depth = 3
        self.centre: int | None = None
        self.depth = 2

    def show(self, g: Graph, centre: int, depth: int) -> None:
        self.centre = centre
        self.depth = depth
        self.clear()
        self.root.set_label(self._label(g, centre, "", bold=True))
        self.root.data = centre
        up = self.root.add(Text(f"inputs ↑ ({len(g.inputs[centre])})", style="bold green"), expand=True)
        self._add(g, up, link_tree(g, centre, -1, depth))
        down = self.root.add(Text(f"consumers ↓ ({len(g.consumers[centre])})", style="bold blue"), expand=True)
        self._add(g, down, link_tree(g, centre, +1, depth))
        self.root.expand()

    @staticmethod
    def _label(g: Graph, i: int, via: str, bold: bool = False, repeated: bool = False) -> Text:
        text = Text(g.names[i], style="bold" if bold else "")
        text.append(f"  {g.ops[i]}", style="cyan")
        if via:
            text.append(f"  {via}", style="dim")
        if repeated:
            text.append("  (shown above)", style="dim italic")
        return text

    def _add(self, g: Graph, parent: TreeNode[int], links: list[Link]) -> None:
        for link in links:
            port = link.tensor.rpartition(":")[2]
            via = f"gives :{port}" if link.direction < 0 else f"reads :{port}"
            label = self._label(g, link.node, via, repeated=link.repeated)
            if link.children:
                child = parent.add(label, data=link.node, expand=True)
                self._add(g, child, list(link.children))
            else:
                parent.add_leaf(label, data=link.node)

    def on_tree_node_selected(self, event: Tree.NodeSelected[int]) -> None:
        event.stop()
        node = event.node.data
        if node is not None and node != self.centre:
            self.post_message(self.Follow(node))
