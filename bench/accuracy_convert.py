"""Autopilot conversion over the corpus: `tfscout convert MODEL` with no names given, vs plain tf2onnx.

    python bench/accuracy_convert.py [--corpus DIR] [--only ID,..] [--timeout S]

For every corpus graph, runs the installed ``tfscout convert MODEL -o OUT --json`` (no --inputs,
no --outputs) and records its exit code and report. "Plain tf2onnx" is what the manifest records
for tf2onnx 1.17 at opset 15 with the documented names: it matches TensorFlow when it raised
nothing, reported no unsupported op, onnxruntime loaded the model and the recorded max abs diff is
at most 1e-3.

Each model `convert` accepted (exit 0) is then checked independently of tfscout's own freezing and
repairs: the ORIGINAL model is loaded by TensorFlow's own loaders (import_graph_def,
import_meta_graph + Saver.restore, saved_model.loader.load), fed fresh random inputs (another seed)
at the ONNX model's input names and the mode switches at their inference values, and compared with
onnxruntime on the written ONNX file. Writes the table to docs/ACCURACY.md (section "convert").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.docsections import machine_description, markdown_table, write_section  # noqa: E402

PLAIN_TOLERANCE = 1e-3
CHECK_SEED = 7


def default_corpus() -> Path:
    env = os.environ.get("TFSCOUT_CORPUS")
    for candidate in ([Path(env)] if env else []) + [ROOT / "tests" / "corpus", ROOT.parent / "shared" / "corpus"]:
        if (candidate / "manifest.json").is_file():
            return candidate
    return ROOT / "tests" / "corpus"


def plain_matches(entry: dict[str, Any]) -> bool:
    diff = entry.get("max_abs_diff_tf_vs_ort")
    return bool(entry.get("conversion_ok")) and diff is not None and diff <= PLAIN_TOLERANCE


def tfscout_executable() -> str:
    beside = Path(sys.executable).with_name("tfscout")
    return str(beside) if beside.exists() else "tfscout"


def run_convert(model: Path, out: Path, timeout: float) -> tuple[int, dict[str, Any] | None, str, float]:
    start = time.perf_counter()
    try:
        proc = subprocess.run([tfscout_executable(), "convert", str(model), "-o", str(out), "--json", "--force"],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, None, "timed out", time.perf_counter() - start
    seconds = time.perf_counter() - start
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        report = None
    err = next((line for line in reversed(proc.stderr.splitlines()) if line.startswith("tfscout: error")), "")
    return proc.returncode, report, err, seconds


# ---------------------------------------------------------------------------------------------
# The independent check (runs in child processes through tfscout's runner)


def _feeds(onnx_path: str, seed: int, unknown: int) -> dict[str, Any]:
    import numpy as np
    import onnxruntime as ort

    rng = np.random.default_rng(seed)
    session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    feeds = {}
    for meta in session.get_inputs():
        dims = [d if isinstance(d, int) and d >= 0 else (1 if k == 0 else unknown) for k, d in enumerate(meta.shape)]
        kind = meta.type
        if kind == "tensor(bool)":
            feeds[meta.name] = rng.integers(0, 2, size=dims).astype(bool)
        elif kind == "tensor(uint8)":
            feeds[meta.name] = rng.integers(0, 256, size=dims).astype(np.uint8)
        elif kind in ("tensor(int32)", "tensor(int64)"):
            feeds[meta.name] = rng.integers(0, 2, size=dims).astype(np.int32 if "32" in kind else np.int64)
        elif kind == "tensor(double)":
            feeds[meta.name] = rng.uniform(-1, 1, size=dims)
        else:
            feeds[meta.name] = rng.uniform(-1, 1, size=dims).astype(np.float32)
    return feeds


def ort_outputs(onnx_path: str, seed: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fresh inputs (unknown dimensions 32, or 1 when the model rejects that) and onnxruntime's answers."""
    import onnxruntime as ort

    session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    error: Exception | None = None
    for unknown in (32, 1):
        feeds = _feeds(onnx_path, seed, unknown)
        try:
            return feeds, dict(zip(names, session.run(names, feeds), strict=True))
        except Exception as exc:  # noqa: BLE001 - retried with smaller shapes, then reported
            error = exc
    raise RuntimeError(str(error))


def tf_outputs(entry: dict[str, Any], corpus: str, feeds: dict[str, Any], fetches: list[str],
               switches: dict[str, Any]) -> dict[str, Any] | str:
    """The original model in TensorFlow, loaded by TensorFlow's own loaders; a string says why not."""
    import tensorflow as tf
    from google.protobuf import text_format

    v1 = tf.compat.v1
    folder = Path(corpus) / entry["id"]
    model = folder / entry["model_path"]
    graph = tf.Graph()
    with graph.as_default(), v1.Session(graph=graph) as sess:
        fmt = entry["format"]
        if fmt in ("frozen_pb", "pbtxt"):
            graph_def = v1.GraphDef()
            if fmt == "pbtxt":
                text_format.Parse(model.read_text(), graph_def)
            else:
                graph_def.ParseFromString(model.read_bytes())
            v1.import_graph_def(graph_def, name="")
            if any(n.op in ("VariableV2", "Variable", "VarHandleOp") for n in graph_def.node):
                return "variables without a checkpoint: values are not comparable"
        elif fmt == "meta_ckpt":
            meta = v1.MetaGraphDef()
            meta.ParseFromString(model.read_bytes())
            meta.meta_info_def.tensorflow_version = ""
            saver = v1.train.import_meta_graph(meta, clear_devices=True)
            prefix = entry.get("checkpoint_prefix")
            if not prefix or saver is None:
                if v1.global_variables():
                    return "no checkpoint: initial values are random, not comparable"
            else:
                saver.restore(sess, str(folder / prefix))
        else:
            v1.saved_model.loader.load(sess, entry.get("saved_model_tags") or ["serve"], str(model.parent
                                       if model.is_file() else model), clear_devices=True)
        feed_dict = {graph.get_tensor_by_name(k): v for k, v in feeds.items()}
        for name, value in switches.items():
            feed_dict[graph.get_tensor_by_name(name)] = value
        values = sess.run([graph.get_tensor_by_name(f) for f in fetches], feed_dict)
    return dict(zip(fetches, values, strict=True))


def independent_check(entry: dict[str, Any], corpus: Path, onnx_path: Path, report: dict[str, Any],
                      rtol: float, atol: float) -> tuple[str, float | None]:
    """('match' | 'MISMATCH' | 'n/a: why', max abs diff) for an accepted model."""
    import numpy as np

    from tfscout.procs import run_function

    try:
        feeds, onnx_values = run_function("bench.accuracy_convert:ort_outputs",
                                          {"onnx_path": str(onnx_path), "seed": CHECK_SEED},
                                          what="onnxruntime", timeout=300)
        tf_values = run_function("bench.accuracy_convert:tf_outputs",
                                 {"entry": entry, "corpus": str(corpus), "feeds": feeds,
                                  "fetches": list(onnx_values), "switches": report.get("mode_switches") or {}},
                                 what="TensorFlow", timeout=300)
    except Exception as exc:  # noqa: BLE001 - a bench: any failure is a row in the table
        return f"n/a: {str(exc).splitlines()[0][:80]}", None
    if isinstance(tf_values, str):
        return f"n/a: {tf_values}", None
    worst = 0.0
    for name, onnx_value in onnx_values.items():
        a = np.asarray(tf_values[name], dtype=np.float64)
        b = np.asarray(onnx_value, dtype=np.float64).reshape(a.shape) if np.size(onnx_value) == np.size(a) else None
        if b is None or not np.allclose(b, a, rtol=rtol, atol=atol, equal_nan=True):
            return "MISMATCH", None if b is None else float(np.nanmax(np.abs(a - b)))
        if a.size:
            worst = max(worst, float(np.nanmax(np.abs(a - b))))
    return "match", worst


# ---------------------------------------------------------------------------------------------


def evaluate(entry: dict[str, Any], corpus: Path, work: Path, timeout: float) -> dict[str, Any]:
    model = corpus / entry["id"]
    out = work / f"{entry['id']}.onnx"
    code, report, err, seconds = run_convert(model, out, timeout)
    row: dict[str, Any] = {"id": entry["id"], "format": entry["format"], "plain": plain_matches(entry),
                           "exit": code, "seconds": round(seconds, 1), "error": err}
    if report:
        row["verified"] = report["verified"]
        row["max_abs_diff"] = report["max_abs_diff"]
        row["inputs"] = [i["name"] for i in report["inputs"]]
        row["outputs"] = [o["name"] for o in report["outputs"]]
        row["problems"] = [p["kind"] for p in report["problems"]]
        row["repairs"] = [s["name"] for s in report["steps"] if s["stage"] == "repair" and s["status"] == "done"]
        row["repairs"] += [f"{s['name']} (warning)" for s in report["steps"] if s["status"] == "warning"]
    if code == 0 and report:
        row["check"], row["check_diff"] = independent_check(entry, corpus, out, report, report["rtol"],
                                                            report["atol"])
    return row


def _why(row: dict[str, Any]) -> str:
    if row["exit"] == 0:
        return ", ".join(row.get("repairs", [])) or "-"
    if row.get("problems"):
        return ", ".join(sorted(set(row["problems"])))
    return row.get("error", "")[len("tfscout: error: "):][:90].replace("|", "/")


def render(rows: list[dict[str, Any]]) -> str:
    ours = [r for r in rows if r["exit"] == 0]
    plain = [r for r in rows if r["plain"]]
    lost = [r["id"] for r in plain if r["exit"] != 0]
    wrong = [r["id"] for r in ours if r.get("check") == "MISMATCH" or not r.get("verified")]
    table = markdown_table(
        ["graph", "format", "plain tf2onnx", "tfscout convert", "max abs diff", "independent check", "s",
         "repairs / why not"],
        [[r["id"], r["format"], "match" if r["plain"] else "-",
          "verified (exit 0)" if r["exit"] == 0 else f"exit {r['exit']}",
          "" if r.get("max_abs_diff") is None else f"{r['max_abs_diff']:.2g}",
          r.get("check", "") + ("" if r.get("check_diff") is None else f" ({r['check_diff']:.2g})"),
          r["seconds"], _why(r)] for r in rows])
    lines = [
        f"Autopilot (`tfscout convert MODEL -o OUT`, no names given) on {len(rows)} corpus graphs; "
        f"{machine_description()}.",
        "",
        f"- verified ONNX models: **tfscout {len(ours)}**, plain tf2onnx with the documented names "
        f"{len(plain)}",
        f"- graphs where plain tf2onnx matches TensorFlow but tfscout does not: **{len(lost)}**"
        + (f" ({', '.join(lost)})" if lost else ""),
        f"- exit 0 with a model that does not match TensorFlow (own check or the independent one): "
        f"**{len(wrong)}**" + (f" ({', '.join(wrong)})" if wrong else ""),
        f"- independent check: {sum(r.get('check') == 'match' for r in ours)} match, "
        f"{sum(str(r.get('check', '')).startswith('n/a') for r in ours)} not comparable "
        "(no trained values to compare with)",
        "",
        table,
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--only", help="comma-separated graph ids")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/ACCURACY.md alone")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args(argv)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    manifest = json.loads((args.corpus / "manifest.json").read_text())
    if args.only:
        wanted = set(args.only.split(","))
        manifest = [e for e in manifest if e["id"] in wanted]
    rows = []
    with tempfile.TemporaryDirectory(prefix="tfscout-accuracy-") as tmp:
        for entry in manifest:
            row = evaluate(entry, args.corpus, Path(tmp), args.timeout)
            rows.append(row)
            print(f"{row['id']:40} plain={'match' if row['plain'] else '-':5} exit={row['exit']} "
                  f"check={row.get('check', '')} {row['seconds']}s {_why(row)[:80]}", flush=True)
    markdown = render(rows)
    print(markdown)
    if not args.no_write:
        write_section("ACCURACY.md", "convert", "## Convert: tfscout autopilot vs plain tf2onnx\n\n" + markdown)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
