"""The files of a model: read only when they are regular files, and listed so that nothing is written
over them.

Opening a FIFO for reading blocks until something writes to it, and a device such as ``/dev/zero``
never ends: what is not a regular file is refused before it is read (a FIFO is opened without
blocking, then checked again on the open descriptor).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_KINDS = ((stat.S_ISFIFO, "a FIFO (a named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))


class NotARegularFile(OSError):
    """The path names something that is not a regular file; ``kind`` says what it is."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(f"{path} is {kind}, not a regular file")
        self.kind = kind


def kind_of(mode: int) -> str:
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def read_regular_file(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file (the first ``limit`` of them); raises NotARegularFile or OSError."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotARegularFile(path, kind_of(mode))
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # swapped after the check above
            raise NotARegularFile(path, kind_of(mode))
        return fh.read() if limit is None else fh.read(limit)


def model_files(model_file: str, fmt: str, checkpoint_prefix: str | None) -> list[str]:
    """Every existing file that belongs to the model: the file read, the checkpoint's ``checkpoint``
    state file, ``.meta``, ``.index`` and data files, and a SavedModel's files, variables and assets."""
    found: list[Path] = [Path(model_file)]
    if model_file.endswith(".meta"):
        found.append(Path(model_file).parent / "checkpoint")
    if checkpoint_prefix:
        prefix = Path(checkpoint_prefix)
        found += [prefix, prefix.parent / "checkpoint"]
        found += [Path(f"{prefix}{suffix}") for suffix in (".meta", ".index")]
        if prefix.parent.is_dir():
            found += prefix.parent.glob(prefix.name + ".data-*")
            found += prefix.parent.glob(prefix.name + "-?????-of-?????")
    if fmt == "saved_model":
        folder = Path(model_file).parent
        found += [folder / name for name in ("saved_model.pb", "saved_model.pbtxt", "fingerprint.pb")]
        for sub in ("variables", "assets", "assets.extra"):
            if (folder / sub).is_dir():
                found += (p for p in (folder / sub).rglob("*") if not p.is_dir())
    seen: dict[str, None] = {}
    for path in found:
        if path.exists() or path.is_symlink():
            seen.setdefault(str(path))
    return list(seen)
