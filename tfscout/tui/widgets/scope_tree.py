"""The name-scope tree, like TensorBoard's: scopes expand on demand, so big graphs open at once."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tfscout.inspector import ScopeIndex, leaf_name

MAX_CHILDREN = 400


@dataclass(frozen=True)
class ScopeEntry:
    scope: str | None = None  # a scope path, or None for a node
    node: int | None = None
    more: int = 0             # a "... N more" row


class ScopeTree(Tree[ScopeEntry]):
    """Scopes and nodes; highlighting a node shows it, expanding a scope lists what it holds."""

    @dataclass
    class NodeShown(Message):
        node: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("graph", data=ScopeEntry(scope=""), id=id)
        self.show_root = False
        self.guide_depth = 2
        self.index: ScopeIndex | None = None
        self.ops: list[str] = []

    def set_index(self, index: ScopeIndex, ops: list[str]) -> None:
        self.index = index
        self.ops = ops
        self.clear()
        self.root.data = ScopeEntry(scope="")
        self._fill(self.root, "")
        self.root.expand()

    def _fill(self, parent: TreeNode[ScopeEntry], scope: str) -> None:
        assert self.index is not None
        children = self.index.children(scope)
        shown = 0
        for path, size in children.scopes:
            if shown >= MAX_CHILDREN:
                break
            label = Text(f"{leaf_name(path)}/", style="bold")
            label.append(f" {size:,}", style="dim")
            parent.add(label, data=ScopeEntry(scope=path), allow_expand=True)
            shown += 1
        names = self.index.names
        for i in children.nodes:
            if shown >= MAX_CHILDREN:
                break
            label = Text(leaf_name(names[i]))
            label.append(f"  {self.ops[i]}", style="dim")
            parent.add_leaf(label, data=ScopeEntry(node=i))
            shown += 1
        left = len(children.scopes) + len(children.nodes) - shown
        if left > 0:
            parent.add_leaf(Text(f"... {left:,} more: use the node list or / to find them", style="dim italic"),
                            data=ScopeEntry(more=left))

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[ScopeEntry]) -> None:
        event.stop()
        entry = event.node.data
        if entry is not None and entry.scope is not None and not event.node.children:
            self._fill(event.node, entry.scope)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[ScopeEntry]) -> None:
        event.stop()
        entry = event.node.data
        if entry is not None and entry.node is not None:
            self.post_message(self.NodeShown(entry.node))

    def on_tree_node_selected(self, event: Tree.NodeSelected[ScopeEntry]) -> None:
        event.stop()
        entry = event.node.data
        if entry is not None and entry.node is not None:
            self.post_message(self.NodeShown(entry.node))

    def reveal(self, node: int) -> None:
        """Expand the scopes down to ``node`` and put the cursor on it."""
        if self.index is None:
            return
        parent = self.root
        for path in self.index.path_to(node):
            child = next((c for c in parent.children if c.data is not None and c.data.scope == path), None)
            if child is None:
                return
            if not child.children:
                self._fill(child, path)
            child.expand()
            parent = child
        target = next((c for c in parent.children if c.data is not None and c.data.node == node), None)
        if target is not None:
            self.call_after_refresh(self.move_cursor, target)
