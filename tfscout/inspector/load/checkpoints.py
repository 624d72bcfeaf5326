"""Find checkpoints: the ``checkpoint`` state file, the latest ``.meta``, and the data files."""

from __future__ import annotations

import re
from pathlib import Path

_STEP_RE = re.compile(r"-(\d+)$")


def checkpoint_data_exists(prefix: str) -> bool:
    """V2 (``PREFIX.index``) or V1 (``PREFIX`` or ``PREFIX-?????-of-?????``) checkpoint files."""
    p = Path(prefix)
    if Path(prefix + ".index").is_file() or p.is_file():
        return True
    return p.parent.is_dir() and any(p.parent.glob(p.name + "-?????-of-?????"))


def latest_from_checkpoint_file(directory: Path) -> str | None:
    """The prefix named by a ``checkpoint`` state file (text proto), made relative to ``directory``."""
    state = directory / "checkpoint"
    if not state.is_file():
        return None
    text = state.read_text(errors="replace")
    match = re.search(r'^\s*model_checkpoint_path\s*:\s*"((?:[^"\\]|\\.)*)"', text, re.MULTILINE)
    if not match:
        return None
    named = match.group(1).encode().decode("unicode_escape")
    candidate = Path(named)
    if not candidate.is_absolute():
        candidate = directory / candidate
    if not Path(str(candidate) + ".meta").is_file():
        # Checkpoints copied between machines keep absolute paths of the old one.
        candidate = directory / Path(named).name
    return str(candidate)


def _step(path: Path) -> int:
    match = _STEP_RE.search(path.name[: -len(".meta")])
    return int(match.group(1)) if match else -1


def checkpoint_prefix_in(directory: Path) -> tuple[str | None, list[str]]:
    warnings: list[str] = []
    prefix = latest_from_checkpoint_file(directory)
    if prefix and Path(prefix + ".meta").is_file():
        return prefix, warnings
    metas = sorted(directory.glob("*.meta"), key=lambda p: (_step(p), p.name))
    if not metas:
        return None, warnings
    if len(metas) > 1:
        warnings.append(f"{len(metas)} .meta files in the directory; using the latest, {metas[-1].name}")
    return str(metas[-1])[: -len(".meta")], warnings
