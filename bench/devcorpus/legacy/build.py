"""Build the legacy-* families of the development corpus with TensorFlow 2.15 (tf-slim, tf-keras, estimators).

    bash bench/devcorpus/legacy/venv.sh
    .venv-gen/bin/python bench/devcorpus/legacy/build.py [--family legacy-slim] [--out out/devcorpus]

Runs as a script under its own interpreter: it imports neither tfscout nor the rest of bench. Each graph is
drawn from ``random.Random("<family>:<index>")``, so every run writes the same graphs, the same weights and
the same truths. Bytes differ between runs only where TensorFlow itself is not reproducible: the uuid in a
lookup table's shared_name (estimators), and the order in which a fitted Keras model's VarIsInitializedOp
nodes read its variables (a set of objects).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[3]


def families() -> dict[str, ModuleType]:
    import estimator_family
    import keras_family
    import rnn_family
    import seq2seq_family
    import slim_family

    modules = (slim_family, keras_family, estimator_family, rnn_family, seq2seq_family)
    return {module.FAMILY: module for module in modules}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", action="append", help="build only this family (repeatable)")
    parser.add_argument("--only", type=int, action="append", help="build only this index in the family")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "devcorpus")
    args = parser.parse_args(argv)
    registry = families()
    chosen = args.family or sorted(registry)
    unknown = [f for f in chosen if f not in registry]
    if unknown:
        parser.error(f"unknown family {unknown}; known: {sorted(registry)}")
    total = 0
    for family in chosen:
        module = registry[family]
        started = time.perf_counter()
        indices = args.only or range(len(module.PLAN))
        for index in indices:
            truth = module.build(index, random.Random(f"{family}:{index}"), args.out)
            print(f"{truth.id:48s} {truth.model:40s} -> {', '.join(truth.outputs)}", flush=True)
        total += len(indices)
        print(f"{family}: {len(indices)} graphs in {time.perf_counter() - started:.1f} s", flush=True)
    print(f"{total} graphs under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
