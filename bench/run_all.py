"""Run every benchmark and accuracy script in turn (`make bench`); each writes its own section of
docs/BENCHMARKS.md or docs/ACCURACY.md.

    python bench/run_all.py [--quick]

--quick skips the slow ones (the 1M-node scale run and the corpus-wide conversion).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

SCRIPTS: list[tuple[str, list[str], bool]] = [  # (script, arguments, slow)
    ("accuracy.py", [], False),
    ("accuracy_precheck.py", [], False),
    ("accuracy_convert.py", [], True),
    ("accuracy_safety.py", [], False),
    ("bench_inspect.py", [], False),
    ("bench_precheck.py", [], False),
    ("bench_convert.py", [], True),
    ("bench_scale.py", [], True),
    ("bench_tui.py", [], False),
    ("bench_scan.py", [], False),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the slow benchmarks")
    args = parser.parse_args(argv)
    failed = []
    for script, extra, slow in SCRIPTS:
        path = HERE / script
        if (slow and args.quick) or not path.exists():
            continue
        print(f"== {script}", flush=True)
        if subprocess.run([sys.executable, str(path), *extra]).returncode != 0:
            failed.append(script)
    if failed:
        print("failed:", ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
