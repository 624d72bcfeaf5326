"""The pre-check: which ops between the chosen inputs and outputs tf2onnx will not convert, and at which opset.

Comparing every op type in the file with tf2onnx's registry is wrong in both directions. This
models what tf2onnx does first (see :mod:`.rewrites` and :mod:`.path`): cut at the inputs, keep the
data ancestors of the outputs, freeze variables, fold constants, rewrite fused ops and TF1 control
flow. Only the nodes left then meet a handler, and only their op types are judged (:mod:`.verdicts`),
against the table of :mod:`.support`. No TensorFlow, no tf2onnx.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from tfscout.defaults import DEFAULT_OPSET
from tfscout.errors import UsageError
from tfscout.inspector.graph import Graph, GraphAnalysis, TensorRef, function_library, functions_called
from tfscout.inspector.precheck import rewrites
from tfscout.inspector.precheck.hints import convert_remedy, hint_for
from tfscout.inspector.precheck.path import load_blockers, trace_path
from tfscout.inspector.precheck.support import SupportTable, load_support_table
from tfscout.inspector.precheck.verdicts import SEVERITY, Context, Verdict, node_verdict, table_verdict
from tfscout.inspector.report import ModeSwitch, OpIssue, PrecheckSummary

_MAX_NODES_LISTED = 50


class Endpoints(Protocol):
    """What the pre-check needs of a chosen interface (the ranking's Interface is one): where tf2onnx
    cuts the graph, what it fetches, and the placeholders fixed to their inference value."""

    @property
    def inputs(self) -> list[TensorRef]: ...

    @property
    def outputs(self) -> list[TensorRef]: ...

    @property
    def mode_switches(self) -> Mapping[int, ModeSwitch]: ...


@dataclass
class PrecheckResult:
    opset: int
    extra_opsets: dict[str, int]
    issues: list[OpIssue]
    statuses: dict[str, str]
    required_opset: int | None
    recommended_opset: int
    needed_extra_opsets: dict[str, int]
    table: str
    subgraph_nodes: int
    folded_nodes: int
    checked_nodes: int
    load_blockers: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> list[OpIssue]:
        return [i for i in self.issues if i.blocks]

    @property
    def blocks(self) -> bool:
        return self.summary().blocks

    def summary(self) -> PrecheckSummary:
        """What the Report keeps of the check (its ``precheck``)."""
        return PrecheckSummary(
            ran=True, opset=self.opset, extra_opsets=[f"{d}:{v}" for d, v in self.extra_opsets.items()],
            table=self.table, subgraph_nodes=self.subgraph_nodes, folded_nodes=self.folded_nodes,
            checked_nodes=self.checked_nodes, blocking=sorted({i.op for i in self.blocking}),
            conditional=sorted({i.op for i in self.issues if i.status == "conditional"}),
            required_opset=self.required_opset, recommended_opset=self.recommended_opset,
            needed_extra_opsets=[f"{d}:{v}" for d, v in self.needed_extra_opsets.items()],
            load_blockers={op: nodes[:_MAX_NODES_LISTED] for op, nodes in self.load_blockers.items()},
            op_types=dict(sorted(self.statuses.items())), notes=list(self.notes),
        )


# ---------------------------------------------------------------------------------------------
# The whole check


def _function_body_nodes(g: Graph, live: list[int]) -> list[tuple[str, str]]:
    """(op type, "function/node") of every node in a function that a live node calls, transitively."""
    library = function_library(g)
    if not library:
        return []
    return [(node.op, f"{name}/{node.name}") for name in functions_called(g, live, library)
            for node in library[name].node_def]


MIN_OPSET = 7  # tf2onnx 1.17 converts to opset 7 and above


def validate_opset(opset: int | None, table: SupportTable | None = None) -> None:
    """Raise UsageError for an opset tf2onnx cannot target (None means the recommended one)."""
    if opset is None:
        return
    table = table or load_support_table()
    if not MIN_OPSET <= opset <= table.max_opset:
        raise UsageError(f"opset {opset} is not one tf2onnx {table.tf2onnx_version} can target",
                         f"choose one from {MIN_OPSET} to {table.max_opset}; the default is {DEFAULT_OPSET}")


def run_precheck(a: GraphAnalysis, iface: Endpoints, opset: int | None = None,
                 table: SupportTable | None = None, extra_opsets: dict[str, int] | None = None) -> PrecheckResult:
    """Pre-check the subgraph between ``iface.inputs`` and ``iface.outputs``.

    At ``opset`` when given; otherwise at the recommended opset: 15, or the lowest opset above it
    that every op on the path needs (at most tf2onnx's highest).
    """
    table = table or load_support_table()
    validate_opset(opset, table)
    result = _precheck_at(a, iface, opset or DEFAULT_OPSET, table, dict(extra_opsets or {}))
    if opset is None and result.recommended_opset != result.opset:
        result = _precheck_at(a, iface, result.recommended_opset, table, dict(extra_opsets or {}))
    return result


def _precheck_at(a: GraphAnalysis, iface: Endpoints, target: int, table: SupportTable,
                 extra: dict[str, int]) -> PrecheckResult:
    g = a.graph
    fixed = set(iface.mode_switches)
    path = trace_path(a, iface.inputs, iface.outputs, fixed)
    ctx = Context(g=g, table=table, opset=target, extra=extra,
                   has_loop=any(g.ops[i] == "LoopCond" for i in path.live), in_loop=a.in_loop,
                   functions={f.signature.name for f in g.graph_def.library.function})
    verdicts: dict[tuple[str, str, str | None, int | None, str | None], list[str]] = {}
    required: list[int] = []
    verdict_of: dict[tuple[str, str, str | None, int | None, str | None], Verdict] = {}
    for i in path.live:
        v = node_verdict(ctx, i)
        key = (g.ops[i], v.status, v.domain, v.min_opset, v.part)
        verdicts.setdefault(key, []).append(g.names[i])
        verdict_of[key] = v
        if v.min_opset is not None and v.status in ("supported", "needs_opset", "conditional"):
            required.append(v.min_opset)
    body_nodes = _function_body_nodes(g, path.live)
    for op, where in body_nodes:
        if op in rewrites.CONST_SOURCE_OPS:
            continue
        v = table_verdict(op, table, target, extra)
        if op in rewrites.NEUTRAL_OPS:
            v = Verdict("supported", kind="neutral")
        key = (op, v.status, v.domain, v.min_opset, None)
        verdicts.setdefault(key, []).append(where)
        verdict_of[key] = v
        if v.min_opset is not None and v.status in ("supported", "needs_opset"):
            required.append(v.min_opset)
    issues: list[OpIssue] = []
    statuses: dict[str, str] = {}
    needed_extra: dict[str, int] = {}
    for key, nodes in verdicts.items():
        op, status, domain, min_opset, part = key
        v = verdict_of[key]
        if op not in statuses or SEVERITY[status] > SEVERITY[statuses[op]]:
            statuses[op] = status
        if status == "needs_extra_opset" and domain is not None:
            needed_extra[domain] = max(needed_extra.get(domain, 0), v.domain_version or 1)
        if status == "supported":
            continue
        issues.append(OpIssue(
            op=op, nodes=nodes[:_MAX_NODES_LISTED], status=status, min_opset=min_opset,
            hint=hint_for(a, op, status, nodes, min_opset, domain, v.domain_version, part, v.kind), domain=domain,
            remedy=convert_remedy(op, status, v.kind),
        ))
    issues.sort(key=lambda u: (-SEVERITY[u.status], u.op))
    required_opset = max(max(required), MIN_OPSET) if required else None  # tf2onnx targets 7 and up
    recommended = min(max(target, required_opset or 1), table.max_opset)
    notes = []
    if fixed:
        notes.append("mode switches fixed to their inference values: " + ", ".join(
            sw.name for sw in iface.mode_switches.values()))
    if body_nodes:
        notes.append(f"{len(body_nodes)} nodes inside called functions are judged by op type only "
                     "(no folding modelled there)")
    blockers = load_blockers(g)
    warnings = list(table.warnings)
    for op, nodes in blockers.items():
        warnings.append(f"TensorFlow does not register op type {op} ({nodes[0]}"
                        + (f" and {len(nodes) - 1} more" if len(nodes) > 1 else "")
                        + "): tf2onnx loads the whole file into TensorFlow first and will fail with "
                        "'Op type not registered'; extract the subgraph into a new file before converting")
    return PrecheckResult(
        opset=target, extra_opsets=extra, issues=issues, statuses=statuses, required_opset=required_opset,
        recommended_opset=recommended, needed_extra_opsets=dict(sorted(needed_extra.items())),
        table=table.describe(), subgraph_nodes=len(path.subgraph), folded_nodes=len(path.constant),
        checked_nodes=len(path.live), load_blockers=blockers, warnings=warnings, notes=notes,
    )


def unsupported_set(result: PrecheckResult) -> set[str]:
    """The op types tf2onnx would report as not supported at the checked setting."""
    return {issue.op for issue in result.blocking}

