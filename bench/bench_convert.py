"""Time and peak memory of `tfscout convert` vs plain `python -m tf2onnx.convert`, same frozen graphs, same run.

    python bench/bench_convert.py [--repeat N] [--corpus DIR]

For each frozen GraphDef (the bundled sample's and a few corpus graphs), runs alternately:
- plain: ``python -m tf2onnx.convert --graphdef G --inputs <documented> --outputs <documented>
  --opset 15`` (conversion only: no validation, no comparison with TensorFlow);
- tfscout: ``tfscout convert G -o OUT --force`` (autopilot: inspect, freeze and repair, tf2onnx,
  onnx.checker, onnxruntime, TensorFlow reference run, comparison).
Wall time is the median over the repeats. Peak memory is the highest total RSS of the process and
all its children, sampled every 20 ms (tfscout runs TensorFlow, tf2onnx and onnxruntime in child
processes one after another, so this is also the peak of the largest child). Writes
docs/BENCHMARKS.md (section "convert").
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.accuracy_convert import default_corpus, tfscout_executable  # noqa: E402
from bench.docsections import machine_description, markdown_table, write_section  # noqa: E402

CORPUS_GRAPHS = ("tf2onnx_benchtf_fc", "charrnn_lstm_frozen", "kws_ds_cnn_l", "kws_lstm_l")
SAMPLE_INTERFACE = (["x:0", "keep_prob:0"], ["probabilities:0"])


def measure(argv: list[str], timeout: float = 900) -> tuple[float, float, int, str]:
    """(seconds, peak total RSS in MB of the process tree, exit code, stdout)."""
    import psutil

    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    peak = 0.0
    root = psutil.Process(proc.pid)
    chunks: list[str] = []
    while proc.poll() is None:
        total = 0
        try:
            for p in [root, *root.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    continue
        except psutil.Error:
            pass
        peak = max(peak, total / 2**20)
        if time.perf_counter() - start > timeout:
            proc.kill()
            break
        time.sleep(0.02)
    out, _ = proc.communicate()
    chunks.append(out or "")
    return time.perf_counter() - start, peak, proc.returncode, "".join(chunks)


def graphs(corpus: Path) -> list[tuple[str, Path, list[str], list[str]]]:
    from tfscout.samples import frozen_pb

    found = [("bundled sample cnn_frozen.pb", frozen_pb(), *SAMPLE_INTERFACE)]
    manifest = {e["id"]: e for e in json.loads((corpus / "manifest.json").read_text())}
    for gid in CORPUS_GRAPHS:
        entry = manifest.get(gid)
        if entry is None:
            continue
        found.append((gid, corpus / gid / entry["model_path"], entry["true_inputs"]["names"],
                      entry["true_outputs"]["names"]))
    return found


def bench_one(name: str, model: Path, inputs: list[str], outputs: list[str], repeat: int,
              work: Path) -> dict[str, Any]:
    plain_argv = [sys.executable, "-m", "tf2onnx.convert", "--graphdef", str(model), "--inputs", ",".join(inputs),
                  "--outputs", ",".join(outputs), "--opset", "15", "--output", str(work / "plain.onnx")]
    ours_argv = [tfscout_executable(), "convert", str(model), "-o", str(work / "ours.onnx"), "--force", "--json"]
    plain, ours = [], []
    report: dict[str, Any] = {}
    for _ in range(repeat):
        plain.append(measure(plain_argv))
        ours.append(measure(ours_argv))
        try:
            report = json.loads(ours[-1][3])
        except json.JSONDecodeError:
            report = {}
    return {
        "graph": name, "plain_s": statistics.median(m[0] for m in plain),
        "plain_mb": max(m[1] for m in plain), "plain_exit": plain[-1][2],
        "ours_s": statistics.median(m[0] for m in ours), "ours_mb": max(m[1] for m in ours), "ours_exit": ours[-1][2],
        "verified": report.get("verified"), "timings": report.get("timings", {}),
    }


def render(rows: list[dict[str, Any]], repeat: int) -> str:
    table = markdown_table(
        ["graph", "plain tf2onnx: s", "peak MB", "exit", "tfscout convert: s", "peak MB", "exit (verified)",
         "tfscout stages (freeze + reference / tf2onnx / check), s", "time ratio"],
        [[r["graph"], f"{r['plain_s']:.1f}", f"{r['plain_mb']:.0f}", r["plain_exit"], f"{r['ours_s']:.1f}",
          f"{r['ours_mb']:.0f}", f"{r['ours_exit']} ({'yes' if r['verified'] else 'no'})",
          " / ".join(f"{r['timings'].get(k, 0):.1f}" for k in ("freeze", "tf2onnx", "check")),
          f"{r['ours_s'] / r['plain_s']:.1f}x"] for r in rows])
    return "\n".join([
        f"Same frozen GraphDefs, same run, alternating, median of {repeat}; {machine_description()}.",
        "",
        "Plain tf2onnx only converts (with the documented names, which the user must know). tfscout convert "
        "also finds the names, freezes and repairs, runs TensorFlow for the reference answers, validates with "
        "onnx.checker and onnxruntime and compares; each of TensorFlow, tf2onnx and onnxruntime runs in its "
        "own child process, one after another, so TensorFlow is imported twice (about 3 s each). Peak memory "
        "is the highest total RSS of the command and its children at any moment; tfscout's tf2onnx child is "
        "the plain conversion itself, on the repaired graph. Exit codes show why tfscout does not trust "
        "tf2onnx's: plain tf2onnx exits 0 on the kws graphs although it leaves DecodeWav, AudioSpectrogram "
        "and Mfcc unconverted (the model does not load in onnxruntime).",
        "",
        table,
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="tfscout-bench-") as tmp:
        for name, model, inputs, outputs in graphs(args.corpus):
            row = bench_one(name, model, inputs, outputs, args.repeat, Path(tmp))
            rows.append(row)
            print(f"{name:32} plain {row['plain_s']:.1f}s {row['plain_mb']:.0f}MB exit {row['plain_exit']} | "
                  f"tfscout {row['ours_s']:.1f}s {row['ours_mb']:.0f}MB exit {row['ours_exit']}", flush=True)
    markdown = render(rows, args.repeat)
    print(markdown)
    if not args.no_write:
        write_section("BENCHMARKS.md", "convert", "## Convert: tfscout convert vs plain tf2onnx\n\n" + markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
