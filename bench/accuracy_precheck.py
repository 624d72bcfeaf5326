"""Accuracy of the fast pre-check against what tf2onnx 1.17 itself reported on the corpus.

For every corpus graph whose manifest records tf2onnx's own outcome with the authors' documented
input/output names at opset 15, compare the pre-check's unsupported set (same names, same opset)
with the op types tf2onnx logged as not supported. Where tf2onnx stopped before its handlers ran
(an exception while loading or folding), its empty list is not an answer about op support: those
graphs are listed apart, with the exception.

    python bench/accuracy_precheck.py [--confirm]   # --confirm: also a real tf2onnx run per graph

Prints the per-graph table and writes it to docs/ACCURACY.md (section "precheck").
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.docsections import machine_description, markdown_table, write_section  # noqa: E402
from tfscout.inspector import (  # noqa: E402
    analyse_path,  # noqa: E402
    choose_interface,  # noqa: E402
    load_support_table,
    run_precheck,
    unsupported_set,
)

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
OPSET = 15


def recorded(entry: dict[str, Any]) -> bool:
    conv = entry.get("conversion") or {}
    return not conv.get("skipped") and conv.get("unsupported_ops") is not None and bool(entry.get("true_outputs"))


def reached_handlers(entry: dict[str, Any]) -> bool:
    """tf2onnx got as far as matching ops with handlers (no exception while loading or folding)."""
    conv = entry["conversion"]
    return bool(conv.get("converted_without_exception")) and not conv.get("conversion_error")


def evaluate(entry: dict[str, Any], corpus: Path = CORPUS, confirm: bool = False) -> dict[str, Any]:
    a = analyse_path(corpus / entry["id"] / entry["model_path"], entry.get("saved_model_tags"))
    iface = choose_interface(a, entry["true_inputs"]["names"], entry["true_outputs"]["names"])
    table = load_support_table()
    start = time.perf_counter()
    result = run_precheck(a, iface, OPSET, table)
    seconds = time.perf_counter() - start
    row: dict[str, Any] = {
        "id": entry["id"], "nodes": len(a.graph), "path": result.subgraph_nodes, "folded": result.folded_nodes,
        "fast": sorted(unsupported_set(result)), "tf2onnx": sorted(entry["conversion"]["unsupported_ops"]),
        "conditional": sum(1 for s in result.statuses.values() if s == "conditional"),
        "reached": reached_handlers(entry), "error": entry["conversion"].get("conversion_error") or "",
        "log": entry["conversion"].get("tf2onnx_error_log") or [],
        "ms": seconds * 1000, "load_blockers": sorted(result.load_blockers),
    }
    if confirm:
        from tfscout.converter import confirm_precheck

        c = confirm_precheck(a, iface, result, timeout=300)
        row["confirm"] = ("agrees" if c.agrees else "n/a (tf2onnx stopped)" if c.agrees is None
                          else "DISAGREES: " + ", ".join(f"{d.op} ({d.kind})" for d in c.disagreements))
    return row


def _ops(ops: list[str]) -> str:
    return ", ".join(ops) if ops else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--confirm", action="store_true", help="also run tf2onnx on each graph (slow)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    manifest = json.loads((args.corpus / "manifest.json").read_text())
    rows = [evaluate(e, args.corpus, confirm=args.confirm) for e in manifest if recorded(e)]
    reached = [r for r in rows if r["reached"]]
    stopped = [r for r in rows if not r["reached"]]
    exact = [r for r in reached if r["fast"] == r["tf2onnx"]]
    false_alarms = sum(len(set(r["fast"]) - set(r["tf2onnx"])) for r in reached)
    missed = sum(len(set(r["tf2onnx"]) - set(r["fast"])) for r in reached)
    flagged = sum(len(r["tf2onnx"]) for r in reached)
    header = ["graph", "nodes", "on path", "folded", "tf2onnx: not supported", "pre-check: unsupported",
              "conditional op types", "match"]
    if args.confirm:
        header.append("--confirm")

    def table_rows(items: list[dict[str, Any]], stopped_rows: bool) -> list[list[object]]:
        out = []
        for r in items:
            match = "yes" if r["fast"] == r["tf2onnx"] else ("(tf2onnx stopped)" if stopped_rows else "NO")
            line: list[object] = [r["id"], r["nodes"], r["path"], r["folded"], _ops(r["tf2onnx"]), _ops(r["fast"]),
                                  r["conditional"], match]
            if args.confirm:
                line.append(r.get("confirm", ""))
            out.append(line)
        return out

    stopped_rows = []
    for r in stopped:
        error = r["error"].split(" for '")[0].split(". Make sure")[0][:90]
        said = r["error"] + " ".join(r["log"])
        named = sorted({op for op in r["fast"] + r["load_blockers"] if f"'{op}'" in said or f'"{op}"' in said})
        stopped_rows.append([r["id"], _ops(r["fast"]), _ops(r["load_blockers"]), error.replace("|", "/"),
                             _ops(named)])
    md = [
        f"Pre-check (`tfscout check`, no TensorFlow) against tf2onnx 1.17.0's own log, opset {OPSET}, "
        "the authors' documented input and output names. Generated by `bench/accuracy_precheck.py`.",
        "",
        f"**Graphs where tf2onnx reached its handlers: {len(exact)}/{len(reached)} exact matches of the "
        f"unsupported set; {false_alarms} false alarms, {missed} missed** ({flagged} not-supported op types "
        f"reported by tf2onnx in all). Median pre-check time "
        f"{sorted(r['ms'] for r in rows)[len(rows) // 2]:.1f} ms per graph.",
        "",
        markdown_table(header, table_rows(reached, False)),
        "",
        f"**Graphs where tf2onnx stopped before its handlers ran ({len(stopped)})**: its empty list says nothing "
        f"about op support there. Pre-check equal to the recorded (empty) list on "
        f"{sum(1 for r in stopped if r['fast'] == r['tf2onnx'])}; where it names ops, they have no tf2onnx "
        "handler, and tf2onnx's own error names some of them.",
        "",
        markdown_table(["graph", "pre-check: unsupported", "op types TensorFlow does not register",
                        "tf2onnx stopped with", "named in that error"], stopped_rows),
        "",
        f"_{machine_description()}_",
    ]
    text = "\n".join(md)
    print(text)
    if not args.no_write:
        path = write_section("ACCURACY.md", "precheck", text)
        print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
