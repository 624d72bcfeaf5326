"""One node's verdict at tf2onnx's handlers: supported, needs an opset, needs an extra domain, conditional
on a rewriter, or unsupported; from the support table and what :mod:`.rewrites` says happens first."""

from __future__ import annotations

from dataclasses import dataclass

from tfscout.inspector.graph import Graph, default_op_table
from tfscout.inspector.precheck import rewrites
from tfscout.inspector.precheck.path import reads_variable
from tfscout.inspector.precheck.support import SupportTable

# Worst first: an op type seen with several verdicts is reported with the worst.
SEVERITY = {"unsupported": 4, "needs_extra_opset": 3, "needs_opset": 2, "conditional": 1, "supported": 0}


@dataclass
class Verdict:
    """What happens to one node at the handlers."""

    status: str
    min_opset: int | None = None
    domain: str | None = None
    domain_version: int | None = None
    kind: str = "handler"  # handler | neutral | frozen | fused | qdq | loop | cond | call | unknown_op
    part: str | None = None  # for a fused op: the part that decides the verdict




def table_verdict(op: str, table: SupportTable, opset: int, extra: dict[str, int]) -> Verdict:
    """The verdict of tf2onnx's registry alone, at ``opset`` with the ``extra`` domains enabled."""
    entry = table.get(op)
    if entry is None:
        return Verdict("unsupported")
    n = entry.min_opset
    if n is not None and n <= opset:
        return Verdict("supported", n)
    for domain, version in sorted(entry.extra_domains().items()):
        if extra.get(domain, 0) >= version:
            return Verdict("supported", n, domain, version)
    if n is not None and n <= table.max_opset:
        return Verdict("needs_opset", n)
    extras = entry.extra_domains()
    if extras:
        domain, version = sorted(extras.items())[0]
        return Verdict("needs_extra_opset", n, domain, version)
    return Verdict("unsupported", n)


def _worst(verdicts: list[Verdict]) -> Verdict:
    worst = max(verdicts, key=lambda v: SEVERITY[v.status])
    opsets = [v.min_opset for v in verdicts if v.min_opset is not None]
    return Verdict(worst.status, max(opsets) if opsets else None, worst.domain, worst.domain_version,
                   worst.kind, worst.part)


def _attr_strings(g: Graph, i: int, key: str) -> list[str]:
    attr = g.attr(i, key)
    if attr is None:
        return []
    return [s.decode("utf-8", "replace") for s in attr.list.s]


@dataclass
class Context:
    g: Graph
    table: SupportTable
    opset: int
    extra: dict[str, int]
    has_loop: bool
    in_loop: set[int]
    functions: set[str]


def node_verdict(ctx: Context, i: int) -> Verdict:
    g = ctx.g
    op = g.ops[i]
    if op in rewrites.NEUTRAL_OPS:
        return Verdict("supported", kind="neutral")
    if op in rewrites.FREEZE_RENAMES and reads_variable(g, i):
        frozen = table_verdict(rewrites.FREEZE_RENAMES[op], ctx.table, ctx.opset, ctx.extra)
        frozen.kind, frozen.part = "frozen", rewrites.FREEZE_RENAMES[op]
        return frozen
    if op in rewrites.FUSED_OPS:
        parts = rewrites.fused_parts(op, _attr_strings(g, i, "fused_ops"))
        verdicts = []
        for part in parts:
            v = table_verdict(part, ctx.table, ctx.opset, ctx.extra)
            v.kind, v.part = "fused", part
            verdicts.append(v)
        return _worst(verdicts)
    if op in rewrites.QDQ_ARITY and len(g.inputs[i]) == rewrites.QDQ_ARITY[op]:
        axis = g.attr(i, "axis")
        need = rewrites.QDQ_AXIS_OPSET if axis is not None and axis.i != -1 else rewrites.QDQ_OPSET
        return Verdict("supported" if need <= ctx.opset else "needs_opset", need, kind="qdq")
    if op in rewrites.LOOP_OPS or (op in rewrites.LOOP_TENSOR_ARRAY_OPS and ctx.has_loop) \
            or (op in rewrites.RNN_CELL_OPS and i in ctx.in_loop):
        loop = ctx.table.get("Loop")
        return Verdict("conditional", loop.min_opset if loop else None, kind="loop")
    if op in rewrites.COND_OPS and i in ctx.in_loop:
        loop = ctx.table.get("Loop")
        return Verdict("conditional", loop.min_opset if loop else None, kind="loop")
    if op in rewrites.COND_OPS:
        cond = ctx.table.get("If")
        return Verdict("conditional", cond.min_opset if cond else None, kind="cond")
    if op in rewrites.CALL_OPS:
        target = g.attr(i, "f")
        found = target is not None and target.func.name in ctx.functions
        return Verdict("supported" if found else "unsupported", kind="call")
    verdict = table_verdict(op, ctx.table, ctx.opset, ctx.extra)
    if verdict.status == "unsupported" and default_op_table().get(op) is None:
        verdict.kind = "unknown_op"
    return verdict

