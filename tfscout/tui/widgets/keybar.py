"""The key bar: every key of the screen in front, on as many lines as the width needs.

Textual's Footer keeps to one line and cuts what does not fit, so at 80 columns the last keys
(quit and help among them) fell off. This bar wraps instead; the bindings come from the screen's
active bindings, so what it shows follows the focus, like the Footer.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

KEY_STYLE = "bold reverse"
SEP = "  "


@dataclass(frozen=True)
class KeyEntry:
    keys: str
    description: str
    app: bool = False  # bound by the app (quit, the key list): shown on every screen, never dropped

    @property
    def width(self) -> int:
        return cell_len(self.keys) + 1 + cell_len(self.description)


MORE = KeyEntry("…", "")


def lines_needed(entries: list[KeyEntry], width: int) -> int:
    lines, used = 1, 0
    for e in entries:
        if used and used + len(SEP) + e.width > width:
            lines, used = lines + 1, e.width
        else:
            used += (len(SEP) if used else 0) + e.width
    return lines


class KeyBar(Static):
    """``key description`` for each binding shown; the screen's own first, the app's last.

    ``max_lines`` (None: as many as needed) keeps the bar short on small terminals: the screen's
    last keys give way, the app's (quit, the key list) always stay, and ``…`` says that ``?``
    lists the rest.
    """

    DEFAULT_CSS = """
    KeyBar { height: auto; padding: 0 1; background: $panel; color: $text; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.max_lines: int | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.refresh_keys)

    def _bindings_changed(self, _screen: object) -> None:
        self.refresh_keys()

    def on_resize(self) -> None:
        self.refresh_keys()

    def set_max_lines(self, lines: int | None) -> None:
        if lines != self.max_lines:
            self.max_lines = lines
            self.refresh_keys()

    def entries(self) -> list[KeyEntry]:
        """In the order shown; several keys bound to one action share an entry."""
        app = self.app
        keys: dict[tuple[str, str], list[str]] = {}
        from_app: dict[tuple[str, str], bool] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description:
                continue
            slot = (binding.action, binding.description)
            keys.setdefault(slot, []).append(app.get_key_display(binding))
            from_app[slot] = active.node is app
        ordered = sorted(keys, key=lambda slot: from_app[slot])  # stable: the app's keys last
        return [KeyEntry("/".join(dict.fromkeys(keys[slot])), slot[1], from_app[slot]) for slot in ordered]

    def shown(self, width: int) -> list[KeyEntry]:
        entries = self.entries()
        if self.max_lines is None or lines_needed(entries, width) <= self.max_lines:
            return entries
        app_keys = [e for e in entries if e.app]
        own = [e for e in entries if not e.app]
        while own and lines_needed([*own, MORE, *app_keys], width) > self.max_lines:
            own.pop()
        return [*own, MORE, *app_keys]

    def refresh_keys(self) -> None:
        """Lay the entries out in lines no wider than the bar; an entry is never split."""
        width = max(20, self.content_region.width or self.app.size.width - 2)
        text = Text(no_wrap=True, overflow="crop")
        used = 0
        for e in self.shown(width):
            if used and used + len(SEP) + e.width > width:
                text.append("\n")
                used = 0
            elif used:
                text.append(SEP)
                used += len(SEP)
            text.append(e.keys, style=KEY_STYLE)
            if e.description:
                text.append(f" {e.description}")
            used += e.width
        self.update(text)

    @property
    def plain(self) -> str:
        return "  ".join(f"{e.keys} {e.description}" for e in self.entries())
