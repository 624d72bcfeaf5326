"""Autopilot conversion, `tfscout convert MODEL` with no names given, against plain tf2onnx given the names.

    python bench/accuracy_convert.py [--set corpus|devcorpus|both] [--corpus DIR] [--devcorpus DIR]
                                     [--only ID,..] [--timeout S] [--plain-cache PATH] [--json PATH]

For every graph, runs the installed ``tfscout convert MODEL -o OUT --json`` (no --inputs, no --outputs)
and records its exit code and report. Each model `convert` accepted (exit 0) is then checked
independently of tfscout (:mod:`bench.convert_check`: the original model in TensorFlow's own loaders,
fresh inputs, onnxruntime on the written file).

"Plain tf2onnx" is tf2onnx 1.17 at opset 15 with the documented names. For the third-party corpus it is
what the manifest records: a match when tf2onnx raised nothing, reported no unsupported op, onnxruntime
loaded the model and the recorded max abs diff is at most 1e-3. For the development corpus
(``out/devcorpus``, truths from construction) it is run here: the truth's inputs and mode switches as
``--inputs``, its outputs as ``--outputs``, judged by its log and the same independent check
(``--plain-cache`` keeps those results between runs: they do not depend on tfscout).

The classes of issue 13 a conversion used are read from its steps (see ``CLASS_STEPS``). Writes the
tables to docs/ACCURACY.md (section "convert").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.convert_check import PlainResult, Source, devcorpus_source, independent_check, plain_tf2onnx  # noqa: E402
from bench.docsections import machine_description, markdown_table, write_section  # noqa: E402

PLAIN_TOLERANCE = 1e-3
# Step names of the conversion report -> the class of issue 13 they belong to.
CLASS_STEPS = {
    "sizes the graph accepts": "2 sizes",
    "polyfill ops tf2onnx lacks": "4 polyfill",
    "rewrite ops tf2onnx converts wrongly": "4 polyfill",
    "unfed PlaceholderWithDefault nodes take their default": "5 default",
}
# Words of inspect's reasons for a chosen input -> the class (these are the inspector's, not the converter's).
CLASS_REASONS = {"inferred from": "1 shapes", "of the serialized tf.Example": "3 tf.Example"}


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


def corpus_source(entry: dict[str, Any], corpus: Path) -> Source:
    folder = corpus / entry["id"]
    model = folder / entry["model_path"]
    kind = {"frozen_pb": "frozen_pb", "pbtxt": "pbtxt", "meta_ckpt": "meta_ckpt"}.get(entry["format"], "saved_model")
    if kind == "saved_model":
        return Source(kind, str(model.parent if model.is_file() else model), tags=entry.get("saved_model_tags"))
    prefix = entry.get("checkpoint_prefix")
    return Source(kind, str(model), str(folder / prefix) if prefix else None)


def inspect_classes(model: Path, inputs: list[str]) -> set[str]:
    """The classes inspect's reasons show for the inputs convert chose."""
    try:
        proc = subprocess.run([tfscout_executable(), "inspect", str(model), "--json"], capture_output=True,
                              text=True, timeout=300)
        found = json.loads(proc.stdout)
    except (subprocess.TimeoutExpired, json.JSONDecodeError):
        return set()
    reasons = [r for i in found.get("inputs", []) if i["name"] in inputs for r in i.get("reasons", [])]
    return {c for words, c in CLASS_REASONS.items() if any(words in r for r in reasons)}


def evaluate(graph_id: str, fmt: str, model: Path, source: Source, work: Path, timeout: float) -> dict[str, Any]:
    out = work / f"{graph_id}.onnx"
    code, report, err, seconds = run_convert(model, out, timeout)
    row: dict[str, Any] = {"id": graph_id, "format": fmt, "exit": code, "seconds": round(seconds, 1), "error": err}
    if report:
        steps = report["steps"]
        row["verified"] = report["verified"]
        row["max_abs_diff"] = report["max_abs_diff"]
        row["inputs"] = [i["name"] for i in report["inputs"]]
        row["outputs"] = [o["name"] for o in report["outputs"]]
        row["problems"] = [p["kind"] for p in report["problems"]]
        row["repairs"] = [s["name"] for s in steps if s["stage"] == "repair" and s["status"] == "done"]
        row["repairs"] += [f"{s['name']} (warning)" for s in steps if s["status"] == "warning"]
        row["classes"] = sorted({CLASS_STEPS[s["name"]] for s in steps
                                 if s["name"] in CLASS_STEPS and s["status"] in ("done", "warning")}
                                | inspect_classes(model, row["inputs"]))
        row["divergence"] = (report.get("first_divergence") or {}).get("tf_tensor")
    if code == 0 and report:
        bn = any(s["name"] == "batch norm to inference mode" and s["status"] == "done" for s in report["steps"])
        row["check"], row["check_diff"] = independent_check(source, out, report.get("mode_switches") or {},
                                                            report["rtol"], report["atol"], training_batch_norm=bn)
    return row


def _why(row: dict[str, Any]) -> str:
    if row["exit"] == 0:
        return ", ".join(row.get("repairs", [])) or "-"
    if row.get("problems"):
        text = ", ".join(sorted(set(row["problems"])))
        return text + (f" (first divergence {row['divergence']})" if row.get("divergence") else "")
    return row.get("error", "")[len("tfscout: error: "):][:90].replace("|", "/")


def _confirmed(row: dict[str, Any]) -> bool:
    return row["exit"] == 0 and row.get("verified") and row.get("check") == "match"


def _plain_text(row: dict[str, Any]) -> str:
    if row["plain"]:
        return "match"
    return "-" + (f" ({row['plain_why'][:50]})" if row.get("plain_why") else "")


def render_set(title: str, rows: list[dict[str, Any]], plain_source: str) -> str:
    ours = [r for r in rows if r["exit"] == 0]
    plain = [r for r in rows if r["plain"]]
    lost = [r["id"] for r in plain if r["exit"] != 0]
    wrong = [r["id"] for r in ours if r.get("check") == "MISMATCH" or not r.get("verified")]
    checkable = [r for r in rows if not str(r.get("check", "")).startswith("n/a")]
    confirmed = [r for r in rows if _confirmed(r)]
    classes: dict[str, list[str]] = {}
    for r in ours:
        for c in r.get("classes", []):
            classes.setdefault(c, []).append(r["id"])
    table = markdown_table(
        ["graph", "format", "plain tf2onnx", "tfscout convert", "max abs diff", "independent check", "classes", "s",
         "repairs / why not"],
        [[r["id"], r["format"], _plain_text(r), "verified (exit 0)" if r["exit"] == 0 else f"exit {r['exit']}",
          "" if r.get("max_abs_diff") is None else f"{r['max_abs_diff']:.2g}",
          r.get("check", "") + ("" if r.get("check_diff") is None else f" ({r['check_diff']:.2g})"),
          ", ".join(c.split()[0] for c in r.get("classes", [])), r["seconds"], _why(r)] for r in rows])
    lines = [
        f"### {title}",
        "",
        f"- verified ONNX models: **tfscout {len(ours)} of {len(rows)}**, plain tf2onnx with the documented names "
        f"{len(plain)} ({plain_source})",
        f"- verified and confirmed by the independent check: **{len(confirmed)} of {len(checkable)}** checkable "
        f"graphs ({100 * len(confirmed) / max(len(checkable), 1):.0f}%; a graph is not checkable when its original "
        "holds no trained values to compare with)",
        f"- graphs where plain tf2onnx matches TensorFlow but tfscout does not: **{len(lost)}**"
        + (f" ({', '.join(lost)})" if lost else ""),
        f"- exit 0 with a model that does not match TensorFlow (own check or the independent one): "
        f"**{len(wrong)}**" + (f" ({', '.join(wrong)})" if wrong else ""),
    ]
    for name in sorted(classes):
        lines.append(f"- class {name}: {len(classes[name])} verified graph(s) used it ({', '.join(classes[name])})")
    lines += ["", table]
    return "\n".join(lines)


def corpus_rows(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    manifest = json.loads((args.corpus / "manifest.json").read_text())
    rows = []
    for entry in manifest:
        if args.only and entry["id"] not in args.only:
            continue
        source = corpus_source(entry, args.corpus)
        row = evaluate(entry["id"], entry["format"], args.corpus / entry["id"], source, work, args.timeout)
        row["plain"] = plain_matches(entry)
        rows.append(_progress(row))
    return rows


def devcorpus_rows(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    from bench.devcorpus import find_truths

    cache: dict[str, Any] = {}
    if args.plain_cache and args.plain_cache.is_file():
        cache = json.loads(args.plain_cache.read_text())
    rows = []
    for folder, truth in find_truths(args.devcorpus):
        if args.only and truth.id not in args.only:
            continue
        source = devcorpus_source(folder, truth.format, truth.model)
        if truth.id not in cache and args.no_plain:
            cache[truth.id] = asdict(PlainResult(False, why="not run"))
        if truth.id not in cache:
            plain = plain_tf2onnx(source, truth.inputs, truth.outputs, dict(truth.mode_switches), 1e-3, 1e-4,
                                  args.timeout)
            cache[truth.id] = asdict(plain)
            if args.plain_cache:
                args.plain_cache.write_text(json.dumps(cache, indent=1))
        plain = PlainResult(**cache[truth.id])
        row = evaluate(truth.id, truth.format, folder / truth.model, source, work, args.timeout)
        row["plain"], row["plain_why"] = plain.matches, plain.why
        rows.append(_progress(row))
    return rows


def _progress(row: dict[str, Any]) -> dict[str, Any]:
    print(f"{row['id']:48} plain={'match' if row['plain'] else '-':5} exit={row['exit']} "
          f"check={row.get('check', '')} {row['seconds']}s {_why(row)[:80]}", flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("corpus", "devcorpus", "both"), default="both")
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--devcorpus", type=Path, default=ROOT / "out" / "devcorpus")
    parser.add_argument("--only", type=lambda s: set(s.split(",")), help="comma-separated graph ids")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--plain-cache", type=Path, help="keep plain tf2onnx's development-corpus results here")
    parser.add_argument("--no-plain", action="store_true", help="development corpus: do not run plain tf2onnx")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/ACCURACY.md alone")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument("--from-json", type=Path, help="render the rows of an earlier run (--json) instead of "
                        "running anything")
    parser.add_argument("--merge", type=Path, help="rows JSON of an earlier run (--json): the graphs run now replace "
                        "theirs, the others are kept, and the section says which were rerun at which commit")
    args = parser.parse_args(argv)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    all_rows: dict[str, list[dict[str, Any]]] = {}
    commit = _commit()
    if args.from_json:
        loaded = json.loads(args.from_json.read_text())
        commit = loaded.pop("commit", "an unrecorded commit")
        all_rows = loaded
    else:
        with tempfile.TemporaryDirectory(prefix="tfscout-accuracy-") as tmp:
            if args.set in ("corpus", "both"):
                all_rows["corpus"] = corpus_rows(args, Path(tmp))
            if args.set in ("devcorpus", "both"):
                all_rows["devcorpus"] = devcorpus_rows(args, Path(tmp))
    machine = machine_description()
    if args.from_json or args.merge:  # the rows say which commit they were measured at
        machine = machine.split("; tfscout at ")[0]
    head = (f"Autopilot (`tfscout convert MODEL -o OUT`, no names given); {machine}. Classes: the "
            "conversions of issue 13 a graph needed (1 input shapes from consumers, 2 sample sizes the graph "
            "accepts, 3 cut at ParseExample, 4 polyfilled ops, 5 PlaceholderWithDefault defaults).")
    if args.merge:
        earlier = json.loads(args.merge.read_text())
        rerun = sorted(r["id"] for rows in all_rows.values() for r in rows)
        all_rows = _merged(earlier, all_rows)
        head += (f" The rows of {', '.join(rerun)} were rerun at {commit}; the others come from the run at "
                 f"{earlier.get('commit', 'an earlier commit')}.")
    sections = []
    if "corpus" in all_rows:
        sections.append(render_set(f"Third-party corpus ({len(all_rows['corpus'])} graphs, `tests/corpus`)",
                                   all_rows["corpus"], "as the manifest records"))
    if "devcorpus" in all_rows:
        sections.append(render_set(f"Development corpus ({len(all_rows['devcorpus'])} generated graphs, "
                                   "`out/devcorpus`)", all_rows["devcorpus"], "run here on the truth's names"))
    markdown = head + "\n\n" + "\n\n".join(sections)
    print(markdown)
    if args.json:
        args.json.write_text(json.dumps({**all_rows, "commit": commit}, indent=1))
    complete = {"corpus", "devcorpus"} <= set(all_rows) and (args.merge or (args.set == "both" and not args.only))
    if not args.no_write and complete:
        write_section("ACCURACY.md", "convert", "## Convert: tfscout autopilot vs plain tf2onnx\n\n" + markdown)
    return 0


def _merged(earlier: dict[str, Any], now: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The earlier run's rows, each replaced by this run's row for the same graph, in the earlier order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for key in ("corpus", "devcorpus"):
        fresh = {r["id"]: r for r in now.get(key, [])}
        old = earlier.get(key, [])
        rows = [fresh.pop(r["id"], r) for r in old] + list(fresh.values())
        if rows:
            out[key] = rows
    return out


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=30).stdout.strip() or "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


if __name__ == "__main__":
    raise SystemExit(main())
