"""A worker of :class:`tfscout.procs.WorkerPool`: ``python -m tfscout.procs.worker module:function``.

Kept apart from the pool so that running it as ``__main__`` does not import it twice.
"""

from __future__ import annotations

import json
import os
import sys

from tfscout.procs.children import first_to_go, load_target


def main(target: str) -> int:
    """A worker: one JSON job per stdin line, one JSON answer per stdout line."""
    first_to_go()
    func = load_target(target)
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the answers
    for line in sys.stdin:
        if not line.strip():
            continue
        out.write(json.dumps(func(json.loads(line))) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
