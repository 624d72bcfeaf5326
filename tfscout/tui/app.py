"""The Textual app: ``make_app(model)`` is used by ``tfscout tui`` and by the tests alike."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tfscout.inspector import parse_shape_suffix
from tfscout.tui.commands import ActionCommands
from tfscout.tui.recent import RecentModels
from tfscout.tui.screens.convert import ConvertScreen
from tfscout.tui.screens.help import HelpScreen
from tfscout.tui.screens.main import MainScreen
from tfscout.tui.screens.prompt import ConfirmScreen, TypingScreen
from tfscout.tui.screens.result import ResultScreen
from tfscout.tui.screens.search import SearchScreen
from tfscout.tui.session import Choice


class TfscoutApp(App[int]):
    """Explore a legacy TF1 graph, choose its inputs and outputs, convert and verify."""

    CSS_PATH = "app.tcss"
    TITLE = "tfscout"
    COMMANDS = App.COMMANDS | {ActionCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="leave tfscout (asks first while converting or on a result)"),
        Binding("question_mark", "help", "Keys", tooltip="list every key"),
        Binding("ctrl+p", "command_palette", "Palette", show=False, tooltip="every action by name"),
    ]

    def __init__(self, model: str | None = None, tags: list[str] | None = None, choice: Choice | None = None,
                 recent: RecentModels | None = None) -> None:
        super().__init__()
        self.model_path = model
        self.tags = tags
        self.initial_choice = choice
        self.recent = recent or RecentModels()

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(self.model_path, self.tags, self.initial_choice, self.recent)

    def key_groups(self) -> list[tuple[str, list[BindingType]]]:
        return [("Everywhere", list(self.BINDINGS)), ("Main screen", list(MainScreen.BINDINGS)),
                ("Search", list(SearchScreen.BINDINGS)), ("Converting", list(ConvertScreen.BINDINGS)),
                ("Result", list(ResultScreen.BINDINGS))]

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.key_groups()))

    async def on_key(self, event: events.Key) -> None:
        """A key that reaches the app while a text dialog is in front, and is bound to nothing there,
        was typed for the dialog: it left for the screen below before the dialog opened (a fast
        typist, or a paste, after the key that opens it). The dialog gets it."""
        screen = self.screen
        if isinstance(screen, TypingScreen) and event.key not in screen.active_bindings:
            event.prevent_default()
            await screen.take_key(event)

    async def action_quit(self) -> None:
        """Quit; on the convert and result screens (a conversion running, or its result) ask first."""
        converting = [s for s in self.screen_stack if isinstance(s, ConvertScreen) and s.running]
        if converting or isinstance(self.screen, ConvertScreen | ResultScreen):
            if isinstance(self.screen, ConfirmScreen):
                return
            question = ("A conversion is running: quitting stops it and writes nothing.\n\nQuit tfscout?"
                        if converting else "Quit tfscout?")

            def answer(yes: bool | None) -> None:
                if yes:
                    self.exit()

            self.push_screen(ConfirmScreen("Quit?", question, yes="Quit", no="Stay"), answer)
            return
        self.exit()


def make_app(model: str | None = None, tags: list[str] | None = None, inputs: list[str] | None = None,
             outputs: list[str] | None = None, opset: int | None = None,
             state_dir: Path | None = None) -> TfscoutApp:
    """The app for ``model`` (a path; None asks for one), optionally starting from given names.

    ``state_dir`` holds the list of recent models (default: see :mod:`tfscout.tui.recent`).
    """
    names: list[str] = []
    shapes: list[tuple[str, tuple[int, ...]]] = []
    for raw in inputs or []:
        name, shape = parse_shape_suffix(raw)
        name = name if ":" in name else f"{name}:0"
        names.append(name)
        if shape is not None:
            shapes.append((name, tuple(shape)))
    outs = [o if ":" in o else f"{o}:0" for o in outputs or []]
    choice = Choice(inputs=tuple(names) if names else None, outputs=tuple(outs) if outs else None,
                    shapes=tuple(shapes), opset=opset, launched=tuple(names + outs))
    return TfscoutApp(model, tags, choice, RecentModels(state_dir) if state_dir is not None else None)
