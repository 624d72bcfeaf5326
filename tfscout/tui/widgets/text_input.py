"""A text box that applies every key in the order it was typed.

Textual runs a widget's key bindings only once the key has bubbled from the widget up to the app,
while printable keys are inserted by the widget at once. Keys sent in a burst (a paste, a fast
typist, tmux send-keys) were then applied out of order: Ctrl+U or Backspace followed by text
deleted some of that text, Enter could submit before the keys typed before it. This Input runs
its own editing bindings where it receives the key, in line with the characters.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class OrderedInput(Input):
    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            bindings = self._bindings.key_to_bindings.get(event.key, [])
            if bindings:
                event.stop()
                event.prevent_default()
                await self.run_action(bindings[0].action)
                return
        await super()._on_key(event)
