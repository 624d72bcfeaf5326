"""Renderers of a ConversionReport: text for people, JSON (the DESIGN.md contract first) for scripts; and the
text of a tf2onnx trial conversion (``check --confirm``)."""

from __future__ import annotations

from typing import Any

from tfscout.converter.confirm import ConfirmResult
from tfscout.converter.report import ConversionReport, ModelStructure, TensorInfo
from tfscout.inspector import shape_text

CONTRACT_KEYS = ("onnx", "inputs", "outputs", "opset", "verified", "max_abs_diff", "steps", "problems")
_MARKS = {"done": "ok", "skipped": "--", "warning": "!!", "failed": "XX"}


def report_json(report: ConversionReport) -> dict[str, Any]:
    data = report.to_dict()
    ordered = {key: data.pop(key) for key in CONTRACT_KEYS}
    ordered.update(data)
    return ordered


def _tensor(t: TensorInfo) -> str:
    return f"{t.name} {t.dtype or '?'}{shape_text(t.shape)}"


def _ops(structure: ModelStructure, limit: int = 8) -> str:
    items = list(structure.op_counts.items())
    text = ", ".join(f"{op} {n}" for op, n in items[:limit])
    return text + (f", ... ({len(items) - limit} more types)" if len(items) > limit else "")


def _structure_lines(report: ConversionReport) -> list[str]:
    tf_side, onnx = report.structure.tensorflow, report.structure.onnx
    if not tf_side.nodes and not onnx.nodes:
        return []
    if not onnx.nodes:
        return ["", f"frozen TensorFlow graph: {tf_side.nodes} nodes",
                "  inputs:  " + ", ".join(_tensor(t) for t in tf_side.inputs),
                "  outputs: " + ", ".join(_tensor(t) for t in tf_side.outputs),
                f"  ops:     {_ops(tf_side)}"]
    lines = ["", "TensorFlow (frozen) beside ONNX:"]
    width = 44
    rows = [("inputs", [_tensor(t) for t in tf_side.inputs], [_tensor(t) for t in onnx.inputs]),
            ("outputs", [_tensor(t) for t in tf_side.outputs], [_tensor(t) for t in onnx.outputs])]
    for label, left, right in rows:
        for k in range(max(len(left), len(right), 1)):
            a = left[k] if k < len(left) else ""
            b = right[k] if k < len(right) else ""
            lines.append(f"  {label if k == 0 else '':8} {a:{width}} | {b}")
    if tf_side.nodes:
        lines.append(f"  {'nodes':8} {tf_side.nodes:<{width}} | {onnx.nodes or ''}")
    if onnx.domains:
        lines.append(f"  {'opset':8} {'':{width}} | " + ", ".join(f"{d} {v}" for d, v in onnx.domains.items()))
    if tf_side.op_counts:
        lines.append(f"  TF ops:   {_ops(tf_side)}")
    if onnx.op_counts:
        lines.append(f"  ONNX ops: {_ops(onnx)}")
    lines.extend(f"  difference: {d}" for d in report.structure.differences)
    return lines


def _divergence_lines(report: ConversionReport) -> list[str]:
    d = report.first_divergence
    if d is None:
        return []
    if not d.tf_tensor:
        return ["", f"where the numbers part: {d.note}"]
    diff = "n/a" if d.max_abs_diff is None else f"{d.max_abs_diff:.3g}"
    rel = "n/a" if d.max_rel_diff is None else f"{d.max_rel_diff:.3g}"
    lines = ["", f"where the numbers part ({d.sample}; {d.compared} tensors compared):",
             f"  first at {d.tf_tensor} ({d.tf_op}), ONNX node {d.onnx_node}: max abs {diff}, max rel {rel}"]
    lines.extend(f"  repro {key}: {path}" for key, path in d.repro.items())
    return lines


def _latency_lines(report: ConversionReport) -> list[str]:
    lat = report.latency
    if lat is None or lat.onnxruntime_ms is None or lat.tensorflow_ms is None:
        return []
    faster = f", {lat.speedup:.2g}x" if lat.speedup else ""
    return ["", f"latency (median of {lat.runs} runs after {lat.warmup} warm-up, {lat.threads} intra-op "
                f"thread{'s' if lat.threads != 1 else ''}, {lat.batch or 'no inputs'}): onnxruntime {lat.onnxruntime_ms:.3g} ms, "
                f"TensorFlow {lat.tensorflow_ms:.3g} ms{faster}"]


def report_text(report: ConversionReport, color: bool = False) -> str:
    def paint(text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if color else text

    lines = [f"model: {report.model} ({report.format})"]
    if report.inputs:
        lines.append("inputs:  " + ", ".join(_tensor(t) for t in report.inputs))
    if report.outputs:
        lines.append("outputs: " + ", ".join(_tensor(t) for t in report.outputs))
    if report.mode_switches:
        lines.append("mode switches (fixed at inference): "
                     + ", ".join(f"{k} = {v!r}" for k, v in report.mode_switches.items()))
    lines.append("")
    lines.append("steps:")
    for step in report.steps:
        mark = _MARKS.get(step.status, step.status)
        lines.append(f"  [{mark}] {step.stage:9} {step.name}" + (f": {step.detail}" if step.detail else ""))
    lines.extend(_structure_lines(report))
    if report.errors:
        lines.append("")
        lines.append(f"ONNX vs TensorFlow (rtol={report.rtol:g}, atol={report.atol:g}):")
        for e in report.errors:
            diff = "n/a" if e.max_abs_diff is None else f"{e.max_abs_diff:.3g}"
            rel = "n/a" if e.max_rel_diff is None else f"{e.max_rel_diff:.3g}"
            verdict = paint("match", "32") if e.ok else paint("MISMATCH", "31")
            lines.append(f"  {e.name}: max abs {diff}, max rel {rel}, {e.mismatched}/{e.total} beyond "
                         f"tolerance: {verdict}" + (f" ({e.note})" if e.note else "")
                         + (f" [{e.sample}]" if e.sample else ""))
    lines.extend(_divergence_lines(report))
    lines.extend(_latency_lines(report))
    if report.polyfilled:
        lines.append("")
        lines.append("polyfilled (rewritten into ops tf2onnx converts, compared with TensorFlow's own ops): "
                     + ", ".join(f"{op} ({len(nodes)} node{'s' if len(nodes) != 1 else ''})"
                                 for op, nodes in sorted(report.polyfilled.items())))
    if report.problems:
        lines.append("")
        lines.append(paint("problems:", "31"))
        for p in report.problems:
            lines.append(f"  - {p.message}" + (f" ({p.fix})" if p.fix else ""))
    for w in report.warnings:
        lines.append(f"warning: {w}")
    lines.append("")
    if report.verified and report.onnx:
        lines.append(paint(f"verified: {report.onnx} matches TensorFlow (max abs diff "
                           f"{report.max_abs_diff:.3g})", "32"))
    elif report.verified:
        lines.append(paint(f"verified: matches TensorFlow (max abs diff {report.max_abs_diff:.3g})", "32"))
    elif report.frozen:
        lines.append(f"frozen graph: {report.frozen}")
    else:
        written = f"{report.onnx} was written but " if report.onnx else "no ONNX file was written: "
        lines.append(paint(f"NOT verified: {written}the model is not proven to match TensorFlow", "31"))
    return "\n".join(lines) + "\n"


def confirm_text(c: ConfirmResult) -> str:
    """What ``check --confirm`` adds to the pre-check's text."""
    peak = f", peak {c.peak_rss_mb / 1024:.1f} GB" if c.peak_rss_mb else ""
    out = ["", f"Confirmed with a tf2onnx trial conversion ({c.seconds:.1f} s{peak})"]
    if not c.reached_handlers:
        out.append("  tf2onnx stopped before it checked the ops: " + (c.exception or f"exit {c.returncode}"))
        out.extend(f"    | {line}" for line in c.log_tail[-4:])
    elif c.agrees:
        names = ", ".join(sorted(c.unsupported)) or "none"
        out.append(f"  agrees with the pre-check; tf2onnx reported as not supported: {names}")
    for d in c.disagreements:
        what = ("tf2onnx did not convert it, the pre-check said " if d.kind == "missed"
                else "the pre-check flagged it, tf2onnx converted it: ")
        out.append(f"  DISAGREES on {d.op}: {what}{d.fast} ({', '.join(d.nodes[:3])})")
    for outcome in ("converted", "not supported", "unknown"):
        ops = [op for op, o in c.conditional_outcomes.items() if o == outcome]
        if ops:
            out.append(f"  conditional ops {outcome}: {', '.join(ops)}")
    if c.failed_nodes:
        out.append(f"  tf2onnx handlers failed on {len(c.failed_nodes)} node(s): {', '.join(c.failed_nodes[:3])}")
    if c.reached_handlers and c.exception:
        out.append(f"  tf2onnx raised: {c.exception}")
    return "\n".join(out) + "\n"
