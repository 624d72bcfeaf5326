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


def latest_from_checkpoint_file(directory: Path) -> tuple[str | None, list[str]]:
    """The prefix named by a ``checkpoint`` state file (text proto), made relative to ``directory``, and
    warnings. A prefix in another folder (an absolute path, or ``../``) gives way to the directory's own
    files of the same name when they exist (checkpoints copied between machines keep the old paths); when
    it is used, a warning names it."""
    state = directory / "checkpoint"
    if not state.is_file():
        return None, []
    text = state.read_text(errors="replace")
    match = re.search(r'^\s*model_checkpoint_path\s*:\s*"((?:[^"\\]|\\.)*)"', text, re.MULTILINE)
    if not match:
        return None, []
    named = match.group(1).encode().decode("unicode_escape")
    candidate = Path(named) if Path(named).is_absolute() else directory / named
    own = directory / Path(named).name
    if candidate.resolve().is_relative_to(directory.resolve()):
        return str(candidate), []
    exists = Path(str(candidate) + ".meta").is_file()
    if Path(str(own) + ".meta").is_file() and (checkpoint_data_exists(str(own))
                                               or not checkpoint_data_exists(str(candidate))):
        return str(own), ([f"the checkpoint file names {candidate}, in another folder; using this folder's own "
                           f"{own.name}"] if exists else [])
    if exists:
        return str(candidate), [f"the checkpoint file names {candidate}, in another folder ({candidate.parent}), "
                                "and this folder has no checkpoint data of its own: converting that one"]
    return str(own), []


def _step(path: Path) -> int:
    match = _STEP_RE.search(path.name[: -len(".meta")])
    return int(match.group(1)) if match else -1


def checkpoint_prefix_in(directory: Path) -> tuple[str | None, list[str]]:
    prefix, warnings = latest_from_checkpoint_file(directory)
    if prefix and Path(prefix + ".meta").is_file():
        return prefix, warnings
    metas = sorted(directory.glob("*.meta"), key=lambda p: (_step(p), p.name))
    if not metas:
        return None, warnings
    if len(metas) > 1:
        warnings.append(f"{len(metas)} .meta files in the directory; using the latest, {metas[-1].name}")
    return str(metas[-1])[: -len(".meta")], warnings
