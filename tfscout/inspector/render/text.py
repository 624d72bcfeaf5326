"""A Report as readable text for people (``tfscout inspect``)."""

from __future__ import annotations

from tfscout.inspector.formats import Style, human_size, shape_text
from tfscout.inspector.report import Report, TensorCandidate

_TOP = 5


def _candidate_lines(items: list[TensorCandidate], style: Style, full: bool) -> list[str]:
    shown = items if full else [c for c in items if c.recommended] + [c for c in items if not c.recommended][:_TOP]
    if not shown:
        return ["  (none found)"]
    width = min(48, max(len(c.name) for c in shown))
    lines = []
    for c in shown:
        mark = style.green("*") if c.recommended else " "
        name = c.name.ljust(width)
        meta = f"{c.dtype or '?':8} {shape_text(c.shape):16} {c.score:4.2f}"
        lines.append(f"  {mark} {style.bold(name) if c.recommended else name}  {meta}  {c.op}")
        for reason in c.reasons:
            lines.append(style.dim(f"      - {reason}"))
    hidden = len(items) - len(shown)
    if hidden > 0:
        lines.append(style.dim(f"    ... {hidden} more (use --all)"))
    return lines


def report_text(report: Report, full: bool = False, color: bool = False) -> str:
    s = Style(color)
    out: list[str] = []
    where = report.checkpoint_prefix or report.model_file
    out.append(s.bold(f"{report.path}") + f"  {report.format}, {report.nodes:,} nodes, {human_size(report.size_bytes)}")
    if where and where != report.path:
        out.append(s.dim(f"  read from {where}"))
    if report.tag_sets:
        sets = "; ".join(",".join(t) or "(no tags)" for t in report.tag_sets)
        out.append(s.dim(f"  tag sets: {sets}  (using {','.join(report.tags) or 'none'})"))
    for sig in report.signatures:
        used = s.green(" (used)") if sig.used else ""
        ins = ", ".join(sig.inputs.values())
        outs = ", ".join(sig.outputs.values())
        out.append(s.dim(f"  signature {sig.name} [{sig.method}]: {ins} -> {outs}") + used)
    if report.constants_on_disk:
        out.append(s.dim(f"  weights: {human_size(report.constant_bytes_on_disk)} in {report.constants_on_disk} "
                         "constants, left on disk (not needed to inspect)"))
    if report.functions:
        out.append(s.dim(f"  function library: {report.functions} functions"))
    out.append("")
    out.append(s.bold("Inputs") + s.dim("  (* = recommended; dtype, shape, score, op)"))
    out.extend(_candidate_lines(report.inputs, s, full))
    if report.mode_switches:
        out.append("")
        out.append(s.bold("Mode switches") + s.dim("  (fixed to their inference value, not inputs)"))
        for m in report.mode_switches:
            out.append(f"  {m.name} = {m.value!r}")
            out.extend(s.dim(f"      - {r}") for r in m.reasons)
    out.append("")
    out.append(s.bold("Outputs") + s.dim("  (* = recommended)"))
    out.extend(_candidate_lines(report.outputs, s, full))
    if report.outputs:
        out.append(f"  confidence in the recommended outputs: {report.confidence:.2f}")
        out.extend(s.dim(f"      - {r}") for r in report.confidence_reasons)
    if report.training_notes:
        out.append("")
        out.append(s.bold("Training graph"))
        out.extend(f"  - {n}" for n in report.training_notes)
    out.append("")
    blocking = report.blocking
    conditional = [u for u in report.unsupported if u.status == "conditional"]
    required = report.opset.required
    head = f"Pre-check at opset {report.opset.recommended}"
    if required:
        head += f" (lowest that works: {required})"
    out.append(s.bold(head) + s.dim(f"  ({report.subgraph_nodes:,} nodes between the inputs and outputs)"))
    if not report.precheck.ran:
        out.append(s.dim("  not run"))
    elif not blocking and not conditional:
        out.append("  " + s.green("tf2onnx should convert every op on the path"))
    for issue in blocking + conditional:
        colour = s.red if issue.status == "unsupported" else s.yellow
        nodes = ", ".join(issue.nodes[:3]) + (f" (+{len(issue.nodes) - 3})" if len(issue.nodes) > 3 else "")
        out.append(f"  {colour(issue.status):22} {issue.op}: {nodes}")
        if issue.hint:
            out.append(s.dim(f"      - {issue.hint}"))
    if report.unsafe_ops:
        out.append("")
        out.append(s.bold("Ops not known to be safe") + s.dim("  (refused where they would run, unless --allow-unsafe)"))
        runs_where: dict[str, str] = {}
        for f in report.refused:
            runs_where.setdefault(f.op, f.where)
        for u in report.unsafe_ops:
            runs = s.red(f"would run: {runs_where.get(u.op, 'yes')}") if u.in_subgraph else s.dim("would not run")
            out.append(f"  {u.op} x{len(u.nodes)} ({runs}): {'; '.join(u.reasons)}")
    if report.warnings:
        out.append("")
        out.append(s.bold("Warnings"))
        out.extend(s.yellow(f"  ! {w}") for w in report.warnings)
    out.append("")
    out.append(s.bold("tf2onnx command"))
    out.append(f"  {report.tf2onnx_command}")
    if report.mode_switches:
        values = ", ".join(f"{m.name} = {m.value!r}" for m in report.mode_switches)
        out.append(s.dim(f"  tf2onnx keeps mode switches as inputs: feed {values}, or let `tfscout convert` fix them"))
    return "\n".join(out) + "\n"
