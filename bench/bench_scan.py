"""`tfscout scan` of the whole corpus, with one and two workers, and resumed; same run.

    python bench/bench_scan.py [--runs 5] [--corpus tests/corpus]

Times, interleaved, as whole processes: `tfscout scan CORPUS --json -j 1 --restart` and `-j 2`
(every model found, inspected and pre-checked), then the same scan resumed from its state file
(nothing changed, so every row is reused), and, for scale, one `tfscout inspect --json` process per
model in a row. The state file goes to a temporary folder. Medians go to docs/BENCHMARKS.md ("scan").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.docsections import ROOT, machine_description, markdown_table, write_section  # noqa: E402

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}


def timed(argv: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(argv, check=True, env=ENV, capture_output=True, text=True)
    return time.perf_counter() - start, proc.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", default=str(ROOT / "tests" / "corpus"))
    args = parser.parse_args(argv)
    tfscout = str(Path(sys.executable).with_name("tfscout"))
    with tempfile.TemporaryDirectory(prefix="tfscout-bench-scan-") as tmp:
        state = str(Path(tmp) / "state.jsonl")
        scan = [tfscout, "scan", args.corpus, "--json", "--state", state]
        _seconds, out = timed(scan + ["--restart"])  # warm the file cache; the rows
        rows = json.loads(out)
        models = [str(Path(args.corpus) / r["path"]) for r in rows]
        commands = {
            "scan -j 1": scan + ["-j", "1", "--restart"],
            "scan -j 2": scan + ["-j", "2", "--restart"],
            "scan, resumed (every row reused)": scan + ["-j", "2"],
        }
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                times[name].append(timed(cmd)[0])
        one_by_one = []
        for _ in range(max(1, args.runs // 2)):
            start = time.perf_counter()
            for model in models:
                subprocess.run([tfscout, "inspect", "--json", model], check=True, env=ENV, capture_output=True)
            one_by_one.append(time.perf_counter() - start)
    times[f"`tfscout inspect` once per model ({len(models)} processes)"] = one_by_one
    medians = {k: statistics.median(v) for k, v in times.items()}
    table = markdown_table(["command", "median (s)", "min", "max", "runs"],
                           [[k, f"{medians[k]:.2f}", f"{min(v):.2f}", f"{max(v):.2f}", len(v)]
                            for k, v in times.items()])
    formats: dict[str, int] = {}
    for r in rows:
        formats[r["format"]] = formats.get(r["format"], 0) + 1
    blocked = sum(1 for r in rows if r["blocking"])
    speedup = medians["scan -j 1"] / medians["scan -j 2"]
    text = "\n".join([
        f"## `tfscout scan` of the corpus ({len(rows)} models)",
        "",
        f"`tfscout scan tests/corpus --json` finds {len(rows)} models ("
        + ", ".join(f"{n} {f}" for f, n in sorted(formats.items())) + "), inspects and pre-checks each in "
        f"worker processes; {blocked} have ops tf2onnx will not convert, "
        f"{sum(1 for r in rows if r['error'])} could not be inspected. Whole processes, interleaved, seconds:",
        "",
        table,
        "",
        f"Two workers instead of one: {speedup:.2f}x faster on this machine (2 cores; "
        "and most of a scan this size is starting the workers). A resumed scan of an unchanged folder reads "
        "the state file and inspects nothing.",
        "",
        f"Measured on {machine_description()}; `python bench/bench_scan.py --runs {args.runs}`.",
    ])
    print(text)
    write_section("BENCHMARKS.md", "scan", text, title="Benchmarks")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
