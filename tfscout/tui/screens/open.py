"""Ctrl+O: open a model by typing its path (with completion), picking it in a file tree, or from
the models opened lately."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import Suggester
from textual.widgets import DirectoryTree, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tfscout.tui.screens.prompt import TypingScreen
from tfscout.tui.widgets.text_input import OrderedInput

MAX_LISTED = 2000  # entries of one folder looked at for completion


def complete_path(value: str) -> str | None:
    """The longest completion of ``value`` among the entries of its folder (a folder gets ``/``)."""
    if not value:
        return None
    folder_text, sep, prefix = value.rpartition("/")
    folder = Path(os.path.expanduser(folder_text or "/")) if sep else Path(".")
    try:
        names = []
        with os.scandir(folder) as entries:
            for k, entry in enumerate(entries):
                if k >= MAX_LISTED:
                    break
                if entry.name.startswith(prefix) and (prefix.startswith(".") or not entry.name.startswith(".")):
                    names.append(entry.name + ("/" if entry.is_dir() else ""))
    except OSError:
        return None
    if not names:
        return None
    common = os.path.commonprefix(names)
    if len(common) <= len(prefix):
        return None
    head = value[: len(value) - len(prefix)]
    return head + common


class PathSuggester(Suggester):
    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value)


class PathInput(OrderedInput):
    """Tab (or Right) takes the completion shown; without one Tab moves on as usual."""

    BINDINGS = [Binding("tab", "complete", "Complete", show=False)]

    def action_complete(self) -> None:
        if self._suggestion and self._suggestion != self.value:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()


class OpenScreen(TypingScreen):
    """Returns the path to open (Enter), or None (Esc)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    INPUT_ID = "open-path"

    def __init__(self, recent: list[str], start: str = "") -> None:
        super().__init__()
        self.recent = recent
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog open-dialog"):
            yield Label("Open a model", classes="dialog-title")
            yield Static("A .pb/.pbtxt GraphDef, a .meta, a checkpoint folder or prefix, or a SavedModel folder:")
            yield PathInput(self.start, placeholder="path/to/model  (Tab completes)", id="open-path",
                            suggester=PathSuggester())
            yield Static("", id="open-error", classes="dialog-error")
            with Horizontal(id="open-lists"):
                with Vertical(id="open-recent-box"):
                    yield Label("Recent", classes="pane-title")
                    yield OptionList(*[Option(p, id=p) for p in self.recent], id="open-recent")
                with Vertical(id="open-tree-box"):
                    yield Label("Files", classes="pane-title")
                    yield DirectoryTree(self._tree_root(), id="open-tree")
            yield Static("Enter: open   Tab: complete, then next list   Esc: cancel", classes="dialog-hint")

    def _tree_root(self) -> str:
        start = Path(os.path.expanduser(self.start)) if self.start else Path.cwd()
        return str(start if start.is_dir() else start.parent if start.parent.is_dir() else Path.cwd())

    def on_mount(self) -> None:
        self.query_one("#open-error").display = False
        self.query_one("#open-recent-box").display = bool(self.recent)

    def _open(self, text: str) -> None:
        path = Path(os.path.expanduser(text.strip()))
        if not text.strip():
            self._error("type a path, pick a file below, or choose a recent model")
            return
        if not path.exists() and not Path(str(path) + ".meta").exists():
            self._error(f"{text.strip()}: no such file or folder")
            return
        self.dismiss(str(path))

    def _error(self, message: str) -> None:
        error = self.query_one("#open-error", Static)
        error.update(f"[bold red]{message}[/]")
        error.display = True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._open(self.query_one("#open-path", Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#open-error").display = False

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self._open(event.option.id)

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self._open(str(event.path))

    def on_directory_tree_directory_selected(self, event: DirectoryTree.DirectorySelected) -> None:
        """A folder may be the model (a checkpoint or a SavedModel): put it in the path, Enter opens it."""
        event.stop()
        box = self.query_one("#open-path", Input)
        box.value = str(event.path) + "/"
        box.cursor_position = len(box.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
