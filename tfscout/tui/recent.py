"""The models opened lately, for the open dialog: a small JSON list in the user's state folder.

``$TFSCOUT_STATE_DIR``, else ``$XDG_STATE_HOME/tfscout``, else ``~/.local/state/tfscout``. A folder
that cannot be written only means no list: opening a model never fails because of it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

KEEP = 10


def state_dir() -> Path:
    explicit = os.environ.get("TFSCOUT_STATE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "tfscout"


class RecentModels:
    """Most recent first, each path once, at most :data:`KEEP`."""

    def __init__(self, folder: Path | None = None) -> None:
        self.file = (folder or state_dir()) / "recent.json"

    def load(self) -> list[str]:
        try:
            data = json.loads(self.file.read_text())
        except (OSError, ValueError):
            return []
        return [p for p in data if isinstance(p, str)][:KEEP] if isinstance(data, list) else []

    def add(self, path: str) -> None:
        full = str(Path(path).expanduser().resolve())
        paths = [full] + [p for p in self.load() if p != full]
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.file.with_suffix(".tmp")
            tmp.write_text(json.dumps(paths[:KEEP], indent=1))
            tmp.replace(self.file)
        except OSError:
            return
