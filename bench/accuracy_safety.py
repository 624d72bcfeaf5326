"""What the gate refuses on the corpus, the bundled samples and the development corpus.

    python bench/accuracy_safety.py [--corpus DIR] [--devcorpus DIR] [--no-write]

For every graph: the ops not known to be safe anywhere in it, and those that would run on the
recommended path (no names given) and on the documented path (the manifest's or the truth's names),
i.e. what convert, freeze, verify and ``check --confirm`` refuse without ``--allow-unsafe``. No
TensorFlow. Prints the table and writes it to docs/SECURITY.md (section "corpus").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.devcorpus import DEFAULT_OUT, find_truths  # noqa: E402
from bench.docsections import machine_description, markdown_table, write_section  # noqa: E402
from tfscout.errors import TfscoutError  # noqa: E402
from tfscout.inspector import inspect_model  # noqa: E402
from tfscout.samples import checkpoint_dir, frozen_pb  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"


def _refused(path: Path, inputs: list[str] | None, outputs: list[str] | None) -> dict[str, str] | str:
    """op -> where its first node would run, or the error that stopped the inspection."""
    try:
        report = inspect_model(path, inputs=inputs or None, outputs=outputs or None)
    except TfscoutError as exc:
        return exc.one_line()
    found: dict[str, str] = {}
    for f in report.refused:
        found.setdefault(f.op, f.where)
    return found


def evaluate(kind: str, name: str, path: Path, inputs: list[str] | None, outputs: list[str] | None) -> dict[str, Any]:
    try:
        anywhere = sorted(u.op for u in inspect_model(path).unsafe_ops)
    except TfscoutError as exc:
        anywhere = [f"(error: {exc.one_line()[:80]})"]
    return {"kind": kind, "name": name, "anywhere": anywhere, "recommended": _refused(path, None, None),
            "documented": _refused(path, inputs, outputs) if outputs else None}


def _names(entry: dict[str, Any], key: str) -> list[str] | None:
    names: list[str] | None = (entry.get(key) or {}).get("names")
    return names


def rows_of(corpus: Path, devcorpus: Path) -> list[dict[str, Any]]:
    rows = []
    for entry in json.loads((corpus / "manifest.json").read_text()):
        rows.append(evaluate("corpus", entry["id"], corpus / entry["id"], _names(entry, "true_inputs"),
                             _names(entry, "true_outputs")))
    rows.append(evaluate("sample", "cnn_checkpoint", checkpoint_dir(), ["x:0"], ["probabilities:0"]))
    rows.append(evaluate("sample", "cnn_frozen", frozen_pb(), ["x:0"], ["probabilities:0"]))
    if devcorpus.is_dir():
        for folder, truth in find_truths(devcorpus):
            rows.append(evaluate("devcorpus", truth.id, folder / truth.model, truth.inputs, truth.outputs))
    return rows


def _text(value: dict[str, str] | str | None) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return f"error: {value[:120]}"
    return "; ".join(f"`{op}` ({where})" for op, where in sorted(value.items())) or "-"


def render(rows: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for kind in ("corpus", "sample", "devcorpus"):
        some = [r for r in rows if r["kind"] == kind]
        if not some:
            continue
        rec = [r for r in some if isinstance(r["recommended"], dict) and r["recommended"]]
        doc = [r for r in some if isinstance(r["documented"], dict) and r["documented"]]
        anywhere = Counter(op for r in some for op in r["anywhere"])
        lines.append(f"- {kind}: {len(some)} graphs; refused without --allow-unsafe on the recommended path: "
                     f"**{len(rec)}**, on the documented path: **{len(doc)}**; op types not known to be safe "
                     f"anywhere in them: {len(anywhere)}")
    lines += ["", "Graphs with anything refused on a path:", ""]
    table = [[r["kind"], r["name"], _text(r["recommended"]), _text(r["documented"])] for r in rows
             if (isinstance(r["recommended"], dict) and r["recommended"])
             or (isinstance(r["documented"], dict) and r["documented"])
             or isinstance(r["recommended"], str) or isinstance(r["documented"], str)]
    lines.append(markdown_table(["set", "graph", "recommended path", "documented path"], table) if table else "none")
    counts = Counter(op for r in rows for op in r["anywhere"])
    lines += ["", "Op types not known to be safe anywhere in these graphs (graphs holding them): "
              + ", ".join(f"`{op}` {n}" for op, n in counts.most_common()), "",
              f"Measured on {machine_description()}; `python bench/accuracy_safety.py`.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--devcorpus", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    text = render(rows_of(args.corpus, args.devcorpus))
    print(text)
    if not args.no_write:
        print("wrote", write_section("SECURITY.md", "corpus", text, title="Security"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
