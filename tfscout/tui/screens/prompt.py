"""Small dialogs: one line of text (a shape, a value, a path, an opset), and a yes/no question.

A prompt given a ``check`` reads the text with it on Enter: when the check raises TfscoutError
the dialog stays open with the message under the text (the text is kept), and only a value that
passed is returned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tfscout.errors import TfscoutError
from tfscout.tui.widgets.text_input import OrderedInput


class TypingScreen(ModalScreen[Any]):
    """A dialog around one Input that gets every key typed, even those typed while it opens.

    Keys that arrive before the dialog is composed, or before Textual gives the Input focus (a
    moment after mounting), reach the screen with nothing focused and used to be lost: typing
    fast after the key that opens the dialog dropped characters. They are kept and applied to
    the Input, in order, as soon as it is there.
    """

    INPUT_ID = "prompt-input"

    def __init__(self) -> None:
        super().__init__()
        self._early: list[events.Key] = []

    def _typing_input(self) -> Input | None:
        found = self.query(f"#{self.INPUT_ID}")
        return found.first(Input) if found else None

    @on(events.Mount)
    async def _focus_text(self) -> None:
        box = self._typing_input()
        if box is None:
            return
        self.set_focus(box)  # at once, not after a refresh
        early, self._early = self._early, []
        for event in early:
            await self._apply(box, event)

    async def on_key(self, event: events.Key) -> None:
        box = self._typing_input()
        if box is not None and self.focused is box:
            return
        if self.focused is not None and self.focused is not self and box is not None:
            return  # another widget of the dialog has focus on purpose
        event.stop()
        await self.take_key(event)

    async def take_key(self, event: events.Key) -> None:
        """Apply a key meant for the text: now, or once the Input is there (keeping the order).

        The app hands over keys that were on their way through the screen below when this one
        opened (see TfscoutApp.on_key).
        """
        box = self._typing_input()
        if box is None or self._early:
            self._early.append(event)
            return
        self.set_focus(box)
        await self._apply(box, event)

    @staticmethod
    async def _apply(box: Input, event: events.Key) -> None:
        if event.key == "enter":
            await box.action_submit()
        elif event.key == "backspace":
            box.action_delete_left()
        elif event.key == "ctrl+u":
            box.action_delete_left_all()
        elif event.is_printable and event.character:
            box.insert_text_at_cursor(event.character)


class PromptScreen(TypingScreen):
    """Returns what ``check`` made of the text typed (Enter; the text itself without a check), or None (Esc)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, question: str, value: str = "", hint: str = "",
                 placeholder: str = "", check: Callable[[str], Any] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.value = value
        self.hint = hint
        self.placeholder = placeholder
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.question)
            yield OrderedInput(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("", id="prompt-error", classes="dialog-error")
            if self.hint:
                yield Static(self.hint, classes="dialog-hint")
            yield Static("Enter: OK   Esc: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#prompt-error").display = False  # TypingScreen focuses the text

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        # the widget's own value: every key typed before Enter has reached it by now
        text = self.query_one("#prompt-input", Input).value
        if self.check is None:
            self.dismiss(text)
            return
        try:
            value = self.check(text)
        except TfscoutError as exc:
            self.show_error(exc.one_line())
            return
        self.dismiss(value)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#prompt-error").display = False

    def show_error(self, message: str) -> None:
        error = self.query_one("#prompt-error", Static)
        error.update(Text(message, style="bold red"))
        error.display = True

    @property
    def error(self) -> str:
        """The message shown under the text, or ""."""
        error = self.query_one("#prompt-error", Static)
        return str(error.content) if error.display else ""

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: y or Enter on Yes answers yes; n or Esc answers no."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, title: str, question: str | Text, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.question, id="confirm-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", variant="warning", id="confirm-yes")
                yield Button(f"{self.no} (n)", variant="primary", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
