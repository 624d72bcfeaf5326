"""How often `tfscout inspect` names the documented interface of the corpus graphs.

    python bench/accuracy.py [--corpus DIR]

For every corpus graph whose documented names are an inference interface (manifest
``io_usage: "inference"``), compares the recommended outputs and inputs with the documented ones,
and with a plain rule ("every sink is an output, every Placeholder an input"). Prints the table and
writes it to docs/ACCURACY.md (section "inspect").

Scoring: outputs match when the recommended set equals the documented set. Inputs match when every
documented input that is not a mode switch is recommended, or is the raw source a recommended cut
point replaces (a pipeline such as string -> DecodeWav -> Mfcc is cut after its decoding), and
nothing beyond the documented inputs and the mode switches is recommended.
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
from tfscout.inspector import (
    inspect_model,  # noqa: E402
    load_source,  # noqa: E402
)

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"


def plain_rule(path: Path) -> tuple[set[str], set[str]]:
    """Every sink is an output, every Placeholder an input."""
    graph = load_source(path).graph_def
    consumed = {ref.lstrip("^").rsplit(":", 1)[0] if ref.rsplit(":", 1)[-1].isdigit() else ref.lstrip("^")
                for n in graph.node for ref in n.input}
    outputs = {n.name + ":0" for n in graph.node if n.name not in consumed}
    inputs = {n.name + ":0" for n in graph.node if n.op == "Placeholder"}
    return inputs, outputs


def inputs_match(documented: list[str] | None, recommended: list[dict[str, Any]], switches: set[str]) -> bool | None:
    if documented is None:
        return None
    data = set(documented) - switches
    chosen = {c["name"] for c in recommended}
    covered = chosen | {raw for c in recommended for raw in c.get("cuts", [])}
    return data <= covered and chosen <= set(documented) | switches | {
        c["name"] for c in recommended if set(c.get("cuts", [])) & data}


def evaluate(entry: dict[str, Any], corpus: Path) -> dict[str, Any]:
    path = corpus / entry["id"]
    start = time.perf_counter()
    report = inspect_model(path).to_dict()
    seconds = time.perf_counter() - start
    rec_in = [c for c in report["inputs"] if c["recommended"]]
    rec_out = sorted(c["name"] for c in report["outputs"] if c["recommended"])
    switches = {m["name"] for m in report["mode_switches"]}
    doc_in = (entry.get("true_inputs") or {}).get("names")
    doc_out = (entry.get("true_outputs") or {}).get("names")
    plain_in, plain_out = plain_rule(path)
    return {
        "id": entry["id"], "format": entry["format"], "nodes": report["nodes"], "seconds": seconds,
        "doc_in": doc_in, "doc_out": doc_out, "rec_in": rec_in, "rec_out": rec_out, "switches": sorted(switches),
        "out_ok": doc_out is not None and set(rec_out) == set(doc_out),
        "in_ok": inputs_match(doc_in, rec_in, switches),
        "plain_out_ok": doc_out is not None and plain_out == set(doc_out),
        "plain_in_ok": None if doc_in is None else plain_in == set(doc_in),
    }


def _names(items: list[Any]) -> str:
    shown = []
    for item in items:
        if isinstance(item, dict):
            shown.append(item["name"] + (f" (cut; replaces {', '.join(item['cuts'])})" if item.get("cuts") else ""))
        else:
            shown.append(str(item))
    return ", ".join(f"`{s}`" for s in shown) if shown else "-"


def _mark(value: bool | None) -> str:
    return "n/a" if value is None else ("yes" if value else "**no**")


def render(rows: list[dict[str, Any]]) -> str:
    scored = [r for r in rows if r["doc_out"] is not None]
    both = [r for r in scored if r["doc_in"] is not None]
    out_ok = sum(r["out_ok"] for r in scored)
    in_ok = sum(bool(r["in_ok"]) for r in both)
    both_ok = sum(r["out_ok"] and bool(r["in_ok"]) for r in both)
    plain_both = sum(r["plain_out_ok"] and bool(r["plain_in_ok"]) for r in both)
    plain_out = sum(r["plain_out_ok"] for r in both)
    plain_in = sum(bool(r["plain_in_ok"]) for r in both)
    lines = [
        "## Naming the interface (`tfscout inspect`, no names given)",
        "",
        f"Corpus graphs whose documented names are an inference interface: {len(scored)} "
        f"({len(both)} with documented inputs and outputs).",
        "",
        f"- recommended outputs = documented outputs: **{out_ok}/{len(scored)}**",
        f"- recommended inputs cover the documented data inputs, nothing extra beyond them and the mode "
        f"switches: **{in_ok}/{len(both)}**",
        f"- both: **{both_ok}/{len(both)}**",
        f"- the plain rule (every sink is an output, every Placeholder an input), on the {len(both)}: outputs "
        f"{plain_out}/{len(both)}, inputs {plain_in}/{len(both)}, both {plain_both}/{len(both)}",
        "",
        "A cut point counts for the raw input it replaces: tf2onnx cannot convert the decoding in front of it "
        "(DecodeWav, AudioSpectrogram, Mfcc), so the recommendation feeds the decoded tensor instead.",
        "",
        f"Measured on {machine_description()}; `python bench/accuracy.py`.",
        "",
    ]
    table = []
    for r in rows:
        table.append([r["id"], r["format"], r["nodes"], _names(r["doc_out"] or []), _names(r["rec_out"]),
                      _mark(r["out_ok"] if r["doc_out"] is not None else None), _names(r["doc_in"] or []),
                      _names(r["rec_in"]) + (f"; switches {_names(r['switches'])}" if r["switches"] else ""),
                      _mark(r["in_ok"]), _mark(r["plain_out_ok"] and r["plain_in_ok"] if r["doc_in"] else None)])
    lines.append(markdown_table(["graph", "format", "nodes", "documented outputs", "recommended outputs", "ok",
                                 "documented inputs", "recommended inputs", "ok", "plain rule ok"], table))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    manifest = json.loads((args.corpus / "manifest.json").read_text())
    rows = [evaluate(e, args.corpus) for e in manifest if e.get("io_usage") == "inference"]
    text = render(rows)
    print(text)
    if not args.no_write:
        print("wrote", write_section("ACCURACY.md", "inspect", text, title="Accuracy"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
