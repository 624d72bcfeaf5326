"""The child process of :func:`tfscout.procs.run_function`:
``python -m tfscout.procs.child REQUEST RESPONSE``.

It unpickles ``{"target": "module:function", "kwargs": {...}}``, calls it, and pickles back
``("ok", result)``, ``("error", TfscoutError)`` or ``("exception", "Type: message")``. Kept apart from
:mod:`.run` so that running it as ``__main__`` does not import it twice.
"""

from __future__ import annotations

import pickle
import sys
import traceback
from pathlib import Path

from tfscout.errors import TfscoutError
from tfscout.procs.children import load_target


def main(request: str, response: str) -> int:
    """Call the job in ``request`` and write its result (or error) to ``response``."""
    job = pickle.loads(Path(request).read_bytes())
    try:
        func = load_target(job["target"])
        result = ("ok", func(**job["kwargs"]))
    except TfscoutError as exc:
        result = ("error", exc)
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
        traceback.print_exc()
        result = ("exception", f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:500])
    tmp = Path(response + ".tmp")
    tmp.write_bytes(pickle.dumps(result))
    tmp.replace(response)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
