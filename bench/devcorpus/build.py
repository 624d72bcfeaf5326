"""Build generator A's graphs of the development corpus (TensorFlow 2.21, raw ``tf.compat.v1`` ops).

    python -m bench.devcorpus.build [--family F ...] [--out DIR] [--list]

Every graph comes from a seeded RNG (the family and the graph's index), so every run builds the same
graphs; a family's folder is emptied before it is rebuilt. Folders of other generators
(``legacy-*``) are never touched.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from bench.devcorpus import DEFAULT_OUT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", action="append", help="build only this family (repeatable)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default {DEFAULT_OUT}")
    parser.add_argument("--list", action="store_true", help="list the families and exit")
    args = parser.parse_args(argv)

    from bench.devcorpus.layers import setup_tensorflow

    setup_tensorflow()
    from bench.devcorpus.families import FAMILIES
    from bench.devcorpus.writers import Case

    if args.list:
        for fam in FAMILIES:
            print(f"{fam.name:12} {fam.count:3}  {fam.about}")
        return 0
    known = {f.name for f in FAMILIES}
    unknown = sorted(set(args.family or ()) - known)
    if unknown:
        parser.error(f"unknown families {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    chosen = [f for f in FAMILIES if not args.family or f.name in args.family]
    start = time.perf_counter()
    total = 0
    for fam in chosen:
        folder = args.out / fam.name
        if folder.exists():
            shutil.rmtree(folder)
        t0 = time.perf_counter()
        for index in range(fam.count):
            case = Case(fam.name, index, args.out)
            fam.build(case)
        total += fam.count
        print(f"{fam.name:12} {fam.count:3} graphs  {time.perf_counter() - t0:6.1f} s", flush=True)
    print(f"{total} graphs in {args.out} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
