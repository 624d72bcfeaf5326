"""The command palette (Ctrl+P): every key binding of the screen in front and of the app, by name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tfscout.tui.screens.help import key_label


class ActionCommands(Provider):
    """The actions bound to keys, so that every one of them is reachable from the palette too."""

    def _actions(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        """(title with its key, help, callback) for each binding that has a description."""
        seen: set[str] = set()
        for owner in (self.screen, self.app):
            for b in getattr(owner, "BINDINGS", []):
                if not isinstance(b, Binding) or not b.description or b.action in seen:
                    continue
                seen.add(b.action)
                title = f"{b.description}  ({key_label(b.key)})"
                yield title, b.tooltip or b.description, partial(self.app.run_action, b.action, owner)

    async def discover(self) -> Hits:
        for title, help_text, callback in self._actions():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._actions():
            score = max(matcher.match(title), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
