"""`tfscout inspect` against `import tensorflow` on a 7,500-node training checkpoint, same run.

    python bench/bench_inspect.py [--runs 7]

Builds the checkpoint with bench/make_training_checkpoint.py the first time (in bench/results/),
then times, interleaved, as whole processes: `tfscout inspect --json CKPT`,
`python -c "import tensorflow"`, and importing the same meta graph with TensorFlow
(`tf.compat.v1.train.import_meta_graph`). Medians are written to docs/BENCHMARKS.md ("inspect").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.docsections import machine_description, markdown_table, write_section  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}


def ensure_checkpoint(nodes: int) -> Path:
    target = RESULTS / f"training_ckpt_{nodes}"
    if not (target / "checkpoint").exists():
        subprocess.run([sys.executable, str(HERE / "make_training_checkpoint.py"), str(target), "--nodes", str(nodes)],
                       check=True, env=ENV, capture_output=True)
    return target


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--nodes", type=int, default=7500)
    args = parser.parse_args(argv)
    ckpt = ensure_checkpoint(args.nodes)
    tfscout = str(Path(sys.executable).with_name("tfscout"))
    meta = next(ckpt.glob("*.meta"))
    report = json.loads(subprocess.run([tfscout, "inspect", "--json", str(ckpt)], check=True, env=ENV,
                                       capture_output=True, text=True).stdout)
    commands = {
        "tfscout inspect --json": [tfscout, "inspect", "--json", str(ckpt)],
        'python -c "import tensorflow"': [sys.executable, "-c", "import tensorflow"],
        "import_meta_graph with TensorFlow": [
            sys.executable, "-c",
            f"import tensorflow as tf; tf.compat.v1.disable_eager_execution(); "
            f"tf.compat.v1.train.import_meta_graph({str(meta)!r}, clear_devices=True)"],
    }
    times: dict[str, list[float]] = {k: [] for k in commands}
    for cmd in commands.values():
        timed(cmd)  # warm the file cache once
    for _ in range(args.runs):
        for k, cmd in commands.items():
            times[k].append(timed(cmd))
    medians = {k: statistics.median(v) for k, v in times.items()}
    ratio = medians["tfscout inspect --json"] / medians['python -c "import tensorflow"']
    rows = [[k, f"{medians[k]:.3f}", f"{min(v):.3f}", f"{max(v):.3f}"] for k, v in times.items()]
    text = "\n".join([
        f"## `tfscout inspect` vs importing TensorFlow ({report['nodes']:,}-node training checkpoint)",
        "",
        f"A TF1 training checkpoint built by `bench/make_training_checkpoint.py` ({report['nodes']:,} nodes: "
        "conv/batch-norm blocks under tf.cond, dropout, Adam, summaries, a Saver). Whole processes, "
        f"interleaved, {args.runs} runs each, seconds:",
        "",
        markdown_table(["command", "median", "min", "max"], rows),
        "",
        f"`tfscout inspect` takes **{ratio:.2f}x** the time of `python -c \"import tensorflow\"` "
        "(the target is at most 0.25x). It recommended "
        + ", ".join(c["name"] for c in report["inputs"] if c["recommended"]) + " -> "
        + ", ".join(c["name"] for c in report["outputs"] if c["recommended"]) + ".",
        "",
        f"Measured on {machine_description()}; `python bench/bench_inspect.py`.",
    ])
    print(text)
    write_section("BENCHMARKS.md", "inspect", text, title="Benchmarks")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
