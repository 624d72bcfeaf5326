"""Score `tfscout inspect` on the development corpus: every ``truth.json`` under ``out/devcorpus/``.

    python -m bench.devcorpus.score [--out DIR] [--family F ...] [--tree DIR] [--tfscout PATH]
                                    [--jobs N] [--results PATH] [--write-docs]

Runs the console script (``tfscout inspect MODEL --json``, with ``PYTHONPATH`` set to the tree being
measured) on every graph of every generator and scores, per graph:

- outputs: the recommended set equals ``outputs`` or one of the ``also_ok`` sets;
- inputs: every truth input is recommended, or replaced by a recommended cut (a recommended input whose
  ``cuts`` lists it, or a recommended tensor in ``cut_ok``), and nothing else is recommended apart from
  the truth's mode switches;
- switches: every truth switch is among ``mode_switches`` with its truth value, and no label, data input
  or accepted cut is called a switch.

Prints a table per family and overall and every wrong graph with what was recommended and why (the
reasons of the JSON report), writes ``out/devcorpus/results.json`` and, with ``--write-docs``, the section
"devcorpus" of docs/ACCURACY.md. When reports carry a ``confidence``, also how accuracy varies with it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.devcorpus import DEFAULT_OUT, ROOT, SwitchValue, Truth, find_truths

TIMEOUT_S = 120


@dataclass
class Verdict:
    ok: bool
    why: list[str] = field(default_factory=list)


@dataclass
class GraphResult:
    """One graph's score, with what tfscout recommended."""

    id: str
    family: str
    generator: str
    format: str
    model: str
    outputs_ok: bool
    inputs_ok: bool
    switches_ok: bool
    truth_outputs: list[str]
    truth_inputs: list[str]
    truth_switches: dict[str, SwitchValue]
    recommended_outputs: list[str] = field(default_factory=list)
    recommended_inputs: list[str] = field(default_factory=list)
    switches: dict[str, Any] = field(default_factory=dict)
    confidence: float | None = None
    why: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def choice_ok(self) -> bool:
        """The recommended set (outputs and the inputs they need) is right."""
        return self.outputs_ok and self.inputs_ok

    @property
    def ok(self) -> bool:
        return self.outputs_ok and self.inputs_ok and self.switches_ok


# -- scoring one report ----------------------------------------------------------------------------
def _reason(candidate: dict[str, Any] | None) -> str:
    if candidate is None:
        return "not among the candidates"
    reasons = candidate.get("reasons") or []
    score = candidate.get("score")
    return (f"score {score}: " if score is not None else "") + ("; ".join(reasons[:2]) if reasons else "no reasons")


def score_outputs(truth: Truth, report: dict[str, Any]) -> Verdict:
    candidates = {c["name"]: c for c in report.get("outputs", [])}
    chosen = {name for name, c in candidates.items() if c.get("recommended")}
    if chosen == set(truth.outputs) or any(chosen == set(s) for s in truth.also_ok):
        return Verdict(True)
    why = [f"output {n} recommended ({_reason(candidates[n])})" for n in sorted(chosen - set(truth.outputs))]
    why += [f"output {n} missed ({_reason(candidates.get(n))})" for n in sorted(set(truth.outputs) - chosen)]
    return Verdict(False, why)


def score_inputs(truth: Truth, report: dict[str, Any]) -> Verdict:
    candidates = {c["name"]: c for c in report.get("inputs", [])}
    chosen = {name: c for name, c in candidates.items() if c.get("recommended")}
    cut_ok = set(truth.cut_ok) & set(chosen)
    cut_for = {raw for c in chosen.values() for raw in c.get("cuts") or []}
    why = []
    for name in truth.inputs:
        if name not in chosen and name not in cut_for and not cut_ok:
            why.append(f"input {name} missed ({_reason(candidates.get(name))})")
    allowed = set(truth.inputs) | set(truth.cut_ok) | set(truth.mode_switches)
    for name, c in sorted(chosen.items()):
        if name not in allowed and not set(c.get("cuts") or []) & set(truth.inputs):
            role = " (a training-only feed)" if name in truth.labels else ""
            why.append(f"input {name}{role} recommended ({_reason(c)})")
    return Verdict(not why, why)


def same_value(truth: SwitchValue, given: Any) -> bool:
    if isinstance(truth, bool) or isinstance(given, bool):
        return isinstance(truth, bool) and isinstance(given, bool) and truth == given
    if not isinstance(given, (int, float)):
        return False
    return math.isclose(float(truth), float(given), rel_tol=1e-6, abs_tol=1e-9)


def score_switches(truth: Truth, report: dict[str, Any]) -> Verdict:
    given = {m["name"]: m for m in report.get("mode_switches", [])}
    why = []
    for name, value in truth.mode_switches.items():
        if name not in given:
            candidate = next((c for c in report.get("inputs", []) if c["name"] == name), None)
            why.append(f"switch {name} missed ({_reason(candidate)})")
        elif not same_value(value, given[name].get("value")):
            why.append(f"switch {name} = {given[name].get('value')!r}, truth {value!r}")
    for name in sorted((set(truth.labels) | set(truth.inputs) | set(truth.cut_ok)) & set(given)):
        kind = "label" if name in truth.labels else "data input"
        why.append(f"{kind} {name} called a switch ({'; '.join(given[name].get('reasons', [])[:1])})")
    return Verdict(not why, why)


def confidence_of(report: dict[str, Any]) -> float | None:
    value = report.get("confidence")
    if isinstance(value, dict):
        value = value.get("value", value.get("score"))
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def score(truth: Truth, report: dict[str, Any]) -> GraphResult:
    outputs, inputs, switches = score_outputs(truth, report), score_inputs(truth, report), score_switches(truth, report)
    return GraphResult(
        id=truth.id, family=truth.family, generator=truth.generator, format=truth.format, model=truth.model,
        outputs_ok=outputs.ok, inputs_ok=inputs.ok, switches_ok=switches.ok, truth_outputs=truth.outputs,
        truth_inputs=truth.inputs, truth_switches=truth.mode_switches,
        recommended_outputs=sorted(c["name"] for c in report.get("outputs", []) if c.get("recommended")),
        recommended_inputs=sorted(c["name"] + (f" (cut for {', '.join(c['cuts'])})" if c.get("cuts") else "")
                                  for c in report.get("inputs", []) if c.get("recommended")),
        switches={m["name"]: m.get("value") for m in report.get("mode_switches", [])},
        confidence=confidence_of(report), why=outputs.why + inputs.why + switches.why)


# -- running tfscout -------------------------------------------------------------------------------
def default_tfscout() -> str:
    beside = Path(sys.executable).parent / "tfscout"
    return str(beside) if beside.exists() else "tfscout"


def inspect(tfscout: str, tree: Path, model: Path) -> tuple[dict[str, Any] | None, str | None]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    try:
        done = subprocess.run([tfscout, "inspect", str(model), "--json"], capture_output=True, text=True,
                              env=env, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {TIMEOUT_S} s"
    try:
        return json.loads(done.stdout), None
    except json.JSONDecodeError:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return None, f"exit {done.returncode}: {lines[-1] if lines else 'no output'}"


def evaluate(folder: Path, truth: Truth, tfscout: str, tree: Path) -> GraphResult:
    start = time.perf_counter()
    report, error = inspect(tfscout, tree, folder / truth.model)
    if report is None:
        result = GraphResult(id=truth.id, family=truth.family, generator=truth.generator, format=truth.format,
                             model=truth.model, outputs_ok=False, inputs_ok=False, switches_ok=False,
                             truth_outputs=truth.outputs, truth_inputs=truth.inputs,
                             truth_switches=truth.mode_switches, why=[f"tfscout failed: {error}"], error=error)
    else:
        result = score(truth, report)
    result.seconds = time.perf_counter() - start
    return result


def main(argv: list[str] | None = None) -> int:
    from bench.devcorpus.report import render_markdown, render_text, summary

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"the corpus (default {DEFAULT_OUT})")
    parser.add_argument("--family", action="append", help="score only this family (repeatable)")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the tfscout tree to measure (PYTHONPATH)")
    parser.add_argument("--tfscout", default=default_tfscout(), help="the console script")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--results", type=Path, help="where to write the JSON results (default OUT/results.json)")
    parser.add_argument("--write-docs", action="store_true", help="write the section to docs/ACCURACY.md")
    args = parser.parse_args(argv)
    cases = [(f, t) for f, t in find_truths(args.out) if not args.family or t.family in args.family]
    if not cases:
        parser.error(f"no truth.json under {args.out}; build the corpus first (python -m bench.devcorpus.build)")
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        results = list(pool.map(lambda c: evaluate(c[0], c[1], args.tfscout, args.tree.resolve()), cases))
    print(render_text(results))
    data = {"tree": str(args.tree.resolve()), "summary": summary(results),
            "graphs": [{**asdict(r), "ok": r.ok} for r in results]}
    path = args.results or args.out / "results.json"
    path.write_text(json.dumps(data, indent=1) + "\n")
    print("wrote", path)
    if args.write_docs:
        from bench.docsections import write_section

        print("wrote", write_section("ACCURACY.md", "devcorpus", render_markdown(results), title="Accuracy"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
