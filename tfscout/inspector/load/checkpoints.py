"""Find checkpoints: the ``checkpoint`` state file, the latest ``.meta``, and the data files.

A folder's own files win: a ``checkpoint`` state file that names a prefix in another folder (an
absolute path of the machine it was written on, or ``../other/model.ckpt``) is followed only when the
folder holds no checkpoint of its own, and in both cases the report says so.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_STEP_RE = re.compile(r"-(\d+)$")
_LATEST_RE = re.compile(r'^\s*model_checkpoint_path\s*:\s*"((?:[^"\\]|\\.)*)"', re.MULTILINE)


def checkpoint_data_exists(prefix: str) -> bool:
    """V2 (``PREFIX.index``) or V1 (``PREFIX`` or ``PREFIX-?????-of-?????``) checkpoint files."""
    p = Path(prefix)
    if Path(prefix + ".index").is_file() or p.is_file():
        return True
    return p.parent.is_dir() and any(p.parent.glob(p.name + "-?????-of-?????"))


def _has_meta(prefix: Path) -> bool:
    return Path(f"{prefix}.meta").is_file()


def _complete(prefix: Path) -> bool:
    return _has_meta(prefix) and checkpoint_data_exists(str(prefix))


def named_prefix(directory: Path) -> Path | None:
    """The prefix a ``checkpoint`` state file names as the latest, as written (relative to ``directory``)."""
    state = directory / "checkpoint"
    if not state.is_file():
        return None
    match = _LATEST_RE.search(state.read_text(errors="replace"))
    if not match:
        return None
    named = Path(match.group(1).encode().decode("unicode_escape"))
    return named if named.is_absolute() else directory / named


def _elsewhere(prefix: Path, directory: Path) -> bool:
    return os.path.realpath(prefix.parent) != os.path.realpath(directory)


def _step(path: Path) -> int:
    match = _STEP_RE.search(path.name[: -len(".meta")])
    return int(match.group(1)) if match else -1


def _latest_meta(directory: Path) -> tuple[str | None, list[str]]:
    metas = sorted(directory.glob("*.meta"), key=lambda p: (_step(p), p.name))
    if not metas:
        return None, []
    warnings = [f"{len(metas)} .meta files in the directory; using the latest, {metas[-1].name}"] if len(metas) > 1 \
        else []
    return str(metas[-1])[: -len(".meta")], warnings


def checkpoint_prefix_in(directory: Path) -> tuple[str | None, list[str]]:
    """The checkpoint prefix of a folder (its ``checkpoint`` file's latest, else its latest ``.meta``), and
    warnings about the choice.

    When the ``checkpoint`` file names a prefix in another folder, a complete checkpoint (``.meta`` and
    data) of the folder's own wins: the same name here, else the folder's latest. Only when it has none
    is the other folder's used, and either way, when that other checkpoint exists, a warning names it.
    """
    named = named_prefix(directory)
    if named is None or not _elsewhere(named, directory):
        if named is not None and _has_meta(named):
            return str(named), []
        return _latest_meta(directory)
    own, warnings = (str(directory / named.name), []) if _complete(directory / named.name) \
        else _latest_meta(directory)
    there = _has_meta(named) or checkpoint_data_exists(str(named))
    if own is not None and _complete(Path(own)):
        if there:
            warnings.append(f"the folder's checkpoint file names {named}, in another folder; this folder's own "
                            f"{Path(own).name} is used instead")
        return str(own), warnings
    if _complete(named):
        return str(named), [f"the folder's checkpoint file names {named}, in another folder, and this folder has "
                            "no checkpoint of its own: that folder's graph and weights are used"]
    return (str(own) if own is not None else None), warnings  # a stale name: the folder's own .meta, if any
