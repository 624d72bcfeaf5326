"""Text for ``tfscout check``: the interface checked, the verdict per op type, and the command."""

from __future__ import annotations

from tfscout.inspector.formats import status_text
from tfscout.inspector.report import OpIssue, Report

_NODES_SHOWN = 3


def _nodes(issue: OpIssue) -> str:
    shown = ", ".join(issue.nodes[:_NODES_SHOWN])
    more = len(issue.nodes) - _NODES_SHOWN
    return shown + (f" (+{more})" if more > 0 else "")


def check_text(report: Report) -> str:
    pre = report.precheck
    out: list[str] = [f"{report.path}  {report.format}, {report.nodes:,} nodes"]
    given = "given" if report.names_given else "recommended"
    out.append(f"  inputs ({given}):  " + (", ".join(c.name for c in report.recommended_inputs) or "(none)"))
    out.append(f"  outputs ({given}): " + (", ".join(c.name for c in report.recommended_outputs) or "(none)"))
    for sw in report.mode_switches:
        out.append(f"  mode switch fixed: {sw.name} = {sw.value!r}")
    out.append("")
    head = f"Pre-check at opset {pre.opset}"
    if pre.extra_opsets:
        head += " with " + ", ".join(pre.extra_opsets)
    head += f" (lowest that works: {report.opset.required or '-'}; recommended: {report.opset.recommended})"
    out.append(head + f"  [{pre.table}]")
    out.append(f"  {pre.subgraph_nodes:,} nodes on the path, {pre.folded_nodes:,} folded into "
               f"constants, {pre.checked_nodes:,} reach tf2onnx's handlers")
    width = max([len(status_text(i)) for i in report.unsupported] + [11])
    for issue in report.unsupported:
        if issue.status == "conditional":
            continue
        out.append(f"  {status_text(issue).ljust(width)}  {issue.op}: {_nodes(issue)}")
        if issue.hint:
            out.append(f"      - {issue.hint}")
    by_hint: dict[str, list[OpIssue]] = {}
    for issue in report.unsupported:
        if issue.status == "conditional":
            by_hint.setdefault(issue.hint, []).append(issue)
    for hint, issues in by_hint.items():
        count = sum(len(i.nodes) for i in issues)
        out.append(f"  {'conditional'.ljust(width)}  {', '.join(i.op for i in issues)} ({count} nodes)")
        if hint:
            out.append(f"      - {hint}")
    for op, nodes in pre.load_blockers.items():
        out.append(f"  {'cannot load'.ljust(width)}  {op}: {', '.join(nodes[:_NODES_SHOWN])}")
    blocking = sorted({i.op for i in report.blocking})
    if blocking:
        out.append(f"  => tf2onnx will not convert {len(blocking)} op type(s) on this path: {', '.join(blocking)}")
    elif pre.load_blockers:
        out.append("  => tf2onnx cannot load this file as it is")
    else:
        conditional = pre.conditional
        tail = f" ({len(conditional)} conditional on a rewriter)" if conditional else ""
        out.append("  => tf2onnx should convert every op on the path" + tail)
    for note in pre.notes:
        out.append(f"  note: {note}")
    if report.warnings:
        out.append("")
        out.append("Warnings")
        out.extend(f"  ! {w}" for w in report.warnings)
    out.append("")
    out.append("tf2onnx command")
    out.append(f"  {report.tf2onnx_command}")
    return "\n".join(out) + "\n"
