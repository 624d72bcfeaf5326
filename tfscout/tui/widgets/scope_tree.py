"""The name-scope tree, like TensorBoard's: scopes expand on demand, so big graphs open at once.

Once the choice is ranked, scopes holding nodes on the inference path are marked ``●`` and scopes
that only training uses (gradients, optimizer, loss, saving, summaries) are marked ``training``.
Right/l expands a scope (or steps into it), Left/h collapses it (or steps out to its parent).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tfscout.inspector import ScopeIndex, leaf_name

MAX_CHILDREN = 400
ON_PATH = "●"


@dataclass(frozen=True)
class ScopeEntry:
    scope: str | None = None  # a scope path, or None for a node
    node: int | None = None
    more: int = 0             # a "... N more" row


@dataclass
class ScopeMarks:
    """What the marks are computed from: nodes on the path and training-only nodes, per scope."""

    on_path: dict[str, int]
    path_nodes: set[int]
    training: dict[str, int]
    training_nodes: set[int]


class ScopeTree(Tree[ScopeEntry]):
    """Scopes and nodes; highlighting a node shows it, expanding a scope lists what it holds."""

    BINDINGS = [
        Binding("right,l", "expand_or_enter", "Expand", show=False),
        Binding("left,h", "collapse_or_leave", "Collapse", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    @dataclass
    class NodeShown(Message):
        node: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("graph", data=ScopeEntry(scope=""), id=id)
        self.show_root = False
        self.guide_depth = 2
        self.index: ScopeIndex | None = None
        self.ops: list[str] = []
        self.marks = ScopeMarks({}, set(), {}, set())

    def set_index(self, index: ScopeIndex, ops: list[str]) -> None:
        self.index = index
        self.ops = ops
        self.marks = ScopeMarks({}, set(), {}, set())
        self.clear()
        self.root.data = ScopeEntry(scope="")
        self._fill(self.root, "")
        self.root.expand()

    def forget(self) -> None:
        """No model: an empty tree."""
        self.index = None
        self.clear()

    def set_marks(self, on_path: dict[str, int] | None = None, path_nodes: set[int] | None = None,
                  training: dict[str, int] | None = None, training_nodes: set[int] | None = None) -> None:
        """New marks (None keeps that part); the rows already made are relabelled."""
        m = self.marks
        self.marks = ScopeMarks(m.on_path if on_path is None else on_path,
                                m.path_nodes if path_nodes is None else path_nodes,
                                m.training if training is None else training,
                                m.training_nodes if training_nodes is None else training_nodes)
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            if node.data is not None and (node.data.scope is not None or node.data.node is not None):
                node.set_label(self._label(node.data))
            stack.extend(node.children)

    def _label(self, entry: ScopeEntry) -> Text:
        assert self.index is not None
        m = self.marks
        if entry.scope is not None:
            path = entry.scope
            size = self.index.size(path)
            text = Text(f"{leaf_name(path)}/", style="bold")
            text.append(f" {size:,}", style="dim")
            if m.on_path.get(path):
                text.append(f" {ON_PATH}", style="bold green")
                text.append(f" {m.on_path[path]:,} on the path", style="green")
            elif size and m.training.get(path) == size:
                text.append("  training", style="italic red")
            return text
        i = entry.node if entry.node is not None else 0
        text = Text(leaf_name(self.index.names[i]))
        text.append(f"  {self.ops[i]}", style="dim")
        if i in m.path_nodes:
            text.append(f" {ON_PATH}", style="bold green")
        elif i in m.training_nodes:
            text.append("  training", style="italic red")
        return text

    def action_expand_or_enter(self) -> None:
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if not node.is_expanded:
            node.expand()
        elif node.children:
            self.move_cursor(node.children[0])

    def action_collapse_or_leave(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def _fill(self, parent: TreeNode[ScopeEntry], scope: str) -> None:
        assert self.index is not None
        children = self.index.children(scope)
        shown = 0
        for path, _size in children.scopes:
            if shown >= MAX_CHILDREN:
                break
            entry = ScopeEntry(scope=path)
            parent.add(self._label(entry), data=entry, allow_expand=True)
            shown += 1
        for i in children.nodes:
            if shown >= MAX_CHILDREN:
                break
            entry = ScopeEntry(node=i)
            parent.add_leaf(self._label(entry), data=entry)
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
