"""How long the fast pre-check takes, against a tf2onnx trial conversion of the same graph, same run.

For the largest corpus graph (by node count), and for the largest one tf2onnx converts to the end:

- ``tfscout check MODEL --json`` end to end in a fresh process (start-up, loading, ranking, pre-check);
- the pre-check alone, in process, on the already loaded graph;
- ``python -m tf2onnx.convert`` with the command tfscout prints (the ``--confirm`` trial), wall time
  and peak memory.

Medians of several runs. Writes docs/BENCHMARKS.md (section "precheck").

    python bench/bench_precheck.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.docsections import machine_description, markdown_table, write_section  # noqa: E402
from tfscout.converter import confirm_precheck  # noqa: E402
from tfscout.inspector import (
    analyse_path,  # noqa: E402
    choose_interface,  # noqa: E402
    load_support_table,
    run_precheck,
)

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"


def model_path(corpus: Path, entry: dict[str, Any]) -> Path:
    return corpus / entry["id"] / entry["model_path"]


def time_cli(path: Path, runs: int) -> tuple[float, bool]:
    exe = Path(sys.executable).with_name("tfscout")
    times = []
    heavy = False
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([str(exe), "check", str(path), "--json"], capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"tfscout check failed on {path}: {proc.stderr.strip()}")
        json.loads(proc.stdout)
    code = ("import sys; from tfscout.converter import check_model; "
            f"check_model({str(path)!r}); "
            "print(sorted(m for m in ('tensorflow', 'tf2onnx', 'onnx', 'onnxruntime') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    heavy = out.strip() != "[]"
    return statistics.median(times), heavy


def measure(corpus: Path, entry: dict[str, Any], runs: int) -> dict[str, Any]:
    path = model_path(corpus, entry)
    a = analyse_path(path, entry.get("saved_model_tags"))
    iface = choose_interface(a)
    table = load_support_table()
    inproc = []
    for _ in range(max(runs, 5)):
        start = time.perf_counter()
        result = run_precheck(a, iface, None, table)
        inproc.append(time.perf_counter() - start)
    cli, heavy = time_cli(path, runs)
    trials = [confirm_precheck(a, iface, result, timeout=900) for _ in range(runs)]
    last = trials[-1]
    outcome = ("converted" if last.reached_handlers and not last.exception
               else "stopped: " + (last.exception or f"exit {last.returncode}").split(": /")[0][:80])
    return {
        "id": entry["id"], "nodes": len(a.graph), "path": result.subgraph_nodes,
        "precheck_ms": statistics.median(inproc) * 1000, "cli_s": cli, "imports_heavy": heavy,
        "trial_s": statistics.median(t.seconds for t in trials),
        "trial_peak_mb": max((t.peak_rss_mb or 0.0) for t in trials), "trial_outcome": outcome,
        "agrees": last.agrees,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    manifest = json.loads((args.corpus / "manifest.json").read_text())
    by_size = sorted(manifest, key=lambda e: -e["node_count"])
    rows = [measure(args.corpus, by_size[0], args.runs)]
    if not rows[0]["trial_outcome"] == "converted":
        for entry in by_size[1:]:
            row = measure(args.corpus, entry, 1)
            if row["trial_outcome"] == "converted":
                rows.append(measure(args.corpus, entry, args.runs) if args.runs > 1 else row)
                break
    header = ["graph", "nodes", "on path", "pre-check alone", "`tfscout check --json` (process)",
              "tf2onnx trial (process)", "trial peak memory", "trial outcome", "check / trial",
              "pre-check alone / trial"]
    table_rows = [[r["id"], r["nodes"], r["path"], f"{r['precheck_ms']:.1f} ms", f"{r['cli_s']:.2f} s",
                   f"{r['trial_s']:.1f} s", f"{r['trial_peak_mb'] / 1024:.2f} GB", r["trial_outcome"],
                   f"1/{r['trial_s'] / r['cli_s']:.0f}", f"1/{r['trial_s'] * 1000 / r['precheck_ms']:,.0f}"]
                  for r in rows]
    heavy = any(r["imports_heavy"] for r in rows)
    text = "\n".join([
        "The fast pre-check against a tf2onnx trial conversion of the same graph with the same interface "
        f"(the one `tfscout check` recommends), measured in the same run; medians of {args.runs} runs. "
        "Generated by `bench/bench_precheck.py`.",
        "",
        markdown_table(header, table_rows),
        "",
        "The first row is the largest corpus graph; when tf2onnx does not convert it to the end, the second "
        "row is the largest graph it does convert. The check process imports "
        + ("TensorFlow or tf2onnx (it should not)." if heavy else "neither TensorFlow nor tf2onnx."),
        "",
        f"_{machine_description()}_",
    ])
    print(text)
    if not args.no_write:
        print(f"\nwrote {write_section('BENCHMARKS.md', 'precheck', text)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
