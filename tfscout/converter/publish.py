"""Write results safely: through a temporary file in the same directory, then an atomic rename.

An existing file is never replaced unless the caller says so, and the input model is never touched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from tfscout.errors import UsageError


def publish(source: Path, target: Path, force: bool) -> None:
    """Copy ``source`` to ``target`` atomically; refuse to replace an existing ``target`` without ``force``."""
    target = Path(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=str(target.parent))
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as dst, open(source, "rb") as src:
            shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
        os.chmod(tmp, 0o644)
        if force:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # fails if target exists: no race with another writer
            except FileExistsError:
                raise UsageError("the output file exists", "pass --force to overwrite it, or choose another name",
                                 path=str(target)) from None
            except OSError:
                if target.exists():
                    raise UsageError("the output file exists",
                                     "pass --force to overwrite it, or choose another name",
                                     path=str(target)) from None
                os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
